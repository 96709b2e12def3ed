#pragma once

// A live office day on the engine (tests and bench): Poisson arrivals from 08:00 to 18:00,
// exponential handle times, every agent ready all day and answering at once; a quarter of
// the callers give up after an exponential patience. What `acdesk replay` is checked and
// measured against (tests/reports/tst_replay.cpp, bench/engine/bench_replay.cpp).

#include "engine/clock.h"
#include "engine/engine.h"

#include <QDateTime>
#include <QTimeZone>

#include <functional>
#include <map>
#include <random>

namespace acdesk::test {

using namespace acdesk::engine;

inline const qint64 kDayStart =
    QDateTime(QDate(2026, 12, 3), QTime(0, 0), QTimeZone("Europe/Berlin")).toMSecsSinceEpoch();
inline const qint64 kDayEnd = kDayStart + 24LL * 3600 * 1000;

inline EngineConfig office(int agents)
{
    EngineConfig cfg;
    QueueConfig q;
    q.id = QStringLiteral("support");
    q.name = q.id;
    q.wrapUpSeconds = 0;
    q.maxWaitSeconds = 0;
    cfg.queues.append(q);
    for (int i = 1; i <= agents; ++i) {
        AgentConfig a;
        a.id = QStringLiteral("a%1").arg(i);
        a.name = a.id;
        a.queues.append({q.id, -1});
        cfg.agents.append(a);
    }
    cfg.watchdogSeconds = 0;
    cfg.randomSeed = 7;
    return cfg;
}

// Returns the final version of every leg record of the day.
inline std::vector<CallRecord> liveDay(const EngineConfig &cfg, double callsPerHour, double handleS,
                                       quint64 seed)
{
    ManualClock clock(kDayStart);
    Engine eng(cfg, &clock);
    for (const AgentConfig &a : cfg.agents) {
        eng.login(a.id);
        eng.setState(a.id, AgentState::Ready);
    }
    std::mt19937_64 rng(seed);
    std::exponential_distribution<double> gap(callsPerHour / 3600.0);
    std::exponential_distribution<double> handle(1.0 / handleS);
    std::exponential_distribution<double> patience(1.0 / 90.0);
    std::uniform_int_distribution<int> impatient(0, 3);
    std::multimap<qint64, std::function<void()>> todo;
    std::map<std::pair<QString, int>, CallRecord> records;
    const auto events = [&] {
        for (const Event &e : eng.takeEvents()) {
            if (const auto *r = std::get_if<RecordChanged>(&e)) {
                records[{r->record.callId, r->record.leg}] = r->record;
            } else if (const auto *o = std::get_if<CallOffered>(&e)) {
                const QString agent = o->agent, id = o->call.id;
                eng.accept(agent, id);
                const qint64 end = clock.nowMs() + qint64(handle(rng) * 1000);
                todo.emplace(end, [&eng, agent, id] { eng.hangup(agent, id); });
            }
        }
    };
    int n = 0;
    for (qint64 t = kDayStart + 8 * 3600 * 1000; t < kDayStart + 18 * 3600 * 1000;
         t += qint64(gap(rng) * 1000)) {
        const QString id = QStringLiteral("live-%1").arg(++n);
        const bool givesUp = impatient(rng) == 0;
        const qint64 wait = qint64(patience(rng) * 1000);
        todo.emplace(t, [&eng, id] {
            Arrival a;
            a.id = id;
            a.queue = QStringLiteral("support");
            a.callerNumber = QStringLiteral("+4930") + id;
            eng.arrive(a);
        });
        if (givesUp)
            todo.emplace(t + wait, [&eng, id] {
                const std::optional<Call> c = eng.call(id);
                if (c && c->answeredAtMs == 0)
                    eng.callerHangup(id);
            });
    }
    while (!todo.empty()) {
        const auto it = todo.begin();
        clock.setNow(it->first);
        const std::function<void()> f = std::move(it->second);
        todo.erase(it);
        eng.advance();
        events();
        f();
        events();
    }
    std::vector<CallRecord> out;
    for (const auto &e : records)
        out.push_back(e.second);
    return out;
}

} // namespace acdesk::test
