#pragma once

// The ACD engine: agents, queues, routing, call lifecycle, statistics. Plain logic with no
// sockets, SQL, JSON or signals: commands and time go in (from an injected Clock), events
// and call-leg records come out (takeEvents()). Routing reacts to every command at once;
// timers (offer timeouts, wrap-up, max wait, escalation, grace, midnight) are processed
// by advance() and before each command, in time order, each at its exact due time.
//
// Decisions the contract leaves open (see docs/engine.md):
// - Records are per queue leg. Overflow ends leg A with cause "overflow": it counts in A's
//   offered and overflowed, not in answered/abandoned/SL; B counts a new offered call
//   whose wait starts at the overflow. Blind transfers to a queue likewise (answered and
//   handled in A). A transfer to an agent is a "direct" leg that counts in no queue; if
//   that agent does not take it, the call goes to its queue as a new queue leg.
// - Outbound calls make "outbound" legs: no queue statistics, but the agent's talk time.
// - maxWaitSeconds without overflowTo does what afterMaxWait says (hang up after the
//   announcement, or forward to a number: gw.exit); without either the caller keeps waiting.
// - Opening hours: a call for a closed queue goes by its whenClosed (overflow to another
//   queue, or gw.exit) and records a "closed" leg that counts in no service level. Calls
//   already waiting when a queue closes stay and are served.
// - Join-empty: JoinEmpty::Join (default), Overflow or Refuse; checked on arrival and on
//   transfer to a queue.
// - Penalties are tiers: the lowest-penalty ready agents are always chosen first; a call
//   may only go to agents up to its current max penalty (EscalationRule).
// - round_robin remembers the last offered agent per queue (like rrmemory) and continues
//   after it in config order within the best penalty tier; ring_all rings the whole best
//   tier; random picks uniformly in the best tier with a seedable generator.
// - Across queues, the call with the higher priority and then the earlier queue entry is
//   served first when several queues compete for a freed agent.
// - "Today" counts a leg in the day its queue wait started; agent counters count answers
//   (and talk of calls) answered today.

#include "clock.h"
#include "types.h"

#include <memory>
#include <optional>
#include <vector>

namespace acdesk::engine {

/** @brief The ACD engine; single-threaded, owned by the server. */
class Engine
{
public:
    /** @brief Builds the engine from a config; clock is not owned and must outlive it. */
    Engine(const EngineConfig &config, Clock *clock);
    /** @brief Destroys the engine. */
    ~Engine();
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    // --- agent commands ---
    /** @brief Logs in (state not_ready/login); a logged-in agent only updates station. */
    Result login(const QString &agent, const QString &station = {});
    /** @brief Logs out; refused with a ringing/connected call, ends wrap-up first. */
    Result logout(const QString &agent);
    /** @brief ready or not_ready(reason); kept as pending during call work. */
    Result setState(const QString &agent, AgentState state, const QString &reason = {});
    /** @brief Ends wrap-up early, storing disposition and notes on the leg record. */
    Result endWrapUp(const QString &agent, const QString &disposition = {},
                     const QString &notes = {});
    /** @brief Accepts the call offered to this agent; the server bridges it. */
    Result accept(const QString &agent, const QString &call);
    /** @brief Rejects an offer: the call goes back to its old position. */
    Result reject(const QString &agent, const QString &call);
    /** @brief Agent hangs up a connected call (or rejects an offered one). */
    Result hangup(const QString &agent, const QString &call);
    /** @brief Puts a connected call on hold. */
    Result hold(const QString &agent, const QString &call);
    /** @brief Takes a held call off hold. */
    Result resume(const QString &agent, const QString &call);
    /** @brief Mutes the agent's microphone on a call. */
    Result mute(const QString &agent, const QString &call);
    /** @brief Unmutes. */
    Result unmute(const QString &agent, const QString &call);
    /** @brief Sends DTMF digits (0-9*#). */
    Result dtmf(const QString &agent, const QString &call, const QString &digits);
    /** @brief Blind transfer to a queue, an agent or a number. */
    Result transfer(const QString &agent, const QString &call, const TransferTarget &to);
    /** @brief Outbound call; the agent goes on_call. Result::callId is the new call. */
    Result dial(const QString &agent, const QString &number);
    /**
     * @brief Consultation (docs/engine.md): the caller goes on hold and @p to rings (an agent
     * who is ready, or the one the queue would choose) or is called (a number). The call keeps
     * its id; the consulted agent is offered it with the caller's data and consult.by set.
     */
    Result consult(const QString &agent, const QString &call, const TransferTarget &to);
    /** @brief The consulted party (answered) takes the call over; the agent's leg ends with
     * cause transferred, the consulted agent's leg is a direct one. */
    Result completeTransfer(const QString &agent, const QString &call);
    /** @brief Ends the consultation, ringing or answered (or drops the third party of a
     * conference); the agent is back with the caller. */
    Result cancelConsult(const QString &agent, const QString &call);
    /** @brief The caller, the agent and the consulted party (answered) talk together. */
    Result conference(const QString &agent, const QString &call);

    // --- supervisor commands ---
    /** @brief Like setState, with reason "supervisor" when none is given. */
    Result forceState(const QString &agent, AgentState state, const QString &reason = {});
    /** @brief Logs an agent out; an offer is withdrawn first; refused with a connected call. */
    Result forceLogout(const QString &agent);

