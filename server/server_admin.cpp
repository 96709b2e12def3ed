// Live administration (issue 15, protocol 4.7): the running configuration in the file's
// schema, changed by admin.config.put, by SIGHUP or by an edit of the file, validated by the
// same parser as at start and applied to the running engine and sessions without a restart.
#include "server.h"

#include "connection.h"
#include "convert.h"
#include "engine/engine.h"
#include "protocol/protocol.h"
#include "reports.h"
#include "storage.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRegularExpression>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace acdesk::server {

namespace {

using proto::ErrorCode;

QString versionOf(const QByteArray &text)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(text, QCryptographicHash::Sha256).toHex().left(16));
}

// Where accounts keep their secrets, per list.
const QList<QPair<QString, QString>> &secretKeys()
{
    static const QList<QPair<QString, QString>> keys{
        {QStringLiteral("agents"), QStringLiteral("password")},
        {QStringLiteral("supervisors"), QStringLiteral("password")},
        {QStringLiteral("wallboards"), QStringLiteral("secret")},
        {QStringLiteral("gateways"), QStringLiteral("secret")}};
    return keys;
}

// The configuration as admin.config.get shows it: plain secrets left out (hashes stay).
QJsonObject withoutSecrets(QJsonObject root)
{
    for (const auto &[list, key] : secretKeys()) {
        QJsonArray accounts = root.value(list).toArray();
        for (auto it = accounts.begin(); it != accounts.end(); ++it) {
            QJsonObject o = it->toObject();
            o.remove(key);
            *it = o;
        }
        if (root.contains(list))
            root.insert(list, accounts);
    }
    QJsonObject sip = root.value(QStringLiteral("sip")).toObject();
    if (sip.contains(QStringLiteral("phones"))) {
        QJsonArray phones = sip.value(QStringLiteral("phones")).toArray();
        for (auto it = phones.begin(); it != phones.end(); ++it) {
            QJsonObject o = it->toObject();
            o.remove(QStringLiteral("password"));
            *it = o;
        }
        sip.insert(QStringLiteral("phones"), phones);
        root.insert(QStringLiteral("sip"), sip);
    }
    return root;
}

// A put without a secret for an account (as get returned it) keeps the account's current
// one; a new account must bring its own, or the validator says so.
QJsonObject withSecretsFrom(QJsonObject next, const QJsonObject &current)
{
    auto merge = [](QJsonArray entries, const QJsonArray &old, const QString &idKey,
                    const QStringList &secretFields) {
        for (auto it = entries.begin(); it != entries.end(); ++it) {
            QJsonObject o = it->toObject();
            if (std::any_of(secretFields.begin(), secretFields.end(),
                            [&](const QString &k) { return o.contains(k); }))
                continue;
            for (const QJsonValue &v : old) {
                const QJsonObject was = v.toObject();
                if (was.value(idKey) != o.value(idKey))
                    continue;
                for (const QString &k : secretFields)
                    if (was.contains(k))
                        o.insert(k, was.value(k));
            }
            *it = o;
        }
        return entries;
    };
    for (const auto &[list, key] : secretKeys()) {
        if (next.contains(list))
            next.insert(list, merge(next.value(list).toArray(), current.value(list).toArray(),
                                    QStringLiteral("id"), {key, QStringLiteral("passwordHash")}));
    }
    QJsonObject sip = next.value(QStringLiteral("sip")).toObject();
    if (sip.contains(QStringLiteral("phones"))) {
        sip.insert(QStringLiteral("phones"),
                   merge(sip.value(QStringLiteral("phones")).toArray(),
                         current.value(QStringLiteral("sip"))
                             .toObject()
                             .value(QStringLiteral("phones"))
                             .toArray(),
                         QStringLiteral("user"),
                         {QStringLiteral("password"), QStringLiteral("ha1")}));
        next.insert(QStringLiteral("sip"), sip);
    }
    return next;
}

// Every leaf of a config as "$.queues[support].slSeconds" -> value: list entries are named
// by their id (or number, code, user) rather than their position, so an insertion in the
// middle of a list does not show as a change of every entry after it.
void flatten(const QJsonValue &v, const QString &path, QMap<QString, QJsonValue> *out)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            flatten(it.value(), path + QLatin1Char('.') + it.key(), out);
        if (o.isEmpty())
            out->insert(path, v);
        return;
    }
    if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            QString name = QString::number(i);
            const QJsonObject o = a[i].toObject();
            for (const char *k : {"id", "number", "code", "user", "queue"}) {
                if (o.value(QLatin1String(k)).isString()) {
                    name = o.value(QLatin1String(k)).toString();
                    break;
                }
            }
            flatten(a[i], path + QLatin1Char('[') + name + QLatin1Char(']'), out);
        }
        if (a.isEmpty())
            out->insert(path, v);
        return;
    }
    out->insert(path, v);
}

