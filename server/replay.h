#pragma once

// What-if replay (issue 19): the stored call arrivals of a period go through the engine
// again, on a simulated clock, with another configuration (strategies, agents, hours), and
// the figures it gives stand beside the recorded ones. docs/engine.md "Replay" says what
// is taken from the records and what is modelled.

#include "engine/types.h"
#include "storage.h"

#include <QMap>

#include <vector>

namespace acdesk::server {

/** @brief Figures of one side (recorded or replayed). */
struct ReplayFigures
{
    /** @brief Per queue id, summed by engine::legContribution (as the reports do). */
    QMap<QString, engine::QueueDay> queues;
    /** @brief Agents' talk + hold + wrap-up, and their logged-in time. */
    qint64 busyMs = 0;
    qint64 loggedInMs = 0;
};

/** @brief The outcome of a replay. */
struct ReplayResult
{
    ReplayFigures recorded;
    ReplayFigures replayed;
    /** @brief Inbound calls replayed. */
    int calls = 0;
};

/**
 * @brief Replays the inbound calls of @p legs (one period's records) with @p config.
 * @p states is the agents' state log of the period (Storage::stateLog): logged-in and
 * not-ready times are kept; agents of @p config without any history work whenever
 * someone of the recorded team was logged in (all the period when there is no log).
 * Deterministic: the same input gives the same result.
 */
ReplayResult replay(const std::vector<engine::CallRecord> &legs,
                    const std::vector<StateLogEntry> &states, const engine::EngineConfig &config,
                    qint64 fromMs, qint64 toMs);

/** @brief The side-by-side table `acdesk replay` prints. */
QString replayTable(const ReplayResult &result, const engine::EngineConfig &config);

} // namespace acdesk::server
