#pragma once

// Queueing formulas for the estimated wait and the staffing forecast (docs/engine.md,
// "Estimated wait" and "Staffing forecast"). Pure functions, no state.

#include <optional>

namespace acdesk::engine {

/**
 * @brief Erlang C: the probability that a call must wait, with @p agents servers and
 * @p trafficErlangs offered load (arrival rate x mean handle time). 1 when agents <= load.
 * Computed through the Erlang B recursion, which stays exact for hundreds of agents.
 */
double erlangC(int agents, double trafficErlangs);

/**
 * @brief The share of calls answered within @p targetSeconds under Erlang C:
 * 1 - C(N, A) * exp(-(N - A) * T / AHT). 0 when agents <= load.
 */
double erlangServiceLevel(int agents, double trafficErlangs, double ahtSeconds,
                          double targetSeconds);

/**
 * @brief The fewest agents whose Erlang C service level reaches @p target (0..1) for
 * @p arrivalsPerHour calls of @p ahtSeconds mean handle time, answered within
 * @p targetSeconds; 0 without traffic. Capped at 100,000 (nullopt above).
 */
std::optional<int> agentsNeeded(double arrivalsPerHour, double ahtSeconds, double targetSeconds,
                                double target);

/**
 * @brief Estimated wait of the caller at @p position (1 = next) in seconds: the time until
 * @p position agents have become free. Ready agents take the first positions at once;
 * each of the @p busy agents serving the queue frees up after ahtSeconds / busy on average
 * (exact in expectation for exponential handle times). nullopt when nobody serves the
 * queue (no ready and no busy agent): the wait is unbounded.
 */
std::optional<double> estimatedWaitSeconds(int position, int ready, int busy, double ahtSeconds);

} // namespace acdesk::engine
