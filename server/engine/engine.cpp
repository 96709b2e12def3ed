#include "engine.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <tuple>
#include <unordered_map>

namespace acdesk::engine {

namespace {

constexpr int kNoLimit = std::numeric_limits<int>::max();

enum class TimerKind { OfferTimeout, WrapUpEnd, MaxWait, Escalation, Grace, Midnight, Watchdog };

struct Timer
{
    TimerKind kind = TimerKind::Midnight;
    int agent = -1;
    QString call;
};

using TimerKey = std::pair<qint64, quint64>; // due, sequence: equal times fire in order set
using ReadyKey = std::tuple<int, qint64, qint64, int>; // penalty, k1, k2, agent index

struct LegState
{
    CallRecord rec;
    QueueDay contrib;
    bool counted = false; // contributes to today's aggregate of its queue
    int queue = -1;
};

struct CallRt;

struct WaitKey
{
    int negPriority;
    quint64 seq;
    CallRt *call;
    bool operator<(const WaitKey &o) const
    {
        return std::tie(negPriority, seq) < std::tie(o.negPriority, o.seq);
    }
};

struct CallRt
{
    Call snap;
    quint64 seq = 0; // position in its queue; kept when the call goes back
    int queue = -1;  // queue of the current (queue) leg; the call's queue for direct legs
    int maxPenalty = kNoLimit;
    std::size_t nextRule = 0;
    std::vector<int> offeredTo;
    int agent = -1;
    qint64 holdStartMs = 0;
    qint64 holdMs = 0;
    qint64 waitedBeforeMs = 0;
    int legCount = 0;
    LegState leg;
    bool inWaiting = false;
    bool inUnanswered = false;
    std::optional<TimerKey> maxWaitTimer;
    std::optional<TimerKey> escalationTimer;
};

struct Membership
{
    int queue;
    int penalty;
    qint64 score; // sum of the agent's levels of the queue's required skills
};

struct AgentRt
{
    AgentConfig cfg;
    int idx = 0;
    AgentState state = AgentState::LoggedOut;
    QString reason;
    qint64 sinceMs = 0;
    std::optional<AgentState> pendingState;
    QString pendingReason;
    bool connected = false;
    QString station;
    qint64 idleSinceMs = 0;
    qint64 answeredToday = 0;
    qint64 talkTodayMs = 0;
    QString offeredCall;
    QString activeCall;
    std::optional<TimerKey> offerTimer;
    std::optional<TimerKey> wrapTimer;
    std::optional<TimerKey> graceTimer;
    std::optional<LegState> wrapLeg;
    qint64 wrapStartMs = 0;
    std::vector<Membership> eligible; // queues whose calls it may take
    std::vector<int> memberOf;        // every queue it belongs to (agents by state)
    bool inReady = false;
    bool removed = false; // gone from the config: no offers; kept until logged out
    qint64 keyIdle = 0;   // values the ready-set keys were built from
    qint64 keyAnswered = 0;
    qint64 keyTalk = 0;
};

struct QueueRt
{
    QueueConfig cfg;
    int idx = 0;
    int overflow = -1;
    std::set<WaitKey> waiting;                       // queued, not offered
    std::set<std::pair<qint64, quint64>> unanswered; // legStart, seq: queued+offered
    std::set<ReadyKey> ready;                        // ready connected eligible agents
    std::vector<std::pair<int, int>> members;        // agent, penalty (all members)
    std::vector<int> eligibleMembers;
    QueueDay today;
    int rrLast = -1;
    bool needsRouting = false; // in toRoute
    bool statsDirty = false;
    bool removed = false; // gone from the config; its index stays valid for old legs
};

Result fail(ErrorKind k, const QString &msg)
{
    Result r;
    r.code = k;
    r.message = msg;
    return r;
}

bool validDigits(const QString &digits)
{
    if (digits.isEmpty())
        return false;
    for (QChar c : digits) {
        if (!(c.isDigit() && c.unicode() < 128) && c != QLatin1Char('*') && c != QLatin1Char('#'))
            return false;
    }
    return true;
}

} // namespace

struct Engine::Impl
{
    EngineConfig config;
    Clock *clock = nullptr;
    QTimeZone tz;
    qint64 now = 0;
    qint64 dayStart = 0;
    qint64 dayEnd = 0;
    std::vector<QueueRt> queues;
    std::vector<AgentRt> agents;
    QHash<QString, int> queueIndex;
    QHash<QString, int> agentIndex;
    QHash<QString, int> hotlineIndex;
    // Legs numbered per call id and day: a gateway may reuse the id of an ended call, and
    // (call id, leg) must stay a unique record key.
    QHash<QString, int> legsToday;
    std::unordered_map<QString, std::unique_ptr<CallRt>> calls;
    std::map<TimerKey, Timer> timers;
    quint64 timerSeq = 0;
    quint64 callSeq = 0;
    quint64 nextCallNumber = 1;
    quint64 decisions = 0;
    std::vector<int> toRoute;
    std::vector<int> statsDirty;
    std::vector<Event> events;
    std::mt19937_64 rng;

    // ---------- setup ----------

    Impl(const EngineConfig &cfg, Clock *c)
        : config(cfg)
        , clock(c)
    {
        tz = QTimeZone(cfg.timeZone.toUtf8());
        if (!tz.isValid())
            tz = QTimeZone::utc();
        rng.seed(cfg.randomSeed ? cfg.randomSeed : std::random_device{}());
        queues.reserve(std::size_t(cfg.queues.size()));
        for (const QueueConfig &qc : cfg.queues) {
            QueueRt q;
            q.cfg = qc;
            sortEscalation(q.cfg);
            q.idx = int(queues.size());
            queueIndex.insert(qc.id, q.idx);
            queues.push_back(std::move(q));
        }
        for (QueueRt &q : queues)
            q.overflow = q.cfg.overflowTo.isEmpty() ? -1 : queueIndex.value(q.cfg.overflowTo, -1);
        for (int i = 0; i < cfg.hotlines.size(); ++i)
            hotlineIndex.insert(cfg.hotlines.at(i).number, i);
        agents.reserve(std::size_t(cfg.agents.size()));
        for (const AgentConfig &ac : cfg.agents) {
            AgentRt a;
            a.cfg = ac;
            a.idx = int(agents.size());
            agentIndex.insert(ac.id, a.idx);
            buildMemberships(a);
            agents.push_back(std::move(a));
        }
        now = clock->nowMs();
        computeDay(now);
        addTimer(dayEnd, {TimerKind::Midnight, -1, {}});
        if (config.watchdogSeconds > 0)
            addTimer(now + qint64(config.watchdogSeconds) * 1000, {TimerKind::Watchdog, -1, {}});
    }

    // The agent's place in its queues: every membership, and those whose required skills
    // it has (which it may be offered calls of).
    void buildMemberships(AgentRt &a)
    {
        for (const QueueMembership &m : a.cfg.queues) {
            const int qi = queueIndex.value(m.queue, -1);
            if (qi < 0)
                continue;
            QueueRt &q = queues[std::size_t(qi)];
            const int penalty = m.penalty >= 0 ? m.penalty : a.cfg.penalty;
            q.members.emplace_back(a.idx, penalty);
            a.memberOf.push_back(qi);
            bool ok = true;
            qint64 score = 0;
            for (auto it = q.cfg.requiredSkills.cbegin(); it != q.cfg.requiredSkills.cend(); ++it) {
                const int level = a.cfg.skills.value(it.key(), -1);
                if (level < it.value()) {
                    ok = false;
                    break;
                }
                score += level;
            }
            if (ok) {
                a.eligible.push_back({qi, penalty, score});
                q.eligibleMembers.push_back(a.idx);
            }
        }
    }

    static void sortEscalation(QueueConfig &cfg)
    {
        std::sort(cfg.escalation.begin(), cfg.escalation.end(),
                  [](const EscalationRule &a, const EscalationRule &b) {
                      return a.afterSeconds < b.afterSeconds;
                  });
    }

    // ---------- live configuration ----------

