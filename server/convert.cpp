#include "convert.h"

#include <QJsonObject>

namespace acdesk::server {

proto::AgentState toProto(engine::AgentState state)
{
    switch (state) {
    case engine::AgentState::LoggedOut:
        return proto::AgentState::LoggedOut;
    case engine::AgentState::NotReady:
        return proto::AgentState::NotReady;
    case engine::AgentState::Ready:
        return proto::AgentState::Ready;
    case engine::AgentState::Ringing:
        return proto::AgentState::Ringing;
    case engine::AgentState::OnCall:
        return proto::AgentState::OnCall;
    case engine::AgentState::WrapUp:
        return proto::AgentState::WrapUp;
    }
    return proto::AgentState::LoggedOut;
}

engine::TransferTarget toEngine(const proto::TransferTarget &to)
{
    engine::TransferTarget target;
    target.value = to.value;
    target.kind = to.kind == proto::TransferKind::Queue   ? engine::TransferTarget::Kind::Queue
                  : to.kind == proto::TransferKind::Agent ? engine::TransferTarget::Kind::Agent
                                                          : engine::TransferTarget::Kind::Number;
    return target;
}

engine::AgentState toEngine(proto::AgentState state)
{
    switch (state) {
    case proto::AgentState::LoggedOut:
        return engine::AgentState::LoggedOut;
    case proto::AgentState::NotReady:
        return engine::AgentState::NotReady;
    case proto::AgentState::Ready:
        return engine::AgentState::Ready;
    case proto::AgentState::Ringing:
        return engine::AgentState::Ringing;
    case proto::AgentState::OnCall:
        return engine::AgentState::OnCall;
    case proto::AgentState::WrapUp:
        return engine::AgentState::WrapUp;
    }
    return engine::AgentState::LoggedOut;
}

namespace {
proto::CallState toProto(engine::CallState s)
{
    switch (s) {
    case engine::CallState::Queued:
        return proto::CallState::Queued;
    case engine::CallState::Offered:
        return proto::CallState::Offered;
    case engine::CallState::Connected:
        return proto::CallState::Connected;
    case engine::CallState::Held:
        return proto::CallState::Held;
    case engine::CallState::Ended:
        return proto::CallState::Ended;
    }
    return proto::CallState::Ended;
}
} // namespace

proto::Call toProto(const engine::Call &c)
{
    proto::Call p;
    p.id = c.id;
    p.queue = c.queue;
    p.direction = c.direction == engine::Direction::Outbound ? proto::Direction::Outbound
                                                             : proto::Direction::Inbound;
    p.caller = {c.callerNumber, c.callerName};
    if (!c.hotlineNumber.isEmpty())
        p.hotline = proto::Party{c.hotlineNumber, c.hotlineName};
    p.state = toProto(c.state);
    p.arrivedAt = c.arrivedAtMs;
    if (c.answeredAtMs > 0)
        p.answeredAt = c.answeredAtMs;
    p.waitedMs = c.waitedMs;
    p.priority = c.priority;
    p.muted = c.muted;
    p.data = QJsonObject::fromVariantMap(c.data);
    if (c.position > 0) {
        p.position = c.position;
        p.ewtSeconds = c.ewtSeconds;
    }
    if (c.callbackAtMs > 0)
        p.callback = proto::Call::Callback{c.callbackNumber, c.callbackAtMs, c.callbackAttempts};
    if (c.screenPop)
        p.screenPop =
            proto::Call::ScreenPop{c.screenPop->url, engine::screenPopOpenName(c.screenPop->open)};
    if (c.consult) {
        proto::TransferTarget to;
        to.value = c.consult->target.value;
        to.kind = c.consult->target.kind == engine::TransferTarget::Kind::Queue
                      ? proto::TransferKind::Queue
                  : c.consult->target.kind == engine::TransferTarget::Kind::Agent
                      ? proto::TransferKind::Agent
                      : proto::TransferKind::Number;
        p.consult = proto::Call::Consult{engine::consultStateName(c.consult->state), to,
                                         c.consult->agent, c.consult->by, c.consult->sinceMs};
    }
    return p;
}

proto::QueueStats toProto(const engine::QueueStats &s)
{
    proto::QueueStats p;
    p.id = s.id;
    p.name = s.name;
    p.waiting = s.waiting;
    p.longestWaitMs = s.longestWaitMs;
    p.agents = {s.agents.loggedIn, s.agents.ready,  s.agents.ringing,
                s.agents.onCall,   s.agents.wrapUp, s.agents.notReady};
    p.today.offered = int(s.today.offered);
    p.today.answered = int(s.today.answered);
    p.today.abandoned = int(s.today.abandoned);
    p.today.shortAbandoned = int(s.today.shortAbandoned);
    p.today.answeredInSl = int(s.today.answeredInSl);
    p.today.serviceLevel = s.today.serviceLevel;
    p.today.asaMs = s.today.asaMs;
    p.today.ahtMs = s.today.ahtMs;
    p.today.abandonRate = s.today.abandonRate;
    p.today.longestWaitMs = s.today.longestWaitMs;
    p.today.reachability = s.today.reachability;
    p.today.closed = int(s.today.closed);
    p.today.timedOut = int(s.today.timedOut);
    p.today.callbacksRequested = int(s.today.callbacksRequested);
    p.today.callbacksReached = int(s.today.callbacksReached);
    p.today.callbacksFailed = int(s.today.callbacksFailed);
    p.today.timeToCallbackMs = s.today.timeToCallbackMs;
    p.open = s.open;
    p.ewtSeconds = s.ewtSeconds;
    if (s.forecast)
        p.forecast = proto::StaffingForecast{int(s.forecast->arrivalsLastHour),
                                             s.forecast->ahtSeconds, s.forecast->agentsNeeded};
    p.slSeconds = s.slSeconds;
    p.thresholds = {s.thresholds.waitingAmber,      s.thresholds.waitingRed,
                    s.thresholds.longestWaitAmberS, s.thresholds.longestWaitRedS,
                    s.thresholds.slAmber,           s.thresholds.slRed};
    return p;
}

proto::AgentInfo toProto(const engine::AgentInfo &a, AgentForm form)
{
    proto::AgentInfo p;
    p.id = a.id;
    p.name = a.name;
    p.state = toProto(a.state);
    p.reason = a.reason;
    p.since = a.sinceMs;
    p.queues = a.queues;
    p.connected = a.connected;
    p.answeredToday = int(a.answeredToday);
    if (form == AgentForm::Snapshot) {
        QMap<QString, int> skills;
        for (auto it = a.skills.cbegin(); it != a.skills.cend(); ++it)
            skills.insert(it.key(), it.value());
        p.skills = skills;
    }
    if (a.pendingState)
        p.pending = proto::PendingState{toProto(*a.pendingState), a.pendingReason};
    return p;
}

proto::ErrorCode fromEngine(engine::ErrorKind k)
{
    switch (k) {
    case engine::ErrorKind::BadRequest:
        return proto::ErrorCode::BadRequest;
    case engine::ErrorKind::NotFound:
        return proto::ErrorCode::NotFound;
    case engine::ErrorKind::InvalidState:
        return proto::ErrorCode::InvalidState;
    case engine::ErrorKind::Conflict:
        return proto::ErrorCode::Conflict;
    case engine::ErrorKind::None:
        break;
    }
    return proto::ErrorCode::Internal;
}

} // namespace acdesk::server
