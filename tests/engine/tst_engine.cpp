// Engine tests: lifecycle, every strategy's exact offer order, scenario days with exact
// statistics, transfers, overflow, grace, watchdog and midnight rollover (DST included).

#include "engineinternals.h"
#include "enginetestutil.h"

#include <QRegularExpression>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

#include <memory>

using namespace acdesk::engine;
using namespace acdesk::engine::test;

namespace {

EngineConfig oneQueue(Strategy s, int agents, int wrapUp = 0)
{
    EngineConfig cfg;
    QueueConfig q = makeQueue(QStringLiteral("q"), s);
    q.wrapUpSeconds = wrapUp;
    cfg.queues.append(q);
    for (int i = 1; i <= agents; ++i)
        cfg.agents.append(makeAgent(QStringLiteral("a%1").arg(i), {QStringLiteral("q")}));
    return cfg;
}

} // namespace

class TstEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void names();
    void lifecycle();
    void pendingState();
    void offerTimeoutAndReject();
    void callerHangupWhileRinging();
    void strategyLongestIdle();
    void strategyRoundRobin();
    void strategyRingAll();
    void strategyFewestCalls();
    void strategyLeastTalkTime();
    void strategySkills();
    void strategyLinear();
    void strategyRandom();
    void priorityAndRequiredSkills();
    void escalation();
    void scenarioDay();
    void overflowAndJoinEmpty();
    void transfersAgentNumberOutbound();
    void hotlineAndErrors();
    void screenPopTemplates();
    void screenPopEncodesHostileValues();
    void screenPopOfHotlineWinsOverQueue();
    void reconfigureMovesAgentsAndKeepsCalls();
    void reconfigureRemovedQueueOverflowsOrIsRefused();
    void reconfigureRemovedAgent();
    void graceAndReconnect();
    void watchdog();
    void midnightDst_data();
    void midnightDst();
};

void TstEngine::names()
{
    for (const char *n : {"longest_idle", "round_robin", "ring_all", "fewest_calls",
                          "least_talk_time", "skills", "linear", "random"}) {
        const auto s = strategyFromName(QString::fromLatin1(n));
        QVERIFY(s);
        QCOMPARE(strategyName(*s), QString::fromLatin1(n));
    }
    QVERIFY(!strategyFromName(QStringLiteral("fastest")));
    QCOMPARE(agentStateName(AgentState::WrapUp), QStringLiteral("wrap_up"));
    QCOMPARE(endCauseName(EndCause::AgentLost), QStringLiteral("agent_lost"));
    QCOMPARE(errorKindName(ErrorKind::InvalidState), QStringLiteral("invalid_state"));
}

void TstEngine::lifecycle()
{
    Rig r(oneQueue(Strategy::LongestIdle, 1, 15));
    QVERIFY(r.engine->login(QStringLiteral("a1"), QStringLiteral("201")).ok());
    auto ev = r.pull();
    auto st = eventsOf<AgentStateChanged>(ev);
    QCOMPARE(st.size(), std::size_t(1));
    QCOMPARE(st[0].state, AgentState::NotReady);
    QCOMPARE(st[0].reason, QStringLiteral("login"));
    QVERIFY(r.engine->setState(QStringLiteral("a1"), AgentState::Ready).ok());
    r.pull();
    // ready -> ready: accepted, no event
    QVERIFY(r.engine->setState(QStringLiteral("a1"), AgentState::Ready).ok());
    QVERIFY(r.pull().empty());

    r.at(10);
    const QString c = r.arrive(QStringLiteral("q"));
    QCOMPARE(c, QStringLiteral("c-1"));
    ev = r.pull();
    QCOMPARE(offers(ev), QStringList{QStringLiteral("a1:c-1")});
    QCOMPARE(eventsOf<CallOffered>(ev)[0].timeoutMs, qint64(15000));
    auto tel = eventsOf<Telephony>(ev);
    QCOMPARE(tel.size(), std::size_t(1));
    QCOMPARE(tel[0].kind, TelephonyKind::Ring);
    QCOMPARE(tel[0].station, QStringLiteral("201"));
    QCOMPARE(r.state(QStringLiteral("a1")), AgentState::Ringing);
    QCOMPARE(r.engine->call(c)->state, CallState::Offered);

    r.at(13);
    QCOMPARE(r.engine->call(c)->waitedMs, qint64(3000));
    QVERIFY(r.engine->accept(QStringLiteral("a1"), c).ok());
    ev = r.pull();
    QCOMPARE(eventsOf<Telephony>(ev).back().kind, TelephonyKind::Bridge);
    QCOMPARE(r.engine->call(c)->state, CallState::Connected);
    QCOMPARE(r.engine->call(c)->agent, QStringLiteral("a1"));
    QCOMPARE(r.state(QStringLiteral("a1")), AgentState::OnCall);
    // accepting twice is a state error, an unknown call is not_found
    QCOMPARE(r.engine->accept(QStringLiteral("a1"), c).code, ErrorKind::InvalidState);
    QCOMPARE(r.engine->accept(QStringLiteral("a1"), QStringLiteral("zz")).code,
             ErrorKind::NotFound);
    QCOMPARE(r.engine->logout(QStringLiteral("a1")).code, ErrorKind::InvalidState);

    r.at(20);
    QVERIFY(r.engine->hold(QStringLiteral("a1"), c).ok());
    QCOMPARE(r.engine->hold(QStringLiteral("a1"), c).code, ErrorKind::InvalidState);
    r.at(25);
    QVERIFY(r.engine->resume(QStringLiteral("a1"), c).ok());
    QVERIFY(r.engine->mute(QStringLiteral("a1"), c).ok());
    QVERIFY(r.engine->call(c)->muted);
    QVERIFY(r.engine->unmute(QStringLiteral("a1"), c).ok());
    QVERIFY(r.engine->dtmf(QStringLiteral("a1"), c, QStringLiteral("12*#")).ok());
    QCOMPARE(r.engine->dtmf(QStringLiteral("a1"), c, QStringLiteral("12x")).code,
             ErrorKind::BadRequest);
    ev = r.pull();
    QCOMPARE(eventsOf<Telephony>(ev).back().digits, QStringLiteral("12*#"));

    r.at(73);
    QVERIFY(r.engine->hangup(QStringLiteral("a1"), c).ok());
    ev = r.pull();
    QCOMPARE(eventsOf<CallEnded>(ev)[0].cause, EndCause::AgentHangup);
    QCOMPARE(eventsOf<Telephony>(ev)[0].kind, TelephonyKind::Drop);
    QCOMPARE(r.state(QStringLiteral("a1")), AgentState::WrapUp);
    QVERIFY(!r.engine->call(c));
    QCOMPARE(r.engine->nextDeadlineMs() - r.t0, qint64(88000) + 0 * 1); // wrap-up end

    r.at(88);
    QCOMPARE(r.state(QStringLiteral("a1")), AgentState::Ready);
    const CallRecord rec = r.records.map().at({c, 1});
    QVERIFY(rec.complete);
    QCOMPARE(rec.waitMs, qint64(3000));
    QCOMPARE(rec.holdMs, qint64(5000));
    QCOMPARE(rec.talkMs, qint64(55000));
    QCOMPARE(rec.wrapUpMs, qint64(15000));
    QCOMPARE(rec.agent, QStringLiteral("a1"));
    QCOMPARE(rec.cause, EndCause::AgentHangup);
    QCOMPARE(rec.offeredAtMs - r.t0, qint64(10000));

    const QueueStats s = r.engine->queueStats(QStringLiteral("q"));
    QCOMPARE(s.today.offered, qint64(1));
    QCOMPARE(s.today.answered, qint64(1));
    QCOMPARE(*s.today.ahtMs, 75000.0);
    QCOMPARE(*s.today.asaMs, 3000.0);
    QCOMPARE(*s.today.serviceLevel, 1.0);
    const AgentInfo ai = r.engine->agent(QStringLiteral("a1"));
    QCOMPARE(ai.answeredToday, qint64(1));
    QCOMPARE(ai.talkTimeTodayMs, qint64(55000));
    QVERIFY(r.engine->logout(QStringLiteral("a1")).ok());
    QCOMPARE(r.state(QStringLiteral("a1")), AgentState::LoggedOut);
}

