#include "types.h"

#include "clock.h"

#include <QDateTime>

#include <algorithm>
#include <array>

namespace acdesk::engine {

Clock::~Clock() = default;

qint64 SystemClock::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

namespace {

template<typename E, std::size_t N>
QString nameOf(const std::array<const char *, N> &names, E value)
{
    const auto i = static_cast<std::size_t>(value);
    return i < N ? QString::fromLatin1(names[i]) : QString();
}

template<typename E, std::size_t N>
std::optional<E> valueOf(const std::array<const char *, N> &names, const QString &name)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == QLatin1String(names[i]))
            return static_cast<E>(i);
    }
    return std::nullopt;
}

constexpr std::array<const char *, 8> kStrategies = {"longest_idle", "round_robin",     "ring_all",
                                                     "fewest_calls", "least_talk_time", "skills",
                                                     "linear",       "random"};
constexpr std::array<const char *, 6> kAgentStates = {"logged_out", "not_ready", "ready",
                                                      "ringing",    "on_call",   "wrap_up"};
constexpr std::array<const char *, 5> kCallStates = {"queued", "offered", "connected", "held",
                                                     "ended"};
constexpr std::array<const char *, 14> kCauses = {
    "",          "agent_hangup", "caller_hangup", "transferred",    "rejected",
    "no_answer", "withdrawn",    "agent_lost",    "overflow",       "server_restart",
    "closed",    "max_wait",     "callback",      "callback_failed"};
constexpr std::array<const char *, 3> kJoinEmpty = {"join", "overflow", "refuse"};
constexpr std::array<const char *, 5> kErrors = {"", "bad_request", "not_found", "invalid_state",
                                                 "conflict"};
constexpr std::array<const char *, 4> kLegKinds = {"queue", "direct", "outbound", "callback"};
constexpr std::array<const char *, 18> kTelephony = {
    "ring", "cancel",   "bridge",   "drop",       "hold",     "resume",
    "mute", "unmute",   "transfer", "dial",       "dtmf",     "release",
    "exit", "callback", "consult",  "consultEnd", "complete", "conference"};
constexpr std::array<const char *, 3> kConsultStates = {"ringing", "talking", "conference"};

} // namespace

QString strategyName(Strategy s)
{
    return nameOf(kStrategies, s);
}
std::optional<Strategy> strategyFromName(const QString &name)
{
    return valueOf<Strategy>(kStrategies, name);
}
QString agentStateName(AgentState s)
{
    return nameOf(kAgentStates, s);
}
std::optional<AgentState> agentStateFromName(const QString &name)
{
    return valueOf<AgentState>(kAgentStates, name);
}
QString callStateName(CallState s)
{
    return nameOf(kCallStates, s);
}
QString directionName(Direction d)
{
    return d == Direction::Inbound ? QStringLiteral("inbound") : QStringLiteral("outbound");
}
QString endCauseName(EndCause c)
{
    return nameOf(kCauses, c);
}
std::optional<EndCause> endCauseFromName(const QString &name)
{
    return valueOf<EndCause>(kCauses, name);
}
QString joinEmptyName(JoinEmpty j)
{
    return nameOf(kJoinEmpty, j);
}
std::optional<JoinEmpty> joinEmptyFromName(const QString &name)
{
    return valueOf<JoinEmpty>(kJoinEmpty, name);
}
QString errorKindName(ErrorKind e)
{
    return nameOf(kErrors, e);
}
QString legKindName(LegKind k)
{
    return nameOf(kLegKinds, k);
}
std::optional<LegKind> legKindFromName(const QString &name)
{
    return valueOf<LegKind>(kLegKinds, name);
}
QString telephonyKindName(TelephonyKind k)
{
    return nameOf(kTelephony, k);
}

QString consultStateName(Consult::State s)
{
    return nameOf(kConsultStates, s);
}

void QueueDay::add(const QueueDay &o)
{
    offered += o.offered;
    answered += o.answered;
    abandoned += o.abandoned;
    shortAbandoned += o.shortAbandoned;
    answeredInSl += o.answeredInSl;
    overflowed += o.overflowed;
    transferredOut += o.transferredOut;
    handled += o.handled;
    closed += o.closed;
    timedOut += o.timedOut;
    callbacksRequested += o.callbacksRequested;
    callbacksReached += o.callbacksReached;
    callbackWaitSumMs += o.callbackWaitSumMs;
    callbacksFailed += o.callbacksFailed;
    waitAnsweredSumMs += o.waitAnsweredSumMs;
    handleSumMs += o.handleSumMs;
    longestWaitMs = std::max(longestWaitMs, o.longestWaitMs);
}

