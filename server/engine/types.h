#pragma once

// Plain value types of the ACD engine: configuration (contract section 7), commands'
// results, the call object (section 4), statistics (section 5), call records and events.
// Times are ms since the Unix epoch (UTC); a time of 0 means "not set".

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include "schedule.h"
#include "screenpop.h"

#include <optional>
#include <variant>
#include <vector>

namespace acdesk::engine {

/** @brief Routing strategy of a queue; names as in the contract ("longest_idle", ...). */
enum class Strategy {
    LongestIdle,
    RoundRobin,
    RingAll,
    FewestCalls,
    LeastTalkTime,
    Skills,
    Linear,
    Random
};
/** @brief Contract name of a strategy. */
QString strategyName(Strategy s);
/** @brief Strategy for a contract name; nullopt for an unknown name (config loader rejects it). */
std::optional<Strategy> strategyFromName(const QString &name);

/** @brief Agent state of the contract. */
enum class AgentState { LoggedOut, NotReady, Ready, Ringing, OnCall, WrapUp };
/** @brief Contract name of an agent state ("logged_out", "not_ready", ...). */
QString agentStateName(AgentState s);
/** @brief Agent state for a contract name. */
std::optional<AgentState> agentStateFromName(const QString &name);

/** @brief Call state of the contract's call object. */
enum class CallState { Queued, Offered, Connected, Held, Ended };
/** @brief Contract name of a call state. */
QString callStateName(CallState s);

/** @brief Direction of a call. */
enum class Direction { Inbound, Outbound };
/** @brief "inbound" or "outbound". */
QString directionName(Direction d);

/**
 * @brief Why a call ended for an agent (call.ended cause) or why a leg ended (records).
 * Overflow and NoAnswer/Rejected of a direct (agent-transfer) leg appear only in records.
 */
enum class EndCause {
    None,
    AgentHangup,
    CallerHangup,
    Transferred,
    Rejected,
    NoAnswer,
    Withdrawn,
    AgentLost,
    Overflow,
    ServerRestart, // the server stopped (crash, kill) while the leg was live; set at the next start
    Closed,        // arrived while its queue was closed (records only)
    MaxWait,       // left by the queue's afterMaxWait exit (records only)
    Callback,      // a callback's queue visit ended: an agent took it to call back (records only)
    CallbackFailed // the last callback attempt reached nobody (records only; worklist)
};
/** @brief Contract name of a cause ("agent_hangup", ...; "overflow"; "" for None). */
QString endCauseName(EndCause c);
/** @brief Cause for its name. */
std::optional<EndCause> endCauseFromName(const QString &name);

/**
 * @brief What a queue does with a call that arrives while none of its eligible agents is
 * logged in. Join (default, like app_queue joinempty=yes): wait anyway. Overflow: go to
 * overflowTo at once (Join when none). Refuse: arrive() fails with InvalidState so the
 * gateway can play an announcement.
 */
enum class JoinEmpty { Join, Overflow, Refuse };
/** @brief "join", "overflow" or "refuse". */
QString joinEmptyName(JoinEmpty j);
/** @brief JoinEmpty for its name. */
std::optional<JoinEmpty> joinEmptyFromName(const QString &name);

/** @brief Error class of a command, mapped by the server to the contract's codes. */
enum class ErrorKind { None, BadRequest, NotFound, InvalidState, Conflict };
/** @brief Contract error code ("bad_request", ...; "" for None). */
QString errorKindName(ErrorKind e);

/** @brief Outcome of a command. */
struct Result
{
    /** @brief None on success. */
    ErrorKind code = ErrorKind::None;
    /** @brief English text for people when code != None. */
    QString message;
    /** @brief The call id for arrive() and dial(). */
    QString callId;
    /** @brief True on success. */
    bool ok() const { return code == ErrorKind::None; }
};

/**
 * @brief Where a call goes when its queue is closed (whenClosed) or after its maximum wait
 * (afterMaxWait): hang up after the gateway's announcement, overflow to another queue, or
 * forward to a number (a voicemail, another site).
 */
struct ExitAction
{
    enum class Kind { Hangup, Overflow, Forward };
    Kind kind = Kind::Hangup;
    /** @brief Overflow: the queue id. */
    QString queue;
    /** @brief Forward: the number. */
    QString number;
    bool operator==(const ExitAction &o) const
    {
        return kind == o.kind && queue == o.queue && number == o.number;
    }
};

/** @brief Colour thresholds passed through to clients. */
struct Thresholds
{
    int waitingAmber = 3;
    int waitingRed = 6;
    int longestWaitAmberS = 60;
    int longestWaitRedS = 120;
    double slAmber = 0.8;
    double slRed = 0.6;
};

/**
 * @brief After a call waited afterSeconds in the queue, agents up to maxPenalty may take it.
 * Before the first rule applies only penalty 0 agents may (give a rule with afterSeconds 0
 * to start wider). A queue without rules has no penalty limit; lower penalties always go
 * first (like app_queue penalty tiers / mod_callcenter tier levels).
 */
struct EscalationRule
{
    int afterSeconds = 0;
    int maxPenalty = 0;
};

/** @brief One queue (contract section 7). */
struct QueueConfig
{
    QString id;
    QString name;
    Strategy strategy = Strategy::LongestIdle;
    int slSeconds = 20;
    int shortAbandonSeconds = 5;
    int wrapUpSeconds = 15;
    int offerTimeoutSeconds = 15;
    /** @brief 0 = no limit. Without overflowTo and afterMaxWait the call keeps waiting. */
    int maxWaitSeconds = 600;
    /** @brief What maxWaitSeconds does without overflowTo; none = keep waiting. */
    std::optional<ExitAction> afterMaxWait;
    /** @brief Weekly hours and holidays; open around the clock unless limited. */
    OpeningHours hours;
    /** @brief What a call that arrives while the queue is closed does. */
    ExitAction whenClosed;
    /** @brief Virtual hold: callers may ask to be called back and keep their place. */
    struct Callback
    {
        /** @brief Offered to callers (gw.callback, the DTMF key); supervisors may always. */
        bool enabled = false;
        /** @brief The key a waiting caller presses (gw.digits). */
        QString dtmf = QStringLiteral("1");
        /** @brief Calls to the customer before the callback fails (to the worklist). */
        int attempts = 3;
        /** @brief Pause before the next attempt. */
        int retrySeconds = 300;
    } callback;
    /** @brief Handle time the estimated wait assumes before the first call of the day is
     * handled (seconds). */
    int defaultHandleSeconds = 180;
    /** @brief Empty = no overflow. */
    QString overflowTo;
    /** @brief Skill name -> minimum level. */
    QHash<QString, int> requiredSkills;
    Thresholds thresholds;
    std::vector<EscalationRule> escalation;
    JoinEmpty joinEmpty = JoinEmpty::Join;
    bool rejectSetsNotReady = true;
    /** @brief The page an agent's desk opens for the queue's calls (a hotline's wins). */
    ScreenPopConfig screenPop;
};

/** @brief Membership of an agent in a queue; penalty -1 = the agent's own penalty. */
struct QueueMembership
{
    QString queue;
    int penalty = -1;
};

/** @brief One agent (contract section 7). Order in EngineConfig::agents is the linear order. */
struct AgentConfig
{
    QString id;
    QString name;
    QList<QueueMembership> queues;
    QHash<QString, int> skills;
    int penalty = 0;
};

/** @brief A dialled number mapped to a queue. */
struct HotlineConfig
{
    QString number;
    QString name;
    QString queue;
    std::optional<int> priority;
    /** @brief The page for calls to this number; wins over the queue's. */
    ScreenPopConfig screenPop;
};

/** @brief Everything the engine needs to know. */
struct EngineConfig
{
    /** @brief IANA id; "today" rolls over at its local midnight. */
    QString timeZone = QStringLiteral("Europe/Berlin");
    QList<QueueConfig> queues;
    QList<AgentConfig> agents;
    QList<HotlineConfig> hotlines;
    /** @brief Configured not_ready reason codes; empty = any code accepted. */
    QStringList reasons;
    int graceSeconds = 60;
    /** @brief Period of the consistency watchdog in engine time; 0 = only on demand. */
    int watchdogSeconds = 60;
    /** @brief Prefix of engine-made call ids ("c-N"); make it unique per run for storage. */
    QString callIdPrefix = QStringLiteral("c-");
    /** @brief Seed of the random strategy; 0 = seeded from std::random_device. */
    quint64 randomSeed = 0;
};

/** @brief Target of a transfer or a consultation: a queue, an agent or a number. */
struct TransferTarget
{
    enum class Kind { Queue, Agent, Number };
    Kind kind = Kind::Queue;
    QString value;
};

/**
 * @brief A consultation of the call's agent with a colleague or a number while the caller
 * waits on hold (docs/engine.md): it rings, they talk, or all three talk (conference).
 */
struct Consult
{
    enum class State { Ringing, Talking, Conference };
    State state = State::Ringing;
    /** @brief As asked (a queue's consultation rings the agent the queue would choose). */
    TransferTarget target;
    /** @brief The consulted agent; empty for a number. */
    QString agent;
    /** @brief The call's agent, who consults. */
    QString by;
    qint64 sinceMs = 0;
};
/** @brief "ringing", "talking" or "conference". */
QString consultStateName(Consult::State s);

/** @brief The contract's call object. */
struct Call
{
    QString id;
    QString queue;
    Direction direction = Direction::Inbound;
    QString callerNumber;
    QString callerName;
    /** @brief Empty = hotline null. */
    QString hotlineNumber;
    QString hotlineName;
    CallState state = CallState::Queued;
    qint64 arrivedAtMs = 0;
    /** @brief Answer in the current leg; 0 = not answered (yet). */
    qint64 answeredAtMs = 0;
    /** @brief The caller's whole wait (unanswered time) since arrival, across legs. */
    qint64 waitedMs = 0;
    int priority = 0;
    bool muted = false;
    QVariantMap data;
    /** @brief Gateway id that brought the call in; empty = server's own. */
    QString origin;
    /** @brief Connected agent; empty while queued/offered. */
    QString agent;
    /** @brief Virtual hold: when the caller asked to be called back (0 = not a callback),
     * the number to call and the calls made to it so far. */
    qint64 callbackAtMs = 0;
    QString callbackNumber;
    int callbackAttempts = 0;
    /** @brief 1-based place among the queued calls of its queue; 0 when not queued. Filled
     * by Engine::call() and waitingCalls() only (computing it costs a walk of the queue). */
    int position = 0;
    /** @brief Estimated wait at that place (seconds); filled with position. */
    std::optional<double> ewtSeconds;
    /** @brief The hotline's or else the queue's screen-pop, expanded for this call. */
    std::optional<ScreenPop> screenPop;
    /** @brief The agent's consultation or conference while there is one. */
    std::optional<Consult> consult;
};

/** @brief An incoming call (gw.arrive or the simulator). */
struct Arrival
{
    /** @brief Empty = engine assigns "c-N". */
    QString id;
    QString queue;
    /** @brief Hotline number, used when queue is empty. */
    QString dialed;
    QString callerNumber;
    QString callerName;
    std::optional<int> priority;
    QVariantMap data;
    QString origin;
};

/**
 * @brief Kind of a call leg: queue legs count in queue statistics, direct and outbound ones
 * do not; a callback leg (the agent's call to a customer who asked for one) counts only in
 * its queue's callback figures.
 */
enum class LegKind { Queue, Direct, Outbound, Callback };
/** @brief "queue", "direct" or "outbound". */
QString legKindName(LegKind k);
/** @brief LegKind for its name. */
std::optional<LegKind> legKindFromName(const QString &name);

/**
 * @brief One leg of a call: its stay in one queue (or a direct transfer, or an outbound
 * call). A call transferred/overflowed from A to B has leg 1 in A and leg 2 in B.
 */
struct CallRecord
{
    QString callId;
    /** @brief 1-based leg index within the call. */
    int leg = 1;
    LegKind kind = LegKind::Queue;
    QString queue;
    Direction direction = Direction::Inbound;
    QString callerNumber;
    QString callerName;
    QString hotlineNumber;
    QString origin;
    int priority = 0;
    QString agent;
    /** @brief The call's first arrival (same for every leg). */
    qint64 arrivedAtMs = 0;
    /** @brief Arrival in this leg's queue: its wait starts here. */
    qint64 legStartMs = 0;
    qint64 offeredAtMs = 0;
    qint64 answeredAtMs = 0;
    /** @brief End of the caller's part of this leg (hang-up, transfer, overflow). */
    qint64 endedAtMs = 0;
    qint64 wrapUpEndedAtMs = 0;
    /** @brief From legStart to answer or to the end of an unanswered leg. */
    qint64 waitMs = 0;
    qint64 talkMs = 0;
    qint64 holdMs = 0;
    qint64 wrapUpMs = 0;
    EndCause cause = EndCause::None;
    QString disposition;
    QString notes;
    /** @brief "queue:ID", "agent:ID" or "number:N" when the leg ended by a transfer. */
    QString transferTo;
    /** @brief Final version: the leg will not change again. */
    bool complete = false;
    /** @brief When the caller asked to be called back (0 = not a callback), and where. */
    qint64 callbackAtMs = 0;
    QString callbackNumber;
};

/** @brief Today's summable figures of one queue; a leg contributes via legContribution(). */
struct QueueDay
{
    qint64 offered = 0;
    qint64 answered = 0;
    qint64 abandoned = 0;
    qint64 shortAbandoned = 0;
    qint64 answeredInSl = 0;
    qint64 overflowed = 0;
    qint64 transferredOut = 0;
    qint64 handled = 0;
    /** @brief Arrived while closed: not offered, no part of the service level. */
    qint64 closed = 0;
    /** @brief Left by the afterMaxWait exit: offered, and missed the service level. */
    qint64 timedOut = 0;
    /** @brief Callbacks asked for (in the visit where they were asked). */
    qint64 callbacksRequested = 0;
    /** @brief Callback legs that reached the customer, and the time from the request. */
    qint64 callbacksReached = 0;
    qint64 callbackWaitSumMs = 0;
    /** @brief Callbacks that ended unreached after their last attempt. */
    qint64 callbacksFailed = 0;
    qint64 waitAnsweredSumMs = 0;
    qint64 handleSumMs = 0;
    /** @brief A maximum: add() raises it, subtract() leaves it (waits only grow). */
    qint64 longestWaitMs = 0;

