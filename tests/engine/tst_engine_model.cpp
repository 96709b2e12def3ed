// Randomized model test: fixed seeds drive thousands of random commands and clock moves
// through the engine and check its invariants after every single step.

#include "enginetestutil.h"

#include <QSet>
#include <QTest>

#include <random>

using namespace acdesk::engine;
using namespace acdesk::engine::test;

namespace {

EngineConfig modelConfig()
{
    EngineConfig cfg;
    QueueConfig q0 = makeQueue("q0", Strategy::LongestIdle);
    q0.wrapUpSeconds = 3;
    q0.offerTimeoutSeconds = 8;
    QueueConfig q1 = makeQueue("q1", Strategy::RingAll);
    q1.wrapUpSeconds = 0;
    q1.offerTimeoutSeconds = 6;
    q1.rejectSetsNotReady = false;
    QueueConfig q2 = makeQueue("q2", Strategy::RoundRobin);
    q2.requiredSkills.insert("french", 2);
    q2.escalation = {{5, 1}, {15, 3}};
    q2.maxWaitSeconds = 40;
    q2.overflowTo = "q0";
    QueueConfig q3 = makeQueue("q3", Strategy::Random);
    q3.joinEmpty = JoinEmpty::Overflow;
    q3.overflowTo = "q1";
    q3.maxWaitSeconds = 25;
    QueueConfig q4 = makeQueue("q4", Strategy::FewestCalls);
    q4.joinEmpty = JoinEmpty::Refuse;
    cfg.queues = {q0, q1, q2, q3, q4};
    cfg.agents = {
        makeAgent("a0", {"q0", "q1"}),
        makeAgent("a1", {"q0", "q2"}, 0, {{"french", 3}}),
        makeAgent("a2", {"q1", "q2", "q3"}, 1, {{"french", 2}}),
        makeAgent("a3", {"q2"}, 3, {{"french", 5}}),
        makeAgent("a4", {"q3", "q4"}, 0),
        makeAgent("a5", {"q0", "q1", "q2", "q3", "q4"}, 2, {{"french", 1}}),
        makeAgent("a6", {"q1"}),
        makeAgent("a7", {"q4", "q0"}),
    };
    cfg.graceSeconds = 20;
    cfg.watchdogSeconds = 0; // the invariants must hold without repairs
    return cfg;
}

class Model
{
public:
    Model(quint64 seed, qint64 start)
        : m_rng(seed)
        , m_clock(start)
    {
        m_cfg = modelConfig();
        m_cfg.randomSeed = seed + 1;
        m_engine = std::make_unique<Engine>(m_cfg, &m_clock);
        m_day = m_engine->dayStartMs();
    }

    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }

    QString anyAgent()
    {
        if (pick(50) == 0)
            return "nobody";
        return m_cfg.agents.at(pick(int(m_cfg.agents.size()))).id;
    }
    QString anyCall()
    {
        if (m_ids.isEmpty() || pick(40) == 0)
            return "ghost";
        // mostly recent calls: old ones are long gone
        const int n = int(m_ids.size());
        return m_ids.at(std::max(0, n - 1 - pick(std::min(n, 12))));
    }
    // Mostly an agent in the given state, so that call commands hit their targets.
    QString agentIn(AgentState state)
    {
        if (pick(4) == 0)
            return anyAgent();
        QStringList ids;
        for (const AgentInfo &ag : m_engine->agents()) {
            if (ag.state == state)
                ids.append(ag.id);
        }
        return ids.isEmpty() ? anyAgent() : ids.at(pick(int(ids.size())));
    }
    // A call the agent can act on, if any.
    QString callOf(const QString &agent)
    {
        const auto calls = m_engine->callsOfAgent(agent);
        return calls.empty() || pick(10) == 0 ? anyCall() : calls.front().id;
    }

