#pragma once

#include "protocol/servermessages.h"

#include <QHash>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkProxy>
#include <QObject>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <functional>

Q_DECLARE_LOGGING_CATEGORY(lcClient)

namespace acdesk::client {

/**
 * @brief The client side of the WebSocket API: owns the socket, logs in, resumes after
 * every drop with capped exponential backoff and jitter, keeps its own liveness pings,
 * matches replies to requests exactly once, and hands events on as typed signals.
 *
 * Requests that change something carry a `key`; when the connection drops before their
 * reply, they are sent again after the resume and the server answers from memory, so a
 * click is executed once — never lost and never twice.
 */
class ClientConnection : public QObject
{
    Q_OBJECT
public:
    /** @brief What the connection is doing. */
    enum class Status { Offline, Connecting, LoggingIn, Online, Reconnecting };
    Q_ENUM(Status)

    /**
     * @brief A reply: ok (errorCode empty; `result` holds its fields, for the codec's result
     * structs) or an error with its code ("offline"/"timeout" when made here), message and
     * details.
     */
    struct Reply
    {
        QJsonObject result;
        QString errorCode;
        QString errorMessage;
        QJsonObject details;
        bool ok() const { return errorCode.isEmpty(); }
    };
    using ReplyHandler = std::function<void(const Reply &)>;

    explicit ClientConnection(QObject *parent = nullptr);
    ~ClientConnection() override;

    /** @brief Connects and logs in; reconnects by itself until close(). */
    void open(const QUrl &url, const QString &role, const QString &user, const QString &secret,
              const QString &station = {});
    /** @brief Connects and resumes a stored session token. */
    void openWithToken(const QUrl &url, const QString &token);
    /** @brief Logs out (when online) and closes for good. */
    void logout();
    /** @brief Closes without logging out; the server keeps an agent for its grace period. */
    void close();
    /** @brief Sends a request; @p handler gets its reply exactly once (or a local error). */
    void request(QJsonObject message, ReplyHandler handler = {});

    /** @brief The status as QML shows it: offline, connecting, loggingIn, online, reconnecting. */
    static QString statusName(Status status);
    /** @brief Current status. */
    Status status() const { return m_status; }
    /** @brief The session token (empty before the first login). */
    QString token() const { return m_token; }
    /** @brief The last error, for people. */
    QString lastError() const { return m_lastError; }
    /** @brief Extra CA certificates (PEM file) trusted besides the system store. */
    bool addCaCertificates(const QString &pemFile);
    /** @brief Replaces the TLS settings (the in-process SIP gateway on loopback). */
    void setSslConfiguration(const QSslConfiguration &ssl) { m_ssl = ssl; }
    /** @brief An explicit HTTP proxy; default is the system configuration. */
    void setProxy(const QNetworkProxy &proxy);
    /** @brief Milliseconds a request may wait for its reply (default 10 s). */
    void setRequestTimeout(int ms) { m_requestTimeoutMs = ms; }
    /** @brief Backoff bounds for reconnecting (default 250 ms to 10 s). */
    void setBackoff(int minMs, int maxMs);
    /**
     * @brief The TLS port a ws:// URL falls back to (wss://HOST:PORT/…) when its upgrade
     * fails, as behind firewalls and proxies that break plain WebSocket; 0: never. 443
     * unless set.
     */
    void setFallbackPort(int port) { m_fallbackPort = port; }
    /** @brief The URL in use: the one given, or its wss fallback once that worked. */
    QUrl url() const { return m_url; }
    /** @brief True while the connection goes to the wss fallback instead of the URL given. */
    bool onFallback() const { return m_url != m_primaryUrl; }

Q_SIGNALS:
    /** @brief Status changed. */
    void statusChanged(acdesk::client::ClientConnection::Status status);
    /** @brief Logged in or resumed. */
    void loggedIn(const acdesk::proto::LoginResult &result);
    /** @brief The login was refused (wrong secret); the connection stays closed. */
    void loginFailed(const QString &message);
    /**
     * @brief An event (snapshot, agent.state, call.offer, stats, message, ...), decoded by the
     * codec; frames it refuses are logged and dropped.
     */
    void eventReceived(const acdesk::proto::ServerMessage &event);
    /** @brief Another login took this agent over; the connection stays closed. */
    void replaced();
    /** @brief lastError changed. */
    void errorChanged(const QString &message);
    /** @brief The connection now goes to another URL (the fallback, or back). */
    void urlChanged();

private:
    struct Pending
    {
        QJsonObject message;
        ReplyHandler handler;
        qint64 deadlineMs = 0;
        bool resendable = false;
    };

    void connectSocket();
    void onConnected();
    void onDisconnected();
    void onText(const QString &text);
    void onReply(const QJsonValue &re, const Reply &reply);
    void setStatus(Status s);
    void setError(const QString &message);
    void scheduleReconnect();
    void sendLogin();
    void flushQueue();
    void checkTimeouts();
    void send(qint64 id, const Pending &p);

    QWebSocket *m_socket = nullptr;
    QUrl m_url;        ///< this attempt's
    QUrl m_primaryUrl; ///< as given to open()
    int m_fallbackPort = 443;
    bool m_socketUp = false; ///< this socket's upgrade succeeded
    /** @brief ws://HOST/… as wss://HOST:fallbackPort/…; empty when there is none. */
    QUrl fallbackUrl() const;
    /** @brief Starts at the URL that last worked for @p url (remembered in QSettings). */
    void setPrimaryUrl(const QUrl &url);
    /** @brief The URL of this login is the one to start with next time. */
    void rememberRoute();
    proto::Role m_role = proto::Role::Agent;
    QString m_user;
    QString m_secret;
    QString m_station;
    QString m_token;
    Status m_status = Status::Offline;
    QString m_lastError;
    bool m_wanted = false;
    int m_backoffMs = 250;
    int m_minBackoffMs = 250;
    int m_maxBackoffMs = 10000;
    int m_requestTimeoutMs = 10000;
    int m_unansweredPings = 0;
    qint64 m_nextId = 1;
    qint64 m_loginId = 0;
    quint64 m_lastSeq = 0;
    QHash<qint64, Pending> m_pending; // sent, waiting for a reply
    QList<Pending> m_waitingForLogin; // keyed requests to send once online again
    QTimer m_reconnectTimer;
    QTimer m_pingTimer;
    QTimer m_timeoutTimer;
    QSslConfiguration m_ssl;
    QNetworkProxy m_proxy;
    bool m_proxySet = false;
};

} // namespace acdesk::client
