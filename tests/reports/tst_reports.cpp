// Reports from stored records: a scripted day through the engine's fake clock, stored
// as the server stores it, then checked against hand-computed hourly and daily rows and
// against the live `today` figures of the same day.
#include "engine/engine.h"
#include "reports.h"
#include "storage.h"

#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace acdesk;

namespace {

constexpr qint64 S = 1000;

qint64 berlin(int h, int m, int s)
{
    return QDateTime(QDate(2026, 11, 24), QTime(h, m, s), QTimeZone("Europe/Berlin"))
        .toMSecsSinceEpoch();
}

} // namespace

class TestReports : public QObject
{
    Q_OBJECT

    engine::EngineConfig config() const
    {
        engine::EngineConfig c;
        c.timeZone = QStringLiteral("Europe/Berlin");
        engine::QueueConfig q;
        q.id = QStringLiteral("support");
        q.name = QStringLiteral("Support");
        q.slSeconds = 20;
        q.shortAbandonSeconds = 5;
        q.wrapUpSeconds = 10;
        q.offerTimeoutSeconds = 60;
        c.queues.append(q);
        engine::AgentConfig a;
        a.id = QStringLiteral("a1");
        a.name = QStringLiteral("Anna");
        a.queues.append({QStringLiteral("support"), -1});
        c.agents.append(a);
        c.reasons = {QStringLiteral("break")};
        c.watchdogSeconds = 0;
        return c;
    }

    // What the server does with engine events: records and state changes to storage.
    void drain(engine::Engine &e, server::Storage &storage)
    {
        storage.begin();
        for (const engine::Event &ev : e.takeEvents()) {
            if (const auto *r = std::get_if<engine::RecordChanged>(&ev))
                QVERIFY(storage.saveLeg(r->record));
            else if (const auto *s = std::get_if<engine::AgentStateChanged>(&ev))
                QVERIFY(storage.logState(
                    {s->agent, engine::agentStateName(s->state), s->reason, s->sinceMs}));
        }
        QVERIFY(storage.commit());
    }

    void at(engine::ManualClock &clock, engine::Engine &e, server::Storage &storage, qint64 t)
    {
        clock.setNow(t);
        e.advance();
        drain(e, storage);
    }

