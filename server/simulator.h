#pragma once

#include "engine/types.h"

#include <QHash>
#include <QObject>
#include <QRandomGenerator>
#include <QSet>
#include <QStringList>
#include <QTimer>

namespace acdesk::server {

class Server;
struct Config;

/**
 * @brief Simulated callers and agents for demos, training and load.
 *
 * Callers arrive as a Poisson process, wait with exponential patience and talk for a
 * log-normal time; simulated agents accept after a human-like delay, wrap up and take
 * breaks. It drives the engine through the same commands a gateway and agents use, and
 * plays the telephony side of its own calls (origin "sim").
 */
class Simulator : public QObject
{
    Q_OBJECT
public:
    /** @brief Origin of the simulator's calls. */
    static constexpr const char *Origin = "sim";

    /** @brief Adds @p count simulated agents to a config (uses configured agents first). */
    static QStringList addAgents(Config *config, int count);

    Simulator(Server *server, const QStringList &agents, quint32 seed);
    /** @brief Logs the simulated agents in and starts the arrivals. */
    void start();
    /** @brief Reacts to what the engine did (offers to simulated agents, answers, wrap-ups). */
    void onEngineEvents(const std::vector<engine::Event> &events);
    /** @brief Ids of the simulated agents. */
    QStringList agents() const { return m_agents; }

private:
    void scheduleArrival();
    void arrive();
    bool drives(const QString &agent) const;
    void later(double seconds, std::function<void()> action);
    double exponential(double mean);
    double uniform(double from, double to);

    Server *m_server;
    double m_callsPerHour;
    QStringList m_agents;
    QSet<QString> m_agentSet;
    QRandomGenerator m_rng;
    QTimer m_arrivals;
    QSet<QString> m_answered; // calls whose talk end is scheduled
    quint64 m_counter = 0;
};

} // namespace acdesk::server
