// Building the state from the config, live reconfiguration and the day's bounds.
#include "engine_p.h"

namespace acdesk::engine {

Engine::Impl::Impl(const EngineConfig &cfg, Clock *c)
    : config(cfg)
    , clock(c)
{
    tz = QTimeZone(cfg.timeZone.toUtf8());
    if (!tz.isValid())
        tz = QTimeZone::utc();
    rng.seed(cfg.randomSeed ? cfg.randomSeed : std::random_device{}());
    queues.reserve(std::size_t(cfg.queues.size()));
    for (const QueueConfig &qc : cfg.queues) {
        QueueRt q;
        q.cfg = qc;
        sortEscalation(q.cfg);
        q.idx = int(queues.size());
        queueIndex.insert(qc.id, q.idx);
        queues.push_back(std::move(q));
    }
    for (QueueRt &q : queues)
        q.overflow = q.cfg.overflowTo.isEmpty() ? -1 : queueIndex.value(q.cfg.overflowTo, -1);
    for (int i = 0; i < cfg.hotlines.size(); ++i)
        hotlineIndex.insert(cfg.hotlines.at(i).number, i);
    agents.reserve(std::size_t(cfg.agents.size()));
    for (const AgentConfig &ac : cfg.agents) {
        AgentRt a;
        a.cfg = ac;
        a.idx = int(agents.size());
        agentIndex.insert(ac.id, a.idx);
        buildMemberships(a);
        agents.push_back(std::move(a));
    }
    now = clock->nowMs();
    for (QueueRt &q : queues)
        scheduleHours(q);
    computeDay(now);
    addTimer(dayEnd, {TimerKind::Midnight, -1, {}});
    if (config.watchdogSeconds > 0)
        addTimer(now + qint64(config.watchdogSeconds) * 1000, {TimerKind::Watchdog, -1, {}});
}

void Engine::Impl::buildMemberships(AgentRt &a)
{
    for (const QueueMembership &m : a.cfg.queues) {
        const int qi = queueIndex.value(m.queue, -1);
        if (qi < 0)
            continue;
        QueueRt &q = queues[std::size_t(qi)];
        const int penalty = m.penalty >= 0 ? m.penalty : a.cfg.penalty;
        q.members.emplace_back(a.idx, penalty);
        a.memberOf.push_back(qi);
        bool ok = true;
        qint64 score = 0;
        for (auto it = q.cfg.requiredSkills.cbegin(); it != q.cfg.requiredSkills.cend(); ++it) {
            const int level = a.cfg.skills.value(it.key(), -1);
            if (level < it.value()) {
                ok = false;
                break;
            }
            score += level;
        }
        if (ok) {
            a.eligible.push_back({qi, penalty, score});
            q.eligibleMembers.push_back(a.idx);
        }
    }
}

void Engine::Impl::sortEscalation(QueueConfig &cfg)
{
    std::sort(cfg.escalation.begin(), cfg.escalation.end(),
              [](const EscalationRule &a, const EscalationRule &b) {
                  return a.afterSeconds < b.afterSeconds;
              });
}

Result Engine::Impl::reconfigureImpl(const EngineConfig &next)
{
    QSet<QString> nextQueues;
    for (const QueueConfig &qc : next.queues)
        nextQueues.insert(qc.id);
    // A removed queue's waiting callers go on to its overflow queue (through removed
    // ones, as configured before): refused before anything changes when there is none.
    std::vector<std::pair<int, QString>> moves;
    for (const QueueRt &q : queues) {
        if (q.removed || nextQueues.contains(q.cfg.id) || q.unanswered.empty())
            continue;
        QString target = q.cfg.overflowTo;
        for (std::size_t hops = 0;
             !target.isEmpty() && !nextQueues.contains(target) && hops < queues.size(); ++hops) {
            const int qi = queueIndex.value(target, -1);
            target = qi < 0 ? QString() : queues[std::size_t(qi)].cfg.overflowTo;
        }
        if (target.isEmpty() || !nextQueues.contains(target))
            return fail(ErrorKind::InvalidState,
                        QStringLiteral("queue \"%1\" still has %2 waiting calls and no "
                                       "overflowTo that stays: give it one (they move "
                                       "there), or remove it when it is empty")
                            .arg(q.cfg.id)
                            .arg(q.unanswered.size()));
        moves.emplace_back(q.idx, target);
    }

    // Everyone out of the ready sets: their keys depend on strategies, penalties, skills.
    for (AgentRt &a : agents) {
        if (!a.inReady)
            continue;
        for (const Membership &m : a.eligible)
            queues[std::size_t(m.queue)].ready.erase(readyKey(a, m));
        a.inReady = false;
    }

    for (const QueueConfig &qc : next.queues) {
        int qi = queueIndex.value(qc.id, -1);
        for (std::size_t i = 0; qi < 0 && i < queues.size(); ++i)
            if (queues[i].removed && queues[i].cfg.id == qc.id)
                qi = int(i); // removed earlier, back again
        if (qi < 0) {
            QueueRt q;
            q.idx = int(queues.size());
            queues.push_back(std::move(q));
            qi = int(queues.size()) - 1;
        }
        QueueRt &q = queues[std::size_t(qi)];
        q.cfg = qc;
        sortEscalation(q.cfg);
        q.removed = false;
        queueIndex.insert(qc.id, qi);
    }
    for (QueueRt &q : queues) {
        if (!q.removed && !nextQueues.contains(q.cfg.id)) {
            q.removed = true;
            queueIndex.remove(q.cfg.id);
        }
    }
    for (QueueRt &q : queues)
        q.overflow =
            q.removed || q.cfg.overflowTo.isEmpty() ? -1 : queueIndex.value(q.cfg.overflowTo, -1);
    hotlineIndex.clear();
    for (int i = 0; i < next.hotlines.size(); ++i)
        hotlineIndex.insert(next.hotlines.at(i).number, i);

    QSet<QString> nextAgents;
    for (const AgentConfig &ac : next.agents) {
        nextAgents.insert(ac.id);
        int ai = agentIndex.value(ac.id, -1);
        if (ai < 0) {
            AgentRt a;
            a.idx = int(agents.size());
            agents.push_back(std::move(a));
            ai = int(agents.size()) - 1;
            agentIndex.insert(ac.id, ai);
        }
        agents[std::size_t(ai)].cfg = ac;
        agents[std::size_t(ai)].removed = false;
    }
    for (QueueRt &q : queues) {
        q.members.clear();
        q.eligibleMembers.clear();
    }
    for (AgentRt &a : agents) {
        a.memberOf.clear();
        a.eligible.clear();
        a.removed = !nextAgents.contains(a.cfg.id);
        if (!a.removed)
            buildMemberships(a);
    }

    for (const auto &[qi, target] : moves) {
        std::vector<CallRt *> waiting;
        for (const auto &entry : calls)
            if (entry.second->queue == qi && entry.second->inUnanswered)
                waiting.push_back(entry.second.get());
        std::sort(waiting.begin(), waiting.end(),
                  [](const CallRt *a, const CallRt *b) { return a->seq < b->seq; });
        queues[std::size_t(qi)].overflow = queueIndex.value(target);
        for (CallRt *c : waiting)
            overflow(*c);
        queues[std::size_t(qi)].overflow = -1;
    }

    // A removed agent takes no more calls: a ringing offer goes to the next agent; an
    // idle one is logged out now, one with call work when its session's grace ends.
    for (AgentRt &a : agents) {
        if (!a.removed || a.state == AgentState::LoggedOut)
            continue;
        if (a.state == AgentState::Ringing) {
            if (CallRt *c = findCall(a.offeredCall))
                dropOffer(*c, a, EndCause::Withdrawn);
            endCallWork(a, true); // logs it out
        } else if (a.activeCall.isEmpty() && a.state != AgentState::WrapUp) {
            doLogout(a);
        }
    }

    for (AgentRt &a : agents)
        syncReady(a);
    for (QueueRt &q : queues) {
        scheduleHours(q);
        if (q.removed)
            continue;
        markForRouting(q.idx);
        markStats(q.idx);
    }
    config.queues = next.queues;
    config.agents = next.agents;
    config.hotlines = next.hotlines;
    config.reasons = next.reasons;
    return {};
}

void Engine::Impl::computeDay(qint64 t)
{
    const QDate date = QDateTime::fromMSecsSinceEpoch(t, tz).date();
    dayStart = QDateTime(date, QTime(0, 0), tz).toMSecsSinceEpoch();
    dayEnd = QDateTime(date.addDays(1), QTime(0, 0), tz).toMSecsSinceEpoch();
}

} // namespace acdesk::engine