    // Applies queues, agents, hotlines and reasons of @p next to the running state. Queues
    // and agents are matched by id; one that goes away stays in its vector (its index is
    // in legs, timers and sets) marked removed. Nothing else changes: calls keep talking,
    // waiting calls keep their place, today's figures stay.
    Result reconfigureImpl(const EngineConfig &next)
    {
        QSet<QString> nextQueues;
        for (const QueueConfig &qc : next.queues)
            nextQueues.insert(qc.id);
        // A removed queue's waiting callers go on to its overflow queue (through removed
        // ones, as configured before): refused before anything changes when there is none.
        std::vector<std::pair<int, QString>> moves;
        for (const QueueRt &q : queues) {
            if (q.removed || nextQueues.contains(q.cfg.id) || q.unanswered.empty())
                continue;
            QString target = q.cfg.overflowTo;
            for (std::size_t hops = 0;
                 !target.isEmpty() && !nextQueues.contains(target) && hops < queues.size();
                 ++hops) {
                const int qi = queueIndex.value(target, -1);
                target = qi < 0 ? QString() : queues[std::size_t(qi)].cfg.overflowTo;
            }
            if (target.isEmpty() || !nextQueues.contains(target))
                return fail(ErrorKind::InvalidState,
                            QStringLiteral("queue \"%1\" still has %2 waiting calls and no "
                                           "overflowTo that stays: give it one (they move "
                                           "there), or remove it when it is empty")
                                .arg(q.cfg.id)
                                .arg(q.unanswered.size()));
            moves.emplace_back(q.idx, target);
        }

        // Everyone out of the ready sets: their keys depend on strategies, penalties, skills.
        for (AgentRt &a : agents) {
            if (!a.inReady)
                continue;
            for (const Membership &m : a.eligible)
                queues[std::size_t(m.queue)].ready.erase(readyKey(a, m));
            a.inReady = false;
        }

        for (const QueueConfig &qc : next.queues) {
            int qi = queueIndex.value(qc.id, -1);
            for (std::size_t i = 0; qi < 0 && i < queues.size(); ++i)
                if (queues[i].removed && queues[i].cfg.id == qc.id)
                    qi = int(i); // removed earlier, back again
            if (qi < 0) {
                QueueRt q;
                q.idx = int(queues.size());
                queues.push_back(std::move(q));
                qi = int(queues.size()) - 1;
            }
            QueueRt &q = queues[std::size_t(qi)];
            q.cfg = qc;
            sortEscalation(q.cfg);
            q.removed = false;
            queueIndex.insert(qc.id, qi);
        }
        for (QueueRt &q : queues) {
            if (!q.removed && !nextQueues.contains(q.cfg.id)) {
                q.removed = true;
                queueIndex.remove(q.cfg.id);
            }
        }
        for (QueueRt &q : queues)
            q.overflow = q.removed || q.cfg.overflowTo.isEmpty()
                             ? -1
                             : queueIndex.value(q.cfg.overflowTo, -1);
        hotlineIndex.clear();
        for (int i = 0; i < next.hotlines.size(); ++i)
            hotlineIndex.insert(next.hotlines.at(i).number, i);

        QSet<QString> nextAgents;
        for (const AgentConfig &ac : next.agents) {
            nextAgents.insert(ac.id);
            int ai = agentIndex.value(ac.id, -1);
            if (ai < 0) {
                AgentRt a;
                a.idx = int(agents.size());
                agents.push_back(std::move(a));
                ai = int(agents.size()) - 1;
                agentIndex.insert(ac.id, ai);
            }
            agents[std::size_t(ai)].cfg = ac;
            agents[std::size_t(ai)].removed = false;
        }
        for (QueueRt &q : queues) {
            q.members.clear();
            q.eligibleMembers.clear();
        }
        for (AgentRt &a : agents) {
            a.memberOf.clear();
            a.eligible.clear();
            a.removed = !nextAgents.contains(a.cfg.id);
            if (!a.removed)
                buildMemberships(a);
        }

        for (const auto &[qi, target] : moves) {
            std::vector<CallRt *> waiting;
            for (const auto &entry : calls)
                if (entry.second->queue == qi && entry.second->inUnanswered)
                    waiting.push_back(entry.second.get());
            std::sort(waiting.begin(), waiting.end(),
                      [](const CallRt *a, const CallRt *b) { return a->seq < b->seq; });
            queues[std::size_t(qi)].overflow = queueIndex.value(target);
            for (CallRt *c : waiting)
                overflow(*c);
            queues[std::size_t(qi)].overflow = -1;
        }

        // A removed agent takes no more calls: a ringing offer goes to the next agent; an
        // idle one is logged out now, one with call work when its session's grace ends.
        for (AgentRt &a : agents) {
            if (!a.removed || a.state == AgentState::LoggedOut)
                continue;
            if (a.state == AgentState::Ringing) {
                if (CallRt *c = findCall(a.offeredCall))
                    dropOffer(*c, a, EndCause::Withdrawn);
                endCallWork(a, true); // logs it out
            } else if (a.activeCall.isEmpty() && a.state != AgentState::WrapUp) {
                doLogout(a);
            }
        }

        for (AgentRt &a : agents)
            syncReady(a);
        for (QueueRt &q : queues) {
            if (q.removed)
                continue;
            markForRouting(q.idx);
            markStats(q.idx);
        }
        config.queues = next.queues;
        config.agents = next.agents;
        config.hotlines = next.hotlines;
        config.reasons = next.reasons;
        return {};
    }

    void computeDay(qint64 t)
    {
        const QDate date = QDateTime::fromMSecsSinceEpoch(t, tz).date();
        dayStart = QDateTime(date, QTime(0, 0), tz).toMSecsSinceEpoch();
        dayEnd = QDateTime(date.addDays(1), QTime(0, 0), tz).toMSecsSinceEpoch();
    }

    // ---------- helpers ----------

    AgentRt *findAgent(const QString &id)
    {
        const auto it = agentIndex.constFind(id);
        return it == agentIndex.cend() ? nullptr : &agents[std::size_t(*it)];
    }
    CallRt *findCall(const QString &id)
    {
        const auto it = calls.find(id);
        return it == calls.end() ? nullptr : it->second.get();
    }
    QueueRt *queueOf(const CallRt &c)
    {
        return c.queue >= 0 ? &queues[std::size_t(c.queue)] : nullptr;
    }

    TimerKey addTimer(qint64 due, Timer t)
    {
        const TimerKey k{due, ++timerSeq};
        timers.emplace(k, std::move(t));
        return k;
    }
    void cancelTimer(std::optional<TimerKey> &k)
    {
        if (k) {
            timers.erase(*k);
            k.reset();
        }
    }

    void markForRouting(int qi)
    {
        QueueRt &q = queues[std::size_t(qi)];
        if (!q.needsRouting) {
            q.needsRouting = true;
            toRoute.push_back(qi);
        }
    }
    void markStats(int qi)
    {
        QueueRt &q = queues[std::size_t(qi)];
        if (!q.statsDirty) {
            q.statsDirty = true;
            statsDirty.push_back(qi);
        }
    }
    void emitQueueChanges()
    {
        for (int qi : statsDirty) {
            queues[std::size_t(qi)].statsDirty = false;
            events.emplace_back(QueueChanged{queues[std::size_t(qi)].cfg.id});
        }
        statsDirty.clear();
    }

    Call snapshot(const CallRt &c) const
    {
        Call s = c.snap;
        switch (c.snap.state) {
        case CallState::Queued:
        case CallState::Offered:
            s.waitedMs = c.waitedBeforeMs + (now - c.leg.rec.legStartMs);
            break;
        default:
            s.waitedMs = c.waitedBeforeMs + c.leg.rec.waitMs;
        }
        s.agent = c.agent >= 0 ? agents[std::size_t(c.agent)].cfg.id : QString();
        return s;
    }

    void emitTel(TelephonyKind kind, const CallRt &c, const AgentRt *a = nullptr,
                 const QString &number = {}, const QString &digits = {})
    {
        Telephony t;
        t.kind = kind;
        t.call = c.snap.id;
        t.origin = c.snap.origin;
        if (a) {
            t.agent = a->cfg.id;
            t.station = a->station;
        }
        t.number = number;
        t.digits = digits;
        events.emplace_back(std::move(t));
    }

    void emitAgent(const AgentRt &a)
    {
        AgentStateChanged e;
        e.agent = a.cfg.id;
        e.state = a.state;
        e.reason = a.reason;
        e.sinceMs = a.sinceMs;
        e.pendingState = a.pendingState;
        e.pendingReason = a.pendingReason;
        e.connected = a.connected;
        events.emplace_back(std::move(e));
    }

    void setAgentState(AgentRt &a, AgentState s, const QString &reason = {})
    {
        const QString r = s == AgentState::NotReady ? reason : QString();
        if (a.state == s && a.reason == r)
            return;
        a.state = s;
        a.reason = r;
        a.sinceMs = now;
        emitAgent(a);
        for (int qi : a.memberOf)
            markStats(qi);
        syncReady(a);
    }

    ReadyKey readyKey(const AgentRt &a, const Membership &m) const
    {
        const Strategy s = queues[std::size_t(m.queue)].cfg.strategy;
        switch (s) {
        case Strategy::LongestIdle:
            return {m.penalty, a.keyIdle, 0, a.idx};
        case Strategy::FewestCalls:
            return {m.penalty, a.keyAnswered, a.keyIdle, a.idx};
        case Strategy::LeastTalkTime:
            return {m.penalty, a.keyTalk, a.keyIdle, a.idx};
        case Strategy::Skills:
            return {m.penalty, -m.score, a.keyIdle, a.idx};
        default:
            return {m.penalty, 0, 0, a.idx};
        }
    }

    // The ready sets hold exactly the agents that are ready and connected.
    void syncReady(AgentRt &a)
    {
        const bool want = a.state == AgentState::Ready && a.connected;
        if (want == a.inReady)
            return;
        if (want) {
            a.keyIdle = a.idleSinceMs;
            a.keyAnswered = a.answeredToday;
            a.keyTalk = a.talkTodayMs;
            for (const Membership &m : a.eligible) {
                queues[std::size_t(m.queue)].ready.insert(readyKey(a, m));
                markForRouting(m.queue);
            }
        } else {
            for (const Membership &m : a.eligible)
                queues[std::size_t(m.queue)].ready.erase(readyKey(a, m));
        }
        a.inReady = want;
    }

