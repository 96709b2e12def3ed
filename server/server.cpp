// The server's core: start and stop, connections, rate limits, pings and the one path
// every frame and close takes out (held while a request runs, kept for a connection until
// what it was told is on disk). About 620 lines, one file on purpose: those paths share the
// hold state, and each handler family already lives in a server_*.cpp of its own.
#include "server.h"

#include "auth.h"
#include "connection.h"
#include "convert.h"
#include "engine/engine.h"
#include "protocol/protocol.h"
#include "simulator.h"
#include "storage.h"
#include "transport.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QThread>
#include <QThreadPool>
#include <QUrlQuery>

Q_LOGGING_CATEGORY(lcServer, "acdesk.server")

namespace acdesk::server {

using proto::ErrorCode;

Server::Server(Config config, ServerOptions options, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_options(std::move(options))
    , m_clock(std::make_unique<engine::SystemClock>())
{
    // One core stays with the event loop, however many logins arrive at once.
    m_authPool.setMaxThreadCount(qMax(1, QThread::idealThreadCount() - 1));
    m_engineTimer.setSingleShot(true);
    m_engineTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_engineTimer, &QTimer::timeout, this, &Server::pump);
    // Statistics after a change: the first change after a quiet moment goes out at once
    // (on the next turn of the loop, after the events of its request), what follows
    // within the window is coalesced to its end, and a window that sent something starts
    // the next one: at most 5 stats events a second in a burst. The contract promises an
    // event within 250 ms; the window is 200 ms for timer and send latency.
    m_statsLeading.setSingleShot(true);
    m_statsLeading.setInterval(0);
    connect(&m_statsLeading, &QTimer::timeout, this, [this] { sendStats(false); });
    m_statsCoalesce.setSingleShot(true);
    m_statsCoalesce.setInterval(200);
    connect(&m_statsCoalesce, &QTimer::timeout, this, [this] {
        if (m_changedQueues.isEmpty())
            return;
        sendStats(false);
        m_statsCoalesce.start();
    });
    m_statsPeriodic.setInterval(5000);
    connect(&m_statsPeriodic, &QTimer::timeout, this, [this] { sendStats(true); });
    m_pingTimer.setInterval(m_config.limits.pingSeconds * 1000);
    connect(&m_pingTimer, &QTimer::timeout, this, &Server::pingTick);
    m_housekeeping.setInterval(60 * 60 * 1000);
    connect(&m_housekeeping, &QTimer::timeout, this, &Server::housekeeping);
    // Commits reach the disk's log without an fsync (see Storage); this makes them durable
    // against power loss once a second, off the event loop.
    m_checkpointRunning = std::make_shared<std::atomic_bool>(false);
    m_checkpoint.setInterval(1000);
    connect(&m_checkpoint, &QTimer::timeout, this, [this] {
        if (m_checkpointRunning->exchange(true))
            return; // the last one is still syncing
        QThreadPool::globalInstance()->start(
            [running = m_checkpointRunning, path = m_storage->path()] {
                Storage::checkpoint(path);
                *running = false;
            });
    });
}

Server::~Server()
{
    shutdown();
    // Connections whose close handshake has not finished yet.
    // The listener (a child) deletes the peers after this without telling anyone.
    qDeleteAll(m_connections);
    qDeleteAll(m_graveyard);
}

engine::Engine &Server::engine()
{
    return *m_engine;
}

quint16 Server::port() const
{
    return m_transport ? m_transport->port() : 0;
}

QString Server::listenAddress() const
{
    const bool v6 = m_host.contains(QLatin1Char(':'));
    return (v6 ? QLatin1Char('[') + m_host + QLatin1Char(']') : m_host) + QLatin1Char(':') +
           QString::number(port());
}

QString Server::transportName() const
{
    // The environment comes last: it lets a test run (or a container) choose the default
    // for every server it starts without editing their configs.
    for (const QString &name :
         {m_options.transport, m_config.transport, qEnvironmentVariable("ACDESK_TRANSPORT")})
        if (!name.isEmpty())
            return name;
    return Transport::names().first();
}

QString Server::baseUrl() const
{
    QString host = m_host;
    if (host == QLatin1String("0.0.0.0") || host.isEmpty())
        host = QStringLiteral("127.0.0.1");
    else if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("%1://%2:%3")
        .arg(m_transport && m_transport->isTls() ? QStringLiteral("wss") : QStringLiteral("ws"),
             host)
        .arg(port());
}

QString Server::dataDir() const
{
    return m_options.dataDir.isEmpty()
               ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
               : m_options.dataDir;
}

bool Server::start(QString *error)
{
    m_uptime.start();
    const QString dataDir = this->dataDir();
    m_storage = std::make_unique<Storage>();
    if (!m_storage->open(dataDir, error))
        return false;

    m_storage->begin();
    loadCredentials();
    // Calls do not survive the process: legs a crash left open end now, with a cause that
    // says why, before today's statistics are rebuilt from them.
    if (const int open = m_storage->closeUnfinished(m_clock->nowMs()))
        qCWarning(lcServer) << "closed" << open << "call legs left open by the last run";
    m_storage->commit();
    m_writer = std::make_unique<StorageWriter>();
    if (!m_writer->open(dataDir, error))
        return false;
    connect(m_writer.get(), &StorageWriter::written, this, &Server::onWritten);

    QStringList simAgents;
    if (m_options.simAgents > 0)
        simAgents = Simulator::addAgents(&m_config, m_options.simAgents);
    // Server-made call ids must not repeat across restarts: the records outlive the process.
    m_config.engine.callIdPrefix =
        QStringLiteral("c%1-").arg(QString::number(m_clock->nowMs(), 36));
    m_engine = std::make_unique<engine::Engine>(m_config.engine, m_clock.get());
    restoreToday();
    watchConfig();

    QString host;
    quint16 listenPort = 8080;
    const QString listen = m_options.listen.isEmpty() ? m_config.listen : m_options.listen;
    if (!parseListen(listen, &host, &listenPort)) {
        *error = QStringLiteral("--listen: \"%1\" is not HOST:PORT").arg(listen);
        return false;
    }
    m_host = host;
    const QString transport = transportName();
    m_transport = Transport::create(transport);
    if (!m_transport) {
        *error = QStringLiteral("--transport: \"%1\" is not one of %2")
                     .arg(transport, Transport::names().join(QStringLiteral(", ")));
        return false;
    }
    Transport::Options lo;
    lo.host = host;
    lo.port = listenPort;
    lo.tlsCertFile = m_options.tlsCert.isEmpty() ? m_config.tlsCert : m_options.tlsCert;
    lo.tlsKeyFile = m_options.tlsKey.isEmpty() ? m_config.tlsKey : m_options.tlsKey;
    lo.maxMessageBytes = m_config.limits.maxMessageBytes;
    lo.handshakeTimeoutMs = m_config.limits.loginTimeoutSeconds * 1000;
    lo.allowedOrigins = m_config.allowedOrigins;
    lo.maxConnections = m_config.limits.maxConnections;
    m_transport->setHttpHandler([this](const QByteArray &target) { return http(target); });
    connect(m_transport.get(), &Transport::newConnection, this, &Server::onNewConnection);
    if (!m_transport->listen(lo, error))
        return false;
    qCInfo(lcServer).noquote() << "transport" << transport;

    m_pingTimer.start();
    m_statsPeriodic.start();
    m_housekeeping.start();
    m_checkpoint.start();
    m_lastPingTickMs = m_clock->nowMs();
    housekeeping();
    if (m_options.simulateCallsPerHour > 0 || !simAgents.isEmpty()) {
        m_simulator = std::make_unique<Simulator>(this, simAgents, m_options.simSeed);
        m_simulator->start();
    }
    pump();
    return true;
}

void Server::restoreToday()
{
    const qint64 dayStart = m_engine->dayStartMs();
    m_engine->restoreDay(m_storage->legs(dayStart, dayStart + 2LL * 24 * 3600 * 1000));
    m_engine->restoreCallbacks(m_storage->pendingCallbacks());
    restoreWorklist();
    restoreAgents();
}

void Server::restoreAgents()
{
    // Agents that were logged in when the last run stopped (planned or not) are back in
    // the state they had chosen, disconnected: a client that resumes within the grace
    // period finds itself ready or not ready as before; one that does not come back is
    // logged out when the grace period ends, as after any lost connection.
    const qint64 idleMs = qint64(m_config.limits.tokenIdleHours) * 3600 * 1000;
    QHash<QString, QString> stations;
    const std::vector<StateLogEntry> agents =
        m_storage->agentsAtStop(m_clock->nowMs() - idleMs, &stations);
    int restored = 0;
    for (const StateLogEntry &a : agents) {
        if (!m_engine->hasAgent(a.agent))
            continue; // removed from the config meanwhile
        m_engine->login(a.agent, stations.value(a.agent));
        if (a.state == QLatin1String("ready"))
            m_engine->setState(a.agent, engine::AgentState::Ready);
        else if (a.reason != QLatin1String("login"))
            m_engine->setState(a.agent, engine::AgentState::NotReady, a.reason);
        m_engine->agentDisconnected(a.agent);
        ++restored;
    }
    if (restored)
        qCInfo(lcServer) << "restored" << restored << "agents to their states; each has"
                         << m_config.limits.graceSeconds << "s to resume";
}

void Server::shutdown()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_simulator.reset();
    m_engineTimer.stop();
    m_pingTimer.stop();
    m_statsLeading.stop();
    m_statsCoalesce.stop();
    m_statsPeriodic.stop();
    if (m_transport)
        m_transport->close();
    const QList<Connection *> all = m_connections.values();
    for (Connection *c : all) {
        c->closing = true;
        if (!c->tokenDigest.isEmpty())
            m_storage->touchToken(c->tokenDigest, m_clock->nowMs());
        c->peer->close(closecode::GoingAway, QStringLiteral("server shutting down"));
    }
    if (m_engine)
        dispatchEngineEvents();
    if (m_writer)
        m_writer->drain(); // every record reaches the database before the checkpoint
    m_checkpoint.stop();
    if (m_storage) {
        m_storage->commit();
        Storage::checkpoint(m_storage->path());
    }
}

