#include "storage.h"

#include <QDir>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <atomic>

Q_LOGGING_CATEGORY(lcStorage, "acdesk.server.storage")

namespace acdesk::server {

namespace {

int s_connectionCounter = 0;

// Each entry migrates the schema from version i to i + 1. Never edit a released step:
// add a new one, so every database ever written can be brought forward.
const char *const Migrations[] = {
    R"(CREATE TABLE call_legs (
         call_id TEXT NOT NULL, leg INTEGER NOT NULL, kind TEXT NOT NULL, queue TEXT,
         direction TEXT NOT NULL, caller_number TEXT, caller_name TEXT, hotline TEXT,
         origin TEXT, priority INTEGER NOT NULL DEFAULT 0, agent TEXT,
         arrived_at INTEGER NOT NULL, leg_start INTEGER NOT NULL, offered_at INTEGER,
         answered_at INTEGER, ended_at INTEGER, wrap_up_ended_at INTEGER,
         wait_ms INTEGER NOT NULL DEFAULT 0, talk_ms INTEGER NOT NULL DEFAULT 0,
         hold_ms INTEGER NOT NULL DEFAULT 0, wrap_up_ms INTEGER NOT NULL DEFAULT 0,
         cause TEXT, disposition TEXT, notes TEXT, transfer_to TEXT,
         complete INTEGER NOT NULL DEFAULT 0,
         PRIMARY KEY (call_id, leg));
       CREATE INDEX call_legs_leg_start ON call_legs (leg_start);
       CREATE TABLE agent_states (
         id INTEGER PRIMARY KEY AUTOINCREMENT, agent TEXT NOT NULL, state TEXT NOT NULL,
         reason TEXT, since INTEGER NOT NULL);
       CREATE INDEX agent_states_since ON agent_states (since);
       CREATE TABLE tokens (
         digest TEXT PRIMARY KEY, role TEXT NOT NULL, user TEXT NOT NULL,
         last_used INTEGER NOT NULL);
       CREATE TABLE credentials (
         role TEXT NOT NULL, user TEXT NOT NULL, hash TEXT NOT NULL,
         PRIMARY KEY (role, user));)",
    // 2: the abandoned-callers worklist; the primary key makes a call back claimable once.
    R"(CREATE TABLE callbacks (
         entry TEXT PRIMARY KEY, done_by TEXT NOT NULL, done_at INTEGER NOT NULL);)",
    // 3: an agent's station travels with its token, so a resume after a restart rings the
    // same phone.
    R"(ALTER TABLE tokens ADD COLUMN station TEXT;)",
    // 4: plain secrets are no longer hashed into the database at start; it keeps only an
    // Argon2id hash that replaced an older hash of the file at a login, with that hash.
    R"(DELETE FROM credentials;
       ALTER TABLE credentials ADD COLUMN file_hash TEXT;)",
    // 5: the audit log: who changed what (admin changes, forced actions, watchdog repairs).
    R"(CREATE TABLE audit (
         id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL,
         action TEXT NOT NULL, target TEXT, detail TEXT);
       CREATE INDEX audit_at ON audit (at);)",
    // 6: virtual hold: when a caller asked to be called back, and the number to call.
    R"(ALTER TABLE call_legs ADD COLUMN callback_at INTEGER;
       ALTER TABLE call_legs ADD COLUMN callback_number TEXT;)",
};

// An open queue leg of a caller waiting for a callback.
#define PENDING_CALLBACK                                                                           \
    "kind = 'queue' AND callback_at IS NOT NULL AND answered_at IS NULL AND ended_at IS NULL"

QVariant timeOrNull(qint64 ms)
{
    return ms > 0 ? QVariant(ms) : QVariant();
}

} // namespace

Storage::Storage()
    : m_connection(QStringLiteral("acdesk-%1").arg(++s_connectionCounter))
{}

Storage::~Storage()
{
    m_statements.clear(); // before the connection they belong to closes
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen()) {
            if (m_inTransaction)
                db.commit();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(m_connection);
}

bool Storage::exec(const QString &sql, QString *error)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(sql)) {
        const QString text = q.lastError().text();
        qCWarning(lcStorage) << "statement failed:" << text;
        if (error)
            *error = text;
        return false;
    }
    return true;
}

