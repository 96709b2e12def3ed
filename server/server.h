#pragma once

#include "auth.h"
#include "config.h"
#include "connection.h"
#include "storage.h"
#include "storagewriter.h"
#include "transport.h"

#include "protocol/requests.h"
#include "protocol/results.h"
#include "protocol/servermessages.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <variant>

namespace acdesk::engine {
class Engine;
class Clock;
} // namespace acdesk::engine

namespace acdesk::server {

class Simulator;
struct HttpResponse;
struct Connection;

/** @brief Command-line settings that win over the config file. */
struct ServerOptions
{
    QString dataDir; // empty: the user's data directory
    QString listen;  // empty: the config's, else 0.0.0.0:8080
    QString tlsCert; // empty: the config's
    QString tlsKey;
    QString transport; // empty: the config's server.transport, else $ACDESK_TRANSPORT, else qt
    double simulateCallsPerHour = 0;
    int simAgents = 0;
    double simPatienceSeconds = 90; // mean caller patience (exponential)
    double simTalkSeconds = 120;    // mean talk time (log-normal)
    quint32 simSeed = 0;            // 0: random
};

/**
 * @brief The ACD server: the engine behind the WebSocket API of protocol.md.
 *
 * Owns the engine, the listener, the storage and every connection. All work happens
 * on the thread of the event loop, except password hashing, which runs on the thread
 * pool so that a burst of logins cannot stall calls.
 */
class Server : public QObject, private Peer::Handler
{
    Q_OBJECT
public:
    Server(Config config, ServerOptions options, QObject *parent = nullptr);
    ~Server() override;

    /** @brief Opens storage, restores today, listens. False with @p error on failure. */
    bool start(QString *error);
    /** @brief Flushes storage and closes every connection (SIGTERM path). */
    void shutdown();
    /** @brief The port actually listened on. */
    quint16 port() const;
    /** @brief "HOST:PORT" as bound (the real port when 0 was asked). */
    QString listenAddress() const;
    /** @brief "ws://HOST:PORT" or "wss://HOST:PORT" as clients should use it. */
    QString baseUrl() const;
    /** @brief The transport in use or to be used: --transport, server.transport, $ACDESK_TRANSPORT,
     * qt. */
    QString transportName() const;
    /** @brief The data directory in use (the option, or the user's data directory). */
    QString dataDir() const;
    /** @brief The engine, for the simulator and in-process tests. */
    engine::Engine &engine();
    /** @brief The thread that writes records (tests hold its writes: a stalled disk). */
    StorageWriter &storageWriter() { return *m_writer; }
    /** @brief The configuration in force. */
    const Config &config() const { return m_config; }

    /** @brief More /metrics lines from a part that lives beside the server (SIP gateway). */
    void setExtraMetrics(std::function<QByteArray()> source) { m_extraMetrics = std::move(source); }

    /** @brief Runs engine time forward and dispatches what happened (timers, commands). */
    void pump();

private:
    friend class Simulator;
    // connections (server.cpp), sessions (server_sessions.cpp)
    void onNewConnection(Peer *peer);
    void peerText(Peer *peer, const QByteArray &utf8) override;
    void peerPong(Peer *peer) override;
    void peerClosed(Peer *peer) override;
    void processRequest(Connection *c, const QByteArray &utf8);
    /** @brief Checks a decoded envelope in the contract's order and routes its request. */
    void handleRequest(Connection *c, const proto::Envelope &env);
    void attach(Connection *c, const proto::Envelope &env, const QString &role, const QString &user,
                const QString &station, const QString &token);
    void releaseHeld(Connection *c);

