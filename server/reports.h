#pragma once

#include "engine/types.h"
#include "storage.h"

#include <QDate>
#include <QMap>
#include <QString>
#include <QStringList>

#include <vector>

namespace acdesk::server {

/** @brief One row of the queue report: a queue in one hour, or a whole day (hour -1). */
struct QueueReportRow
{
    QDate day;
    int hour = -1;
    QString queue;
    engine::QueueDay sums;
    engine::QueueToday figures;
};

/** @brief One agent's day: time in each state and calls handled. */
struct AgentReportRow
{
    QDate day;
    QString agent;
    qint64 loggedInMs = 0;
    qint64 readyMs = 0;
    qint64 talkMs = 0; // ringing excluded; on_call including hold
    qint64 wrapUpMs = 0;
    qint64 notReadyMs = 0;
    QMap<QString, qint64> notReadyByReasonMs;
    int callsHandled = 0;
};

/** @brief Queue and agent rows for a range of local days. */
struct Report
{
    QDate from;
    QDate to;
    std::vector<QueueReportRow> queues;
    std::vector<AgentReportRow> agents;
};

/**
 * @brief Builds day (and, with @p hourly, hour) rows from the stored call legs and agent
 * state log, with the same legContribution()/summarize() the live statistics use, so a
 * day's report equals that day's `today` figures exactly.
 */
Report buildReport(const Storage &storage, const engine::EngineConfig &config, QDate from, QDate to,
                   bool hourly, qint64 nowMs);
/** @brief The queue rows as CSV (header line first). */
QByteArray queueReportCsv(const Report &report);
/** @brief The agent rows as CSV (header line first). */
QByteArray agentReportCsv(const Report &report);
/**
 * @brief Audit entries of the local days @p from..@p to (the config's time zone), newest
 * first, filtered exactly by the non-empty @p action, @p actor, @p target.
 */
std::vector<AuditEntry> auditEntries(const Storage &storage, const engine::EngineConfig &config,
                                     QDate from, QDate to, const QString &action = {},
                                     const QString &actor = {}, const QString &target = {},
                                     int limit = 1000000);
/** @brief Audit entries as CSV: time (ISO 8601, the config's zone), actor, action, target,
 * detail (compact JSON). */
QByteArray auditCsv(const std::vector<AuditEntry> &entries, const engine::EngineConfig &config);

} // namespace acdesk::server
