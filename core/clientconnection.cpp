#include "clientconnection.h"

#include "protocol/envelope.h"
#include "protocol/requests.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSettings>
#include <QSslCertificate>
#include <QUuid>

Q_LOGGING_CATEGORY(lcClient, "acdesk.client")

namespace acdesk::client {

namespace {

// The codec's list: the requests the server remembers keyed replies for.
bool isMutating(const QString &type)
{
    return proto::isMutatingRequestType(type);
}

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

QString ClientConnection::statusName(Status s)
{
    switch (s) {
    case Status::Offline:
        return QStringLiteral("offline");
    case Status::Connecting:
        return QStringLiteral("connecting");
    case Status::LoggingIn:
        return QStringLiteral("loggingIn");
    case Status::Online:
        return QStringLiteral("online");
    case Status::Reconnecting:
        return QStringLiteral("reconnecting");
    }
    return {};
}

ClientConnection::ClientConnection(QObject *parent)
    : QObject(parent)
    , m_ssl(QSslConfiguration::defaultConfiguration())
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &ClientConnection::connectSocket);
    m_pingTimer.setInterval(15000);
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
            return;
        if (m_unansweredPings >= 2) {
            qCInfo(lcClient) << "server missed two pings; reconnecting";
            m_socket->abort();
            return;
        }
        ++m_unansweredPings;
        m_socket->ping();
    });
    m_timeoutTimer.setInterval(250);
    connect(&m_timeoutTimer, &QTimer::timeout, this, &ClientConnection::checkTimeouts);
}