void Server::housekeeping()
{
    const qint64 now = m_clock->nowMs();
    for (Connection *c : qAsConst(m_connections))
        if (!c->tokenDigest.isEmpty())
            m_storage->touchToken(c->tokenDigest, now);
    m_storage->purgeTokens(now - m_config.limits.tokenIdleMs(QString()),
                           now - m_config.limits.tokenIdleMs(QStringLiteral("wallboard")));
    m_storage->purgeBefore(now - qint64(m_config.retentionDays) * 24 * 3600 * 1000);
    for (auto it = m_keyedReplies.begin(); it != m_keyedReplies.end();) {
        for (auto k = it->begin(); k != it->end();)
            k = k->expiresAtMs < now ? it->erase(k) : std::next(k);
        it = it->isEmpty() ? m_keyedReplies.erase(it) : std::next(it);
    }
    // The worklist is today's (the engine's timer rolls the day over at midnight);
    // yesterday's callers stay in the records and reports.
    const qint64 dayStart = m_engine->dayStartMs();
    for (auto it = m_worklist.begin(); it != m_worklist.end();)
        it = it->abandonedAtMs < dayStart ? m_worklist.erase(it) : std::next(it);
}

// ---------------------------------------------------------------------------------------
// connections

void Server::onNewConnection(Peer *peer)
{
    if (m_stopping) {
        peer->abort();
        return;
    }
    auto *c = new Connection;
    c->peer = peer;
    peer->setHandler(this, c);
    c->serial = ++m_connectionSerial;
    c->address = peer->address();
    c->tokens = m_config.limits.requestBurst;
    c->refilledAtMs = m_clock->nowMs();
    c->connectedAtMs = c->refilledAtMs;
    m_connections.insert(c);
    m_bySerial.insert(c->serial, c);

    c->loginTimer = std::make_unique<QTimer>();
    c->loginTimer->setSingleShot(true);
    connect(c->loginTimer.get(), &QTimer::timeout, this, [this, c] {
        if (!c->authenticated)
            closeConnection(c, closecode::PolicyViolated, QStringLiteral("login timeout"));
    });
    c->loginTimer->start(m_config.limits.loginTimeoutSeconds * 1000);

    proto::Hello hello;
    hello.server = QStringLiteral("acdesk/" ACDESK_VERSION);
    hello.time = m_clock->nowMs();
    // Additions beyond the contract are announced; the protocol number stays 1.
    hello.features = {QStringLiteral("worklist"), QStringLiteral("reports"),
                      QStringLiteral("waitingCalls"), QStringLiteral("passwords"),
                      QStringLiteral("audit")};
    sendRaw(c, QJsonDocument(hello.toJson()).toJson(QJsonDocument::Compact));
}

