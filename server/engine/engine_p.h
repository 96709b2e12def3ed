#pragma once

// The engine's private state, shared by its parts; not part of the API (engine.h is).
//   engine.cpp           the public Engine methods: each runs due timers, calls Impl,
//                        routes waiting calls and collects the events
//   engine_setup.cpp     building the state from the config, live reconfiguration, the day
//   engine_state.cpp     agents, queues, legs and timers: the changes every part makes
//   engine_routing.cpp   routing decisions, offers, connecting, wrap-up, overflow
//   engine_timers.cpp    what each timer does when it fires; midnight
//   engine_watchdog.cpp  the consistency check that repairs and reports
//   engine_commands.cpp  agent, call and gateway commands; statistics views

#include "engine.h"
#include "forecast.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <tuple>
#include <unordered_map>

namespace acdesk::engine {

constexpr int kNoLimit = std::numeric_limits<int>::max();
// The staffing forecast's arrival rate is the queue legs of the last hour.
constexpr qint64 kForecastWindowMs = 3600 * 1000;

enum class TimerKind {
    OfferTimeout,
    WrapUpEnd,
    MaxWait,
    Escalation,
    Grace,
    Midnight,
    Watchdog,
    Hours,        // a queue opens or closes; Timer::agent holds the queue index
    CallbackRetry // a callback that reached nobody goes back in line
};

struct Timer
{
    TimerKind kind = TimerKind::Midnight;
    int agent = -1;
    QString call;
};

using TimerKey = std::pair<qint64, quint64>; // due, sequence: equal times fire in order set
using ReadyKey = std::tuple<int, qint64, qint64, int>; // penalty, k1, k2, agent index

struct LegState
{
    CallRecord rec;
    QueueDay contrib;
    bool counted = false; // contributes to today's aggregate of its queue
    int queue = -1;
};

struct CallRt;

struct WaitKey
{
    int negPriority;
    quint64 seq;
    CallRt *call;
    bool operator<(const WaitKey &o) const
    {
        return std::tie(negPriority, seq) < std::tie(o.negPriority, o.seq);
    }
};

struct CallRt
{
    Call snap;
    quint64 seq = 0; // position in its queue; kept when the call goes back
    int queue = -1;  // queue of the current (queue) leg; the call's queue for direct legs
    int maxPenalty = kNoLimit;
    std::size_t nextRule = 0;
    std::vector<int> offeredTo;
    int agent = -1;
    qint64 holdStartMs = 0;
    qint64 holdMs = 0;
    qint64 waitedBeforeMs = 0;
    int legCount = 0;
    LegState leg;
    bool inWaiting = false;
    bool inUnanswered = false;
    std::optional<TimerKey> maxWaitTimer;
    std::optional<TimerKey> escalationTimer;
    // Virtual hold: the place the callback keeps (its first seq), whether its agent is
    // calling the customer now (not reached yet), and the pause before the next attempt.
    quint64 callbackSeq = 0;
    bool callbackDialing = false;
    bool callbackReached = false;
    // Asked to be called back and not reached yet: nobody is on the caller's line.
    bool waitingCallback() const { return snap.callbackAtMs > 0 && !callbackReached; }
    std::optional<TimerKey> retryTimer;
    // The agent consulted (ringing or talking; snap.consult has the rest); -1 = none or a
    // number.
    int consultAgent = -1;
};

struct Membership
{
    int queue;
    int penalty;
    qint64 score; // sum of the agent's levels of the queue's required skills
};

struct AgentRt
{
    AgentConfig cfg;
    int idx = 0;
    AgentState state = AgentState::LoggedOut;
    QString reason;
    qint64 sinceMs = 0;
    std::optional<AgentState> pendingState;
    QString pendingReason;
    bool connected = false;
    QString station;
    qint64 idleSinceMs = 0;
    qint64 answeredToday = 0;
    qint64 talkTodayMs = 0;
    QString offeredCall;
    QString activeCall;
    std::optional<TimerKey> offerTimer;
    std::optional<TimerKey> wrapTimer;
    std::optional<TimerKey> graceTimer;
    std::optional<LegState> wrapLeg;
    qint64 wrapStartMs = 0;
    std::vector<Membership> eligible; // queues whose calls it may take
    std::vector<int> memberOf;        // every queue it belongs to (agents by state)
    bool inReady = false;
    bool removed = false; // gone from the config: no offers; kept until logged out
    qint64 keyIdle = 0;   // values the ready-set keys were built from
    qint64 keyAnswered = 0;
    qint64 keyTalk = 0;
};

struct QueueRt
{
    QueueConfig cfg;
    int idx = 0;
    int overflow = -1;
    std::set<WaitKey> waiting;                       // queued, not offered
    std::set<std::pair<qint64, quint64>> unanswered; // legStart, seq: queued+offered
    std::set<ReadyKey> ready;                        // ready connected eligible agents
    std::vector<std::pair<int, int>> members;        // agent, penalty (all members)
    std::vector<int> eligibleMembers;
    QueueDay today;
    int rrLast = -1;
    bool needsRouting = false; // in toRoute
    bool statsDirty = false;
    bool removed = false; // gone from the config; its index stays valid for old legs
    bool open = true;     // the opening hours' verdict, kept current by the Hours timer
    std::optional<TimerKey> hoursTimer;
    std::deque<qint64> arrivals; // starts of its queue legs in the last hour (forecast)
};

inline Result fail(ErrorKind k, const QString &msg)
{
    Result r;
    r.code = k;
    r.message = msg;
    return r;
}

inline bool validDigits(const QString &digits)
{
    if (digits.isEmpty())
        return false;
    for (QChar c : digits) {
        if (!(c.isDigit() && c.unicode() < 128) && c != QLatin1Char('*') && c != QLatin1Char('#'))
            return false;
    }
    return true;
}

struct Engine::Impl
{
    EngineConfig config;
    Clock *clock = nullptr;
    QTimeZone tz;
    qint64 now = 0;
    qint64 dayStart = 0;
    qint64 dayEnd = 0;
    std::vector<QueueRt> queues;
    std::vector<AgentRt> agents;
    QHash<QString, int> queueIndex;
    QHash<QString, int> agentIndex;
    QHash<QString, int> hotlineIndex;
    // Legs numbered per call id and day: a gateway may reuse the id of an ended call, and
    // (call id, leg) must stay a unique record key.
    QHash<QString, int> legsToday;
    std::unordered_map<QString, std::unique_ptr<CallRt>> calls;
    std::map<TimerKey, Timer> timers;
    quint64 timerSeq = 0;
    quint64 callSeq = 0;
    quint64 nextCallNumber = 1;
    quint64 decisions = 0;
    std::vector<int> toRoute;
    std::vector<int> statsDirty;
    std::vector<Event> events;
    std::mt19937_64 rng;

