#include "listener.h"

#include <QFile>
#include <QLoggingCategory>
#include <QPointer>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

Q_LOGGING_CATEGORY(lcListener, "acdesk.server.listener")

namespace acdesk::server {

namespace {

constexpr qint64 MaxRequestHead = 16 * 1024;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 400:
        return "Bad Request";
    case 431:
        return "Request Header Fields Too Large";
    case 503:
        return "Service Unavailable";
    default:
        return "Error";
    }
}

struct RequestHead
{
    QByteArray method;
    QByteArray path; // without the query
    QByteArray target;
    QHash<QByteArray, QByteArray> headers; // lower-case names
};

std::optional<RequestHead> parseHead(const QByteArray &head)
{
    const QList<QByteArray> lines = head.split('\n');
    if (lines.isEmpty())
        return std::nullopt;
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1."))
        return std::nullopt;
    RequestHead r;
    r.method = requestLine[0];
    r.target = requestLine[1];
    const qsizetype q = r.target.indexOf('?');
    r.path = q < 0 ? r.target : r.target.left(q);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty())
            break;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return std::nullopt;
        r.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    return r;
}

bool headerHasToken(const QByteArray &value, const QByteArray &token)
{
    for (const QByteArray &part : value.split(','))
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

} // namespace

Listener::Listener(QObject *parent)
    : QObject(parent)
{}

Listener::~Listener() = default;

bool Listener::listen(const Options &options, QString *error)
{
    m_options = options;
    m_tls = !options.tlsCertFile.isEmpty();
    if (m_tls) {
        QFile certFile(options.tlsCertFile);
        QFile keyFile(options.tlsKeyFile);
        if (!certFile.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read TLS certificate %1: %2")
                         .arg(options.tlsCertFile, certFile.errorString());
            return false;
        }
        if (!keyFile.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read TLS key %1: %2")
                         .arg(options.tlsKeyFile, keyFile.errorString());
            return false;
        }
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll());
        const QByteArray keyPem = keyFile.readAll();
        QSslKey key(keyPem, QSsl::Rsa);
        if (key.isNull())
            key = QSslKey(keyPem, QSsl::Ec);
        if (chain.isEmpty() || key.isNull()) {
            *error = QStringLiteral("TLS certificate or key is not valid PEM");
            return false;
        }
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificateChain(chain);
        ssl.setPrivateKey(key);
        ssl.setProtocol(QSsl::TlsV1_2OrLater);
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        auto *sslServer = new QSslServer(this);
        sslServer->setSslConfiguration(ssl);
        sslServer->setHandshakeTimeout(options.handshakeTimeoutMs);
        m_tcp = sslServer;
    } else {
        m_tcp = new QTcpServer(this);
    }
    // The default backlog of 50 drops SYNs during reconnect storms (all TVs and agents
    // coming back after a server restart); the kernel caps it at somaxconn anyway.
    m_tcp->setListenBacklogSize(1024);
    m_tcp->setMaxPendingConnections(1024);

    m_ws = new QWebSocketServer(QStringLiteral("acdesk"), QWebSocketServer::NonSecureMode, this);
    m_ws->setSupportedSubprotocols({QStringLiteral("acdesk.v1")});
    m_ws->setHandshakeTimeout(std::chrono::milliseconds(options.handshakeTimeoutMs));
    connect(m_ws, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *socket = m_ws->nextPendingConnection()) {
            socket->setMaxAllowedIncomingMessageSize(quint64(m_options.maxMessageBytes));
            socket->setMaxAllowedIncomingFrameSize(quint64(m_options.maxMessageBytes));
            Q_EMIT newConnection(socket);
        }
    });

    connect(m_tcp, &QTcpServer::pendingConnectionAvailable, this, &Listener::onTcpConnection);
    if (!m_tcp->listen(QHostAddress(options.host), options.port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(options.host)
                     .arg(options.port)
                     .arg(m_tcp->errorString());
        return false;
    }
    return true;
}

quint16 Listener::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

