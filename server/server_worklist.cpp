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

void Server::handle(Connection *c, const Env &env, const proto::WorklistListRequest &)
{
    const qint64 dayStart = m_engine->dayStartMs();
    QJsonArray entries;
    for (const WorklistEntry &e : qAsConst(m_worklist))
        if (e.abandonedAtMs >= dayStart)
            entries.append(worklistEntry(e).toJson());
    reply(c, env, {{QStringLiteral("entries"), entries}});
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
    reply(c, env, {{QStringLiteral("entry"), worklistEntry(*it).toJson()}});
    sendWorklistUpdate(*it);
    scheduleStats(it->queue);
}

} // namespace acdesk::server