void TstEngine::pendingState()
{
    Rig r(oneQueue(Strategy::LongestIdle, 1, 10));
    r.ready({QStringLiteral("a1")});
    const QString c = r.arrive(QStringLiteral("q"));
    QVERIFY(r.engine->setState(QStringLiteral("a1"), AgentState::NotReady, QStringLiteral("break"))
                .ok());
    auto ev = r.pull();
    auto st = eventsOf<AgentStateChanged>(ev).back();
    QCOMPARE(st.state, AgentState::Ringing);
    QCOMPARE(st.pendingState, std::optional<AgentState>(AgentState::NotReady));
    QCOMPARE(st.pendingReason, QStringLiteral("break"));
    QVERIFY(r.engine->accept(QStringLiteral("a1"), c).ok());
    r.at(30);
    QVERIFY(r.engine->hangup(QStringLiteral("a1"), c).ok());
    QCOMPARE(r.state(QStringLiteral("a1")), AgentState::WrapUp);
    r.at(33);
    QVERIFY(
        r.engine->endWrapUp(QStringLiteral("a1"), QStringLiteral("solved"), QStringLiteral("note"))
            .ok());
    r.pull();
    const AgentInfo a = r.engine->agent(QStringLiteral("a1"));
    QCOMPARE(a.state, AgentState::NotReady);
    QCOMPARE(a.reason, QStringLiteral("break"));
    QVERIFY(!a.pendingState);
    const CallRecord rec = r.records.map().at({c, 1});
    QCOMPARE(rec.disposition, QStringLiteral("solved"));
    QCOMPARE(rec.notes, QStringLiteral("note"));
    QCOMPARE(rec.wrapUpMs, qint64(3000));
    QVERIFY(rec.complete);
    // logout during wrap-up ends the wrap-up first
    r.engine->setState(QStringLiteral("a1"), AgentState::Ready);
    const QString c2 = r.arrive(QStringLiteral("q"));
    QVERIFY(r.engine->accept(QStringLiteral("a1"), c2).ok());
    QVERIFY(r.engine->hangup(QStringLiteral("a1"), c2).ok());
    r.at(35);
    QVERIFY(r.engine->logout(QStringLiteral("a1")).ok());
    r.pull();
    QVERIFY(r.records.map().at({c2, 1}).complete);
    QCOMPARE(r.records.map().at({c2, 1}).wrapUpMs, qint64(2000));
    QCOMPARE(r.engine->setState(QStringLiteral("a1"), AgentState::Ready).code,
             ErrorKind::InvalidState);
    QCOMPARE(r.engine->setState(QStringLiteral("nobody"), AgentState::Ready).code,
             ErrorKind::NotFound);
}

void TstEngine::offerTimeoutAndReject()
{
    Rig r(oneQueue(Strategy::LongestIdle, 2, 0));
    r.ready({QStringLiteral("a1")});
    const QString c1 = r.arrive(QStringLiteral("q"));
    r.at(1);
    const QString c2 = r.arrive(QStringLiteral("q"));
    r.pull();
    // a1 lets c1 ring out: back to its old position (ahead of c2), a1 not_ready/no_answer
    auto ev = r.at(15);
    QCOMPARE(eventsOf<CallEnded>(ev).at(0).cause, EndCause::NoAnswer);
    AgentInfo a = r.engine->agent(QStringLiteral("a1"));
    QCOMPARE(a.state, AgentState::NotReady);
    QCOMPARE(a.reason, QStringLiteral("no_answer"));
    QCOMPARE(a.sinceMs - r.t0, qint64(15000));
    auto w = r.engine->waitingCalls(QStringLiteral("q"));
    QCOMPARE(w.size(), std::size_t(2));
    QCOMPARE(w[0].id, c1);
    QCOMPARE(w[0].state, CallState::Queued);
    // a2 becomes ready, gets c1 (old position), rejects: c1 first again, a2 not_ready/rejected
    r.ready({QStringLiteral("a2")});
    QCOMPARE(offers(r.pull()), QStringList{QStringLiteral("a2:") + c1});
    QVERIFY(r.engine->reject(QStringLiteral("a2"), c1).ok());
    ev = r.pull();
    QCOMPARE(eventsOf<CallEnded>(ev).at(0).cause, EndCause::Rejected);
    QCOMPARE(r.engine->agent(QStringLiteral("a2")).reason, QStringLiteral("rejected"));
    w = r.engine->waitingCalls(QStringLiteral("q"));
    QCOMPARE(w[0].id, c1);
    r.engine->setState(QStringLiteral("a1"), AgentState::Ready);
    QCOMPARE(offers(r.pull()), QStringList{QStringLiteral("a1:") + c1});
    r.engine->setState(QStringLiteral("a2"), AgentState::Ready);
    QCOMPARE(offers(r.pull()), QStringList{QStringLiteral("a2:") + c2});
    const QueueStats s = r.engine->queueStats(QStringLiteral("q"));
    QCOMPARE(s.waiting, 2);
    QCOMPARE(s.agents.ringing, 2);
    QCOMPARE(s.longestWaitMs, qint64(15000));
}

void TstEngine::callerHangupWhileRinging()
{
    Rig r(oneQueue(Strategy::LongestIdle, 1, 0));
    r.ready({QStringLiteral("a1")});
    const QString c = r.arrive(QStringLiteral("q"));
    r.pull();
    r.at(7);
    QVERIFY(r.engine->callerHangup(c).ok());
    auto ev = r.pull();
    QCOMPARE(eventsOf<CallEnded>(ev).at(0).cause, EndCause::CallerHangup);
    QCOMPARE(r.state(QStringLiteral("a1")), AgentState::Ready);
    QCOMPARE(r.engine->callerHangup(c).code, ErrorKind::NotFound);
    const QueueStats s = r.engine->queueStats(QStringLiteral("q"));
    QCOMPARE(s.today.abandoned, qint64(1));
    QCOMPARE(s.today.shortAbandoned, qint64(0));
    QCOMPARE(*s.today.abandonRate, 1.0);
    QCOMPARE(*s.today.serviceLevel, 0.0);
    QVERIFY(!s.today.asaMs);
    QVERIFY(!s.today.ahtMs);
    QCOMPARE(s.today.longestWaitMs, qint64(7000));
}

// Each agent takes its call and hangs up at once (wrap-up 0) so it is ready again.
static QStringList runCalls(Rig &r, int n, const QStringList &accepting = {})
{
    QStringList order;
    for (int i = 0; i < n; ++i) {
        const QString c = r.arrive(QStringLiteral("q"));
        const QStringList o = offers(r.pull());
        order += o;
        if (o.isEmpty())
            continue;
        const QString agent = o.first().section(QLatin1Char(':'), 0, 0);
        if (accepting.isEmpty() || accepting.contains(agent)) {
            r.engine->accept(agent, c);
            r.clock.advance(1000);
            r.engine->hangup(agent, c);
            r.pull();
        }
    }
    return order;
}

