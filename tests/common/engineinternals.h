#pragma once

// The engine's private state (server/engine/engine_p.h) for tests that must break it on
// purpose: the watchdog repairs states that no sequence of API calls produces.

#include "engine_p.h"

namespace acdesk::engine {

struct EngineInternals
{
    /** @brief Puts @p agent into @p state with a (possibly absent) call id. */
    static void corruptAgent(Engine &e, const QString &agent, AgentState state, const QString &call)
    {
        AgentRt *a = e.d->findAgent(agent);
        if (!a)
            return;
        a->state = state;
        if (state == AgentState::Ringing)
            a->offeredCall = call;
        else if (state == AgentState::OnCall)
            a->activeCall = call;
        e.d->syncReady(*a);
    }
};

} // namespace acdesk::engine