void Server::closeConnection(Connection *c, quint16 code, const QString &reason)
{
    if (c->closing)
        return;
    c->closing = true;
    if (m_holdDepth > 0)
        m_heldOutput.append({c, {}, code, reason}); // after what was sent to it before
    else
        output({c, {}, code, reason});
}

void Server::peerPong(Peer *peer)
{
    static_cast<Connection *>(peer->context())->unansweredPings = 0;
}

void Server::peerClosed(Peer *peer)
{
    auto *c = static_cast<Connection *>(peer->context());
    c->peer = nullptr;
    m_connections.remove(c);
    m_bySerial.remove(c->serial);
    m_statsSubscribers.remove(c);
    for (QSet<Connection *> &set : m_byRole)
        set.remove(c);
    m_outputWaiting.remove(c->serial);
    if (c->authenticated) {
        detach(c);
        if (!c->tokenDigest.isEmpty() && !m_stopping)
            m_storage->touchToken(c->tokenDigest, m_clock->nowMs());
    }
    // Callers further up the stack may still hold c (a fan-out loop, say): c dies on
    // the next turn of the event loop, and `closing` keeps those callers quiet.
    c->closing = true;
    m_graveyard.append(c);
    if (m_graveyard.size() == 1)
        QTimer::singleShot(0, this, [this] {
            qDeleteAll(m_graveyard);
            m_graveyard.clear();
        });
    if (!m_stopping)
        pump();
}

