#include "reports.h"

#include "storage.h"

#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QTimeZone>

#include <map>

namespace acdesk::server {

namespace {

qint64 startOfDay(const QDate &d, const QTimeZone &tz)
{
    return QDateTime(d, QTime(0, 0), tz).toMSecsSinceEpoch();
}

QByteArray number(const std::optional<double> &v)
{
    return v ? QByteArray::number(*v, 'g', 10) : QByteArray();
}

QByteArray csvField(const QString &s)
{
    QByteArray out = s.toUtf8();
    if (out.contains(',') || out.contains('"') || out.contains('\n'))
        out = '"' + out.replace("\"", "\"\"") + '"';
    return out;
}

} // namespace

Report buildReport(const Storage &storage, const engine::EngineConfig &config, QDate from, QDate to,
                   bool hourly, qint64 nowMs)
{
    Report report;
    report.from = from;
    report.to = to;
    const QTimeZone tz(config.timeZone.toUtf8());
    const qint64 fromMs = startOfDay(from, tz);
    const qint64 toMs = startOfDay(to.addDays(1), tz);

    QHash<QString, const engine::QueueConfig *> queues;
    for (const engine::QueueConfig &q : config.queues)
        queues.insert(q.id, &q);

    // (day, hour, queue) -> sums; std::map keeps the rows in order.
    std::map<std::tuple<QDate, int, QString>, engine::QueueDay> sums;
    QHash<QPair<QDate, QString>, int> handled;
    for (const engine::CallRecord &leg : storage.legs(fromMs, toMs)) {
        const QDateTime local = QDateTime::fromMSecsSinceEpoch(leg.legStartMs, tz);
        if (leg.answeredAtMs > 0 && !leg.agent.isEmpty())
            ++handled[{QDateTime::fromMSecsSinceEpoch(leg.answeredAtMs, tz).date(), leg.agent}];
        const engine::QueueConfig *q = queues.value(leg.queue);
        if (!q)
            continue; // a queue removed from the config since: its legs have no SL target
        const engine::QueueDay c =
            engine::legContribution(leg, q->slSeconds, q->shortAbandonSeconds);
        sums[{local.date(), -1, leg.queue}].add(c);
        if (hourly)
            sums[{local.date(), local.time().hour(), leg.queue}].add(c);
    }
    for (const auto &[key, day] : sums) {
        QueueReportRow row;
        row.day = std::get<0>(key);
        row.hour = std::get<1>(key);
        row.queue = std::get<2>(key);
        row.sums = day;
        row.figures = engine::summarize(day);
        report.queues.push_back(row);
    }

    // Agent time: walk each agent's state changes, cutting intervals at midnight.
    std::map<std::pair<QDate, QString>, AgentReportRow> agents;
    QHash<QString, StateLogEntry> current;
    auto account = [&](const StateLogEntry &s, qint64 begin, qint64 end) {
        begin = qMax(begin, fromMs);
        end = qMin(end, qMin(toMs, nowMs));
        while (begin < end) {
            const QDate day = QDateTime::fromMSecsSinceEpoch(begin, tz).date();
            const qint64 dayEnd = qMin(end, startOfDay(day.addDays(1), tz));
            AgentReportRow &row = agents[{day, s.agent}];
            row.day = day;
            row.agent = s.agent;
            const qint64 span = dayEnd - begin;
            if (s.state != QLatin1String("logged_out"))
                row.loggedInMs += span;
            if (s.state == QLatin1String("ready"))
                row.readyMs += span;
            else if (s.state == QLatin1String("on_call"))
                row.talkMs += span;
            else if (s.state == QLatin1String("wrap_up"))
                row.wrapUpMs += span;
            else if (s.state == QLatin1String("not_ready")) {
                row.notReadyMs += span;
                row.notReadyByReasonMs[s.reason] += span;
            }
            begin = dayEnd;
        }
    };
    for (const StateLogEntry &e : storage.stateLog(fromMs, toMs)) {
        const auto it = current.constFind(e.agent);
        if (it != current.cend())
            account(*it, it->sinceMs, e.sinceMs);
        current.insert(e.agent, e);
    }
    for (const StateLogEntry &last : qAsConst(current))
        account(last, last.sinceMs, toMs);
    for (auto it = handled.cbegin(); it != handled.cend(); ++it) {
        if (it.key().first < from || it.key().first > to)
            continue;
        AgentReportRow &row = agents[{it.key().first, it.key().second}];
        row.day = it.key().first;
        row.agent = it.key().second;
        row.callsHandled = it.value();
    }
    for (auto &[key, row] : agents)
        report.agents.push_back(row);
    return report;
}

QByteArray queueReportCsv(const Report &report)
{
    QByteArray out = "day,hour,queue,offered,answered,abandoned,shortAbandoned,answeredInSl,"
                     "overflowed,serviceLevel,asaMs,ahtMs,abandonRate,reachability,longestWaitMs,"
                     "closed,timedOut,callbacksRequested,callbacksReached,callbacksFailed\n";
    for (const QueueReportRow &r : report.queues) {
        const engine::QueueToday &f = r.figures;
        out += r.day.toString(Qt::ISODate).toUtf8() + ',' +
               (r.hour < 0 ? QByteArray("all") : QByteArray::number(r.hour)) + ',' +
               csvField(r.queue) + ',' + QByteArray::number(f.offered) + ',' +
               QByteArray::number(f.answered) + ',' + QByteArray::number(f.abandoned) + ',' +
               QByteArray::number(f.shortAbandoned) + ',' + QByteArray::number(f.answeredInSl) +
               ',' + QByteArray::number(f.overflowed) + ',' + number(f.serviceLevel) + ',' +
               number(f.asaMs) + ',' + number(f.ahtMs) + ',' + number(f.abandonRate) + ',' +
               number(f.reachability) + ',' + QByteArray::number(f.longestWaitMs) + ',' +
               QByteArray::number(f.closed) + ',' + QByteArray::number(f.timedOut) + ',' +
               QByteArray::number(f.callbacksRequested) + ',' +
               QByteArray::number(f.callbacksReached) + ',' +
               QByteArray::number(f.callbacksFailed) + '\n';
    }
    return out;
}

QByteArray agentReportCsv(const Report &report)
{
    QStringList reasons;
    for (const AgentReportRow &r : report.agents)
        for (auto it = r.notReadyByReasonMs.cbegin(); it != r.notReadyByReasonMs.cend(); ++it)
            if (!reasons.contains(it.key()))
                reasons.append(it.key());
    reasons.sort();
    QByteArray out = "day,agent,loggedInMs,readyMs,talkMs,wrapUpMs,notReadyMs,callsHandled";
    for (const QString &reason : qAsConst(reasons))
        out += ",notReady:" + csvField(reason);
    out += '\n';
    for (const AgentReportRow &r : report.agents) {
        out += r.day.toString(Qt::ISODate).toUtf8() + ',' + csvField(r.agent) + ',' +
               QByteArray::number(r.loggedInMs) + ',' + QByteArray::number(r.readyMs) + ',' +
               QByteArray::number(r.talkMs) + ',' + QByteArray::number(r.wrapUpMs) + ',' +
               QByteArray::number(r.notReadyMs) + ',' + QByteArray::number(r.callsHandled);
        for (const QString &reason : qAsConst(reasons))
            out += ',' + QByteArray::number(r.notReadyByReasonMs.value(reason));
        out += '\n';
    }
    return out;
}

std::vector<AuditEntry> auditEntries(const Storage &storage, const engine::EngineConfig &config,
                                     QDate from, QDate to, const QString &action,
                                     const QString &actor, const QString &target, int limit)
{
    const QTimeZone tz(config.timeZone.toUtf8());
    return storage.audit(startOfDay(from, tz), startOfDay(to.addDays(1), tz), action, actor, target,
                         limit);
}

QByteArray auditCsv(const std::vector<AuditEntry> &entries, const engine::EngineConfig &config)
{
    const QTimeZone tz(config.timeZone.toUtf8());
    QByteArray out = "time,actor,action,target,detail\n";
    for (const AuditEntry &e : entries)
        out += QDateTime::fromMSecsSinceEpoch(e.atMs, tz).toString(Qt::ISODateWithMs).toUtf8() +
               ',' + csvField(e.actor) + ',' + csvField(e.action) + ',' + csvField(e.target) + ',' +
               csvField(QString::fromUtf8(QJsonDocument(e.detail).toJson(QJsonDocument::Compact))) +
               '\n';
    return out;
}

} // namespace acdesk::server