ClientConnection::~ClientConnection()
{
    m_wanted = false;
    // Not through onDisconnected(): a session that owns this connection as a member is
    // already half destroyed, so its reply handlers and slots must not run (LeakSanitizer: a
    // handler writing its error into the session's destroyed m_lastError).
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

bool ClientConnection::addCaCertificates(const QString &pemFile)
{
    QFile f(pemFile);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QList<QSslCertificate> certs = QSslCertificate::fromData(f.readAll());
    if (certs.isEmpty())
        return false;
    m_ssl.addCaCertificates(certs);
    return true;
}

void ClientConnection::setProxy(const QNetworkProxy &proxy)
{
    m_proxy = proxy;
    m_proxySet = true;
}

void ClientConnection::setBackoff(int minMs, int maxMs)
{
    m_minBackoffMs = minMs;
    m_maxBackoffMs = maxMs;
    m_backoffMs = minMs;
}

void ClientConnection::open(const QUrl &url, const QString &role, const QString &user,
                            const QString &secret, const QString &station)
{
    setPrimaryUrl(url);
    m_role = proto::fromString<proto::Role>(role).value_or(proto::Role::Agent);
    if (!proto::fromString<proto::Role>(role))
        qCWarning(lcClient) << "unknown role" << role << "- logging in as agent";
    m_user = user;
    m_secret = secret;
    m_station = station;
    m_token.clear();
    m_wanted = true;
    m_backoffMs = m_minBackoffMs;
    setStatus(Status::Connecting);
    connectSocket();
}

void ClientConnection::openWithToken(const QUrl &url, const QString &token)
{
    setPrimaryUrl(url);
    m_token = token;
    m_secret.clear();
    m_wanted = true;
    m_backoffMs = m_minBackoffMs;
    setStatus(Status::Connecting);
    connectSocket();
}

QUrl ClientConnection::fallbackUrl() const
{
    if (m_fallbackPort <= 0 || m_primaryUrl.scheme() != QLatin1String("ws"))
        return {};
    QUrl wss = m_primaryUrl;
    wss.setScheme(QStringLiteral("wss"));
    wss.setPort(m_fallbackPort == 443 ? -1 : m_fallbackPort);
    return wss;
}

namespace {
// Where the route that worked is kept: per URL as given, so another server starts afresh.
QString routeKey(const QUrl &url)
{
    return QStringLiteral("connection/routes/") +
           QString::fromLatin1(
               url.toString(QUrl::FullyEncoded)
                   .toUtf8()
                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}
} // namespace

void ClientConnection::setPrimaryUrl(const QUrl &url)
{
    m_primaryUrl = url;
    m_url = url;
    const QUrl remembered(QSettings().value(routeKey(url)).toString());
    if (!remembered.isEmpty() && remembered == fallbackUrl())
        m_url = remembered;
    Q_EMIT urlChanged();
}

void ClientConnection::rememberRoute()
{
    QSettings settings;
    if (onFallback())
        settings.setValue(routeKey(m_primaryUrl), m_url.toString());
    else if (settings.contains(routeKey(m_primaryUrl)))
        settings.remove(routeKey(m_primaryUrl));
}

void ClientConnection::close()
{
    m_wanted = false;
    m_reconnectTimer.stop();
    m_pingTimer.stop();
    if (m_socket)
        m_socket->close();
    setStatus(Status::Offline);
}

void ClientConnection::logout()
{
    if (m_status != Status::Online) {
        m_token.clear();
        close();
        return;
    }
    request({{QStringLiteral("type"), QStringLiteral("logout")}}, [this](const Reply &r) {
        if (!r.ok()) {
            setError(r.errorMessage);
            return;
        }
        m_token.clear();
        close();
    });
}

void ClientConnection::setStatus(Status s)
{
    if (m_status == s)
        return;
    m_status = s;
    Q_EMIT statusChanged(s);
}

void ClientConnection::setError(const QString &message)
{
    m_lastError = message;
    Q_EMIT errorChanged(message);
}

void ClientConnection::connectSocket()
{
    if (!m_wanted)
        return;
    if (m_socket) {
        // A failed handshake can leave a Qt 6.4 socket in ConnectingState without ever
        // emitting disconnected(): abort explicitly before starting over.
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket->setSslConfiguration(m_ssl);
    if (m_proxySet)
        m_socket->setProxy(m_proxy);
    connect(m_socket, &QWebSocket::connected, this, &ClientConnection::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &ClientConnection::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &ClientConnection::onText);
    connect(m_socket, &QWebSocket::pong, this, [this] { m_unansweredPings = 0; });
    connect(m_socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) {
                setError(m_socket->errorString());
                // Without a disconnected() (see above) the reconnect must start here.
                if (m_socket->state() != QAbstractSocket::ConnectedState)
                    onDisconnected();
            });
    QNetworkRequest req(m_url);
    req.setRawHeader("Sec-WebSocket-Protocol", "acdesk.v1");
    req.setTransferTimeout(10000);
    m_unansweredPings = 0;
    m_socketUp = false;
    m_socket->open(req);
    // Give up on a connect that hangs (a firewall that swallows the upgrade).
    QTimer::singleShot(10000, m_socket, [this, s = m_socket] {
        if (s == m_socket && s->state() != QAbstractSocket::ConnectedState) {
            setError(tr("The server did not answer in time."));
            onDisconnected();
        }
    });
}

void ClientConnection::onConnected()
{
    m_socketUp = true;
    setStatus(Status::LoggingIn);
    m_pingTimer.start();
    m_timeoutTimer.start();
}

void ClientConnection::onDisconnected()
{
    if (!m_socket)
        return;
    const int closeCode = int(m_socket->closeCode());
    m_socket->disconnect(this);
    m_socket->abort();
    m_socket->deleteLater();
    m_socket = nullptr;
    m_pingTimer.stop();
    m_loginId = 0;
    // Requests without a key cannot be told apart from new ones after a resume; they are
    // reported as failed. Keyed ones are sent again once the session is back.
    const auto pending = std::exchange(m_pending, {});
    for (auto it = pending.cbegin(); it != pending.cend(); ++it) {
        if (it->resendable && m_wanted) {
            m_waitingForLogin.append(*it);
        } else if (it->handler) {
            it->handler(
                {{}, QStringLiteral("offline"), tr("The connection to the server was lost."), {}});
        }
    }
    if (closeCode == 4000) {
        m_wanted = false;
        setStatus(Status::Offline);
        setError(tr("You logged in somewhere else; this window was signed out."));
        Q_EMIT replaced();
        return;
    }
    if (!m_wanted) {
        setStatus(Status::Offline);
        return;
    }
    setStatus(Status::Reconnecting);
    // The upgrade itself failed: firewalls and proxies that inspect port 80 break plain
    // WebSocket, and TLS on 443 passes them. Take turns between the two until one works;
    // the one that logs in is remembered (rememberRoute).
    const QUrl fallback = fallbackUrl();
    if (!m_socketUp && !fallback.isEmpty()) {
        m_url = m_url == fallback ? m_primaryUrl : fallback;
        qCInfo(lcClient) << "next attempt through" << m_url.toString();
        Q_EMIT urlChanged();
    }
    scheduleReconnect();
}

void ClientConnection::scheduleReconnect()
{
    if (m_reconnectTimer.isActive())
        return;
    // Jitter keeps a room full of clients from reconnecting in lockstep after a restart.
    const double jitter = 0.75 + QRandomGenerator::global()->generateDouble() * 0.5;
    m_reconnectTimer.start(int(m_backoffMs * jitter));
    m_backoffMs = qMin(m_backoffMs * 2, m_maxBackoffMs);
}

void ClientConnection::sendLogin()
{
    QJsonObject msg = m_token.isEmpty()
                          ? proto::LoginRequest{m_role, m_user, m_secret, m_station}.toJson()
                          : proto::ResumeRequest{m_token}.toJson();
    m_loginId = m_nextId++;
    msg.insert(QStringLiteral("id"), m_loginId);
    m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact)));
}