bool Listener::isTls() const
{
    return m_tls;
}

void Listener::close()
{
    if (m_tcp)
        m_tcp->close();
}

void Listener::updateAccepting()
{
    // At the descriptor limit Qt's accept loop spins; stop accepting before that.
    if (m_open >= m_options.maxConnections)
        m_tcp->pauseAccepting();
    else
        m_tcp->resumeAccepting();
}

void Listener::onTcpConnection()
{
    while (QTcpSocket *socket = m_tcp->nextPendingConnection()) {
        ++m_open;
        // The handshake timer of QWebSocketServer does not run for handleConnection():
        // ours covers the time until the request head is complete.
        auto *deadline = new QTimer(socket);
        deadline->setSingleShot(true);
        connect(deadline, &QTimer::timeout, socket, [socket] { socket->abort(); });
        deadline->start(m_options.handshakeTimeoutMs);
        socket->setProperty("acdeskDeadline", QVariant::fromValue<QObject *>(deadline));
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadable(socket); });
        // The QWebSocket adopts the TCP socket and deletes it when it goes, so counting
        // destructions covers upgraded, refused and half-open connections alike.
        connect(socket, &QObject::destroyed, this, [this] {
            --m_open;
            updateAccepting();
        });
        connect(socket, &QTcpSocket::disconnected, this, [socket] {
            if (!socket->property("acdeskHandedOver").toBool())
                socket->deleteLater();
        });
        if (socket->bytesAvailable() > 0)
            onReadable(socket);
    }
    updateAccepting();
}

void Listener::onReadable(QTcpSocket *socket)
{
    if (socket->property("acdeskHandedOver").toBool())
        return;
    // Peek only: QWebSocketServer::handleConnection() reads the request itself.
    const QByteArray data = socket->peek(MaxRequestHead);
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0) {
        if (data.size() >= MaxRequestHead)
            answerHttp(socket, {431, "text/plain; charset=utf-8", "request head too large\n"});
        return;
    }
    const std::optional<RequestHead> head = parseHead(data.left(end));
    if (!head) {
        answerHttp(socket, {400, "text/plain; charset=utf-8", "bad request\n"});
        return;
    }
    const bool upgrade =
        headerHasToken(head->headers.value("connection"), "upgrade") &&
        head->headers.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0;
    if (upgrade) {
        if (head->path != "/ws") {
            answerHttp(socket, {404, "text/plain; charset=utf-8", "WebSocket endpoint is /ws\n"});
            return;
        }
        const QByteArray origin = head->headers.value("origin");
        if (!origin.isEmpty() && !m_options.allowedOrigins.isEmpty() &&
            !m_options.allowedOrigins.contains(QString::fromUtf8(origin))) {
            qCInfo(lcListener) << "refused WebSocket from origin" << origin;
            answerHttp(socket, {403, "text/plain; charset=utf-8", "origin not allowed\n"});
            return;
        }
        socket->setProperty("acdeskHandedOver", true);
        disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
        if (auto *deadline = socket->property("acdeskDeadline").value<QObject *>())
            deadline->deleteLater();
        m_ws->handleConnection(socket);
        return;
    }
    if (head->method != "GET" && head->method != "HEAD") {
        answerHttp(socket, {405, "text/plain; charset=utf-8", "only GET is served\n"});
        return;
    }
    HttpResponse response{404, "text/plain; charset=utf-8", "not found\n"};
    if (m_http)
        response = m_http(head->target);
    answerHttp(socket, response, head->method == "HEAD");
}

void Listener::answerHttp(QTcpSocket *socket, const HttpResponse &response, bool head)
{
    socket->setProperty("acdeskHandedOver", false);
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    QByteArray out =
        "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) +
        "\r\nContent-Type: " + response.contentType +
        "\r\nContent-Length: " + QByteArray::number(response.body.size()) +
        "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: "
        "close\r\n\r\n";
    if (!head)
        out += response.body;
    socket->write(out);
    socket->disconnectFromHost();
}

} // namespace acdesk::server