// What changed, for the audit log: [{path, before, after}], secrets masked.
QJsonArray changesBetween(const QJsonObject &before, const QJsonObject &after)
{
    QMap<QString, QJsonValue> a;
    QMap<QString, QJsonValue> b;
    flatten(before, QStringLiteral("$"), &a);
    flatten(after, QStringLiteral("$"), &b);
    static const QRegularExpression secret(
        QStringLiteral("\\.(password|secret|passwordHash|ha1)$"));
    QStringList paths = a.keys() + b.keys();
    paths.removeDuplicates();
    paths.sort();
    QJsonArray out;
    for (const QString &p : qAsConst(paths)) {
        const QJsonValue x = a.value(p, QJsonValue::Undefined);
        const QJsonValue y = b.value(p, QJsonValue::Undefined);
        if (x == y)
            continue;
        const bool masked = secret.match(p).hasMatch();
        QJsonObject change{{QStringLiteral("path"), p}};
        if (!x.isUndefined())
            change.insert(QStringLiteral("before"), masked ? QStringLiteral("***") : x);
        if (!y.isUndefined())
            change.insert(QStringLiteral("after"), masked ? QStringLiteral("***") : y);
        out.append(change);
    }
    return out;
}

// The top-level keys that changed but are bound once at start: sockets, TLS, the SIP
// gateway, the day's time zone, limits.
QStringList restartNeeded(const QJsonObject &before, const QJsonObject &after)
{
    QStringList out;
    for (const char *key : {"timeZone", "server", "sip"})
        if (before.value(QLatin1String(key)) != after.value(QLatin1String(key)))
            out.append(QLatin1String(key));
    return out;
}

// The config file's list of each role.
const QHash<QString, QString> AccountLists{
    {QStringLiteral("agent"), QStringLiteral("agents")},
    {QStringLiteral("supervisor"), QStringLiteral("supervisors")},
    {QStringLiteral("wallboard"), QStringLiteral("wallboards")},
    {QStringLiteral("gateway"), QStringLiteral("gateways")}};

} // namespace

bool Server::isAdmin(const Connection *c) const
{
    return c->role == QLatin1String("supervisor") &&
           m_credentials.value(QStringLiteral("supervisor/") + c->user).admin;
}

void Server::watchConfig()
{
    if (m_config.sourceFile.isEmpty())
        return;
    QFile f(m_config.sourceFile);
    if (f.open(QIODevice::ReadOnly))
        m_configText = f.readAll();
    // What this run added besides the file stays across changes of the file: the
    // in-process SIP gateway's account and the simulator's agents.
    const ConfigResult fromFile = parseConfig(m_configText, m_config.sourceFile);
    if (fromFile.config) {
        for (const Account &g : qAsConst(m_config.gateways))
            if (std::none_of(fromFile.config->gateways.cbegin(), fromFile.config->gateways.cend(),
                             [&](const Account &a) { return a.id == g.id; }))
                m_runtimeGateways.append(g);
        for (const engine::AgentConfig &a : qAsConst(m_config.engine.agents))
            if (std::none_of(fromFile.config->engine.agents.cbegin(),
                             fromFile.config->engine.agents.cend(),
                             [&](const engine::AgentConfig &b) { return a.id == b.id; }))
                m_runtimeAgents.append(a);
    }
    // Editors and configuration management replace the file (a new inode) or write it in
    // steps: watch the directory too, and read once things are quiet.
    auto *watcher = new QFileSystemWatcher(this);
    watcher->addPath(m_config.sourceFile);
    watcher->addPath(QFileInfo(m_config.sourceFile).absolutePath());
    m_configReload.setSingleShot(true);
    m_configReload.setInterval(300);
    connect(&m_configReload, &QTimer::timeout, this, [this, watcher] {
        if (!watcher->files().contains(m_config.sourceFile) && QFile::exists(m_config.sourceFile))
            watcher->addPath(m_config.sourceFile);
        reloadConfig();
    });
    auto changed = [this](const QString &) {
        m_configReload.start();
    };
    connect(watcher, &QFileSystemWatcher::fileChanged, this, changed);
    connect(watcher, &QFileSystemWatcher::directoryChanged, this, changed);
}

