// Routing decisions: which waiting call goes to which ready agent; offers, connecting,
// wrap-up and overflow.
#include "engine_p.h"

namespace acdesk::engine {

CallRt *Engine::Impl::firstMatchable(QueueRt &q)
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

void Engine::Impl::routeWaitingCalls()
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

void Engine::Impl::offerCall(CallRt &c)
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

void Engine::Impl::offerTo(CallRt &c, AgentRt &a)
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
    // A callback rings no desk phone: the agent accepts in the app and the gateway calls
    // the agent's phone and then the customer (gw.dial).
    if (!a.station.isEmpty() && !c.waitingCallback())
        emitTel(TelephonyKind::Ring, c, &a);
}

void Engine::Impl::dropOffer(CallRt &c, AgentRt &a, EndCause cause, bool requeue)
{
    if (c.consultAgent == a.idx) {
        endConsult(c, cause); // a consultation's offer: the call stays with its agent
        return;
    }
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

void Engine::Impl::requeueCall(CallRt &c, EndCause cause)
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

void Engine::Impl::withdrawAll(CallRt &c, EndCause cause)
{
    const std::vector<int> ringing = c.offeredTo;
    for (int ai : ringing) {
        AgentRt &a = agents[std::size_t(ai)];
        dropOffer(c, a, cause, false);
        endCallWork(a, true);
    }
}

void Engine::Impl::takeOffer(CallRt &c, AgentRt &a)
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
}

void Engine::Impl::connectCall(CallRt &c, AgentRt &a, bool bridge)
{
    takeOffer(c, a);
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

// Documented in engine_p.h: the one place a call's current leg ends.
void Engine::Impl::closeLeg(CallRt &c, EndCause cause, const QString &transferTo, bool complete)
{
    CallRecord &r = c.leg.rec;
    r.endedAtMs = now;
    if (c.snap.state == CallState::Connected || c.snap.state == CallState::Held) {
        if (c.snap.state == CallState::Held)
            c.holdMs += now - c.holdStartMs;
        r.holdMs = c.holdMs;
        // A callback whose customer never answered has talked for nothing.
        r.talkMs = r.answeredAtMs > 0 ? now - r.answeredAtMs - c.holdMs : 0;
    } else {
        r.waitMs = now - r.legStartMs;
        complete = true;
    }
    r.cause = cause;
    r.transferTo = transferTo;
    r.complete = complete;
    updateLeg(c.leg);
}

void Engine::Impl::endConnected(CallRt &c, EndCause cause, const QString &transferTo)
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

void Engine::Impl::startWrapUp(AgentRt &a, LegState leg, bool allowWrap)
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

void Engine::Impl::finishWrapUp(AgentRt &a, const QString &disposition, const QString &notes,
                                bool applyNext)
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

void Engine::Impl::doLogout(AgentRt &a)
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

void Engine::Impl::overflow(CallRt &c)
{
    QueueRt &q = queues[std::size_t(c.queue)];
    withdrawAll(c, EndCause::Withdrawn);
    leaveQueue(c);
    closeLeg(c, EndCause::Overflow,
             QStringLiteral("queue:") + queues[std::size_t(q.overflow)].cfg.id);
    c.waitedBeforeMs += c.leg.rec.waitMs;
    enterQueue(c, q.overflow);
}

} // namespace acdesk::engine

namespace acdesk::engine {

void Engine::Impl::scheduleHours(QueueRt &q)
{
    cancelTimer(q.hoursTimer);
    const bool open = q.removed || q.cfg.hours.openAt(now, tz);
    if (open != q.open) {
        q.open = open;
        markStats(q.idx);
    }
    if (q.removed)
        return;
    const qint64 next = q.cfg.hours.nextChange(now, tz);
    if (next > 0)
        q.hoursTimer = addTimer(next, {TimerKind::Hours, q.idx, {}});
}

void Engine::Impl::exitCall(CallRt &c, EndCause cause, const ExitAction &action)
{
    withdrawAll(c, EndCause::Withdrawn);
    leaveQueue(c);
    const bool forward = action.kind == ExitAction::Kind::Forward;
    closeLeg(c, cause, forward ? QStringLiteral("number:") + action.number : QString());
    Telephony t;
    t.kind = TelephonyKind::Exit;
    t.call = c.snap.id;
    t.origin = c.snap.origin;
    t.number = forward ? action.number : QString();
    t.cause = endCauseName(cause);
    events.emplace_back(std::move(t));
    calls.erase(c.snap.id);
}

int Engine::Impl::resolveOpen(int qi, int *exitFrom)
{
    // Config validation keeps whenClosed overflow chains free of loops; the hop limit
    // guards a live change that closes a loop of queues all at once.
    for (std::size_t hops = 0; hops <= queues.size(); ++hops) {
        const QueueRt &q = queues[std::size_t(qi)];
        if (q.open)
            return qi;
        const int next = q.cfg.whenClosed.kind == ExitAction::Kind::Overflow
                             ? queueIndex.value(q.cfg.whenClosed.queue, -1)
                             : -1;
        if (next < 0) {
            *exitFrom = qi;
            return -1;
        }
        qi = next;
    }
    *exitFrom = qi;
    return -1;
}

int Engine::Impl::positionOf(const CallRt &c) const
{
    if (!c.inWaiting)
        return 0;
    const QueueRt &q = queues[std::size_t(c.queue)];
    const auto it = q.waiting.find({-c.snap.priority, c.seq, const_cast<CallRt *>(&c)});
    return it == q.waiting.end() ? 0 : int(std::distance(q.waiting.begin(), it)) + 1;
}

std::optional<double> Engine::Impl::estimatedWait(const QueueRt &q, int position) const
{
    int ready = 0, busy = 0;
    for (int ai : q.eligibleMembers) {
        switch (agents[std::size_t(ai)].state) {
        case AgentState::Ready:
            ++ready;
            break;
        case AgentState::Ringing:
        case AgentState::OnCall:
        case AgentState::WrapUp:
            ++busy;
            break;
        default:
            break;
        }
    }
    const double aht = q.today.handled > 0
                           ? double(q.today.handleSumMs) / double(q.today.handled) / 1000.0
                           : double(q.cfg.defaultHandleSeconds);
    return estimatedWaitSeconds(position, ready, busy, aht);
}

} // namespace acdesk::engine

