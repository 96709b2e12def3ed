// The Server's side facing the engine: engine events to connections and gateways,
// snapshots, statistics fan-out.
#include "server.h"

#include "connection.h"
#include "convert.h"
#include "engine/engine.h"
#include "protocol/protocol.h"
#include "reports.h"
#include "simulator.h"
#include "storage.h"
#include "transport.h"

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

QList<proto::CodeLabel> labels(const QList<Label> &list)
{
    QList<proto::CodeLabel> out;
    for (const Label &l : list)
        out.append({l.code, l.label});
    return out;
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
    // Durable before it counts: the step's records and state changes go to the writer's
    // thread. A step in which a leg was answered or ended changes what the statistics
    // count, so its events (call.ended, the agent's wrap-up, ...) wait until the writer
    // has committed it; an arrival or an offer counts nothing and goes out at once, unless
    // earlier events are still waiting (the order of events never changes).
    StorageWriter::Batch batch;
    bool counts = false;
    for (const engine::Event &e : events) {
        if (const auto *rc = std::get_if<engine::RecordChanged>(&e)) {
            batch.legs.push_back(rc->record);
            updateWorklist(rc->record);
            counts = counts || rc->record.answeredAtMs != 0 || rc->record.endedAtMs != 0;
        } else if (const auto *as = std::get_if<engine::AgentStateChanged>(&e)) {
            StateLogEntry entry{as->agent, engine::agentStateName(as->state), as->reason,
                                as->sinceMs};
            const StateLogEntry &last = m_lastLogged[as->agent];
            if (last.state != entry.state || last.reason != entry.reason ||
                last.sinceMs != entry.sinceMs) {
                batch.states.push_back(entry);
                m_lastLogged[as->agent] = entry;
            }
        }
    }
    const quint64 ticket =
        batch.empty() ? m_writer->submitted() : m_writer->submit(std::move(batch));
    const quint64 skipSerial = skip ? skip->serial : 0;
    if ((counts && ticket > m_writer->durable()) || !m_held.empty()) {
        m_held.push_back({ticket, std::move(events), skipSerial});
        return;
    }
    deliverEngineEvents(events, skipSerial);
}

void Server::onWritten()
{
    // Replies first: within a step the server answered before it sent the step's events.
    releaseWaitingOutput();
    while (!m_held.empty() && m_held.front().ticket <= m_writer->durable()) {
        const HeldEvents held = std::move(m_held.front());
        m_held.pop_front();
        deliverEngineEvents(held.events, held.skipSerial);
    }
    answerWaitingReports();
    if (m_statsDue && (m_held.empty() || m_held.front().ticket > m_statsDueAfter)) {
        const bool periodic = *m_statsDue;
        m_statsDue.reset();
        sendStatsNow(periodic);
    }
}