void Server::reloadConfig()
{
    if (m_config.sourceFile.isEmpty() || m_stopping)
        return;
    QFile f(m_config.sourceFile);
    if (!f.open(QIODevice::ReadOnly))
        return; // being replaced: the directory change comes again
    const QByteArray text = f.readAll();
    if (versionOf(text) == versionOf(m_configText)) {
        m_configError.clear();
        return; // our own write, or nothing changed
    }
    const ConfigResult parsed = parseConfig(text, m_config.sourceFile);
    if (!parsed.config) {
        if (m_configError != parsed.error)
            qCWarning(lcServer).noquote()
                << "config file not applied, the running configuration stays:" << parsed.error;
        m_configError = parsed.error;
        return;
    }
    const QJsonObject before = QJsonDocument::fromJson(m_configText).object();
    const QJsonObject after = QJsonDocument::fromJson(text).object();
    proto::ErrorCode errorCode = ErrorCode::Internal;
    QString message;
    if (!applyConfig(*parsed.config, &errorCode, &message)) {
        qCWarning(lcServer).noquote() << "config file not applied:" << message;
        m_configError = m_config.sourceFile + QStringLiteral(": ") + message;
        return;
    }
    m_configText = text;
    m_configError.clear();
    const QStringList restart = restartNeeded(before, after);
    qCInfo(lcServer).noquote()
        << "config file applied, version" << versionOf(text)
        << (restart.isEmpty()
                ? QString()
                : QStringLiteral("(needs a restart: %1)").arg(restart.join(QStringLiteral(", "))));
    audit(QStringLiteral("file"), QStringLiteral("config.change"), {},
          {{QStringLiteral("version"), versionOf(text)},
           {QStringLiteral("changes"), changesBetween(before, after)}});
}

bool Server::applyConfig(Config next, proto::ErrorCode *errorCode, QString *message)
{
    next.sourceFile = m_config.sourceFile;
    for (const Account &g : qAsConst(m_runtimeGateways))
        if (std::none_of(next.gateways.cbegin(), next.gateways.cend(),
                         [&](const Account &a) { return a.id == g.id; }))
            next.gateways.append(g);
    for (const engine::AgentConfig &a : qAsConst(m_runtimeAgents))
        if (std::none_of(next.engine.agents.cbegin(), next.engine.agents.cend(),
                         [&](const engine::AgentConfig &b) { return a.id == b.id; }))
            next.engine.agents.append(a);

    // The engine first: it may refuse (a removed queue with callers and nowhere to send
    // them), and then nothing has changed.
    const engine::Result r = m_engine->reconfigure(next.engine);
    if (!r.ok()) {
        *errorCode = fromEngine(r.code);
        *message = r.message;
        return false;
    }
    const QHash<QString, Credential> before = m_credentials;
    // What is restart-only keeps its running value (restartNeeded() reports it).
    next.listen = m_config.listen;
    next.tlsCert = m_config.tlsCert;
    next.tlsKey = m_config.tlsKey;
    next.transport = m_config.transport;
    next.allowedOrigins = m_config.allowedOrigins;
    next.limits = m_config.limits;
    next.retentionDays = m_config.retentionDays;
    next.sip = m_config.sip;
    next.engine.timeZone = m_config.engine.timeZone;
    next.engine.graceSeconds = m_config.engine.graceSeconds;
    next.engine.watchdogSeconds = m_config.engine.watchdogSeconds;
    next.engine.callIdPrefix = m_config.engine.callIdPrefix;
    next.engine.randomSeed = m_config.engine.randomSeed;
    m_config = std::move(next);
    loadCredentials();

    // Sessions of changed and removed accounts end now; a removed agent with call work
    // finishes it first and its session ends when the engine logs it out.
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        const QString role = it.key().section(QLatin1Char('/'), 0, 0);
        const QString user = it.key().section(QLatin1Char('/'), 1);
        const auto now = m_credentials.constFind(it.key());
        if (now == m_credentials.cend()) {
            if (role == QLatin1String("agent") &&
                m_engine->agent(user).state != engine::AgentState::LoggedOut &&
                m_agentConnection.contains(user)) {
                m_storage->deleteTokensOf(role, user);
                m_removedAgents.insert(user);
            } else {
                endSessionsOf(role, user, nullptr, CloseAccountRemoved);
            }
        } else if (now->fileHash != it->fileHash || now->plain != it->plain) {
            endSessionsOf(role, user, nullptr, ClosePasswordChanged);
        }
    }
    pump();
    return true;
}