    // --- telephony / session input ---
    /** @brief A call arrives; Result::callId is its id (given or "c-N"). */
    Result arrive(const Arrival &arrival);
    /** @brief The caller hung up (queued, offered or connected). */
    Result callerHangup(const QString &call);
    /** @brief The consulted party's line ended (gw.hangup side "consult"). */
    Result consultGone(const QString &call);
    /** @brief The offered agent's desk phone picked up (gw.answered); agent optional. */
    Result phoneAnswered(const QString &call, const QString &agent = {});
    /**
     * @brief Ringing the agent's phone for an offer failed (gw.ringFailed): a busy phone
     * rejects the offer like call.reject; an unreachable one also puts the agent
     * not_ready with reason "phone_unreachable", so calls do not bounce off a dead phone.
     */
    Result ringFailed(const QString &agent, const QString &call, bool unreachable);
    /**
     * @brief Virtual hold: the waiting caller of @p call will be called back at @p number
     * (empty: the caller's number) instead of waiting on the line. The call keeps its place
     * and waiting time; the gateway is told it may end the caller's line (Telephony
     * Callback). On accept the agent's call to the customer starts (Telephony Dial);
     * phoneAnswered() says the customer answered; callerHangup() before that is an attempt
     * that reached nobody. InvalidState unless the call waits in a queue that offers
     * callbacks (@p anyQueue: a supervisor converts a call in any queue).
     */
    Result requestCallback(const QString &call, const QString &number, bool anyQueue = false);
    /**
     * @brief After a restart: the callbacks that were waiting (open queue legs with
     * callbackAtMs, from storage) go back in line in the order of their queue entry, ahead
     * of new calls. Call after restoreDay() and before traffic.
     */
    void restoreCallbacks(const std::vector<CallRecord> &legs);
    /** @brief No connection holds the agent any more: grace period starts. */
    Result agentDisconnected(const QString &agent);
    /** @brief A connection holds the agent again within the grace period. */
    Result agentReconnected(const QString &agent);

    // --- time ---
    /**
     * @brief Applies the queues, agents, hotlines and reasons of @p next to the running
     * engine (live administration; docs/engine.md). Matched by id; nothing that did not
     * change is touched: calls keep talking, waiting calls their place, today's figures
     * stay; strategies, thresholds and timeouts apply to the next decision. A removed
     * queue's waiting calls overflow to its overflowTo; without one that stays the change
     * is refused (InvalidState) and nothing changes. A removed agent gets no more offers (a
     * ringing one is withdrawn), is logged out at once when idle, else when its call and
     * wrap-up are over. The other fields of @p next (time zone, grace, watchdog) are
     * not applied: they need a restart.
     */
    Result reconfigure(const EngineConfig &next);
    /** @brief Processes everything due up to clock->nowMs(), in time order. */
    void advance();
    /** @brief Earliest pending deadline (ms since epoch) or -1. */
    qint64 nextDeadlineMs() const;

    // --- output ---
    /** @brief Takes the events produced since the last call. */
    std::vector<Event> takeEvents();

    // --- queries ---
    /** @brief Stats of one queue (id empty when unknown). O(members of the queue). */
    QueueStats queueStats(const QString &queue) const;
    /** @brief Stats of every queue in config order. */
    std::vector<QueueStats> allQueueStats() const;
    /** @brief Queue ids in config order. */
    QStringList queueIds() const;
    /** @brief True if the queue exists. */
    bool hasQueue(const QString &queue) const;
    /** @brief True if the agent exists. */
    bool hasAgent(const QString &agent) const;
    /** @brief One agent (id empty when unknown). */
    AgentInfo agent(const QString &id) const;
    /** @brief Every agent in config order. */
    std::vector<AgentInfo> agents() const;
    /** @brief One live call. */
    std::optional<Call> call(const QString &id) const;
    /** @brief One live call with its place in the queue and estimated wait (a walk of the
     * queue: for gateways that ask, not for every event). */
    std::optional<Call> callWithPlace(const QString &id) const;
    /** @brief Every live call (order unspecified). */
    std::vector<Call> calls() const;
    /** @brief Calls offered to or connected with an agent. */
    std::vector<Call> callsOfAgent(const QString &agent) const;
    /** @brief Unanswered calls of a queue (queued first in queue order, then offered). */
    std::vector<Call> waitingCalls(const QString &queue) const;
    /** @brief The configuration in use. */
    const EngineConfig &config() const;
    /** @brief Start of "today" (local midnight) in ms since epoch. */
    qint64 dayStartMs() const;
    /** @brief Number of routing decisions (offers) made so far. */
    quint64 routingDecisions() const;

    // --- restore / maintenance ---
    /** @brief Rebuilds today's statistics from stored leg records (call before traffic). */
    void restoreDay(const std::vector<CallRecord> &records);
    /** @brief Checks agents and calls, repairs inconsistencies; returns repairs made. */
    int runWatchdog();

private:
    // Tests that break the state on purpose (the watchdog's repairs cannot be provoked
    // through the API) reach it through tests/common/engineinternals.h.
    friend struct EngineInternals;
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace acdesk::engine
