// Agents, queues, legs and timers: the state changes every other part makes.
#include "engine_p.h"

namespace acdesk::engine {

AgentRt *Engine::Impl::findAgent(const QString &id)
{
    const auto it = agentIndex.constFind(id);
    return it == agentIndex.cend() ? nullptr : &agents[std::size_t(*it)];
}

CallRt *Engine::Impl::findCall(const QString &id)
{
    const auto it = calls.find(id);
    return it == calls.end() ? nullptr : it->second.get();
}

QueueRt *Engine::Impl::queueOf(const CallRt &c)
{
    return c.queue >= 0 ? &queues[std::size_t(c.queue)] : nullptr;
}

TimerKey Engine::Impl::addTimer(qint64 due, Timer t)
{
    const TimerKey k{due, ++timerSeq};
    timers.emplace(k, std::move(t));
    return k;
}

void Engine::Impl::cancelTimer(std::optional<TimerKey> &k)
{
    if (k) {
        timers.erase(*k);
        k.reset();
    }
}

void Engine::Impl::markForRouting(int qi)
{
    QueueRt &q = queues[std::size_t(qi)];
    if (!q.needsRouting) {
        q.needsRouting = true;
        toRoute.push_back(qi);
    }
}

void Engine::Impl::markStats(int qi)
{
    QueueRt &q = queues[std::size_t(qi)];
    if (!q.statsDirty) {
        q.statsDirty = true;
        statsDirty.push_back(qi);
    }
}

void Engine::Impl::emitQueueChanges()
{
    for (int qi : statsDirty) {
        queues[std::size_t(qi)].statsDirty = false;
        events.emplace_back(QueueChanged{queues[std::size_t(qi)].cfg.id});
    }
    statsDirty.clear();
}

Call Engine::Impl::snapshot(const CallRt &c) const
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
    const ScreenPopConfig *pop = nullptr;
    if (const int hi = hotlineIndex.value(s.hotlineNumber, -1); hi >= 0)
        pop = &config.hotlines.at(hi).screenPop;
    if ((!pop || pop->url.isEmpty()) && c.queue >= 0)
        pop = &queues[std::size_t(c.queue)].cfg.screenPop;
    if (pop && !pop->url.isEmpty())
        s.screenPop = ScreenPop{expandScreenPop(pop->url, s), pop->open};
    return s;
}

void Engine::Impl::emitTel(TelephonyKind kind, const CallRt &c, const AgentRt *a,
                           const QString &number, const QString &digits)
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

void Engine::Impl::emitAgent(const AgentRt &a)
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

void Engine::Impl::setAgentState(AgentRt &a, AgentState s, const QString &reason)
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

ReadyKey Engine::Impl::readyKey(const AgentRt &a, const Membership &m) const
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

void Engine::Impl::syncReady(AgentRt &a)
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

void Engine::Impl::setIdleReady(AgentRt &a, bool keepIdle)
{
    if (!keepIdle || a.idleSinceMs == 0)
        a.idleSinceMs = now;
    setAgentState(a, AgentState::Ready);
}

void Engine::Impl::endCallWork(AgentRt &a, bool keepIdle)
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

void Engine::Impl::updateLeg(LegState &l)
{
    if (l.queue >= 0) {
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

void Engine::Impl::newLeg(CallRt &c, LegKind kind, int qi)
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
    if (c.waitingCallback()) {
        l.rec.callbackAtMs = c.snap.callbackAtMs;
        l.rec.callbackNumber = c.snap.callbackNumber;
    }
    l.rec.legStartMs = now;
    // Callback legs count in their queue too (only in its callback figures).
    const bool inQueue = kind == LegKind::Queue || kind == LegKind::Callback;
    l.queue = inQueue ? qi : -1;
    l.counted = inQueue && now >= dayStart;
    c.leg = std::move(l);
    if (c.leg.counted) {
        QueueRt &q = queues[std::size_t(qi)];
        c.leg.contrib = legContribution(c.leg.rec, q.cfg.slSeconds, q.cfg.shortAbandonSeconds);
        q.today.add(c.leg.contrib);
        markStats(qi);
    }
    events.emplace_back(RecordChanged{c.leg.rec});
}

void Engine::Impl::scheduleEscalation(CallRt &c)
{
    const QueueRt &q = queues[std::size_t(c.queue)];
    cancelTimer(c.escalationTimer);
    if (c.nextRule < q.cfg.escalation.size()) {
        const qint64 due =
            c.leg.rec.legStartMs + qint64(q.cfg.escalation[c.nextRule].afterSeconds) * 1000;
        c.escalationTimer = addTimer(due, {TimerKind::Escalation, -1, c.snap.id});
    }
}

void Engine::Impl::enterQueue(CallRt &c, int qi, quint64 keepSeq)
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
    c.seq = keepSeq ? keepSeq : ++callSeq;
    c.maxPenalty = q.cfg.escalation.empty() ? kNoLimit : 0;
    c.nextRule = 0;
    while (c.nextRule < q.cfg.escalation.size() && q.cfg.escalation[c.nextRule].afterSeconds <= 0)
        c.maxPenalty = q.cfg.escalation[c.nextRule++].maxPenalty;
    scheduleEscalation(c);
    cancelTimer(c.maxWaitTimer);
    if ((q.overflow >= 0 || q.cfg.afterMaxWait) && q.cfg.maxWaitSeconds > 0 &&
        !c.waitingCallback()) // a callback has nobody on the line to send away
        c.maxWaitTimer = addTimer(now + qint64(q.cfg.maxWaitSeconds) * 1000,
                                  {TimerKind::MaxWait, -1, c.snap.id});
    q.unanswered.insert({now, c.seq});
    c.inUnanswered = true;
    q.arrivals.push_back(now);
    while (!q.arrivals.empty() && q.arrivals.front() <= now - kForecastWindowMs)
        q.arrivals.pop_front();
    insertWaiting(c);
}

void Engine::Impl::insertWaiting(CallRt &c)
{
    QueueRt &q = queues[std::size_t(c.queue)];
    q.waiting.insert({-c.snap.priority, c.seq, &c});
    c.inWaiting = true;
    c.snap.state = CallState::Queued;
    markForRouting(c.queue);
    markStats(c.queue);
}

void Engine::Impl::removeWaiting(CallRt &c)
{
    if (c.inWaiting) {
        queues[std::size_t(c.queue)].waiting.erase({-c.snap.priority, c.seq, &c});
        c.inWaiting = false;
    }
}

void Engine::Impl::leaveQueue(CallRt &c)
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

int Engine::Impl::resolveJoin(int qi)
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

} // namespace acdesk::engine