bool Server::mayAdminister(Connection *c, const proto::Envelope &env)
{
    if (!isAdmin(c)) {
        replyError(c, env.id, ErrorCode::Forbidden,
                   QStringLiteral("%1 is not an administrator (supervisors[].admin)").arg(c->user));
        return false;
    }
    if (m_config.sourceFile.isEmpty()) {
        replyError(c, env.id, ErrorCode::InvalidState,
                   QStringLiteral("the built-in demo configuration has no file to change"));
        return false;
    }
    return true;
}

void Server::handle(Connection *c, const Env &env, const proto::AdminConfigGetRequest &)
{
    if (!mayAdminister(c, env))
        return;
    reply(c, env,
          proto::AdminConfigResult{versionOf(m_configText),
                                   withoutSecrets(QJsonDocument::fromJson(m_configText).object()),
                                   std::nullopt}
              .toJson());
}

void Server::handle(Connection *c, const Env &env, const proto::AdminConfigPutRequest &put)
{
    if (!mayAdminister(c, env))
        return;
    const QString version = versionOf(m_configText);
    const QJsonObject current = QJsonDocument::fromJson(m_configText).object();
    if (put.version != version) {
        replyError(c, env.id, ErrorCode::Conflict,
                   QStringLiteral("the configuration changed since version %1 (now %2): get it "
                                  "again and repeat the change")
                       .arg(put.version, version));
        return;
    }
    const QJsonObject next = withSecretsFrom(put.config, current);
    const QByteArray text = QJsonDocument(next).toJson(QJsonDocument::Indented);
    const ConfigResult parsed = parseConfig(text, m_config.sourceFile);
    if (!parsed.config) {
        // "FILE: $.path: reason", as at start; the path and reason also apart, for forms.
        const QString what = parsed.error.mid(m_config.sourceFile.size() + 2);
        const qsizetype colon = what.indexOf(QStringLiteral(": "));
        replyError(c, env.id, ErrorCode::BadRequest, what,
                   {{QStringLiteral("path"), what.left(colon)},
                    {QStringLiteral("reason"), what.mid(colon + 2)}});
        return;
    }
    const ConfigResult old = parseConfig(m_configText, m_config.sourceFile);
    proto::ErrorCode errorCode = ErrorCode::Internal;
    QString message;
    if (!applyConfig(*parsed.config, &errorCode, &message)) {
        replyError(c, env.id, errorCode, message);
        return;
    }
    const QString written = writeFileAtomically(m_config.sourceFile, text);
    if (!written.isEmpty()) {
        // The running server must not differ from its file: back to what it was.
        if (old.config)
            applyConfig(*old.config, &errorCode, &message);
        replyError(c, env.id, ErrorCode::Internal,
                   QStringLiteral("cannot write the config file: %1").arg(written));
        return;
    }
    const QStringList restart = restartNeeded(current, next);
    m_configText = text;
    m_configError.clear();
    audit(actorOf(c), QStringLiteral("config.change"), {},
          {{QStringLiteral("version"), versionOf(text)},
           {QStringLiteral("changes"), changesBetween(current, next)}});
    reply(c, env, proto::AdminConfigResult{versionOf(text), std::nullopt, restart}.toJson());
}

// ---------------------------------------------------------------------------------------
// passwords

void Server::handle(Connection *c, const Env &env, const proto::AdminSetPasswordRequest &r)
{
    if (!isAdmin(c)) {
        replyError(c, env.id, ErrorCode::Forbidden,
                   QStringLiteral("%1 is not an administrator (supervisors[].admin)").arg(c->user));
        return;
    }
    QStringList roles;
    for (auto it = AccountLists.cbegin(); it != AccountLists.cend(); ++it)
        if ((!r.role || proto::toString(*r.role) == it.key()) &&
            m_credentials.contains(it.key() + QLatin1Char('/') + r.user))
            roles.append(it.key());
    if (roles.isEmpty()) {
        replyError(c, env.id, ErrorCode::NotFound, QStringLiteral("no account \"%1\"").arg(r.user));
        return;
    }
    if (roles.size() > 1) {
        roles.sort();
        replyError(c, env.id, ErrorCode::BadRequest,
                   QStringLiteral("field \"role\": \"%1\" is a %2; say which")
                       .arg(r.user, roles.join(QStringLiteral(" and a "))));
        return;
    }
    changePassword(c, env, roles.first(), r.user, r.password, std::nullopt);
}