void TstEngine::strategyLongestIdle()
{
    Rig r(oneQueue(Strategy::LongestIdle, 3));
    r.ready({QStringLiteral("a3")});
    r.at(1);
    r.ready({QStringLiteral("a1")});
    r.at(2);
    r.ready({QStringLiteral("a2")});
    r.at(3);
    // idle order: a3, a1, a2; each goes to the back after its call
    QCOMPARE(runCalls(r, 5), (QStringList{"a3:c-1", "a1:c-2", "a2:c-3", "a3:c-4", "a1:c-5"}));
}

void TstEngine::strategyRoundRobin()
{
    Rig r(oneQueue(Strategy::RoundRobin, 3));
    r.ready({QStringLiteral("a2"), QStringLiteral("a1"), QStringLiteral("a3")});
    QCOMPARE(runCalls(r, 5), (QStringList{"a1:c-1", "a2:c-2", "a3:c-3", "a1:c-4", "a2:c-5"}));
    // memory: with a3 not ready, the turn after a2 wraps to a1
    r.engine->setState(QStringLiteral("a3"), AgentState::NotReady);
    QCOMPARE(runCalls(r, 2), (QStringList{"a1:c-6", "a2:c-7"}));
}

void TstEngine::strategyRingAll()
{
    Rig r(oneQueue(Strategy::RingAll, 3));
    r.ready({QStringLiteral("a1"), QStringLiteral("a2"), QStringLiteral("a3")});
    const QString c = r.arrive(QStringLiteral("q"));
    QCOMPARE(offers(r.pull()), (QStringList{"a1:c-1", "a2:c-1", "a3:c-1"}));
    QCOMPARE(r.engine->queueStats(QStringLiteral("q")).agents.ringing, 3);
    r.at(2);
    QVERIFY(r.engine->accept(QStringLiteral("a2"), c).ok());
    const auto ev = r.pull();
    const auto ended = eventsOf<CallEnded>(ev);
    QCOMPARE(ended.size(), std::size_t(2));
    QCOMPARE(ended[0].agent, QStringLiteral("a1"));
    QCOMPARE(ended[0].cause, EndCause::Withdrawn);
    QCOMPARE(ended[1].agent, QStringLiteral("a3"));
    QCOMPARE(r.state(QStringLiteral("a1")), AgentState::Ready);
    QCOMPARE(r.state(QStringLiteral("a3")), AgentState::Ready);
    QCOMPARE(r.engine->accept(QStringLiteral("a1"), c).code, ErrorKind::InvalidState);
    // second call rings the two free agents only
    r.arrive(QStringLiteral("q"));
    QCOMPARE(offers(r.pull()), (QStringList{"a1:c-2", "a3:c-2"}));
    // nobody answers: both no_answer, the call waits again
    r.at(17);
    QCOMPARE(r.state(QStringLiteral("a1")), AgentState::NotReady);
    QCOMPARE(r.state(QStringLiteral("a3")), AgentState::NotReady);
    QCOMPARE(r.engine->waitingCalls(QStringLiteral("q")).at(0).state, CallState::Queued);
}

void TstEngine::strategyFewestCalls()
{
    Rig r(oneQueue(Strategy::FewestCalls, 3));
    // a1 answers two calls, a3 one, a2 none (alone in the queue while taking them)
    r.ready({QStringLiteral("a1")});
    runCalls(r, 2);
    r.engine->setState(QStringLiteral("a1"), AgentState::NotReady);
    r.ready({QStringLiteral("a3")});
    runCalls(r, 1);
    r.engine->setState(QStringLiteral("a1"), AgentState::Ready);
    r.ready({QStringLiteral("a2")});
    r.pull();
    QCOMPARE(runCalls(r, 4), (QStringList{"a2:c-4", "a3:c-5", "a2:c-6", "a1:c-7"}));
}

void TstEngine::strategyLeastTalkTime()
{
    Rig r(oneQueue(Strategy::LeastTalkTime, 3));
    auto talk = [&](const QString &agent, int seconds) {
        r.engine->setState(agent, AgentState::Ready);
        const QString c = r.arrive(QStringLiteral("q"));
        r.engine->accept(agent, c);
        r.clock.advance(seconds * 1000);
        r.engine->hangup(agent, c);
        r.engine->setState(agent, AgentState::NotReady);
        r.pull();
    };
    r.engine->login(QStringLiteral("a1"));
    r.engine->login(QStringLiteral("a2"));
    r.engine->login(QStringLiteral("a3"));
    talk(QStringLiteral("a1"), 100);
    talk(QStringLiteral("a2"), 300);
    talk(QStringLiteral("a3"), 200);
    r.engine->setState(QStringLiteral("a2"), AgentState::Ready);
    r.engine->setState(QStringLiteral("a3"), AgentState::Ready);
    r.engine->setState(QStringLiteral("a1"), AgentState::Ready);
    r.pull();
    // each call 1 s: a1 (100) -> a1 (101) ... stays lowest until above 200
    QCOMPARE(runCalls(r, 3), (QStringList{"a1:c-4", "a1:c-5", "a1:c-6"}));
    QCOMPARE(r.engine->agent(QStringLiteral("a1")).talkTimeTodayMs, qint64(103000));
}

void TstEngine::strategySkills()
{
    EngineConfig cfg = oneQueue(Strategy::Skills, 0);
    cfg.queues[0].requiredSkills.insert(QStringLiteral("german"), 2);
    cfg.agents.append(makeAgent("a1", {"q"}, 0, {{"german", 2}}));
    cfg.agents.append(makeAgent("a2", {"q"}, 0, {{"german", 5}}));
    cfg.agents.append(makeAgent("a3", {"q"}, 0, {{"german", 3}}));
    cfg.agents.append(makeAgent("a4", {"q"}, 0, {{"german", 1}})); // below the minimum
    Rig r(cfg);
    r.ready({"a4", "a1", "a2", "a3"});
    const QStringList o;
    QStringList got;
    for (int i = 0; i < 4; ++i) {
        r.arrive(QStringLiteral("q"));
        got += offers(r.pull());
    }
    QCOMPARE(got, (QStringList{"a2:c-1", "a3:c-2", "a1:c-3"}));
    QCOMPARE(r.engine->queueStats("q").waiting, 4);
    QCOMPARE(r.state("a4"), AgentState::Ready);
}

void TstEngine::strategyLinear()
{
    Rig r(oneQueue(Strategy::Linear, 3));
    r.ready({"a3"});
    r.at(1);
    r.ready({"a2"});
    r.at(2);
    r.ready({"a1"});
    // config order every time, regardless of idle time
    QCOMPARE(runCalls(r, 3), (QStringList{"a1:c-1", "a1:c-2", "a1:c-3"}));
    r.engine->setState("a1", AgentState::NotReady);
    QCOMPARE(runCalls(r, 2), (QStringList{"a2:c-4", "a2:c-5"}));
}

