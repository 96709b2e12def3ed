#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QObject>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

class QTcpServer;
class QTcpSocket;

namespace acdesk::server {

/** @brief WebSocket close codes the server sends (RFC 6455 section 7.4). */
namespace closecode {
constexpr quint16 Normal = 1000;
constexpr quint16 GoingAway = 1001;
constexpr quint16 ProtocolError = 1002;
constexpr quint16 Unsupported = 1003;
constexpr quint16 BadPayload = 1007;
constexpr quint16 PolicyViolated = 1008;
constexpr quint16 TooBig = 1009;
} // namespace closecode

/**
 * @brief One WebSocket connection as the server sees it, whatever carries it: text in,
 * text out, close with a code, the remote address and how much is still unsent.
 *
 * Calls made by the server (send, ping, close, abort) never call back into it: a peer that
 * fails while sending is reported closed on a later turn of the event loop. The transport
 * owns the peer and deletes it after Handler::peerClosed() returns.
 */
class Peer
{
public:
    /** @brief What the server hears from a WebSocket peer. */
    class Handler
    {
    public:
        /** @brief A complete text message, valid UTF-8. */
        virtual void peerText(Peer *peer, const QByteArray &utf8) = 0;
        /** @brief The answer to ping(). */
        virtual void peerPong(Peer *peer) = 0;
        /** @brief The connection is gone; the peer is deleted after this returns. */
        virtual void peerClosed(Peer *peer) = 0;

    protected:
        ~Handler() = default;
    };

    virtual ~Peer() = default;
    Peer(const Peer &) = delete;
    Peer &operator=(const Peer &) = delete;

    /** @brief Who hears this peer's messages; @p context is the handler's own. */
    void setHandler(Handler *handler, void *context)
    {
        m_handler = handler;
        m_context = context;
    }
    void *context() const { return m_context; }
    /** @brief The remote address, as text. */
    const QString &address() const { return m_address; }

    /** @brief Sends one text message whose payload is @p head followed by @p tail. */
    virtual void sendText(QByteArrayView head, QByteArrayView tail = {}) = 0;
    /** @brief Sends a ping; the answer arrives as Handler::peerPong(). */
    virtual void ping() = 0;
    /** @brief Sends a close frame with @p code; the connection ends after it. */
    virtual void close(quint16 code, const QString &reason) = 0;
    /** @brief Drops the connection at once. */
    virtual void abort() = 0;
    /** @brief Bytes accepted by send calls but not yet handed to the kernel. */
    virtual qint64 bytesToWrite() const = 0;

protected:
    explicit Peer(QString address)
        : m_address(std::move(address))
    {}

    Handler *m_handler = nullptr;
    void *m_context = nullptr;
    QString m_address;
};

/** @brief A plain HTTP response for the few GET paths the server answers. */
struct HttpResponse
{
    int status = 200;
    QByteArray contentType = "text/plain; charset=utf-8";
    QByteArray body;
};

/**
 * @brief One TCP (or TLS) port that answers WebSocket upgrades on /ws and plain GETs, and
 * hands the server each upgraded connection as a Peer.
 *
 * Two implementations (docs/architecture.md, "Transports"): QtTransport on
 * QWebSocketServer, the default, and EpollTransport, hand-written RFC 6455 framing on one
 * epoll set for sites with thousands of wallboards. Both check the upgrade the same way
 * (checkUpgrade) and answer HTTP the same way (httpAnswer), so clients cannot tell them apart.
 */
class Transport : public QObject
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
    using HttpHandler = std::function<HttpResponse(const QByteArray &target)>;

    static constexpr qint64 MaxRequestHead = 16 * 1024;
    // A client that stops reading must not keep a connection (and its slot) forever.
    static constexpr qint64 HttpAnswerMs = 30000;
    static constexpr qint64 CloseHandshakeMs = 5000;
    // The server drops a slow consumer at 4 MiB of events; this backstop also covers what a
    // transport queues by itself (pongs to a client that pings but does not read) and TLS.
    static constexpr qint64 MaxUnsentBytes = 8 * 1024 * 1024;

    /** @brief The names --transport and server.transport accept; the first is the default. */
    static QStringList names();
    /** @brief The transport called @p name (one of names()), or null. */
    static std::unique_ptr<Transport> create(const QString &name);

    using QObject::QObject;

    /** @brief Starts listening; on failure returns false and fills @p error. */
    bool listen(const Options &options, QString *error);
    /** @brief The port actually bound (useful after asking for port 0). */
    quint16 port() const;
    /** @brief Whether connections are encrypted (wss/https). */
    bool isTls() const { return m_tls; }
    /** @brief Answers non-WebSocket GET requests. */
    void setHttpHandler(HttpHandler handler) { m_http = std::move(handler); }
    /** @brief Stops accepting; open connections stay until the server closes them. */
    void close();
    /** @brief Open TCP connections, handshaking or upgraded. */
    virtual int openConnections() const = 0;

Q_SIGNALS:
    /**
     * @brief A WebSocket connection on /ws finished its handshake. The transport keeps
     * owning the peer; the receiver sets its handler before returning.
     */
    void newConnection(acdesk::server::Peer *peer);

protected:
    /** @brief Sets up what listen() needs besides the socket (e.g. an epoll set). */
    virtual bool prepare(QString *error) = 0;
    /** @brief The server socket for plain connections, not yet listening. */
    virtual QTcpServer *makePlainServer() = 0;
    /** @brief A connection accepted by a QTcpServer (with TLS: after its handshake). */
    virtual void accepted(QTcpSocket *socket) = 0;
    /** @brief Pauses accepting at maxConnections open connections, resumes below. */
    void updateAccepting();

    /** @brief A parsed HTTP request head. */
    struct RequestHead
    {
        QByteArray method;
        QByteArray path; // without the query
        QByteArray target;
        QHash<QByteArray, QByteArray> headers; // lower-case names
        bool isUpgrade() const;
        /** @brief Whether the comma-separated header @p name lists @p token. */
        bool hasToken(const QByteArray &name, const QByteArray &token) const;
    };
    /** @brief The request head up to (not including) the blank line; nullopt if malformed. */
    static std::optional<RequestHead> parseHead(QByteArrayView head);
    /**
     * @brief What to answer a request head that is not a valid upgrade on /ws (a GET, a
     * wrong path, an origin not allowed, a bad key); nullopt when the upgrade may go on.
     */
    std::optional<HttpResponse> refusal(const RequestHead &head) const;
    /** @brief The bytes of an HTTP/1.1 answer that closes the connection. */
    static QByteArray httpAnswer(const HttpResponse &response, bool headOnly);

    Options m_options;
    HttpHandler m_http;
    QTcpServer *m_tcp = nullptr; // a child; QSslServer with TLS
    bool m_tls = false;
};

} // namespace acdesk::server