    // One handler per request type of proto::Request (server_requests.cpp unless noted).
    // handleRequest() visits the variant without a catch-all, so a request type added to
    // the codec without its handler here does not compile.
    using Env = proto::Envelope;
    void handle(Connection *c, const Env &env, const proto::LoginRequest &r); // server_sessions.cpp
    void handle(Connection *c, const Env &env,
                const proto::ResumeRequest &r); // server_sessions.cpp
    void handle(Connection *c, const Env &env,
                const proto::LogoutRequest &r); // server_sessions.cpp
    void handle(Connection *c, const Env &env, const proto::AgentSetStateRequest &r);
    void handle(Connection *c, const Env &env, const proto::AgentEndWrapUpRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallAcceptRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallRejectRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallHangupRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallHoldRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallResumeRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallMuteRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallUnmuteRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallDtmfRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallTransferRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallDialRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallConsultRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallCompleteTransferRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallCancelConsultRequest &r);
    void handle(Connection *c, const Env &env, const proto::CallConferenceRequest &r);
    void handle(Connection *c, const Env &env, const proto::StatsSubscribeRequest &r);
    void handle(Connection *c, const Env &env, const proto::StatsUnsubscribeRequest &r);
    void handle(Connection *c, const Env &env, const proto::SupervisorSetAgentStateRequest &r);
    void handle(Connection *c, const Env &env, const proto::SupervisorLogoutAgentRequest &r);
    void handle(Connection *c, const Env &env, const proto::BroadcastRequest &r);
    void handle(Connection *c, const Env &env, const proto::GwArriveRequest &r);
    void handle(Connection *c, const Env &env, const proto::GwAnsweredRequest &r);
    void handle(Connection *c, const Env &env, const proto::GwPositionRequest &r);
    void handle(Connection *c, const Env &env, const proto::GwCallbackRequest &r);
    void handle(Connection *c, const Env &env, const proto::SupervisorCallbackRequest &r);
    /** @brief gw.arrive's and gw.position's result: queue, place and estimated wait. */
    proto::GwArriveResult placeOf(const QString &call) const;
    void handle(Connection *c, const Env &env, const proto::GwHangupRequest &r);
    void handle(Connection *c, const Env &env, const proto::GwRingFailedRequest &r);
    void handle(Connection *c, const Env &env, const proto::GwDigitsRequest &r);
    void handle(Connection *c, const Env &env,
                const proto::WorklistListRequest &r); // server_worklist.cpp
    void handle(Connection *c, const Env &env,
                const proto::WorklistDoneRequest &r); // server_worklist.cpp
    void handle(Connection *c, const Env &env, const proto::ReportGetRequest &r);
    void handle(Connection *c, const Env &env, const proto::AuditListRequest &r);
    // server_admin.cpp
    void handle(Connection *c, const Env &env, const proto::AdminSetPasswordRequest &r);
    void handle(Connection *c, const Env &env, const proto::AccountSetPasswordRequest &r);
    void handle(Connection *c, const Env &env, const proto::AdminConfigGetRequest &r);
    void handle(Connection *c, const Env &env, const proto::AdminConfigPutRequest &r);
    /** @brief The agent's state, reason and pending state, for the audit log. */
    QJsonObject auditedState(const QString &agent) const;
    /**
     * @brief Stores an audit entry and shows it live to supervisors. @p actor: actorOf()
     * a connection, "server" (the watchdog) or "file" (the config file changed).
     */
    void audit(const QString &actor, const QString &action, const QString &target,
               const QJsonObject &detail);
    static QString actorOf(const Connection *c);
    static proto::AuditEvent auditEvent(const AuditEntry &e);
    proto::AuditListResult auditList(const proto::AuditListRequest &req) const;
    /** @brief Sets the password of @p role/@p user (the old one checked when given). */
    void changePassword(Connection *c, const proto::Envelope &env, const QString &role,
                        const QString &user, const QString &password,
                        const std::optional<QString> &oldPassword);
    /** @brief Runs @p check (a password hash) in the auth pool, then @p done on @p c. */
    void checkPassword(Connection *c, std::function<bool()> check,
                       std::function<void(Connection *, bool)> done);
    /** @brief The close codes of a changed or removed account (protocol 2.5). */
    static constexpr quint16 ClosePasswordChanged = 4001;
    static constexpr quint16 CloseAccountRemoved = 4002;
    static constexpr quint16 CloseReplaced = 4000;
    /** @brief How long a keyed request's reply is remembered (protocol 3.4). */
    static constexpr qint64 KeyedReplyTtlMs = 5 * 60 * 1000;
    /**
     * @brief Closes every session of an account (but @p keep) with @p closeCode and deletes
     * its tokens: its password changed or it was removed.
     */
    void endSessionsOf(const QString &role, const QString &user, Connection *keep,
                       quint16 closeCode);
    /** @brief m_credentials and m_names from m_config's accounts. */
    void loadCredentials();

