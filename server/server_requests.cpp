// Requests: the contract's order of checks, then one handler per request type. The
// handlers of the worklist live with it (server_engine.cpp), those of passwords and the
// live configuration in server_admin.cpp, login, resume and logout in server.cpp.

#include "server.h"

#include "connection.h"
#include "convert.h"
#include "engine/engine.h"
#include "protocol/protocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>

#include <algorithm>

namespace acdesk::server {

using proto::ErrorCode;

namespace {

bool hasLabel(const QList<Label> &labels, const QString &codeText)
{
    return std::any_of(labels.begin(), labels.end(),
                       [&](const Label &l) { return l.code == codeText; });
}

// Without configured reasons any code is accepted (as the engine does); with a list,
// only its codes, plus "supervisor" for supervisors, who may name it explicitly.
bool reasonAllowed(const QList<Label> &reasons, const QString &codeText, bool supervisor)
{
    return reasons.isEmpty() || hasLabel(reasons, codeText) ||
           (supervisor && codeText == QLatin1String("supervisor"));
}

} // namespace

void Server::handleRequest(Connection *c, const proto::Envelope &env)
{
    // An "ok" acknowledges what the request changed: what the request sends is held until
    // pump() below has handed its records to the writer; then its client waits for the
    // disk (releaseOutput), so no client is told of a change a crash could still lose.
    holdOutput();
    const quint64 serial = c->serial;
    const auto release = qScopeGuard([this, serial] { releaseOutput(m_bySerial.value(serial)); });
    // The contract's check order: envelope, authenticated, known type, role, parameters.
    if (!c->authenticated && proto::requiresAuthentication(env.type)) {
        replyError(c, env.id, ErrorCode::NotAuthenticated, QStringLiteral("log in first"));
        return;
    }
    if (!proto::isKnownRequestType(env.type)) {
        replyError(c, env.id, ErrorCode::UnknownType,
                   QStringLiteral("unknown request type \"%1\"").arg(env.type));
        return;
    }
    if (c->authenticated) {
        const auto role = proto::fromString<proto::Role>(c->role);
        if (!role || !proto::roleMayUse(*role, env.type)) {
            const bool again =
                env.type == QLatin1String("login") || env.type == QLatin1String("resume");
            replyError(c, env.id, again ? ErrorCode::InvalidState : ErrorCode::Forbidden,
                       again ? QStringLiteral("already logged in; log out first")
                             : QStringLiteral("role %1 may not use %2").arg(c->role, env.type));
            return;
        }
    }
    auto decoded = proto::decodeRequest(env);
    if (const auto *err = std::get_if<proto::DecodeError>(&decoded)) {
        replyError(c, env.id, err->code, err->message);
        return;
    }
    const auto &request = std::get<proto::Request>(decoded);
    // No catch-all: a request type of proto::Request without its handle() overload does
    // not compile.
    const auto route = [&] {
        std::visit([&](const auto &r) { handle(c, env, r); }, request);
    };
    // Login and resume answer after their password or token check, never from memory.
    if (std::holds_alternative<proto::LoginRequest>(request) ||
        std::holds_alternative<proto::ResumeRequest>(request)) {
        route();
        return;
    }

    // Idempotency: a keyed request seen before in this session is answered from memory.
    const bool keyed =
        !env.key.isEmpty() && proto::isMutatingRequestType(env.type) && !c->tokenDigest.isEmpty();
    if (keyed) {
        const auto session = m_keyedReplies.constFind(c->tokenDigest);
        if (session != m_keyedReplies.cend()) {
            const auto stored = session->constFind(env.key);
            if (stored != session->cend() && stored->expiresAtMs >= m_clock->nowMs()) {
                QJsonObject again = stored->reply;
                if (env.hasId())
                    again.insert(QStringLiteral("re"), env.id);
                if (env.hasId() || again.value(QStringLiteral("type")) == QLatin1String("error"))
                    sendRaw(c, QJsonDocument(again).toJson(QJsonDocument::Compact));
                return;
            }
        }
        m_capture = {c->tokenDigest, env.key, true};
    }
    route();
    m_capture.active = false;
    pump();
}

void Server::answer(Connection *c, const proto::Envelope &env, const engine::Result &r,
                    QJsonObject fields)
{
    if (r.ok())
        reply(c, env, std::move(fields));
    else
        replyError(c, env.id, fromEngine(r.code), r.message);
}

// ---------------------------------------------------------------------------------------
// agents and their calls

void Server::handle(Connection *c, const Env &env, const proto::AgentSetStateRequest &r)
{
    if (r.state == proto::AgentState::NotReady &&
        !reasonAllowed(m_config.reasons, r.reason, false)) {
        replyError(c, env.id, ErrorCode::BadRequest,
                   QStringLiteral("field \"reason\": unknown reason code \"%1\"").arg(r.reason));
        return;
    }
    answer(c, env, m_engine->setState(c->user, toEngine(r.state), r.reason));
}

void Server::handle(Connection *c, const Env &env, const proto::AgentEndWrapUpRequest &r)
{
    if (!r.disposition.isEmpty() && !hasLabel(m_config.dispositions, r.disposition)) {
        replyError(
            c, env.id, ErrorCode::BadRequest,
            QStringLiteral("field \"disposition\": unknown disposition \"%1\"").arg(r.disposition));
        return;
    }
    answer(c, env, m_engine->endWrapUp(c->user, r.disposition, r.notes));
}

void Server::handle(Connection *c, const Env &env, const proto::CallAcceptRequest &r)
{
    answer(c, env, m_engine->accept(c->user, r.call));
}

void Server::handle(Connection *c, const Env &env, const proto::CallRejectRequest &r)
{
    answer(c, env, m_engine->reject(c->user, r.call));
}

void Server::handle(Connection *c, const Env &env, const proto::CallHangupRequest &r)
{
    answer(c, env, m_engine->hangup(c->user, r.call));
}

void Server::handle(Connection *c, const Env &env, const proto::CallHoldRequest &r)
{
    answer(c, env, m_engine->hold(c->user, r.call));
}

void Server::handle(Connection *c, const Env &env, const proto::CallResumeRequest &r)
{
    answer(c, env, m_engine->resume(c->user, r.call));
}

void Server::handle(Connection *c, const Env &env, const proto::CallMuteRequest &r)
{
    answer(c, env, m_engine->mute(c->user, r.call));
}

void Server::handle(Connection *c, const Env &env, const proto::CallUnmuteRequest &r)
{
    answer(c, env, m_engine->unmute(c->user, r.call));
}

void Server::handle(Connection *c, const Env &env, const proto::CallDtmfRequest &r)
{
    answer(c, env, m_engine->dtmf(c->user, r.call, r.digits));
}

void Server::handle(Connection *c, const Env &env, const proto::CallTransferRequest &r)
{
    answer(c, env, m_engine->transfer(c->user, r.call, toEngine(r.to)));
}

void Server::handle(Connection *c, const Env &env, const proto::CallDialRequest &r)
{
    const engine::Result result = m_engine->dial(c->user, r.number);
    answer(c, env, result, proto::CallDialResult{result.callId}.toJson());
}

void Server::handle(Connection *c, const Env &env, const proto::CallConsultRequest &r)
{
    answer(c, env, m_engine->consult(c->user, r.call, toEngine(r.to)));
}

void Server::handle(Connection *c, const Env &env, const proto::CallCompleteTransferRequest &r)
{
    answer(c, env, m_engine->completeTransfer(c->user, r.call));
}

void Server::handle(Connection *c, const Env &env, const proto::CallCancelConsultRequest &r)
{
    answer(c, env, m_engine->cancelConsult(c->user, r.call));
}

void Server::handle(Connection *c, const Env &env, const proto::CallConferenceRequest &r)
{
    answer(c, env, m_engine->conference(c->user, r.call));
}

// ---------------------------------------------------------------------------------------
// statistics

void Server::handle(Connection *c, const Env &env, const proto::StatsUnsubscribeRequest &)
{
    setStatsSubscribed(c, false);
    reply(c, env);
}

void Server::handle(Connection *c, const Env &env, const proto::StatsSubscribeRequest &r)
{
    const proto::StatsSubscribeRequest *sub = &r;
    const QStringList visible = visibleQueues(c);
    QStringList queues;
    if (sub->allQueues()) {
        queues = visible;
    } else {
        for (const QString &q : sub->queues) {
            if (!m_engine->hasQueue(q)) {
                replyError(c, env.id, ErrorCode::NotFound,
                           QStringLiteral("unknown queue \"%1\"").arg(q));
                return;
            }
            if (!visible.contains(q)) {
                replyError(c, env.id, ErrorCode::Forbidden,
                           QStringLiteral("queue \"%1\" is not one of your queues").arg(q));
                return;
            }
            if (!queues.contains(q))
                queues.append(q);
        }
    }
    setStatsSubscribed(c, true);
    c->statsQueues = queues;
    QStringList sorted = queues;
    sorted.sort();
    // Supervisors also get the waiting calls, so the group key names the role.
    c->statsGroup = c->role.toUtf8() + '\n' + sorted.join(QLatin1Char('\n')).toUtf8();
    reply(c, env);
    sendEvent(c, statsFor(c));
}

// ---------------------------------------------------------------------------------------
// supervisors

QJsonObject Server::auditedState(const QString &agent) const
{
    const engine::AgentInfo a = m_engine->agent(agent);
    QJsonObject o{{QStringLiteral("state"), engine::agentStateName(a.state)}};
    if (!a.reason.isEmpty())
        o.insert(QStringLiteral("reason"), a.reason);
    if (a.pendingState)
        o.insert(QStringLiteral("pending"), engine::agentStateName(*a.pendingState));
    return o;
}

void Server::handle(Connection *c, const Env &env, const proto::SupervisorSetAgentStateRequest &r)
{
    if (r.state == proto::AgentState::NotReady && !r.reason.isEmpty() &&
        !reasonAllowed(m_config.reasons, r.reason, true)) {
        replyError(c, env.id, ErrorCode::BadRequest,
                   QStringLiteral("field \"reason\": unknown reason code \"%1\"").arg(r.reason));
        return;
    }
    const QJsonObject before = auditedState(r.agent);
    const engine::Result result = m_engine->forceState(r.agent, toEngine(r.state), r.reason);
    if (result.ok())
        audit(
            actorOf(c), QStringLiteral("agent.forceState"), r.agent,
            {{QStringLiteral("before"), before}, {QStringLiteral("after"), auditedState(r.agent)}});
    answer(c, env, result);
}

void Server::handle(Connection *c, const Env &env, const proto::SupervisorLogoutAgentRequest &r)
{
    const QJsonObject before = auditedState(r.agent);
    const engine::Result result = m_engine->forceLogout(r.agent);
    if (result.ok())
        audit(actorOf(c), QStringLiteral("agent.forceLogout"), r.agent,
              {{QStringLiteral("before"), before}});
    answer(c, env, result);
}

void Server::handle(Connection *c, const Env &env, const proto::BroadcastRequest &r)
{
    audit(actorOf(c), QStringLiteral("broadcast"), {},
          {{QStringLiteral("text"), r.text},
           {QStringLiteral("severity"), proto::toString(r.severity)}});
    proto::MessageEvent msg;
    msg.text = r.text;
    msg.severity = r.severity;
    msg.from = c->user;
    msg.time = m_clock->nowMs();
    const QByteArray body = proto::encodeEventBody(msg.toJson());
    reply(c, env);
    for (Connection *other : qAsConst(m_connections))
        if (other->authenticated && other->role != QLatin1String("gateway"))
            sendEventBody(other, body);
}

void Server::handle(Connection *c, const Env &env, const proto::ReportGetRequest &r)
{
    if (m_writer->durable() < m_writer->submitted()) {
        // Records on their way to the disk belong in the report: it waits for them, and
        // what the client sends meanwhile waits for the report (replies stay in order).
        c->busy = true;
        m_reportsWaiting.append({c->serial, env, r, m_writer->submitted()});
        return;
    }
    reply(c, env, report(r).toJson());
}

void Server::answerWaitingReports()
{
    const auto waiting = std::exchange(m_reportsWaiting, {});
    for (const WaitingReport &w : waiting) {
        Connection *c = m_bySerial.value(w.serial);
        if (!c)
            continue;
        if (w.ticket > m_writer->durable()) {
            m_reportsWaiting.append(w);
            continue;
        }
        reply(c, w.env, report(w.request).toJson());
        c->busy = false;
        releaseHeld(c);
    }
}

void Server::handle(Connection *c, const Env &env, const proto::AuditListRequest &r)
{
    reply(c, env, auditList(r).toJson());
}

// ---------------------------------------------------------------------------------------
// telephony gateways

void Server::handle(Connection *c, const Env &env, const proto::GwArriveRequest &r)
{
    engine::Arrival arrival;
    arrival.id = r.call;
    arrival.queue = r.queue;
    arrival.dialed = r.dialed;
    arrival.callerNumber = r.caller.number;
    arrival.callerName = r.caller.name;
    arrival.priority = r.priority;
    arrival.data = r.data.toVariantMap();
    arrival.origin = c->user;
    const engine::Result result = m_engine->arrive(arrival);
    // The queue in the reply lets a gateway pick that queue's announcement and music; the
    // place and estimated wait what it tells the caller first.
    answer(c, env, result, placeOf(result.callId).toJson());
}

proto::GwArriveResult Server::placeOf(const QString &call) const
{
    proto::GwArriveResult out;
    out.call = call;
    if (const std::optional<engine::Call> queued = m_engine->callWithPlace(call)) {
        out.queue = queued->queue;
        if (queued->position > 0) {
            out.position = queued->position;
            out.ewtSeconds = queued->ewtSeconds;
        }
        for (const engine::QueueConfig &q : m_engine->config().queues)
            if (q.id == queued->queue && q.callback.enabled && queued->callbackAtMs == 0)
                out.callbackKey = q.callback.dtmf;
    }
    return out;
}

void Server::handle(Connection *c, const Env &env, const proto::GwPositionRequest &r)
{
    if (!ownedCall(c, env, r.call))
        return;
    proto::GwPositionResult place = placeOf(r.call);
    if (!place.position)
        place.position = 0; // connected or ringing: no place in the line any more
    reply(c, env, place.toJson());
}

void Server::handle(Connection *c, const Env &env, const proto::GwAnsweredRequest &r)
{
    if (ownedCall(c, env, r.call))
        answer(c, env, m_engine->phoneAnswered(r.call));
}

void Server::handle(Connection *c, const Env &env, const proto::GwHangupRequest &r)
{
    if (!ownedCall(c, env, r.call))
        return;
    const std::optional<engine::Call> call = m_engine->call(r.call);
    if (r.side == proto::HangupSide::Consult)
        answer(c, env, m_engine->consultGone(r.call));
    else if (r.side == proto::HangupSide::Caller || call->agent.isEmpty())
        answer(c, env, m_engine->callerHangup(r.call));
    else
        answer(c, env, m_engine->hangup(call->agent, r.call));
}

void Server::handle(Connection *c, const Env &env, const proto::GwRingFailedRequest &r)
{
    if (ownedCall(c, env, r.call))
        answer(c, env,
               m_engine->ringFailed(r.agent, r.call, r.cause == QLatin1String("unreachable")));
}

void Server::handle(Connection *c, const Env &env, const proto::GwDigitsRequest &r)
{
    if (!ownedCall(c, env, r.call))
        return;
    // The connected agent sees the caller's keys (an IVR-less "press 1" or a PIN).
    const std::optional<engine::Call> call = m_engine->call(r.call);
    if (Connection *agent = m_agentConnection.value(call->agent))
        sendEvent(agent, proto::CallDigitsEvent{0, r.call, r.digits}.toJson());
    // A waiting caller who presses the queue's callback key asks to be called back.
    if (call->agent.isEmpty() && call->callbackAtMs == 0 && m_engine->hasQueue(call->queue)) {
        for (const engine::QueueConfig &q : m_engine->config().queues) {
            if (q.id == call->queue && q.callback.enabled && r.digits.contains(q.callback.dtmf))
                return answer(c, env, m_engine->requestCallback(r.call, {}));
        }
    }
    reply(c, env);
}

void Server::handle(Connection *c, const Env &env, const proto::GwCallbackRequest &r)
{
    if (ownedCall(c, env, r.call))
        answer(c, env, m_engine->requestCallback(r.call, r.number));
}

void Server::handle(Connection *c, const Env &env, const proto::SupervisorCallbackRequest &r)
{
    const engine::Result result = m_engine->requestCallback(r.call, r.number, true);
    if (result.ok())
        audit(actorOf(c), QStringLiteral("call.callback"), r.call,
              {{QStringLiteral("number"), r.number}});
    answer(c, env, result);
}

// A gateway may only drive the calls it brought in (or the server's outbound calls).
bool Server::ownedCall(Connection *c, const proto::Envelope &env, const QString &callId)
{
    const std::optional<engine::Call> call = m_engine->call(callId);
    if (!call || (!call->origin.isEmpty() && call->origin != c->user)) {
        replyError(c, env.id, ErrorCode::NotFound,
                   QStringLiteral("no call \"%1\" of this gateway").arg(callId));
        return false;
    }
    return true;
}

} // namespace acdesk::server
