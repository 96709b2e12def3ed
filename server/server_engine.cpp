// The Server's side facing the engine: commands from agents, supervisors and gateways,
// engine events to connections, statistics fan-out, HTTP endpoints.
#include "server.h"

#include "connection.h"
#include "convert.h"
#include "engine/engine.h"
#include "transport.h"
#include "protocol/protocol.h"
#include "reports.h"
#include "simulator.h"
#include "storage.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace acdesk::server {

using proto::ErrorCode;

namespace {

QString code(engine::ErrorKind k)
{
    return engine::errorKindName(k);
}

template<typename T>
const T *as(const proto::Request &r)
{
    return std::get_if<T>(&r);
}

QJsonArray labelsJson(const QList<Label> &labels)
{
    QJsonArray out;
    for (const Label &l : labels)
        out.append(proto::CodeLabel{l.code, l.label}.toJson());
    return out;
}

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

// ---------------------------------------------------------------------------------------
// engine stepping

void Server::pump()
{
    if (!m_engine)
        return;
    m_engine->advance();
    dispatchEngineEvents();
    armEngineTimer();
}

void Server::armEngineTimer()
{
    const qint64 next = m_engine->nextDeadlineMs();
    if (next < 0) {
        m_engineTimer.stop();
        return;
    }
    m_engineTimer.start(int(qBound<qint64>(0, next - m_clock->nowMs(), 24LL * 3600 * 1000)));
}

void Server::dispatchEngineEvents(Connection *skip)
{
    std::vector<engine::Event> events = m_engine->takeEvents();
    if (events.empty())
        return;
    // Durability first: records and state changes are committed before any client
    // sees a number that depends on them.
    m_storage->begin();
    for (const engine::Event &e : events) {
        if (const auto *rc = std::get_if<engine::RecordChanged>(&e)) {
            m_storage->saveLeg(rc->record);
            updateWorklist(rc->record);
        } else if (const auto *as = std::get_if<engine::AgentStateChanged>(&e)) {
            StateLogEntry entry{as->agent, engine::agentStateName(as->state), as->reason,
                                as->sinceMs};
            const StateLogEntry &last = m_lastLogged[as->agent];
            if (last.state != entry.state || last.reason != entry.reason ||
                last.sinceMs != entry.sinceMs) {
                m_storage->logState(entry);
                m_lastLogged[as->agent] = entry;
            }
        }
    }
    m_storage->commit();

    for (const engine::Event &e : events) {
        if (const auto *s = std::get_if<engine::AgentStateChanged>(&e)) {
            proto::AgentStateEvent ev;
            ev.agent = s->agent;
            ev.state = toProto(s->state);
            ev.reason = s->reason;
            ev.since = s->sinceMs;
            if (s->pendingState)
                ev.pending = proto::PendingState{toProto(*s->pendingState), s->pendingReason};
            const QByteArray body = proto::encodeEventBody(ev.toJson());
            if (Connection *c = m_agentConnection.value(s->agent); c && c != skip) {
                sendEventBody(c, body);
                if (s->state == engine::AgentState::LoggedOut && m_removedAgents.remove(s->agent)) {
                    // Removed from the config: its call work is over, so is its session.
                    m_agentConnection.remove(s->agent);
                    closeConnection(c, CloseAccountRemoved, QStringLiteral("account removed"));
                } else if (s->state == engine::AgentState::LoggedOut) {
                    // Logged out by a supervisor: the session ends as with logout, and
                    // the connection may log in again.
                    m_agentConnection.remove(s->agent);
                    m_storage->deleteToken(c->tokenDigest);
                    c->authenticated = false;
                    c->statsSubscribed = false;
                    c->tokenDigest.clear();
                    c->loginTimer->start(m_config.limits.loginTimeoutSeconds * 1000);
                }
            }
            for (Connection *c : qAsConst(m_connections))
                if (c->authenticated && c->role == QLatin1String("supervisor") && c != skip)
                    sendEventBody(c, body);
            for (const QString &q : m_engine->agent(s->agent).queues)
                markStatsDirty(q);
        } else if (const auto *o = std::get_if<engine::CallOffered>(&e)) {
            if (Connection *c = m_agentConnection.value(o->agent); c && c != skip)
                sendEvent(c, proto::CallOfferEvent{0, toProto(o->call), o->timeoutMs}.toJson());
        } else if (const auto *u = std::get_if<engine::CallUpdated>(&e)) {
            const QByteArray body =
                proto::encodeEventBody(proto::CallUpdateEvent{0, toProto(u->call)}.toJson());
            for (const QString &agent : u->agents)
                if (Connection *c = m_agentConnection.value(agent); c && c != skip)
                    sendEventBody(c, body);
        } else if (const auto *x = std::get_if<engine::CallEnded>(&e)) {
            if (Connection *c = m_agentConnection.value(x->agent); c && c != skip) {
                const auto cause =
                    proto::fromString<proto::EndCause>(engine::endCauseName(x->cause));
                sendEvent(c, proto::CallEndedEvent{0, toProto(x->call),
                                                   cause.value_or(proto::EndCause::CallerHangup)}
                                 .toJson());
            }
        } else if (const auto *q = std::get_if<engine::QueueChanged>(&e)) {
            markStatsDirty(q->queue);
        } else if (const auto *t = std::get_if<engine::Telephony>(&e)) {
            sendTelephony(*t);
        } else if (const auto *w = std::get_if<engine::WatchdogRepaired>(&e)) {
            ++m_watchdogRepairs;
            qCWarning(lcServer) << "watchdog repaired agent" << w->agent << "call" << w->call << ":"
                                << w->description;
            audit(QStringLiteral("server"), QStringLiteral("watchdog.repair"), w->agent,
                  {{QStringLiteral("call"), w->call},
                   {QStringLiteral("description"), w->description}});
        }
    }
    if (m_simulator)
        m_simulator->onEngineEvents(events);
}

Connection *Server::gatewayFor(const QString &origin) const
{
    // A gateway id may be logged in on several connections; the newest one drives calls.
    Connection *best = nullptr;
    for (Connection *c : qAsConst(m_connections)) {
        if (!c->authenticated || c->closing || c->role != QLatin1String("gateway"))
            continue;
        if (!origin.isEmpty() && c->user != origin)
            continue;
        if (!best || c->serial > best->serial)
            best = c;
    }
    return best;
}

void Server::sendTelephony(const engine::Telephony &t)
{
    if (t.origin == QLatin1String(Simulator::Origin))
        return; // the simulator plays the telephony side of its own calls
    // Calls made by the server (outbound) go to any gateway; without one the server is
    // the telephony side itself (softphone mode) and there is nobody to tell.
    Connection *gw = gatewayFor(t.origin);
    if (!gw)
        return;
    QJsonObject ev{{QStringLiteral("type"),
                    QString(QStringLiteral("gw.") + engine::telephonyKindName(t.kind))},
                   {QStringLiteral("call"), t.call}};
    switch (t.kind) {
    case engine::TelephonyKind::Ring:
    case engine::TelephonyKind::Bridge:
    case engine::TelephonyKind::Release:
        ev.insert(QStringLiteral("agent"), t.agent);
        ev.insert(QStringLiteral("station"), t.station);
        break;
    case engine::TelephonyKind::Transfer:
        ev.insert(QStringLiteral("number"), t.number);
        break;
    case engine::TelephonyKind::Dial:
        ev.insert(QStringLiteral("agent"), t.agent);
        ev.insert(QStringLiteral("station"), t.station);
        ev.insert(QStringLiteral("number"), t.number);
        break;
    case engine::TelephonyKind::Dtmf:
        ev.insert(QStringLiteral("digits"), t.digits);
        break;
    default:
        break;
    }
    sendEvent(gw, ev);
}

// ---------------------------------------------------------------------------------------
// snapshots and statistics

QStringList Server::visibleQueues(const Connection *c) const
{
    if (c->role == QLatin1String("agent"))
        return m_engine->agent(c->user).queues;
    return m_engine->queueIds();
}

void Server::sendSnapshot(Connection *c)
{
    QJsonObject snap{{QStringLiteral("type"), QStringLiteral("snapshot")}};
    if (c->role == QLatin1String("gateway")) {
        QJsonArray calls;
        for (const engine::Call &call : m_engine->calls())
            if (call.origin == c->user)
                calls.append(toProto(call).toJson());
        snap.insert(QStringLiteral("calls"), calls);
        sendEvent(c, snap);
        return;
    }
    QJsonArray queues;
    for (const QString &q : visibleQueues(c))
        queues.append(addCallbacks(toProto(m_engine->queueStats(q)).toJson()));
    if (c->role == QLatin1String("agent")) {
        snap.insert(QStringLiteral("agent"),
                    toProto(m_engine->agent(c->user), AgentForm::Snapshot).toJson());
        QJsonArray calls;
        for (const engine::Call &call : m_engine->callsOfAgent(c->user))
            calls.append(toProto(call).toJson());
        snap.insert(QStringLiteral("calls"), calls);
    } else {
        QJsonArray agents;
        for (const engine::AgentInfo &a : m_engine->agents())
            agents.append(toProto(a, AgentForm::Stats).toJson());
        snap.insert(QStringLiteral("agents"), agents);
    }
    snap.insert(QStringLiteral("queues"), queues);
    snap.insert(QStringLiteral("reasons"), labelsJson(m_config.reasons));
    snap.insert(QStringLiteral("dispositions"), labelsJson(m_config.dispositions));
    sendEvent(c, snap);
}

QJsonObject Server::statsEvent(const QStringList &queues) const
{
    QJsonArray qs;
    QSet<QString> wanted;
    for (const QString &q : queues) {
        qs.append(addCallbacks(toProto(m_engine->queueStats(q)).toJson()));
        wanted.insert(q);
    }
    QJsonArray agents;
    for (const engine::AgentInfo &a : m_engine->agents()) {
        const bool member = std::any_of(a.queues.begin(), a.queues.end(),
                                        [&](const QString &q) { return wanted.contains(q); });
        if (member)
            agents.append(toProto(a, AgentForm::Stats).toJson());
    }
    return {{QStringLiteral("type"), QStringLiteral("stats")},
            {QStringLiteral("time"), proto::formatTime(m_clock->nowMs())},
            {QStringLiteral("queues"), qs},
            {QStringLiteral("agents"), agents}};
}

void Server::markStatsDirty(const QString &queue)
{
    m_dirtyQueues.insert(queue);
    if (!m_statsCoalesce.isActive())
        m_statsCoalesce.start();
}

void Server::flushStats(bool periodic)
{
    // Subscribers with the same queue set share one serialization; only seq differs.
    QHash<QByteArray, QByteArray> bodies;
    const QSet<QString> dirty = std::exchange(m_dirtyQueues, {});
    for (Connection *c : qAsConst(m_connections)) {
        if (!c->authenticated || !c->statsSubscribed || c->closing)
            continue;
        if (!periodic) {
            const bool touched = std::any_of(c->statsQueues.begin(), c->statsQueues.end(),
                                             [&](const QString &q) { return dirty.contains(q); });
            if (!touched)
                continue;
        }
        auto it = bodies.find(c->statsGroup);
        if (it == bodies.end())
            it = bodies.insert(c->statsGroup, proto::encodeEventBody(statsFor(c)));
        sendEventBody(c, *it);
    }
}

void Server::handleStats(Connection *c, const proto::Envelope &env, const proto::Request &request)
{
    if (as<proto::StatsUnsubscribeRequest>(request)) {
        c->statsSubscribed = false;
        reply(c, env);
        return;
    }
    const auto *sub = as<proto::StatsSubscribeRequest>(request);
    const QStringList visible = visibleQueues(c);
    QStringList queues;
    if (sub->allQueues()) {
        queues = visible;
    } else {
        for (const QString &q : sub->queues) {
            if (!m_engine->hasQueue(q)) {
                replyError(c, env.id, code(ErrorCode::NotFound),
                           QStringLiteral("unknown queue \"%1\"").arg(q));
                return;
            }
            if (!visible.contains(q)) {
                replyError(c, env.id, code(ErrorCode::Forbidden),
                           QStringLiteral("queue \"%1\" is not one of your queues").arg(q));
                return;
            }
            if (!queues.contains(q))
                queues.append(q);
        }
    }
    c->statsSubscribed = true;
    c->statsQueues = queues;
    QStringList sorted = queues;
    sorted.sort();
    // Supervisors also get the waiting calls, so the group key names the role.
    c->statsGroup = c->role.toUtf8() + '\n' + sorted.join(QLatin1Char('\n')).toUtf8();
    reply(c, env);
    sendEvent(c, statsFor(c));
}

QJsonObject Server::statsFor(const Connection *c) const
{
    QJsonObject event = statsEvent(c->statsQueues);
    if (c->role != QLatin1String("supervisor"))
        return event;
    // Addition (feature "waitingCalls"): the calls waiting in the subscribed queues.
    QJsonArray calls;
    for (const QString &q : c->statsQueues)
        for (const engine::Call &call : m_engine->waitingCalls(q))
            calls.append(toProto(call).toJson());
    event.insert(QStringLiteral("calls"), calls);
    return event;
}

// ---------------------------------------------------------------------------------------
// commands

void Server::answer(Connection *c, const proto::Envelope &env, const engine::Result &r,
                    QJsonObject fields)
{
    if (r.ok())
        reply(c, env, std::move(fields));
    else
        replyError(c, env.id, code(r.code), r.message);
}

void Server::handleAgentCommand(Connection *c, const proto::Envelope &env,
                                const proto::Request &request)
{
    engine::Engine &e = *m_engine;
    const QString &me = c->user;
    if (const auto *st = as<proto::AgentSetStateRequest>(request)) {
        if (st->state == proto::AgentState::NotReady &&
            !reasonAllowed(m_config.reasons, st->reason, false)) {
            replyError(
                c, env.id, code(ErrorCode::BadRequest),
                QStringLiteral("field \"reason\": unknown reason code \"%1\"").arg(st->reason));
            return;
        }
        answer(c, env, e.setState(me, toEngine(st->state), st->reason));
    } else if (const auto *w = as<proto::AgentEndWrapUpRequest>(request)) {
        if (!w->disposition.isEmpty() && !hasLabel(m_config.dispositions, w->disposition)) {
            replyError(c, env.id, code(ErrorCode::BadRequest),
                       QStringLiteral("field \"disposition\": unknown disposition \"%1\"")
                           .arg(w->disposition));
            return;
        }
        answer(c, env, e.endWrapUp(me, w->disposition, w->notes));
    } else if (const auto *a = as<proto::CallAcceptRequest>(request)) {
        answer(c, env, e.accept(me, a->call));
    } else if (const auto *rj = as<proto::CallRejectRequest>(request)) {
        answer(c, env, e.reject(me, rj->call));
    } else if (const auto *h = as<proto::CallHangupRequest>(request)) {
        answer(c, env, e.hangup(me, h->call));
    } else if (const auto *ho = as<proto::CallHoldRequest>(request)) {
        answer(c, env, e.hold(me, ho->call));
    } else if (const auto *rs = as<proto::CallResumeRequest>(request)) {
        answer(c, env, e.resume(me, rs->call));
    } else if (const auto *m = as<proto::CallMuteRequest>(request)) {
        answer(c, env, e.mute(me, m->call));
    } else if (const auto *um = as<proto::CallUnmuteRequest>(request)) {
        answer(c, env, e.unmute(me, um->call));
    } else if (const auto *d = as<proto::CallDtmfRequest>(request)) {
        answer(c, env, e.dtmf(me, d->call, d->digits));
    } else if (const auto *t = as<proto::CallTransferRequest>(request)) {
        engine::TransferTarget target;
        target.value = t->to.value;
        target.kind = t->to.kind == proto::TransferKind::Queue ? engine::TransferTarget::Kind::Queue
                      : t->to.kind == proto::TransferKind::Agent
                          ? engine::TransferTarget::Kind::Agent
                          : engine::TransferTarget::Kind::Number;
        answer(c, env, e.transfer(me, t->call, target));
    } else if (const auto *dl = as<proto::CallDialRequest>(request)) {
        const engine::Result r = e.dial(me, dl->number);
        answer(c, env, r, {{QStringLiteral("call"), r.callId}});
    }
}

void Server::handleSupervisor(Connection *c, const proto::Envelope &env,
                              const proto::Request &request)
{
    // What an agent was before a forced action, for the audit log.
    auto stateOf = [this](const QString &agent) {
        const engine::AgentInfo a = m_engine->agent(agent);
        QJsonObject o{{QStringLiteral("state"), engine::agentStateName(a.state)}};
        if (!a.reason.isEmpty())
            o.insert(QStringLiteral("reason"), a.reason);
        if (a.pendingState)
            o.insert(QStringLiteral("pending"), engine::agentStateName(*a.pendingState));
        return o;
    };
    if (const auto *s = as<proto::SupervisorSetAgentStateRequest>(request)) {
        if (s->state == proto::AgentState::NotReady && !s->reason.isEmpty() &&
            !reasonAllowed(m_config.reasons, s->reason, true)) {
            replyError(
                c, env.id, code(ErrorCode::BadRequest),
                QStringLiteral("field \"reason\": unknown reason code \"%1\"").arg(s->reason));
            return;
        }
        const QJsonObject before = stateOf(s->agent);
        const engine::Result r = m_engine->forceState(s->agent, toEngine(s->state), s->reason);
        if (r.ok())
            audit(
                actorOf(c), QStringLiteral("agent.forceState"), s->agent,
                {{QStringLiteral("before"), before}, {QStringLiteral("after"), stateOf(s->agent)}});
        answer(c, env, r);
    } else if (const auto *l = as<proto::SupervisorLogoutAgentRequest>(request)) {
        const QJsonObject before = stateOf(l->agent);
        const engine::Result r = m_engine->forceLogout(l->agent);
        if (r.ok())
            audit(actorOf(c), QStringLiteral("agent.forceLogout"), l->agent,
                  {{QStringLiteral("before"), before}});
        answer(c, env, r);
    } else if (const auto *b = as<proto::BroadcastRequest>(request)) {
        audit(actorOf(c), QStringLiteral("broadcast"), {},
              {{QStringLiteral("text"), b->text},
               {QStringLiteral("severity"), proto::toString(b->severity)}});
        proto::MessageEvent msg;
        msg.text = b->text;
        msg.severity = b->severity;
        msg.from = c->user;
        msg.time = m_clock->nowMs();
        const QByteArray body = proto::encodeEventBody(msg.toJson());
        reply(c, env);
        for (Connection *other : qAsConst(m_connections))
            if (other->authenticated && other->role != QLatin1String("gateway"))
                sendEventBody(other, body);
    }
}

void Server::handleGateway(Connection *c, const proto::Envelope &env, const proto::Request &request)
{
    if (const auto *a = as<proto::GwArriveRequest>(request)) {
        engine::Arrival arrival;
        arrival.id = a->call;
        arrival.queue = a->queue;
        arrival.dialed = a->dialed;
        arrival.callerNumber = a->caller.number;
        arrival.callerName = a->caller.name;
        arrival.priority = a->priority;
        arrival.data = a->data.toVariantMap();
        arrival.origin = c->user;
        const engine::Result r = m_engine->arrive(arrival);
        // The queue in the reply lets a gateway pick that queue's announcement and music.
        const std::optional<engine::Call> queued = m_engine->call(r.callId);
        answer(c, env, r,
               {{QStringLiteral("call"), r.callId},
                {QStringLiteral("queue"), queued ? queued->queue : QString()}});
    } else if (const auto *an = as<proto::GwAnsweredRequest>(request)) {
        if (ownedCall(c, env, an->call))
            answer(c, env, m_engine->phoneAnswered(an->call));
    } else if (const auto *h = as<proto::GwHangupRequest>(request)) {
        if (!ownedCall(c, env, h->call))
            return;
        const std::optional<engine::Call> call = m_engine->call(h->call);
        if (h->side == proto::HangupSide::Caller || call->agent.isEmpty())
            answer(c, env, m_engine->callerHangup(h->call));
        else
            answer(c, env, m_engine->hangup(call->agent, h->call));
    } else if (const auto *f = as<proto::GwRingFailedRequest>(request)) {
        if (ownedCall(c, env, f->call))
            answer(
                c, env,
                m_engine->ringFailed(f->agent, f->call, f->cause == QLatin1String("unreachable")));
    } else if (const auto *g = as<proto::GwDigitsRequest>(request)) {
        if (!ownedCall(c, env, g->call))
            return;
        // The connected agent sees the caller's keys (an IVR-less "press 1" or a PIN).
        const std::optional<engine::Call> call = m_engine->call(g->call);
        if (Connection *agent = m_agentConnection.value(call->agent))
            sendEvent(agent, {{QStringLiteral("type"), QStringLiteral("call.digits")},
                              {QStringLiteral("call"), g->call},
                              {QStringLiteral("digits"), g->digits}});
        reply(c, env);
    }
}

// A gateway may only drive the calls it brought in (or the server's outbound calls).
bool Server::ownedCall(Connection *c, const proto::Envelope &env, const QString &callId)
{
    const std::optional<engine::Call> call = m_engine->call(callId);
    if (!call || (!call->origin.isEmpty() && call->origin != c->user)) {
        replyError(c, env.id, code(ErrorCode::NotFound),
                   QStringLiteral("no call \"%1\" of this gateway").arg(callId));
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------------------------
// worklist

void Server::updateWorklist(const engine::CallRecord &leg)
{
    // Callers who hung up before an answer, queued or while ringing.
    if (leg.kind != engine::LegKind::Queue || leg.answeredAtMs > 0 ||
        leg.cause != engine::EndCause::CallerHangup)
        return;
    const QString id = leg.callId + QLatin1Char('#') + QString::number(leg.leg);
    if (m_worklist.contains(id))
        return;
    const engine::QueueConfig *queue = nullptr;
    for (const engine::QueueConfig &q : m_engine->config().queues)
        if (q.id == leg.queue)
            queue = &q;
    WorklistEntry e;
    e.id = id;
    e.queue = leg.queue;
    e.number = leg.callerNumber;
    e.name = leg.callerName;
    e.abandonedAtMs = leg.endedAtMs;
    e.waitMs = leg.waitMs;
    e.shortAbandon = queue && leg.waitMs <= qint64(queue->shortAbandonSeconds) * 1000;
    m_worklist.insert(id, e);
    sendWorklistUpdate(e);
}

void Server::restoreWorklist()
{
    const qint64 dayStart = m_engine->dayStartMs();
    m_worklist.clear();
    for (const engine::CallRecord &leg :
         m_storage->legs(dayStart, dayStart + 2LL * 24 * 3600 * 1000)) {
        if (leg.kind != engine::LegKind::Queue || leg.answeredAtMs > 0 ||
            leg.cause != engine::EndCause::CallerHangup)
            continue;
        WorklistEntry e;
        e.id = leg.callId + QLatin1Char('#') + QString::number(leg.leg);
        e.queue = leg.queue;
        e.number = leg.callerNumber;
        e.name = leg.callerName;
        e.abandonedAtMs = leg.endedAtMs;
        e.waitMs = leg.waitMs;
        for (const engine::QueueConfig &q : m_engine->config().queues)
            if (q.id == leg.queue)
                e.shortAbandon = leg.waitMs <= qint64(q.shortAbandonSeconds) * 1000;
        m_worklist.insert(e.id, e);
    }
    const auto done = m_storage->callbacks(dayStart);
    for (auto it = done.cbegin(); it != done.cend(); ++it) {
        auto entry = m_worklist.find(it.key());
        if (entry != m_worklist.end()) {
            entry->doneBy = it->first;
            entry->doneAtMs = it->second;
        }
    }
}

QJsonObject Server::worklistJson(const WorklistEntry &e) const
{
    return {{QStringLiteral("id"), e.id},
            {QStringLiteral("queue"), e.queue},
            {QStringLiteral("caller"),
             QJsonObject{
                 {QStringLiteral("number"), e.number},
                 {QStringLiteral("name"), e.name.isEmpty() ? QJsonValue() : QJsonValue(e.name)}}},
            {QStringLiteral("abandonedAt"), proto::formatTime(e.abandonedAtMs)},
            {QStringLiteral("waitedMs"), double(e.waitMs)},
            {QStringLiteral("short"), e.shortAbandon},
            {QStringLiteral("doneBy"), e.doneBy.isEmpty() ? QJsonValue() : QJsonValue(e.doneBy)},
            {QStringLiteral("doneAt"),
             e.doneAtMs > 0 ? QJsonValue(proto::formatTime(e.doneAtMs)) : QJsonValue()}};
}

void Server::sendWorklistUpdate(const WorklistEntry &e)
{
    const QByteArray body =
        proto::encodeEventBody({{QStringLiteral("type"), QStringLiteral("worklist.update")},
                                {QStringLiteral("entry"), worklistJson(e)}});
    for (Connection *c : qAsConst(m_connections))
        if (c->authenticated &&
            (c->role == QLatin1String("supervisor") || c->role == QLatin1String("agent")))
            sendEventBody(c, body);
}

QJsonObject Server::addCallbacks(QJsonObject stats) const
{
    // Call backs count as outbound call backs of their queue, never as inbound answers.
    const QString queue = stats.value(QStringLiteral("id")).toString();
    const qint64 dayStart = m_engine->dayStartMs();
    int n = 0;
    for (const WorklistEntry &e : m_worklist)
        n += e.queue == queue && e.doneAtMs >= dayStart ? 1 : 0;
    QJsonObject today = stats.value(QStringLiteral("today")).toObject();
    today.insert(QStringLiteral("callbacks"), n);
    stats.insert(QStringLiteral("today"), today);
    return stats;
}

QJsonObject Server::reportJson(const proto::ReportGetRequest &req) const
{
    const Report report =
        buildReport(*m_storage, m_engine->config(), req.from, req.to, req.hourly, m_clock->nowMs());
    auto opt = [](const std::optional<double> &v) {
        return v ? QJsonValue(*v) : QJsonValue();
    };
    QJsonArray queues;
    for (const QueueReportRow &r : report.queues) {
        const engine::QueueToday &f = r.figures;
        queues.append(
            QJsonObject{{QStringLiteral("day"), r.day.toString(Qt::ISODate)},
                        {QStringLiteral("hour"), r.hour < 0 ? QJsonValue() : QJsonValue(r.hour)},
                        {QStringLiteral("queue"), r.queue},
                        {QStringLiteral("offered"), double(f.offered)},
                        {QStringLiteral("answered"), double(f.answered)},
                        {QStringLiteral("abandoned"), double(f.abandoned)},
                        {QStringLiteral("shortAbandoned"), double(f.shortAbandoned)},
                        {QStringLiteral("answeredInSl"), double(f.answeredInSl)},
                        {QStringLiteral("overflowed"), double(f.overflowed)},
                        {QStringLiteral("serviceLevel"), opt(f.serviceLevel)},
                        {QStringLiteral("asaMs"), opt(f.asaMs)},
                        {QStringLiteral("ahtMs"), opt(f.ahtMs)},
                        {QStringLiteral("abandonRate"), opt(f.abandonRate)},
                        {QStringLiteral("reachability"), opt(f.reachability)},
                        {QStringLiteral("longestWaitMs"), double(f.longestWaitMs)}});
    }
    QJsonArray agents;
    for (const AgentReportRow &r : report.agents) {
        QJsonObject byReason;
        for (auto it = r.notReadyByReasonMs.cbegin(); it != r.notReadyByReasonMs.cend(); ++it)
            byReason.insert(it.key().isEmpty() ? QStringLiteral("-") : it.key(),
                            double(it.value()));
        agents.append(QJsonObject{{QStringLiteral("day"), r.day.toString(Qt::ISODate)},
                                  {QStringLiteral("agent"), r.agent},
                                  {QStringLiteral("loggedInMs"), double(r.loggedInMs)},
                                  {QStringLiteral("readyMs"), double(r.readyMs)},
                                  {QStringLiteral("talkMs"), double(r.talkMs)},
                                  {QStringLiteral("wrapUpMs"), double(r.wrapUpMs)},
                                  {QStringLiteral("notReadyMs"), double(r.notReadyMs)},
                                  {QStringLiteral("notReadyByReasonMs"), byReason},
                                  {QStringLiteral("callsHandled"), r.callsHandled}});
    }
    // The CSV is made here too, so the console exports exactly what `acdesk report` prints.
    return {{QStringLiteral("queues"), queues},
            {QStringLiteral("agents"), agents},
            {QStringLiteral("queuesCsv"), QString::fromUtf8(queueReportCsv(report))},
            {QStringLiteral("agentsCsv"), QString::fromUtf8(agentReportCsv(report))}};
}

void Server::handleWorklist(Connection *c, const proto::Envelope &env,
                            const proto::Request &request)
{
    const qint64 dayStart = m_engine->dayStartMs();
    if (as<proto::WorklistListRequest>(request)) {
        QJsonArray entries;
        for (const WorklistEntry &e : qAsConst(m_worklist))
            if (e.abandonedAtMs >= dayStart)
                entries.append(worklistJson(e));
        reply(c, env, {{QStringLiteral("entries"), entries}});
        return;
    }
    const auto *done = as<proto::WorklistDoneRequest>(request);
    auto it = m_worklist.find(done->entry);
    if (it == m_worklist.end()) {
        replyError(c, env.id, code(ErrorCode::NotFound),
                   QStringLiteral("no worklist entry \"%1\"").arg(done->entry));
        return;
    }
    const qint64 now = m_clock->nowMs();
    if (!it->doneBy.isEmpty()) {
        replyError(c, env.id, code(ErrorCode::Conflict),
                   QStringLiteral("already called back by %1").arg(it->doneBy));
        return;
    }
    // The database's primary key is the final arbiter: only one row per entry goes in.
    if (!m_storage->saveCallback(it->id, c->user, now)) {
        replyError(c, env.id, code(ErrorCode::Internal),
                   QStringLiteral("the call back could not be stored"));
        return;
    }
    it->doneBy = c->user;
    it->doneAtMs = now;
    audit(actorOf(c), QStringLiteral("worklist.done"), it->id,
          {{QStringLiteral("queue"), it->queue}, {QStringLiteral("caller"), it->number}});
    reply(c, env, {{QStringLiteral("entry"), worklistJson(*it)}});
    sendWorklistUpdate(*it);
    markStatsDirty(it->queue);
}

// ---------------------------------------------------------------------------------------
// audit log

QString Server::actorOf(const Connection *c)
{
    return c->role + QLatin1Char('/') + c->user;
}

void Server::audit(const QString &actor, const QString &action, const QString &target,
                   const QJsonObject &detail)
{
    AuditEntry e;
    e.atMs = m_clock->nowMs();
    e.actor = actor;
    e.action = action;
    e.target = target;
    e.detail = detail;
    if (!m_storage->logAudit(e))
        qCWarning(lcServer) << "audit entry not stored:" << action << target;
    const QJsonObject event = auditEvent(e).toJson();
    for (Connection *c : qAsConst(m_connections))
        if (c->authenticated && c->role == QLatin1String("supervisor"))
            sendEvent(c, event);
}

proto::AuditEvent Server::auditEvent(const AuditEntry &e)
{
    proto::AuditEvent ev;
    ev.time = e.atMs;
    ev.actor = e.actor;
    ev.action = e.action;
    ev.target = e.target;
    ev.detail = e.detail;
    return ev;
}

QJsonObject Server::auditJson(const proto::AuditListRequest &req) const
{
    QJsonArray entries;
    for (const AuditEntry &e : auditEntries(*m_storage, m_engine->config(), req.from, req.to,
                                            req.action, req.actor, req.target, req.limit)) {
        QJsonObject o = auditEvent(e).toJson();
        o.remove(QStringLiteral("type"));
        entries.append(o);
    }
    return {{QStringLiteral("entries"), entries}};
}

// ---------------------------------------------------------------------------------------
// HTTP

HttpResponse Server::http(const QByteArray &target)
{
    const QUrl url(QString::fromUtf8(target));
    const QString path = url.path();
    if (path == QLatin1String("/healthz")) {
        const bool healthy = m_storage && m_storage->healthy();
        QJsonObject body{{QStringLiteral("status"),
                          healthy ? QStringLiteral("ok") : QStringLiteral("unavailable")},
                         {QStringLiteral("version"), QStringLiteral(ACDESK_VERSION)},
                         {QStringLiteral("uptimeSeconds"), double(m_uptime.elapsed() / 1000)},
                         {QStringLiteral("connections"), int(m_connections.size())},
                         {QStringLiteral("transport"), transportName()}};
        // The config file on disk that is not applied (a mistake), while the last good one
        // runs on.
        if (!m_configError.isEmpty())
            body.insert(QStringLiteral("configError"), m_configError);
        return {healthy ? 200 : 503, "application/json",
                QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n'};
    }
    if (path == QLatin1String("/metrics"))
        return {200, "text/plain; version=0.0.4; charset=utf-8", metricsText()};
    if (path == QLatin1String("/") || path == QLatin1String("/wallboard")) {
        QFile page(QStringLiteral(":/acdesk/web/wallboard.html"));
        page.open(QIODevice::ReadOnly);
        return {200, "text/html; charset=utf-8", page.readAll()};
    }
    return {404, "text/plain; charset=utf-8", "not found\n"};
}

QByteArray Server::metricsText() const
{
    QByteArray out;
    auto metric = [&out](const char *name, const char *type, const char *help) {
        out += QByteArray("# HELP acdesk_") + name + ' ' + help + "\n# TYPE acdesk_" + name + ' ' +
               type + '\n';
    };
    auto value = [&out](const char *name, const QByteArray &labels, double v) {
        out += QByteArray("acdesk_") + name + labels + ' ' + QByteArray::number(v, 'g', 15) + '\n';
    };
    QHash<QString, int> byRole;
    for (const Connection *c : qAsConst(m_connections))
        ++byRole[c->authenticated ? c->role : QStringLiteral("none")];
    metric("connections", "gauge", "Open WebSocket connections by role.");
    for (const char *role : {"agent", "supervisor", "wallboard", "gateway", "none"})
        value("connections", QByteArray("{role=\"") + role + "\"}",
              byRole.value(QString::fromLatin1(role)));
    QHash<engine::AgentState, int> byState;
    for (const engine::AgentInfo &a : m_engine->agents())
        ++byState[a.state];
    metric("agents", "gauge", "Agents by state.");
    for (auto s :
         {engine::AgentState::LoggedOut, engine::AgentState::NotReady, engine::AgentState::Ready,
          engine::AgentState::Ringing, engine::AgentState::OnCall, engine::AgentState::WrapUp})
        value("agents", "{state=\"" + engine::agentStateName(s).toUtf8() + "\"}", byState.value(s));
    const std::vector<engine::QueueStats> stats = m_engine->allQueueStats();
    metric("calls_waiting", "gauge", "Calls waiting per queue.");
    for (const engine::QueueStats &q : stats)
        value("calls_waiting", "{queue=\"" + q.id.toUtf8() + "\"}", q.waiting);
    metric("calls_offered_today", "counter", "Calls offered to each queue today.");
    for (const engine::QueueStats &q : stats)
        value("calls_offered_today", "{queue=\"" + q.id.toUtf8() + "\"}", double(q.today.offered));
    metric("calls_answered_today", "counter", "Calls answered in each queue today.");
    for (const engine::QueueStats &q : stats)
        value("calls_answered_today", "{queue=\"" + q.id.toUtf8() + "\"}",
              double(q.today.answered));
    metric("calls_abandoned_today", "counter", "Calls abandoned in each queue today.");
    for (const engine::QueueStats &q : stats)
        value("calls_abandoned_today", "{queue=\"" + q.id.toUtf8() + "\"}",
              double(q.today.abandoned));
    metric("calls_live", "gauge", "Calls in progress.");
    value("calls_live", {}, double(m_engine->calls().size()));
    metric("routing_decisions_total", "counter", "Offers made by the engine.");
    value("routing_decisions_total", {}, double(m_engine->routingDecisions()));
    metric("messages_received_total", "counter", "WebSocket messages received.");
    value("messages_received_total", {}, double(m_messagesIn));
    metric("messages_sent_total", "counter", "WebSocket messages sent.");
    value("messages_sent_total", {}, double(m_messagesOut));
    metric("bytes_sent_total", "counter", "WebSocket payload bytes sent.");
    value("bytes_sent_total", {}, double(m_bytesOut));
    metric("errors_sent_total", "counter", "Error replies sent.");
    value("errors_sent_total", {}, double(m_errorsSent));
    metric("watchdog_repairs_total", "counter", "Inconsistencies repaired by the watchdog.");
    value("watchdog_repairs_total", {}, double(m_watchdogRepairs));
    metric("slow_consumers_dropped_total", "counter",
           "Connections dropped because they stopped reading.");
    value("slow_consumers_dropped_total", {}, double(m_slowConsumersDropped));
    metric("event_loop_lag_seconds", "gauge", "How late the last periodic timer fired.");
    value("event_loop_lag_seconds", {}, double(m_loopLagMs) / 1000.0);
    metric("uptime_seconds", "gauge", "Seconds since the server started.");
    value("uptime_seconds", {}, double(m_uptime.elapsed()) / 1000.0);
    metric("storage_up", "gauge", "1 when the database answers.");
    value("storage_up", {}, m_storage && m_storage->healthy() ? 1 : 0);
    if (m_extraMetrics)
        out += m_extraMetrics();
    return out;
}

} // namespace acdesk::server
