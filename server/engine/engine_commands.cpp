// Commands from agents, supervisors and gateways, and the statistics views.
#include "engine_p.h"

namespace acdesk::engine {

Result Engine::Impl::agentCheck(const QString &id, AgentRt *&a)
{
    a = findAgent(id);
    if (!a)
        return fail(ErrorKind::NotFound, QStringLiteral("unknown agent"));
    return {};
}

Result Engine::Impl::agentCall(const QString &agentId, const QString &callId, AgentRt *&a,
                               CallRt *&c)
{
    a = findAgent(agentId);
    if (!a)
        return fail(ErrorKind::NotFound, QStringLiteral("unknown agent"));
    c = findCall(callId);
    if (!c)
        return fail(ErrorKind::NotFound, QStringLiteral("unknown call"));
    return {};
}

bool Engine::Impl::knownReason(const QString &reason) const
{
    static const QStringList builtin = {QStringLiteral("login"), QStringLiteral("no_answer"),
                                        QStringLiteral("rejected"), QStringLiteral("supervisor"),
                                        QStringLiteral("phone_unreachable")};
    return config.reasons.isEmpty() || config.reasons.contains(reason) || builtin.contains(reason);
}

Result Engine::Impl::setStateImpl(const QString &id, AgentState s, const QString &reason)
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

Result Engine::Impl::arriveImpl(const Arrival &in)
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
    // Closed queues first (their whenClosed may send the call on), then join-empty.
    int exitFrom = -1;
    const int open = resolveOpen(qi, &exitFrom);
    const int target = open < 0 ? -1 : resolveJoin(open);
    if (open >= 0 && target < 0)
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
    // Each closed queue on the way records a "closed" leg, which counts in no service level.
    for (int cur = qi; cur != open;) {
        const QueueRt &q = queues[std::size_t(cur)];
        newLeg(ref, LegKind::Queue, cur);
        ref.queue = cur;
        ref.snap.queue = q.cfg.id;
        if (cur == exitFrom) {
            exitCall(ref, EndCause::Closed, q.cfg.whenClosed);
            Result r;
            r.callId = id;
            return r;
        }
        cur = queueIndex.value(q.cfg.whenClosed.queue);
        closeLeg(ref, EndCause::Closed, QStringLiteral("queue:") + q.cfg.whenClosed.queue);
    }
    if (target != open) {
        // join-empty overflow: a zero-wait leg in the first queue keeps the count honest
        newLeg(ref, LegKind::Queue, open);
        closeLeg(ref, EndCause::Overflow,
                 QStringLiteral("queue:") + queues[std::size_t(target)].cfg.id);
    }
    enterQueue(ref, target);
    Result r;
    r.callId = id;
    return r;
}

Result Engine::Impl::callerHangupImpl(const QString &id)
{
    CallRt *c = findCall(id);
    if (!c)
        return fail(ErrorKind::NotFound, QStringLiteral("unknown call"));
    if (c->waitingCallback()) {
        // The caller's own line ended long ago; a hang-up now is the customer who did not
        // take the agent's call (an attempt that reached nobody) or ended a reached one.
        if (c->callbackDialing) {
            failCallbackAttempt(*c);
            return {};
        }
        if (c->snap.state == CallState::Queued || c->snap.state == CallState::Offered)
            return {}; // the line the caller asked from: the call keeps its place
    }
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
        if (c->snap.consult)
            finishConsult(*c, EndCause::CallerHangup);
        endConnected(*c, EndCause::CallerHangup);
        break;
    case CallState::Ended:
        break;
    }
    calls.erase(id);
    return {};
}

Result Engine::Impl::acceptImpl(const QString &agentId, const QString &callId, bool bridge)
{
    AgentRt *a = nullptr;
    CallRt *c = nullptr;
    if (Result r = offeredCall(agentId, callId, a, c); !r.ok())
        return r;
    if (c->consultAgent == a->idx)
        connectConsult(*c, *a);
    else if (c->waitingCallback())
        connectCallback(*c, *a);
    else
        connectCall(*c, *a, bridge);
    return {};
}

Result Engine::Impl::rejectImpl(AgentRt &a, CallRt &c)
{
    if (c.consultAgent == a.idx) {
        // Declining a colleague's consultation is no missed customer call: back to ready.
        endConsult(c, EndCause::Rejected);
        endCallWork(a, true);
        return {};
    }
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

Result Engine::Impl::offeredCall(const QString &agentId, const QString &callId, AgentRt *&a,
                                 CallRt *&c)
{
    if (Result r = agentCall(agentId, callId, a, c); !r.ok())
        return r;
    if (a->state != AgentState::Ringing || a->offeredCall != callId)
        return fail(ErrorKind::InvalidState, QStringLiteral("call is not offered to agent"));
    return {};
}

Result Engine::Impl::connectedCall(const QString &agentId, const QString &callId, AgentRt *&a,
                                   CallRt *&c)
{
    if (Result r = agentCall(agentId, callId, a, c); !r.ok())
        return r;
    if (c->agent != a->idx ||
        (c->snap.state != CallState::Connected && c->snap.state != CallState::Held))
        return fail(ErrorKind::InvalidState, QStringLiteral("call is not connected to agent"));
    return {};
}

Result Engine::Impl::transferImpl(const QString &agentId, const QString &callId,
                                  const TransferTarget &to)
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
    if (c->snap.consult)
        return fail(ErrorKind::InvalidState, QStringLiteral("a consultation is in progress"));
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

Result Engine::Impl::dialImpl(const QString &agentId, const QString &number)
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

AgentInfo Engine::Impl::info(const AgentRt &a) const
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

QueueStats Engine::Impl::stats(const QueueRt &q) const
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
    s.open = q.open;
    s.ewtSeconds = estimatedWait(q, int(q.waiting.size()) + 1);
    if (d.handled > 0) {
        StaffingForecast f;
        f.arrivalsLastHour =
            qint64(q.arrivals.end() -
                   std::upper_bound(q.arrivals.begin(), q.arrivals.end(), t - kForecastWindowMs));
        f.ahtSeconds = double(d.handleSumMs) / double(d.handled) / 1000.0;
        f.agentsNeeded = agentsNeeded(double(f.arrivalsLastHour), f.ahtSeconds, q.cfg.slSeconds,
                                      q.cfg.thresholds.slAmber);
        s.forecast = f;
    }
    return s;
}

} // namespace acdesk::engine
