// Accounts (issue 15): Argon2id hashes and the upgrade of older PBKDF2 ones, no hashing at
// start, admin.setPassword and account.setPassword against the real binary with a config
// file: the file gets the new hash (atomically, with a backup), the account's other
// sessions close with 4001 and their tokens die at once, and the change survives a restart;
// and agents that resume after a restart (or a crash) are back in the state they had.
#include "auth.h"
#include "servertestutil.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <functional>
#include <memory>

#include <csignal>

using namespace acdesk::test;
namespace password = acdesk::server::password;

namespace {

const QString Pbkdf2Secret = QStringLiteral("old pbkdf2 secret");

// Two queues, two agents, an administrator and a supervisor, a gateway and a wallboard.
QJsonObject liveOfficeJson()
{
    const QJsonObject config{
        {QStringLiteral("timeZone"), QStringLiteral("UTC")},
        {QStringLiteral("queues"),
         QJsonArray{P({{QStringLiteral("id"), QStringLiteral("support")},
                       {QStringLiteral("slSeconds"), 20}}),
                    P({{QStringLiteral("id"), QStringLiteral("sales")}})}},
        {QStringLiteral("agents"),
         QJsonArray{P({{QStringLiteral("id"), QStringLiteral("1001")},
                       {QStringLiteral("password"), QStringLiteral("pw1001")},
                       {QStringLiteral("queues"), QJsonArray{QStringLiteral("support")}}}),
                    P({{QStringLiteral("id"), QStringLiteral("1002")},
                       {QStringLiteral("password"), QStringLiteral("pw1002")},
                       {QStringLiteral("queues"), QJsonArray{QStringLiteral("support")}}})}},
        {QStringLiteral("supervisors"),
         QJsonArray{P({{QStringLiteral("id"), QStringLiteral("boss")},
                       {QStringLiteral("password"), QStringLiteral("pwboss")},
                       {QStringLiteral("admin"), true}}),
                    P({{QStringLiteral("id"), QStringLiteral("lead")},
                       {QStringLiteral("password"), QStringLiteral("pwlead")}})}},
        {QStringLiteral("wallboards"),
         QJsonArray{P({{QStringLiteral("id"), QStringLiteral("tv")},
                       {QStringLiteral("secret"), QStringLiteral("pwtv")}})}},
        {QStringLiteral("gateways"),
         QJsonArray{P({{QStringLiteral("id"), QStringLiteral("pbx")},
                       {QStringLiteral("secret"), QStringLiteral("pwpbx")}})}},
    };
    return config;
}

QByteArray liveOffice()
{
    return QJsonDocument(liveOfficeJson()).toJson();
}

// The office of liveOffice() with agent 1002's password as an older PBKDF2 hash, and an
// agent "tv" (the same id as the wallboard: admin.setPassword must be told which).
QByteArray officeConfig(const QString &pbkdf2Hash)
{
    QJsonObject config = liveOfficeJson();
    config.remove(QStringLiteral("timeZone"));
    QJsonArray agents = config.value(QStringLiteral("agents")).toArray();
    QJsonObject ben = agents[1].toObject();
    ben.remove(QStringLiteral("password"));
    ben.insert(QStringLiteral("passwordHash"), pbkdf2Hash);
    agents[1] = ben;
    agents.append(P({{QStringLiteral("id"), QStringLiteral("tv")},
                     {QStringLiteral("password"), QStringLiteral("pwagenttv")},
                     {QStringLiteral("queues"), QJsonArray{QStringLiteral("support")}}}));
    config.insert(QStringLiteral("agents"), agents);
    return QJsonDocument(config).toJson();
}

struct Office
{
    QTemporaryDir dir;
    std::unique_ptr<ServerProcess> server;
    QString configPath() const { return dir.filePath(QStringLiteral("acdesk.json")); }

    bool start(const QByteArray &config = {})
    {
        if (!config.isEmpty()) {
            QFile f(configPath());
            if (!f.open(QIODevice::WriteOnly))
                return false;
            f.write(config);
        }
        server = std::make_unique<ServerProcess>();
        server->process.setProcessChannelMode(QProcess::MergedChannels); // the log too
        return server->start({QStringLiteral("--config"), configPath(), QStringLiteral("--data"),
                              dir.filePath(QStringLiteral("data"))});
    }

    bool restart(bool crash = false)
    {
        crash ? server->process.kill() : server->process.terminate();
        if (!server->process.waitForFinished(10000))
            return false;
        return start();
    }

    std::unique_ptr<Client> login(const QString &role, const QString &user, const QString &secret,
                                  QString *token = nullptr)
    {
        auto c = std::make_unique<Client>();
        if (!c->open(server->url()))
            return nullptr;
        const QJsonObject r = c->login(role, user, secret);
        if (typeOf(r) != QLatin1String("ok"))
            return nullptr;
        if (token)
            *token = r.value(QStringLiteral("token")).toString();
        return c;
    }

    QString loginCode(const QString &role, const QString &user, const QString &secret)
    {
        Client c;
        if (!c.open(server->url()))
            return {};
        const QJsonObject r = c.login(role, user, secret);
        return typeOf(r) == QLatin1String("ok") ? QStringLiteral("ok")
                                                : r.value(QStringLiteral("code")).toString();
    }

    QString resumeCode(const QString &token)
    {
        Client c;
        if (!c.open(server->url()))
            return {};
        return c.code(req(QStringLiteral("resume"), P({{QStringLiteral("token"), token}})));
    }

