// Sessions: login and resume (password checks on the auth pool, tokens), taking over an
// agent from an older connection, logout, and the one way a session ends.
#include "server.h"

#include "auth.h"
#include "connection.h"
#include "convert.h"
#include "engine/engine.h"
#include "protocol/protocol.h"
#include "storage.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QScopeGuard>
#include <QThreadPool>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace acdesk::server {

using proto::ErrorCode;

// ---------------------------------------------------------------------------------------
// login, resume, logout

void Server::handle(Connection *c, const Env &env, const proto::LoginRequest &req)
{
    const QString role = proto::toString(req.role);
    const qint64 now = m_clock->nowMs();
    const QString userKey = role + QLatin1Char('/') + req.user;
    const qint64 wait = qMax(m_userThrottle.retryAfterMs(userKey, now),
                             m_addressThrottle.retryAfterMs(c->address, now));
    if (wait > 0) {
        replyError(
            c, env.id, ErrorCode::RateLimited,
            QStringLiteral("too many failed logins; try again in %1 s").arg((wait + 999) / 1000));
        return;
    }
    const auto cred = m_credentials.constFind(userKey);
    const bool known = cred != m_credentials.cend();
    const Credential credential = known ? *cred : Credential{};
    const QString secret = req.secret;
    const proto::Envelope envCopy = env;
    const QString station = req.station;
    auto done = [=](Connection *conn, bool ok) {
        const qint64 t = m_clock->nowMs();
        // As in handleRequest(): the "ok" leaves after pump() committed the login.
        holdOutput();
        if (!ok) {
            m_userThrottle.failed(userKey, t);
            m_addressThrottle.failed(conn->address, t);
            replyError(conn, envCopy.id, ErrorCode::AuthFailed,
                       QStringLiteral("wrong user or secret"));
        } else {
            m_userThrottle.succeeded(userKey);
            m_addressThrottle.succeeded(conn->address);
            const QString token = token::generate();
            m_storage->saveToken(token::digest(token), {role, req.user, t, station});
            attach(conn, envCopy, role, req.user, station, token);
        }
        pump();
        releaseOutput(m_bySerial.value(conn->serial));
    };
    c->busy = true;
    if (known ? credential.hash.isEmpty() : !m_anyHashed) {
        // A plain secret from the file (or an unknown user where every secret is plain, so
        // timing does not tell which ids exist): no hash to compute.
        const bool ok = known && password::matchesPlain(secret, credential.plain);
        QMetaObject::invokeMethod(
            this,
            [this, serial = c->serial, done, ok] {
                if (Connection *conn = m_bySerial.value(serial)) {
                    conn->busy = false;
                    done(conn, ok);
                    if (m_bySerial.value(serial) == conn)
                        releaseHeld(conn);
                }
            },
            Qt::QueuedConnection);
        return;
    }
    // An unknown user costs the same as a wrong password, so timing does not tell which
    // user ids exist. A correct login with an older hash gets an Argon2id one.
    auto upgrade = std::make_shared<QString>();
    checkPassword(
        c,
        [secret, credential, known, upgrade] {
            static const QString dummyHash = password::hash(QStringLiteral("dummy"));
            const bool ok = password::verify(secret, known ? credential.hash : dummyHash) && known;
            if (ok && password::needsUpgrade(credential.hash))
                *upgrade = password::hash(secret);
            return ok;
        },
        [this, done, upgrade, userKey, role, user = req.user, credential](Connection *conn,
                                                                          bool ok) {
            auto entry = m_credentials.find(userKey);
            if (ok && !upgrade->isEmpty() && entry != m_credentials.end() &&
                entry->hash == credential.hash && !entry->fileHash.isEmpty()) {
                entry->hash = *upgrade;
                m_storage->saveUpgradedHash(role, user, *upgrade, entry->fileHash);
            }
            done(conn, ok);
        });
}

void Server::checkPassword(Connection *c, std::function<bool()> check,
                           std::function<void(Connection *, bool)> done)
{
    c->busy = true; // what the client sends meanwhile waits (releaseHeld)
    QPointer<Server> self(this);
    const quint64 serial = c->serial;
    m_authPool.start([self, serial, check = std::move(check), done = std::move(done)] {
        const bool ok = check();
        QMetaObject::invokeMethod(
            self,
            [self, serial, ok, done] {
                if (!self)
                    return;
                Connection *conn = self->m_bySerial.value(serial);
                if (!conn)
                    return;
                conn->busy = false;
                done(conn, ok);
                if (self->m_bySerial.value(serial) == conn)
                    self->releaseHeld(conn);
            },
            Qt::QueuedConnection);
    });
}