bool Storage::write(const char *what, const QString &sql, const QVariantList &values, int *rows)
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        if (!q.prepare(sql)) {
            qCCritical(lcStorage) << what << "failed:" << q.lastError().text();
            m_healthy = false;
            return false;
        }
        it = m_statements.insert(sql, q);
    }
    QSqlQuery &q = *it;
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values.at(i));
    if (!q.exec()) {
        qCCritical(lcStorage) << what << "failed:" << q.lastError().text();
        m_healthy = false;
        return false;
    }
    if (rows)
        *rows = q.numRowsAffected();
    q.finish(); // resets the statement: it holds no lock while it waits for its next use
    return true;
}

bool Storage::open(const QString &dir, QString *error)
{
    if (!QDir().mkpath(dir)) {
        *error = QStringLiteral("cannot create data directory %1").arg(dir);
        return false;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(QDir(dir).filePath(QStringLiteral("acdesk.sqlite")));
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        *error = QStringLiteral("cannot open database in %1: %2").arg(dir, db.lastError().text());
        return false;
    }
    QString e;
    if (!exec(QStringLiteral("PRAGMA journal_mode=WAL"), &e) ||
        !exec(QStringLiteral("PRAGMA synchronous=NORMAL"), &e) ||
        !exec(QStringLiteral("PRAGMA wal_autocheckpoint=0"), &e) ||
        !exec(QStringLiteral("PRAGMA foreign_keys=ON"), &e) || !migrate(&e)) {
        *error = QStringLiteral("database %1: %2").arg(db.databaseName(), e);
        return false;
    }
    m_path = db.databaseName();
    m_healthy = true;
    return true;
}