    // live administration (server_admin.cpp)
    bool isAdmin(const Connection *c) const;
    /** @brief False (with the error sent) unless @p c may change the config file. */
    bool mayAdminister(Connection *c, const proto::Envelope &env);
    /** @brief Watches the config file (and SIGHUP calls reloadConfig()). */
    void watchConfig();
    /**
     * @brief Applies @p next (parsed from @p text) to the running server: engine, accounts
     * and sessions. False with an error code and message when the engine refuses.
     */
    bool applyConfig(Config next, proto::ErrorCode *errorCode, QString *message);

public:
    /**
     * @brief Reads the config file again (SIGHUP, or the file changed): applied live when
     * valid; a broken file is logged and shown in /healthz, and the running config stays.
     */
    void reloadConfig();

private:
    void detach(Connection *c);
    /**
     * @brief Ends @p c's session, the one way every session ends (logout, forced logout,
     * password change, removal, takeover): the agent it held is released, its token and
     * remembered replies are forgotten (unless @p forgetToken is false: a takeover may have
     * resumed with it). With @p closeCode the connection closes; without, it stays open
     * for a new login within the login timeout.
     */
    void endSession(Connection *c, quint16 closeCode = 0, const QString &reason = {},
                    bool forgetToken = true);
    void closeConnection(Connection *c, quint16 code, const QString &reason);
    void pingTick();
    void housekeeping();
    void restoreToday();
    void restoreAgents();
    bool takeRateToken(Connection *c);

    // replies and events
    void sendRaw(Connection *c, QByteArrayView head, QByteArrayView tail = {});
    void transmit(Connection *c, QByteArrayView head, QByteArrayView tail);
    void holdOutput();
    /** @brief Ends a hold; @p requester (whose request it was) waits for its writes. */
    void releaseOutput(Connection *requester = nullptr);
    /** @brief Sends @p h now, or after what its connection waits for. */
    void output(const HeldOutput &h);
    /** @brief Sends what connections kept while their writes were on the way. */
    void releaseWaitingOutput();
    /** @brief Subscribes @p c to stats or not (the one place that changes it). */
    void setStatsSubscribed(Connection *c, bool subscribed);
    void reply(Connection *c, const proto::Envelope &env, QJsonObject fields = {});
    /** @brief An error reply; @p details (e.g. {path, reason} of a config error) when given. */
    void replyError(Connection *c, const QJsonValue &id, proto::ErrorCode code,
                    const QString &message, const QJsonObject &details = {});
    void answer(Connection *c, const proto::Envelope &env, const engine::Result &r,
                QJsonObject fields = {});
    void sendEvent(Connection *c, const QJsonObject &event);
    void sendEventBody(Connection *c, const QByteArray &bodyWithoutSeq);
    void sendSnapshot(Connection *c);

    // engine glue, snapshots, statistics (server_engine.cpp); the worklist and reports
    // (server_worklist.cpp); HTTP endpoints and metrics (server_http.cpp)
    void dispatchEngineEvents(Connection *skip = nullptr);
    /** @brief Sends engine events to the connections concerned (@p skipSerial: none of). */
    void deliverEngineEvents(const std::vector<engine::Event> &events, quint64 skipSerial);
    /** @brief The writer has committed more: held events, replies and stats may go. */
    void onWritten();
    /** @brief Answers the report.get requests whose records are now on disk. */
    void answerWaitingReports();
    void armEngineTimer();
    void scheduleStats(const QString &queue);
    /** @brief Stats now, or once the counted changes held for the disk are written. */
    void sendStats(bool periodic);
    void sendStatsNow(bool periodic);
    proto::StatsEvent statsEvent(const QStringList &queues) const;
    QJsonObject statsFor(const Connection *c) const;
    QStringList visibleQueues(const Connection *c) const;
    Connection *gatewayFor(const QString &origin) const;
    void sendTelephony(const engine::Telephony &t);
    bool ownedCall(Connection *c, const proto::Envelope &env, const QString &callId);

    // abandoned-callers worklist (protocol addition, feature "worklist")
    struct WorklistEntry
    {
        QString id; // call id#leg
        QString queue;
        QString number;
        QString name;
        qint64 abandonedAtMs = 0;
        qint64 waitMs = 0;
        bool shortAbandon = false;
        QString doneBy;
        qint64 doneAtMs = 0;
    };
    void updateWorklist(const engine::CallRecord &leg);
    /** @brief The worklist entry a record makes (an abandon, a failed callback), if any. */
    std::optional<WorklistEntry> entryFor(const engine::CallRecord &leg) const;
    void restoreWorklist();
    proto::WorklistEntry worklistEntry(const WorklistEntry &e) const;
    void sendWorklistUpdate(const WorklistEntry &e);
    /** @brief A queue's statistics with today's calls back (worklist). */
    proto::QueueStats queueStats(const QString &queue) const;
    proto::ReportResult report(const proto::ReportGetRequest &req) const;

    HttpResponse http(const QByteArray &target);
    QByteArray metricsText() const;