    /** @brief Adds another aggregate. */
    void add(const QueueDay &o);
    /** @brief Removes a previously added contribution (except the maximum). */
    void subtract(const QueueDay &o);
};

/**
 * @brief The single definition of how a queue leg counts in its queue's day. Used live
 * (replacing a leg's previous contribution when it changes) and by Engine::restoreDay().
 */
QueueDay legContribution(const CallRecord &leg, int slSeconds, int shortAbandonSeconds);

/** @brief Agents of a queue by state (members, whether skill-eligible or not). */
struct AgentCounts
{
    int loggedIn = 0;
    int ready = 0;
    int ringing = 0;
    int onCall = 0;
    int wrapUp = 0;
    int notReady = 0;
};

/** @brief "today" part of a queue's stats; optionals are null when the denominator is 0. */
struct QueueToday
{
    qint64 offered = 0;
    qint64 answered = 0;
    qint64 abandoned = 0;
    qint64 shortAbandoned = 0;
    qint64 answeredInSl = 0;
    qint64 overflowed = 0;
    qint64 transferredOut = 0;
    qint64 handled = 0;
    qint64 closed = 0;
    qint64 timedOut = 0;
    qint64 callbacksRequested = 0;
    qint64 callbacksReached = 0;
    qint64 callbacksFailed = 0;
    /** @brief Mean time from the request to reaching the customer. */
    std::optional<double> timeToCallbackMs;
    std::optional<double> serviceLevel;
    std::optional<double> asaMs;
    std::optional<double> ahtMs;
    std::optional<double> abandonRate;
    /** @brief answered / offered. */
    std::optional<double> reachability;
    qint64 longestWaitMs = 0;
};

/** @brief Ratios and means of a day's sums, as the contract defines them (live and reports). */
QueueToday summarize(const QueueDay &day);

/** @brief Staffing forecast of a queue (Erlang C; docs/engine.md). */
struct StaffingForecast
{
    /** @brief Queue legs that started in the last hour. */
    qint64 arrivalsLastHour = 0;
    /** @brief Today's AHT in seconds (the forecast needs one handled call). */
    double ahtSeconds = 0;
    /** @brief Fewest agents that meet thresholds.slAmber within slSeconds; nullopt = more
     * than the formula's cap. */
    std::optional<int> agentsNeeded;
};

/** @brief The contract's stats queue object. */
struct QueueStats
{
    QString id;
    QString name;
    /** @brief False while the opening hours say closed. */
    bool open = true;
    /** @brief Estimated wait of a call arriving now (seconds); nullopt = nobody serves. */
    std::optional<double> ewtSeconds;
    /** @brief nullopt until the queue has an AHT today. */
    std::optional<StaffingForecast> forecast;
    int waiting = 0;
    qint64 longestWaitMs = 0;
    AgentCounts agents;
    QueueToday today;
    int slSeconds = 20;
    Thresholds thresholds;
};

/** @brief An agent as supervisors and wallboards see it. */
struct AgentInfo
{
    QString id;
    QString name;
    AgentState state = AgentState::LoggedOut;
    /** @brief Empty outside not_ready. */
    QString reason;
    qint64 sinceMs = 0;
    QStringList queues;
    QHash<QString, int> skills;
    bool connected = false;
    qint64 answeredToday = 0;
    qint64 talkTimeTodayMs = 0;
    QString station;
    std::optional<AgentState> pendingState;
    QString pendingReason;
};

/** @brief agent.state: state change, pending change or connected change. */
struct AgentStateChanged
{
    QString agent;
    AgentState state = AgentState::LoggedOut;
    QString reason;
    qint64 sinceMs = 0;
    std::optional<AgentState> pendingState;
    QString pendingReason;
    bool connected = false;
};

/** @brief call.offer to one agent. */
struct CallOffered
{
    QString agent;
    Call call;
    qint64 timeoutMs = 0;
};

/** @brief call.update for the agents named. */
struct CallUpdated
{
    QStringList agents;
    Call call;
};

/** @brief call.ended for one agent. */
struct CallEnded
{
    QString agent;
    Call call;
    EndCause cause = EndCause::None;
};

/** @brief A queue's stats changed (coalesced per command). */
struct QueueChanged
{
    QString queue;
};

/** @brief Kinds of telephony instructions for the gateway (gw.*) or softphone. */
enum class TelephonyKind {
    Ring,
    Cancel,
    Bridge,
    Drop,
    Hold,
    Resume,
    Mute,
    Unmute,
    Transfer,
    Dial,
    Dtmf,
    Release,    // the agent's part ended, the call waits again (blind transfer to a queue/agent)
    Exit,       // the call leaves the ACD: closed or maximum wait; hang up or forward to number
    Callback,   // the caller will be called back: its line may end, the call keeps its place
    Consult,    // connect the call's agent with the consulted agent (answered) or number
    ConsultEnd, // end the consulted party's leg, ringing or answered
    Complete,   // connect the caller with the consulted party; the call's agent leaves
    Conference  // the caller, the call's agent and the consulted party hear each other
};
/** @brief Contract name without "gw." ("ring", "cancel", ...). */
QString telephonyKindName(TelephonyKind k);

/** @brief One gw.* instruction; fields unused by a kind are empty. */
struct Telephony
{
    TelephonyKind kind = TelephonyKind::Ring;
    QString call;
    QString origin;
    QString agent;
    QString station;
    QString number;
    QString digits;
    /** @brief Exit: "closed" or "max_wait" (the announcement to play). */
    QString cause;
};

/** @brief call.consultEnded to the consulting agent: the consulted party is gone. */
struct ConsultEnded
{
    QString agent;
    Call call;
    EndCause cause = EndCause::None;
};

/** @brief A leg record changed; persist it before publishing stats. */
struct RecordChanged
{
    CallRecord record;
};

/** @brief The watchdog found and repaired an inconsistency. */
struct WatchdogRepaired
{
    QString agent;
    QString call;
    QString description;
};

/** @brief Everything the engine reports. */
using Event = std::variant<AgentStateChanged, CallOffered, CallUpdated, CallEnded, QueueChanged,
                           Telephony, RecordChanged, WatchdogRepaired, ConsultEnded>;

} // namespace acdesk::engine
