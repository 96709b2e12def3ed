#include "simulator.h"

#include "config.h"
#include "connection.h"
#include "engine/engine.h"
#include "server.h"

#include <QtMath>

#include <cmath>

namespace acdesk::server {

namespace {

const char *const FirstNames[] = {"Jonas",      "Mia",   "Lukas", "Hannah", "Elias", "Lea",
                                  "Noah",       "Emma",  "Paul",  "Sofia",  "Felix", "Lina",
                                  "Maximilian", "Marie", "Ben",   "Emilia", "Leon",  "Clara"};
const char *const LastNames[] = {"Müller", "Schmidt", "Schneider", "Fischer", "Weber",
                                 "Meyer",  "Wagner",  "Becker",    "Schulz",  "Hoffmann",
                                 "Koch",   "Richter", "Klein",     "Wolf",    "Neumann"};

template<typename T, size_t N>
constexpr int count(const T (&)[N])
{
    return int(N);
}

} // namespace

QStringList Simulator::addAgents(Config *config, int wanted)
{
    // Configured agents first, from the end, so that the first agent of the demo stays
    // free for a person to log in as.
    QStringList ids;
    for (qsizetype i = config->engine.agents.size() - 1; i >= 1 && ids.size() < wanted; --i)
        ids.append(config->engine.agents[i].id);
    QStringList allQueues;
    for (const engine::QueueConfig &q : config->engine.queues)
        allQueues.append(q.id);
    for (int n = 1; ids.size() < wanted; ++n) {
        engine::AgentConfig a;
        a.id = QStringLiteral("sim%1").arg(n, 3, 10, QLatin1Char('0'));
        a.name = QStringLiteral("%1 %2 (sim)")
                     .arg(QString::fromUtf8(FirstNames[n % count(FirstNames)]),
                          QString::fromUtf8(LastNames[(n * 7) % count(LastNames)]));
        for (const QString &q : allQueues)
            a.queues.append({q, -1});
        for (const engine::QueueConfig &q : config->engine.queues)
            for (auto it = q.requiredSkills.cbegin(); it != q.requiredSkills.cend(); ++it)
                a.skills[it.key()] = qMax(a.skills.value(it.key()), it.value());
        config->engine.agents.append(a);
        ids.append(a.id);
    }
    return ids;
}

Simulator::Simulator(Server *server, const QStringList &agents, quint32 seed)
    : QObject(server)
    , m_server(server)
    , m_callsPerHour(server->m_options.simulateCallsPerHour)
    , m_agents(agents)
    , m_agentSet(agents.cbegin(), agents.cend())
    , m_rng(seed ? seed : QRandomGenerator::global()->generate())
{
    m_arrivals.setSingleShot(true);
    connect(&m_arrivals, &QTimer::timeout, this, [this] {
        arrive();
        scheduleArrival();
        m_server->pump(); // deliver the arrival (and its offer) now, not at the next timer
    });
}

void Simulator::start()
{
    engine::Engine &e = m_server->engine();
    for (const QString &agent : qAsConst(m_agents)) {
        // No station: a gateway is never asked to ring a phone that does not exist.
        e.login(agent);
        e.setState(agent, engine::AgentState::Ready);
    }
    scheduleArrival();
    m_server->pump();
}

double Simulator::uniform(double from, double to)
{
    return from + m_rng.generateDouble() * (to - from);
}

double Simulator::exponential(double mean)
{
    return -mean * std::log(1.0 - m_rng.generateDouble());
}

void Simulator::later(double seconds, std::function<void()> action)
{
    QTimer::singleShot(int(qBound(0.0, seconds * 1000.0, 86400e3)), this,
                       [this, action = std::move(action)] {
                           action();
                           m_server->pump();
                       });
}

void Simulator::scheduleArrival()
{
    if (m_callsPerHour <= 0)
        return;
    m_arrivals.start(int(qMin(exponential(3600.0 / m_callsPerHour) * 1000.0, 86400e3)));
}

bool Simulator::drives(const QString &agent) const
{
    // A person who logs in as a simulated agent takes it over from the simulator.
    return m_agentSet.contains(agent) && !m_server->m_agentConnection.contains(agent);
}

void Simulator::arrive()
{
    engine::Engine &e = m_server->engine();
    const engine::EngineConfig &cfg = e.config();
    engine::Arrival a;
    a.id = QStringLiteral("sim-%1-%2").arg(m_server->m_clock->nowMs()).arg(++m_counter);
    a.origin = QString::fromLatin1(Origin);
    // Callers dial a hotline when there are some (so agents see its name), else a queue.
    if (!cfg.hotlines.isEmpty() && m_rng.bounded(4) != 0)
        a.dialed = cfg.hotlines[m_rng.bounded(int(cfg.hotlines.size()))].number;
    else
        a.queue = cfg.queues[m_rng.bounded(int(cfg.queues.size()))].id;
    a.callerNumber = QStringLiteral("+4930%1").arg(m_rng.bounded(1000000, 9999999));
    a.callerName =
        QStringLiteral("%1 %2").arg(QString::fromUtf8(FirstNames[m_rng.bounded(count(FirstNames))]),
                                    QString::fromUtf8(LastNames[m_rng.bounded(count(LastNames))]));
    a.data.insert(QStringLiteral("customer"),
                  QStringLiteral("K-%1").arg(m_rng.bounded(10000, 99999)));
    const engine::Result r = e.arrive(a);
    if (!r.ok())
        return;
    const QString call = r.callId;
    later(exponential(m_server->m_options.simPatienceSeconds), [this, call] {
        const std::optional<engine::Call> c = m_server->engine().call(call);
        if (c && (c->state == engine::CallState::Queued || c->state == engine::CallState::Offered))
            m_server->engine().callerHangup(call);
    });
}

void Simulator::onEngineEvents(const std::vector<engine::Event> &events)
{
    for (const engine::Event &ev : events) {
        if (const auto *o = std::get_if<engine::CallOffered>(&ev)) {
            if (!drives(o->agent))
                continue;
            const QString agent = o->agent;
            const QString call = o->call.id;
            later(uniform(1.5, 5.0), [this, agent, call] {
                if (drives(agent))
                    m_server->engine().accept(agent, call);
            });
        } else if (const auto *u = std::get_if<engine::CallUpdated>(&ev)) {
            const engine::Call &c = u->call;
            if (c.origin != QLatin1String(Origin) || c.state != engine::CallState::Connected ||
                m_answered.contains(c.id))
                continue;
            if (c.callbackAtMs > 0 && c.answeredAtMs == 0) {
                // A converted callback: the simulated customer picks up after a few rings.
                const QString call = c.id;
                later(uniform(3.0, 8.0), [this, call] { m_server->engine().phoneAnswered(call); });
                continue;
            }
            m_answered.insert(c.id);
            // Log-normal talk time with the configured mean (sigma 0.5), like real calls.
            const double sigma = 0.5;
            const double mu = std::log(m_server->m_options.simTalkSeconds) - sigma * sigma / 2;
            const double z = std::sqrt(-2 * std::log(1 - m_rng.generateDouble())) *
                             std::cos(2 * M_PI * m_rng.generateDouble());
            const QString call = c.id;
            const QString agent = c.agent;
            const bool callerEnds = m_rng.bounded(2) == 0;
            later(std::exp(mu + sigma * z), [this, call, agent, callerEnds] {
                m_answered.remove(call);
                const std::optional<engine::Call> now = m_server->engine().call(call);
                if (!now)
                    return;
                if (callerEnds || !drives(now->agent))
                    m_server->engine().callerHangup(call);
                else
                    m_server->engine().hangup(now->agent, call);
            });
        } else if (const auto *s = std::get_if<engine::AgentStateChanged>(&ev)) {
            if (!drives(s->agent))
                continue;
            const QString agent = s->agent;
            const engine::EngineConfig &cfg = m_server->engine().config();
            if (s->state == engine::AgentState::WrapUp && m_rng.bounded(3) != 0) {
                const QList<Label> &dispositions = m_server->config().dispositions;
                const QString disposition =
                    dispositions.isEmpty()
                        ? QString()
                        : dispositions[m_rng.bounded(int(dispositions.size()))].code;
                later(uniform(2, 8), [this, agent, disposition] {
                    if (drives(agent) &&
                        m_server->engine().agent(agent).state == engine::AgentState::WrapUp)
                        m_server->engine().endWrapUp(agent, disposition);
                });
            } else if (s->state == engine::AgentState::Ready && !s->pendingState &&
                       !cfg.reasons.isEmpty() && m_rng.bounded(20) == 0) {
                const QString reason = cfg.reasons[m_rng.bounded(int(cfg.reasons.size()))];
                later(uniform(5, 30), [this, agent, reason] {
                    if (drives(agent))
                        m_server->engine().setState(agent, engine::AgentState::NotReady, reason);
                });
            } else if (s->state == engine::AgentState::NotReady) {
                // Back from a break, or from a missed offer.
                later(uniform(20, 120), [this, agent] {
                    if (drives(agent) &&
                        m_server->engine().agent(agent).state == engine::AgentState::NotReady)
                        m_server->engine().setState(agent, engine::AgentState::Ready);
                });
            }
        }
    }
}

} // namespace acdesk::server
