#pragma once

// Shared helpers of the engine tests: config builders, event filters, local times.

#include "engine.h"

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

#include <map>
#include <memory>
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

/** @brief An engine on a manual clock with its records kept; times are seconds after t0. */
struct Rig
{
    explicit Rig(EngineConfig cfg, qint64 start = berlin(2026, 11, 24, 8))
        : t0(start)
        , clock(start)
    {
        if (cfg.randomSeed == 0)
            cfg.randomSeed = 42;
        cfg.watchdogSeconds = 0;
        engine = std::make_unique<Engine>(cfg, &clock);
    }
    std::vector<Event> pull()
    {
        std::vector<Event> ev = engine->takeEvents();
        records.take(ev);
        return ev;
    }
    // Moves the clock to t0 + s seconds and processes what is due.
    std::vector<Event> at(double s)
    {
        clock.setNow(t0 + qint64(s * 1000));
        engine->advance();
        return pull();
    }
    void ready(const QStringList &ids)
    {
        for (const QString &id : ids) {
            QVERIFY(engine->login(id).ok());
            QVERIFY(engine->setState(id, AgentState::Ready).ok());
        }
    }
    QString arrive(const QString &queue, int priority = 0, const QString &id = {})
    {
        Arrival a;
        a.id = id;
        a.queue = queue;
        a.callerNumber = QStringLiteral("+4930111");
        if (priority)
            a.priority = priority;
        const Result r = engine->arrive(a);
        return r.callId;
    }
    AgentState state(const QString &id) const { return engine->agent(id).state; }

    qint64 t0;
    ManualClock clock;
    std::unique_ptr<Engine> engine;
    RecordStore records;
};

} // namespace acdesk::engine::test
