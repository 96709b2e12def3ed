// The supervisor's floor actions, broadcasts, the abandoned-callers worklist and
// report.get, through real WebSocket connections to an in-process server.
#include "../server/servertestutil.h"

#include "auth.h"
#include "config.h"
#include "engine/engine.h"
#include "inprocessserver.h"
#include "server.h"
#include "storage.h"

#include <QDate>
#include <QTcpSocket>
#include <QTest>
#include <algorithm>

using namespace acdesk;
using namespace acdesk::test;

class TestSupervisor : public QObject
{
    Q_OBJECT

    test::InProcessServer m_server;
    std::vector<std::unique_ptr<Client>> m_clients;

    Client *loggedIn(const QString &role, const QString &user, const QString &secret)
    {
        m_clients.push_back(std::make_unique<Client>());
        Client *c = m_clients.back().get();
        if (!c->open(m_server->baseUrl()))
            qWarning("no hello");
        if (typeOf(c->login(role, user, secret)) != QLatin1String("ok"))
            qWarning() << "login failed" << role << user;
        return c;
    }

    // A gateway call into a queue; returns its id.
    QString arrive(Client *gw, const QString &id, const QString &queue)
    {
        const QJsonObject r = gw->request(
            req(QStringLiteral("gw.arrive"),
                P({{QStringLiteral("call"), id},
                   {QStringLiteral("queue"), queue},
                   {QStringLiteral("caller"),
                    QJsonObject{{QStringLiteral("number"), QStringLiteral("+4930999")},
                                {QStringLiteral("name"), QStringLiteral("Eva Muster")}}}})));
        return r.value(QStringLiteral("call")).toString();
    }

private Q_SLOTS:
    void init()
    {
        m_clients.clear();
        const auto config =
            test::testConfig(readDataFile(QStringLiteral("api.json")), QStringLiteral("api.json"));
        QVERIFY(config);
        QVERIFY(m_server.start(*config));
    }

    void helloAnnouncesFeatures()
    {
        Client c;
        c.ws.open(QUrl(m_server->baseUrl() + QStringLiteral("/ws")));
        const QJsonObject hello = c.take(QStringLiteral("hello"));
        QCOMPARE(hello.value(QStringLiteral("protocol")).toInt(), 1);
        const QJsonArray features = hello.value(QStringLiteral("features")).toArray();
        QVERIFY(features.contains(QStringLiteral("worklist")));
        QVERIFY(features.contains(QStringLiteral("reports")));
        QVERIFY(features.contains(QStringLiteral("passwords")));
        QVERIFY(features.contains(QStringLiteral("audit")));
    }

