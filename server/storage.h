#pragma once

#include "engine/types.h"

#include <QHash>
#include <QJsonObject>
#include <QPair>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <optional>
#include <vector>

namespace acdesk::server {

/** @brief A stored session token (only its digest is kept). */
struct StoredToken
{
    QString role;
    QString user;
    qint64 lastUsedMs = 0;
    QString station; // agents only
};

/** @brief One row of the audit log (protocol 7.1). */
struct AuditEntry
{
    qint64 atMs = 0;
    QString actor; // "supervisor/boss", "agent/1001", "server"
    QString action;
    QString target;
    QJsonObject detail;
};

/** @brief One agent state change, as logged for reports. */
struct StateLogEntry
{
    QString agent;
    QString state;
    QString reason;
    qint64 sinceMs = 0;
};

/**
 * @brief The server's SQLite database: call legs, agent state log, tokens, credentials.
 *
 * WAL with synchronous=NORMAL and no automatic checkpoints: a commit is a write() into the
 * log, so a crash of the process (even SIGKILL) loses nothing committed, and the event
 * loop never waits for the disk. checkpoint(), run on another thread every second, syncs
 * the log and the database file: a power cut loses at most that last second. (With
 * synchronous=FULL each commit waited for an fsync on the event loop: offers were late
 * by the disk's latency, see docs/benchmarks.md.)
 */
class Storage
{
public:
    Storage();
    ~Storage();
    Storage(const Storage &) = delete;
    Storage &operator=(const Storage &) = delete;

    /** @brief Opens (and migrates) DIR/acdesk.sqlite; false with @p error on failure. */
    bool open(const QString &dir, QString *error);
    /** @brief Whether the database is open and answered its last statement. */
    bool healthy() const { return m_healthy; }
    /** @brief The database file. */
    QString path() const { return m_path; }
    /**
     * @brief Makes everything committed so far durable on disk, from any thread, on a
     * connection of its own.
     */
    static bool checkpoint(const QString &path);
    /** @brief Schema version of the open database. */
    int schemaVersion() const;

    /** @brief Starts a transaction that groups the writes of one engine step. */
    void begin();
    /** @brief Commits the current transaction (safe from a crash of the process when it returns).
     */
    bool commit();

    /**
     * @brief Ends the legs that were live when the server last stopped (a crash leaves them
     * open): ended at @p nowMs with cause "server_restart". Returns how many.
     */
    int closeUnfinished(qint64 nowMs);

    /** @brief Inserts or replaces a call leg record. */
    bool saveLeg(const engine::CallRecord &record);
    /** @brief Legs that arrived in [fromMs, toMs). */
    std::vector<engine::CallRecord> legs(qint64 fromMs, qint64 toMs) const;
    /** @brief The callbacks waiting in line (open queue legs with a callback request) and
     * the other legs of their calls, for Engine::restoreCallbacks() after a restart. */
    std::vector<engine::CallRecord> pendingCallbacks() const;
    /** @brief Number of stored legs. */
    qint64 legCount() const;

    /** @brief Appends an agent state change. */
    bool logState(const StateLogEntry &entry);
    /** @brief State changes in [fromMs, toMs), plus the last one before fromMs per agent. */
    std::vector<StateLogEntry> stateLog(qint64 fromMs, qint64 toMs) const;

    /** @brief Stores a token digest. */
    bool saveToken(const QByteArray &digest, const StoredToken &token);
    /** @brief Looks a token digest up. */
    std::optional<StoredToken> token(const QByteArray &digest) const;
    /** @brief Marks a token as used now. */
    bool touchToken(const QByteArray &digest, qint64 nowMs);
    /** @brief Forgets a token (logout). */
    bool deleteToken(const QByteArray &digest);
    /** @brief Forgets tokens unused since @p beforeMs. */
    /** @brief Deletes tokens last used before @p beforeMs (wallboards':
     * @p wallboardBeforeMs); the number deleted. */
    int purgeTokens(qint64 beforeMs, qint64 wallboardBeforeMs);

    /**
     * @brief Where each agent was when the last run stopped, for agents that were logged
     * in then and hold a token used since @p tokensSinceMs: the last state it chose
     * (ready, or not_ready with its reason; a call's states are not chosen) and the station
     * of its newest token.
     */
    std::vector<StateLogEntry> agentsAtStop(qint64 tokensSinceMs,
                                            QHash<QString, QString> *stations) const;
    /** @brief Appends to the audit log. */
    bool logAudit(const AuditEntry &entry);
    /**
     * @brief Audit entries with @p fromMs <= at < @p toMs, newest first, at most @p limit;
     * empty filters match anything, others exactly.
     */
    std::vector<AuditEntry> audit(qint64 fromMs, qint64 toMs, const QString &action,
                                  const QString &actor, const QString &target, int limit) const;
    /** @brief Forgets every token of an account but @p keep (a password change). */
    bool deleteTokensOf(const QString &role, const QString &user, const QByteArray &keep = {});

    /**
     * @brief Hashes upgraded at a login: "role/user" -> (Argon2id hash, the file's older
     * hash it replaces). Used while the file still holds that older hash.
     */
    QHash<QString, QPair<QString, QString>> upgradedHashes() const;
    /** @brief Stores an upgraded hash for the file's @p fileHash. */
    bool saveUpgradedHash(const QString &role, const QString &user, const QString &hash,
                          const QString &fileHash);

    /** @brief Marks a worklist entry as called back; false if it already was. */
    bool saveCallback(const QString &entry, const QString &by, qint64 atMs);
    /** @brief Entries called back since @p sinceMs: entry -> (by, at). */
    QHash<QString, QPair<QString, qint64>> callbacks(qint64 sinceMs) const;

    /** @brief Deletes call legs, state log entries and call backs older than @p beforeMs. */
    int purgeBefore(qint64 beforeMs);

private:
    bool exec(const QString &sql, QString *error = nullptr);
    bool migrate(QString *error);
    std::vector<engine::CallRecord> selectLegs(const QString &where,
                                               const QVariantList &values) const;
    /**
     * @brief Runs the write @p sql with @p values bound in order; @p rows gets the rows it
     * changed. Each statement is prepared once and kept, so SQLite parses it once. This is
     * the one place a failed write is handled (docs/architecture.md, "Storage errors"):
     * logged with @p what, and the storage reports itself unhealthy (/healthz 503,
     * storage_up 0) until a commit succeeds again. Callers only decide what to answer.
     */
    bool write(const char *what, const QString &sql, const QVariantList &values,
               int *rows = nullptr);

    QString m_connection;
    QString m_path;
    bool m_healthy = false;
    bool m_inTransaction = false;
    QHash<QString, QSqlQuery> m_statements; // prepared writes, by their SQL
};

} // namespace acdesk::server
