#pragma once

#include "transport.h"

#include <QList>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QWebSocketServer>

class QTcpServer;
class QTcpSocket;
class QWebSocket;

namespace acdesk::server {

class QtTransport;

/** @brief A QWebSocket as the server's Peer. */
class QtPeer final : public Peer
{
public:
    ~QtPeer() override;

    void sendText(QByteArrayView head, QByteArrayView tail = {}) override;
    void ping() override;
    void close(quint16 code, const QString &reason) override;
    void abort() override;
    qint64 bytesToWrite() const override;

private:
    friend class QtTransport;
    QtPeer(QtTransport *transport, QWebSocket *socket);

    QtTransport *m_transport;
    QPointer<QWebSocket> m_socket;
    bool m_dead = false;
};

/**
 * @brief The default transport: QWebSocketServer, on a port shared with the HTTP
 * endpoints.
 *
 * A QTcpServer (QSslServer with TLS) accepts; the request head is peeked, not read, so
 * that a GET is answered here and a valid upgrade on /ws is handed to
 * QWebSocketServer::handleConnection() with the socket untouched. The upgrade is checked
 * first with the same rules as the epoll transport (path, origin, version, key), so both
 * answer a bad handshake alike.
 */
class QtTransport final : public Transport
{
    Q_OBJECT
public:
    explicit QtTransport(QObject *parent = nullptr);
    ~QtTransport() override;

    int openConnections() const override { return m_open; }

private:
    friend class QtPeer;
    bool prepare(QString *) override { return true; }
    QTcpServer *makePlainServer() override;
    void accepted(QTcpSocket *socket) override;
    void readHead(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const HttpResponse &response, bool headOnly);
    void upgraded();
    void died(QtPeer *peer);
    void buryDead();
    /** @brief @p utf8 as UTF-16; the event body shared by all recipients is converted once. */
    QString utf16(QByteArrayView head, QByteArrayView tail);

    QWebSocketServer m_ws;
    int m_open = 0; // accepted sockets not yet destroyed
    QSet<QtPeer *> m_peers;
    QList<QtPeer *> m_dead; // closed, deleted on the next turn of the event loop
    QTimer m_bury;
    QByteArray m_lastTail; // the body converted last, and its conversion
    QString m_lastTailUtf16;
};

} // namespace acdesk::server
