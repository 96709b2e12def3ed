// What the engine does with a caller beyond routing (issue 19): opening hours across DST
// changes and holidays, closed handling, the exit after the maximum wait, the place in
// the queue with its estimated wait (and the estimator's accuracy on simulated traffic),
// and the Erlang C staffing forecast against published table values.

#include "enginetestutil.h"
#include "forecast.h"
#include "schedule.h"

#include <QTest>

#include <random>

using namespace acdesk::engine;
using namespace acdesk::engine::test;

namespace {

const QTimeZone kBerlin("Europe/Berlin");

// Monday to Friday 08:00-18:00.
OpeningHours officeHours()
{
    OpeningHours h;
    h.limited = true;
    for (int d = 0; d < 5; ++d)
        h.week[std::size_t(d)] = {{8 * 60, 18 * 60}};
    return h;
}

EngineConfig hoursConfig(ExitAction whenClosed = {})
{
    EngineConfig cfg;
    QueueConfig q = makeQueue(QStringLiteral("q"));
    q.hours = officeHours();
    q.whenClosed = whenClosed;
    q.wrapUpSeconds = 0;
    cfg.queues.append(q);
    QueueConfig night = makeQueue(QStringLiteral("night"));
    cfg.queues.append(night);
    cfg.agents.append(makeAgent(QStringLiteral("a1"), {QStringLiteral("q")}));
    return cfg;
}

std::vector<Telephony> exits(const std::vector<Event> &events)
{
    std::vector<Telephony> out;
    for (const Telephony &t : eventsOf<Telephony>(events))
        if (t.kind == TelephonyKind::Exit)
            out.push_back(t);
    return out;
}

} // namespace