bool Storage::checkpoint(const QString &path)
{
    // A connection of this thread's own: Qt SQL connections belong to their thread.
    static std::atomic<int> counter{0};
    const QString name = QStringLiteral("acdesk-checkpoint-%1").arg(++counter);
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (db.open()) {
            QSqlQuery q(db);
            // Syncs the log, copies it into the database file and syncs that; PASSIVE
            // never waits for (or blocks) the server's own connection.
            ok = q.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
            if (!ok)
                qCWarning(lcStorage) << "checkpoint failed:" << q.lastError().text();
            q.finish();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

int Storage::schemaVersion() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (q.exec(QStringLiteral("PRAGMA user_version")) && q.next())
        return q.value(0).toInt();
    return -1;
}

bool Storage::migrate(QString *error)
{
    const int latest = int(std::size(Migrations));
    int version = schemaVersion();
    if (version > latest) {
        *error = QStringLiteral("schema version %1 is newer than this acdesk (%2)")
                     .arg(version)
                     .arg(latest);
        return false;
    }
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    for (; version < latest; ++version) {
        db.transaction();
        // QSqlQuery runs one statement at a time.
        const QStringList statements =
            QString::fromUtf8(Migrations[version]).split(QLatin1Char(';'), Qt::SkipEmptyParts);
        for (const QString &sql : statements) {
            if (sql.trimmed().isEmpty())
                continue;
            if (!exec(sql, error)) {
                db.rollback();
                return false;
            }
        }
        if (!exec(QStringLiteral("PRAGMA user_version=%1").arg(version + 1), error)) {
            db.rollback();
            return false;
        }
        db.commit();
    }
    return true;
}

void Storage::begin()
{
    if (m_inTransaction)
        return;
    m_inTransaction = QSqlDatabase::database(m_connection, false).transaction();
}

bool Storage::commit()
{
    if (!m_inTransaction)
        return true;
    m_inTransaction = false;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    m_healthy = db.commit();
    if (!m_healthy)
        qCCritical(lcStorage) << "commit failed:" << db.lastError().text();
    return m_healthy;
}

int Storage::closeUnfinished(qint64 nowMs)
{
    int rows = 0;
    write("closing unfinished legs",
          // A callback waiting in line is no live call: nobody is on its line, it
          // goes back in line after the restart (pendingCallbacks()).
          QStringLiteral("UPDATE call_legs SET ended_at = ?, cause = ? WHERE ended_at IS NULL "
                         "AND NOT (" PENDING_CALLBACK ")"),
          {nowMs, engine::endCauseName(engine::EndCause::ServerRestart)}, &rows);
    return rows;
}

bool Storage::saveLeg(const engine::CallRecord &r)
{
    const QVariantList values{r.callId,
                              r.leg,
                              engine::legKindName(r.kind),
                              r.queue,
                              engine::directionName(r.direction),
                              r.callerNumber,
                              r.callerName,
                              r.hotlineNumber,
                              r.origin,
                              r.priority,
                              r.agent,
                              r.arrivedAtMs,
                              r.legStartMs,
                              timeOrNull(r.offeredAtMs),
                              timeOrNull(r.answeredAtMs),
                              timeOrNull(r.endedAtMs),
                              timeOrNull(r.wrapUpEndedAtMs),
                              r.waitMs,
                              r.talkMs,
                              r.holdMs,
                              r.wrapUpMs,
                              engine::endCauseName(r.cause),
                              r.disposition,
                              r.notes,
                              r.transferTo,
                              r.complete ? 1 : 0,
                              timeOrNull(r.callbackAtMs),
                              r.callbackNumber};
    return write(
        "saving a call leg",
        QStringLiteral(
            "INSERT OR REPLACE INTO call_legs (call_id, leg, kind, queue, direction, "
            "caller_number, "
            "caller_name, hotline, origin, priority, agent, arrived_at, leg_start, offered_at, "
            "answered_at, ended_at, wrap_up_ended_at, wait_ms, talk_ms, hold_ms, wrap_up_ms, "
            "cause, "
            "disposition, notes, transfer_to, complete, callback_at, callback_number) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
        values);
}

std::vector<engine::CallRecord> Storage::legs(qint64 fromMs, qint64 toMs) const
{
    return selectLegs(QStringLiteral("leg_start >= ? AND leg_start < ?"), {fromMs, toMs});
}

std::vector<engine::CallRecord> Storage::pendingCallbacks() const
{
    // The waiting callbacks and the earlier legs of their calls (the attempts made so far).
    return selectLegs(
        QStringLiteral("call_id IN (SELECT call_id FROM call_legs WHERE " PENDING_CALLBACK ")"),
        {});
}

std::vector<engine::CallRecord> Storage::selectLegs(const QString &where,
                                                    const QVariantList &values) const
{
    std::vector<engine::CallRecord> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT call_id, leg, kind, queue, direction, caller_number, caller_name, "
                       "hotline, origin, priority, agent, arrived_at, leg_start, offered_at, "
                       "answered_at, ended_at, wrap_up_ended_at, wait_ms, talk_ms, hold_ms, "
                       "wrap_up_ms, cause, disposition, notes, transfer_to, complete, callback_at, "
                       "callback_number FROM call_legs WHERE ") +
        where + QStringLiteral(" ORDER BY leg_start, call_id, leg"));
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (!q.exec()) {
        qCCritical(lcStorage) << "reading call legs failed:" << q.lastError().text();
        return out;
    }
    while (q.next()) {
        engine::CallRecord r;
        r.callId = q.value(0).toString();
        r.leg = q.value(1).toInt();
        r.kind = engine::legKindFromName(q.value(2).toString()).value_or(engine::LegKind::Queue);
        r.queue = q.value(3).toString();
        r.direction = q.value(4).toString() == QLatin1String("outbound")
                          ? engine::Direction::Outbound
                          : engine::Direction::Inbound;
        r.callerNumber = q.value(5).toString();
        r.callerName = q.value(6).toString();
        r.hotlineNumber = q.value(7).toString();
        r.origin = q.value(8).toString();
        r.priority = q.value(9).toInt();
        r.agent = q.value(10).toString();
        r.arrivedAtMs = q.value(11).toLongLong();
        r.legStartMs = q.value(12).toLongLong();
        r.offeredAtMs = q.value(13).toLongLong();
        r.answeredAtMs = q.value(14).toLongLong();
        r.endedAtMs = q.value(15).toLongLong();
        r.wrapUpEndedAtMs = q.value(16).toLongLong();
        r.waitMs = q.value(17).toLongLong();
        r.talkMs = q.value(18).toLongLong();
        r.holdMs = q.value(19).toLongLong();
        r.wrapUpMs = q.value(20).toLongLong();
        r.cause = engine::endCauseFromName(q.value(21).toString()).value_or(engine::EndCause::None);
        r.disposition = q.value(22).toString();
        r.notes = q.value(23).toString();
        r.transferTo = q.value(24).toString();
        r.complete = q.value(25).toInt() != 0;
        r.callbackAtMs = q.value(26).toLongLong();
        r.callbackNumber = q.value(27).toString();
        out.push_back(std::move(r));
    }
    return out;
}

