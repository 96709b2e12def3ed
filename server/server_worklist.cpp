// The abandoned-callers worklist (protocol 10.1) and the reports built on the records
// and the worklist's callbacks (10.2).
#include "server.h"

#include "connection.h"
#include "convert.h"
#include "engine/engine.h"
#include "protocol/protocol.h"
#include "reports.h"
#include "storage.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUrl>
#include <QUrlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace acdesk::server {

using proto::ErrorCode;

// ---------------------------------------------------------------------------------------
// worklist

std::optional<Server::WorklistEntry> Server::entryFor(const engine::CallRecord &leg) const
{
    // Callers who hung up before an answer, queued or while ringing, and callbacks that
    // reached nobody after their last attempt (to be called back by hand).
    const bool abandoned = leg.kind == engine::LegKind::Queue && leg.answeredAtMs == 0 &&
                           leg.cause == engine::EndCause::CallerHangup;
    const bool unreached =
        leg.kind == engine::LegKind::Callback && leg.cause == engine::EndCause::CallbackFailed;
    if (!abandoned && !unreached)
        return std::nullopt;
    WorklistEntry e;
    e.id = leg.callId + QLatin1Char('#') + QString::number(leg.leg);
    e.queue = leg.queue;
    e.number = unreached ? leg.callbackNumber : leg.callerNumber;
    e.name = leg.callerName;
    e.abandonedAtMs = leg.endedAtMs;
    e.waitMs = unreached ? leg.endedAtMs - leg.arrivedAtMs : leg.waitMs;
    for (const engine::QueueConfig &q : m_engine->config().queues)
        if (q.id == leg.queue && abandoned)
            e.shortAbandon = leg.waitMs <= qint64(q.shortAbandonSeconds) * 1000;
    return e;
}

void Server::updateWorklist(const engine::CallRecord &leg)
{
    std::optional<WorklistEntry> e = entryFor(leg);
    if (!e || m_worklist.contains(e->id))
        return;
    m_worklist.insert(e->id, *e);
    sendWorklistUpdate(*e);
}