    void step()
    {
        const QString a = anyAgent();
        switch (pick(28)) {
        case 0:
        case 1:
        case 2: {
            Arrival arr;
            arr.queue = m_cfg.queues.at(pick(int(m_cfg.queues.size()))).id;
            if (pick(4) == 0)
                arr.priority = pick(3);
            if (pick(10) == 0 && !m_ids.isEmpty())
                arr.id = m_ids.back(); // may conflict with a live call
            const Result r = m_engine->arrive(arr);
            if (r.ok())
                m_ids.append(r.callId);
            break;
        }
        case 3:
            m_engine->callerHangup(anyCall());
            break;
        case 4:
            m_engine->login(a, pick(2) ? QString("st-") + a : QString());
            break;
        case 5:
            if (pick(3) == 0)
                m_engine->logout(a);
            break;
        case 6:
        case 7:
            m_engine->setState(a, AgentState::Ready);
            break;
        case 8:
            m_engine->setState(a, AgentState::NotReady, pick(2) ? "break" : "");
            break;
        case 9:
        case 10: {
            const QString r = agentIn(AgentState::Ringing);
            if (m_engine->accept(r, callOf(r)).ok())
                ++m_accepted;
            break;
        }
        case 11: {
            const QString r = agentIn(AgentState::Ringing);
            m_engine->reject(r, callOf(r));
            break;
        }
        case 12: {
            const QString o = agentIn(AgentState::OnCall);
            m_engine->hangup(o, callOf(o));
            break;
        }
        case 13: {
            const QString o = agentIn(AgentState::OnCall);
            pick(2) ? m_engine->hold(o, callOf(o)) : m_engine->resume(o, callOf(o));
            break;
        }
        case 14: {
            const QString o = agentIn(AgentState::OnCall);
            TransferTarget t;
            const int k = pick(3);
            t.kind = TransferTarget::Kind(k);
            t.value = k == 0 ? m_cfg.queues.at(pick(int(m_cfg.queues.size()))).id
                             : (k == 1 ? anyAgent() : QString("+49301"));
            if (m_engine->transfer(o, callOf(o), t).ok())
                ++m_transferred;
            break;
        }
        case 15: {
            const Result r = m_engine->dial(a, "+4930555");
            if (r.ok())
                m_ids.append(r.callId);
            break;
        }
        case 16:
            m_engine->endWrapUp(a, pick(2) ? "solved" : "");
            break;
        case 17:
            m_engine->agentDisconnected(a);
            break;
        case 18:
            m_engine->agentReconnected(a);
            break;
        case 19:
            m_engine->phoneAnswered(anyCall());
            break;
        case 20:
            pick(2) ? m_engine->forceLogout(a) : m_engine->forceState(a, AgentState::NotReady);
            break;
        case 21:
            pick(2) ? m_engine->mute(a, callOf(a)) : m_engine->dtmf(a, callOf(a), "1#");
            break;
        case 22:
        case 23: {
            const QString o = agentIn(AgentState::OnCall);
            TransferTarget t;
            const int k = pick(3);
            t.kind = TransferTarget::Kind(k);
            t.value = k == 0 ? m_cfg.queues.at(pick(int(m_cfg.queues.size()))).id
                             : (k == 1 ? anyAgent() : QString("+49302"));
            if (m_engine->consult(o, callOf(o), t).ok())
                ++m_consulted;
            break;
        }
        case 24: {
            const QString o = agentIn(AgentState::OnCall);
            pick(2) ? m_engine->completeTransfer(o, callOf(o)) : m_engine->conference(o, callOf(o));
            break;
        }
        case 25: {
            const QString o = agentIn(AgentState::OnCall);
            pick(2) ? m_engine->cancelConsult(o, callOf(o)) : m_engine->consultGone(anyCall());
            break;
        }
        default:
            m_clock.advance(pick(4) == 0 ? pick(30000) : pick(3000));
            m_engine->advance();
            break;
        }
        m_records.take(m_engine->takeEvents());
    }

    static bool consulted(const Call &c, const QString &agent)
    {
        return c.consult && c.consult->agent == agent;
    }