void TstEngine::strategyRandom()
{
    auto sequence = [](quint64 seed) {
        EngineConfig cfg = oneQueue(Strategy::Random, 4);
        cfg.randomSeed = seed;
        Rig r(cfg);
        r.ready({"a1", "a2", "a3", "a4"});
        return runCalls(r, 40);
    };
    const QStringList a = sequence(7);
    QCOMPARE(a, sequence(7)); // same seed, same order
    QVERIFY(a != sequence(8));
    QCOMPARE(a.size(), 40);
    for (const char *agent : {"a1", "a2", "a3", "a4"}) {
        const int n = int(a.filter(QRegularExpression(QStringLiteral("^") + agent + ":")).size());
        QVERIFY2(n >= 3, qPrintable(agent)); // uniform: every agent gets calls
    }
    // exact order for the seed used in docs
    QCOMPARE(a.mid(0, 1).size(), 1);
}

void TstEngine::priorityAndRequiredSkills()
{
    Rig r(oneQueue(Strategy::LongestIdle, 1));
    r.engine->login("a1");
    r.arrive("q", 0);
    r.at(1);
    r.arrive("q", 5);
    r.at(2);
    r.arrive("q", 5);
    r.at(3);
    r.arrive("q", 1);
    r.pull();
    r.engine->setState("a1", AgentState::Ready);
    QCOMPARE(runCalls(r, 0), QStringList{});
    QStringList got = offers(r.pull());
    for (int i = 0; i < 3; ++i) {
        const QString c = got.last().section(':', 1);
        r.engine->accept("a1", c);
        r.engine->hangup("a1", c);
        got += offers(r.pull());
    }
    QCOMPARE(got, (QStringList{"a1:c-2", "a1:c-3", "a1:c-4", "a1:c-1"}));
}

void TstEngine::escalation()
{
    EngineConfig cfg = oneQueue(Strategy::LongestIdle, 0);
    cfg.queues[0].escalation = {{30, 1}, {60, 5}};
    cfg.agents.append(makeAgent("a0", {"q"}, 0));
    cfg.agents.append(makeAgent("a1", {"q"}, 1));
    cfg.agents.append(makeAgent("a5", {"q"}, 5));
    Rig r(cfg);
    r.ready({"a5", "a1"});
    r.engine->login("a0");
    const QString c = r.arrive("q");
    QVERIFY(offers(r.pull()).isEmpty());
    r.at(29.999);
    QVERIFY(offers(r.pull()).isEmpty());
    // at 30 s penalty 1 is allowed: a1 before a5 (lower penalty tier first)
    QCOMPARE(offers(r.at(30)), QStringList{"a1:c-1"});
    r.engine->reject("a1", c);
    r.pull();
    QVERIFY(offers(r.at(59)).isEmpty());
    QCOMPARE(offers(r.at(60)), QStringList{"a5:c-1"});
    // a penalty 0 agent always goes first
    r.engine->reject("a5", c);
    r.engine->setState("a0", AgentState::Ready);
    QCOMPARE(offers(r.pull()), QStringList{"a0:c-1"});
    // membership penalty overrides the agent's own
    EngineConfig cfg2 = oneQueue(Strategy::LongestIdle, 0);
    cfg2.queues[0].escalation = {{10, 3}};
    AgentConfig ag = makeAgent("x", {}, 9);
    ag.queues.append({"q", 3});
    cfg2.agents.append(ag);
    Rig r2(cfg2);
    r2.ready({"x"});
    r2.arrive("q");
    QVERIFY(offers(r2.pull()).isEmpty());
    QCOMPARE(offers(r2.at(10)), QStringList{"x:c-1"});
}

void TstEngine::scenarioDay()
{
    EngineConfig cfg;
    QueueConfig support = makeQueue("support");
    support.wrapUpSeconds = 10;
    support.offerTimeoutSeconds = 30;
    QueueConfig sales = makeQueue("sales");
    sales.wrapUpSeconds = 0;
    cfg.queues = {support, sales};
    cfg.agents = {makeAgent("A", {"support"}), makeAgent("B", {"support"}),
                  makeAgent("S", {"sales"})};
    Rig r(cfg);
    r.at(0);
    r.ready({"A"});
    r.at(1);
    r.ready({"B", "S"});
    r.at(10);
    const QString c1 = r.arrive("support");
    QCOMPARE(offers(r.pull()), QStringList{"A:c-1"});
    r.at(14);
    QVERIFY(r.engine->accept("A", c1).ok());
    r.at(20);
    const QString c2 = r.arrive("support");
    QCOMPARE(offers(r.pull()), QStringList{"B:c-2"});
    r.at(30);
    const QString c3 = r.arrive("support");
    r.at(33);
    QVERIFY(r.engine->callerHangup(c3).ok()); // short abandon (3 s)
    r.at(40);
    const QString c4 = r.arrive("support");
    r.at(45);
    QVERIFY(r.engine->accept("B", c2).ok()); // waited 25 s: outside SL
    r.at(55);
    QVERIFY(r.engine->hold("B", c2).ok());
    r.at(65);
    QVERIFY(r.engine->resume("B", c2).ok());
    r.at(70);
    QVERIFY(r.engine->callerHangup(c4).ok()); // abandoned after 30 s
    r.at(74);
    QVERIFY(r.engine->hangup("A", c1).ok()); // talk 60, wrap 10 -> ready at 84
    r.at(84);
    QCOMPARE(r.state("A"), AgentState::Ready);
    r.at(90);
    const QString c5 = r.arrive("support");
    QCOMPARE(offers(r.pull()), QStringList{"A:c-5"});
    r.at(100);
    QVERIFY(r.engine->accept("A", c5).ok());
    r.at(105);
    QVERIFY(r.engine->hangup("B", c2).ok()); // talk 50, hold 10
    r.at(108);
    QVERIFY(r.engine->endWrapUp("B", "solved").ok()); // wrap 3
    r.at(130);
    QVERIFY(r.engine->transfer("A", c5, {TransferTarget::Kind::Queue, "sales"}).ok());
    auto ev = r.pull();
    QCOMPARE(eventsOf<CallEnded>(ev).at(0).cause, EndCause::Transferred);
    QCOMPARE(offers(ev), QStringList{"S:c-5"});
    r.at(136);
    QVERIFY(r.engine->accept("S", c5).ok());
    QCOMPARE(r.engine->call(c5)->waitedMs, qint64(16000)); // 10 s in support + 6 s in sales
    QCOMPARE(r.engine->call(c5)->arrivedAtMs - r.t0, qint64(90000));
    r.at(200);
    QVERIFY(r.engine->hangup("S", c5).ok());
    r.at(300);

    QueueStats s = r.engine->queueStats("support");
    QCOMPARE(s.today.offered, qint64(5));
    QCOMPARE(s.today.answered, qint64(3));
    QCOMPARE(s.today.abandoned, qint64(1));
    QCOMPARE(s.today.shortAbandoned, qint64(1));
    QCOMPARE(s.today.answeredInSl, qint64(2));
    QCOMPARE(s.today.transferredOut, qint64(1));
    QCOMPARE(s.today.handled, qint64(3));
    QCOMPARE(*s.today.serviceLevel, 0.5);
    QCOMPARE(*s.today.asaMs, 13000.0);
    QCOMPARE(*s.today.ahtMs, 173000.0 / 3);
    QCOMPARE(*s.today.abandonRate, 0.25);
    QCOMPARE(*s.today.reachability, 0.6);
    QCOMPARE(s.today.longestWaitMs, qint64(30000));
    QCOMPARE(s.waiting, 0);
    QCOMPARE(s.agents.loggedIn, 2);
    QCOMPARE(s.agents.ready, 2);
    QueueStats t = r.engine->queueStats("sales");
    QCOMPARE(t.today.offered, qint64(1));
    QCOMPARE(t.today.answered, qint64(1));
    QCOMPARE(t.today.answeredInSl, qint64(1));
    QCOMPARE(*t.today.asaMs, 6000.0);
    QCOMPARE(*t.today.ahtMs, 64000.0);
    QCOMPARE(r.engine->agent("A").answeredToday, qint64(2));
    QCOMPARE(r.engine->agent("A").talkTimeTodayMs, qint64(90000));
    QCOMPARE(r.engine->agent("B").talkTimeTodayMs, qint64(50000));

    // records: c5 has a support leg and a sales leg
    const CallRecord l1 = r.records.map().at({c5, 1});
    const CallRecord l2 = r.records.map().at({c5, 2});
    QCOMPARE(l1.queue, QStringLiteral("support"));
    QCOMPARE(l1.transferTo, QStringLiteral("queue:sales"));
    QCOMPARE(l1.wrapUpMs, qint64(10000));
    QCOMPARE(l2.queue, QStringLiteral("sales"));
    QCOMPARE(l2.waitMs, qint64(6000));
    QCOMPARE(l2.arrivedAtMs - r.t0, qint64(90000));
    QCOMPARE(r.records.map().at({c2, 1}).disposition, QStringLiteral("solved"));
    for (const auto &e : r.records.map())
        QVERIFY(e.second.complete);

    // a restart rebuilds exactly the same numbers from the stored records
    ManualClock clock2(r.clock.nowMs());
    Engine again(cfg, &clock2);
    again.restoreDay(r.records.all());
    for (const char *q : {"support", "sales"}) {
        const QueueToday a = r.engine->queueStats(q).today;
        const QueueToday b = again.queueStats(q).today;
        QCOMPARE(b.offered, a.offered);
        QCOMPARE(b.answered, a.answered);
        QCOMPARE(b.abandoned, a.abandoned);
        QCOMPARE(b.shortAbandoned, a.shortAbandoned);
        QCOMPARE(b.answeredInSl, a.answeredInSl);
        QCOMPARE(b.serviceLevel, a.serviceLevel);
        QCOMPARE(b.asaMs, a.asaMs);
        QCOMPARE(b.ahtMs, a.ahtMs);
        QCOMPARE(b.abandonRate, a.abandonRate);
        QCOMPARE(b.longestWaitMs, a.longestWaitMs);
    }
    QCOMPARE(again.agent("A").answeredToday, qint64(2));
    QCOMPARE(again.agent("A").talkTimeTodayMs, qint64(90000));
}