// Forgets which user a connection speaks for; an agent left without a connection
// enters its grace period.
void Server::detach(Connection *c)
{
    if (c->role == QLatin1String("agent") && m_agentConnection.value(c->user) == c) {
        m_agentConnection.remove(c->user);
        if (!m_stopping)
            m_engine->agentDisconnected(c->user);
    }
    c->authenticated = false;
    m_byRole[c->role].remove(c);
    setStatsSubscribed(c, false);
}

void Server::setStatsSubscribed(Connection *c, bool subscribed)
{
    // The set keeps a change's cost independent of how many connections there are.
    if (subscribed)
        m_statsSubscribers.insert(c);
    else
        m_statsSubscribers.remove(c);
}

void Server::pingTick()
{
    const qint64 now = m_clock->nowMs();
    // How late the timer fired is the event loop's lag: what a busy server makes everyone wait.
    m_loopLagMs = qMax<qint64>(0, now - m_lastPingTickMs - m_pingTimer.interval());
    m_lastPingTickMs = now;
    const QList<Connection *> all = m_connections.values();
    for (Connection *c : all) {
        if (c->closing)
            continue;
        if (c->unansweredPings >= 2) {
            qCInfo(lcServer) << "closing" << c->address << c->user << "after two missed pongs";
            c->closing = true;
            c->peer->abort(); // the peer is gone; a close handshake would wait on it
            continue;
        }
        ++c->unansweredPings;
        c->peer->ping();
    }
}