    Config m_config;
    ServerOptions m_options;
    std::unique_ptr<engine::Clock> m_clock;
    std::unique_ptr<engine::Engine> m_engine;
    std::unique_ptr<Storage> m_storage;
    std::unique_ptr<StorageWriter> m_writer; // records and state log, off the event loop
    struct HeldEvents
    {
        quint64 ticket = 0; // sent once the writer has committed this batch
        std::vector<engine::Event> events;
        quint64 skipSerial = 0;
    };
    std::deque<HeldEvents> m_held; // engine steps that count, waiting for the disk
    struct WaitingReport
    {
        quint64 serial = 0; // the connection
        proto::Envelope env;
        proto::ReportGetRequest request;
        quint64 ticket = 0; // answered once the writer has committed this batch
    };
    QList<WaitingReport> m_reportsWaiting;
    std::optional<bool> m_statsDue; // stats held back (periodic or not), see sendStats
    quint64 m_statsDueAfter = 0;    // ... until this held ticket is out
    std::unique_ptr<Simulator> m_simulator;
    std::unique_ptr<Transport> m_transport;
    QString m_host;
    QTimer m_engineTimer;
    QTimer m_pingTimer;
    QTimer m_statsLeading;  // the first change after a quiet window, at once
    QTimer m_statsCoalesce; // the window that coalesces what follows
    QTimer m_statsPeriodic;
    QTimer m_housekeeping;
    QTimer m_checkpoint;
    std::shared_ptr<std::atomic_bool> m_checkpointRunning;
    QElapsedTimer m_uptime;

    QSet<Connection *> m_connections;
    QList<Connection *> m_graveyard;         // disconnected, deleted on the next event-loop turn
    QHash<quint64, Connection *> m_bySerial; // survives a connection only while it lives
    quint64 m_connectionSerial = 0;
    QHash<QString, Connection *> m_agentConnection; // agent id -> the one holding it
    struct Credential
    {
        QString hash;     // Argon2id or PBKDF2; empty: a plain secret from the file
        QString plain;    // compared as it is: hashing a secret the file holds gains nothing
        QString fileHash; // the file's passwordHash (an upgraded hash replaces it)
        bool admin = false;
    };
    QHash<QString, Credential> m_credentials; // "role/user"
    QByteArray m_configText;                  // the file as applied (what admin.config.get shows)
    QString m_configError;                    // why the file on disk is not applied ("" when it is)
    QSet<QString> m_removedAgents;            // gone from the config, their sessions end at logout
    QList<Account> m_runtimeGateways;         // not from the file: the in-process SIP gateway's
    QList<engine::AgentConfig> m_runtimeAgents; // the simulator's
    QTimer m_configReload;
    bool m_anyHashed = false;        // unknown users cost a hash check then
    QThreadPool m_authPool;          // password hashing: bounded, so the event loop keeps a core
    QHash<QString, QString> m_names; // "role/user" -> display name
    QHash<QString, StateLogEntry> m_lastLogged;
    QSet<QString> m_changedQueues;
    QMap<QString, WorklistEntry> m_worklist;
    struct KeyedReply
    {
        QJsonObject reply; // without "re"
        qint64 expiresAtMs = 0;
    };
    QHash<QByteArray, QHash<QString, KeyedReply>> m_keyedReplies; // token digest -> key -> reply
    struct Capture
    {
        QByteArray digest;
        QString key;
        bool active = false;
    } m_capture;
    LoginThrottle m_userThrottle;    // failed logins per role/user
    LoginThrottle m_addressThrottle; // and per remote address

    // counters for /metrics
    quint64 m_messagesIn = 0;
    quint64 m_messagesOut = 0;
    quint64 m_bytesOut = 0;
    quint64 m_errorsSent = 0;
    quint64 m_watchdogRepairs = 0;
    quint64 m_slowConsumersDropped = 0;
    qint64 m_loopLagMs = 0;
    qint64 m_lastPingTickMs = 0;
    bool m_stopping = false;
    std::function<QByteArray()> m_extraMetrics;
    int m_holdDepth = 0;
    quint64 m_holdTicket = 0; // the writer's last ticket when the outermost hold began
    QList<HeldOutput> m_heldOutput;
    QSet<quint64> m_outputWaiting;         // serials of connections with waitingOutput
    QSet<Connection *> m_statsSubscribers; // subscribed to stats (setStatsSubscribed)
    // Logged-in connections by role, so that events for one role cost nothing per other
    // connection (a thousand agents' state changes, each for the supervisors).
    mutable QHash<QString, QSet<Connection *>> m_byRole;
};

} // namespace acdesk::server