    void arrive(engine::Engine &e, const QString &id)
    {
        engine::Arrival a;
        a.id = id;
        a.queue = QStringLiteral("support");
        a.callerNumber = QStringLiteral("+4930111");
        QVERIFY(e.arrive(a).ok());
    }

private Q_SLOTS:
    void scriptedDay()
    {
        QTemporaryDir dir;
        server::Storage storage;
        QString error;
        QVERIFY2(storage.open(dir.path(), &error), qPrintable(error));
        engine::ManualClock clock(berlin(8, 59, 0));
        engine::Engine e(config(), &clock);
        const QString a1 = QStringLiteral("a1");

        at(clock, e, storage, berlin(9, 0, 0));
        QVERIFY(e.login(a1).ok());
        QVERIFY(e.setState(a1, engine::AgentState::Ready).ok());
        arrive(e, QStringLiteral("c1")); // offered at once
        drain(e, storage);
        at(clock, e, storage, berlin(9, 0, 10));
        QVERIFY(e.accept(a1, QStringLiteral("c1")).ok()); // waited 10 s: within SL
        at(clock, e, storage, berlin(9, 3, 10));
        QVERIFY(e.hangup(a1, QStringLiteral("c1")).ok()); // talk 180 s, wrap-up 10 s
        at(clock, e, storage, berlin(9, 3, 20));
        QCOMPARE(e.agent(a1).state, engine::AgentState::Ready);

        at(clock, e, storage, berlin(9, 5, 0));
        arrive(e, QStringLiteral("c2"));
        drain(e, storage);
        at(clock, e, storage, berlin(9, 5, 30));
        QVERIFY(e.accept(a1, QStringLiteral("c2")).ok()); // waited 30 s: outside SL
        at(clock, e, storage, berlin(9, 6, 30));
        QVERIFY(e.callerHangup(QStringLiteral("c2")).ok()); // talk 60 s, wrap-up 10 s
        at(clock, e, storage, berlin(9, 6, 40));

        at(clock, e, storage, berlin(9, 59, 0));
        QVERIFY(e.setState(a1, engine::AgentState::NotReady, QStringLiteral("break")).ok());
        at(clock, e, storage, berlin(10, 0, 0));
        arrive(e, QStringLiteral("c3"));
        at(clock, e, storage, berlin(10, 0, 3));
        QVERIFY(e.callerHangup(QStringLiteral("c3")).ok()); // short abandon (3 s)
        at(clock, e, storage, berlin(10, 10, 0));
        arrive(e, QStringLiteral("c4"));
        at(clock, e, storage, berlin(10, 11, 0));
        QVERIFY(e.callerHangup(QStringLiteral("c4")).ok()); // abandoned after 60 s
        at(clock, e, storage, berlin(10, 30, 0));
        QVERIFY(e.logout(a1).ok());
        drain(e, storage);

        const QDate day(2026, 11, 24);
        const server::Report r =
            server::buildReport(storage, e.config(), day, day, true, berlin(23, 0, 0));
        // Rows: hour 9, hour 10 and the day ("all", hour -1), in (day, hour) order.
        QCOMPARE(r.queues.size(), size_t(3));
        const server::QueueReportRow &whole = r.queues[0];
        QCOMPARE(whole.hour, -1);
        QCOMPARE(whole.figures.offered, 4);
        QCOMPARE(whole.figures.answered, 2);
        QCOMPARE(whole.figures.abandoned, 1);
        QCOMPARE(whole.figures.shortAbandoned, 1);
        QCOMPARE(whole.figures.answeredInSl, 1);
        QCOMPARE(*whole.figures.serviceLevel, 1.0 / 3.0);
        QCOMPARE(*whole.figures.asaMs, 20000.0);
        QCOMPARE(*whole.figures.ahtMs, 130000.0);
        QCOMPARE(*whole.figures.abandonRate, 1.0 / 3.0);
        QCOMPARE(*whole.figures.reachability, 0.5);
        QCOMPARE(whole.figures.longestWaitMs, 60 * S);

        const server::QueueReportRow &nine = r.queues[1];
        QCOMPARE(nine.hour, 9);
        QCOMPARE(nine.figures.offered, 2);
        QCOMPARE(nine.figures.answered, 2);
        QCOMPARE(*nine.figures.serviceLevel, 0.5);
        QCOMPARE(*nine.figures.asaMs, 20000.0);
        const server::QueueReportRow &ten = r.queues[2];
        QCOMPARE(ten.hour, 10);
        QCOMPARE(ten.figures.offered, 2);
        QCOMPARE(ten.figures.answered, 0);
        QCOMPARE(ten.figures.abandoned, 1);
        QCOMPARE(ten.figures.shortAbandoned, 1);
        QCOMPARE(*ten.figures.serviceLevel, 0.0);
        QVERIFY(!ten.figures.asaMs);

        // The report's day equals the live statistics at the end of that day.
        const engine::QueueToday live = e.queueStats(QStringLiteral("support")).today;
        QCOMPARE(live.offered, whole.figures.offered);
        QCOMPARE(live.answered, whole.figures.answered);
        QCOMPARE(live.abandoned, whole.figures.abandoned);
        QCOMPARE(live.shortAbandoned, whole.figures.shortAbandoned);
        QCOMPARE(live.answeredInSl, whole.figures.answeredInSl);
        QCOMPARE(live.serviceLevel, whole.figures.serviceLevel);
        QCOMPARE(live.asaMs, whole.figures.asaMs);
        QCOMPARE(live.ahtMs, whole.figures.ahtMs);
        QCOMPARE(live.abandonRate, whole.figures.abandonRate);
        QCOMPARE(live.reachability, whole.figures.reachability);
        QCOMPARE(live.longestWaitMs, whole.figures.longestWaitMs);

        // Agent time, from the state log: 09:00 to 10:30 logged in.
        QCOMPARE(r.agents.size(), size_t(1));
        const server::AgentReportRow &agent = r.agents[0];
        QCOMPARE(agent.agent, a1);
        QCOMPARE(agent.loggedInMs, 5400 * S);
        QCOMPARE(agent.talkMs, 240 * S);
        QCOMPARE(agent.wrapUpMs, 20 * S);
        QCOMPARE(agent.readyMs, 3240 * S);
        QCOMPARE(agent.notReadyMs, 1860 * S);
        QCOMPARE(agent.notReadyByReasonMs.value(QStringLiteral("break")), 1860 * S);
        QCOMPARE(agent.callsHandled, 2);

        const QByteArray csv = server::queueReportCsv(r);
        QVERIFY(csv.startsWith("day,hour,queue,offered,answered,abandoned,"));
        QVERIFY2(csv.contains("\n2026-11-24,all,support,4,2,1,1,1,0,"), csv.constData());
        const QByteArray agents = server::agentReportCsv(r);
        QVERIFY2(agents.contains("\n2026-11-24,a1,5400000,3240000,240000,20000,1860000,2,"),
                 agents.constData());
    }

    void retentionPurge()
    {
        QTemporaryDir dir;
        server::Storage storage;
        QString error;
        QVERIFY2(storage.open(dir.path(), &error), qPrintable(error));
        engine::CallRecord old;
        old.callId = QStringLiteral("old");
        old.queue = QStringLiteral("support");
        old.arrivedAtMs = old.legStartMs = berlin(9, 0, 0) - 401LL * 24 * 3600 * S;
        engine::CallRecord recent = old;
        recent.callId = QStringLiteral("recent");
        recent.arrivedAtMs = recent.legStartMs = berlin(9, 0, 0);
        QVERIFY(storage.saveLeg(old));
        QVERIFY(storage.saveLeg(recent));
        QVERIFY(
            storage.logState({QStringLiteral("a1"), QStringLiteral("ready"), {}, old.legStartMs}));
        QVERIFY(storage.logState({QStringLiteral("a1"), QStringLiteral("not_ready"),
                                  QStringLiteral("break"), old.legStartMs + S}));
        QVERIFY(storage.logState(
            {QStringLiteral("a1"), QStringLiteral("ready"), {}, recent.legStartMs}));
        QCOMPARE(storage.legCount(), 2);
        // 400 days back from the recent day: the old leg and the older state go.
        QCOMPARE(storage.purgeBefore(recent.legStartMs - 400LL * 24 * 3600 * S), 3);
        QCOMPARE(storage.legCount(), 1);
        QCOMPARE(storage.legs(0, recent.legStartMs + S).front().callId, QStringLiteral("recent"));
    }
};

QTEST_GUILESS_MAIN(TestReports)
#include "tst_reports.moc"