bool Server::takeRateToken(Connection *c)
{
    const qint64 now = m_clock->nowMs();
    const Limits &l = m_config.limits;
    c->tokens = qMin<double>(l.requestBurst, c->tokens + double(now - c->refilledAtMs) *
                                                             l.requestsPerSecond / 1000.0);
    c->refilledAtMs = now;
    // A client above the rate still gets a request through whenever a token trickles in;
    // it is "over the limit" until it has gone a second without being refused.
    const bool recentlyRefused = c->lastRefusedMs >= 0 && now - c->lastRefusedMs < 1000;
    if (c->tokens >= 1) {
        c->tokens -= 1;
        if (!recentlyRefused)
            c->overLimitSinceMs = -1;
        return true;
    }
    if (c->overLimitSinceMs < 0 || !recentlyRefused)
        c->overLimitSinceMs = now;
    c->lastRefusedMs = now;
    if (now - c->overLimitSinceMs >= qint64(l.rateLimitCloseSeconds) * 1000)
        closeConnection(c, closecode::PolicyViolated,
                        QStringLiteral("request rate limit exceeded"));
    return false;
}

void Server::peerText(Peer *peer, const QByteArray &utf8)
{
    auto *c = static_cast<Connection *>(peer->context());
    if (c->closing)
        return;
    ++m_messagesIn;
    if (c->busy) {
        // Keep the order of replies: whatever follows a login (or a report that waits for
        // its records) waits for its outcome.
        c->heldMessages.append(utf8);
        return;
    }
    processRequest(c, utf8);
}

void Server::processRequest(Connection *c, const QByteArray &utf8)
{
    auto decoded = proto::decodeEnvelope(utf8);
    if (const auto *err = std::get_if<proto::DecodeError>(&decoded)) {
        // Every failure gets an answer; over the limit, the answer is the limit itself.
        if (takeRateToken(c))
            replyError(c, err->id, err->code, err->message);
        else
            replyError(c, err->id, ErrorCode::RateLimited,
                       QStringLiteral("more than %1 requests per second")
                           .arg(m_config.limits.requestsPerSecond));
        return;
    }
    const proto::Envelope &env = std::get<proto::Envelope>(decoded);
    if (!takeRateToken(c)) {
        replyError(c, env.id, ErrorCode::RateLimited,
                   QStringLiteral("more than %1 requests per second")
                       .arg(m_config.limits.requestsPerSecond));
        return;
    }
    handleRequest(c, env);
}

// ---------------------------------------------------------------------------------------
// sending

void Server::holdOutput()
{
    if (m_holdDepth++ == 0)
        m_holdTicket = m_writer ? m_writer->submitted() : 0;
}

void Server::releaseOutput(Connection *requester)
{
    if (--m_holdDepth > 0)
        return;
    // An "ok" acknowledges what the request changed: when it wrote something, its client
    // hears nothing more until that is on disk (a crash cannot take back what it was
    // told). Everyone else gets what the request sent at once — an offer the gateway's
    // gw.arrive made does not wait for the disk.
    if (requester && m_writer && m_writer->submitted() > m_holdTicket &&
        m_writer->submitted() > m_writer->durable()) {
        requester->outputTicket = m_writer->submitted();
        m_outputWaiting.insert(requester->serial);
    }
    const QList<HeldOutput> held = std::exchange(m_heldOutput, {});
    for (const HeldOutput &h : held)
        output(h);
}

void Server::output(const HeldOutput &h)
{
    Connection *c = h.connection;
    if (!c->peer)
        return;
    if (m_writer && c->outputTicket > m_writer->durable()) {
        c->waitingOutput.append(h);
        return;
    }
    if (h.closeCode)
        c->peer->close(h.closeCode, h.closeReason);
    else
        transmit(c, h.text, {}); // queued before any close, so it goes out
}

