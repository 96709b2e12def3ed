// The watchdog: finds states that contradict each other, repairs and reports them.
#include "engine_p.h"

namespace acdesk::engine {

void Engine::Impl::repaired(const AgentRt &a, const QString &call, const QString &what)
{
    events.emplace_back(WatchdogRepaired{a.cfg.id, call, what});
}

int Engine::Impl::watchdog()
{
    int n = 0;
    for (AgentRt &a : agents) {
        if (a.state == AgentState::Ringing) {
            CallRt *c = findCall(a.offeredCall);
            const bool consulted =
                c && c->consultAgent == a.idx && c->snap.consult->state == Consult::State::Ringing;
            const bool ok = consulted || (c && c->snap.state == CallState::Offered &&
                                          std::find(c->offeredTo.begin(), c->offeredTo.end(),
                                                    a.idx) != c->offeredTo.end());
            if (!ok) {
                repaired(a, a.offeredCall, QStringLiteral("ringing without an offered call"));
                cancelTimer(a.offerTimer);
                a.offeredCall.clear();
                endCallWork(a, true);
                ++n;
            }
        } else if (a.state == AgentState::OnCall) {
            CallRt *c = findCall(a.activeCall);
            const bool consulted =
                c && c->consultAgent == a.idx && c->snap.consult->state != Consult::State::Ringing;
            const bool ok =
                consulted ||
                (c && c->agent == a.idx &&
                 (c->snap.state == CallState::Connected || c->snap.state == CallState::Held));
            if (!ok) {
                repaired(a, a.activeCall, QStringLiteral("on_call without a live call"));
                a.activeCall.clear();
                endCallWork(a, false);
                ++n;
            }
        } else if (!a.offeredCall.isEmpty() || !a.activeCall.isEmpty()) {
            repaired(a, a.offeredCall + a.activeCall,
                     QStringLiteral("call reference in state ") + agentStateName(a.state));
            cancelTimer(a.offerTimer);
            a.offeredCall.clear();
            a.activeCall.clear();
            ++n;
        }
    }
    std::vector<QString> orphaned;
    for (auto &entry : calls) {
        CallRt &c = *entry.second;
        if (c.snap.state == CallState::Offered) {
            const std::vector<int> list = c.offeredTo;
            for (int ai : list) {
                if (agents[std::size_t(ai)].offeredCall != c.snap.id) {
                    c.offeredTo.erase(std::remove(c.offeredTo.begin(), c.offeredTo.end(), ai),
                                      c.offeredTo.end());
                    repaired(agents[std::size_t(ai)], c.snap.id,
                             QStringLiteral("offer without a ringing agent"));
                    ++n;
                }
            }
            if (c.offeredTo.empty() && c.leg.rec.kind == LegKind::Queue)
                insertWaiting(c);
        } else if (c.snap.state == CallState::Connected || c.snap.state == CallState::Held) {
            const bool ok = c.agent >= 0 && agents[std::size_t(c.agent)].activeCall == c.snap.id &&
                            agents[std::size_t(c.agent)].state == AgentState::OnCall;
            if (!ok)
                orphaned.push_back(c.snap.id);
        }
    }
    for (const QString &id : orphaned) {
        CallRt &c = *calls.at(id);
        // The agent lost track of it: end it for the caller, keep a complete record.
        emitTel(TelephonyKind::Drop, c);
        closeLeg(c, EndCause::AgentLost, {}, true);
        if (c.agent >= 0)
            repaired(agents[std::size_t(c.agent)], id,
                     QStringLiteral("connected call without its agent"));
        calls.erase(id);
        ++n;
    }
    return n;
}

} // namespace acdesk::engine