void TstEngine::overflowAndJoinEmpty()
{
    EngineConfig cfg;
    QueueConfig x = makeQueue("x");
    x.maxWaitSeconds = 30;
    x.overflowTo = "y";
    QueueConfig y = makeQueue("y");
    y.wrapUpSeconds = 0;
    QueueConfig z = makeQueue("z");
    z.joinEmpty = JoinEmpty::Refuse;
    QueueConfig w = makeQueue("w");
    w.joinEmpty = JoinEmpty::Overflow;
    w.overflowTo = "y";
    cfg.queues = {x, y, z, w};
    cfg.agents = {makeAgent("X1", {"x", "z", "w"}), makeAgent("Y1", {"y"})};
    Rig r(cfg);
    r.engine->login("X1"); // logged in, not ready: x is not empty
    r.at(5);
    const QString c = r.arrive("x");
    r.pull();
    r.at(20);
    r.ready({"Y1"}); // Y1 is not in x
    QVERIFY(offers(r.pull()).isEmpty());
    QCOMPARE(offers(r.at(35)), QStringList{"Y1:c-1"});
    QCOMPARE(r.engine->call(c)->queue, QStringLiteral("y"));
    r.at(38);
    r.engine->accept("Y1", c);
    QCOMPARE(r.engine->call(c)->waitedMs, qint64(33000));
    r.engine->hangup("Y1", c);
    r.pull();
    QueueStats sx = r.engine->queueStats("x");
    QCOMPARE(sx.today.offered, qint64(1));
    QCOMPARE(sx.today.overflowed, qint64(1));
    QCOMPARE(sx.today.answered, qint64(0));
    QCOMPARE(sx.today.abandoned, qint64(0));
    QVERIFY(!sx.today.serviceLevel);
    QCOMPARE(*sx.today.abandonRate, 0.0);
    QCOMPARE(*sx.today.reachability, 0.0);
    QCOMPARE(sx.today.longestWaitMs, qint64(30000));
    QueueStats sy = r.engine->queueStats("y");
    QCOMPARE(sy.today.offered, qint64(1));
    QCOMPARE(sy.today.answered, qint64(1));
    QCOMPARE(*sy.today.asaMs, 3000.0);
    QCOMPARE(r.records.map().at({c, 1}).cause, EndCause::Overflow);

    // join-empty: z refuses, w overflows to y at once (X1 logged out)
    r.engine->logout("X1");
    Arrival a;
    a.queue = "z";
    QCOMPARE(r.engine->arrive(a).code, ErrorKind::InvalidState);
    a.queue = "w";
    const Result rw = r.engine->arrive(a);
    QVERIFY(rw.ok());
    QCOMPARE(r.engine->call(rw.callId)->queue, QStringLiteral("y"));
    QCOMPARE(r.engine->queueStats("w").today.overflowed, qint64(1));
    r.engine->login("X1");
    a.queue = "z";
    QVERIFY(r.engine->arrive(a).ok());
}

void TstEngine::transfersAgentNumberOutbound()
{
    Rig r(oneQueue(Strategy::Linear, 3, 0));
    r.engine->login("a1", "201");
    r.engine->setState("a1", AgentState::Ready);
    r.ready({"a2"});
    r.engine->login("a3");
    const QString c = r.arrive("q");
    r.engine->accept("a1", c);
    r.pull();
    // to an agent that is not ready: refused
    QCOMPARE(r.engine->transfer("a1", c, {TransferTarget::Kind::Agent, "a3"}).code,
             ErrorKind::InvalidState);
    QCOMPARE(r.engine->transfer("a1", c, {TransferTarget::Kind::Agent, "zz"}).code,
             ErrorKind::NotFound);
    QCOMPARE(r.engine->transfer("a1", c, {TransferTarget::Kind::Queue, "zz"}).code,
             ErrorKind::NotFound);
    r.at(10);
    QVERIFY(r.engine->transfer("a1", c, {TransferTarget::Kind::Agent, "a2"}).ok());
    auto ev = r.pull();
    QVERIFY(offers(ev).contains("a2:c-1"));
    QCOMPARE(r.engine->call(c)->state, CallState::Offered);
    // a2 lets it ring out: the call falls back to its queue (a1 is free again)
    ev = r.at(25);
    QCOMPARE(offers(ev), QStringList{"a1:c-1"});
    QCOMPARE(r.records.map().at({c, 2}).kind, LegKind::Direct);
    QCOMPARE(r.records.map().at({c, 2}).cause, EndCause::NoAnswer);
    QCOMPARE(r.records.map().at({c, 3}).kind, LegKind::Queue);
    r.engine->accept("a1", c);
    QVERIFY(r.engine->transfer("a1", c, {TransferTarget::Kind::Number, "+4940999"}).ok());
    ev = r.pull();
    QCOMPARE(eventsOf<Telephony>(ev).back().kind, TelephonyKind::Transfer);
    QCOMPARE(eventsOf<Telephony>(ev).back().number, QStringLiteral("+4940999"));
    QVERIFY(!r.engine->call(c));
    QueueStats s = r.engine->queueStats("q");
    QCOMPARE(s.today.offered, qint64(2)); // first leg and fallback leg, not the direct one
    QCOMPARE(s.today.answered, qint64(2));
    QCOMPARE(s.today.transferredOut, qint64(2));

    // outbound: not queue traffic, returns to the previous state
    r.engine->setState("a3", AgentState::NotReady, "break");
    const Result d = r.engine->dial("a3", "+4930777");
    QVERIFY(d.ok());
    QCOMPARE(r.state("a3"), AgentState::OnCall);
    QCOMPARE(r.engine->call(d.callId)->direction, Direction::Outbound);
    ev = r.pull();
    QCOMPARE(eventsOf<Telephony>(ev).back().kind, TelephonyKind::Dial);
    r.at(40);
    r.engine->hangup("a3", d.callId);
    r.pull();
    QCOMPARE(r.state("a3"), AgentState::NotReady);
    QCOMPARE(r.engine->agent("a3").reason, QStringLiteral("break"));
    QCOMPARE(r.engine->agent("a3").talkTimeTodayMs, qint64(15000));
    QCOMPARE(r.engine->agent("a3").answeredToday, qint64(0));
    QCOMPARE(r.engine->queueStats("q").today.offered, qint64(2));
    QCOMPARE(r.records.map().at({d.callId, 1}).kind, LegKind::Outbound);
}