void Server::deliverEngineEvents(const std::vector<engine::Event> &events, quint64 skipSerial)
{
    Connection *skip = skipSerial ? m_bySerial.value(skipSerial) : nullptr;
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
                    endSession(c, CloseAccountRemoved, QStringLiteral("account removed"));
                } else if (s->state == engine::AgentState::LoggedOut) {
                    // Logged out by a supervisor: the session ends as with logout, and
                    // the connection may log in again.
                    endSession(c);
                }
            }
            for (Connection *c : qAsConst(m_byRole[QStringLiteral("supervisor")]))
                if (c->authenticated && c != skip)
                    sendEventBody(c, body);
            for (const QString &q : m_engine->agent(s->agent).queues)
                scheduleStats(q);
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
        } else if (const auto *k = std::get_if<engine::ConsultEnded>(&e)) {
            if (Connection *c = m_agentConnection.value(k->agent); c && c != skip) {
                const auto cause =
                    proto::fromString<proto::EndCause>(engine::endCauseName(k->cause));
                sendEvent(c,
                          proto::CallConsultEndedEvent{0, toProto(k->call),
                                                       cause.value_or(proto::EndCause::AgentHangup)}
                              .toJson());
            }
        } else if (const auto *q = std::get_if<engine::QueueChanged>(&e)) {
            scheduleStats(q->queue);
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
    for (Connection *c : qAsConst(m_byRole[QStringLiteral("gateway")])) {
        if (!c->authenticated || c->closing)
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
    if (!gw && t.kind == engine::TelephonyKind::Dial) {
        // Softphone mode: the agent calls the customer back by hand, so the callback
        // counts as reached when the agent starts (a plain outbound call ignores this).
        const QString call = t.call;
        QMetaObject::invokeMethod(
            this,
            [this, call] {
                m_engine->phoneAnswered(call);
                pump();
            },
            Qt::QueuedConnection);
    }
    if (!gw)
        return;
    using K = engine::TelephonyKind;
    switch (t.kind) {
    case K::Ring:
        return sendEvent(gw, proto::GwRingEvent{0, t.call, t.agent, t.station}.toJson());
    case K::Bridge:
        return sendEvent(gw, proto::GwBridgeEvent{0, t.call, t.agent, t.station}.toJson());
    case K::Release:
        return sendEvent(gw, proto::GwReleaseEvent{0, t.call, t.agent, t.station}.toJson());
    case K::Cancel:
        return sendEvent(gw, proto::GwCancelEvent{0, t.call}.toJson());
    case K::Drop:
        return sendEvent(gw, proto::GwDropEvent{0, t.call}.toJson());
    case K::Hold:
        return sendEvent(gw, proto::GwHoldEvent{0, t.call}.toJson());
    case K::Resume:
        return sendEvent(gw, proto::GwResumeEvent{0, t.call}.toJson());
    case K::Mute:
        return sendEvent(gw, proto::GwMuteEvent{0, t.call}.toJson());
    case K::Unmute:
        return sendEvent(gw, proto::GwUnmuteEvent{0, t.call}.toJson());
    case K::Transfer:
        return sendEvent(gw, proto::GwTransferEvent{0, t.call, t.number}.toJson());
    case K::Dial:
        return sendEvent(gw, proto::GwDialEvent{0, t.call, t.agent, t.station, t.number}.toJson());
    case K::Dtmf:
        return sendEvent(gw, proto::GwDtmfEvent{0, t.call, t.digits}.toJson());
    case K::Exit:
        return sendEvent(gw, proto::GwExitEvent{0, t.call, t.cause, t.number}.toJson());
    case K::Callback:
        return sendEvent(gw, proto::GwCallbackQueuedEvent{0, t.call}.toJson());
    case K::Consult:
        return sendEvent(gw,
                         proto::GwConsultEvent{0, t.call, t.agent, t.station, t.number}.toJson());
    case K::Complete:
        return sendEvent(gw,
                         proto::GwCompleteEvent{0, t.call, t.agent, t.station, t.number}.toJson());
    case K::ConsultEnd:
        return sendEvent(gw, proto::GwConsultEndEvent{0, t.call}.toJson());
    case K::Conference:
        return sendEvent(gw, proto::GwConferenceEvent{0, t.call}.toJson());
    }
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
    proto::SnapshotEvent snap;
    if (c->role == QLatin1String("gateway")) {
        snap.calls.emplace();
        for (const engine::Call &call : m_engine->calls())
            if (call.origin == c->user)
                snap.calls->append(toProto(call));
        sendEvent(c, snap.toJson());
        return;
    }
    snap.queues.emplace();
    for (const QString &q : visibleQueues(c))
        snap.queues->append(queueStats(q));
    if (c->role == QLatin1String("agent")) {
        snap.agent = toProto(m_engine->agent(c->user), AgentForm::Snapshot);
        snap.calls.emplace();
        for (const engine::Call &call : m_engine->callsOfAgent(c->user))
            snap.calls->append(toProto(call));
    } else {
        snap.agents.emplace();
        for (const engine::AgentInfo &a : m_engine->agents())
            snap.agents->append(toProto(a, AgentForm::Stats));
    }
    snap.reasons = labels(m_config.reasons);
    snap.dispositions = labels(m_config.dispositions);
    sendEvent(c, snap.toJson());
}

proto::StatsEvent Server::statsEvent(const QStringList &queues) const
{
    proto::StatsEvent event;
    event.time = m_clock->nowMs();
    QSet<QString> wanted;
    for (const QString &q : queues) {
        event.queues.append(queueStats(q));
        wanted.insert(q);
    }
    for (const engine::AgentInfo &a : m_engine->agents()) {
        const bool member = std::any_of(a.queues.begin(), a.queues.end(),
                                        [&](const QString &q) { return wanted.contains(q); });
        if (member)
            event.agents.append(toProto(a, AgentForm::Stats));
    }
    return event;
}

void Server::scheduleStats(const QString &queue)
{
    // Without subscribers there is nobody to tell, and a later subscriber starts from a
    // full event anyway: no window opens (so the next change after a quiet start is sent
    // at once too).
    if (m_statsSubscribers.isEmpty())
        return;
    m_changedQueues.insert(queue);
    if (!m_statsCoalesce.isActive()) {
        m_statsLeading.start();
        m_statsCoalesce.start();
    }
}

void Server::sendStats(bool periodic)
{
    // A stats event never counts a leg before its record is durable: while engine steps
    // that count wait for the writer, the stats due now wait for those steps (not for
    // later ones, so a busy server still sends them).
    if (!m_held.empty()) {
        m_statsDue = m_statsDue.value_or(false) || periodic;
        m_statsDueAfter = m_held.back().ticket;
        return;
    }
    sendStatsNow(periodic);
}

void Server::sendStatsNow(bool periodic)
{
    // Subscribers with the same queue set share one serialization; only seq differs.
    QHash<QByteArray, QByteArray> bodies;
    const QSet<QString> dirty = std::exchange(m_changedQueues, {});
    for (Connection *c : qAsConst(m_statsSubscribers)) {
        if (!c->authenticated || c->closing)
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

QJsonObject Server::statsFor(const Connection *c) const
{
    proto::StatsEvent event = statsEvent(c->statsQueues);
    if (c->role == QLatin1String("supervisor")) {
        // Addition (feature "waitingCalls"): the calls waiting in the subscribed queues.
        event.calls.emplace();
        for (const QString &q : c->statsQueues)
            for (const engine::Call &call : m_engine->waitingCalls(q))
                event.calls->append(toProto(call));
    }
    return event.toJson();
}

} // namespace acdesk::server