    void setIdleReady(AgentRt &a, bool keepIdle)
    {
        if (!keepIdle || a.idleSinceMs == 0)
            a.idleSinceMs = now;
        setAgentState(a, AgentState::Ready);
    }

    // Call work (or an offer) is over: apply the pending state, otherwise ready.
    void endCallWork(AgentRt &a, bool keepIdle)
    {
        if (a.removed) {
            doLogout(a); // gone from the config: with its call work over, it is done
            return;
        }
        const std::optional<AgentState> p = a.pendingState;
        const QString pr = a.pendingReason;
        a.pendingState.reset();
        a.pendingReason.clear();
        if (p == AgentState::NotReady) {
            setAgentState(a, AgentState::NotReady, pr);
        } else {
            const bool wasReadyBefore = a.state == AgentState::Ready;
            setIdleReady(a, keepIdle);
            if (wasReadyBefore && p)
                emitAgent(a); // pending cleared
        }
    }

    // ---------- legs ----------

    void updateLeg(LegState &l)
    {
        if (l.rec.kind == LegKind::Queue && l.queue >= 0) {
            QueueRt &q = queues[std::size_t(l.queue)];
            const QueueDay c = legContribution(l.rec, q.cfg.slSeconds, q.cfg.shortAbandonSeconds);
            if (l.counted) {
                q.today.subtract(l.contrib);
                q.today.add(c);
            }
            l.contrib = c;
            markStats(l.queue);
        }
        events.emplace_back(RecordChanged{l.rec});
    }

    void newLeg(CallRt &c, LegKind kind, int qi)
    {
        ++c.legCount;
        LegState l;
        l.rec.callId = c.snap.id;
        l.rec.leg = ++legsToday[c.snap.id];
        l.rec.kind = kind;
        l.rec.queue = qi >= 0 ? queues[std::size_t(qi)].cfg.id : QString();
        l.rec.direction = c.snap.direction;
        l.rec.callerNumber = c.snap.callerNumber;
        l.rec.callerName = c.snap.callerName;
        l.rec.hotlineNumber = c.snap.hotlineNumber;
        l.rec.origin = c.snap.origin;
        l.rec.priority = c.snap.priority;
        l.rec.arrivedAtMs = c.snap.arrivedAtMs;
        l.rec.legStartMs = now;
        l.queue = kind == LegKind::Queue ? qi : -1;
        l.counted = kind == LegKind::Queue && now >= dayStart;
        c.leg = std::move(l);
        if (c.leg.counted) {
            QueueRt &q = queues[std::size_t(qi)];
            c.leg.contrib = legContribution(c.leg.rec, q.cfg.slSeconds, q.cfg.shortAbandonSeconds);
            q.today.add(c.leg.contrib);
            markStats(qi);
        }
        events.emplace_back(RecordChanged{c.leg.rec});
    }

    void scheduleEscalation(CallRt &c)
    {
        const QueueRt &q = queues[std::size_t(c.queue)];
        cancelTimer(c.escalationTimer);
        if (c.nextRule < q.cfg.escalation.size()) {
            const qint64 due =
                c.leg.rec.legStartMs + qint64(q.cfg.escalation[c.nextRule].afterSeconds) * 1000;
            c.escalationTimer = addTimer(due, {TimerKind::Escalation, -1, c.snap.id});
        }
    }

    void enterQueue(CallRt &c, int qi)
    {
        QueueRt &q = queues[std::size_t(qi)];
        newLeg(c, LegKind::Queue, qi);
        c.queue = qi;
        c.snap.queue = q.cfg.id;
        c.snap.state = CallState::Queued;
        c.snap.answeredAtMs = 0;
        c.snap.muted = false;
        c.agent = -1;
        c.holdMs = 0;
        c.seq = ++callSeq;
        c.maxPenalty = q.cfg.escalation.empty() ? kNoLimit : 0;
        c.nextRule = 0;
        while (c.nextRule < q.cfg.escalation.size() &&
               q.cfg.escalation[c.nextRule].afterSeconds <= 0)
            c.maxPenalty = q.cfg.escalation[c.nextRule++].maxPenalty;
        scheduleEscalation(c);
        cancelTimer(c.maxWaitTimer);
        if (q.overflow >= 0 && q.cfg.maxWaitSeconds > 0)
            c.maxWaitTimer = addTimer(now + qint64(q.cfg.maxWaitSeconds) * 1000,
                                      {TimerKind::MaxWait, -1, c.snap.id});
        q.unanswered.insert({now, c.seq});
        c.inUnanswered = true;
        insertWaiting(c);
    }

    void insertWaiting(CallRt &c)
    {
        QueueRt &q = queues[std::size_t(c.queue)];
        q.waiting.insert({-c.snap.priority, c.seq, &c});
        c.inWaiting = true;
        c.snap.state = CallState::Queued;
        markForRouting(c.queue);
        markStats(c.queue);
    }

    void removeWaiting(CallRt &c)
    {
        if (c.inWaiting) {
            queues[std::size_t(c.queue)].waiting.erase({-c.snap.priority, c.seq, &c});
            c.inWaiting = false;
        }
    }

    // The call leaves its queue leg's unanswered state (answered, abandoned, overflowed).
    void leaveQueue(CallRt &c)
    {
        removeWaiting(c);
        if (c.inUnanswered) {
            QueueRt &q = queues[std::size_t(c.queue)];
            q.unanswered.erase({c.leg.rec.legStartMs, c.seq});
            c.inUnanswered = false;
            markStats(c.queue);
        }
        cancelTimer(c.maxWaitTimer);
        cancelTimer(c.escalationTimer);
    }

    // Which queue an arrival/transfer really joins; -1 = refused.
    int resolveJoin(int qi)
    {
        for (std::size_t hops = 0; hops <= queues.size(); ++hops) {
            const QueueRt &q = queues[std::size_t(qi)];
            if (q.cfg.joinEmpty == JoinEmpty::Join)
                return qi;
            const bool anyone =
                std::any_of(q.eligibleMembers.begin(), q.eligibleMembers.end(), [this](int ai) {
                    return agents[std::size_t(ai)].state != AgentState::LoggedOut;
                });
            if (anyone)
                return qi;
            if (q.cfg.joinEmpty == JoinEmpty::Refuse)
                return -1;
            if (q.overflow < 0)
                return qi;
            qi = q.overflow;
        }
        return qi;
    }

    // ---------- routing ----------

    CallRt *firstMatchable(QueueRt &q)
    {
        if (q.ready.empty() || q.waiting.empty())
            return nullptr;
        const int p0 = std::get<0>(*q.ready.begin());
        for (const WaitKey &w : q.waiting) {
            if (w.call->maxPenalty >= p0)
                return w.call;
        }
        return nullptr;
    }

    void routeWaitingCalls()
    {
        while (!toRoute.empty()) {
            CallRt *best = nullptr;
            for (std::size_t i = 0; i < toRoute.size();) {
                QueueRt &q = queues[std::size_t(toRoute[i])];
                CallRt *c = firstMatchable(q);
                if (!c) {
                    q.needsRouting = false;
                    toRoute[i] = toRoute.back();
                    toRoute.pop_back();
                    continue;
                }
                if (!best || std::make_pair(-c->snap.priority, c->seq) <
                                 std::make_pair(-best->snap.priority, best->seq))
                    best = c;
                ++i;
            }
            if (!best)
                break;
            offerCall(*best);
        }
    }

    void offerCall(CallRt &c)
    {
        QueueRt &q = queues[std::size_t(c.queue)];
        const int p0 = std::get<0>(*q.ready.begin());
        std::vector<int> chosen;
        switch (q.cfg.strategy) {
        case Strategy::RingAll:
            for (auto it = q.ready.begin(); it != q.ready.end() && std::get<0>(*it) == p0; ++it)
                chosen.push_back(std::get<3>(*it));
            break;
        case Strategy::RoundRobin: {
            auto it = q.ready.lower_bound(ReadyKey{p0, 0, 0, q.rrLast + 1});
            if (it == q.ready.end() || std::get<0>(*it) != p0)
                it = q.ready.begin();
            chosen.push_back(std::get<3>(*it));
            q.rrLast = std::get<3>(*it);
            break;
        }
        case Strategy::Random: {
            std::size_t n = 0;
            for (auto it = q.ready.begin(); it != q.ready.end() && std::get<0>(*it) == p0; ++it)
                ++n;
            std::uniform_int_distribution<std::size_t> dist(0, n - 1);
            auto it = q.ready.begin();
            std::advance(it, std::ptrdiff_t(dist(rng)));
            chosen.push_back(std::get<3>(*it));
            break;
        }
        default:
            chosen.push_back(std::get<3>(*q.ready.begin()));
        }
        removeWaiting(c);
        ++decisions;
        for (int ai : chosen)
            offerTo(c, agents[std::size_t(ai)]);
    }