namespace acdesk::engine {

Result Engine::Impl::requestCallbackImpl(const QString &id, const QString &number, bool anyQueue)
{
    CallRt *c = findCall(id);
    if (!c)
        return fail(ErrorKind::NotFound, QStringLiteral("unknown call"));
    if (c->waitingCallback())
        return fail(ErrorKind::InvalidState, QStringLiteral("call is already a callback"));
    if (!c->inUnanswered || c->leg.rec.kind != LegKind::Queue)
        return fail(ErrorKind::InvalidState, QStringLiteral("call is not waiting in a queue"));
    const QueueRt &q = queues[std::size_t(c->queue)];
    if (!anyQueue && !q.cfg.callback.enabled)
        return fail(ErrorKind::InvalidState, QStringLiteral("the queue offers no callback"));
    const QString to = number.isEmpty() ? c->snap.callerNumber : number;
    if (to.isEmpty())
        return fail(ErrorKind::BadRequest, QStringLiteral("no number to call back"));
    // A ringing offer stops: the caller is about to leave the line. The call keeps its place.
    withdrawAll(*c, EndCause::Withdrawn);
    if (!c->inWaiting)
        insertWaiting(*c);
    cancelTimer(c->maxWaitTimer); // nobody waits on the line any more
    c->snap.callbackAtMs = now;
    c->snap.callbackNumber = to;
    c->callbackSeq = c->seq;
    c->leg.rec.callbackAtMs = now;
    c->leg.rec.callbackNumber = to;
    updateLeg(c->leg);
    emitTel(TelephonyKind::Callback, *c);
    return {};
}

void Engine::Impl::connectCallback(CallRt &c, AgentRt &a)
{
    takeOffer(c, a);
    leaveQueue(c);
    // The queue visit is over (taken in turn); the agent's call to the customer is a leg of
    // its own that counts in the callback figures once it reaches someone.
    c.leg.rec.agent = a.cfg.id;
    closeLeg(c, EndCause::Callback);
    c.waitedBeforeMs += c.leg.rec.waitMs;
    newLeg(c, LegKind::Callback, c.queue);
    c.leg.rec.agent = a.cfg.id;
    ++c.snap.callbackAttempts;
    c.callbackDialing = true;
    c.agent = a.idx;
    c.snap.state = CallState::Connected;
    c.snap.answeredAtMs = 0;
    setAgentState(a, AgentState::OnCall);
    events.emplace_back(CallUpdated{{a.cfg.id}, snapshot(c)});
    emitTel(TelephonyKind::Dial, c, &a, c.snap.callbackNumber);
}

void Engine::Impl::failCallbackAttempt(CallRt &c)
{
    AgentRt &a = agents[std::size_t(c.agent)];
    const QueueRt &q = queues[std::size_t(c.queue)];
    const bool last = c.snap.callbackAttempts >= q.cfg.callback.attempts || q.removed;
    CallRecord &r = c.leg.rec;
    r.endedAtMs = now;
    r.cause = last ? EndCause::CallbackFailed : EndCause::NoAnswer;
    r.complete = true;
    updateLeg(c.leg);
    a.activeCall.clear();
    Call s = snapshot(c);
    s.state = CallState::Ended;
    events.emplace_back(CallEnded{a.cfg.id, s, EndCause::NoAnswer});
    c.agent = -1;
    c.callbackDialing = false;
    endCallWork(a, false);
    if (last) {
        calls.erase(c.snap.id); // the worklist has it now (cause callback_failed)
        return;
    }
    // Back in line at once, so the open leg is on disk (a restart keeps it), but offered
    // only after the pause: until then it waits out of the routable set.
    enterQueue(c, c.queue, c.callbackSeq);
    removeWaiting(c);
    c.retryTimer = addTimer(now + qint64(q.cfg.callback.retrySeconds) * 1000,
                            {TimerKind::CallbackRetry, -1, c.snap.id});
}

} // namespace acdesk::engine