void Server::handle(Connection *c, const Env &env, const proto::AccountSetPasswordRequest &r)
{
    changePassword(c, env, c->role, c->user, r.password, r.oldPassword);
}

void Server::changePassword(Connection *c, const proto::Envelope &env, const QString &role,
                            const QString &user, const QString &password,
                            const std::optional<QString> &oldPassword)
{
    const bool own = role == c->role && user == c->user;
    if (m_config.sourceFile.isEmpty()) {
        replyError(c, env.id, ErrorCode::InvalidState,
                   QStringLiteral("the built-in demo configuration has no file to change"));
        return;
    }
    const QString key = role + QLatin1Char('/') + user;
    const Credential credential = m_credentials.value(key);
    const bool checkOld = oldPassword.has_value();
    auto hash = std::make_shared<QString>();
    checkPassword(
        c,
        [=] {
            if (checkOld) {
                const bool ok = credential.hash.isEmpty()
                                    ? password::matchesPlain(*oldPassword, credential.plain)
                                    : password::verify(*oldPassword, credential.hash);
                if (!ok)
                    return false;
            }
            *hash = password::hash(password);
            return !hash->isEmpty();
        },
        [=](Connection *conn, bool ok) {
            holdOutput();
            const auto release = qScopeGuard([this, conn] { releaseOutput(conn); });
            if (!ok) {
                replyError(conn, env.id, ErrorCode::AuthFailed,
                           checkOld ? QStringLiteral("wrong old password")
                                    : QStringLiteral("cannot hash the password"));
                return;
            }
            // The file stays the one description of the office: the new hash goes there.
            QByteArray text;
            const QString error =
                writeAccountHash(m_config.sourceFile, AccountLists.value(role), user, *hash, &text);
            if (!error.isEmpty()) {
                qCWarning(lcServer) << "password of" << key << "not changed:" << error;
                replyError(conn, env.id, ErrorCode::Internal,
                           QStringLiteral("cannot write the config file: %1").arg(error));
                return;
            }
            if (auto it = m_credentials.find(key); it != m_credentials.end()) {
                it->hash = *hash;
                it->fileHash = *hash;
                it->plain.clear();
                m_anyHashed = true;
            }
            // The file as written is the running config now, with what else it held (this
            // account's sessions are ended below, by the rule for password changes).
            proto::ErrorCode errorCode = ErrorCode::Internal;
            QString message;
            const ConfigResult parsed = parseConfig(text, m_config.sourceFile);
            if (parsed.config && applyConfig(*parsed.config, &errorCode, &message))
                m_configText = text;
            qCInfo(lcServer) << "password of" << key << "changed by" << conn->role << conn->user;
            // Who and whom, never the secret.
            audit(actorOf(conn),
                  checkOld ? QStringLiteral("password.change") : QStringLiteral("password.reset"),
                  key, {});
            endSessionsOf(role, user, own ? conn : nullptr, ClosePasswordChanged);
            reply(conn, env);
        });
}

// ---------------------------------------------------------------------------------------
// audit log

QString Server::actorOf(const Connection *c)
{
    return c->role + QLatin1Char('/') + c->user;
}

void Server::audit(const QString &actor, const QString &action, const QString &target,
                   const QJsonObject &detail)
{
    AuditEntry e;
    e.atMs = m_clock->nowMs();
    e.actor = actor;
    e.action = action;
    e.target = target;
    e.detail = detail;
    m_storage->logAudit(e); // a failure is logged and shown in /healthz by the storage
    const QJsonObject event = auditEvent(e).toJson();
    for (Connection *c : qAsConst(m_byRole[QStringLiteral("supervisor")]))
        if (c->authenticated)
            sendEvent(c, event);
}

proto::AuditEvent Server::auditEvent(const AuditEntry &e)
{
    proto::AuditEvent ev;
    ev.time = e.atMs;
    ev.actor = e.actor;
    ev.action = e.action;
    ev.target = e.target;
    ev.detail = e.detail;
    return ev;
}

proto::AuditListResult Server::auditList(const proto::AuditListRequest &req) const
{
    proto::AuditListResult result;
    for (const AuditEntry &e : auditEntries(*m_storage, m_engine->config(), req.from, req.to,
                                            req.action, req.actor, req.target, req.limit))
        result.entries.append(auditEvent(e));
    return result;
}

} // namespace acdesk::server