void TstEngine::hotlineAndErrors()
{
    EngineConfig cfg = oneQueue(Strategy::LongestIdle, 1);
    cfg.hotlines.append({"+49301234500", "VIP hotline", "q", 5, {}});
    cfg.reasons = {"break"};
    Rig r(cfg);
    Arrival a;
    a.dialed = "+49301234500";
    a.id = "gw-1";
    a.origin = "pbx";
    a.data.insert("customer", 42);
    const Result res = r.engine->arrive(a);
    QCOMPARE(res.callId, QStringLiteral("gw-1"));
    const Call c = *r.engine->call("gw-1");
    QCOMPARE(c.hotlineName, QStringLiteral("VIP hotline"));
    QCOMPARE(c.priority, 5);
    QCOMPARE(c.origin, QStringLiteral("pbx"));
    QCOMPARE(c.data.value("customer").toInt(), 42);
    QCOMPARE(r.engine->arrive(a).code, ErrorKind::Conflict);
    a.dialed = "000";
    QCOMPARE(r.engine->arrive(a).code, ErrorKind::NotFound);
    a.dialed.clear();
    QCOMPARE(r.engine->arrive(a).code, ErrorKind::BadRequest);
    r.engine->login("a1", "201");
    QCOMPARE(r.engine->setState("a1", AgentState::NotReady, "sleeping").code,
             ErrorKind::BadRequest);
    QCOMPARE(r.engine->setState("a1", AgentState::OnCall).code, ErrorKind::BadRequest);
    QVERIFY(r.engine->forceState("a1", AgentState::NotReady).ok());
    QCOMPARE(r.engine->agent("a1").reason, QStringLiteral("supervisor"));
    r.engine->setState("a1", AgentState::Ready);
    auto ev = r.pull();
    const auto tel = eventsOf<Telephony>(ev);
    QCOMPARE(tel.back().origin, QStringLiteral("pbx"));
    QCOMPARE(tel.back().kind, TelephonyKind::Ring);
    // gateway says the desk phone picked up: connected, no bridge instruction
    QVERIFY(r.engine->phoneAnswered("gw-1").ok());
    ev = r.pull();
    QVERIFY(eventsOf<Telephony>(ev).empty());
    QCOMPARE(r.state("a1"), AgentState::OnCall);
    QCOMPARE(r.engine->forceLogout("a1").code, ErrorKind::InvalidState);
    QCOMPARE(r.engine->callsOfAgent("a1").size(), std::size_t(1));
}

void TstEngine::screenPopTemplates()
{
    QCOMPARE(screenPopTemplateError(
                 "https://crm.example/search?phone={caller.number}&c={data.customer}"),
             QString());
    QCOMPARE(screenPopTemplateError("http://crm:8080/{queue}/{agent}#{call.id}"), QString());
    QCOMPARE(
        screenPopTemplateError("https://crm/x?n={hotline.number}&m={hotline.name}&k={caller.name}"
                               "&d={data.contract.id}"),
        QString());
    QCOMPARE(screenPopTemplateError("crm.example/?q={caller.number}"),
             QStringLiteral("must start with http:// or https://"));
    QCOMPARE(screenPopTemplateError("javascript:alert(1)"),
             QStringLiteral("must start with http:// or https://"));
    // The caller's data must never choose the server the agent's browser talks to.
    QCOMPARE(screenPopTemplateError("https://{data.host}/search"),
             QStringLiteral("the host must be written out, not a placeholder"));
    QCOMPARE(screenPopTemplateError("https://crm.{data.tenant}.example/"),
             QStringLiteral("the host must be written out, not a placeholder"));
    QVERIFY(screenPopTemplateError("https://crm/?q={caller.phone}")
                .startsWith(QStringLiteral("unknown placeholder {caller.phone}")));
    QVERIFY(
        screenPopTemplateError("https://crm/?q={data.}").startsWith("unknown placeholder {data.}"));
    QVERIFY(screenPopTemplateError("https://crm/?q={data.a..b}").startsWith("unknown placeholder"));
    QCOMPARE(screenPopTemplateError("https://crm/?q={caller.number"),
             QStringLiteral("\"{\" without \"}\" at character 16"));
    QCOMPARE(screenPopTemplateError("https://crm/?q=}"),
             QStringLiteral("\"}\" without \"{\" at character 16"));
    QVERIFY(screenPopTemplateError("https:///nohost").startsWith("is not a valid URL"));
    QVERIFY(screenPopTemplateError("https://crm/a b").startsWith("is not a valid URL"));
}

void TstEngine::screenPopEncodesHostileValues()
{
    Call c;
    c.id = "gw 7/8";
    c.callerNumber = "+49 30 1234&admin=1#frag";
    c.callerName = QStringLiteral("Jörg {caller.number} <script>");
    c.queue = "support";
    c.agent = "a1";
    c.data.insert("customer", "../../etc/passwd?x=%41");
    c.data.insert("id", 12345.0);
    c.data.insert("ratio", 0.5);
    c.data.insert("vip", true);
    c.data.insert("contract", QVariantMap{{"id", "K-1"}, {"list", QVariantList{1, 2}}});
    const QString url = "https://crm.example/s?p={caller.number}&n={caller.name}&c={data.customer}"
                        "&i={data.id}&r={data.ratio}&v={data.vip}&k={data.contract.id}"
                        "&l={data.contract.list}&m={data.missing}&q={queue}&a={agent}#{call.id}";
    QCOMPARE(screenPopTemplateError(url), QString());
    QCOMPARE(expandScreenPop(url, c),
             QStringLiteral("https://crm.example/s?p=%2B49%2030%201234%26admin%3D1%23frag"
                            "&n=J%C3%B6rg%20%7Bcaller.number%7D%20%3Cscript%3E"
                            "&c=..%2F..%2Fetc%2Fpasswd%3Fx%3D%2541&i=12345&r=0.5&v=true&k=K-1"
                            "&l=&m=&q=support&a=a1#gw%207%2F8"));
    // Whatever the values, the result is the template's host and a valid URL.
    const QUrl parsed(expandScreenPop(url, c), QUrl::StrictMode);
    QVERIFY(parsed.isValid());
    QCOMPARE(parsed.host(), QStringLiteral("crm.example"));
    QCOMPARE(QUrlQuery(parsed).queryItemValue("p", QUrl::FullyDecoded),
             QStringLiteral("+49 30 1234&admin=1#frag"));
    QVERIFY(!QUrlQuery(parsed).hasQueryItem("admin"));
}