    void offerTo(CallRt &c, AgentRt &a)
    {
        const QueueRt *q = queueOf(c);
        // A call outside any queue (put through to an agent) rings as long as a queue's
        // offer does by default.
        const qint64 timeoutMs =
            qint64(q ? q->cfg.offerTimeoutSeconds : QueueConfig().offerTimeoutSeconds) * 1000;
        a.offeredCall = c.snap.id;
        setAgentState(a, AgentState::Ringing);
        if (timeoutMs > 0)
            a.offerTimer = addTimer(now + timeoutMs, {TimerKind::OfferTimeout, a.idx, c.snap.id});
        c.offeredTo.push_back(a.idx);
        c.snap.state = CallState::Offered;
        if (c.leg.rec.offeredAtMs == 0)
            c.leg.rec.offeredAtMs = now;
        if (c.queue >= 0)
            markStats(c.queue);
        events.emplace_back(CallOffered{a.cfg.id, snapshot(c), timeoutMs});
        if (!a.station.isEmpty())
            emitTel(TelephonyKind::Ring, c, &a);
    }

    // Ends one agent's offer of a call. The caller decides the agent's next state; the
    // call goes back to its queue when nobody rings any more (unless requeue is false).
    void dropOffer(CallRt &c, AgentRt &a, EndCause cause, bool requeue = true)
    {
        cancelTimer(a.offerTimer);
        a.offeredCall.clear();
        c.offeredTo.erase(std::remove(c.offeredTo.begin(), c.offeredTo.end(), a.idx),
                          c.offeredTo.end());
        Call s = snapshot(c);
        if (c.offeredTo.empty() && requeue)
            s.state = CallState::Queued;
        events.emplace_back(CallEnded{a.cfg.id, s, cause});
        if (!a.station.isEmpty())
            emitTel(TelephonyKind::Cancel, c, &a);
        if (c.offeredTo.empty() && requeue)
            requeueCall(c, cause);
    }

    void requeueCall(CallRt &c, EndCause cause)
    {
        if (c.leg.rec.kind == LegKind::Queue) {
            insertWaiting(c); // old seq: the old position
            return;
        }
        // A direct (agent) transfer that was not taken: to the call's queue, or dropped.
        closeLeg(c, cause);
        c.waitedBeforeMs += c.leg.rec.waitMs;
        if (c.queue >= 0 && !queues[std::size_t(c.queue)].removed) {
            enterQueue(c, c.queue);
        } else {
            emitTel(TelephonyKind::Drop, c);
            calls.erase(c.snap.id);
        }
    }

    void withdrawAll(CallRt &c, EndCause cause)
    {
        const std::vector<int> ringing = c.offeredTo;
        for (int ai : ringing) {
            AgentRt &a = agents[std::size_t(ai)];
            dropOffer(c, a, cause, false);
            endCallWork(a, true);
        }
    }

    void connectCall(CallRt &c, AgentRt &a, bool bridge)
    {
        const std::vector<int> others = c.offeredTo;
        for (int ai : others) {
            if (ai == a.idx)
                continue;
            AgentRt &o = agents[std::size_t(ai)];
            dropOffer(c, o, EndCause::Withdrawn, false);
            endCallWork(o, true);
        }
        cancelTimer(a.offerTimer);
        a.offeredCall.clear();
        a.activeCall = c.snap.id;
        c.offeredTo.clear();
        if (c.leg.rec.kind == LegKind::Queue)
            leaveQueue(c);
        c.agent = a.idx;
        c.snap.state = CallState::Connected;
        c.snap.answeredAtMs = now;
        c.leg.rec.answeredAtMs = now;
        c.leg.rec.waitMs = now - c.leg.rec.legStartMs;
        c.leg.rec.agent = a.cfg.id;
        updateLeg(c.leg);
        if (now >= dayStart)
            ++a.answeredToday;
        setAgentState(a, AgentState::OnCall);
        events.emplace_back(CallUpdated{{a.cfg.id}, snapshot(c)});
        if (bridge)
            emitTel(TelephonyKind::Bridge, c, &a);
    }

    /**
     * The one place a call's current leg ends: its wait (not answered) or its talk and
     * hold (answered), the cause and where the call went. A leg that was never answered
     * is complete at once; an answered one when its wrap-up is (startWrapUp), unless the
     * leg has no wrap-up to wait for (@p complete).
     */
    void closeLeg(CallRt &c, EndCause cause, const QString &transferTo = {}, bool complete = false)
    {
        CallRecord &r = c.leg.rec;
        r.endedAtMs = now;
        if (c.snap.state == CallState::Connected || c.snap.state == CallState::Held) {
            if (c.snap.state == CallState::Held)
                c.holdMs += now - c.holdStartMs;
            r.holdMs = c.holdMs;
            r.talkMs = now - r.answeredAtMs - c.holdMs;
        } else {
            r.waitMs = now - r.legStartMs;
            complete = true;
        }
        r.cause = cause;
        r.transferTo = transferTo;
        r.complete = complete;
        updateLeg(c.leg);
    }

    // Ends the agent's part of a connected call; the leg moves to the agent's wrap-up.
    void endConnected(CallRt &c, EndCause cause, const QString &transferTo = {})
    {
        AgentRt &a = agents[std::size_t(c.agent)];
        closeLeg(c, cause, transferTo);
        const CallRecord &r = c.leg.rec;
        if (r.answeredAtMs >= dayStart)
            a.talkTodayMs += r.talkMs;
        a.activeCall.clear();
        Call s = snapshot(c);
        s.state = CallState::Ended;
        events.emplace_back(CallEnded{a.cfg.id, s, cause});
        c.waitedBeforeMs += r.waitMs;
        c.agent = -1;
        c.holdMs = 0;
        c.snap.muted = false;
        LegState leg = std::move(c.leg);
        c.leg = LegState{};
        startWrapUp(a, std::move(leg), cause != EndCause::AgentLost);
    }

    void startWrapUp(AgentRt &a, LegState leg, bool allowWrap)
    {
        int wrapS = 0;
        if (allowWrap && leg.rec.kind != LegKind::Outbound) {
            const int qi = queueIndex.value(leg.rec.queue, -1);
            wrapS = qi >= 0 ? queues[std::size_t(qi)].cfg.wrapUpSeconds : 0;
        }
        if (wrapS <= 0) {
            leg.rec.complete = true;
            updateLeg(leg);
            endCallWork(a, false);
            return;
        }
        a.wrapLeg = std::move(leg);
        updateLeg(*a.wrapLeg);
        a.wrapStartMs = now;
        setAgentState(a, AgentState::WrapUp);
        a.wrapTimer = addTimer(now + qint64(wrapS) * 1000, {TimerKind::WrapUpEnd, a.idx, {}});
    }

    void finishWrapUp(AgentRt &a, const QString &disposition, const QString &notes, bool applyNext)
    {
        cancelTimer(a.wrapTimer);
        if (a.wrapLeg) {
            CallRecord &r = a.wrapLeg->rec;
            r.wrapUpMs = now - a.wrapStartMs;
            r.wrapUpEndedAtMs = now;
            r.disposition = disposition;
            r.notes = notes;
            r.complete = true;
            updateLeg(*a.wrapLeg);
            a.wrapLeg.reset();
        }
        if (applyNext)
            endCallWork(a, false);
    }

    void doLogout(AgentRt &a)
    {
        if (a.state == AgentState::WrapUp)
            finishWrapUp(a, {}, {}, false);
        cancelTimer(a.graceTimer);
        a.pendingState.reset();
        a.pendingReason.clear();
        a.connected = false;
        a.state == AgentState::LoggedOut ? emitAgent(a) : setAgentState(a, AgentState::LoggedOut);
        syncReady(a);
    }

    void overflow(CallRt &c)
    {
        QueueRt &q = queues[std::size_t(c.queue)];
        withdrawAll(c, EndCause::Withdrawn);
        leaveQueue(c);
        closeLeg(c, EndCause::Overflow,
                 QStringLiteral("queue:") + queues[std::size_t(q.overflow)].cfg.id);
        c.waitedBeforeMs += c.leg.rec.waitMs;
        enterQueue(c, q.overflow);
    }

    // ---------- time ----------