    void forceStatesAndLogout()
    {
        Client *agent =
            loggedIn(QStringLiteral("agent"), QStringLiteral("a1"), QStringLiteral("pw1"));
        Client *boss = loggedIn(QStringLiteral("supervisor"), QStringLiteral("boss"),
                                QStringLiteral("pwboss"));
        QCOMPARE(boss->code(req(QStringLiteral("supervisor.setAgentState"),
                                P({{QStringLiteral("agent"), QStringLiteral("a1")},
                                   {QStringLiteral("state"), QStringLiteral("ready")}}))),
                 QStringLiteral("ok"));
        QJsonObject ev = agent->take([](const QJsonObject &o) {
            return typeOf(o) == QLatin1String("agent.state") &&
                   o.value(QStringLiteral("state")) == QLatin1String("ready");
        });
        QCOMPARE(ev.value(QStringLiteral("agent")).toString(), QStringLiteral("a1"));
        // The supervisor sees the change too.
        QVERIFY(!boss->take([](const QJsonObject &o) {
                         return typeOf(o) == QLatin1String("agent.state") &&
                                o.value(QStringLiteral("state")) == QLatin1String("ready");
                     })
                     .isEmpty());

        // Without a reason the server names the supervisor.
        QCOMPARE(boss->code(req(QStringLiteral("supervisor.setAgentState"),
                                P({{QStringLiteral("agent"), QStringLiteral("a1")},
                                   {QStringLiteral("state"), QStringLiteral("not_ready")}}))),
                 QStringLiteral("ok"));
        ev = agent->take([](const QJsonObject &o) {
            return typeOf(o) == QLatin1String("agent.state") &&
                   o.value(QStringLiteral("state")) == QLatin1String("not_ready");
        });
        QCOMPARE(ev.value(QStringLiteral("reason")).toString(), QStringLiteral("supervisor"));
        QCOMPARE(boss->code(req(QStringLiteral("supervisor.setAgentState"),
                                P({{QStringLiteral("agent"), QStringLiteral("a1")},
                                   {QStringLiteral("state"), QStringLiteral("not_ready")},
                                   {QStringLiteral("reason"), QStringLiteral("break")}}))),
                 QStringLiteral("ok"));
        QCOMPARE(boss->code(req(QStringLiteral("supervisor.setAgentState"),
                                P({{QStringLiteral("agent"), QStringLiteral("nobody")},
                                   {QStringLiteral("state"), QStringLiteral("ready")}}))),
                 QStringLiteral("not_found"));
        // Agents may not do it.
        QCOMPARE(agent->code(req(QStringLiteral("supervisor.logoutAgent"),
                                 P({{QStringLiteral("agent"), QStringLiteral("a1")}}))),
                 QStringLiteral("forbidden"));

        QCOMPARE(boss->code(req(QStringLiteral("supervisor.logoutAgent"),
                                P({{QStringLiteral("agent"), QStringLiteral("a1")}}))),
                 QStringLiteral("ok"));
        ev = agent->take([](const QJsonObject &o) {
            return typeOf(o) == QLatin1String("agent.state") &&
                   o.value(QStringLiteral("state")) == QLatin1String("logged_out");
        });
        QVERIFY(!ev.isEmpty());
        QCOMPARE(m_server->engine().agent(QStringLiteral("a1")).state,
                 engine::AgentState::LoggedOut);
        // The session ended: the agent's connection must log in again.
        QCOMPARE(agent->code(req(QStringLiteral("agent.setState"),
                                 P({{QStringLiteral("state"), QStringLiteral("ready")}}))),
                 QStringLiteral("not_authenticated"));
        QCOMPARE(typeOf(agent->login(QStringLiteral("agent"), QStringLiteral("a1"),
                                     QStringLiteral("pw1"))),
                 QStringLiteral("ok"));
    }

    void broadcastReachesAgentsAndWallboards()
    {
        Client *agent =
            loggedIn(QStringLiteral("agent"), QStringLiteral("a2"), QStringLiteral("pw2"));
        Client *tv =
            loggedIn(QStringLiteral("wallboard"), QStringLiteral("tv1"), QStringLiteral("pwtv"));
        Client *gw =
            loggedIn(QStringLiteral("gateway"), QStringLiteral("pbx"), QStringLiteral("pwpbx"));
        Client *boss = loggedIn(QStringLiteral("supervisor"), QStringLiteral("boss"),
                                QStringLiteral("pwboss"));
        QCOMPARE(boss->code(
                     req(QStringLiteral("broadcast"),
                         P({{QStringLiteral("text"), QStringLiteral("Storm warning: expect calls")},
                            {QStringLiteral("severity"), QStringLiteral("alert")}}))),
                 QStringLiteral("ok"));
        for (Client *c : {agent, tv}) {
            const QJsonObject m = c->take(QStringLiteral("message"));
            QCOMPARE(m.value(QStringLiteral("text")).toString(),
                     QStringLiteral("Storm warning: expect calls"));
            QCOMPARE(m.value(QStringLiteral("severity")).toString(), QStringLiteral("alert"));
            QCOMPARE(m.value(QStringLiteral("from")).toString(), QStringLiteral("boss"));
        }
        QVERIFY(!gw->has(QStringLiteral("message"))); // gateways have no screen
        QCOMPARE(tv->code(req(QStringLiteral("broadcast"),
                              P({{QStringLiteral("text"), QStringLiteral("x")}}))),
                 QStringLiteral("forbidden"));
    }

