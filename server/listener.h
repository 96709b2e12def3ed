#pragma once

#include <QHash>
#include <QObject>
#include <QSslConfiguration>
#include <QStringList>

#include <functional>

class QTcpServer;
class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

namespace acdesk::server {

/** @brief A plain HTTP response for the few GET paths the server answers. */
struct HttpResponse
{
    int status = 200;
    QByteArray contentType = "text/plain; charset=utf-8";
    QByteArray body;
};

/**
 * @brief One TCP (or TLS) port that answers both WebSocket upgrades on /ws and plain GETs.
 *
 * QWebSocketServer alone cannot serve HTTP, and QtHttpServer 6.4 hides the handshake
 * (no subprotocol selection, no origin check, no listen backlog). So a QTcpServer/QSslServer
 * accepts, we peek at the request head, and either hand the socket to
 * QWebSocketServer::handleConnection() or answer the GET ourselves.
 */
class Listener : public QObject
{
    Q_OBJECT
public:
    /** @brief Settings fixed before listen(). */
    struct Options
    {
        QString host = QStringLiteral("0.0.0.0");
        quint16 port = 8080;
        QString tlsCertFile;
        QString tlsKeyFile;
        qint64 maxMessageBytes = 65536;
        int handshakeTimeoutMs = 10000;
        QStringList allowedOrigins; // empty: every Origin is accepted
        int maxConnections = 20000;
    };
    using HttpHandler = std::function<HttpResponse(const QByteArray &path)>;

    explicit Listener(QObject *parent = nullptr);
    ~Listener() override;

    /** @brief Starts listening; on failure returns false and fills @p error. */
    bool listen(const Options &options, QString *error);
    /** @brief The port actually bound (useful after asking for port 0). */
    quint16 port() const;
    /** @brief Whether connections are encrypted (wss/https). */
    bool isTls() const;
    /** @brief Answers non-WebSocket GET requests. */
    void setHttpHandler(HttpHandler handler) { m_http = std::move(handler); }
    /** @brief Stops accepting and closes pending handshakes. */
    void close();
    /** @brief Open TCP connections, handshaking or upgraded. */
    int openConnections() const { return m_open; }

Q_SIGNALS:
    /** @brief A WebSocket connection on /ws finished its handshake. Ownership passes on. */
    void newConnection(QWebSocket *socket);

private:
    void onTcpConnection();
    void onReadable(QTcpSocket *socket);
    void answerHttp(QTcpSocket *socket, const HttpResponse &response, bool head = false);
    void updateAccepting();

    Options m_options;
    QTcpServer *m_tcp = nullptr;
    QWebSocketServer *m_ws = nullptr;
    HttpHandler m_http;
    int m_open = 0; // handshaking + live WebSocket connections
    bool m_tls = false;
};

} // namespace acdesk::server