    // ---------- setup ----------

    Impl(const EngineConfig &cfg, Clock *c);

    // The agent's place in its queues: every membership, and those whose required skills
    // it has (which it may be offered calls of).
    void buildMemberships(AgentRt &a);

    static void sortEscalation(QueueConfig &cfg);

    // ---------- live configuration ----------

    // Applies queues, agents, hotlines and reasons of @p next to the running state. Queues
    // and agents are matched by id; one that goes away stays in its vector (its index is
    // in legs, timers and sets) marked removed. Nothing else changes: calls keep talking,
    // waiting calls keep their place, today's figures stay.
    Result reconfigureImpl(const EngineConfig &next);

    void computeDay(qint64 t);

    // ---------- helpers ----------

    AgentRt *findAgent(const QString &id);
    CallRt *findCall(const QString &id);
    QueueRt *queueOf(const CallRt &c);

    TimerKey addTimer(qint64 due, Timer t);
    void cancelTimer(std::optional<TimerKey> &k);

    void markForRouting(int qi);
    void markStats(int qi);
    void emitQueueChanges();

    Call snapshot(const CallRt &c) const;

    void emitTel(TelephonyKind kind, const CallRt &c, const AgentRt *a = nullptr,
                 const QString &number = {}, const QString &digits = {});

    void emitAgent(const AgentRt &a);

    void setAgentState(AgentRt &a, AgentState s, const QString &reason = {});

    ReadyKey readyKey(const AgentRt &a, const Membership &m) const;

    // The ready sets hold exactly the agents that are ready and connected.
    void syncReady(AgentRt &a);

    void setIdleReady(AgentRt &a, bool keepIdle);

    // Call work (or an offer) is over: apply the pending state, otherwise ready.
    void endCallWork(AgentRt &a, bool keepIdle);

    // ---------- legs ----------

    void updateLeg(LegState &l);

    void newLeg(CallRt &c, LegKind kind, int qi);

    void scheduleEscalation(CallRt &c);

    // A new queue leg in qi; @p keepSeq (a callback's place) instead of the back of the line.
    void enterQueue(CallRt &c, int qi, quint64 keepSeq = 0);

    void insertWaiting(CallRt &c);

    void removeWaiting(CallRt &c);

    // The call leaves its queue leg's unanswered state (answered, abandoned, overflowed).
    void leaveQueue(CallRt &c);

    // Which queue an arrival/transfer really joins; -1 = refused.
    int resolveJoin(int qi);

    // ---------- routing ----------

    CallRt *firstMatchable(QueueRt &q);

    void routeWaitingCalls();

    void offerCall(CallRt &c);

    void offerTo(CallRt &c, AgentRt &a);

    // Ends one agent's offer of a call. The caller decides the agent's next state; the
    // call goes back to its queue when nobody rings any more (unless requeue is false).
    void dropOffer(CallRt &c, AgentRt &a, EndCause cause, bool requeue = true);

    void requeueCall(CallRt &c, EndCause cause);

    void withdrawAll(CallRt &c, EndCause cause);

    // The agent takes the offer: the others ringing for it stop, it is the agent's call.
    void takeOffer(CallRt &c, AgentRt &a);

    void connectCall(CallRt &c, AgentRt &a, bool bridge);

