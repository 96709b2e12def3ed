// Consultation, transfer after consultation and three-way conference (docs/engine.md). The
// customer's call keeps its id throughout: the consulted agent is offered that same call
// (with consult.by set), so it sees the caller's data, and completing the transfer only
// moves the call to it. The consultation itself makes no record: the call counts once, in
// the leg of the agent who answered it, which ends "transferred" to the consulted party.
#include "engine_p.h"

namespace acdesk::engine {

namespace {
QString targetTag(const TransferTarget &to, const QString &agent)
{
    if (to.kind == TransferTarget::Kind::Number)
        return QStringLiteral("number:") + to.value;
    return QStringLiteral("agent:") + agent;
}
} // namespace

Result Engine::Impl::consultImpl(const QString &agentId, const QString &callId,
                                 const TransferTarget &to)
{
    AgentRt *a = nullptr;
    CallRt *c = nullptr;
    if (to.value.isEmpty())
        return fail(ErrorKind::BadRequest, QStringLiteral("consultation target missing"));
    if (Result r = agentCall(agentId, callId, a, c); !r.ok())
        return r;
    AgentRt *b = nullptr;
    const QueueRt *viaQueue = nullptr;
    if (to.kind == TransferTarget::Kind::Queue) {
        const int qi = queueIndex.value(to.value, -1);
        if (qi < 0)
            return fail(ErrorKind::NotFound, QStringLiteral("unknown queue"));
        viaQueue = &queues[std::size_t(qi)];
    } else if (to.kind == TransferTarget::Kind::Agent) {
        b = findAgent(to.value);
        if (!b)
            return fail(ErrorKind::NotFound, QStringLiteral("unknown target agent"));
    }
    if (Result r = connectedCall(agentId, callId, a, c); !r.ok())
        return r;
    if (c->snap.consult)
        return fail(ErrorKind::InvalidState, QStringLiteral("a consultation is in progress"));
    if (c->callbackDialing)
        return fail(ErrorKind::InvalidState, QStringLiteral("the customer has not answered"));
    if (b && (b == a || b->state != AgentState::Ready || !b->connected))
        return fail(ErrorKind::InvalidState, QStringLiteral("target agent is not ready"));
    if (viaQueue) {
        // The agent the queue's strategy would give its next call (ready sets are ordered
        // by it); a consultation does not wait in line.
        if (viaQueue->removed || viaQueue->ready.empty())
            return fail(ErrorKind::InvalidState, QStringLiteral("nobody in the queue is ready"));
        b = &agents[std::size_t(std::get<3>(*viaQueue->ready.begin()))];
    }
    // The caller waits on hold (music) while the agent talks to the target.
    if (c->snap.state == CallState::Connected) {
        c->snap.state = CallState::Held;
        c->holdStartMs = now;
        emitTel(TelephonyKind::Hold, *c, a);
    }
    Consult k;
    k.target = to;
    k.by = a->cfg.id;
    k.sinceMs = now;
    if (!b) {
        k.state = Consult::State::Talking; // the gateway calls the number at once
        c->snap.consult = k;
        emitTel(TelephonyKind::Consult, *c, nullptr, to.value);
        consultUpdated(*c);
        return {};
    }
    k.agent = b->cfg.id;
    c->snap.consult = k;
    c->consultAgent = b->idx;
    const QueueRt *timeoutFrom = viaQueue ? viaQueue : queueOf(*c);
    const qint64 timeoutMs = qint64(timeoutFrom ? timeoutFrom->cfg.offerTimeoutSeconds
                                                : QueueConfig().offerTimeoutSeconds) *
                             1000;
    b->offeredCall = c->snap.id;
    setAgentState(*b, AgentState::Ringing);
    if (timeoutMs > 0)
        b->offerTimer = addTimer(now + timeoutMs, {TimerKind::OfferTimeout, b->idx, c->snap.id});
    events.emplace_back(CallOffered{b->cfg.id, snapshot(*c), timeoutMs});
    if (!b->station.isEmpty())
        emitTel(TelephonyKind::Ring, *c, b);
    consultUpdated(*c);
    return {};
}

Result Engine::Impl::consultingCall(const QString &agentId, const QString &callId, AgentRt *&a,
                                    CallRt *&c)
{
    if (Result r = connectedCall(agentId, callId, a, c); !r.ok())
        return r;
    if (!c->snap.consult)
        return fail(ErrorKind::InvalidState, QStringLiteral("no consultation in progress"));
    return {};
}

void Engine::Impl::connectConsult(CallRt &c, AgentRt &b)
{
    cancelTimer(b.offerTimer);
    b.offeredCall.clear();
    b.activeCall = c.snap.id;
    c.snap.consult->state = Consult::State::Talking;
    setAgentState(b, AgentState::OnCall);
    emitTel(TelephonyKind::Consult, c, &b);
    consultUpdated(c);
}

Result Engine::Impl::completeImpl(const QString &agentId, const QString &callId)
{
    AgentRt *a = nullptr;
    CallRt *c = nullptr;
    if (Result r = consultingCall(agentId, callId, a, c); !r.ok())
        return r;
    if (c->snap.consult->state == Consult::State::Ringing)
        return fail(ErrorKind::InvalidState,
                    QStringLiteral("the consulted party has not answered"));
    completeConsult(*c);
    return {};
}

void Engine::Impl::completeConsult(CallRt &c)
{
    const Consult k = *c.snap.consult;
    AgentRt *b = c.consultAgent >= 0 ? &agents[std::size_t(c.consultAgent)] : nullptr;
    emitTel(TelephonyKind::Complete, c, b, b ? QString() : k.target.value);
    c.snap.consult.reset();
    c.consultAgent = -1;
    endConnected(c, EndCause::Transferred, targetTag(k.target, k.agent));
    if (!b) {
        calls.erase(c.snap.id); // the caller talks to the number outside the ACD
        return;
    }
    // The consulted agent has the caller already: a direct leg, answered at once.
    newLeg(c, LegKind::Direct, c.queue);
    c.agent = b->idx;
    c.snap.state = CallState::Connected;
    c.snap.answeredAtMs = now;
    c.leg.rec.offeredAtMs = now;
    c.leg.rec.answeredAtMs = now;
    c.leg.rec.waitMs = 0;
    c.leg.rec.agent = b->cfg.id;
    updateLeg(c.leg);
    if (now >= dayStart)
        ++b->answeredToday;
    events.emplace_back(CallUpdated{{b->cfg.id}, snapshot(c)});
}

Result Engine::Impl::cancelConsultImpl(const QString &agentId, const QString &callId)
{
    AgentRt *a = nullptr;
    CallRt *c = nullptr;
    if (Result r = consultingCall(agentId, callId, a, c); !r.ok())
        return r;
    const bool ringing = c->snap.consult->state == Consult::State::Ringing;
    // The colleague hears that the other agent hung up; the agent that it withdrew.
    finishConsult(*c, ringing ? EndCause::Withdrawn : EndCause::AgentHangup, EndCause::Withdrawn);
    if (c->snap.state == CallState::Held) {
        c->snap.state = CallState::Connected;
        c->holdMs += now - c->holdStartMs;
        emitTel(TelephonyKind::Resume, *c, a);
        events.emplace_back(CallUpdated{{a->cfg.id}, snapshot(*c)});
    }
    return {};
}

Result Engine::Impl::conferenceImpl(const QString &agentId, const QString &callId)
{
    AgentRt *a = nullptr;
    CallRt *c = nullptr;
    if (Result r = consultingCall(agentId, callId, a, c); !r.ok())
        return r;
    if (c->snap.consult->state != Consult::State::Talking)
        return fail(ErrorKind::InvalidState, QStringLiteral("no answered consultation"));
    c->snap.consult->state = Consult::State::Conference;
    if (c->snap.state == CallState::Held) {
        c->snap.state = CallState::Connected;
        c->holdMs += now - c->holdStartMs;
    }
    emitTel(TelephonyKind::Conference, *c, a);
    consultUpdated(*c);
    return {};
}

AgentRt *Engine::Impl::endConsult(CallRt &c, EndCause cause, EndCause told)
{
    AgentRt *b = c.consultAgent >= 0 ? &agents[std::size_t(c.consultAgent)] : nullptr;
    if (b) {
        cancelTimer(b->offerTimer);
        if (b->offeredCall == c.snap.id)
            b->offeredCall.clear();
        if (b->activeCall == c.snap.id)
            b->activeCall.clear();
        Call s = snapshot(c);
        s.state = CallState::Ended;
        events.emplace_back(CallEnded{b->cfg.id, s, cause});
    }
    emitTel(TelephonyKind::ConsultEnd, c, b);
    c.snap.consult.reset();
    c.consultAgent = -1;
    if (c.agent >= 0)
        events.emplace_back(ConsultEnded{agents[std::size_t(c.agent)].cfg.id, snapshot(c),
                                         told == EndCause::None ? cause : told});
    return b;
}

void Engine::Impl::finishConsult(CallRt &c, EndCause cause, EndCause told)
{
    const bool ringing = c.snap.consult->state == Consult::State::Ringing;
    if (AgentRt *b = endConsult(c, cause, told))
        endCallWork(*b, ringing);
}

void Engine::Impl::consultUpdated(const CallRt &c)
{
    QStringList to{agents[std::size_t(c.agent)].cfg.id};
    if (c.consultAgent >= 0 && c.snap.consult->state != Consult::State::Ringing)
        to.append(agents[std::size_t(c.consultAgent)].cfg.id);
    events.emplace_back(CallUpdated{to, snapshot(c)});
}

} // namespace acdesk::engine
