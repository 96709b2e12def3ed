#include "engine_p.h"

namespace acdesk::engine {

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
        if (c->consultAgent == a->idx) {
            // The consulted agent leaves; the call stays with its agent.
            d->finishConsult(*c, EndCause::AgentHangup);
            return {};
        }
        if (Result r = d->connectedCall(agent, call, a, c); !r.ok())
            return r;
        if (c->snap.consult) {
            if (c->snap.consult->state != Consult::State::Ringing) {
                // Hanging up after the consulted party answered hands the caller over
                // (like a desk phone's transfer on hang-up).
                d->completeConsult(*c);
                return {};
            }
            d->finishConsult(*c, EndCause::Withdrawn);
        }
        d->emitTel(TelephonyKind::Drop, *c, a);
        if (c->callbackDialing) {
            d->failCallbackAttempt(*c); // the agent gave up before anyone answered
            return {};
        }
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
        if (c->snap.consult)
            return fail(ErrorKind::InvalidState, QStringLiteral("a consultation is in progress"));
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
        if (c->snap.consult)
            return fail(ErrorKind::InvalidState, QStringLiteral("a consultation is in progress"));
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
        if (c->snap.consult)
            return fail(ErrorKind::InvalidState, QStringLiteral("a consultation is in progress"));
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

Result Engine::consult(const QString &agent, const QString &call, const TransferTarget &to)
{
    return d->run([&]() { return d->consultImpl(agent, call, to); });
}

Result Engine::completeTransfer(const QString &agent, const QString &call)
{
    return d->run([&]() { return d->completeImpl(agent, call); });
}

Result Engine::cancelConsult(const QString &agent, const QString &call)
{
    return d->run([&]() { return d->cancelConsultImpl(agent, call); });
}

Result Engine::conference(const QString &agent, const QString &call)
{
    return d->run([&]() { return d->conferenceImpl(agent, call); });
}

Result Engine::consultGone(const QString &call)
{
    return d->run([&]() -> Result {
        CallRt *c = d->findCall(call);
        if (!c)
            return fail(ErrorKind::NotFound, QStringLiteral("unknown call"));
        if (!c->snap.consult)
            return fail(ErrorKind::InvalidState, QStringLiteral("no consultation in progress"));
        d->finishConsult(*c, EndCause::AgentHangup);
        return {};
    });
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
        if (c->callbackDialing) {
            // The customer answered the agent's callback: reached.
            c->callbackDialing = false;
            c->callbackReached = true;
            c->snap.answeredAtMs = d->now;
            c->leg.rec.answeredAtMs = d->now;
            d->updateLeg(c->leg);
            AgentRt &a = d->agents[std::size_t(c->agent)];
            if (d->now >= d->dayStart)
                d->resetAgentDay(a, a.answeredToday + 1, a.talkTodayMs);
            d->events.emplace_back(
                CallUpdated{{d->agents[std::size_t(c->agent)].cfg.id}, d->snapshot(*c)});
            return {};
        }
        if (c->consultAgent >= 0 && c->snap.consult->state == Consult::State::Ringing) {
            // The consulted agent's phone picked up.
            const QString who = d->agents[std::size_t(c->consultAgent)].cfg.id;
            if (!agent.isEmpty() && agent != who)
                return fail(ErrorKind::InvalidState, QStringLiteral("call is not ringing"));
            return d->acceptImpl(who, call, false);
        }
        if (c->snap.state == CallState::Connected && c->snap.direction == Direction::Outbound)
            return {}; // the dialled party of an outbound call answered: nothing to count
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

Result Engine::requestCallback(const QString &call, const QString &number, bool anyQueue)
{
    return d->run([&] { return d->requestCallbackImpl(call, number, anyQueue); });
}

void Engine::restoreCallbacks(const std::vector<CallRecord> &legs)
{
    d->runDueTimers();
    std::vector<const CallRecord *> order;
    QHash<QString, int> attempts; // the agents' calls to the customer so far
    for (const CallRecord &r : legs) {
        if (r.kind == LegKind::Queue && r.callbackAtMs > 0 && r.answeredAtMs == 0 && !r.complete)
            order.push_back(&r);
        else if (r.kind == LegKind::Callback)
            ++attempts[r.callId];
    }
    std::sort(order.begin(), order.end(), [](const CallRecord *a, const CallRecord *b) {
        return std::tie(a->legStartMs, a->callId) < std::tie(b->legStartMs, b->callId);
    });
    for (const CallRecord *r : order) {
        const int qi = d->queueIndex.value(r->queue, -1);
        if (qi < 0 || d->calls.count(r->callId))
            continue;
        auto c = std::make_unique<CallRt>();
        c->snap.id = r->callId;
        c->snap.direction = Direction::Inbound;
        c->snap.callerNumber = r->callerNumber;
        c->snap.callerName = r->callerName;
        c->snap.hotlineNumber = r->hotlineNumber;
        c->snap.priority = r->priority;
        c->snap.arrivedAtMs = r->arrivedAtMs;
        c->snap.origin = r->origin;
        c->snap.callbackAtMs = r->callbackAtMs;
        c->snap.callbackNumber = r->callbackNumber;
        c->snap.callbackAttempts = attempts.value(r->callId);
        c->snap.queue = r->queue;
        c->snap.state = CallState::Queued;
        c->waitedBeforeMs = r->legStartMs - r->arrivedAtMs; // approximately: earlier legs
        c->queue = qi;
        QueueRt &q = d->queues[std::size_t(qi)];
        // The open leg goes on; restoreDay() already counted it when it is today's.
        c->leg.rec = *r;
        c->leg.queue = qi;
        c->leg.counted = r->legStartMs >= d->dayStart;
        c->leg.contrib = legContribution(*r, q.cfg.slSeconds, q.cfg.shortAbandonSeconds);
        c->legCount = r->leg;
        d->legsToday[r->callId] = std::max(d->legsToday.value(r->callId), r->leg);
        c->seq = c->callbackSeq = ++d->callSeq;
        q.unanswered.insert({r->legStartMs, c->seq});
        c->inUnanswered = true;
        CallRt &ref = *c;
        d->calls.emplace(r->callId, std::move(c));
        d->insertWaiting(ref);
    }
    d->routeWaitingCalls();
    d->emitQueueChanges();
}

std::optional<Call> Engine::callWithPlace(const QString &id) const
{
    const auto it = d->calls.find(id);
    if (it == d->calls.end())
        return std::nullopt;
    const CallRt &c = *it->second;
    Call s = d->snapshot(c);
    s.position = d->positionOf(c);
    if (s.position > 0)
        s.ewtSeconds = d->estimatedWait(d->queues[std::size_t(c.queue)], s.position);
    return s;
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
    for (const WaitKey &w : q.waiting) {
        out.push_back(d->snapshot(*w.call));
        out.back().position = int(out.size());
        out.back().ewtSeconds = d->estimatedWait(q, out.back().position);
    }
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
        const bool inQueue = r.kind == LegKind::Queue || r.kind == LegKind::Callback;
        if (inQueue && r.legStartMs >= d->dayStart && r.legStartMs < d->dayEnd) {
            const int qi = d->queueIndex.value(r.queue, -1);
            if (qi >= 0) {
                QueueRt &q = d->queues[std::size_t(qi)];
                const QueueDay c = legContribution(r, q.cfg.slSeconds, q.cfg.shortAbandonSeconds);
                q.today.add(c);
                if (c.offered > 0 && r.legStartMs > d->now - kForecastWindowMs)
                    q.arrivals.push_back(r.legStartMs); // the forecast's last hour
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
    for (QueueRt &q : d->queues)
        std::sort(q.arrivals.begin(), q.arrivals.end());
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

} // namespace acdesk::engine