void Server::releaseWaitingOutput()
{
    for (auto it = m_outputWaiting.begin(); it != m_outputWaiting.end();) {
        Connection *c = m_bySerial.value(*it);
        if (c && c->outputTicket > m_writer->durable()) {
            ++it;
            continue;
        }
        it = m_outputWaiting.erase(it);
        if (!c)
            continue;
        const QList<HeldOutput> waiting = std::exchange(c->waitingOutput, {});
        for (const HeldOutput &h : waiting)
            output(h);
    }
}

void Server::sendRaw(Connection *c, QByteArrayView head, QByteArrayView tail)
{
    if (c->closing)
        return;
    if (m_holdDepth > 0) {
        m_heldOutput.append({c, head.toByteArray() + tail, 0, {}});
        return;
    }
    if (m_writer && c->outputTicket > m_writer->durable()) {
        c->waitingOutput.append({c, head.toByteArray() + tail, 0, {}});
        return;
    }
    transmit(c, head, tail);
}

void Server::transmit(Connection *c, QByteArrayView head, QByteArrayView tail)
{
    // A client that stops reading must not make the server buffer without bound: past a
    // few megabytes of unsent data it is dropped and resyncs from a snapshot on resume.
    constexpr qint64 MaxUnsentBytes = 4 * 1024 * 1024;
    if (c->peer->bytesToWrite() > MaxUnsentBytes) {
        qCInfo(lcServer) << "dropping" << c->address << c->user << "that stopped reading";
        ++m_slowConsumersDropped;
        c->closing = true;
        c->peer->abort(); // tells us on a later turn, when nobody iterates any more
        return;
    }
    ++m_messagesOut;
    m_bytesOut += quint64(head.size() + tail.size());
    c->peer->sendText(head, tail);
}

void Server::reply(Connection *c, const proto::Envelope &env, QJsonObject fields)
{
    proto::OkReply ok{QJsonValue(QJsonValue::Undefined), std::move(fields)};
    QJsonObject json = ok.toJson();
    if (m_capture.active)
        m_keyedReplies[m_capture.digest].insert(m_capture.key,
                                                {json, m_clock->nowMs() + KeyedReplyTtlMs});
    if (!env.hasId())
        return; // no id, no ok (contract section 2)
    json.insert(QStringLiteral("re"), env.id);
    sendRaw(c, QJsonDocument(json).toJson(QJsonDocument::Compact));
}

void Server::replyError(Connection *c, const QJsonValue &id, proto::ErrorCode errorCode,
                        const QString &message, const QJsonObject &details)
{
    ++m_errorsSent;
    QJsonObject json =
        proto::ErrorReply{QJsonValue(QJsonValue::Undefined), errorCode, message, details}.toJson();
    if (m_capture.active)
        m_keyedReplies[m_capture.digest].insert(m_capture.key,
                                                {json, m_clock->nowMs() + KeyedReplyTtlMs});
    if (!id.isUndefined())
        json.insert(QStringLiteral("re"), id);
    sendRaw(c, QJsonDocument(json).toJson(QJsonDocument::Compact));
}

void Server::sendEvent(Connection *c, const QJsonObject &event)
{
    sendEventBody(c, proto::encodeEventBody(event));
}

void Server::sendEventBody(Connection *c, const QByteArray &bodyWithoutSeq)
{
    if (c->closing || !bodyWithoutSeq.startsWith('{'))
        return;
    // The body is serialized once for all recipients; only the prefix is per connection,
    // and the peer sends both parts in one system call without joining them.
    sendRaw(c, proto::seqPrefix(bodyWithoutSeq, ++c->seq),
            QByteArrayView(bodyWithoutSeq).sliced(1));
}

} // namespace acdesk::server