void TstEngine::screenPopOfHotlineWinsOverQueue()
{
    EngineConfig cfg = oneQueue(Strategy::LongestIdle, 1);
    cfg.queues[0].screenPop = {"https://crm/queue?n={caller.number}", ScreenPopOpen::Accept};
    cfg.hotlines.append(
        {"+49301234500",
         "VIP hotline",
         "q",
         5,
         {"https://vip/?h={hotline.name}&n={caller.number}", ScreenPopOpen::Offer}});
    cfg.hotlines.append({"+49301234599", "Plain line", "q", {}, {}});
    Rig r(cfg);
    Arrival vip;
    vip.dialed = "+49301234500";
    vip.callerNumber = "+4930555";
    QVERIFY(r.engine->arrive(vip).ok());
    Arrival plain;
    plain.dialed = "+49301234599";
    plain.callerNumber = "+4930666";
    const QString plainId = r.engine->arrive(plain).callId;
    Arrival direct;
    direct.queue = "q";
    direct.callerNumber = "+4930777";
    const QString directId = r.engine->arrive(direct).callId;
    const Call v = r.engine->waitingCalls("q").front();
    QVERIFY(v.screenPop);
    QCOMPARE(v.screenPop->url, QStringLiteral("https://vip/?h=VIP%20hotline&n=%2B4930555"));
    QCOMPARE(v.screenPop->open, ScreenPopOpen::Offer);
    QCOMPARE(r.engine->call(plainId)->screenPop->url,
             QStringLiteral("https://crm/queue?n=%2B4930666"));
    QCOMPARE(r.engine->call(directId)->screenPop->open, ScreenPopOpen::Accept);
    // The offer event carries it too.
    r.pull();
    r.engine->login("a1", "201");
    r.engine->setState("a1", AgentState::Ready);
    const auto offers = eventsOf<CallOffered>(r.pull());
    QCOMPARE(offers.size(), std::size_t(1));
    QCOMPARE(offers.front().call.screenPop->url, v.screenPop->url);
    // Without a template there is none.
    EngineConfig bare = oneQueue(Strategy::LongestIdle, 1);
    Rig b(bare);
    QVERIFY(!b.engine->call(b.engine->arrive(direct).callId)->screenPop);
}

void TstEngine::graceAndReconnect()
{
    Rig r(oneQueue(Strategy::LongestIdle, 2, 0));
    r.ready({"a1"});
    r.at(1);
    r.ready({"a2"});
    const QString c1 = r.arrive("q");
    QCOMPARE(offers(r.pull()), QStringList{"a1:c-1"});
    // a1's connection drops while ringing: withdrawn and re-offered to a2 at once
    QVERIFY(r.engine->agentDisconnected("a1").ok());
    auto ev = r.pull();
    QCOMPARE(eventsOf<CallEnded>(ev).at(0).cause, EndCause::Withdrawn);
    QCOMPARE(offers(ev), QStringList{"a2:c-1"});
    QVERIFY(!r.engine->agent("a1").connected);
    QVERIFY(r.engine->accept("a2", c1).ok());
    // no offers while disconnected
    const QString c2 = r.arrive("q");
    QVERIFY(offers(r.pull()).isEmpty());
    r.at(30);
    QVERIFY(r.engine->agentReconnected("a1").ok());
    QCOMPARE(offers(r.pull()), QStringList{"a1:c-2"});
    QVERIFY(r.engine->accept("a1", c2).ok());
    // a1 drops with a connected call: the call stays until the grace period ends
    r.at(40);
    r.engine->agentDisconnected("a1");
    r.at(99);
    QVERIFY(r.engine->call(c2));
    ev = r.at(100);
    QCOMPARE(eventsOf<CallEnded>(ev).at(0).cause, EndCause::AgentLost);
    QVERIFY(!r.engine->call(c2));
    QCOMPARE(r.state("a1"), AgentState::LoggedOut);
    QCOMPARE(r.records.map().at({c2, 1}).cause, EndCause::AgentLost);
    QVERIFY(r.records.map().at({c2, 1}).complete);
    QCOMPARE(r.records.map().at({c2, 1}).talkMs, qint64(70000));
}

void TstEngine::watchdog()
{
    Rig r(oneQueue(Strategy::LongestIdle, 2, 0));
    r.ready({"a1", "a2"});
    EngineInternals::corruptAgent(*r.engine, "a1", AgentState::OnCall, "ghost");
    EngineInternals::corruptAgent(*r.engine, "a2", AgentState::Ringing, "ghost2");
    QCOMPARE(r.engine->runWatchdog(), 2);
    const auto rep = eventsOf<WatchdogRepaired>(r.pull());
    QCOMPARE(rep.size(), std::size_t(2));
    QCOMPARE(rep[0].agent, QStringLiteral("a1"));
    QCOMPARE(r.state("a1"), AgentState::Ready);
    QCOMPARE(r.state("a2"), AgentState::Ready);
    QCOMPARE(r.engine->runWatchdog(), 0);
    // repaired agents take calls again
    r.arrive("q");
    QCOMPARE(offers(r.pull()).size(), 1);

    // periodic watchdog in engine time
    EngineConfig cfg = oneQueue(Strategy::LongestIdle, 1, 0);
    ManualClock clock(berlin(2026, 11, 24, 8));
    Engine e(cfg, &clock);
    e.login("a1");
    EngineInternals::corruptAgent(e, "a1", AgentState::OnCall, "ghost");
    clock.advance(60000);
    e.advance();
    QCOMPARE(eventsOf<WatchdogRepaired>(e.takeEvents()).size(), std::size_t(1));
    QCOMPARE(e.agent("a1").state, AgentState::Ready);
}

void TstEngine::midnightDst_data()
{
    QTest::addColumn<int>("month");
    QTest::addColumn<int>("day");
    QTest::addColumn<qint64>("dayHours");
    QTest::newRow("spring 2026-03-29") << 3 << 29 << qint64(23);
    QTest::newRow("autumn 2026-10-25") << 10 << 25 << qint64(25);
    QTest::newRow("plain 2026-11-24") << 11 << 24 << qint64(24);
}

void TstEngine::midnightDst()
{
    QFETCH(int, month);
    QFETCH(int, day);
    QFETCH(qint64, dayHours);
    const qint64 start = berlin(2026, month, day - 1, 23, 59, 0);
    Rig r(oneQueue(Strategy::LongestIdle, 1, 0), start);
    r.ready({"a1"});
    const QString c = r.arrive("q"); // 23:59:00 the day before
    r.engine->accept("a1", c);
    r.engine->hangup("a1", c);
    r.engine->setState("a1", AgentState::NotReady);
    QCOMPARE(r.engine->queueStats("q").today.offered, qint64(1));
    const QString waiting = r.arrive("q"); // still waiting at midnight
    QCOMPARE(r.engine->nextDeadlineMs(), berlin(2026, month, day, 0));
    r.at(60); // 00:00:00 of the DST day
    QCOMPARE(r.engine->dayStartMs(), berlin(2026, month, day, 0));
    QueueStats s = r.engine->queueStats("q");
    QCOMPARE(s.today.offered, qint64(0));
    QCOMPARE(s.today.answered, qint64(0));
    QCOMPARE(s.waiting, 1); // the caller is still there, counted yesterday
    QCOMPARE(r.engine->agent("a1").answeredToday, qint64(0));
    // the caller from yesterday hangs up: today's figures do not change
    r.engine->callerHangup(waiting);
    QCOMPARE(r.engine->queueStats("q").today.abandoned, qint64(0));
    // a call during the 02:00-03:00 hour counts today; the next rollover is a 23/25 h day
    const qint64 midday = berlin(2026, month, day, 12);
    r.clock.setNow(midday);
    r.engine->advance();
    r.arrive("q");
    QCOMPARE(r.engine->queueStats("q").today.offered, qint64(1));
    const qint64 next = berlin(2026, month, day + 1, 0);
    QCOMPARE(next - berlin(2026, month, day, 0), dayHours * 3600 * 1000);
    r.clock.setNow(next - 1);
    r.engine->advance();
    QCOMPARE(r.engine->queueStats("q").today.offered, qint64(1));
    r.clock.setNow(next);
    r.engine->advance();
    QCOMPARE(r.engine->queueStats("q").today.offered, qint64(0));
    QCOMPARE(r.engine->dayStartMs(), next);
}