qint64 Storage::legCount() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (q.exec(QStringLiteral("SELECT COUNT(*) FROM call_legs")) && q.next())
        return q.value(0).toLongLong();
    return -1;
}

bool Storage::logState(const StateLogEntry &e)
{
    return write(
        "recording an agent state",
        QStringLiteral(
            "INSERT INTO agent_states (agent, state, reason, since) VALUES (?, ?, ?, ?)"),
        {e.agent, e.state, e.reason.isEmpty() ? QVariant() : QVariant(e.reason), e.sinceMs});
}

std::vector<StateLogEntry> Storage::stateLog(qint64 fromMs, qint64 toMs) const
{
    std::vector<StateLogEntry> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    // The state each agent was in when the range began, then every change inside it.
    q.prepare(QStringLiteral("SELECT agent, state, reason, since FROM agent_states WHERE id IN "
                             "(SELECT MAX(id) FROM agent_states WHERE since < ? GROUP BY agent) "
                             "UNION ALL SELECT agent, state, reason, since FROM agent_states "
                             "WHERE since >= ? AND since < ? ORDER BY since"));
    q.addBindValue(fromMs);
    q.addBindValue(fromMs);
    q.addBindValue(toMs);
    if (!q.exec())
        return out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                       q.value(3).toLongLong()});
    return out;
}

bool Storage::saveToken(const QByteArray &digest, const StoredToken &t)
{
    return write("saving a session token",
                 QStringLiteral("INSERT OR REPLACE INTO tokens (digest, role, user, last_used, "
                                "station) VALUES (?, ?, ?, ?, ?)"),
                 {QString::fromLatin1(digest), t.role, t.user, t.lastUsedMs, t.station});
}

std::optional<StoredToken> Storage::token(const QByteArray &digest) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT role, user, last_used, station FROM tokens WHERE digest = ?"));
    q.addBindValue(QString::fromLatin1(digest));
    if (!q.exec() || !q.next())
        return std::nullopt;
    return StoredToken{q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong(),
                       q.value(3).toString()};
}

bool Storage::touchToken(const QByteArray &digest, qint64 nowMs)
{
    return write("touching a session token",
                 QStringLiteral("UPDATE tokens SET last_used = ? WHERE digest = ?"),
                 {nowMs, QString::fromLatin1(digest)});
}

bool Storage::deleteToken(const QByteArray &digest)
{
    return write("deleting a session token", QStringLiteral("DELETE FROM tokens WHERE digest = ?"),
                 {QString::fromLatin1(digest)});
}

int Storage::purgeTokens(qint64 beforeMs, qint64 wallboardBeforeMs)
{
    int rows = 0;
    write("purging idle tokens",
          QStringLiteral("DELETE FROM tokens WHERE (role <> 'wallboard' AND last_used < ?) OR "
                         "(role = 'wallboard' AND last_used < ?)"),
          {beforeMs, wallboardBeforeMs}, &rows);
    return rows;
}

bool Storage::logAudit(const AuditEntry &e)
{
    return write(
        "recording an audit entry",
        QStringLiteral(
            "INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)"),
        {e.atMs, e.actor, e.action, e.target,
         QString::fromUtf8(QJsonDocument(e.detail).toJson(QJsonDocument::Compact))});
}

std::vector<AuditEntry> Storage::audit(qint64 fromMs, qint64 toMs, const QString &action,
                                       const QString &actor, const QString &target, int limit) const
{
    std::vector<AuditEntry> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT at, actor, action, target, detail FROM audit "
                             "WHERE at >= ? AND at < ? AND (? = '' OR action = ?) "
                             "AND (? = '' OR actor = ?) AND (? = '' OR target = ?) "
                             "ORDER BY id DESC LIMIT ?"));
    q.addBindValue(fromMs);
    q.addBindValue(toMs);
    for (const QString &f : {action, actor, target}) {
        const QString v = f.isNull() ? QStringLiteral("") : f; // NULL would match nothing
        q.addBindValue(v);
        q.addBindValue(v);
    }
    q.addBindValue(limit);
    if (!q.exec())
        return out;
    while (q.next())
        out.push_back({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                       q.value(3).toString(),
                       QJsonDocument::fromJson(q.value(4).toString().toUtf8()).object()});
    return out;
}