class TstEngineCaller : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hoursAcrossDst()
    {
        const OpeningHours h = officeHours();
        // Spring forward: Sunday 2026-03-29 02:00 CET -> 03:00 CEST.
        QVERIFY(h.openAt(berlin(2026, 3, 27, 17, 59), kBerlin));
        QVERIFY(!h.openAt(berlin(2026, 3, 27, 18, 0), kBerlin));
        QCOMPARE(h.nextChange(berlin(2026, 3, 27, 18, 0), kBerlin), berlin(2026, 3, 30, 8, 0));
        // The weekend is an hour shorter: 61 h from Friday 18:00 to Monday 08:00.
        QCOMPARE(berlin(2026, 3, 30, 8, 0) - berlin(2026, 3, 27, 18, 0), qint64(61) * 3600000);
        QVERIFY(h.openAt(berlin(2026, 3, 30, 8, 0), kBerlin));
        QCOMPARE(h.nextChange(berlin(2026, 3, 30, 8, 0), kBerlin), berlin(2026, 3, 30, 18, 0));
        // Fall back: Sunday 2026-10-25; Monday opens at 08:00 CET (UTC 07:00).
        QCOMPARE(h.nextChange(berlin(2026, 10, 23, 18, 0), kBerlin),
                 QDateTime(QDate(2026, 10, 26), QTime(7, 0), QTimeZone::utc()).toMSecsSinceEpoch());

        // Hours inside the skipped hour: open 01:00-04:00 on Sundays. On the spring-forward
        // day 02:30 does not exist; 01:59 and 03:00 are open, the close is 04:00 CEST.
        OpeningHours night;
        night.limited = true;
        night.week[6] = {{60, 240}};
        const qint64 beforeGap = berlin(2026, 3, 29, 1, 59);
        QVERIFY(night.openAt(beforeGap, kBerlin));
        QVERIFY(night.openAt(beforeGap + 60000, kBerlin)); // 03:00 CEST, one minute later
        QCOMPARE(night.nextChange(beforeGap, kBerlin), berlin(2026, 3, 29, 4, 0));
        QCOMPARE(night.nextChange(beforeGap, kBerlin) - beforeGap, qint64(61) * 60000);
        // Not limited: open always, never changes.
        QVERIFY(OpeningHours{}.openAt(beforeGap, kBerlin));
        QCOMPARE(OpeningHours{}.nextChange(beforeGap, kBerlin), qint64(-1));
    }

    void holidays()
    {
        OpeningHours h;
        h.limited = true;
        for (int d = 0; d < 7; ++d)
            h.week[std::size_t(d)] = {{0, 1440}};
        h.dates = {QDate(2026, 12, 24)};
        h.yearly = {{12, 25}, {1, 1}};
        QVERIFY(h.openAt(berlin(2026, 12, 23, 23, 59), kBerlin));
        QVERIFY(!h.openAt(berlin(2026, 12, 24, 0, 0), kBerlin));
        QVERIFY(!h.openAt(berlin(2026, 12, 25, 12, 0), kBerlin));
        QVERIFY(h.openAt(berlin(2026, 12, 26, 0, 0), kBerlin));
        // Closed from the 24th 00:00 until the 26th 00:00 (one-off then yearly).
        QCOMPARE(h.nextChange(berlin(2026, 12, 23, 12, 0), kBerlin), berlin(2026, 12, 24, 0, 0));
        QCOMPARE(h.nextChange(berlin(2026, 12, 24, 0, 0), kBerlin), berlin(2026, 12, 26, 0, 0));
        // Yearly dates come back, one-off dates do not.
        QVERIFY(!h.openAt(berlin(2027, 12, 25, 9, 0), kBerlin));
        QVERIFY(!h.openAt(berlin(2027, 1, 1, 9, 0), kBerlin));
        QVERIFY(h.openAt(berlin(2027, 12, 24, 9, 0), kBerlin));
    }

    void closedQueueHangsUpAndOpensOnTime()
    {
        // Saturday 2026-11-28 10:00: closed until Monday 08:00.
        Rig rig(hoursConfig(), berlin(2026, 11, 28, 10));
        rig.ready({QStringLiteral("a1")});
        rig.pull();
        QVERIFY(!rig.engine->queueStats(QStringLiteral("q")).open);
        const QString id = rig.arrive(QStringLiteral("q"));
        QVERIFY(!id.isEmpty());
        const std::vector<Event> ev = rig.pull();
        const std::vector<Telephony> x = exits(ev);
        QCOMPARE(x.size(), std::size_t(1));
        QCOMPARE(x[0].call, id);
        QCOMPARE(x[0].cause, QStringLiteral("closed"));
        QCOMPARE(x[0].number, QString());
        QVERIFY(offers(ev).isEmpty());
        QVERIFY(!rig.engine->call(id));
        const CallRecord rec = rig.records.map().at({id, 1});
        QCOMPARE(rec.cause, EndCause::Closed);
        QVERIFY(rec.complete);
        QueueStats s = rig.engine->queueStats(QStringLiteral("q"));
        QCOMPARE(s.today.closed, qint64(1));
        QCOMPARE(s.today.offered, qint64(0));
        QVERIFY(!s.today.serviceLevel); // nothing offered: closed time counts for nothing
        QCOMPARE(s.waiting, 0);

        // Monday 08:00 exactly: the queue opens and says so.
        rig.clock.setNow(berlin(2026, 11, 30, 7, 59, 59));
        rig.engine->advance();
        rig.pull();
        QVERIFY(!rig.engine->queueStats(QStringLiteral("q")).open);
        rig.clock.setNow(berlin(2026, 11, 30, 8));
        rig.engine->advance();
        const std::vector<Event> opened = rig.pull();
        QCOMPARE(eventsOf<QueueChanged>(opened).size(), std::size_t(1));
        QVERIFY(rig.engine->queueStats(QStringLiteral("q")).open);
        const QString served = rig.arrive(QStringLiteral("q"));
        QCOMPARE(offers(rig.pull()), QStringList{QStringLiteral("a1:") + served});
        // Waiting calls stay when the queue closes: they are served.
        QVERIFY(rig.engine->accept(QStringLiteral("a1"), served).ok());
        const QString late = rig.arrive(QStringLiteral("q"));
        rig.clock.setNow(berlin(2026, 11, 30, 18));
        rig.engine->advance();
        rig.pull();
        QVERIFY(!rig.engine->queueStats(QStringLiteral("q")).open);
        QVERIFY(rig.engine->call(late));
        QVERIFY(rig.engine->hangup(QStringLiteral("a1"), served).ok());
        QCOMPARE(offers(rig.pull()), QStringList{QStringLiteral("a1:") + late});
    }

    void closedQueueOverflowsOrForwards()
    {
        ExitAction toNight;
        toNight.kind = ExitAction::Kind::Overflow;
        toNight.queue = QStringLiteral("night");
        Rig rig(hoursConfig(toNight), berlin(2026, 11, 28, 10));
        const QString id = rig.arrive(QStringLiteral("q"));
        rig.pull();
        const std::optional<Call> call = rig.engine->call(id);
        QVERIFY(call);
        QCOMPARE(call->queue, QStringLiteral("night"));
        const CallRecord first = rig.records.map().at({id, 1});
        QCOMPARE(first.queue, QStringLiteral("q"));
        QCOMPARE(first.cause, EndCause::Closed);
        QCOMPARE(first.transferTo, QStringLiteral("queue:night"));
        QCOMPARE(rig.records.map().at({id, 2}).queue, QStringLiteral("night"));
        QCOMPARE(rig.engine->queueStats(QStringLiteral("night")).today.offered, qint64(1));
        QCOMPARE(rig.engine->queueStats(QStringLiteral("q")).today.closed, qint64(1));

        ExitAction voicemail;
        voicemail.kind = ExitAction::Kind::Forward;
        voicemail.number = QStringLiteral("+49301234");
        Rig fwd(hoursConfig(voicemail), berlin(2026, 11, 28, 10));
        const QString f = fwd.arrive(QStringLiteral("q"));
        const std::vector<Telephony> x = exits(fwd.pull());
        QCOMPARE(x.size(), std::size_t(1));
        QCOMPARE(x[0].call, f);
        QCOMPARE(x[0].number, QStringLiteral("+49301234"));
        QCOMPARE(fwd.records.map().at({f, 1}).transferTo, QStringLiteral("number:+49301234"));
    }

    void exitAfterMaxWait()
    {
        EngineConfig cfg;
        QueueConfig q = makeQueue(QStringLiteral("q"));
        q.maxWaitSeconds = 30;
        q.wrapUpSeconds = 0;
        q.afterMaxWait = ExitAction{};
        cfg.queues.append(q);
        cfg.agents.append(makeAgent(QStringLiteral("a1"), {QStringLiteral("q")}));
        Rig rig(cfg);
        rig.ready({QStringLiteral("a1")});
        const QString first = rig.arrive(QStringLiteral("q"));
        QVERIFY(rig.engine->accept(QStringLiteral("a1"), first).ok());
        rig.at(5);
        const QString waiting = rig.arrive(QStringLiteral("q")); // at 5 s
        QVERIFY(exits(rig.at(34.999)).empty());
        const std::vector<Event> ev = rig.at(35);
        const std::vector<Telephony> x = exits(ev);
        QCOMPARE(x.size(), std::size_t(1));
        QCOMPARE(x[0].call, waiting);
        QCOMPARE(x[0].cause, QStringLiteral("max_wait"));
        QVERIFY(!rig.engine->call(waiting));
        const CallRecord rec = rig.records.map().at({waiting, 1});
        QCOMPARE(rec.cause, EndCause::MaxWait);
        QCOMPARE(rec.waitMs, qint64(30000));
        const QueueStats s = rig.engine->queueStats(QStringLiteral("q"));
        QCOMPARE(s.today.offered, qint64(2));
        QCOMPARE(s.today.timedOut, qint64(1));
        QCOMPARE(s.today.abandoned, qint64(0));
        // One answered in time, one sent away: the service level is 1 / 2.
        QCOMPARE(s.today.serviceLevel.value_or(-1), 0.5);

        // A call ringing at the maximum wait is withdrawn from the agent first.
        QVERIFY(rig.engine->hangup(QStringLiteral("a1"), first).ok());
        rig.at(40);
        QVERIFY(rig.engine->setState(QStringLiteral("a1"), AgentState::NotReady).ok());
        const QString rung = rig.arrive(QStringLiteral("q")); // at 40 s
        rig.at(60);
        QVERIFY(rig.engine->setState(QStringLiteral("a1"), AgentState::Ready).ok());
        QCOMPARE(offers(rig.pull()), QStringList{QStringLiteral("a1:") + rung});
        const std::vector<Event> withdrawn = rig.at(70);
        QCOMPARE(exits(withdrawn).size(), std::size_t(1));
        const std::vector<CallEnded> ended = eventsOf<CallEnded>(withdrawn);
        QCOMPARE(ended.size(), std::size_t(1));
        QCOMPARE(ended[0].cause, EndCause::Withdrawn);
        QCOMPARE(rig.state(QStringLiteral("a1")), AgentState::Ready);
    }

    void positionAndEstimatedWait()
    {
        EngineConfig cfg;
        QueueConfig q = makeQueue(QStringLiteral("q"));
        q.wrapUpSeconds = 0;
        q.defaultHandleSeconds = 180;
        cfg.queues.append(q);
        cfg.agents.append(makeAgent(QStringLiteral("a1"), {QStringLiteral("q")}));
        cfg.agents.append(makeAgent(QStringLiteral("a2"), {QStringLiteral("q")}));
        Rig rig(cfg);
        // Nobody serves: the wait is unbounded.
        QVERIFY(!rig.engine->queueStats(QStringLiteral("q")).ewtSeconds);
        rig.ready({QStringLiteral("a1"), QStringLiteral("a2")});
        QCOMPARE(rig.engine->queueStats(QStringLiteral("q")).ewtSeconds.value_or(-1), 0.0);
        const QString c1 = rig.arrive(QStringLiteral("q"));
        const QString c2 = rig.arrive(QStringLiteral("q"));
        QVERIFY(rig.engine->accept(QStringLiteral("a1"), c1).ok());
        QVERIFY(rig.engine->accept(QStringLiteral("a2"), c2).ok());
        const QString w1 = rig.arrive(QStringLiteral("q"));
        const QString w2 = rig.arrive(QStringLiteral("q"), 0);
        const QString vip = rig.arrive(QStringLiteral("q"), 5);
        // Priority goes first: vip 1, w1 2, w2 3; two busy agents free up every 90 s.
        QCOMPARE(rig.engine->callWithPlace(vip)->position, 1);
        QCOMPARE(rig.engine->callWithPlace(w1)->position, 2);
        QCOMPARE(rig.engine->callWithPlace(w2)->position, 3);
        QCOMPARE(rig.engine->callWithPlace(vip)->ewtSeconds.value_or(-1), 90.0);
        QCOMPARE(rig.engine->callWithPlace(w2)->ewtSeconds.value_or(-1), 270.0);
        QCOMPARE(rig.engine->queueStats(QStringLiteral("q")).ewtSeconds.value_or(-1), 360.0);
        QCOMPARE(rig.engine->callWithPlace(c1)->position, 0); // connected: no place
        const std::vector<Call> list = rig.engine->waitingCalls(QStringLiteral("q"));
        QCOMPARE(list.size(), std::size_t(3));
        QCOMPARE(list[2].id, w2);
        QCOMPARE(list[2].position, 3);
        // After a handled call of 60 s the estimate uses today's AHT.
        rig.at(60);
        QVERIFY(rig.engine->hangup(QStringLiteral("a1"), c1).ok());
        rig.pull();
        QCOMPARE(rig.engine->callWithPlace(w1)->position, 1);
        QCOMPARE(rig.engine->callWithPlace(w2)->ewtSeconds.value_or(-1), 2 * 60.0 / 2);
    }

    // The estimator on simulated M/M/5 traffic (Poisson arrivals, exponential handle times,
    // no abandonment, first come first served): its estimates must be unbiased within 10 %
    // of the mean wait, and their mean absolute error below 40 % of it (measured: bias
    // +3.5 %, error 23.9 %). A single wait of p departures has a coefficient of variation of
    // 1/sqrt(p), so no estimator can be exact per call. docs/engine.md quotes the figures.
    void estimatorAccuracyOnSimulatedTraffic()
    {
        EngineConfig cfg;
        QueueConfig q = makeQueue(QStringLiteral("q"));
        q.wrapUpSeconds = 0;
        q.maxWaitSeconds = 0;
        q.defaultHandleSeconds = 120;
        cfg.queues.append(q);
        QStringList ids;
        for (int i = 1; i <= 5; ++i) {
            ids << QStringLiteral("a%1").arg(i);
            cfg.agents.append(makeAgent(ids.last(), {QStringLiteral("q")}));
        }
        Rig rig(cfg);
        rig.ready(ids);
        rig.pull();
        std::mt19937_64 rng(19);
        std::exponential_distribution<double> interArrival(4.6 / 120.0); // 4.6 Erlang on 5
        std::exponential_distribution<double> handle(1.0 / 120.0);
        std::map<QString, double> estimate;
        std::map<QString, qint64> arrived;
        std::multimap<qint64, std::pair<QString, QString>> hangups; // due -> agent, call
        double sumEstimate = 0, sumActual = 0, sumAbsError = 0;
        int measured = 0;
        const int calls = 4000;
        qint64 nextArrival = rig.t0;
        int made = 0;
        auto handleOffers = [&](const std::vector<Event> &events) {
            for (const CallOffered &o : eventsOf<CallOffered>(events)) {
                QVERIFY(rig.engine->accept(o.agent, o.call.id).ok());
                const qint64 now = rig.clock.nowMs();
                if (estimate.count(o.call.id)) {
                    const double actual = double(now - arrived[o.call.id]) / 1000.0;
                    sumActual += actual;
                    sumEstimate += estimate[o.call.id];
                    sumAbsError += std::abs(actual - estimate[o.call.id]);
                    ++measured;
                }
                hangups.emplace(now + qint64(handle(rng) * 1000),
                                std::make_pair(o.agent, o.call.id));
            }
        };
        while (made < calls || !hangups.empty()) {
            const qint64 due =
                hangups.empty() ? std::numeric_limits<qint64>::max() : hangups.begin()->first;
            if (made < calls && nextArrival <= due) {
                rig.clock.setNow(nextArrival);
                const QString id = rig.arrive(QStringLiteral("q"));
                const std::optional<Call> c = rig.engine->callWithPlace(id);
                // Only callers who must queue get an estimate to check.
                if (c && c->position > 0 && c->ewtSeconds && made > 200) {
                    estimate[id] = *c->ewtSeconds;
                    arrived[id] = nextArrival;
                }
                handleOffers(rig.engine->takeEvents());
                ++made;
                nextArrival += qint64(interArrival(rng) * 1000);
            } else {
                rig.clock.setNow(due);
                const auto [agent, call] = hangups.begin()->second;
                hangups.erase(hangups.begin());
                QVERIFY(rig.engine->hangup(agent, call).ok());
                handleOffers(rig.engine->takeEvents());
            }
        }
        QVERIFY2(measured > 1000, qPrintable(QString::number(measured)));
        const double meanActual = sumActual / measured;
        const double bias = (sumEstimate - sumActual) / measured;
        const double mae = sumAbsError / measured;
        qInfo("EWT on M/M/5 at 4.6 Erlang: %d queued calls, mean wait %.1f s, bias %+.1f s "
              "(%.1f %%), mean absolute error %.1f s (%.1f %%)",
              measured, meanActual, bias, 100 * bias / meanActual, mae, 100 * mae / meanActual);
        QVERIFY(std::abs(bias) < 0.10 * meanActual);
        QVERIFY(mae < 0.40 * meanActual);
    }

    // Published Erlang C example: 100 calls in 30 minutes (200 an hour), 180 s handle time,
    // 80 % answered within 20 s -> traffic 10 Erlang; P(wait) 0.6821 / 0.4494 / 0.2853 /
    // 0.1741 for 11..14 agents; service level 39.0 / 64.0 / 79.6 / 88.8 %; 14 needed.
    void erlangCAgainstTables()
    {
        QCOMPARE(qRound(erlangC(11, 10) * 10000), 6821);
        QCOMPARE(qRound(erlangC(12, 10) * 10000), 4494);
        QCOMPARE(qRound(erlangC(13, 10) * 10000), 2853);
        QCOMPARE(qRound(erlangC(14, 10) * 10000), 1741);
        QCOMPARE(qRound(erlangServiceLevel(11, 10, 180, 20) * 1000), 390);
        QCOMPARE(qRound(erlangServiceLevel(12, 10, 180, 20) * 1000), 640);
        QCOMPARE(qRound(erlangServiceLevel(13, 10, 180, 20) * 1000), 796);
        QCOMPARE(qRound(erlangServiceLevel(14, 10, 180, 20) * 1000), 888);
        QCOMPARE(agentsNeeded(200, 180, 20, 0.8).value_or(-1), 14);
        QCOMPARE(agentsNeeded(200, 180, 20, 0.6).value_or(-1), 12);
        // Edge cases: no traffic needs nobody; at or above the load every call waits.
        QCOMPARE(agentsNeeded(0, 180, 20, 0.8).value_or(-1), 0);
        QCOMPARE(erlangC(10, 10), 1.0);
        QCOMPARE(erlangServiceLevel(10, 10, 180, 20), 0.0);
        // Large sites stay finite (the Erlang B recursion never forms a factorial).
        const double big = erlangC(500, 480);
        QVERIFY(big > 0 && big < 1);
        QVERIFY(agentsNeeded(20000, 300, 20, 0.8).value_or(-1) > 1667);
    }

    void forecastInStats()
    {
        EngineConfig cfg;
        QueueConfig q = makeQueue(QStringLiteral("q"));
        q.wrapUpSeconds = 0;
        q.slSeconds = 20;
        q.thresholds.slAmber = 0.8;
        cfg.queues.append(q);
        cfg.agents.append(makeAgent(QStringLiteral("a1"), {QStringLiteral("q")}));
        Rig rig(cfg);
        rig.ready({QStringLiteral("a1")});
        QVERIFY(!rig.engine->queueStats(QStringLiteral("q")).forecast); // no AHT yet
        // One call at 0 s (it leaves the hour's window later), then 12 calls of 120 s.
        const QString old = rig.arrive(QStringLiteral("q"));
        QVERIFY(rig.engine->accept(QStringLiteral("a1"), old).ok());
        rig.at(120);
        QVERIFY(rig.engine->hangup(QStringLiteral("a1"), old).ok());
        double t = 3700;
        for (int i = 0; i < 12; ++i, t += 200) {
            rig.at(t);
            const QString id = rig.arrive(QStringLiteral("q"));
            QVERIFY(rig.engine->accept(QStringLiteral("a1"), id).ok());
            rig.at(t + 120);
            QVERIFY(rig.engine->hangup(QStringLiteral("a1"), id).ok());
        }
        const QueueStats s = rig.engine->queueStats(QStringLiteral("q"));
        QVERIFY(s.forecast);
        QCOMPARE(s.forecast->arrivalsLastHour, qint64(12));
        QCOMPARE(s.forecast->ahtSeconds, 120.0);
        // 12 an hour x 120 s = 0.4 Erlang: one agent reaches 63.8 %, two 94.9 %.
        QCOMPARE(s.forecast->agentsNeeded.value_or(-1), 2);
    }

    // Virtual hold: the caller asks, hangs up, keeps the place ahead of later callers, and
    // is called back by the next free agent; reached counts with its time to callback.
    void callbackKeepsItsPlace()
    {
        EngineConfig cfg;
        QueueConfig q = makeQueue(QStringLiteral("q"));
        q.wrapUpSeconds = 0;
        q.callback.enabled = true;
        cfg.queues.append(q);
        cfg.agents.append(makeAgent(QStringLiteral("a1"), {QStringLiteral("q")}));
        Rig rig(cfg);
        QVERIFY(rig.engine->login(QStringLiteral("a1"), QStringLiteral("201")).ok());
        QVERIFY(rig.engine->setState(QStringLiteral("a1"), AgentState::Ready).ok());
        const QString busy = rig.arrive(QStringLiteral("q"));
        QVERIFY(rig.engine->accept(QStringLiteral("a1"), busy).ok());
        rig.at(10);
        const QString first = rig.arrive(QStringLiteral("q"));
        rig.at(20);
        const QString second = rig.arrive(QStringLiteral("q"));
        rig.pull();
        rig.at(30);
        QCOMPARE(rig.engine->requestCallback(first, {}).code, ErrorKind::None);
        std::vector<Event> ev = rig.pull();
        std::vector<Telephony> tel = eventsOf<Telephony>(ev);
        QCOMPARE(tel.size(), std::size_t(1));
        QCOMPARE(tel[0].kind, TelephonyKind::Callback);
        QCOMPARE(tel[0].call, first);
        QCOMPARE(rig.engine->requestCallback(first, {}).code, ErrorKind::InvalidState);
        QCOMPARE(rig.engine->requestCallback(QStringLiteral("nope"), {}).code, ErrorKind::NotFound);
        // The caller's line ends: the call stays, first in line, with its waiting time.
        rig.at(31);
        QVERIFY(rig.engine->callerHangup(first).ok());
        QVERIFY(rig.engine->call(first));
        rig.at(40);
        const QString later = rig.arrive(QStringLiteral("q"));
        QCOMPARE(rig.engine->callWithPlace(first)->position, 1);
        QCOMPARE(rig.engine->callWithPlace(later)->position, 3);
        QCOMPARE(rig.engine->callWithPlace(first)->waitedMs, qint64(30000));
        rig.pull();

        // The agent is free at 60 s: the callback is offered first, marked, ringing no phone.
        rig.at(60);
        QVERIFY(rig.engine->hangup(QStringLiteral("a1"), busy).ok());
        ev = rig.pull();
        QCOMPARE(offers(ev), QStringList{QStringLiteral("a1:") + first});
        const CallOffered offer = eventsOf<CallOffered>(ev).at(0);
        QCOMPARE(offer.call.callbackAtMs, rig.t0 + 30000);
        QCOMPARE(offer.call.callbackNumber, QStringLiteral("+4930111"));
        for (const Telephony &t : eventsOf<Telephony>(ev))
            QVERIFY(t.kind != TelephonyKind::Ring || t.call != first);
        QVERIFY(rig.engine->accept(QStringLiteral("a1"), first).ok());
        ev = rig.pull();
        tel = eventsOf<Telephony>(ev);
        QCOMPARE(tel.size(), std::size_t(1));
        QCOMPARE(tel[0].kind, TelephonyKind::Dial);
        QCOMPARE(tel[0].number, QStringLiteral("+4930111"));
        QCOMPARE(tel[0].agent, QStringLiteral("a1"));
        const CallRecord queued = rig.records.map().at({first, 1});
        QCOMPARE(queued.cause, EndCause::Callback);
        QCOMPARE(queued.waitMs, qint64(50000));
        QCOMPARE(queued.callbackAtMs, rig.t0 + 30000);
        QCOMPARE(rig.records.map().at({first, 2}).kind, LegKind::Callback);

        // The customer answers at 70 s: reached, 40 s after asking.
        rig.at(70);
        QVERIFY(rig.engine->phoneAnswered(first).ok());
        rig.pull();
        QueueStats s = rig.engine->queueStats(QStringLiteral("q"));
        QCOMPARE(s.today.callbacksRequested, qint64(1));
        QCOMPARE(s.today.callbacksReached, qint64(1));
        QCOMPARE(s.today.timeToCallbackMs.value_or(-1), 40000.0);
        QCOMPARE(rig.engine->agent(QStringLiteral("a1")).answeredToday, qint64(2));
        rig.at(100);
        QVERIFY(rig.engine->callerHangup(first).ok()); // a reached callback ends as any call
        QCOMPARE(offers(rig.pull()), QStringList{QStringLiteral("a1:") + second});
        QVERIFY(!rig.engine->call(first));
        const CallRecord talked = rig.records.map().at({first, 2});
        QCOMPARE(talked.talkMs, qint64(30000));
        QCOMPARE(talked.cause, EndCause::CallerHangup);
        s = rig.engine->queueStats(QStringLiteral("q"));
        // The callback's queue visit is offered, neither answered nor abandoned.
        QCOMPARE(s.today.offered, qint64(4));
        QCOMPARE(s.today.answered, qint64(1));
        QCOMPARE(s.today.abandoned, qint64(0));
    }

    void callbackRetriesThenFails()
    {
        EngineConfig cfg;
        QueueConfig q = makeQueue(QStringLiteral("q"));
        q.wrapUpSeconds = 0;
        q.callback.enabled = true;
        q.callback.attempts = 2;
        q.callback.retrySeconds = 60;
        cfg.queues.append(q);
        QueueConfig other = makeQueue(QStringLiteral("other")); // offers no callback
        cfg.queues.append(other);
        cfg.agents.append(makeAgent(QStringLiteral("a1"), {QStringLiteral("q")}));
        Rig rig(cfg);
        const QString elsewhere = rig.arrive(QStringLiteral("other"));
        QCOMPARE(rig.engine->requestCallback(elsewhere, {}).code, ErrorKind::InvalidState);
        // A supervisor may convert a call of any queue, to another number.
        QVERIFY(rig.engine->requestCallback(elsewhere, QStringLiteral("+4940777"), true).ok());
        QCOMPARE(rig.engine->call(elsewhere)->callbackNumber, QStringLiteral("+4940777"));

        const QString cb = rig.arrive(QStringLiteral("q"));
        QVERIFY(rig.engine->requestCallback(cb, {}).ok());
        rig.ready({QStringLiteral("a1")});
        QCOMPARE(offers(rig.pull()), QStringList{QStringLiteral("a1:") + cb});
        QVERIFY(rig.engine->accept(QStringLiteral("a1"), cb).ok());
        // Two callers arrive while the agent calls the customer.
        rig.at(15);
        const QString early = rig.arrive(QStringLiteral("q"));
        rig.at(16);
        const QString behind = rig.arrive(QStringLiteral("q"));
        rig.at(20);
        // Nobody answers: the agent is free at once and takes the next caller; the
        // callback waits out of line until its retry.
        QVERIFY(rig.engine->callerHangup(cb).ok());
        std::vector<Event> ev = rig.pull();
        const std::vector<CallEnded> ended = eventsOf<CallEnded>(ev);
        QCOMPARE(ended.size(), std::size_t(1));
        QCOMPARE(ended[0].cause, EndCause::NoAnswer);
        QCOMPARE(rig.records.map().at({cb, 2}).cause, EndCause::NoAnswer);
        QCOMPARE(offers(ev), QStringList{QStringLiteral("a1:") + early});
        QVERIFY(rig.engine->accept(QStringLiteral("a1"), early).ok());
        QCOMPARE(rig.engine->callWithPlace(behind)->position, 1); // the callback pauses
        // At the retry time the callback is back at its old place, before the later caller.
        rig.at(79.999);
        QCOMPARE(rig.engine->callWithPlace(cb)->position, 0);
        rig.at(80);
        QCOMPARE(rig.engine->callWithPlace(cb)->position, 1);
        QCOMPARE(rig.engine->callWithPlace(behind)->position, 2);
        rig.at(90);
        QVERIFY(rig.engine->hangup(QStringLiteral("a1"), early).ok());
        QCOMPARE(offers(rig.pull()), QStringList{QStringLiteral("a1:") + cb});
        QVERIFY(rig.engine->accept(QStringLiteral("a1"), cb).ok());
        rig.at(95);
        // The agent gives up before anyone answers: the second and last attempt failed.
        QVERIFY(rig.engine->hangup(QStringLiteral("a1"), cb).ok());
        QCOMPARE(offers(rig.pull()), QStringList{QStringLiteral("a1:") + behind});
        QVERIFY(!rig.engine->call(cb));
        const CallRecord last = rig.records.map().at({cb, 4});
        QCOMPARE(last.kind, LegKind::Callback);
        QCOMPARE(last.cause, EndCause::CallbackFailed);
        const QueueStats s = rig.engine->queueStats(QStringLiteral("q"));
        QCOMPARE(s.today.callbacksRequested, qint64(1));
        QCOMPARE(s.today.callbacksFailed, qint64(1));
        QCOMPARE(s.today.callbacksReached, qint64(0));
        QCOMPARE(s.today.offered, qint64(3)); // the retry visit is not a second offer
    }

    // The agent's client is gone while its phone calls the customer: after the grace period
    // the attempt counts as one that reached nobody, and the callback is back in line.
    void callbackSurvivesALostAgent()
    {
        EngineConfig cfg;
        QueueConfig q = makeQueue(QStringLiteral("q"));
        q.callback.enabled = true;
        q.callback.retrySeconds = 0;
        cfg.queues.append(q);
        cfg.agents.append(makeAgent(QStringLiteral("a1"), {QStringLiteral("q")}));
        cfg.graceSeconds = 30;
        Rig rig(cfg);
        const QString cb = rig.arrive(QStringLiteral("q"));
        QVERIFY(rig.engine->requestCallback(cb, {}).ok());
        rig.ready({QStringLiteral("a1")});
        QVERIFY(rig.engine->accept(QStringLiteral("a1"), cb).ok());
        QVERIFY(rig.engine->agentDisconnected(QStringLiteral("a1")).ok());
        rig.pull();
        rig.at(31);
        QCOMPARE(rig.state(QStringLiteral("a1")), AgentState::LoggedOut);
        const CallRecord attempt = rig.records.map().at({cb, 2});
        QCOMPARE(attempt.cause, EndCause::NoAnswer);
        QCOMPARE(attempt.talkMs, qint64(0));
        QVERIFY(rig.engine->call(cb));
        QCOMPARE(rig.engine->callWithPlace(cb)->position, 1);
    }

    // After a restart the waiting callbacks are back in line, in their order and ahead of
    // new callers, and counted once.
    void callbacksSurviveARestart()
    {
        EngineConfig cfg;
        QueueConfig q = makeQueue(QStringLiteral("q"));
        q.callback.enabled = true;
        cfg.queues.append(q);
        cfg.agents.append(makeAgent(QStringLiteral("a1"), {QStringLiteral("q")}));
        cfg.callIdPrefix = QStringLiteral("run1-");
        Rig before(cfg);
        const QString one = before.arrive(QStringLiteral("q"));
        before.at(5);
        const QString two = before.arrive(QStringLiteral("q"));
        before.at(6);
        const QString plain = before.arrive(QStringLiteral("q"));
        before.at(10);
        QVERIFY(before.engine->requestCallback(two, {}).ok());
        QVERIFY(before.engine->requestCallback(one, {}).ok());
        before.pull();
        std::vector<CallRecord> pending;
        for (const CallRecord &r : before.records.all())
            if (r.callId != plain)
                pending.push_back(r);

        cfg.callIdPrefix = QStringLiteral("run2-");
        Rig after(cfg, before.t0 + 60000);
        after.engine->restoreDay(before.records.all());
        after.engine->restoreCallbacks(pending);
        after.pull();
        QVERIFY(!after.engine->call(plain)); // a caller on the line is gone with the server
        QCOMPARE(after.engine->callWithPlace(one)->position, 1);
        QCOMPARE(after.engine->callWithPlace(two)->position, 2);
        QCOMPARE(after.engine->callWithPlace(one)->callbackNumber, QStringLiteral("+4930111"));
        const QString fresh = after.arrive(QStringLiteral("q"));
        QCOMPARE(after.engine->callWithPlace(fresh)->position, 3);
        const QueueStats s = after.engine->queueStats(QStringLiteral("q"));
        QCOMPARE(s.today.callbacksRequested, qint64(2));
        QCOMPARE(s.waiting, 3);
        QCOMPARE(s.longestWaitMs, qint64(60000)); // the first callback's wait goes on
        after.ready({QStringLiteral("a1")});
        QCOMPARE(offers(after.pull()), QStringList{QStringLiteral("a1:") + one});
        // The restored leg goes on: leg 1 of the call, now closed as taken for a callback.
        QVERIFY(after.engine->accept(QStringLiteral("a1"), one).ok());
        after.pull();
        QCOMPARE(after.records.map().at({one, 1}).cause, EndCause::Callback);
        QCOMPARE(after.records.map().at({one, 2}).kind, LegKind::Callback);
    }
};

QTEST_GUILESS_MAIN(TstEngineCaller)
#include "tst_engine_caller.moc"
