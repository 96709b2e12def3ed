#pragma once

// Shared helpers of the engine tests: config builders, event filters, local times.

#include "engine.h"

#include <QDateTime>
#include <QTimeZone>

#include <map>
#include <vector>

namespace acdesk::engine::test {

/** @brief ms since epoch of a local time in Europe/Berlin. */
inline qint64 berlin(int y, int mo, int d, int h, int mi = 0, int s = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s), QTimeZone("Europe/Berlin"))
        .toMSecsSinceEpoch();
}

inline QueueConfig makeQueue(const QString &id, Strategy s = Strategy::LongestIdle)
{
    QueueConfig q;
    q.id = id;
    q.name = id;
    q.strategy = s;
    return q;
}

inline AgentConfig makeAgent(const QString &id, const QStringList &queues, int penalty = 0,
                             const QHash<QString, int> &skills = {})
{
    AgentConfig a;
    a.id = id;
    a.name = id;
    for (const QString &q : queues)
        a.queues.append({q, -1});
    a.penalty = penalty;
    a.skills = skills;
    return a;
}

template<typename T>
std::vector<T> eventsOf(const std::vector<Event> &events)
{
    std::vector<T> out;
    for (const Event &e : events) {
        if (const T *t = std::get_if<T>(&e))
            out.push_back(*t);
    }
    return out;
}

/** @brief "agent:call" for each offer, in order. */
inline QStringList offers(const std::vector<Event> &events)
{
    QStringList out;
    for (const CallOffered &o : eventsOf<CallOffered>(events))
        out.append(o.agent + QLatin1Char(':') + o.call.id);
    return out;
}

/** @brief Latest version of every leg record, keyed by (call, leg). */
class RecordStore
{
public:
    void take(const std::vector<Event> &events)
    {
        for (const RecordChanged &r : eventsOf<RecordChanged>(events))
            m_records[{r.record.callId, r.record.leg}] = r.record;
    }
    std::vector<CallRecord> all() const
    {
        std::vector<CallRecord> out;
        for (const auto &e : m_records)
            out.push_back(e.second);
        return out;
    }
    const std::map<std::pair<QString, int>, CallRecord> &map() const { return m_records; }

private:
    std::map<std::pair<QString, int>, CallRecord> m_records;
};

} // namespace acdesk::engine::test
