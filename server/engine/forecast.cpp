#include "forecast.h"

#include <cmath>

namespace acdesk::engine {

double erlangC(int agents, double a)
{
    if (a <= 0)
        return 0;
    if (agents <= 0 || double(agents) <= a)
        return 1;
    // Erlang B by recursion B(0) = 1, B(n) = a B(n-1) / (n + a B(n-1)); then
    // C = N B / (N - a (1 - B)).
    double b = 1;
    for (int n = 1; n <= agents; ++n)
        b = a * b / (double(n) + a * b);
    const double n = agents;
    return n * b / (n - a * (1 - b));
}

double erlangServiceLevel(int agents, double a, double ahtSeconds, double targetSeconds)
{
    if (a <= 0)
        return 1;
    if (double(agents) <= a || ahtSeconds <= 0)
        return 0;
    return 1 - erlangC(agents, a) * std::exp(-(double(agents) - a) * targetSeconds / ahtSeconds);
}

std::optional<int> agentsNeeded(double arrivalsPerHour, double ahtSeconds, double targetSeconds,
                                double target)
{
    if (arrivalsPerHour <= 0 || ahtSeconds <= 0)
        return 0;
    const double a = arrivalsPerHour * ahtSeconds / 3600.0;
    for (int n = std::max(1, int(std::floor(a)) + 1); n <= 100000; ++n)
        if (erlangServiceLevel(n, a, ahtSeconds, targetSeconds) >= target)
            return n;
    return std::nullopt;
}

std::optional<double> estimatedWaitSeconds(int position, int ready, int busy, double ahtSeconds)
{
    if (position <= ready)
        return 0.0;
    if (busy <= 0)
        return std::nullopt;
    return double(position - ready) * ahtSeconds / double(busy);
}

} // namespace acdesk::engine
