#pragma once

#include <QHash>
#include <QObject>
#include <QSslConfiguration>
#include <QStringList>

#include <QElapsedTimer>
#include <QSet>
#include <QTimer>

#include <functional>

class QSocketNotifier;
class QTcpServer;
class QTcpSocket;

namespace acdesk::server {

/** @brief A plain HTTP response for the few GET paths the server answers. */
struct HttpResponse
{
    int status = 200;
    QByteArray contentType = "text/plain; charset=utf-8";
    QByteArray body;
};

class Peer;

/**
 * @brief One TCP (or TLS) port that answers both WebSocket upgrades on /ws and plain GETs.
 *
 * QtHttpServer 6.4 hides the handshake (no subprotocol selection, no origin check, no
 * listen backlog), and QWebSocketServer costs a QTcpSocket and a QWebSocket per
 * connection (see Peer for what that costs). So a QTcpServer accepts the descriptors, one
 * epoll set watches them all behind a single QSocketNotifier (Qt's own dispatcher polls
 * every notifier on every turn), and each connection is a Peer. With TLS a QSslServer
 * accepts and does the TLS handshake; the Peer then reads and writes through the QSslSocket.
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
    /** @brief Stops accepting; open connections stay until the server closes them. */
    void close();
    /** @brief Open TCP connections, handshaking or upgraded. */
    int openConnections() const { return int(m_peers.size()); }

Q_SIGNALS:
    /**
     * @brief A WebSocket connection on /ws finished its handshake. The listener keeps
     * owning the peer; the receiver sets its handler before returning.
     */
    void newConnection(acdesk::server::Peer *peer);

private:
    friend class Peer;
    void adopt(int fd);
    void adoptTls(QTcpSocket *socket);
    void add(Peer *peer);
    void onEpoll();
    void onHead(Peer *peer, QByteArrayView head);
    void answerHttp(Peer *peer, const HttpResponse &response, bool head = false);
    void updateEvents(Peer *peer);
    void setDeadline(Peer *peer, qint64 afterMs);
    void sweepDeadlines();
    void died(Peer *peer);
    void buryDead();
    void updateAccepting();
    qint64 nowMs() const { return m_clock.elapsed(); }

    Options m_options;
    QTcpServer *m_tcp = nullptr;
    HttpHandler m_http;
    int m_epoll = -1;
    QSocketNotifier *m_epollNotifier = nullptr;
    QSet<Peer *> m_peers;     // every open connection, handshaking or upgraded
    QSet<Peer *> m_deadlines; // peers in their request head or closing handshake
    QList<Peer *> m_dead;     // closed, deleted on the next turn of the event loop
    QTimer m_sweep;
    QTimer m_bury;
    QElapsedTimer m_clock;
    bool m_tls = false;
};

} // namespace acdesk::server
