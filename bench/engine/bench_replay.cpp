// `acdesk replay` speed: a day of a 50-agent office replayed with one more agent, against
// the peer of the same run: playing the live day itself through the engine (same calls,
// same engine, same machine), so the figure is a ratio that holds on a noisy box.
//
//   acdesk_bench_replay [agents] [callsPerHour] [runs]

#include "liveday.h"
#include "replay.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int agents = argc > 1 ? std::atoi(argv[1]) : 50;
    const double perHour = argc > 2 ? std::atof(argv[2]) : 640;
    const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
    std::vector<double> liveMs, replayMs;
    int calls = 0;
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer t;
        t.start();
        const auto legs =
            acdesk::test::liveDay(acdesk::test::office(agents), perHour, 240, quint64(run + 1));
        liveMs.push_back(double(t.nsecsElapsed()) / 1e6);
        t.restart();
        const auto result = acdesk::server::replay(legs, {}, acdesk::test::office(agents + 1),
                                                   acdesk::test::kDayStart, acdesk::test::kDayEnd);
        replayMs.push_back(double(t.nsecsElapsed()) / 1e6);
        calls = result.calls;
    }
    std::sort(liveMs.begin(), liveMs.end());
    std::sort(replayMs.begin(), replayMs.end());
    const double live = liveMs[liveMs.size() / 2], rep = replayMs[replayMs.size() / 2];
    std::printf("replay of a %d-agent day (%d calls) with %d agents: median %.0f ms; "
                "live day through the engine (peer): %.0f ms; ratio %.2f\n",
                agents, calls, agents + 1, rep, live, rep / live);
    return 0;
}