void Server::loadCredentials()
{
    // Nothing is hashed here: a plain secret from the file is compared as it is (the file
    // holds it anyway), a hash is used as it is, unless a login already replaced it by an
    // Argon2id hash (kept in the database while the file still has the older one).
    const QHash<QString, QPair<QString, QString>> upgraded = m_storage->upgradedHashes();
    m_credentials.clear();
    m_names.clear();
    m_anyHashed = false;
    auto load = [&](const QString &role, const QList<Account> &accounts) {
        for (const Account &a : accounts) {
            const QString key = role + QLatin1Char('/') + a.id;
            Credential c;
            c.fileHash = a.secretHash;
            c.hash = a.secretHash;
            c.plain = a.secretHash.isEmpty() ? a.secret : QString();
            c.admin = a.admin;
            const auto up = upgraded.constFind(key);
            if (!c.hash.isEmpty() && up != upgraded.cend() && up->second == c.hash)
                c.hash = up->first;
            m_anyHashed = m_anyHashed || !c.hash.isEmpty();
            m_credentials.insert(key, c);
            m_names.insert(key, a.name);
        }
    };
    load(QStringLiteral("agent"), m_config.agents);
    load(QStringLiteral("supervisor"), m_config.supervisors);
    load(QStringLiteral("wallboard"), m_config.wallboards);
    load(QStringLiteral("gateway"), m_config.gateways);
}

void Server::endSessionsOf(const QString &role, const QString &user, Connection *keep,
                           quint16 closeCode)
{
    m_storage->deleteTokensOf(role, user, keep ? keep->tokenDigest : QByteArray());
    const QString reason = closeCode == CloseAccountRemoved ? QStringLiteral("account removed")
                                                            : QStringLiteral("password changed");
    const QList<Connection *> all = m_connections.values();
    for (Connection *c : all)
        if (c != keep && c->authenticated && c->role == role && c->user == user)
            endSession(c, closeCode, reason);
}

void Server::releaseHeld(Connection *c)
{
    const quint64 serial = c->serial;
    while (!c->busy && !c->heldMessages.isEmpty()) {
        processRequest(c, c->heldMessages.takeFirst());
        if (!m_bySerial.contains(serial))
            return;
    }
}

void Server::handle(Connection *c, const Env &env, const proto::ResumeRequest &r)
{
    const QString &tokenText = r.token;
    const QByteArray digest = token::digest(tokenText);
    const std::optional<StoredToken> stored = m_storage->token(digest);
    const qint64 now = m_clock->nowMs();
    bool inUse = false;
    for (const Connection *other : qAsConst(m_connections))
        inUse = inUse || (other->authenticated && other->tokenDigest == digest);
    if (!stored ||
        (!inUse && stored->lastUsedMs + m_config.limits.tokenIdleMs(stored->role) < now) ||
        !m_credentials.contains(stored->role + QLatin1Char('/') + stored->user)) {
        replyError(c, env.id, ErrorCode::AuthFailed,
                   QStringLiteral("unknown or expired token; log in again"));
        return;
    }
    m_storage->touchToken(digest, now);
    attach(c, env, stored->role, stored->user, stored->station, tokenText);
}

void Server::attach(Connection *c, const proto::Envelope &env, const QString &role,
                    const QString &user, const QString &station, const QString &tokenText)
{
    if (role == QLatin1String("agent")) {
        if (Connection *old = m_agentConnection.value(user); old && old != c) {
            // Only agents are exclusive: the newest connection takes the agent over.
            sendEvent(old, proto::SessionReplacedEvent{}.toJson());
            // The token stays: the new connection may have resumed with it.
            endSession(old, CloseReplaced, QStringLiteral("session replaced"), false);
        }
        const engine::AgentInfo info = m_engine->agent(user);
        if (info.state == engine::AgentState::LoggedOut || !station.isEmpty())
            m_engine->login(user, station);
        if (!info.connected && info.state != engine::AgentState::LoggedOut)
            m_engine->agentReconnected(user);
        m_agentConnection.insert(user, c);
    }
    m_byRole[c->role].remove(c); // a second login on the connection
    c->authenticated = true;
    m_byRole[role].insert(c);
    c->role = role;
    c->user = user;
    c->name = m_names.value(role + QLatin1Char('/') + user, user);
    c->tokenDigest = token::digest(tokenText);
    c->seq = 0;
    setStatsSubscribed(c, false);
    c->loginTimer->stop();
    proto::LoginResult result{tokenText, *proto::fromString<proto::Role>(role), user, c->name};
    reply(c, env, result.toJson());
    // Deliver what attaching did (e.g. a state change) before the snapshot would be stale.
    dispatchEngineEvents(c);
    sendSnapshot(c);
}

void Server::handle(Connection *c, const Env &env, const proto::LogoutRequest &)
{
    if (c->role == QLatin1String("agent")) {
        const engine::Result r = m_engine->logout(c->user);
        if (!r.ok()) {
            replyError(c, env.id, fromEngine(r.code), r.message);
            return;
        }
    }
    reply(c, env);
    endSession(c);
}

void Server::endSession(Connection *c, quint16 closeCode, const QString &reason, bool forgetToken)
{
    if (c->role == QLatin1String("agent") && m_agentConnection.value(c->user) == c)
        m_agentConnection.remove(c->user);
    if (forgetToken && !c->tokenDigest.isEmpty()) {
        m_storage->deleteToken(c->tokenDigest);
        m_keyedReplies.remove(c->tokenDigest);
    }
    c->authenticated = false;
    m_byRole[c->role].remove(c);
    setStatsSubscribed(c, false);
    c->tokenDigest.clear();
    c->role.clear();
    c->user.clear();
    if (closeCode)
        closeConnection(c, closeCode, reason);
    else
        c->loginTimer->start(m_config.limits.loginTimeoutSeconds * 1000);
}

} // namespace acdesk::server