    QJsonObject account(const QString &list, const QString &id) const
    {
        QFile f(configPath());
        f.open(QIODevice::ReadOnly);
        const QJsonArray all = QJsonDocument::fromJson(f.readAll()).object().value(list).toArray();
        for (const QJsonValue &v : all)
            if (v.toObject().value(QStringLiteral("id")).toString() == id)
                return v.toObject();
        return {};
    }
};

QJsonObject setPassword(const QString &user, const QString &password, const QString &role = {})
{
    QJsonObject params{{QStringLiteral("user"), user}, {QStringLiteral("password"), password}};
    if (!role.isEmpty())
        params.insert(QStringLiteral("role"), role);
    return req(QStringLiteral("admin.setPassword"), params);
}

} // namespace

class TestAccounts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void argon2idRoundTrip()
    {
        const QString h = password::hash(QStringLiteral("correct horse"));
        QVERIFY2(h.startsWith(QLatin1String("$argon2id$v=19$m=19456,t=2,p=1$")), qPrintable(h));
        QVERIFY(password::isHash(h));
        QVERIFY(password::verify(QStringLiteral("correct horse"), h));
        QVERIFY(!password::verify(QStringLiteral("correct horsE"), h));
        QVERIFY(!password::verify(QString(), h));
        QVERIFY(!password::needsUpgrade(h));
        // A fresh salt each time.
        QVERIFY(password::hash(QStringLiteral("correct horse")) != h);
    }

    void olderAndForeignHashes()
    {
        const QString p = password::hashPbkdf2(QStringLiteral("pw"), 1000);
        QVERIFY(password::isHash(p));
        QVERIFY(password::verify(QStringLiteral("pw"), p));
        QVERIFY(!password::verify(QStringLiteral("px"), p));
        QVERIFY(password::needsUpgrade(p));
        // Other work factors are accepted within bounds and upgraded; beyond them refused,
        // so a config file cannot make one login cost a gigabyte.
        const QString weak = QStringLiteral("$argon2id$v=19$m=8192,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
                                            "qLml5cbfAkKiO71NH0N6QMzOIJfjg7ZcZyFMCX7VVtY");
        QVERIFY(password::isHash(weak));
        QVERIFY(password::needsUpgrade(weak));
        QVERIFY(!password::isHash(
            QString(weak).replace(QLatin1String("m=8192"), QLatin1String("m=1048576"))));
        QVERIFY(!password::isHash(QStringLiteral("$argon2i$v=19$m=19456,t=2,p=1$abc$def")));
        QVERIFY(!password::isHash(QStringLiteral("plain text")));
        QVERIFY(!password::verify(QStringLiteral("x"), QStringLiteral("plain text")));
    }

    void adminResetsAPassword()
    {
        Office o;
        QVERIFY(o.start(officeConfig(password::hashPbkdf2(Pbkdf2Secret, 1000))));
        QString agentToken;
        auto anna = o.login(QStringLiteral("agent"), QStringLiteral("1001"),
                            QStringLiteral("pw1001"), &agentToken);
        QVERIFY(anna);
        auto boss =
            o.login(QStringLiteral("supervisor"), QStringLiteral("boss"), QStringLiteral("pwboss"));
        QVERIFY(boss);
        auto lead =
            o.login(QStringLiteral("supervisor"), QStringLiteral("lead"), QStringLiteral("pwlead"));
        QVERIFY(lead);

        // Who may, and what is refused.
        QCOMPARE(lead->code(setPassword(QStringLiteral("1001"), QStringLiteral("new secret 1"))),
                 QStringLiteral("forbidden"));
        QCOMPARE(anna->code(setPassword(QStringLiteral("1001"), QStringLiteral("new secret 1"))),
                 QStringLiteral("forbidden"));
        QCOMPARE(boss->code(setPassword(QStringLiteral("nobody"), QStringLiteral("new secret 1"))),
                 QStringLiteral("not_found"));
        const QJsonObject ambiguous =
            boss->request(setPassword(QStringLiteral("tv"), QStringLiteral("new secret 1")));
        QCOMPARE(ambiguous.value(QStringLiteral("code")).toString(), QStringLiteral("bad_request"));
        QCOMPARE(ambiguous.value(QStringLiteral("message")).toString(),
                 QStringLiteral("field \"role\": \"tv\" is a agent and a wallboard; say which"));
        QCOMPARE(boss->code(setPassword(QStringLiteral("1001"), QStringLiteral("short"))),
                 QStringLiteral("bad_request"));
        QVERIFY(!anna->closed);

        // The reset: Anna's session closes with 4001, her token is dead at once.
        QCOMPARE(boss->code(setPassword(QStringLiteral("1001"), QStringLiteral("new secret 1"),
                                        QStringLiteral("agent"))),
                 QStringLiteral("ok"));
        QVERIFY(anna->waitClosed());
        QCOMPARE(anna->closeCode, 4001);
        QCOMPARE(o.resumeCode(agentToken), QStringLiteral("auth_failed"));
        QCOMPARE(
            o.loginCode(QStringLiteral("agent"), QStringLiteral("1001"), QStringLiteral("pw1001")),
            QStringLiteral("auth_failed"));
        QCOMPARE(o.loginCode(QStringLiteral("agent"), QStringLiteral("1001"),
                             QStringLiteral("new secret 1")),
                 QStringLiteral("ok"));
        QVERIFY(!boss->closed);

        // The file holds the new hash instead of the plain password; the old file is kept.
        const QJsonObject entry = o.account(QStringLiteral("agents"), QStringLiteral("1001"));
        QVERIFY(!entry.contains(QStringLiteral("password")));
        const QString hash = entry.value(QStringLiteral("passwordHash")).toString();
        QVERIFY2(hash.startsWith(QLatin1String("$argon2id$")), qPrintable(hash));
        QVERIFY(password::verify(QStringLiteral("new secret 1"), hash));
        QFile bak(o.configPath() + QStringLiteral(".bak"));
        QVERIFY(bak.open(QIODevice::ReadOnly));
        QVERIFY(bak.readAll().contains("\"pw1001\""));
        // The other wallboard/agent "tv" and everyone else are untouched.
        QCOMPARE(o.account(QStringLiteral("agents"), QStringLiteral("tv"))
                     .value(QStringLiteral("password"))
                     .toString(),
                 QStringLiteral("pwagenttv"));

        // And after a restart, only the new password works.
        QVERIFY(o.restart());
        QCOMPARE(o.loginCode(QStringLiteral("agent"), QStringLiteral("1001"),
                             QStringLiteral("new secret 1")),
                 QStringLiteral("ok"));
        QCOMPARE(
            o.loginCode(QStringLiteral("agent"), QStringLiteral("1001"), QStringLiteral("pw1001")),
            QStringLiteral("auth_failed"));
    }

    void ownPasswordKeepsThisSessionAndEndsTheOthers()
    {
        Office o;
        QVERIFY(o.start(officeConfig(password::hashPbkdf2(Pbkdf2Secret, 1000))));
        QString otherToken;
        auto here =
            o.login(QStringLiteral("supervisor"), QStringLiteral("lead"), QStringLiteral("pwlead"));
        auto there = o.login(QStringLiteral("supervisor"), QStringLiteral("lead"),
                             QStringLiteral("pwlead"), &otherToken);
        QVERIFY(here && there);
        const auto change = [](const QString &old, const QString &now) {
            return req(
                QStringLiteral("account.setPassword"),
                P({{QStringLiteral("oldPassword"), old}, {QStringLiteral("password"), now}}));
        };
        QCOMPARE(here->code(change(QStringLiteral("wrong"), QStringLiteral("lead secret 2"))),
                 QStringLiteral("auth_failed"));
        QVERIFY(!there->closed);
        QCOMPARE(here->code(change(QStringLiteral("pwlead"), QStringLiteral("lead secret 2"))),
                 QStringLiteral("ok"));
        QVERIFY(there->waitClosed());
        QCOMPARE(there->closeCode, 4001);
        QCOMPARE(o.resumeCode(otherToken), QStringLiteral("auth_failed"));
        // This session goes on.
        QCOMPARE(here->code(req(QStringLiteral("stats.subscribe"),
                                P({{QStringLiteral("queues"), QJsonArray{QStringLiteral("*")}}}))),
                 QStringLiteral("ok"));
        QCOMPARE(o.loginCode(QStringLiteral("supervisor"), QStringLiteral("lead"),
                             QStringLiteral("lead secret 2")),
                 QStringLiteral("ok"));
        // A wallboard has no own password to change.
        auto tv =
            o.login(QStringLiteral("wallboard"), QStringLiteral("tv"), QStringLiteral("pwtv"));
        QVERIFY(tv);
        QCOMPARE(tv->code(change(QStringLiteral("pwtv"), QStringLiteral("tv secret 2"))),
                 QStringLiteral("forbidden"));
    }

    // A PBKDF2 hash from the file works, and the first good login stores an Argon2id hash
    // for it, which is what later logins (also after a restart) check.
    void olderHashIsUpgradedAtLogin()
    {
        Office o;
        const QString old = password::hashPbkdf2(Pbkdf2Secret, 1000);
        QVERIFY(o.start(officeConfig(old)));
        QCOMPARE(
            o.loginCode(QStringLiteral("agent"), QStringLiteral("1002"), QStringLiteral("wrong")),
            QStringLiteral("auth_failed"));
        QCOMPARE(o.loginCode(QStringLiteral("agent"), QStringLiteral("1002"), Pbkdf2Secret),
                 QStringLiteral("ok"));
        QVERIFY(o.restart()); // the row is committed with the login
        const QString db = o.dir.filePath(QStringLiteral("data/acdesk.sqlite"));
        {
            QSqlDatabase c =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("upgrade"));
            c.setDatabaseName(db);
            QVERIFY(c.open());
            QSqlQuery q(c);
            QVERIFY(q.exec(QStringLiteral("SELECT role, user, hash, file_hash FROM credentials")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("agent"));
            QCOMPARE(q.value(1).toString(), QStringLiteral("1002"));
            QVERIFY(q.value(2).toString().startsWith(QLatin1String("$argon2id$")));
            QVERIFY(password::verify(Pbkdf2Secret, q.value(2).toString()));
            QCOMPARE(q.value(3).toString(), old);
            QVERIFY(!q.next()); // plain secrets are not hashed into the database
        }
        QSqlDatabase::removeDatabase(QStringLiteral("upgrade"));
        QCOMPARE(o.loginCode(QStringLiteral("agent"), QStringLiteral("1002"), Pbkdf2Secret),
                 QStringLiteral("ok"));
        QCOMPARE(
            o.loginCode(QStringLiteral("agent"), QStringLiteral("1002"), QStringLiteral("wrong")),
            QStringLiteral("auth_failed"));
    }

    // Planned restart or crash: an agent that was ready is ready again when its client
    // resumes, one on a break is on the same break; one that had logged out stays out; and
    // until they resume they are there but not connected (no offers, grace period running).
    void agentsComeBackInTheirStatesAfterARestart_data()
    {
        QTest::addColumn<bool>("crash");
        QTest::newRow("SIGTERM") << false;
        QTest::newRow("SIGKILL") << true;
    }

    void agentsComeBackInTheirStatesAfterARestart()
    {
        QFETCH(bool, crash);
        Office o;
        QByteArray config = officeConfig(password::hashPbkdf2(Pbkdf2Secret, 1000));
        config.replace("\"supervisors\"", "\"reasons\": [{\"code\": \"break\"}], \"supervisors\"");
        QVERIFY(o.start(config));
        QString readyToken;
        QString breakToken;
        auto anna = o.login(QStringLiteral("agent"), QStringLiteral("1001"),
                            QStringLiteral("pw1001"), &readyToken);
        auto ben =
            o.login(QStringLiteral("agent"), QStringLiteral("1002"), Pbkdf2Secret, &breakToken);
        auto gone =
            o.login(QStringLiteral("agent"), QStringLiteral("tv"), QStringLiteral("pwagenttv"));
        QVERIFY(anna && ben && gone);
        const auto setState = [](const QString &state, const QString &reason = {}) {
            QJsonObject p{{QStringLiteral("state"), state}};
            if (!reason.isEmpty())
                p.insert(QStringLiteral("reason"), reason);
            return req(QStringLiteral("agent.setState"), p);
        };
        QCOMPARE(anna->code(setState(QStringLiteral("ready"))), QStringLiteral("ok"));
        QCOMPARE(ben->code(setState(QStringLiteral("ready"))), QStringLiteral("ok"));
        QCOMPARE(ben->code(setState(QStringLiteral("not_ready"), QStringLiteral("break"))),
                 QStringLiteral("ok"));
        QCOMPARE(gone->code(req(QStringLiteral("logout"))), QStringLiteral("ok"));

        QVERIFY(o.restart(crash));
        QVERIFY(o.server->out.contains("restored 2 agents to their states"));
        // Before anyone resumes: there, in their states, not connected.
        auto boss =
            o.login(QStringLiteral("supervisor"), QStringLiteral("boss"), QStringLiteral("pwboss"));
        QVERIFY(boss);
        QCOMPARE(boss->code(req(QStringLiteral("stats.subscribe"),
                                P({{QStringLiteral("queues"), QJsonArray{QStringLiteral("*")}}}))),
                 QStringLiteral("ok"));
        const QJsonArray agents =
            boss->take(QStringLiteral("stats")).value(QStringLiteral("agents")).toArray();
        QHash<QString, QJsonObject> byId;
        for (const QJsonValue &a : agents)
            byId.insert(a.toObject().value(QStringLiteral("id")).toString(), a.toObject());
        QCOMPARE(byId.value(QStringLiteral("1001")).value(QStringLiteral("state")).toString(),
                 QStringLiteral("ready"));
        QCOMPARE(byId.value(QStringLiteral("1001")).value(QStringLiteral("connected")).toBool(true),
                 false);
        QCOMPARE(byId.value(QStringLiteral("1002")).value(QStringLiteral("state")).toString(),
                 QStringLiteral("not_ready"));
        QCOMPARE(byId.value(QStringLiteral("1002")).value(QStringLiteral("reason")).toString(),
                 QStringLiteral("break"));
        QCOMPARE(byId.value(QStringLiteral("tv")).value(QStringLiteral("state")).toString(),
                 QStringLiteral("logged_out"));

        // The clients resume and find themselves as they were.
        const auto resume = [&](const QString &token) {
            auto c = std::make_unique<Client>();
            if (!c->open(o.server->url()))
                return QJsonObject();
            if (c->code(req(QStringLiteral("resume"), P({{QStringLiteral("token"), token}}))) !=
                QLatin1String("ok"))
                return QJsonObject();
            return c->take(QStringLiteral("snapshot")).value(QStringLiteral("agent")).toObject();
        };
        const QJsonObject annaNow = resume(readyToken);
        QCOMPARE(annaNow.value(QStringLiteral("state")).toString(), QStringLiteral("ready"));
        QCOMPARE(annaNow.value(QStringLiteral("connected")).toBool(), true);
        const QJsonObject benNow = resume(breakToken);
        QCOMPARE(benNow.value(QStringLiteral("state")).toString(), QStringLiteral("not_ready"));
        QCOMPARE(benNow.value(QStringLiteral("reason")).toString(), QStringLiteral("break"));
    }

    // Every forced action and admin change is an audit row (who, when, what, before →
    // after, no secrets), shown live to supervisors, listed with filters and exported by
    // `acdesk report --what audit`.
    void auditLogOfForcedActionsAndAdminChanges()
    {
        Office o;
        QJsonObject config =
            QJsonDocument::fromJson(officeConfig(password::hashPbkdf2(Pbkdf2Secret, 1000)))
                .object();
        config.insert(QStringLiteral("timeZone"), QStringLiteral("UTC"));
        QVERIFY(o.start(QJsonDocument(config).toJson()));
        auto anna =
            o.login(QStringLiteral("agent"), QStringLiteral("1001"), QStringLiteral("pw1001"));
        auto boss =
            o.login(QStringLiteral("supervisor"), QStringLiteral("boss"), QStringLiteral("pwboss"));
        auto lead =
            o.login(QStringLiteral("supervisor"), QStringLiteral("lead"), QStringLiteral("pwlead"));
        QVERIFY(anna && boss && lead);
        QCOMPARE(boss->code(req(QStringLiteral("supervisor.setAgentState"),
                                P({{QStringLiteral("agent"), QStringLiteral("1001")},
                                   {QStringLiteral("state"), QStringLiteral("ready")}}))),
                 QStringLiteral("ok"));
        QCOMPARE(boss->code(req(QStringLiteral("broadcast"),
                                P({{QStringLiteral("text"), QStringLiteral("Team meeting at 3")},
                                   {QStringLiteral("severity"), QStringLiteral("warning")}}))),
                 QStringLiteral("ok"));
        QCOMPARE(lead->code(req(QStringLiteral("supervisor.logoutAgent"),
                                P({{QStringLiteral("agent"), QStringLiteral("1001")}}))),
                 QStringLiteral("ok"));
        QCOMPARE(boss->code(setPassword(QStringLiteral("1002"), QStringLiteral("new secret 2"))),
                 QStringLiteral("ok"));
        // Refused actions leave no row.
        QCOMPARE(boss->code(req(QStringLiteral("supervisor.logoutAgent"),
                                P({{QStringLiteral("agent"), QStringLiteral("nobody")}}))),
                 QStringLiteral("not_found"));

        // Live: the other supervisor saw all four as they happened.
        QStringList seen;
        for (int i = 0; i < 4; ++i)
            seen.append(
                lead->take(QStringLiteral("audit")).value(QStringLiteral("action")).toString());
        QCOMPARE(seen, (QStringList{QStringLiteral("agent.forceState"), QStringLiteral("broadcast"),
                                    QStringLiteral("agent.forceLogout"),
                                    QStringLiteral("password.reset")}));

        const QDate today = QDateTime::currentDateTimeUtc().date();
        const auto list = [&](const QJsonObject &filter) {
            QJsonObject p = filter;
            p.insert(QStringLiteral("from"), today.addDays(-1).toString(Qt::ISODate));
            p.insert(QStringLiteral("to"), today.addDays(1).toString(Qt::ISODate));
            return lead->request(req(QStringLiteral("audit.list"), p))
                .value(QStringLiteral("entries"))
                .toArray();
        };
        const QJsonArray all = list({});
        QCOMPARE(all.size(), 4);
        // Newest first.
        const QJsonObject reset = all[0].toObject();
        QCOMPARE(reset.value(QStringLiteral("action")).toString(),
                 QStringLiteral("password.reset"));
        QCOMPARE(reset.value(QStringLiteral("actor")).toString(),
                 QStringLiteral("supervisor/boss"));
        QCOMPARE(reset.value(QStringLiteral("target")).toString(), QStringLiteral("agent/1002"));
        QCOMPARE(reset.value(QStringLiteral("detail")).toObject(), QJsonObject());
        const QJsonObject logout = all[1].toObject();
        QCOMPARE(logout.value(QStringLiteral("actor")).toString(),
                 QStringLiteral("supervisor/lead"));
        QCOMPARE(logout.value(QStringLiteral("detail")).toObject(),
                 P({{QStringLiteral("before"),
                     P({{QStringLiteral("state"), QStringLiteral("ready")}})}}));
        const QJsonObject forced = all[3].toObject();
        QCOMPARE(forced.value(QStringLiteral("action")).toString(),
                 QStringLiteral("agent.forceState"));
        QCOMPARE(forced.value(QStringLiteral("target")).toString(), QStringLiteral("1001"));
        QCOMPARE(
            forced.value(QStringLiteral("detail")).toObject(),
            P({{QStringLiteral("before"), P({{QStringLiteral("state"), QStringLiteral("not_ready")},
                                             {QStringLiteral("reason"), QStringLiteral("login")}})},
               {QStringLiteral("after"),
                P({{QStringLiteral("state"), QStringLiteral("ready")}})}}));
        // Filters.
        const QJsonArray broadcasts =
            list({{QStringLiteral("action"), QStringLiteral("broadcast")}});
        QCOMPARE(broadcasts.size(), 1);
        QCOMPARE(broadcasts[0].toObject().value(QStringLiteral("detail")).toObject(),
                 P({{QStringLiteral("text"), QStringLiteral("Team meeting at 3")},
                    {QStringLiteral("severity"), QStringLiteral("warning")}}));
        QCOMPARE(list({{QStringLiteral("actor"), QStringLiteral("supervisor/boss")}}).size(), 3);
        QCOMPARE(list({{QStringLiteral("target"), QStringLiteral("1001")}}).size(), 2);
        QCOMPARE(anna->code(req(QStringLiteral("audit.list"),
                                P({{QStringLiteral("from"), today.toString(Qt::ISODate)},
                                   {QStringLiteral("to"), today.toString(Qt::ISODate)}}))),
                 QStringLiteral("not_authenticated")); // logged out by the lead above

        // The CSV export reads the same rows from the database.
        QVERIFY(o.restart());
        QProcess report;
        report.start(qEnvironmentVariable("ACDESK_BINARY"),
                     {QStringLiteral("report"), QStringLiteral("--what"), QStringLiteral("audit"),
                      QStringLiteral("--from"), today.addDays(-1).toString(Qt::ISODate),
                      QStringLiteral("--to"), today.addDays(1).toString(Qt::ISODate),
                      QStringLiteral("--config"), o.configPath(), QStringLiteral("--data"),
                      o.dir.filePath(QStringLiteral("data"))});
        QVERIFY(report.waitForFinished(10000));
        QCOMPARE(report.exitCode(), 0);
        const QList<QByteArray> lines = report.readAllStandardOutput().trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        QCOMPARE(lines[0], QByteArray("time,actor,action,target,detail"));
        QVERIFY2(lines[1].contains(",supervisor/boss,password.reset,agent/1002,{}"),
                 lines[1].constData());
        QVERIFY2(
            lines[3].contains(",supervisor/boss,broadcast,,\"{\"\"severity\"\":\"\"warning\"\""),
            lines[3].constData());
        for (const QByteArray &line : lines)
            QVERIFY(!line.contains("new secret"));
    }

    // The daily job: while a call is in progress, an administrator adds an agent, moves
    // another to a new queue and raises a threshold from the API. Nothing else moves: the
    // call goes on, no session ends, the file holds the change (atomically, with a backup),
    // and the audit log says what changed (secrets masked).
    void liveConfigChangesLeaveLiveWorkAlone()
    {
        Office o;
        QVERIFY(o.start(liveOffice()));
        auto a1 =
            o.login(QStringLiteral("agent"), QStringLiteral("1001"), QStringLiteral("pw1001"));
        auto a2 =
            o.login(QStringLiteral("agent"), QStringLiteral("1002"), QStringLiteral("pw1002"));
        auto boss =
            o.login(QStringLiteral("supervisor"), QStringLiteral("boss"), QStringLiteral("pwboss"));
        auto gw =
            o.login(QStringLiteral("gateway"), QStringLiteral("pbx"), QStringLiteral("pwpbx"));
        auto tv =
            o.login(QStringLiteral("wallboard"), QStringLiteral("tv"), QStringLiteral("pwtv"));
        QVERIFY(a1 && a2 && boss && gw && tv);
        QCOMPARE(tv->code(req(QStringLiteral("stats.subscribe"),
                              P({{QStringLiteral("queues"), QJsonArray{QStringLiteral("*")}}}))),
                 QStringLiteral("ok"));
        QCOMPARE(a1->code(req(QStringLiteral("agent.setState"),
                              P({{QStringLiteral("state"), QStringLiteral("ready")}}))),
                 QStringLiteral("ok"));
        QCOMPARE(gw->code(req(QStringLiteral("gw.arrive"),
                              P({{QStringLiteral("call"), QStringLiteral("g1")},
                                 {QStringLiteral("queue"), QStringLiteral("support")},
                                 {QStringLiteral("caller"),
                                  P({{QStringLiteral("number"), QStringLiteral("+4930111")}})}}))),
                 QStringLiteral("ok"));
        QVERIFY(!a1->take(QStringLiteral("call.offer")).isEmpty());
        QCOMPARE(a1->code(req(QStringLiteral("call.accept"),
                              P({{QStringLiteral("call"), QStringLiteral("g1")}}))),
                 QStringLiteral("ok"));

        // get: the file's schema, without plain secrets.
        const QJsonObject got = boss->request(req(QStringLiteral("admin.config.get")));
        const QString version = got.value(QStringLiteral("version")).toString();
        QCOMPARE(version.size(), 16);
        QJsonObject config = got.value(QStringLiteral("config")).toObject();
        QVERIFY(!QJsonDocument(config).toJson().contains("pw1001"));
        QVERIFY(!QJsonDocument(config).toJson().contains("pwpbx"));
        QCOMPARE(config.value(QStringLiteral("queues")).toArray().size(), 2);

        // Bad input changes nothing.
        QCOMPARE(
            boss->request(req(QStringLiteral("admin.config.put"),
                              P({{QStringLiteral("version"), QStringLiteral("0000000000000000")},
                                 {QStringLiteral("config"), config}})))
                .value(QStringLiteral("code"))
                .toString(),
            QStringLiteral("conflict"));
        QJsonObject broken = config;
        QJsonArray queues = broken.value(QStringLiteral("queues")).toArray();
        QJsonObject support = queues[0].toObject();
        support.insert(QStringLiteral("slSeconds"), -1);
        queues[0] = support;
        broken.insert(QStringLiteral("queues"), queues);
        const QJsonObject refused = boss->request(
            req(QStringLiteral("admin.config.put"),
                P({{QStringLiteral("version"), version}, {QStringLiteral("config"), broken}})));
        QCOMPARE(refused.value(QStringLiteral("code")).toString(), QStringLiteral("bad_request"));
        QCOMPARE(refused.value(QStringLiteral("details")).toObject().value(QStringLiteral("path")),
                 QJsonValue(QStringLiteral("$.queues[0].slSeconds")));
        auto lead =
            o.login(QStringLiteral("supervisor"), QStringLiteral("lead"), QStringLiteral("pwlead"));
        QCOMPARE(lead->code(req(QStringLiteral("admin.config.get"))), QStringLiteral("forbidden"));

        // 19 more callers wait in support (Ben is not ready): 20 calls in progress.
        for (int i = 2; i <= 20; ++i)
            QCOMPARE(
                gw->code(req(QStringLiteral("gw.arrive"),
                             P({{QStringLiteral("call"), QStringLiteral("g%1").arg(i)},
                                {QStringLiteral("queue"), QStringLiteral("support")},
                                {QStringLiteral("caller"),
                                 P({{QStringLiteral("number"), QStringLiteral("+49301")}})}}))),
                QStringLiteral("ok"));

        // Three changes, one after the other as an administrator makes them: 1003 added in
        // sales, 1002 moved to sales, support's SL target raised from 20 to 30 s.
        // change() reads the running config, edits it and puts it back at the version it
        // read; current is the version after the last change that was applied.
        QString current = version;
        const auto change = [&](const std::function<void(QJsonObject &)> &edit) {
            const QJsonObject read = boss->request(req(QStringLiteral("admin.config.get")));
            QJsonObject c = read.value(QStringLiteral("config")).toObject();
            edit(c);
            const QJsonObject r = boss->request(
                req(QStringLiteral("admin.config.put"),
                    P({{QStringLiteral("version"), read.value(QStringLiteral("version"))},
                       {QStringLiteral("config"), c}})));
            current = r.value(QStringLiteral("version")).toString(current);
            return r;
        };
        const auto edit = [](QJsonObject &c, const QString &list, int i, const QString &key,
                             const QJsonValue &value) {
            QJsonArray a = c.value(list).toArray();
            QJsonObject entry = a[i].toObject();
            entry.insert(key, value);
            a[i] = entry;
            c.insert(list, a);
        };
        QJsonObject put = change([](QJsonObject &c) {
            QJsonArray agents = c.value(QStringLiteral("agents")).toArray();
            agents.append(P({{QStringLiteral("id"), QStringLiteral("1003")},
                             {QStringLiteral("password"), QStringLiteral("pw1003")},
                             {QStringLiteral("queues"), QJsonArray{QStringLiteral("sales")}}}));
            c.insert(QStringLiteral("agents"), agents);
        });
        QCOMPARE(typeOf(put), QStringLiteral("ok"));
        QCOMPARE(put.value(QStringLiteral("restartNeeded")).toArray(), QJsonArray());
        QVERIFY(current != version);
        put = change([&](QJsonObject &c) {
            edit(c, QStringLiteral("agents"), 1, QStringLiteral("queues"),
                 QJsonArray{QStringLiteral("sales")});
        });
        QCOMPARE(typeOf(put), QStringLiteral("ok"));
        put = change([&](QJsonObject &c) {
            edit(c, QStringLiteral("queues"), 0, QStringLiteral("slSeconds"), 30);
        });
        QCOMPARE(typeOf(put), QStringLiteral("ok"));
        const QString newVersion = current;
        // And a password reset (of the new agent, who is not logged in).
        QCOMPARE(boss->code(setPassword(QStringLiteral("1003"), QStringLiteral("pw1003 new"))),
                 QStringLiteral("ok"));

        // Live work goes on: the call is still Anna's, nobody was logged out.
        QCOMPARE(a1->code(req(QStringLiteral("call.hold"),
                              P({{QStringLiteral("call"), QStringLiteral("g1")}}))),
                 QStringLiteral("ok"));
        QCOMPARE(a1->code(req(QStringLiteral("call.resume"),
                              P({{QStringLiteral("call"), QStringLiteral("g1")}}))),
                 QStringLiteral("ok"));
        QVERIFY(!a1->closed && !a2->closed && !boss->closed && !gw->closed && !tv->closed);
        QCOMPARE(o.loginCode(QStringLiteral("agent"), QStringLiteral("1003"),
                             QStringLiteral("pw1003 new")),
                 QStringLiteral("ok"));
        // Anna's secret was kept though get did not show it (a login here would take her
        // session over, so the file says it).
        QCOMPARE(o.account(QStringLiteral("agents"), QStringLiteral("1001"))
                     .value(QStringLiteral("password"))
                     .toString(),
                 QStringLiteral("pw1001"));
        // The wallboard's figures stay: its newest stats (sent after the changes) still
        // count the 20 calls in support, 19 of them waiting.
        QString figures;
        const auto latestFigures = [&] {
            for (QJsonObject st = tv->take(QStringLiteral("stats"), 50); !st.isEmpty();
                 st = tv->take(QStringLiteral("stats"), 50)) {
                for (const QJsonValue &q : st.value(QStringLiteral("queues")).toArray()) {
                    const QJsonObject queue = q.toObject();
                    if (queue.value(QStringLiteral("id")) == QLatin1String("support"))
                        figures = QStringLiteral("%1 offered, %2 waiting")
                                      .arg(queue.value(QStringLiteral("today"))
                                               .toObject()
                                               .value(QStringLiteral("offered"))
                                               .toInt(-1))
                                      .arg(queue.value(QStringLiteral("waiting")).toInt(-1));
                }
            }
            return figures;
        };
        QTRY_COMPARE_WITH_TIMEOUT(latestFigures(), QStringLiteral("20 offered, 19 waiting"), 8000);
        // The file and its backup.
        QVERIFY(o.account(QStringLiteral("agents"), QStringLiteral("1003"))
                    .value(QStringLiteral("passwordHash"))
                    .toString()
                    .startsWith(QLatin1String("$argon2id$")));
        QCOMPARE(o.account(QStringLiteral("agents"), QStringLiteral("1002"))
                     .value(QStringLiteral("queues"))
                     .toArray(),
                 QJsonArray{QStringLiteral("sales")});
        QVERIFY(QFile::exists(o.configPath() + QStringLiteral(".bak")));
        QVERIFY(newVersion != version);
        // The audit row, secrets masked.
        const QDate today = QDateTime::currentDateTimeUtc().date();
        const QJsonArray audit =
            boss->request(req(QStringLiteral("audit.list"),
                              P({{QStringLiteral("from"), today.addDays(-1).toString(Qt::ISODate)},
                                 {QStringLiteral("to"), today.addDays(1).toString(Qt::ISODate)}})))
                .value(QStringLiteral("entries"))
                .toArray();
        // The four changes, newest first.
        QStringList actions;
        for (const QJsonValue &e : audit)
            actions.append(e.toObject().value(QStringLiteral("action")).toString());
        QCOMPARE(actions,
                 (QStringList{QStringLiteral("password.reset"), QStringLiteral("config.change"),
                              QStringLiteral("config.change"), QStringLiteral("config.change")}));
        QJsonArray changes;
        for (int i = 1; i <= 3; ++i)
            for (const QJsonValue &c : audit[i]
                                           .toObject()
                                           .value(QStringLiteral("detail"))
                                           .toObject()
                                           .value(QStringLiteral("changes"))
                                           .toArray())
                changes.append(c);
        QVERIFY(changes.contains(
            P({{QStringLiteral("path"), QStringLiteral("$.queues[support].slSeconds")},
               {QStringLiteral("before"), 20},
               {QStringLiteral("after"), 30}})));
        QVERIFY(
            changes.contains(P({{QStringLiteral("path"), QStringLiteral("$.agents[1003].password")},
                                {QStringLiteral("after"), QStringLiteral("***")}})));
        QVERIFY(changes.contains(
            P({{QStringLiteral("path"), QStringLiteral("$.agents[1002].queues[0]")},
               {QStringLiteral("before"), QStringLiteral("support")},
               {QStringLiteral("after"), QStringLiteral("sales")}})));
        QVERIFY(!QJsonDocument(audit).toJson().contains("pw1003"));

        // Removing support while its 19 callers wait, with nowhere to send them: refused,
        // and nothing changes.
        const auto without = [](QJsonObject &c, const QString &list, const QString &id) {
            QJsonArray kept;
            for (const QJsonValue &e : c.value(list).toArray())
                if (e.toObject().value(QStringLiteral("id")) != id)
                    kept.append(e);
            c.insert(list, kept);
        };
        const QJsonValue unchanged =
            boss->request(req(QStringLiteral("admin.config.get"))).value(QStringLiteral("version"));
        const QJsonObject refusedRemoval = change([&](QJsonObject &c) {
            without(c, QStringLiteral("queues"), QStringLiteral("support"));
            for (int i = 0; i < c.value(QStringLiteral("agents")).toArray().size(); ++i)
                edit(c, QStringLiteral("agents"), i, QStringLiteral("queues"),
                     QJsonArray{QStringLiteral("sales")});
        });
        QCOMPARE(refusedRemoval.value(QStringLiteral("code")).toString(),
                 QStringLiteral("invalid_state"));
        QVERIFY2(refusedRemoval.value(QStringLiteral("message"))
                     .toString()
                     .contains(QLatin1String("\"support\" still has 19 waiting calls")),
                 qPrintable(refusedRemoval.value(QStringLiteral("message")).toString()));
        QCOMPARE(
            boss->request(req(QStringLiteral("admin.config.get"))).value(QStringLiteral("version")),
            unchanged);

        // Removing an idle agent that is logged in ends its session with 4002.
        QCOMPARE(typeOf(change([&](QJsonObject &c) {
                     without(c, QStringLiteral("agents"), QStringLiteral("1002"));
                 })),
                 QStringLiteral("ok"));
        QVERIFY(a2->waitClosed());
        QCOMPARE(a2->closeCode, 4002);
        QCOMPARE(
            o.loginCode(QStringLiteral("agent"), QStringLiteral("1002"), QStringLiteral("pw1002")),
            QStringLiteral("auth_failed"));
        QVERIFY(!a1->closed);
    }

    // The same apply when the file changes on disk (an editor, configuration management)
    // and on SIGHUP; a broken file is reported in /healthz and the running config stays.
    void editedFileIsAppliedAndABrokenOneIsNot()
    {
        Office o;
        QVERIFY(o.start(liveOffice()));
        QJsonObject config = QJsonDocument::fromJson(liveOffice()).object();
        QJsonArray agents = config.value(QStringLiteral("agents")).toArray();
        agents.append(P({{QStringLiteral("id"), QStringLiteral("1004")},
                         {QStringLiteral("password"), QStringLiteral("pw1004")},
                         {QStringLiteral("queues"), QJsonArray{QStringLiteral("support")}}}));
        config.insert(QStringLiteral("agents"), agents);
        const auto write = [&](const QByteArray &text) {
            QFile f(o.configPath());
            return f.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
                   f.write(text) == text.size();
        };
        QVERIFY(write(QJsonDocument(config).toJson()));
        QTRY_COMPARE_WITH_TIMEOUT(
            o.loginCode(QStringLiteral("agent"), QStringLiteral("1004"), QStringLiteral("pw1004")),
            QStringLiteral("ok"), 10000);

        QVERIFY(write("{\"queues\": [{\"id\": \"support\", \"slSeconds\": \"soon\"}]}"));
        QTRY_VERIFY_WITH_TIMEOUT(httpGet(o.server->port, "/healthz").body.contains("configError"),
                                 10000);
        const QByteArray health = httpGet(o.server->port, "/healthz").body;
        QVERIFY2(health.contains("$.queues[0].slSeconds"), health.constData());
        QCOMPARE(
            o.loginCode(QStringLiteral("agent"), QStringLiteral("1004"), QStringLiteral("pw1004")),
            QStringLiteral("ok")); // the last good config runs on

        // Fixed, and told by SIGHUP (the watcher may be first: either applies it once).
        agents.removeAt(agents.size() - 1);
        config.insert(QStringLiteral("agents"), agents);
        QVERIFY(write(QJsonDocument(config).toJson()));
        ::kill(pid_t(o.server->process.processId()), SIGHUP);
        QTRY_COMPARE_WITH_TIMEOUT(
            o.loginCode(QStringLiteral("agent"), QStringLiteral("1004"), QStringLiteral("pw1004")),
            QStringLiteral("auth_failed"), 10000);
        QVERIFY(!httpGet(o.server->port, "/healthz").body.contains("configError"));
        QCOMPARE(o.server->process.state(), QProcess::Running);
    }

    void passwdPrintsAHashForTheFile()
    {
        QProcess p;
        p.start(qEnvironmentVariable("ACDESK_BINARY"), {QStringLiteral("passwd")});
        QVERIFY(p.waitForStarted());
        p.write("s3cret words\n");
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 0);
        const QString hash = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
        QVERIFY2(hash.startsWith(QLatin1String("$argon2id$")), qPrintable(hash));
        QVERIFY(password::verify(QStringLiteral("s3cret words"), hash));
    }
};

QTEST_GUILESS_MAIN(TestAccounts)
#include "tst_accounts.moc"
