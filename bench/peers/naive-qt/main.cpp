// Peer for scripts/bench-fanout.sh: a naive QWebSocketServer broadcast, as the Qt
// documentation's examples would write it (default event dispatcher, default backlog,
// sendTextMessage per client). Every text message containing "gw.arrive" is one state
// change: one stats-like JSON, padded to PAYLOAD_BYTES, goes to every other client.
// Usage: acdesk_peer_naive_qt PORT [PAYLOAD_BYTES]
#include <QCoreApplication>
#include <QHostAddress>
#include <QList>
#include <QWebSocket>
#include <QWebSocketServer>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const quint16 port = argc > 1 ? quint16(QByteArray(argv[1]).toUInt()) : 8091;
    const int payloadBytes = argc > 2 ? QByteArray(argv[2]).toInt() : 1000;
    QWebSocketServer server(QStringLiteral("naive"), QWebSocketServer::NonSecureMode);
    if (!server.listen(QHostAddress::LocalHost, port)) {
        std::fprintf(stderr, "naive-qt: cannot listen on %u\n", unsigned(port));
        return 1;
    }
    QList<QWebSocket *> clients;
    int waiting = 0;
    int seq = 0;
    QObject::connect(&server, &QWebSocketServer::newConnection, [&] {
        while (QWebSocket *ws = server.nextPendingConnection()) {
            clients.append(ws);
            QObject::connect(ws, &QWebSocket::textMessageReceived, [&, ws](const QString &m) {
                if (!m.contains(QLatin1String("gw.arrive")))
                    return;
                ++waiting;
                ++seq;
                QString text =
                    QStringLiteral("{\"type\":\"stats\",\"seq\":%1,\"queues\":[{\"id\":\"q\","
                                   "\"waiting\":%2}],\"pad\":\"")
                        .arg(seq)
                        .arg(waiting);
                text += QString(qMax(0, payloadBytes - int(text.size()) - 2), QLatin1Char('x'));
                text += QLatin1String("\"}");
                for (QWebSocket *c : qAsConst(clients))
                    if (c != ws)
                        c->sendTextMessage(text);
            });
            QObject::connect(ws, &QWebSocket::disconnected, [&, ws] {
                clients.removeOne(ws);
                ws->deleteLater();
            });
        }
    });
    std::printf("naive-qt peer listening on 127.0.0.1:%u\n", unsigned(port));
    std::fflush(stdout);
    return app.exec();
}