    void fire(const Timer &t)
    {
        switch (t.kind) {
        case TimerKind::OfferTimeout: {
            AgentRt &a = agents[std::size_t(t.agent)];
            a.offerTimer.reset();
            CallRt *c = findCall(t.call);
            if (!c || a.offeredCall != t.call)
                return;
            a.pendingState.reset();
            a.pendingReason.clear();
            dropOffer(*c, a, EndCause::NoAnswer);
            setAgentState(a, AgentState::NotReady, QStringLiteral("no_answer"));
            break;
        }
        case TimerKind::WrapUpEnd: {
            AgentRt &a = agents[std::size_t(t.agent)];
            a.wrapTimer.reset();
            if (a.state == AgentState::WrapUp)
                finishWrapUp(a, {}, {}, true);
            break;
        }
        case TimerKind::MaxWait: {
            CallRt *c = findCall(t.call);
            if (!c)
                return;
            c->maxWaitTimer.reset();
            if (c->inUnanswered && queues[std::size_t(c->queue)].overflow >= 0)
                overflow(*c);
            break;
        }
        case TimerKind::Escalation: {
            CallRt *c = findCall(t.call);
            if (!c)
                return;
            c->escalationTimer.reset();
            const QueueRt &q = queues[std::size_t(c->queue)];
            if (c->nextRule < q.cfg.escalation.size())
                c->maxPenalty = q.cfg.escalation[c->nextRule++].maxPenalty;
            scheduleEscalation(*c);
            markForRouting(c->queue);
            break;
        }
        case TimerKind::Grace: {
            AgentRt &a = agents[std::size_t(t.agent)];
            a.graceTimer.reset();
            if (a.connected || a.state == AgentState::LoggedOut)
                return;
            if (CallRt *c = findCall(a.activeCall)) {
                emitTel(TelephonyKind::Drop, *c, &a);
                const QString id = c->snap.id;
                endConnected(*c, EndCause::AgentLost);
                calls.erase(id);
            }
            if (CallRt *c = findCall(a.offeredCall)) {
                dropOffer(*c, a, EndCause::Withdrawn);
            }
            doLogout(a);
            break;
        }
        case TimerKind::Midnight:
            rollover();
            break;
        case TimerKind::Watchdog:
            watchdog();
            if (config.watchdogSeconds > 0)
                addTimer(now + qint64(config.watchdogSeconds) * 1000,
                         {TimerKind::Watchdog, -1, {}});
            break;
        }
    }

    void rollover()
    {
        computeDay(now);
        legsToday.clear();
        for (auto &entry : calls)
            legsToday.insert(entry.first, entry.second->leg.rec.leg);
        for (QueueRt &q : queues) {
            q.today = QueueDay{};
            markStats(q.idx);
        }
        // Live legs belong to the day their wait started: they stop counting.
        for (auto &entry : calls)
            entry.second->leg.counted = false;
        for (AgentRt &a : agents) {
            if (a.wrapLeg)
                a.wrapLeg->counted = false;
            resetAgentDay(a, 0, 0);
        }
        addTimer(dayEnd, {TimerKind::Midnight, -1, {}});
    }

    // Changes today's counters of an agent; the ready keys depend on them.
    void resetAgentDay(AgentRt &a, qint64 answered, qint64 talk)
    {
        const bool was = a.inReady;
        if (was) {
            a.state = AgentState::NotReady; // temporarily, to take it out of the sets
            syncReady(a);
        }
        a.answeredToday = answered;
        a.talkTodayMs = talk;
        if (was) {
            a.state = AgentState::Ready;
            syncReady(a);
        }
    }

    void runDueTimers()
    {
        const qint64 target = std::max(now, clock->nowMs());
        while (!timers.empty() && timers.begin()->first.first <= target) {
            const auto it = timers.begin();
            now = std::max(now, it->first.first);
            const Timer t = it->second;
            timers.erase(it);
            fire(t);
            routeWaitingCalls();
        }
        now = target;
        // A day boundary without its timer (clock jumped): the timer above handles it.
    }

    template<typename F>
    Result run(F &&f)
    {
        runDueTimers();
        Result r = f();
        routeWaitingCalls();
        emitQueueChanges();
        return r;
    }

    // ---------- watchdog ----------

    void repaired(const AgentRt &a, const QString &call, const QString &what)
    {
        events.emplace_back(WatchdogRepaired{a.cfg.id, call, what});
    }

    int watchdog()
    {
        int n = 0;
        for (AgentRt &a : agents) {
            if (a.state == AgentState::Ringing) {
                CallRt *c = findCall(a.offeredCall);
                const bool ok = c && c->snap.state == CallState::Offered &&
                                std::find(c->offeredTo.begin(), c->offeredTo.end(), a.idx) !=
                                    c->offeredTo.end();
                if (!ok) {
                    repaired(a, a.offeredCall, QStringLiteral("ringing without an offered call"));
                    cancelTimer(a.offerTimer);
                    a.offeredCall.clear();
                    endCallWork(a, true);
                    ++n;
                }
            } else if (a.state == AgentState::OnCall) {
                CallRt *c = findCall(a.activeCall);
                const bool ok =
                    c && c->agent == a.idx &&
                    (c->snap.state == CallState::Connected || c->snap.state == CallState::Held);
                if (!ok) {
                    repaired(a, a.activeCall, QStringLiteral("on_call without a live call"));
                    a.activeCall.clear();
                    endCallWork(a, false);
                    ++n;
                }
            } else if (!a.offeredCall.isEmpty() || !a.activeCall.isEmpty()) {
                repaired(a, a.offeredCall + a.activeCall,
                         QStringLiteral("call reference in state ") + agentStateName(a.state));
                cancelTimer(a.offerTimer);
                a.offeredCall.clear();
                a.activeCall.clear();
                ++n;
            }
        }
        std::vector<QString> orphaned;
        for (auto &entry : calls) {
            CallRt &c = *entry.second;
            if (c.snap.state == CallState::Offered) {
                const std::vector<int> list = c.offeredTo;
                for (int ai : list) {
                    if (agents[std::size_t(ai)].offeredCall != c.snap.id) {
                        c.offeredTo.erase(std::remove(c.offeredTo.begin(), c.offeredTo.end(), ai),
                                          c.offeredTo.end());
                        repaired(agents[std::size_t(ai)], c.snap.id,
                                 QStringLiteral("offer without a ringing agent"));
                        ++n;
                    }
                }
                if (c.offeredTo.empty() && c.leg.rec.kind == LegKind::Queue)
                    insertWaiting(c);
            } else if (c.snap.state == CallState::Connected || c.snap.state == CallState::Held) {
                const bool ok = c.agent >= 0 &&
                                agents[std::size_t(c.agent)].activeCall == c.snap.id &&
                                agents[std::size_t(c.agent)].state == AgentState::OnCall;
                if (!ok)
                    orphaned.push_back(c.snap.id);
            }
        }
        for (const QString &id : orphaned) {
            CallRt &c = *calls.at(id);
            // The agent lost track of it: end it for the caller, keep a complete record.
            emitTel(TelephonyKind::Drop, c);
            closeLeg(c, EndCause::AgentLost, {}, true);
            if (c.agent >= 0)
                repaired(agents[std::size_t(c.agent)], id,
                         QStringLiteral("connected call without its agent"));
            calls.erase(id);
            ++n;
        }
        return n;
    }

    // ---------- commands ----------

    Result agentCheck(const QString &id, AgentRt *&a)
    {
        a = findAgent(id);
        if (!a)
            return fail(ErrorKind::NotFound, QStringLiteral("unknown agent"));
        return {};
    }

    Result agentCall(const QString &agentId, const QString &callId, AgentRt *&a, CallRt *&c)
    {
        a = findAgent(agentId);
        if (!a)
            return fail(ErrorKind::NotFound, QStringLiteral("unknown agent"));
        c = findCall(callId);
        if (!c)
            return fail(ErrorKind::NotFound, QStringLiteral("unknown call"));
        return {};
    }

    bool knownReason(const QString &reason) const
    {
        static const QStringList builtin = {
            QStringLiteral("login"), QStringLiteral("no_answer"), QStringLiteral("rejected"),
            QStringLiteral("supervisor"), QStringLiteral("phone_unreachable")};
        return config.reasons.isEmpty() || config.reasons.contains(reason) ||
               builtin.contains(reason);
    }

    Result setStateImpl(const QString &id, AgentState s, const QString &reason)
    {
        AgentRt *a = nullptr;
        if (s != AgentState::Ready && s != AgentState::NotReady)
            return fail(ErrorKind::BadRequest, QStringLiteral("state must be ready or not_ready"));
        if (s == AgentState::NotReady && !reason.isEmpty() && !knownReason(reason))
            return fail(ErrorKind::BadRequest, QStringLiteral("unknown reason code"));
        if (Result r = agentCheck(id, a); !r.ok())
            return r;
        const QString rs = s == AgentState::NotReady ? reason : QString();
        switch (a->state) {
        case AgentState::LoggedOut:
            return fail(ErrorKind::InvalidState, QStringLiteral("agent is logged out"));
        case AgentState::Ringing:
        case AgentState::OnCall:
        case AgentState::WrapUp:
            if (a->pendingState != s || a->pendingReason != rs) {
                a->pendingState = s;
                a->pendingReason = rs;
                emitAgent(*a);
            }
            return {};
        default:
            break;
        }
        if (s == AgentState::Ready && a->state != AgentState::Ready)
            a->idleSinceMs = now;
        setAgentState(*a, s, rs);
        return {};
    }