    void worklistClaimedExactlyOnce()
    {
        Client *gw =
            loggedIn(QStringLiteral("gateway"), QStringLiteral("pbx"), QStringLiteral("pwpbx"));
        Client *a1 = loggedIn(QStringLiteral("agent"), QStringLiteral("a1"), QStringLiteral("pw1"));
        Client *boss = loggedIn(QStringLiteral("supervisor"), QStringLiteral("boss"),
                                QStringLiteral("pwboss"));
        QCOMPARE(arrive(gw, QStringLiteral("call-7"), QStringLiteral("support")),
                 QStringLiteral("call-7"));
        // Nobody is ready: the caller waits, then hangs up. Short or not, it is listed.
        QCOMPARE(gw->code(req(QStringLiteral("gw.hangup"),
                              P({{QStringLiteral("call"), QStringLiteral("call-7")},
                                 {QStringLiteral("side"), QStringLiteral("caller")}}))),
                 QStringLiteral("ok"));
        const QJsonObject update = boss->take(QStringLiteral("worklist.update"));
        const QJsonObject entry = update.value(QStringLiteral("entry")).toObject();
        QCOMPARE(entry.value(QStringLiteral("id")).toString(), QStringLiteral("call-7#1"));
        QCOMPARE(entry.value(QStringLiteral("queue")).toString(), QStringLiteral("support"));
        QCOMPARE(entry.value(QStringLiteral("caller"))
                     .toObject()
                     .value(QStringLiteral("number"))
                     .toString(),
                 QStringLiteral("+4930999"));
        QCOMPARE(entry.value(QStringLiteral("short")).toBool(), true);
        QVERIFY(entry.value(QStringLiteral("doneBy")).isNull());
        QVERIFY(!a1->take(QStringLiteral("worklist.update")).isEmpty());

        const QJsonObject list = a1->request(req(QStringLiteral("worklist.list")));
        QCOMPARE(list.value(QStringLiteral("entries")).toArray().size(), 1);

        // Two people click at the same time: both requests are on the wire before either
        // reply; exactly one wins.
        const qint64 idAgent =
            a1->send(req(QStringLiteral("worklist.done"),
                         P({{QStringLiteral("entry"), QStringLiteral("call-7#1")}})));
        const qint64 idBoss =
            boss->send(req(QStringLiteral("worklist.done"),
                           P({{QStringLiteral("entry"), QStringLiteral("call-7#1")}})));
        const QJsonObject r1 = a1->reply(idAgent);
        const QJsonObject r2 = boss->reply(idBoss);
        QStringList outcomes{typeOf(r1), typeOf(r2)};
        outcomes.sort();
        QCOMPARE(outcomes, (QStringList{QStringLiteral("error"), QStringLiteral("ok")}));
        const QJsonObject loser = typeOf(r1) == QLatin1String("error") ? r1 : r2;
        QCOMPARE(loser.value(QStringLiteral("code")).toString(), QStringLiteral("conflict"));
        const QString winner =
            typeOf(r1) == QLatin1String("ok") ? QStringLiteral("a1") : QStringLiteral("boss");
        const QJsonObject done = boss->take([](const QJsonObject &o) {
            return typeOf(o) == QLatin1String("worklist.update") &&
                   !o.value(QStringLiteral("entry"))
                        .toObject()
                        .value(QStringLiteral("doneBy"))
                        .isNull();
        });
        QCOMPARE(done.value(QStringLiteral("entry"))
                     .toObject()
                     .value(QStringLiteral("doneBy"))
                     .toString(),
                 winner);
        QCOMPARE(a1->code(req(QStringLiteral("worklist.done"),
                              P({{QStringLiteral("entry"), QStringLiteral("nope#1")}}))),
                 QStringLiteral("not_found"));

        // The call back: an outbound call, counted as a call back of the queue, not as an
        // inbound answer.
        QCOMPARE(a1->code(req(QStringLiteral("call.dial"),
                              P({{QStringLiteral("number"), QStringLiteral("+4930999")}}))),
                 QStringLiteral("ok"));
        QCOMPARE(
            a1->code(req(QStringLiteral("stats.subscribe"),
                         P({{QStringLiteral("queues"), QJsonArray{QStringLiteral("support")}}}))),
            QStringLiteral("ok"));
        const QJsonObject stats = a1->take(QStringLiteral("stats"));
        const QJsonObject today = stats.value(QStringLiteral("queues"))
                                      .toArray()
                                      .first()
                                      .toObject()
                                      .value(QStringLiteral("today"))
                                      .toObject();
        QCOMPARE(today.value(QStringLiteral("callbacks")).toInt(), 1);
        QCOMPARE(today.value(QStringLiteral("answered")).toInt(), 0);
        QCOMPARE(today.value(QStringLiteral("offered")).toInt(), 1);
        QCOMPARE(today.value(QStringLiteral("shortAbandoned")).toInt(), 1);

        // Restart: the entry and who called back survive.
        m_clients.clear();
        QVERIFY(m_server.restart());
        Client *boss2 = loggedIn(QStringLiteral("supervisor"), QStringLiteral("boss"),
                                 QStringLiteral("pwboss"));
        const QJsonArray entries = boss2->request(req(QStringLiteral("worklist.list")))
                                       .value(QStringLiteral("entries"))
                                       .toArray();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.first().toObject().value(QStringLiteral("doneBy")).toString(), winner);
        QCOMPARE(boss2->code(req(QStringLiteral("worklist.done"),
                                 P({{QStringLiteral("entry"), QStringLiteral("call-7#1")}}))),
                 QStringLiteral("conflict"));
        // The audit log has the one call back that counted, with who made it.
        const QDate day = QDateTime::currentDateTimeUtc().date(); // api.json: UTC
        const QJsonArray audit =
            boss2
                ->request(req(QStringLiteral("audit.list"),
                              P({{QStringLiteral("from"), day.addDays(-1).toString(Qt::ISODate)},
                                 {QStringLiteral("to"), day.addDays(1).toString(Qt::ISODate)},
                                 {QStringLiteral("action"), QStringLiteral("worklist.done")}})))
                .value(QStringLiteral("entries"))
                .toArray();
        QCOMPARE(audit.size(), 1);
        QCOMPARE(audit[0].toObject().value(QStringLiteral("target")).toString(),
                 QStringLiteral("call-7#1"));
        QCOMPARE(audit[0].toObject().value(QStringLiteral("actor")).toString(),
                 winner == QLatin1String("a1") ? QStringLiteral("agent/a1")
                                               : QStringLiteral("supervisor/boss"));
        QCOMPARE(audit[0].toObject().value(QStringLiteral("detail")).toObject(),
                 P({{QStringLiteral("queue"), QStringLiteral("support")},
                    {QStringLiteral("caller"), QStringLiteral("+4930999")}}));
    }

    void reportEqualsLiveStatistics()
    {
        Client *gw =
            loggedIn(QStringLiteral("gateway"), QStringLiteral("pbx"), QStringLiteral("pwpbx"));
        Client *a2 = loggedIn(QStringLiteral("agent"), QStringLiteral("a2"), QStringLiteral("pw2"));
        Client *boss = loggedIn(QStringLiteral("supervisor"), QStringLiteral("boss"),
                                QStringLiteral("pwboss"));
        QCOMPARE(a2->code(req(QStringLiteral("agent.setState"),
                              P({{QStringLiteral("state"), QStringLiteral("ready")}}))),
                 QStringLiteral("ok"));
        arrive(gw, QStringLiteral("r1"), QStringLiteral("support"));
        QVERIFY(!a2->take(QStringLiteral("call.offer")).isEmpty());
        QCOMPARE(a2->code(req(QStringLiteral("call.accept"),
                              P({{QStringLiteral("call"), QStringLiteral("r1")}}))),
                 QStringLiteral("ok"));
        QCOMPARE(a2->code(req(QStringLiteral("call.hangup"),
                              P({{QStringLiteral("call"), QStringLiteral("r1")}}))),
                 QStringLiteral("ok"));
        QCOMPARE(a2->code(req(QStringLiteral("agent.endWrapUp"),
                              P({{QStringLiteral("disposition"), QStringLiteral("solved")}}))),
                 QStringLiteral("ok"));
        arrive(gw, QStringLiteral("r2"), QStringLiteral("sales")); // nobody in sales: abandoned
        QCOMPARE(gw->code(req(QStringLiteral("gw.hangup"),
                              P({{QStringLiteral("call"), QStringLiteral("r2")},
                                 {QStringLiteral("side"), QStringLiteral("caller")}}))),
                 QStringLiteral("ok"));

        const QJsonObject report =
            boss->request(req(QStringLiteral("report.get"),
                              P({{QStringLiteral("from"),
                                  QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate)},
                                 {QStringLiteral("to"),
                                  QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate)}})));
        QCOMPARE(typeOf(report), QStringLiteral("ok"));
        const QJsonArray rows = report.value(QStringLiteral("queues")).toArray();
        QCOMPARE(rows.size(), 2);
        for (const QJsonValue &v : rows) {
            const QJsonObject row = v.toObject();
            const engine::QueueToday live =
                m_server->engine().queueStats(row.value(QStringLiteral("queue")).toString()).today;
            QCOMPARE(row.value(QStringLiteral("offered")).toInt(), int(live.offered));
            QCOMPARE(row.value(QStringLiteral("answered")).toInt(), int(live.answered));
            QCOMPARE(row.value(QStringLiteral("abandoned")).toInt() +
                         row.value(QStringLiteral("shortAbandoned")).toInt(),
                     int(live.abandoned + live.shortAbandoned));
            const QJsonValue asa = row.value(QStringLiteral("asaMs"));
            QCOMPARE(asa.isNull(), !live.asaMs.has_value());
            if (live.asaMs)
                QCOMPARE(asa.toDouble(), *live.asaMs);
        }
        QVERIFY(report.value(QStringLiteral("queuesCsv"))
                    .toString()
                    .startsWith(QStringLiteral("day,hour,queue,")));
        QCOMPARE(a2->code(req(QStringLiteral("report.get"),
                              P({{QStringLiteral("from"), QStringLiteral("2026-01-01")},
                                 {QStringLiteral("to"), QStringLiteral("2026-01-02")}}))),
                 QStringLiteral("forbidden"));
    }

    void resumeAfterRestartRingsSameStation()
    {
        m_clients.push_back(std::make_unique<Client>());
        Client *agent = m_clients.back().get();
        QVERIFY(agent->open(m_server->baseUrl()));
        const QJsonObject ok = agent->login(QStringLiteral("agent"), QStringLiteral("a2"),
                                            QStringLiteral("pw2"), QStringLiteral("201"));
        const QString token = ok.value(QStringLiteral("token")).toString();
        QVERIFY(!token.isEmpty());

        m_clients.clear();
        QVERIFY(m_server.restart());

        Client *gw =
            loggedIn(QStringLiteral("gateway"), QStringLiteral("pbx"), QStringLiteral("pwpbx"));
        m_clients.push_back(std::make_unique<Client>());
        Client *again = m_clients.back().get();
        QVERIFY(again->open(m_server->baseUrl()));
        QCOMPARE(typeOf(again->request(
                     req(QStringLiteral("resume"), P({{QStringLiteral("token"), token}})))),
                 QStringLiteral("ok"));
        QCOMPARE(again->code(req(QStringLiteral("agent.setState"),
                                 P({{QStringLiteral("state"), QStringLiteral("ready")}}))),
                 QStringLiteral("ok"));
        arrive(gw, QStringLiteral("s1"), QStringLiteral("support"));
        const QJsonObject ring = gw->take(QStringLiteral("gw.ring"));
        QCOMPARE(ring.value(QStringLiteral("agent")).toString(), QStringLiteral("a2"));
        QCOMPARE(ring.value(QStringLiteral("station")).toString(), QStringLiteral("201"));
    }

    // A token goes after 12 hours without a connection using it; a wallboard's (a TV's
    // link, issue 18) after 30 days, so a TV switched off over a weekend comes back.
    void tokenExpiresAfterIdleTime()
    {
        const auto tokenOf = [this](const QString &role, const QString &user,
                                    const QString &secret) {
            m_clients.push_back(std::make_unique<Client>());
            Client *c = m_clients.back().get();
            if (!c->open(m_server->baseUrl()))
                return QString();
            return c->login(role, user, secret).value(QStringLiteral("token")).toString();
        };
        const QString boss =
            tokenOf(QStringLiteral("supervisor"), QStringLiteral("boss"), QStringLiteral("pwboss"));
        const QString tvRecent =
            tokenOf(QStringLiteral("wallboard"), QStringLiteral("tv1"), QStringLiteral("pwtv"));
        const QString tvOld =
            tokenOf(QStringLiteral("wallboard"), QStringLiteral("tv1"), QStringLiteral("pwtv"));
        QVERIFY(!boss.isEmpty() && !tvRecent.isEmpty() && !tvOld.isEmpty());
        m_clients.clear(); // no connection uses the tokens any more
        m_server.stop();
        {
            server::Storage storage;
            QString error;
            QVERIFY2(storage.open(m_server.dataDir(), &error), qPrintable(error));
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            const qint64 hour = 3600 * 1000;
            // Twelve hours and a second: the supervisor's is gone, the TV's is not.
            QVERIFY(storage.touchToken(server::token::digest(boss), now - 12 * hour - 1000));
            QVERIFY(storage.touchToken(server::token::digest(tvRecent), now - 12 * hour - 1000));
            // Thirty days and a second: the TV's is gone too.
            QVERIFY(storage.touchToken(server::token::digest(tvOld), now - 30 * 24 * hour - 1000));
        }
        QVERIFY(m_server.restart());
        const auto resume = [this](const QString &token) {
            m_clients.push_back(std::make_unique<Client>());
            Client *c = m_clients.back().get();
            if (!c->open(m_server->baseUrl()))
                return QStringLiteral("no connection");
            return c->code(req(QStringLiteral("resume"), P({{QStringLiteral("token"), token}})));
        };
        QCOMPARE(resume(boss), QStringLiteral("auth_failed"));
        QCOMPARE(resume(tvRecent), QStringLiteral("ok"));
        QCOMPARE(resume(tvOld), QStringLiteral("auth_failed"));
    }

    void failedLoginsAreThrottled()
    {
        m_clients.push_back(std::make_unique<Client>());
        Client *c = m_clients.back().get();
        QVERIFY(c->open(m_server->baseUrl()));
        auto attempt = [&](const QString &secret) {
            return c->code(
                req(QStringLiteral("login"), P({{QStringLiteral("role"), QStringLiteral("agent")},
                                                {QStringLiteral("user"), QStringLiteral("a3")},
                                                {QStringLiteral("secret"), secret}})));
        };
        // Five wrong guesses are answered as such; then the user must wait, even with
        // the right password.
        for (int i = 0; i < 5; ++i)
            QCOMPARE(attempt(QStringLiteral("guess%1").arg(i)), QStringLiteral("auth_failed"));
        const QJsonObject r = c->request(
            req(QStringLiteral("login"), P({{QStringLiteral("role"), QStringLiteral("agent")},
                                            {QStringLiteral("user"), QStringLiteral("a3")},
                                            {QStringLiteral("secret"), QStringLiteral("pw3")}})));
        QCOMPARE(r.value(QStringLiteral("code")).toString(), QStringLiteral("rate_limited"));
        QVERIFY(
            r.value(QStringLiteral("message")).toString().contains(QStringLiteral("try again in")));
    }

    void slowConsumerIsDropped()
    {
        // A fast lane for the flood: no rate limit in the way of this test.
        server::Config cfg = m_server.config();
        cfg.limits.requestsPerSecond = 100000;
        cfg.limits.requestBurst = 1000000;
        // Liveness must not race the slow-consumer limit: a non-reading client also misses
        // pongs, and under the sanitizers the flood can take longer than two ping rounds.
        // With an hour between pings only the unsent-bytes limit can close it.
        cfg.limits.pingSeconds = 3600;
        m_clients.clear();
        QVERIFY(m_server.restart(cfg));

        // A wallboard that logs in and then never reads again.
        QTcpSocket raw;
        raw.setReadBufferSize(4096); // Qt stops draining the kernel buffer once this is full
        raw.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
        QVERIFY(raw.waitForConnected(5000));
        raw.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n");
        QTRY_VERIFY(raw.bytesAvailable() > 0);
        // One masked text frame (mask 0: the payload goes as it is).
        const QByteArray login = QByteArrayLiteral(
            R"({"type":"login","role":"wallboard","user":"tv1","secret":"pwtv"})");
        QByteArray frame;
        frame.append(char(0x81));
        frame.append(char(0x80 | login.size()));
        frame.append(QByteArray(4, '\0'));
        frame.append(login);
        raw.write(frame);

        Client *boss = loggedIn(QStringLiteral("supervisor"), QStringLiteral("boss"),
                                QStringLiteral("pwboss"));
        const QString text(1000, QLatin1Char('x'));
        auto dropped = [&] {
            return httpGet(m_server->port(), "/metrics")
                .body.contains("acdesk_slow_consumers_dropped_total 1\n");
        };
        // Broadcasts until the server gives up on the reader. The bound follows from the
        // limit, not from time: the server's 4 MiB of unsent events plus what the kernel can
        // buffer on loopback (socket buffers of both ends, at most 16 MiB here) must be
        // exceeded well before 64 MiB of broadcasts have gone out. Each round waits until
        // the boss's own replies and events are in, so the flood is paced by the server.
        constexpr qint64 Bound = 64 * 1024 * 1024;
        const int rounds = int(Bound / (1000 * text.size()));
        for (int round = 0; round < rounds && !dropped(); ++round) {
            for (int i = 0; i < 1000; ++i)
                boss->send(req(QStringLiteral("broadcast"), P({{QStringLiteral("text"), text}})));
            QVERIFY(waitFor(
                [&] {
                    return std::count_if(boss->pending.cbegin(), boss->pending.cend(),
                                         [](const QJsonObject &o) {
                                             return o.contains(QStringLiteral("re"));
                                         }) >= 1000;
                },
                60000));
            boss->pending.clear();
        }
        QTRY_VERIFY_WITH_TIMEOUT(dropped(), 30000);
        // Everyone else carries on.
        QCOMPARE(boss->code(req(QStringLiteral("stats.unsubscribe"))), QStringLiteral("ok"));
    }

    void supervisorSeesWaitingCalls()
    {
        Client *gw =
            loggedIn(QStringLiteral("gateway"), QStringLiteral("pbx"), QStringLiteral("pwpbx"));
        Client *boss = loggedIn(QStringLiteral("supervisor"), QStringLiteral("boss"),
                                QStringLiteral("pwboss"));
        Client *tv =
            loggedIn(QStringLiteral("wallboard"), QStringLiteral("tv1"), QStringLiteral("pwtv"));
        QCOMPARE(boss->code(req(QStringLiteral("stats.subscribe"),
                                P({{QStringLiteral("queues"), QJsonArray{QStringLiteral("*")}}}))),
                 QStringLiteral("ok"));
        QCOMPARE(tv->code(req(QStringLiteral("stats.subscribe"),
                              P({{QStringLiteral("queues"), QJsonArray{QStringLiteral("*")}}}))),
                 QStringLiteral("ok"));
        boss->take(QStringLiteral("stats"));
        tv->take(QStringLiteral("stats"));
        arrive(gw, QStringLiteral("w1"), QStringLiteral("sales"));
        const QJsonObject s = boss->take([](const QJsonObject &o) {
            return typeOf(o) == QLatin1String("stats") &&
                   !o.value(QStringLiteral("calls")).toArray().isEmpty();
        });
        const QJsonObject call = s.value(QStringLiteral("calls")).toArray().first().toObject();
        QCOMPARE(call.value(QStringLiteral("id")).toString(), QStringLiteral("w1"));
        QCOMPARE(call.value(QStringLiteral("queue")).toString(), QStringLiteral("sales"));
        // Wallboards get the contract's stats only.
        const QJsonObject ts = tv->take(QStringLiteral("stats"));
        QVERIFY(!ts.contains(QStringLiteral("calls")));
    }
};

QTEST_GUILESS_MAIN(TestSupervisor)
#include "tst_supervisor.moc"