void ClientConnection::onText(const QString &text)
{
    auto decoded = proto::decodeServerMessage(text.toUtf8());
    if (const auto *error = std::get_if<proto::DecodeError>(&decoded)) {
        // A server of another version, or a broken one: say so, keep the session.
        qCWarning(lcClient) << "ignored a server message the codec refuses:" << error->message;
        return;
    }
    const proto::ServerMessage &message = std::get<proto::ServerMessage>(decoded);
    if (std::holds_alternative<proto::Hello>(message)) {
        sendLogin();
    } else if (const auto *ok = std::get_if<proto::OkReply>(&message)) {
        onReply(ok->re, {ok->fields, {}, {}, {}});
    } else if (const auto *error = std::get_if<proto::ErrorReply>(&message)) {
        onReply(error->re, {{}, proto::errorCodeName(error->code), error->message, error->details});
    } else {
        const quint64 seq = std::visit(
            [](const auto &event) -> quint64 {
                if constexpr (std::is_same_v<std::decay_t<decltype(event)>, proto::Hello> ||
                              std::is_same_v<std::decay_t<decltype(event)>, proto::OkReply> ||
                              std::is_same_v<std::decay_t<decltype(event)>, proto::ErrorReply>)
                    return 0;
                else
                    return event.seq;
            },
            message);
        if (seq != 0 && m_lastSeq != 0 && seq != m_lastSeq + 1)
            qCWarning(lcClient) << "event sequence jumped from" << m_lastSeq << "to" << seq;
        m_lastSeq = seq;
        Q_EMIT eventReceived(message);
    }
}

void ClientConnection::onReply(const QJsonValue &re, const Reply &reply)
{
    const qint64 id = re.toInteger(-1);
    if (id == m_loginId && m_loginId != 0) {
        m_loginId = 0;
        if (reply.ok()) {
            auto login = proto::LoginResult::fromJson(reply.result);
            if (const auto *error = std::get_if<proto::DecodeError>(&login)) {
                setError(tr("The server answered the login in a form this client does not "
                            "understand: %1")
                             .arg(error->message));
                m_wanted = false;
                m_socket->close();
                return;
            }
            const proto::LoginResult &result = std::get<proto::LoginResult>(login);
            m_token = result.token;
            m_backoffMs = m_minBackoffMs;
            rememberRoute();
            m_lastSeq = 0;
            setStatus(Status::Online);
            Q_EMIT loggedIn(result);
            flushQueue();
            return;
        }
        const bool authFailed = reply.errorCode == QLatin1String("auth_failed");
        if (authFailed && !m_token.isEmpty() && !m_secret.isEmpty()) {
            m_token.clear(); // expired session: log in afresh
            sendLogin();
            return;
        }
        setError(reply.errorMessage);
        if (authFailed) {
            m_wanted = false;
            m_token.clear();
            m_socket->close();
            Q_EMIT loginFailed(m_lastError);
        } else {
            m_socket->close();
        }
        return;
    }
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return; // a late reply after a timeout; already reported
    const Pending p = *it;
    m_pending.erase(it);
    if (p.handler)
        p.handler(reply);
}

void ClientConnection::request(QJsonObject message, ReplyHandler handler)
{
    const QString type = message.value(QStringLiteral("type")).toString();
    const bool online = m_status == Status::Online && m_socket;
    if (!online) {
        // Refused visibly, never queued silently: the agent decides again once online.
        const QString text = tr("Not connected to the server; please try again in a moment.");
        setError(text);
        if (handler)
            handler({{}, QStringLiteral("offline"), text, {}});
        return;
    }
    Pending p;
    p.resendable = isMutating(type);
    if (p.resendable && !message.contains(QStringLiteral("key")))
        message.insert(QStringLiteral("key"), QUuid::createUuid().toString(QUuid::WithoutBraces));
    p.message = message;
    p.handler = std::move(handler);
    send(m_nextId++, p);
}

void ClientConnection::send(qint64 id, const Pending &p)
{
    Pending copy = p;
    copy.deadlineMs = now() + m_requestTimeoutMs;
    QJsonObject msg = p.message;
    msg.insert(QStringLiteral("id"), id);
    m_pending.insert(id, copy);
    m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact)));
}

void ClientConnection::flushQueue()
{
    const QList<Pending> queued = std::exchange(m_waitingForLogin, {});
    for (const Pending &p : queued)
        send(m_nextId++, p); // same key: the server answers from memory if it ran already
}

void ClientConnection::checkTimeouts()
{
    const qint64 t = now();
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->deadlineMs > t) {
            ++it;
            continue;
        }
        const Pending p = *it;
        it = m_pending.erase(it);
        if (p.handler)
            p.handler(
                {{}, QStringLiteral("timeout"), tr("The server did not answer in time."), {}});
    }
}

} // namespace acdesk::client