    Result arriveImpl(const Arrival &in)
    {
        int qi = -1;
        const HotlineConfig *hot = nullptr;
        if (!in.queue.isEmpty()) {
            qi = queueIndex.value(in.queue, -1);
            if (qi < 0)
                return fail(ErrorKind::NotFound, QStringLiteral("unknown queue"));
        } else if (!in.dialed.isEmpty()) {
            const int hi = hotlineIndex.value(in.dialed, -1);
            if (hi < 0)
                return fail(ErrorKind::NotFound, QStringLiteral("unknown hotline"));
            hot = &config.hotlines.at(hi);
            qi = queueIndex.value(hot->queue, -1);
            if (qi < 0)
                return fail(ErrorKind::NotFound, QStringLiteral("hotline's queue is unknown"));
        } else {
            return fail(ErrorKind::BadRequest, QStringLiteral("queue or dialed required"));
        }
        QString id = in.id;
        if (!id.isEmpty() && calls.count(id))
            return fail(ErrorKind::Conflict, QStringLiteral("call id already in use"));
        const int target = resolveJoin(qi);
        if (target < 0)
            return fail(ErrorKind::InvalidState, QStringLiteral("no agent is logged in"));
        while (id.isEmpty() || calls.count(id))
            id = config.callIdPrefix + QString::number(nextCallNumber++);
        auto c = std::make_unique<CallRt>();
        c->snap.id = id;
        c->snap.direction = Direction::Inbound;
        c->snap.callerNumber = in.callerNumber;
        c->snap.callerName = in.callerName;
        if (hot) {
            c->snap.hotlineNumber = hot->number;
            c->snap.hotlineName = hot->name;
        }
        c->snap.priority = in.priority ? *in.priority : (hot && hot->priority ? *hot->priority : 0);
        c->snap.arrivedAtMs = now;
        c->snap.data = in.data;
        c->snap.origin = in.origin;
        CallRt &ref = *c;
        calls.emplace(id, std::move(c));
        if (target != qi) {
            // join-empty overflow: a zero-wait leg in the first queue keeps the count honest
            newLeg(ref, LegKind::Queue, qi);
            closeLeg(ref, EndCause::Overflow,
                     QStringLiteral("queue:") + queues[std::size_t(target)].cfg.id);
        }
        enterQueue(ref, target);
        Result r;
        r.callId = id;
        return r;
    }

    Result callerHangupImpl(const QString &id)
    {
        CallRt *c = findCall(id);
        if (!c)
            return fail(ErrorKind::NotFound, QStringLiteral("unknown call"));
        switch (c->snap.state) {
        case CallState::Queued:
        case CallState::Offered:
            withdrawAll(*c, EndCause::CallerHangup);
            if (c->leg.rec.kind == LegKind::Queue)
                leaveQueue(*c);
            closeLeg(*c, EndCause::CallerHangup);
            break;
        case CallState::Connected:
        case CallState::Held:
            endConnected(*c, EndCause::CallerHangup);
            break;
        case CallState::Ended:
            break;
        }
        calls.erase(id);
        return {};
    }

    Result acceptImpl(const QString &agentId, const QString &callId, bool bridge)
    {
        AgentRt *a = nullptr;
        CallRt *c = nullptr;
        if (Result r = offeredCall(agentId, callId, a, c); !r.ok())
            return r;
        connectCall(*c, *a, bridge);
        return {};
    }

    Result rejectImpl(AgentRt &a, CallRt &c)
    {
        const QueueRt *q = queueOf(c);
        a.pendingState.reset();
        a.pendingReason.clear();
        dropOffer(c, a, EndCause::Rejected);
        if (!q || q->cfg.rejectSetsNotReady)
            setAgentState(a, AgentState::NotReady, QStringLiteral("rejected"));
        else
            endCallWork(a, true);
        return {};
    }

    Result offeredCall(const QString &agentId, const QString &callId, AgentRt *&a, CallRt *&c)
    {
        if (Result r = agentCall(agentId, callId, a, c); !r.ok())
            return r;
        if (a->state != AgentState::Ringing || a->offeredCall != callId)
            return fail(ErrorKind::InvalidState, QStringLiteral("call is not offered to agent"));
        return {};
    }

    Result connectedCall(const QString &agentId, const QString &callId, AgentRt *&a, CallRt *&c)
    {
        if (Result r = agentCall(agentId, callId, a, c); !r.ok())
            return r;
        if (c->agent != a->idx ||
            (c->snap.state != CallState::Connected && c->snap.state != CallState::Held))
            return fail(ErrorKind::InvalidState, QStringLiteral("call is not connected to agent"));
        return {};
    }

    Result transferImpl(const QString &agentId, const QString &callId, const TransferTarget &to)
    {
        AgentRt *a = nullptr;
        CallRt *c = nullptr;
        if (to.value.isEmpty())
            return fail(ErrorKind::BadRequest, QStringLiteral("transfer target missing"));
        if (Result r = agentCall(agentId, callId, a, c); !r.ok())
            return r;
        int qi = -1;
        AgentRt *target = nullptr;
        if (to.kind == TransferTarget::Kind::Queue) {
            qi = queueIndex.value(to.value, -1);
            if (qi < 0)
                return fail(ErrorKind::NotFound, QStringLiteral("unknown queue"));
        } else if (to.kind == TransferTarget::Kind::Agent) {
            target = findAgent(to.value);
            if (!target)
                return fail(ErrorKind::NotFound, QStringLiteral("unknown target agent"));
        }
        if (Result r = connectedCall(agentId, callId, a, c); !r.ok())
            return r;
        if (target && (target == a || target->state != AgentState::Ready || !target->connected))
            return fail(ErrorKind::InvalidState, QStringLiteral("target agent is not ready"));
        if (qi >= 0) {
            qi = resolveJoin(qi);
            if (qi < 0)
                return fail(ErrorKind::InvalidState, QStringLiteral("no agent is logged in"));
        }
        QString tag;
        switch (to.kind) {
        case TransferTarget::Kind::Queue:
            tag = QStringLiteral("queue:") + queues[std::size_t(qi)].cfg.id;
            break;
        case TransferTarget::Kind::Agent:
            tag = QStringLiteral("agent:") + to.value;
            break;
        case TransferTarget::Kind::Number:
            tag = QStringLiteral("number:") + to.value;
            break;
        }
        endConnected(*c, EndCause::Transferred, tag);
        if (to.kind != TransferTarget::Kind::Number)
            emitTel(TelephonyKind::Release, *c, a); // hang up a's phone, the caller waits
        switch (to.kind) {
        case TransferTarget::Kind::Queue:
            enterQueue(*c, qi);
            break;
        case TransferTarget::Kind::Agent:
            newLeg(*c, LegKind::Direct, c->queue);
            c->snap.answeredAtMs = 0;
            offerTo(*c, *target);
            if (target->inReady)
                syncReady(*target);
            break;
        case TransferTarget::Kind::Number:
            emitTel(TelephonyKind::Transfer, *c, nullptr, to.value);
            calls.erase(callId);
            break;
        }
        return {};
    }

    Result dialImpl(const QString &agentId, const QString &number)
    {
        AgentRt *a = nullptr;
        if (number.isEmpty())
            return fail(ErrorKind::BadRequest, QStringLiteral("number missing"));
        if (Result r = agentCheck(agentId, a); !r.ok())
            return r;
        if (a->state == AgentState::LoggedOut || a->state == AgentState::Ringing ||
            a->state == AgentState::OnCall)
            return fail(ErrorKind::InvalidState, QStringLiteral("agent cannot dial now"));
        if (a->state == AgentState::WrapUp)
            finishWrapUp(*a, {}, {}, false);
        if (!a->pendingState) {
            // After the call the agent returns to where it was (ready after wrap-up).
            a->pendingState =
                a->state == AgentState::NotReady ? AgentState::NotReady : AgentState::Ready;
            a->pendingReason = a->state == AgentState::NotReady ? a->reason : QString();
        }
        QString id;
        while (id.isEmpty() || calls.count(id))
            id = config.callIdPrefix + QString::number(nextCallNumber++);
        auto c = std::make_unique<CallRt>();
        c->snap.id = id;
        c->snap.direction = Direction::Outbound;
        c->snap.callerNumber = number;
        c->snap.arrivedAtMs = now;
        c->snap.answeredAtMs = now;
        c->snap.state = CallState::Connected;
        CallRt &ref = *c;
        calls.emplace(id, std::move(c));
        newLeg(ref, LegKind::Outbound, -1);
        ref.leg.rec.answeredAtMs = now;
        ref.leg.rec.agent = a->cfg.id;
        ref.agent = a->idx;
        a->activeCall = id;
        setAgentState(*a, AgentState::OnCall);
        syncReady(*a);
        emitTel(TelephonyKind::Dial, ref, a, number);
        events.emplace_back(CallUpdated{{a->cfg.id}, snapshot(ref)});
        Result r;
        r.callId = id;
        return r;
    }

    AgentInfo info(const AgentRt &a) const
    {
        AgentInfo i;
        i.id = a.cfg.id;
        i.name = a.cfg.name;
        i.state = a.state;
        i.reason = a.reason;
        i.sinceMs = a.sinceMs;
        for (int qi : a.memberOf)
            i.queues.append(queues[std::size_t(qi)].cfg.id);
        i.skills = a.cfg.skills;
        i.connected = a.connected;
        i.answeredToday = a.answeredToday;
        i.talkTimeTodayMs = a.talkTodayMs;
        i.station = a.station;
        i.pendingState = a.pendingState;
        i.pendingReason = a.pendingReason;
        return i;
    }

