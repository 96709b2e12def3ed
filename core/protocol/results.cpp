// The result fields of ok replies (results.h).

#include "results.h"
#include "jsonreader_p.h"

namespace acdesk::proto {

using namespace detail;

namespace {

const QLatin1String kEntries("entries");
const QLatin1String kDay("day");

QDate readDay(Reader &r)
{
    const QString s = r.text(kDay, Presence::Required, 10, false);
    const QDate d = QDate::fromString(s, Qt::ISODate);
    if (!r.failed() && !d.isValid())
        r.fail(kDay, QStringLiteral("must be a date YYYY-MM-DD, got ") + quoted(s));
    return d;
}

// Counts are integers on the wire; int is wide enough for a day's calls of any office.
int count(Reader &r, const char *field)
{
    return int(r.integer(QLatin1String(field), 0, std::numeric_limits<int>::max()));
}

qint64 duration(Reader &r, const char *field)
{
    return r.integer(QLatin1String(field), 0, MaxIntegerId);
}

ReportQueueRow readQueueRow(Reader &r)
{
    ReportQueueRow row;
    row.day = readDay(r);
    const std::optional<qint64> hour = r.optionalInteger(QLatin1String("hour"), 0, 23);
    row.hour = hour ? std::optional<int>(int(*hour)) : std::nullopt;
    row.queue = r.identifier(QLatin1String("queue"));
    row.offered = count(r, "offered");
    row.answered = count(r, "answered");
    row.abandoned = count(r, "abandoned");
    row.shortAbandoned = count(r, "shortAbandoned");
    row.answeredInSl = count(r, "answeredInSl");
    row.overflowed = count(r, "overflowed");
    row.closed = int(r.optionalInteger(QLatin1String("closed"), 0, MaxIntegerId).value_or(0));
    row.timedOut = int(r.optionalInteger(QLatin1String("timedOut"), 0, MaxIntegerId).value_or(0));
    row.callbacksRequested =
        int(r.optionalInteger(QLatin1String("callbacksRequested"), 0, MaxIntegerId).value_or(0));
    row.callbacksReached =
        int(r.optionalInteger(QLatin1String("callbacksReached"), 0, MaxIntegerId).value_or(0));
    row.callbacksFailed =
        int(r.optionalInteger(QLatin1String("callbacksFailed"), 0, MaxIntegerId).value_or(0));
    row.serviceLevel = r.nullableNumber(QLatin1String("serviceLevel"));
    row.asaMs = r.nullableNumber(QLatin1String("asaMs"));
    row.ahtMs = r.nullableNumber(QLatin1String("ahtMs"));
    row.abandonRate = r.nullableNumber(QLatin1String("abandonRate"));
    row.reachability = r.nullableNumber(QLatin1String("reachability"));
    row.longestWaitMs = duration(r, "longestWaitMs");
    return row;
}

ReportAgentRow readAgentRow(Reader &r)
{
    ReportAgentRow row;
    row.day = readDay(r);
    row.agent = r.identifier(QLatin1String("agent"));
    row.loggedInMs = duration(r, "loggedInMs");
    row.readyMs = duration(r, "readyMs");
    row.talkMs = duration(r, "talkMs");
    row.wrapUpMs = duration(r, "wrapUpMs");
    row.notReadyMs = duration(r, "notReadyMs");
    const QLatin1String fr("notReadyByReasonMs");
    const QJsonObject byReason = r.object(fr, Presence::Required);
    for (auto it = byReason.constBegin(); it != byReason.constEnd() && !r.failed(); ++it) {
        const std::optional<qint64> ms = exactInteger(it.value());
        if (!ms || *ms < 0)
            r.failPath(r.path(fr) + QLatin1Char('.') + it.key(),
                       QStringLiteral("must be a non-negative integer"));
        else
            row.notReadyByReasonMs.insert(it.key(), *ms);
    }
    row.callsHandled = count(r, "callsHandled");
    return row;
}

} // namespace

QJsonObject ReportQueueRow::toJson() const
{
    return QJsonObject{{kDay, day.toString(Qt::ISODate)},
                       {QLatin1String("hour"), hour ? QJsonValue(*hour) : QJsonValue()},
                       {QLatin1String("queue"), queue},
                       {QLatin1String("offered"), offered},
                       {QLatin1String("answered"), answered},
                       {QLatin1String("abandoned"), abandoned},
                       {QLatin1String("shortAbandoned"), shortAbandoned},
                       {QLatin1String("answeredInSl"), answeredInSl},
                       {QLatin1String("overflowed"), overflowed},
                       {QLatin1String("closed"), closed},
                       {QLatin1String("timedOut"), timedOut},
                       {QLatin1String("callbacksRequested"), callbacksRequested},
                       {QLatin1String("callbacksReached"), callbacksReached},
                       {QLatin1String("callbacksFailed"), callbacksFailed},
                       {QLatin1String("serviceLevel"), nullableNumber(serviceLevel)},
                       {QLatin1String("asaMs"), nullableNumber(asaMs)},
                       {QLatin1String("ahtMs"), nullableNumber(ahtMs)},
                       {QLatin1String("abandonRate"), nullableNumber(abandonRate)},
                       {QLatin1String("reachability"), nullableNumber(reachability)},
                       {QLatin1String("longestWaitMs"), longestWaitMs}};
}

std::variant<ReportQueueRow, DecodeError> ReportQueueRow::fromJson(const QJsonObject &o)
{
    return decodeWith<ReportQueueRow>(o, readQueueRow);
}

bool ReportQueueRow::operator==(const ReportQueueRow &o) const
{
    return day == o.day && hour == o.hour && queue == o.queue && offered == o.offered &&
           answered == o.answered && abandoned == o.abandoned &&
           shortAbandoned == o.shortAbandoned && answeredInSl == o.answeredInSl &&
           overflowed == o.overflowed && closed == o.closed && timedOut == o.timedOut &&
           callbacksRequested == o.callbacksRequested && callbacksReached == o.callbacksReached &&
           callbacksFailed == o.callbacksFailed && serviceLevel == o.serviceLevel &&
           asaMs == o.asaMs && ahtMs == o.ahtMs && abandonRate == o.abandonRate &&
           reachability == o.reachability && longestWaitMs == o.longestWaitMs;
}

QJsonObject ReportAgentRow::toJson() const
{
    QJsonObject byReason;
    for (auto it = notReadyByReasonMs.cbegin(); it != notReadyByReasonMs.cend(); ++it)
        byReason.insert(it.key(), it.value());
    return QJsonObject{{kDay, day.toString(Qt::ISODate)},
                       {QLatin1String("agent"), agent},
                       {QLatin1String("loggedInMs"), loggedInMs},
                       {QLatin1String("readyMs"), readyMs},
                       {QLatin1String("talkMs"), talkMs},
                       {QLatin1String("wrapUpMs"), wrapUpMs},
                       {QLatin1String("notReadyMs"), notReadyMs},
                       {QLatin1String("notReadyByReasonMs"), byReason},
                       {QLatin1String("callsHandled"), callsHandled}};
}

std::variant<ReportAgentRow, DecodeError> ReportAgentRow::fromJson(const QJsonObject &o)
{
    return decodeWith<ReportAgentRow>(o, readAgentRow);
}

bool ReportAgentRow::operator==(const ReportAgentRow &o) const
{
    return day == o.day && agent == o.agent && loggedInMs == o.loggedInMs && readyMs == o.readyMs &&
           talkMs == o.talkMs && wrapUpMs == o.wrapUpMs && notReadyMs == o.notReadyMs &&
           notReadyByReasonMs == o.notReadyByReasonMs && callsHandled == o.callsHandled;
}

QJsonObject ReportResult::toJson() const
{
    return QJsonObject{{QLatin1String("queues"), toArray(queues)},
                       {QLatin1String("agents"), toArray(agents)},
                       {QLatin1String("queuesCsv"), queuesCsv},
                       {QLatin1String("agentsCsv"), agentsCsv}};
}

std::variant<ReportResult, DecodeError> ReportResult::fromJson(const QJsonObject &o)
{
    return decodeWith<ReportResult>(o, [](Reader &r) {
        ReportResult result;
        result.queues = r.objectList<ReportQueueRow>(QLatin1String("queues"), readQueueRow);
        result.agents = r.objectList<ReportAgentRow>(QLatin1String("agents"), readAgentRow);
        // A CSV of a long range is large; the limit is only that of the frame.
        result.queuesCsv = r.text(QLatin1String("queuesCsv"), Presence::Required, INT_MAX, true);
        result.agentsCsv = r.text(QLatin1String("agentsCsv"), Presence::Required, INT_MAX, true);
        return result;
    });
}

bool ReportResult::operator==(const ReportResult &o) const
{
    return queues == o.queues && agents == o.agents && queuesCsv == o.queuesCsv &&
           agentsCsv == o.agentsCsv;
}

QJsonObject WorklistListResult::toJson() const
{
    return QJsonObject{{kEntries, toArray(entries)}};
}

std::variant<WorklistListResult, DecodeError> WorklistListResult::fromJson(const QJsonObject &o)
{
    return decodeWith<WorklistListResult>(o, [](Reader &r) {
        return WorklistListResult{r.objectList<WorklistEntry>(kEntries, readWorklistEntry)};
    });
}

QJsonObject WorklistDoneResult::toJson() const
{
    return QJsonObject{{QLatin1String("entry"), entry.toJson()}};
}

std::variant<WorklistDoneResult, DecodeError> WorklistDoneResult::fromJson(const QJsonObject &o)
{
    return decodeWith<WorklistDoneResult>(o, [](Reader &r) {
        Reader entry = r.nested(QLatin1String("entry"));
        return WorklistDoneResult{readWorklistEntry(entry)};
    });
}

QJsonObject AuditListResult::toJson() const
{
    QJsonArray a;
    for (const AuditEvent &e : entries) {
        QJsonObject o = e.toJson();
        o.remove(QLatin1String("type"));
        o.remove(QLatin1String("seq"));
        a.append(o);
    }
    return QJsonObject{{kEntries, a}};
}

std::variant<AuditListResult, DecodeError> AuditListResult::fromJson(const QJsonObject &o)
{
    return decodeWith<AuditListResult>(o, [](Reader &r) {
        return AuditListResult{r.objectList<AuditEvent>(kEntries, readAuditEntry)};
    });
}

QJsonObject AdminConfigResult::toJson() const
{
    QJsonObject o{{QLatin1String("version"), version}};
    if (config)
        o.insert(QLatin1String("config"), *config);
    if (restartNeeded)
        o.insert(QLatin1String("restartNeeded"), QJsonArray::fromStringList(*restartNeeded));
    return o;
}

std::variant<AdminConfigResult, DecodeError> AdminConfigResult::fromJson(const QJsonObject &o)
{
    return decodeWith<AdminConfigResult>(o, [](Reader &r) {
        AdminConfigResult result;
        result.version = r.identifier(QLatin1String("version"));
        if (r.present(QLatin1String("config")))
            result.config = r.object(QLatin1String("config"), Presence::Required);
        const QLatin1String fr("restartNeeded");
        if (r.present(fr)) {
            QStringList names;
            const QJsonArray a = r.array(fr, Presence::Required);
            for (const QJsonValue &v : a) {
                if (!v.isString()) {
                    r.fail(fr, QStringLiteral("must be an array of strings"));
                    break;
                }
                names.append(v.toString());
            }
            result.restartNeeded = names;
        }
        return result;
    });
}

QJsonObject CallDialResult::toJson() const
{
    return QJsonObject{{QLatin1String("call"), call}};
}

std::variant<CallDialResult, DecodeError> CallDialResult::fromJson(const QJsonObject &o)
{
    return decodeWith<CallDialResult>(
        o, [](Reader &r) { return CallDialResult{r.identifier(QLatin1String("call"))}; });
}

QJsonObject GwArriveResult::toJson() const
{
    QJsonObject o{{QLatin1String("call"), call}, {QLatin1String("queue"), queue}};
    if (position) {
        o.insert(QLatin1String("position"), *position);
        o.insert(QLatin1String("ewtSeconds"), nullableNumber(ewtSeconds));
    }
    if (!callbackKey.isEmpty())
        o.insert(QLatin1String("callbackKey"), callbackKey);
    return o;
}

std::variant<GwArriveResult, DecodeError> GwArriveResult::fromJson(const QJsonObject &o)
{
    return decodeWith<GwArriveResult>(o, [](Reader &r) {
        GwArriveResult result;
        result.call = r.identifier(QLatin1String("call"));
        result.queue = r.text(QLatin1String("queue"), Presence::Optional, MaxIdLength, true);
        if (const auto n = r.optionalInteger(QLatin1String("position"), 0, MaxIntegerId))
            result.position = int(*n);
        if (r.present(QLatin1String("ewtSeconds")))
            result.ewtSeconds = r.nullableNumber(QLatin1String("ewtSeconds"));
        result.callbackKey = r.text(QLatin1String("callbackKey"), Presence::Optional, 1, false);
        return result;
    });
}

} // namespace acdesk::proto