void QueueDay::subtract(const QueueDay &o)
{
    offered -= o.offered;
    answered -= o.answered;
    abandoned -= o.abandoned;
    shortAbandoned -= o.shortAbandoned;
    answeredInSl -= o.answeredInSl;
    overflowed -= o.overflowed;
    transferredOut -= o.transferredOut;
    handled -= o.handled;
    closed -= o.closed;
    timedOut -= o.timedOut;
    callbacksRequested -= o.callbacksRequested;
    callbacksReached -= o.callbacksReached;
    callbackWaitSumMs -= o.callbackWaitSumMs;
    callbacksFailed -= o.callbacksFailed;
    waitAnsweredSumMs -= o.waitAnsweredSumMs;
    handleSumMs -= o.handleSumMs;
}

QueueDay legContribution(const CallRecord &leg, int slSeconds, int shortAbandonSeconds)
{
    QueueDay d;
    if (leg.kind == LegKind::Callback) {
        // The agent's call to the customer: only the callback figures.
        if (leg.answeredAtMs > 0) {
            d.callbacksReached = 1;
            d.callbackWaitSumMs = leg.answeredAtMs - leg.callbackAtMs;
        }
        d.callbacksFailed = leg.cause == EndCause::CallbackFailed ? 1 : 0;
        return d;
    }
    if (leg.kind != LegKind::Queue)
        return d; // direct transfers and outbound calls are no queue traffic
    if (leg.callbackAtMs > 0 && leg.callbackAtMs < leg.legStartMs)
        return d; // a callback back in line after an attempt: counted in its first visit
    d.callbacksRequested = leg.callbackAtMs > 0 ? 1 : 0;
    if (leg.cause == EndCause::Callback) {
        d.offered = 1; // taken to call back: offered, neither answered nor abandoned
        d.longestWaitMs = leg.waitMs;
        return d;
    }
    if (leg.cause == EndCause::Closed) {
        d.closed = 1; // closed time does not count: not offered, no wait, no service level
        return d;
    }
    d.offered = 1;
    d.longestWaitMs = leg.waitMs;
    if (leg.answeredAtMs > 0) {
        d.answered = 1;
        d.waitAnsweredSumMs = leg.waitMs;
        // "within N seconds" is inclusive
        if (leg.waitMs <= qint64(slSeconds) * 1000)
            d.answeredInSl = 1;
        if (leg.cause == EndCause::Transferred)
            d.transferredOut = 1;
        // A leg is handled once its work is over (wrap-up finished); a blind transfer
        // counts as handled in the first queue (contract section 5).
        if (leg.complete) {
            d.handled = 1;
            d.handleSumMs = leg.talkMs + leg.holdMs + leg.wrapUpMs;
        }
    } else if (leg.cause == EndCause::CallerHangup) {
        if (leg.waitMs <= qint64(shortAbandonSeconds) * 1000)
            d.shortAbandoned = 1;
        else
            d.abandoned = 1;
    } else if (leg.cause == EndCause::Overflow) {
        d.overflowed = 1;
    } else if (leg.cause == EndCause::MaxWait) {
        d.timedOut = 1;
    }
    return d;
}

QueueToday summarize(const QueueDay &d)
{
    QueueToday o;
    o.offered = d.offered;
    o.answered = d.answered;
    o.abandoned = d.abandoned;
    o.shortAbandoned = d.shortAbandoned;
    o.answeredInSl = d.answeredInSl;
    o.overflowed = d.overflowed;
    o.transferredOut = d.transferredOut;
    o.handled = d.handled;
    o.closed = d.closed;
    o.timedOut = d.timedOut;
    o.callbacksRequested = d.callbacksRequested;
    o.callbacksReached = d.callbacksReached;
    o.callbacksFailed = d.callbacksFailed;
    if (d.callbacksReached > 0)
        o.timeToCallbackMs = double(d.callbackWaitSumMs) / double(d.callbacksReached);
    // A caller sent away after the maximum wait was not served in time either.
    if (d.answered + d.abandoned + d.timedOut > 0)
        o.serviceLevel = double(d.answeredInSl) / double(d.answered + d.abandoned + d.timedOut);
    if (d.answered > 0)
        o.asaMs = double(d.waitAnsweredSumMs) / double(d.answered);
    if (d.handled > 0)
        o.ahtMs = double(d.handleSumMs) / double(d.handled);
    if (d.offered - d.shortAbandoned > 0)
        o.abandonRate = double(d.abandoned) / double(d.offered - d.shortAbandoned);
    if (d.offered > 0)
        o.reachability = double(d.answered) / double(d.offered);
    o.longestWaitMs = d.longestWaitMs;
    return o;
}

} // namespace acdesk::engine
