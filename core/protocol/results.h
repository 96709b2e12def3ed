#pragma once

// The result fields of `ok` replies that carry more than an acknowledgement: the
// worklist, reports, the audit log and the administered configuration. Each struct's
// toJson() gives the fields to put beside `re` (OkReply::fields); fromJson() reads them
// back, so the server writes and the client reads each field name in one place.

#include "servermessages.h"

#include <QDate>

namespace acdesk::proto {

/** @brief One row of a queue report: a day, or an hour of it (addition, protocol 8.1). */
struct ReportQueueRow
{
    QDate day;
    std::optional<int> hour; ///< 0..23; nullopt (JSON null) for the whole day
    QString queue;
    int offered = 0;
    int answered = 0;
    int abandoned = 0;
    int shortAbandoned = 0;
    int answeredInSl = 0;
    int overflowed = 0;
    int closed = 0;                     ///< addition 35: arrived while closed (not offered)
    int timedOut = 0;                   ///< addition 35: left by the afterMaxWait exit
    int callbacksRequested = 0;         ///< addition 36
    int callbacksReached = 0;           ///< addition 36
    int callbacksFailed = 0;            ///< addition 36
    std::optional<double> serviceLevel; ///< null when undefined (nothing offered)
    std::optional<double> asaMs;
    std::optional<double> ahtMs;
    std::optional<double> abandonRate;
    std::optional<double> reachability;
    qint64 longestWaitMs = 0;
    /** @brief Encodes the row. */
    QJsonObject toJson() const;
    /** @brief Decodes the row; bad_request naming the field on failure. */
    static std::variant<ReportQueueRow, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const ReportQueueRow &o) const;
    bool operator!=(const ReportQueueRow &o) const { return !(*this == o); }
};

/** @brief One row of an agent report: an agent's day. */
struct ReportAgentRow
{
    QDate day;
    QString agent;
    qint64 loggedInMs = 0;
    qint64 readyMs = 0;
    qint64 talkMs = 0;
    qint64 wrapUpMs = 0;
    qint64 notReadyMs = 0;
    QMap<QString, qint64> notReadyByReasonMs; ///< by reason code; "-" for none
    int callsHandled = 0;
    /** @brief Encodes the row. */
    QJsonObject toJson() const;
    /** @brief Decodes the row; bad_request naming the field on failure. */
    static std::variant<ReportAgentRow, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const ReportAgentRow &o) const;
    bool operator!=(const ReportAgentRow &o) const { return !(*this == o); }
};

/** @brief Result of report.get: {queues, agents, queuesCsv, agentsCsv}. */
struct ReportResult
{
    QList<ReportQueueRow> queues;
    QList<ReportAgentRow> agents;
    QString queuesCsv; ///< What `acdesk report` prints for the same days.
    QString agentsCsv;
    /** @brief The result fields. */
    QJsonObject toJson() const;
    /** @brief Decodes the result fields of an ok reply. */
    static std::variant<ReportResult, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const ReportResult &o) const;
    bool operator!=(const ReportResult &o) const { return !(*this == o); }
};

/** @brief Result of worklist.list: {entries}. */
struct WorklistListResult
{
    QList<WorklistEntry> entries;
    /** @brief The result fields. */
    QJsonObject toJson() const;
    /** @brief Decodes the result fields of an ok reply. */
    static std::variant<WorklistListResult, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const WorklistListResult &o) const { return entries == o.entries; }
    bool operator!=(const WorklistListResult &o) const { return !(*this == o); }
};

/** @brief Result of worklist.done: {entry} (the entry as it is now). */
struct WorklistDoneResult
{
    WorklistEntry entry;
    /** @brief The result fields. */
    QJsonObject toJson() const;
    /** @brief Decodes the result fields of an ok reply. */
    static std::variant<WorklistDoneResult, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const WorklistDoneResult &o) const { return entry == o.entry; }
    bool operator!=(const WorklistDoneResult &o) const { return !(*this == o); }
};

/** @brief Result of audit.list: {entries}, each an `audit` event without type and seq. */
struct AuditListResult
{
    QList<AuditEvent> entries; ///< seq is 0 in each
    /** @brief The result fields. */
    QJsonObject toJson() const;
    /** @brief Decodes the result fields of an ok reply. */
    static std::variant<AuditListResult, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const AuditListResult &o) const { return entries == o.entries; }
    bool operator!=(const AuditListResult &o) const { return !(*this == o); }
};

/**
 * @brief Result of admin.config.get {version, config} and admin.config.put {version,
 * restartNeeded}. `config` is the configuration file's own schema (docs/configuration.md),
 * a document the server checks as a whole; it stays JSON here.
 */
struct AdminConfigResult
{
    QString version;
    std::optional<QJsonObject> config;        ///< get: the file without plain secrets
    std::optional<QStringList> restartNeeded; ///< put: settings that wait for a restart
    /** @brief The result fields. */
    QJsonObject toJson() const;
    /** @brief Decodes the result fields of an ok reply. */
    static std::variant<AdminConfigResult, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const AdminConfigResult &o) const
    {
        return version == o.version && config == o.config && restartNeeded == o.restartNeeded;
    }
    bool operator!=(const AdminConfigResult &o) const { return !(*this == o); }
};

/** @brief Result of call.dial: {call} (the outbound call's id). */
struct CallDialResult
{
    QString call;
    /** @brief The result fields. */
    QJsonObject toJson() const;
    /** @brief Decodes the result fields of an ok reply. */
    static std::variant<CallDialResult, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const CallDialResult &o) const { return call == o.call; }
    bool operator!=(const CallDialResult &o) const { return !(*this == o); }
};

/** @brief Result of gw.arrive: {call, queue} (the queue picks announcements and music). */
struct GwArriveResult
{
    QString call;
    QString queue; ///< empty ("") when the call went nowhere (closed: gw.exit follows)
    /** @brief Addition: 1-based place among the queued calls; omitted when not queued. */
    std::optional<int> position;
    /** @brief Addition: estimated wait at that place, seconds; null = nobody serves. */
    std::optional<double> ewtSeconds;
    /** @brief Addition 36: the key that asks for a callback in this queue; empty: none. */
    QString callbackKey;
    /** @brief The result fields. */
    QJsonObject toJson() const;
    /** @brief Decodes the result fields of an ok reply. */
    static std::variant<GwArriveResult, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const GwArriveResult &o) const
    {
        return call == o.call && queue == o.queue && position == o.position &&
               ewtSeconds == o.ewtSeconds && callbackKey == o.callbackKey;
    }
    bool operator!=(const GwArriveResult &o) const { return !(*this == o); }
};

/** @brief Result of gw.position: the same fields as gw.arrive's (position 0 = not queued). */
using GwPositionResult = GwArriveResult;

} // namespace acdesk::proto