    // Returns an empty string when every invariant holds, else what broke.
    QString check()
    {
        const qint64 now = m_clock.nowMs();
        const qint64 next = m_engine->nextDeadlineMs();
        if (next >= 0 && next <= now)
            return QString("deadline %1 in the past").arg(next - now);
        QHash<QString, int> connectedPerAgent;
        QHash<QString, Call> live;
        for (const Call &c : m_engine->calls()) {
            live.insert(c.id, c);
            if (c.consult) {
                // The consulting agent has the call; the consulted one rings or talks.
                if (c.consult->by != c.agent)
                    return "consultation by another agent than the call's " + c.id;
                if (!c.consult->agent.isEmpty()) {
                    const AgentState s = m_engine->agent(c.consult->agent).state;
                    const bool ringing = c.consult->state == Consult::State::Ringing;
                    if (s != (ringing ? AgentState::Ringing : AgentState::OnCall))
                        return "consulted agent in the wrong state " + c.id;
                } else if (c.consult->state == Consult::State::Ringing) {
                    return "a number's consultation ringing " + c.id;
                }
                if ((c.state == CallState::Held) !=
                    (c.consult->state != Consult::State::Conference))
                    return "caller not on hold during a consultation " + c.id;
            }
            if (c.state == CallState::Connected || c.state == CallState::Held) {
                if (c.agent.isEmpty())
                    return "connected call without agent " + c.id;
                if (++connectedPerAgent[c.agent] > 1)
                    return "agent with two connected calls " + c.agent;
                if (m_engine->agent(c.agent).state != AgentState::OnCall)
                    return "connected call's agent not on_call " + c.id;
            } else if (c.state == CallState::Ended) {
                return "ended call still live " + c.id;
            }
        }
        QHash<QString, int> ringingPerCall;
        for (const AgentInfo &ag : m_engine->agents()) {
            const auto calls = m_engine->callsOfAgent(ag.id);
            switch (ag.state) {
            case AgentState::Ringing:
                if (!ag.connected)
                    return "offer to a disconnected agent " + ag.id;
                if (calls.size() == 1 && consulted(calls[0], ag.id))
                    break;
                if (calls.size() != 1 || calls[0].state != CallState::Offered)
                    return "ringing without its offered call " + ag.id;
                ++ringingPerCall[calls[0].id];
                break;
            case AgentState::OnCall:
                if (calls.size() != 1 || (calls[0].agent != ag.id && !consulted(calls[0], ag.id)))
                    return "on_call without its call " + ag.id;
                break;
            default:
                if (!calls.empty())
                    return "calls of an idle agent " + ag.id;
                if (ag.pendingState && ag.state != AgentState::WrapUp)
                    return "pending outside call work " + ag.id;
            }
            if (ag.state == AgentState::LoggedOut && ag.connected)
                return "logged out but connected " + ag.id;
        }
        for (const Call &c : live) {
            const int n = ringingPerCall.value(c.id);
            if ((c.state == CallState::Offered) != (n > 0))
                return "offered state and ringing agents disagree " + c.id;
        }
        // Every call ever accepted is live or fully recorded (wrap-up may still be open).
        for (const QString &id : m_ids) {
            if (live.contains(id))
                continue;
            bool any = false;
            for (auto it = m_records.map().lower_bound({id, 0});
                 it != m_records.map().end() && it->first.first == id; ++it) {
                any = true;
                const CallRecord &r = it->second;
                if (!r.complete &&
                    !(r.endedAtMs > 0 && m_engine->agent(r.agent).state == AgentState::WrapUp))
                    return "ended call with an incomplete leg " + id;
            }
            if (!any)
                return "call without records " + id;
        }
        const bool exact = m_engine->dayStartMs() == m_day;
        for (const QString &q : m_engine->queueIds()) {
            const QueueStats s = m_engine->queueStats(q);
            const QueueToday &t = s.today;
            if (s.waiting != int(m_engine->waitingCalls(q).size()))
                return "waiting count " + q;
            const qint64 closed = t.answered + t.abandoned + t.shortAbandoned + t.overflowed;
            if (closed + (exact ? s.waiting : 0) > t.offered ||
                (exact && closed + s.waiting != t.offered))
                return QString("offered %1 != closed %2 + waiting %3 in %4")
                    .arg(t.offered)
                    .arg(closed)
                    .arg(s.waiting)
                    .arg(q);
            if (t.handled > t.answered || t.answeredInSl > t.answered ||
                t.transferredOut > t.answered)
                return "answered subsets " + q;
            const AgentCounts &a = s.agents;
            if (a.ready + a.ringing + a.onCall + a.wrapUp + a.notReady != a.loggedIn)
                return "agent counts " + q;
            if (t.serviceLevel && (*t.serviceLevel < 0 || *t.serviceLevel > 1))
                return "service level range " + q;
        }
        return {};
    }