void Server::restoreWorklist()
{
    const qint64 dayStart = m_engine->dayStartMs();
    m_worklist.clear();
    for (const engine::CallRecord &leg :
         m_storage->legs(dayStart, dayStart + 2LL * 24 * 3600 * 1000)) {
        if (std::optional<WorklistEntry> e = entryFor(leg))
            m_worklist.insert(e->id, *e);
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

proto::WorklistEntry Server::worklistEntry(const WorklistEntry &e) const
{
    proto::WorklistEntry out;
    out.id = e.id;
    out.queue = e.queue;
    out.caller = {e.number, e.name};
    out.abandonedAt = e.abandonedAtMs;
    out.waitedMs = e.waitMs;
    out.isShort = e.shortAbandon;
    out.doneBy = e.doneBy;
    if (e.doneAtMs > 0)
        out.doneAt = e.doneAtMs;
    return out;
}

void Server::sendWorklistUpdate(const WorklistEntry &e)
{
    const QByteArray body =
        proto::encodeEventBody(proto::WorklistUpdateEvent{0, worklistEntry(e)}.toJson());
    for (Connection *c : qAsConst(m_connections))
        if (c->authenticated &&
            (c->role == QLatin1String("supervisor") || c->role == QLatin1String("agent")))
            sendEventBody(c, body);
}

proto::QueueStats Server::queueStats(const QString &queue) const
{
    proto::QueueStats stats = toProto(m_engine->queueStats(queue));
    // Call backs count as outbound call backs of their queue, never as inbound answers.
    const qint64 dayStart = m_engine->dayStartMs();
    int n = 0;
    for (const WorklistEntry &e : m_worklist)
        n += e.queue == queue && e.doneAtMs >= dayStart ? 1 : 0;
    stats.today.callbacks = n;
    return stats;
}

proto::ReportResult Server::report(const proto::ReportGetRequest &req) const
{
    const Report report =
        buildReport(*m_storage, m_engine->config(), req.from, req.to, req.hourly, m_clock->nowMs());
    proto::ReportResult result;
    for (const QueueReportRow &r : report.queues) {
        const engine::QueueToday &f = r.figures;
        proto::ReportQueueRow row;
        row.day = r.day;
        row.hour = r.hour < 0 ? std::nullopt : std::optional<int>(r.hour);
        row.queue = r.queue;
        row.offered = f.offered;
        row.answered = f.answered;
        row.abandoned = f.abandoned;
        row.shortAbandoned = f.shortAbandoned;
        row.answeredInSl = f.answeredInSl;
        row.overflowed = f.overflowed;
        row.closed = int(f.closed);
        row.timedOut = int(f.timedOut);
        row.callbacksRequested = int(f.callbacksRequested);
        row.callbacksReached = int(f.callbacksReached);
        row.callbacksFailed = int(f.callbacksFailed);
        row.serviceLevel = f.serviceLevel;
        row.asaMs = f.asaMs;
        row.ahtMs = f.ahtMs;
        row.abandonRate = f.abandonRate;
        row.reachability = f.reachability;
        row.longestWaitMs = f.longestWaitMs;
        result.queues.append(row);
    }
    for (const AgentReportRow &r : report.agents) {
        proto::ReportAgentRow row;
        row.day = r.day;
        row.agent = r.agent;
        row.loggedInMs = r.loggedInMs;
        row.readyMs = r.readyMs;
        row.talkMs = r.talkMs;
        row.wrapUpMs = r.wrapUpMs;
        row.notReadyMs = r.notReadyMs;
        for (auto it = r.notReadyByReasonMs.cbegin(); it != r.notReadyByReasonMs.cend(); ++it)
            row.notReadyByReasonMs.insert(it.key().isEmpty() ? QStringLiteral("-") : it.key(),
                                          it.value());
        row.callsHandled = r.callsHandled;
        result.agents.append(row);
    }
    // The CSV is made here too, so the console exports exactly what `acdesk report` prints.
    result.queuesCsv = QString::fromUtf8(queueReportCsv(report));
    result.agentsCsv = QString::fromUtf8(agentReportCsv(report));
    return result;
}

void Server::handle(Connection *c, const Env &env, const proto::WorklistListRequest &)
{
    const qint64 dayStart = m_engine->dayStartMs();
    proto::WorklistListResult result;
    for (const WorklistEntry &e : qAsConst(m_worklist))
        if (e.abandonedAtMs >= dayStart)
            result.entries.append(worklistEntry(e));
    reply(c, env, result.toJson());
}

void Server::handle(Connection *c, const Env &env, const proto::WorklistDoneRequest &r)
{
    const proto::WorklistDoneRequest *done = &r;
    auto it = m_worklist.find(done->entry);
    if (it == m_worklist.end()) {
        replyError(c, env.id, ErrorCode::NotFound,
                   QStringLiteral("no worklist entry \"%1\"").arg(done->entry));
        return;
    }
    const qint64 now = m_clock->nowMs();
    if (!it->doneBy.isEmpty()) {
        replyError(c, env.id, ErrorCode::Conflict,
                   QStringLiteral("already called back by %1").arg(it->doneBy));
        return;
    }
    // The database's primary key is the final arbiter: only one row per entry goes in.
    if (!m_storage->saveCallback(it->id, c->user, now)) {
        replyError(c, env.id, ErrorCode::Internal,
                   QStringLiteral("the call back could not be stored"));
        return;
    }
    it->doneBy = c->user;
    it->doneAtMs = now;
    audit(actorOf(c), QStringLiteral("worklist.done"), it->id,
          {{QStringLiteral("queue"), it->queue}, {QStringLiteral("caller"), it->number}});
    reply(c, env, proto::WorklistDoneResult{worklistEntry(*it)}.toJson());
    sendWorklistUpdate(*it);
    scheduleStats(it->queue);
}

} // namespace acdesk::server