    QueueStats stats(const QueueRt &q) const
    {
        const qint64 t = std::max(now, clock->nowMs());
        QueueStats s;
        s.id = q.cfg.id;
        s.name = q.cfg.name;
        s.waiting = int(q.unanswered.size());
        if (!q.unanswered.empty())
            s.longestWaitMs = t - q.unanswered.begin()->first;
        for (const auto &m : q.members) {
            switch (agents[std::size_t(m.first)].state) {
            case AgentState::LoggedOut:
                continue;
            case AgentState::NotReady:
                ++s.agents.notReady;
                break;
            case AgentState::Ready:
                ++s.agents.ready;
                break;
            case AgentState::Ringing:
                ++s.agents.ringing;
                break;
            case AgentState::OnCall:
                ++s.agents.onCall;
                break;
            case AgentState::WrapUp:
                ++s.agents.wrapUp;
                break;
            }
            ++s.agents.loggedIn;
        }
        const QueueDay &d = q.today;
        s.today = summarize(d);
        QueueToday &o = s.today;
        o.longestWaitMs = d.longestWaitMs;
        if (!q.unanswered.empty() && q.unanswered.begin()->first >= dayStart)
            o.longestWaitMs = std::max(o.longestWaitMs, s.longestWaitMs);
        s.slSeconds = q.cfg.slSeconds;
        s.thresholds = q.cfg.thresholds;
        return s;
    }
};

// ---------------------------------------------------------------------------

Engine::Engine(const EngineConfig &config, Clock *clock)
    : d(std::make_unique<Impl>(config, clock))
{}

Engine::~Engine() = default;

Result Engine::login(const QString &agent, const QString &station)
{
    return d->run([&]() -> Result {
        AgentRt *a = nullptr;
        if (Result r = d->agentCheck(agent, a); !r.ok())
            return r;
        a->station = station;
        const bool wasConnected = a->connected;
        a->connected = true;
        d->cancelTimer(a->graceTimer);
        if (a->state == AgentState::LoggedOut) {
            d->setAgentState(*a, AgentState::NotReady, QStringLiteral("login"));
        } else if (!wasConnected) {
            d->emitAgent(*a);
            d->syncReady(*a);
        }
        return {};
    });
}

Result Engine::logout(const QString &agent)
{
    return d->run([&]() -> Result {
        AgentRt *a = nullptr;
        if (Result r = d->agentCheck(agent, a); !r.ok())
            return r;
        if (a->state == AgentState::Ringing || a->state == AgentState::OnCall)
            return fail(ErrorKind::InvalidState, QStringLiteral("agent has a call"));
        if (a->state != AgentState::LoggedOut)
            d->doLogout(*a);
        return {};
    });
}

Result Engine::setState(const QString &agent, AgentState state, const QString &reason)
{
    return d->run([&]() { return d->setStateImpl(agent, state, reason); });
}

Result Engine::forceState(const QString &agent, AgentState state, const QString &reason)
{
    const QString r =
        state == AgentState::NotReady && reason.isEmpty() ? QStringLiteral("supervisor") : reason;
    return d->run([&]() { return d->setStateImpl(agent, state, r); });
}

Result Engine::forceLogout(const QString &agent)
{
    return d->run([&]() -> Result {
        AgentRt *a = nullptr;
        if (Result r = d->agentCheck(agent, a); !r.ok())
            return r;
        if (a->state == AgentState::OnCall)
            return fail(ErrorKind::InvalidState, QStringLiteral("agent is on a call"));
        if (a->state == AgentState::Ringing) {
            if (CallRt *c = d->findCall(a->offeredCall))
                d->dropOffer(*c, *a, EndCause::Withdrawn);
            a->offeredCall.clear();
        }
        if (a->state != AgentState::LoggedOut)
            d->doLogout(*a);
        return {};
    });
}

Result Engine::endWrapUp(const QString &agent, const QString &disposition, const QString &notes)
{
    return d->run([&]() -> Result {
        AgentRt *a = nullptr;
        if (Result r = d->agentCheck(agent, a); !r.ok())
            return r;
        if (a->state != AgentState::WrapUp)
            return fail(ErrorKind::InvalidState, QStringLiteral("agent is not in wrap-up"));
        d->finishWrapUp(*a, disposition, notes, true);
        return {};
    });
}

Result Engine::accept(const QString &agent, const QString &call)
{
    return d->run([&]() { return d->acceptImpl(agent, call, true); });
}

Result Engine::reject(const QString &agent, const QString &call)
{
    return d->run([&]() -> Result {
        AgentRt *a = nullptr;
        CallRt *c = nullptr;
        if (Result r = d->offeredCall(agent, call, a, c); !r.ok())
            return r;
        return d->rejectImpl(*a, *c);
    });
}

Result Engine::ringFailed(const QString &agent, const QString &call, bool unreachable)
{
    return d->run([&]() -> Result {
        AgentRt *a = nullptr;
        CallRt *c = nullptr;
        if (Result r = d->offeredCall(agent, call, a, c); !r.ok())
            return r;
        if (!unreachable)
            return d->rejectImpl(*a, *c);
        a->pendingState.reset();
        a->pendingReason.clear();
        d->dropOffer(*c, *a, EndCause::Rejected);
        d->setAgentState(*a, AgentState::NotReady, QStringLiteral("phone_unreachable"));
        return {};
    });
}

Result Engine::hangup(const QString &agent, const QString &call)
{
    return d->run([&]() -> Result {
        AgentRt *a = nullptr;
        CallRt *c = nullptr;
        if (Result r = d->agentCall(agent, call, a, c); !r.ok())
            return r;
        if (a->state == AgentState::Ringing && a->offeredCall == call)
            return d->rejectImpl(*a, *c);
        if (Result r = d->connectedCall(agent, call, a, c); !r.ok())
            return r;
        d->emitTel(TelephonyKind::Drop, *c, a);
        d->endConnected(*c, EndCause::AgentHangup);
        d->calls.erase(call);
        return {};
    });
}

Result Engine::hold(const QString &agent, const QString &call)
{
    return d->run([&]() -> Result {
        AgentRt *a = nullptr;
        CallRt *c = nullptr;
        if (Result r = d->connectedCall(agent, call, a, c); !r.ok())
            return r;
        if (c->snap.state != CallState::Connected)
            return fail(ErrorKind::InvalidState, QStringLiteral("call is already held"));
        c->snap.state = CallState::Held;
        c->holdStartMs = d->now;
        d->events.emplace_back(CallUpdated{{a->cfg.id}, d->snapshot(*c)});
        d->emitTel(TelephonyKind::Hold, *c, a);
        return {};
    });
}

Result Engine::resume(const QString &agent, const QString &call)
{
    return d->run([&]() -> Result {
        AgentRt *a = nullptr;
        CallRt *c = nullptr;
        if (Result r = d->connectedCall(agent, call, a, c); !r.ok())
            return r;
        if (c->snap.state != CallState::Held)
            return fail(ErrorKind::InvalidState, QStringLiteral("call is not held"));
        c->snap.state = CallState::Connected;
        c->holdMs += d->now - c->holdStartMs;
        d->events.emplace_back(CallUpdated{{a->cfg.id}, d->snapshot(*c)});
        d->emitTel(TelephonyKind::Resume, *c, a);
        return {};
    });
}

Result Engine::mute(const QString &agent, const QString &call)
{
    return d->run([&]() -> Result {
        AgentRt *a = nullptr;
        CallRt *c = nullptr;
        if (Result r = d->connectedCall(agent, call, a, c); !r.ok())
            return r;
        if (!c->snap.muted) {
            c->snap.muted = true;
            d->events.emplace_back(CallUpdated{{a->cfg.id}, d->snapshot(*c)});
            d->emitTel(TelephonyKind::Mute, *c, a);
        }
        return {};
    });
}

Result Engine::unmute(const QString &agent, const QString &call)
{
    return d->run([&]() -> Result {
        AgentRt *a = nullptr;
        CallRt *c = nullptr;
        if (Result r = d->connectedCall(agent, call, a, c); !r.ok())
            return r;
        if (c->snap.muted) {
            c->snap.muted = false;
            d->events.emplace_back(CallUpdated{{a->cfg.id}, d->snapshot(*c)});
            d->emitTel(TelephonyKind::Unmute, *c, a);
        }
        return {};
    });
}

Result Engine::dtmf(const QString &agent, const QString &call, const QString &digits)
{
    return d->run([&]() -> Result {
        if (!validDigits(digits))
            return fail(ErrorKind::BadRequest, QStringLiteral("digits must be 0-9, * or #"));
        AgentRt *a = nullptr;
        CallRt *c = nullptr;
        if (Result r = d->connectedCall(agent, call, a, c); !r.ok())
            return r;
        d->emitTel(TelephonyKind::Dtmf, *c, a, {}, digits);
        return {};
    });
}

Result Engine::transfer(const QString &agent, const QString &call, const TransferTarget &to)
{
    return d->run([&]() { return d->transferImpl(agent, call, to); });
}

Result Engine::dial(const QString &agent, const QString &number)
{
    return d->run([&]() { return d->dialImpl(agent, number); });
}

Result Engine::arrive(const Arrival &arrival)
{
    return d->run([&]() { return d->arriveImpl(arrival); });
}

Result Engine::callerHangup(const QString &call)
{
    return d->run([&]() { return d->callerHangupImpl(call); });
}

Result Engine::phoneAnswered(const QString &call, const QString &agent)
{
    return d->run([&]() -> Result {
        CallRt *c = d->findCall(call);
        if (!c)
            return fail(ErrorKind::NotFound, QStringLiteral("unknown call"));
        if (!agent.isEmpty() && !d->findAgent(agent))
            return fail(ErrorKind::NotFound, QStringLiteral("unknown agent"));
        if (c->snap.state != CallState::Offered || c->offeredTo.empty())
            return fail(ErrorKind::InvalidState, QStringLiteral("call is not ringing"));
        const QString who =
            agent.isEmpty() ? d->agents[std::size_t(c->offeredTo.front())].cfg.id : agent;
        return d->acceptImpl(who, call, false);
    });
}

Result Engine::reconfigure(const EngineConfig &next)
{
    return d->run([&] { return d->reconfigureImpl(next); });
}

Result Engine::agentDisconnected(const QString &agent)
{
    return d->run([&]() -> Result {
        AgentRt *a = nullptr;
        if (Result r = d->agentCheck(agent, a); !r.ok())
            return r;
        if (a->state == AgentState::LoggedOut || !a->connected)
            return {};
        a->connected = false;
        d->syncReady(*a);
        d->emitAgent(*a);
        for (int qi : a->memberOf)
            d->markStats(qi);
        if (a->state == AgentState::Ringing) {
            if (CallRt *c = d->findCall(a->offeredCall))
                d->dropOffer(*c, *a, EndCause::Withdrawn);
            d->endCallWork(*a, true);
        }
        d->cancelTimer(a->graceTimer);
        a->graceTimer = d->addTimer(d->now + qint64(d->config.graceSeconds) * 1000,
                                    {TimerKind::Grace, a->idx, {}});
        return {};
    });
}

Result Engine::agentReconnected(const QString &agent)
{
    return d->run([&]() -> Result {
        AgentRt *a = nullptr;
        if (Result r = d->agentCheck(agent, a); !r.ok())
            return r;
        if (a->state == AgentState::LoggedOut)
            return fail(ErrorKind::InvalidState, QStringLiteral("agent is logged out"));
        d->cancelTimer(a->graceTimer);
        if (!a->connected) {
            a->connected = true;
            d->emitAgent(*a);
            d->syncReady(*a);
            for (int qi : a->memberOf)
                d->markStats(qi);
        }
        return {};
    });
}

void Engine::advance()
{
    d->runDueTimers();
    d->routeWaitingCalls();
    d->emitQueueChanges();
}

qint64 Engine::nextDeadlineMs() const
{
    return d->timers.empty() ? -1 : d->timers.begin()->first.first;
}

std::vector<Event> Engine::takeEvents()
{
    std::vector<Event> out;
    out.swap(d->events);
    // Events are large: keep a buffer so that a busy engine does not regrow from zero.
    d->events.reserve(std::max<std::size_t>(16, out.size()));
    return out;
}

QueueStats Engine::queueStats(const QString &queue) const
{
    const int qi = d->queueIndex.value(queue, -1);
    return qi < 0 ? QueueStats{} : d->stats(d->queues[std::size_t(qi)]);
}

std::vector<QueueStats> Engine::allQueueStats() const
{
    std::vector<QueueStats> out;
    out.reserve(d->queues.size());
    for (const QueueRt &q : d->queues)
        if (!q.removed)
            out.push_back(d->stats(q));
    return out;
}

QStringList Engine::queueIds() const
{
    QStringList out;
    for (const QueueRt &q : d->queues)
        if (!q.removed)
            out.append(q.cfg.id);
    return out;
}

bool Engine::hasQueue(const QString &queue) const
{
    return d->queueIndex.contains(queue);
}

bool Engine::hasAgent(const QString &agent) const
{
    const int ai = d->agentIndex.value(agent, -1);
    return ai >= 0 && !d->agents[std::size_t(ai)].removed;
}

AgentInfo Engine::agent(const QString &id) const
{
    const int ai = d->agentIndex.value(id, -1);
    return ai < 0 ? AgentInfo{} : d->info(d->agents[std::size_t(ai)]);
}

std::vector<AgentInfo> Engine::agents() const
{
    std::vector<AgentInfo> out;
    out.reserve(d->agents.size());
    for (const AgentRt &a : d->agents)
        if (!a.removed || a.state != AgentState::LoggedOut) // a removed one finishing its call
            out.push_back(d->info(a));
    return out;
}

std::optional<Call> Engine::call(const QString &id) const
{
    const auto it = d->calls.find(id);
    if (it == d->calls.end())
        return std::nullopt;
    return d->snapshot(*it->second);
}

std::vector<Call> Engine::calls() const
{
    std::vector<Call> out;
    out.reserve(d->calls.size());
    for (const auto &entry : d->calls)
        out.push_back(d->snapshot(*entry.second));
    return out;
}

std::vector<Call> Engine::callsOfAgent(const QString &agent) const
{
    std::vector<Call> out;
    const int ai = d->agentIndex.value(agent, -1);
    if (ai < 0)
        return out;
    const AgentRt &a = d->agents[std::size_t(ai)];
    for (const QString &id : {a.offeredCall, a.activeCall}) {
        const auto it = id.isEmpty() ? d->calls.end() : d->calls.find(id);
        if (it != d->calls.end())
            out.push_back(d->snapshot(*it->second));
    }
    return out;
}

std::vector<Call> Engine::waitingCalls(const QString &queue) const
{
    std::vector<Call> out;
    const int qi = d->queueIndex.value(queue, -1);
    if (qi < 0)
        return out;
    const QueueRt &q = d->queues[std::size_t(qi)];
    for (const WaitKey &w : q.waiting)
        out.push_back(d->snapshot(*w.call));
    std::vector<const CallRt *> offered;
    for (const auto &entry : d->calls) {
        const CallRt &c = *entry.second;
        if (c.queue == qi && c.inUnanswered && !c.inWaiting)
            offered.push_back(&c);
    }
    std::sort(offered.begin(), offered.end(),
              [](const CallRt *a, const CallRt *b) { return a->seq < b->seq; });
    for (const CallRt *c : offered)
        out.push_back(d->snapshot(*c));
    return out;
}

const EngineConfig &Engine::config() const
{
    return d->config;
}

qint64 Engine::dayStartMs() const
{
    return d->dayStart;
}

quint64 Engine::routingDecisions() const
{
    return d->decisions;
}

void Engine::restoreDay(const std::vector<CallRecord> &records)
{
    d->runDueTimers();
    for (QueueRt &q : d->queues) {
        q.today = QueueDay{};
        d->markStats(q.idx);
    }
    QHash<int, std::pair<qint64, qint64>> perAgent; // answered, talk
    for (const CallRecord &r : records) {
        if (r.legStartMs >= d->dayStart && r.legStartMs < d->dayEnd)
            d->legsToday[r.callId] = std::max(d->legsToday.value(r.callId), r.leg);
        if (r.kind == LegKind::Queue && r.legStartMs >= d->dayStart && r.legStartMs < d->dayEnd) {
            const int qi = d->queueIndex.value(r.queue, -1);
            if (qi >= 0) {
                QueueRt &q = d->queues[std::size_t(qi)];
                q.today.add(legContribution(r, q.cfg.slSeconds, q.cfg.shortAbandonSeconds));
            }
        }
        const int ai = d->agentIndex.value(r.agent, -1);
        if (ai >= 0 && r.answeredAtMs >= d->dayStart && r.answeredAtMs < d->dayEnd) {
            auto &p = perAgent[ai];
            if (r.kind != LegKind::Outbound)
                ++p.first;
            p.second += r.talkMs;
        }
    }
    for (AgentRt &a : d->agents) {
        const auto p = perAgent.value(a.idx);
        d->resetAgentDay(a, p.first, p.second);
    }
    d->routeWaitingCalls();
    d->emitQueueChanges();
}

int Engine::runWatchdog()
{
    d->runDueTimers();
    const int n = d->watchdog();
    d->routeWaitingCalls();
    d->emitQueueChanges();
    return n;
}

void Engine::corruptAgentForTest(const QString &agent, AgentState state, const QString &call)
{
    AgentRt *a = d->findAgent(agent);
    if (!a)
        return;
    a->state = state;
    if (state == AgentState::Ringing) {
        a->offeredCall = call;
    } else if (state == AgentState::OnCall) {
        a->activeCall = call;
    }
    d->syncReady(*a);
}

} // namespace acdesk::engine