    // After a restart from the stored records the summable numbers are the same.
    QString checkRestore()
    {
        ManualClock clock(m_clock.nowMs());
        Engine again(m_cfg, &clock);
        again.restoreDay(m_records.all());
        for (const QString &q : m_engine->queueIds()) {
            const QueueToday a = m_engine->queueStats(q).today;
            const QueueToday b = again.queueStats(q).today;
            if (a.offered != b.offered || a.answered != b.answered || a.abandoned != b.abandoned ||
                a.shortAbandoned != b.shortAbandoned || a.answeredInSl != b.answeredInSl ||
                a.handled != b.handled || a.overflowed != b.overflowed || a.ahtMs != b.ahtMs ||
                a.asaMs != b.asaMs)
                return QString("restore differs in %1: offered %2/%3 answered %4/%5 abandoned "
                               "%6/%7 short %8/%9 sl %10/%11 handled %12/%13 overflowed %14/%15")
                           .arg(q)
                           .arg(a.offered)
                           .arg(b.offered)
                           .arg(a.answered)
                           .arg(b.answered)
                           .arg(a.abandoned)
                           .arg(b.abandoned)
                           .arg(a.shortAbandoned)
                           .arg(b.shortAbandoned)
                           .arg(a.answeredInSl)
                           .arg(b.answeredInSl)
                           .arg(a.handled)
                           .arg(b.handled)
                           .arg(a.overflowed)
                           .arg(b.overflowed) +
                       QString(" aht %1/%2").arg(a.ahtMs.value_or(-1)).arg(b.ahtMs.value_or(-1));
        }
        for (const AgentInfo &ag : m_engine->agents()) {
            const AgentInfo r = again.agent(ag.id);
            if (r.answeredToday != ag.answeredToday)
                return "restored answeredToday differs " + ag.id;
        }
        return {};
    }

    std::mt19937_64 m_rng;
    ManualClock m_clock;
    EngineConfig m_cfg;
    std::unique_ptr<Engine> m_engine;
    RecordStore m_records;
    QStringList m_ids;
    qint64 m_day = 0;
    int m_accepted = 0;
    int m_transferred = 0;
    int m_consulted = 0;
};

} // namespace

class TstEngineModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void randomSequences_data();
    void randomSequences();
};

void TstEngineModel::randomSequences_data()
{
    QTest::addColumn<quint64>("firstSeed");
    QTest::addColumn<qint64>("start");
    QTest::newRow("daytime") << quint64(1) << berlin(2026, 11, 24, 6);
    QTest::newRow("across midnight") << quint64(1001) << berlin(2026, 11, 24, 23, 30);
    QTest::newRow("dst autumn night") << quint64(2001) << berlin(2026, 10, 24, 23, 40);
}

void TstEngineModel::randomSequences()
{
    QFETCH(quint64, firstSeed);
    QFETCH(qint64, start);
    const int seeds = 40;
    const int steps = 1500;
    int accepted = 0;
    int transferred = 0;
    int consulted = 0;
    for (quint64 seed = firstSeed; seed < firstSeed + seeds; ++seed) {
        Model m(seed, start);
        for (int i = 0; i < steps; ++i) {
            m.step();
            const QString broken = m.check();
            if (!broken.isEmpty())
                QFAIL(qPrintable(QString("seed %1 step %2: %3").arg(seed).arg(i).arg(broken)));
        }
        accepted += m.m_accepted;
        transferred += m.m_transferred;
        consulted += m.m_consulted;
        const QString broken = m.checkRestore();
        if (!broken.isEmpty())
            QFAIL(qPrintable(QString("seed %1: %2").arg(seed).arg(broken)));
    }
    // the sequences really exercise the call paths
    qInfo("accepted %d, transferred %d, consulted %d", accepted, transferred, consulted);
    QVERIFY(accepted > seeds * 15);
    QVERIFY(transferred > seeds * 5);
    QVERIFY(consulted > seeds * 5);
}

QTEST_GUILESS_MAIN(TstEngineModel)
#include "tst_engine_model.moc"
