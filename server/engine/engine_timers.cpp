// What each timer does when it fires, and the midnight rollover.
#include "engine_p.h"

namespace acdesk::engine {

void Engine::Impl::fire(const Timer &t)
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
        if (!c->inUnanswered)
            return;
        const QueueRt &q = queues[std::size_t(c->queue)];
        if (q.overflow >= 0)
            overflow(*c);
        else if (q.cfg.afterMaxWait)
            exitCall(*c, EndCause::MaxWait, *q.cfg.afterMaxWait);
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
        if (CallRt *c = findCall(a.activeCall); c && c->consultAgent == a.idx) {
            endConsult(*c, EndCause::AgentLost); // the consulted agent is gone
        } else if (c) {
            if (c->snap.consult)
                finishConsult(*c, EndCause::AgentLost);
            emitTel(TelephonyKind::Drop, *c, &a);
            if (c->callbackDialing) {
                failCallbackAttempt(*c); // nobody reached: the callback goes back in line
            } else {
                const QString id = c->snap.id;
                endConnected(*c, EndCause::AgentLost);
                calls.erase(id);
            }
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
    case TimerKind::CallbackRetry: {
        CallRt *c = findCall(t.call);
        if (!c)
            return;
        c->retryTimer.reset();
        if (c->inUnanswered && !c->inWaiting)
            insertWaiting(*c); // routable again, at its old place
        break;
    }
    case TimerKind::Hours: {
        QueueRt &q = queues[std::size_t(t.agent)];
        q.hoursTimer.reset();
        scheduleHours(q);
        break;
    }
    case TimerKind::Watchdog:
        watchdog();
        if (config.watchdogSeconds > 0)
            addTimer(now + qint64(config.watchdogSeconds) * 1000, {TimerKind::Watchdog, -1, {}});
        break;
    }
}

void Engine::Impl::rollover()
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

void Engine::Impl::resetAgentDay(AgentRt &a, qint64 answered, qint64 talk)
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

void Engine::Impl::runDueTimers()
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

} // namespace acdesk::engine