    /**
     * The one place a call's current leg ends: its wait (not answered) or its talk and
     * hold (answered), the cause and where the call went. A leg that was never answered
     * is complete at once; an answered one when its wrap-up is (startWrapUp), unless the
     * leg has no wrap-up to wait for (@p complete).
     */
    void closeLeg(CallRt &c, EndCause cause, const QString &transferTo = {}, bool complete = false);

    // Ends the agent's part of a connected call; the leg moves to the agent's wrap-up.
    void endConnected(CallRt &c, EndCause cause, const QString &transferTo = {});

    void startWrapUp(AgentRt &a, LegState leg, bool allowWrap);

    void finishWrapUp(AgentRt &a, const QString &disposition, const QString &notes, bool applyNext);

    void doLogout(AgentRt &a);

    void overflow(CallRt &c);

    // Opening hours: the queue's open flag now, and the timer for its next change.
    void scheduleHours(QueueRt &q);

    // The call leaves the ACD (closed queue, maximum wait): its leg ends with @p cause and
    // the gateway is told to hang up after the announcement or to forward; the call is gone.
    void exitCall(CallRt &c, EndCause cause, const ExitAction &action);

    // Where a call for queue @p qi goes while closed queues send it on; -1 = it exits by
    // the last closed queue's whenClosed (returned in @p exitFrom).
    int resolveOpen(int qi, int *exitFrom);

    // Virtual hold (docs/engine.md): the request, the agent's call to the customer, and an
    // attempt that reached nobody (retry later, or fail to the worklist after the last).
    Result requestCallbackImpl(const QString &id, const QString &number, bool anyQueue);
    void connectCallback(CallRt &c, AgentRt &a);
    void failCallbackAttempt(CallRt &c);

    // 1-based place of a queued call among its queue's queued calls; 0 when not queued.
    int positionOf(const CallRt &c) const;

    // Estimated wait at @p position of queue @p q (forecast.h), from today's AHT (or the
    // default) and the queue's agents now.
    std::optional<double> estimatedWait(const QueueRt &q, int position) const;

    // ---------- time ----------

    void fire(const Timer &t);

    void rollover();

    // Changes today's counters of an agent; the ready keys depend on them.
    void resetAgentDay(AgentRt &a, qint64 answered, qint64 talk);

    void runDueTimers();

    template<typename F>
    Result run(F &&f)
    {
        runDueTimers();
        Result r = f();
        routeWaitingCalls();
        emitQueueChanges();
        return r;
    }

    // ---------- watchdog ----------

    void repaired(const AgentRt &a, const QString &call, const QString &what);

    int watchdog();

    // ---------- commands ----------

    Result agentCheck(const QString &id, AgentRt *&a);

    Result agentCall(const QString &agentId, const QString &callId, AgentRt *&a, CallRt *&c);

    bool knownReason(const QString &reason) const;

    Result setStateImpl(const QString &id, AgentState s, const QString &reason);

    Result arriveImpl(const Arrival &in);

    Result callerHangupImpl(const QString &id);

    Result acceptImpl(const QString &agentId, const QString &callId, bool bridge);

    Result rejectImpl(AgentRt &a, CallRt &c);

    Result offeredCall(const QString &agentId, const QString &callId, AgentRt *&a, CallRt *&c);

    Result connectedCall(const QString &agentId, const QString &callId, AgentRt *&a, CallRt *&c);

    Result transferImpl(const QString &agentId, const QString &callId, const TransferTarget &to);

    Result dialImpl(const QString &agentId, const QString &number);

    // ---------- consultation (engine_consult.cpp) ----------

    Result consultImpl(const QString &agentId, const QString &callId, const TransferTarget &to);
    Result completeImpl(const QString &agentId, const QString &callId);
    Result cancelConsultImpl(const QString &agentId, const QString &callId);
    Result conferenceImpl(const QString &agentId, const QString &callId);
    // The agent's connected call with a consultation (InvalidState without one).
    Result consultingCall(const QString &agentId, const QString &callId, AgentRt *&a, CallRt *&c);
    // The consulted agent took the offer.
    void connectConsult(CallRt &c, AgentRt &b);
    // The consulted party takes over the call (an agent: a direct leg; a number: the call
    // leaves the ACD); the consulting agent's leg ends, transferred.
    void completeConsult(CallRt &c);
    // Ends the consulted party's part (offer or talk): it gets call.ended, the consulting
    // agent call.consultEnded. Returns the consulted agent, whose next state the caller sets.
    // @p told is the cause the consulting agent hears (None: the same).
    AgentRt *endConsult(CallRt &c, EndCause cause, EndCause told = EndCause::None);
    // endConsult, and the consulted agent goes on as after any call work.
    void finishConsult(CallRt &c, EndCause cause, EndCause told = EndCause::None);
    // call.update to the call's agent and, while it talks, the consulted agent.
    void consultUpdated(const CallRt &c);

    AgentInfo info(const AgentRt &a) const;

    QueueStats stats(const QueueRt &q) const;
};

} // namespace acdesk::engine