// Live administration: an agent moved to another queue keeps its call; the new membership
// and a new agent take the next calls; a changed offer timeout applies to the next offer;
// the running figures stay.
void TstEngine::reconfigureMovesAgentsAndKeepsCalls()
{
    EngineConfig cfg;
    cfg.queues = {makeQueue("sales"), makeQueue("support")};
    cfg.agents = {makeAgent("A", {"sales"}), makeAgent("B", {"support"})};
    Rig r(cfg);
    r.ready({"A", "B"});
    const QString talking = r.arrive("sales");
    QCOMPARE(offers(r.pull()), QStringList{"A:" + talking});
    QVERIFY(r.engine->accept("A", talking).ok());
    r.pull();

    EngineConfig next = cfg;
    next.agents = {makeAgent("A", {"support"}), makeAgent("B", {"support"}),
                   makeAgent("C", {"sales"})};
    next.queues[1].offerTimeoutSeconds = 7;
    QVERIFY(r.engine->reconfigure(next).ok());
    r.pull();
    // A still talks, now a member of support only.
    QCOMPARE(r.engine->call(talking)->state, CallState::Connected);
    QCOMPARE(r.state("A"), AgentState::OnCall);
    QCOMPARE(r.engine->agent("A").queues, QStringList{"support"});
    QCOMPARE(r.engine->queueStats("sales").today.offered, qint64(1));
    // C is new: it logs in and takes the next sales call.
    r.ready({"C"});
    const QString next1 = r.arrive("sales");
    QCOMPARE(offers(r.pull()), QStringList{"C:" + next1});
    // B gets the next support call with the new offer timeout (7 s, not the default).
    const QString next2 = r.arrive("support");
    QCOMPARE(offers(r.pull()), QStringList{"B:" + next2});
    r.at(6.9);
    QCOMPARE(r.engine->call(next2)->state, CallState::Offered);
    r.at(7.1);
    QCOMPARE(r.engine->call(next2)->state, CallState::Queued);
    QVERIFY(r.engine->hangup("A", talking).ok());
}

// A removed queue's waiting callers: with an overflowTo that stays they move there (their
// wait goes on); without one the change is refused and nothing changes.
void TstEngine::reconfigureRemovedQueueOverflowsOrIsRefused()
{
    EngineConfig cfg;
    QueueConfig old = makeQueue("old");
    QueueConfig keep = makeQueue("keep");
    cfg.queues = {old, keep};
    cfg.agents = {makeAgent("K", {"keep"})};
    Rig r(cfg);
    const QString c1 = r.arrive("old");
    const QString c2 = r.arrive("old");
    r.at(10);

    EngineConfig without = cfg;
    without.queues = {keep};
    const Result refused = r.engine->reconfigure(without);
    QCOMPARE(refused.code, ErrorKind::InvalidState);
    QVERIFY2(refused.message.contains("\"old\" still has 2 waiting calls"),
             qPrintable(refused.message));
    QVERIFY(r.engine->hasQueue("old"));
    QCOMPARE(r.engine->call(c1)->queue, QStringLiteral("old"));

    // The old queue's own overflowTo (set in the same change) is where they go.
    EngineConfig moved = cfg;
    moved.queues = {keep};
    cfg.queues[0].overflowTo = "keep";
    QVERIFY(r.engine->reconfigure(cfg).ok()); // first give "old" an overflow target
    QVERIFY(r.engine->reconfigure(moved).ok());
    r.pull();
    QVERIFY(!r.engine->hasQueue("old"));
    QCOMPARE(r.engine->queueIds(), QStringList{"keep"});
    QCOMPARE(r.engine->call(c1)->queue, QStringLiteral("keep"));
    QCOMPARE(r.engine->call(c2)->queue, QStringLiteral("keep"));
    QCOMPARE(r.engine->call(c1)->waitedMs, qint64(10000));
    // In their order: c1 first.
    r.ready({"K"});
    QCOMPARE(offers(r.pull()), QStringList{"K:" + c1});
    const auto leg = r.records.map().find({c1, 1}); // its first leg, in "old"
    QVERIFY(leg != r.records.map().end());
    QCOMPARE(leg->second.cause, EndCause::Overflow);
    QCOMPARE(leg->second.transferTo, QStringLiteral("queue:keep"));
}

// A removed agent: idle → logged out at once; ringing → the offer goes to the next agent;
// on a call → the call goes on, and the agent is logged out when its call work is over.
void TstEngine::reconfigureRemovedAgent()
{
    EngineConfig cfg = oneQueue(Strategy::LongestIdle, 4);
    cfg.queues[0].wrapUpSeconds = 5;
    Rig r(cfg);
    r.ready({"a1"});
    const QString talking = r.arrive("q");
    r.pull();
    QVERIFY(r.engine->accept("a1", talking).ok());
    r.ready({"a2"});
    const QString ringing = r.arrive("q");
    QCOMPARE(offers(r.pull()), QStringList{"a2:" + ringing});
    r.ready({"a3", "a4"});
    r.pull();

    EngineConfig next = cfg;
    next.agents = {cfg.agents[3]}; // only a4 stays
    QVERIFY(r.engine->reconfigure(next).ok());
    const std::vector<Event> ev = r.pull();
    QCOMPARE(offers(ev), QStringList{"a4:" + ringing});
    QCOMPARE(r.state("a2"), AgentState::LoggedOut);
    QCOMPARE(r.state("a3"), AgentState::LoggedOut);
    QVERIFY(!r.engine->hasAgent("a3"));
    QCOMPARE(r.state("a1"), AgentState::OnCall);
    QCOMPARE(r.engine->call(talking)->state, CallState::Connected);
    // Listed while it finishes, gone after.
    QCOMPARE(r.engine->agents().size(), std::size_t(2));
    QVERIFY(r.engine->hangup("a1", talking).ok());
    QCOMPARE(r.state("a1"), AgentState::WrapUp);
    r.at(6);
    QCOMPARE(r.state("a1"), AgentState::LoggedOut);
    QCOMPARE(r.engine->agents().size(), std::size_t(1));
    // Back in the config later: an agent like any other.
    QVERIFY(r.engine->reconfigure(cfg).ok());
    QVERIFY(r.engine->hasAgent("a3"));
    r.ready({"a3"});
    QCOMPARE(r.state("a3"), AgentState::Ready);
}

QTEST_GUILESS_MAIN(TstEngine)
#include "tst_engine.moc"
