// Engine benchmark: routing decisions per second and the cost of a statistics snapshot
// with 1,000 agents, 100 queues and skills, next to a naive peer that rescans every queue
// and every agent on each tick (like mod_callcenter's 100 ms loop). Not part of CTest.
//
//   acdesk_bench_engine [decisions=200000] [agents=1000] [queues=100]
//
// Agents and queues grow together in scripts/bench-engine-scale.sh (1k/100 to 10k/1,000)
// to show how the cost of a decision grows with the size of the floor.

#include "engine.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>
#include <deque>
#include <random>
#include <vector>

using namespace acdesk::engine;

namespace {

int g_queues = 100; // set once from the command line, before anything else runs
int g_agents = 1000;
constexpr int kQueuesPerAgent = 3;
const char *const kSkills[] = {"german", "english", "french", "billing", "tech"};

EngineConfig benchConfig()
{
    std::mt19937 rng(1);
    EngineConfig cfg;
    cfg.watchdogSeconds = 0;
    cfg.randomSeed = 1;
    const Strategy strategies[] = {
        Strategy::LongestIdle, Strategy::RoundRobin, Strategy::FewestCalls, Strategy::LeastTalkTime,
        Strategy::Skills,      Strategy::Linear,     Strategy::Random};
    for (int q = 0; q < g_queues; ++q) {
        QueueConfig qc;
        qc.id = QStringLiteral("q%1").arg(q);
        qc.name = qc.id;
        qc.strategy = strategies[q % 7];
        qc.wrapUpSeconds = 0;
        qc.requiredSkills.insert(QString::fromLatin1(kSkills[q % 5]), 1);
        cfg.queues.append(qc);
    }
    for (int a = 0; a < g_agents; ++a) {
        AgentConfig ac;
        ac.id = QStringLiteral("a%1").arg(a);
        ac.name = ac.id;
        for (int i = 0; i < kQueuesPerAgent; ++i)
            ac.queues.append({QStringLiteral("q%1").arg((a + i * 37) % g_queues), int(rng() % 3)});
        for (const char *s : kSkills)
            ac.skills.insert(QString::fromLatin1(s), 1 + int(rng() % 5));
        cfg.agents.append(ac);
    }
    return cfg;
}

struct EngineFigures
{
    double pureDecisionsPerSecond = 0;
    double decisionsPerSecond = 0;
    double commandsPerSecond = 0;
    double snapshotUs = 0;
    double agentsSnapshotUs = 0;
};

EngineFigures benchEngine(int decisionsWanted)
{
    const EngineConfig cfg = benchConfig();
    ManualClock clock(1'795'000'000'000);
    Engine engine(cfg, &clock);
    std::mt19937 rng(2);
    for (const AgentConfig &a : cfg.agents)
        engine.login(a.id);
    // A backlog in every queue so that each freed agent triggers one routing decision.
    auto arriveSome = [&](int n) {
        for (int i = 0; i < n; ++i) {
            Arrival arr;
            arr.queue = cfg.queues.at(int(rng() % g_queues)).id;
            engine.arrive(arr);
            engine.takeEvents();
        }
    };
    arriveSome(20 * g_queues);
    engine.takeEvents();

    EngineFigures f;
    // Phase 1: only the routing step. An agent turns ready (one command) and is offered
    // the best waiting call of its queues; outside the timed part the offer is withdrawn
    // (forced logout puts the call back at its position) and the agent logged in again.
    {
        qint64 ns = 0;
        quint64 decided = 0;
        QElapsedTimer t;
        while (decided < quint64(decisionsWanted)) {
            const quint64 d0 = engine.routingDecisions();
            t.start();
            for (const AgentConfig &a : cfg.agents) {
                engine.setState(a.id, AgentState::Ready);
                engine.takeEvents();
            }
            ns += t.nsecsElapsed();
            decided += engine.routingDecisions() - d0;
            for (const AgentConfig &a : cfg.agents) {
                engine.forceLogout(a.id);
                engine.login(a.id);
            }
            engine.takeEvents();
        }
        f.pureDecisionsPerSecond = double(decided) / (double(ns) / 1e9);
    }
    const quint64 before = engine.routingDecisions();
    quint64 commands = 0;
    QElapsedTimer timer;
    timer.start();
    for (const AgentConfig &a : cfg.agents) {
        engine.setState(a.id, AgentState::Ready);
        engine.takeEvents();
        ++commands;
    }
    while (engine.routingDecisions() - before < quint64(decisionsWanted)) {
        for (const AgentConfig &a : cfg.agents) {
            const std::vector<Call> calls = engine.callsOfAgent(a.id);
            if (calls.empty())
                continue;
            clock.advance(1);
            engine.accept(a.id, calls.front().id);
            engine.hangup(a.id, calls.front().id); // wrap 0: ready -> next offer at once
            commands += 2;
            engine.takeEvents(); // the server drains after every command
        }
        arriveSome(g_agents);
        commands += g_agents;
        engine.takeEvents();
    }
    const double s = double(timer.nsecsElapsed()) / 1e9;
    f.decisionsPerSecond = double(engine.routingDecisions() - before) / s;
    f.commandsPerSecond = double(commands) / s;

    // snapshot with calls waiting and agents in every state
    const int rounds = 2000;
    timer.restart();
    std::size_t sink = 0;
    for (int i = 0; i < rounds; ++i)
        sink += engine.allQueueStats().size();
    f.snapshotUs = double(timer.nsecsElapsed()) / 1e3 / rounds;
    timer.restart();
    for (int i = 0; i < rounds / 10; ++i)
        sink += engine.agents().size();
    f.agentsSnapshotUs = double(timer.nsecsElapsed()) / 1e3 / (rounds / 10);
    if (sink == 0)
        std::puts("?");
    return f;
}

// The naive peer: every tick re-evaluates every queue, scanning all agents per call.
double benchNaive(int decisionsWanted, double *idleTickUs)
{
    struct Agent
    {
        bool ready = true;
        qint64 idleSince = 0;
        int queues[kQueuesPerAgent];
        int levels[5];
        int penalty[kQueuesPerAgent];
    };
    std::mt19937 rng(1);
    std::vector<Agent> agents(g_agents);
    for (int a = 0; a < g_agents; ++a) {
        for (int i = 0; i < kQueuesPerAgent; ++i) {
            agents[std::size_t(a)].queues[i] = (a + i * 37) % g_queues;
            agents[std::size_t(a)].penalty[i] = int(rng() % 3);
        }
        for (int &l : agents[std::size_t(a)].levels)
            l = 1 + int(rng() % 5);
    }
    std::vector<std::deque<int>> waiting(g_queues);
    std::mt19937 rng2(2);
    for (int i = 0; i < 20 * g_queues; ++i)
        waiting[rng2() % g_queues].push_back(i);
    qint64 now = 0;
    int decisions = 0;
    std::vector<int> busy;
    QElapsedTimer timer;
    timer.start();
    while (decisions < decisionsWanted) {
        ++now;
        for (int q = 0; q < g_queues; ++q) {
            while (!waiting[std::size_t(q)].empty()) {
                int best = -1;
                int bestPenalty = 0;
                for (int a = 0; a < g_agents; ++a) {
                    const Agent &ag = agents[std::size_t(a)];
                    if (!ag.ready || ag.levels[q % 5] < 1)
                        continue;
                    for (int i = 0; i < kQueuesPerAgent; ++i) {
                        if (ag.queues[i] != q)
                            continue;
                        if (best < 0 || ag.penalty[i] < bestPenalty ||
                            (ag.penalty[i] == bestPenalty &&
                             ag.idleSince < agents[std::size_t(best)].idleSince)) {
                            best = a;
                            bestPenalty = ag.penalty[i];
                        }
                    }
                }
                if (best < 0)
                    break;
                waiting[std::size_t(q)].pop_front();
                agents[std::size_t(best)].ready = false;
                busy.push_back(best);
                ++decisions;
            }
        }
        // calls end, agents are free again, new calls arrive
        for (int a : busy) {
            agents[std::size_t(a)].ready = true;
            agents[std::size_t(a)].idleSince = now;
        }
        busy.clear();
        for (int i = 0; i < g_agents; ++i)
            waiting[rng2() % g_queues].push_back(i);
    }
    const double rate = double(decisions) / (double(timer.nsecsElapsed()) / 1e9);
    // The price of polling: a tick with callers waiting and every agent busy finds nothing
    // to do, yet scans every queue and agent (10 ticks per second in mod_callcenter).
    for (Agent &ag : agents)
        ag.ready = false;
    int found = 0;
    timer.restart();
    const int ticks = 200;
    for (int t = 0; t < ticks; ++t) {
        for (int q = 0; q < g_queues; ++q) {
            if (waiting[std::size_t(q)].empty())
                continue;
            for (int a = 0; a < g_agents; ++a) {
                const Agent &ag = agents[std::size_t(a)];
                for (int i = 0; i < kQueuesPerAgent; ++i)
                    found += ag.ready && ag.queues[i] == q ? 1 : 0;
            }
        }
    }
    *idleTickUs = double(timer.nsecsElapsed()) / 1e3 / ticks + (found ? 1e-9 : 0);
    return rate;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int wanted = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 200000;
    if (argc > 2)
        g_agents = qMax(kQueuesPerAgent, QString::fromLocal8Bit(argv[2]).toInt());
    if (argc > 3)
        g_queues = qMax(5, QString::fromLocal8Bit(argv[3]).toInt());
    const EngineFigures e = benchEngine(wanted);
    double idleTickUs = 0;
    const double naive = benchNaive(wanted / 4, &idleTickUs);
    std::printf("acdesk engine benchmark: %d queues, %d agents (%d queues each, 5 skills), "
                "%d decisions\n",
                g_queues, g_agents, kQueuesPerAgent, wanted);
    std::printf("%-52s %14s\n", "measure", "value");
    std::printf("%-52s %14.0f\n", "engine routing decisions/s (agent ready -> offer)",
                e.pureDecisionsPerSecond);
    std::printf("%-52s %14.0f\n", "engine calls/s (arrive+offer+accept+hangup)",
                e.decisionsPerSecond);
    std::printf("%-52s %14.0f\n", "engine commands/s (arrive, accept, hangup, ready)",
                e.commandsPerSecond);
    std::printf("%-52s %14.0f\n", "naive rescan-every-tick peer decisions/s", naive);
    std::printf("%-52s %14.1f\n", "naive idle tick, nothing to route (us)", idleTickUs);
    std::printf("%-52s %14.1f\n", "engine idle cost, nothing to route (us)", 0.0);
    std::printf("%-52s %14.1f\n", "engine / naive decisions ratio",
                e.pureDecisionsPerSecond / naive);
    std::printf("%-52s %14.1f\n", "stats snapshot, all queues (us)", e.snapshotUs);
    std::printf("%-52s %14.1f\n", "agents snapshot, all agents (us)", e.agentsSnapshotUs);
    return 0;
}