std::vector<StateLogEntry> Storage::agentsAtStop(qint64 tokensSinceMs,
                                                 QHash<QString, QString> *stations) const
{
    std::vector<StateLogEntry> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "SELECT s.agent, s.state, s.reason, s.since, "
        "  (SELECT t.station FROM tokens t WHERE t.role = 'agent' AND t.user = s.agent "
        "   ORDER BY t.last_used DESC LIMIT 1) "
        "FROM agent_states s "
        "WHERE s.id IN (SELECT MAX(id) FROM agent_states WHERE state IN ('ready', 'not_ready') "
        "               GROUP BY agent) "
        "AND s.agent NOT IN (SELECT agent FROM agent_states WHERE state = 'logged_out' AND id IN "
        "                    (SELECT MAX(id) FROM agent_states GROUP BY agent)) "
        "AND EXISTS (SELECT 1 FROM tokens t WHERE t.role = 'agent' AND t.user = s.agent "
        "            AND t.last_used >= ?)"));
    q.addBindValue(tokensSinceMs);
    if (!q.exec())
        return out;
    while (q.next()) {
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                       q.value(3).toLongLong()});
        stations->insert(q.value(0).toString(), q.value(4).toString());
    }
    return out;
}

bool Storage::deleteTokensOf(const QString &role, const QString &user, const QByteArray &keep)
{
    // Never NULL: "digest != NULL" would match no row at all.
    return write("deleting an account's tokens",
                 QStringLiteral("DELETE FROM tokens WHERE role = ? AND user = ? AND digest != ?"),
                 {role, user, keep.isEmpty() ? QStringLiteral("-") : QString::fromLatin1(keep)});
}

QHash<QString, QPair<QString, QString>> Storage::upgradedHashes() const
{
    QHash<QString, QPair<QString, QString>> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT role, user, hash, file_hash FROM credentials")))
        return out;
    while (q.next())
        out.insert(q.value(0).toString() + QLatin1Char('/') + q.value(1).toString(),
                   {q.value(2).toString(), q.value(3).toString()});
    return out;
}

bool Storage::saveUpgradedHash(const QString &role, const QString &user, const QString &hash,
                               const QString &fileHash)
{
    return write(
        "saving an upgraded password hash",
        QStringLiteral(
            "INSERT OR REPLACE INTO credentials (role, user, hash, file_hash) VALUES (?, ?, ?, ?)"),
        {role, user, hash, fileHash});
}

bool Storage::saveCallback(const QString &entry, const QString &by, qint64 atMs)
{
    return write("saving a call back",
                 QStringLiteral("INSERT INTO callbacks (entry, done_by, done_at) VALUES (?, ?, ?)"),
                 {entry, by, atMs});
}

QHash<QString, QPair<QString, qint64>> Storage::callbacks(qint64 sinceMs) const
{
    QHash<QString, QPair<QString, qint64>> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT entry, done_by, done_at FROM callbacks WHERE done_at >= ?"));
    q.addBindValue(sinceMs);
    if (q.exec())
        while (q.next())
            out.insert(q.value(0).toString(), {q.value(1).toString(), q.value(2).toLongLong()});
    return out;
}

int Storage::purgeBefore(qint64 beforeMs)
{
    int removed = 0;
    const QString statements[] = {
        QStringLiteral("DELETE FROM callbacks WHERE done_at < ?"),
        QStringLiteral("DELETE FROM call_legs WHERE leg_start < ?"),
        QStringLiteral("DELETE FROM audit WHERE at < ?"),
        // Keep the last state of each agent before the cut, so reports can start from it.
        QStringLiteral("DELETE FROM agent_states WHERE since < ? AND id NOT IN "
                       "(SELECT MAX(id) FROM agent_states GROUP BY agent)")};
    for (const QString &sql : statements) {
        int rows = 0;
        if (write("purging old records", sql, {beforeMs}, &rows))
            removed += rows;
    }
    return removed;
}

} // namespace acdesk::server
