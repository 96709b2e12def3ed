#pragma once

// Value types shared by several messages of the contract: the call object, agent
// descriptions, queue statistics, reason and disposition codes.

#include "types.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QStringList>

#include <optional>
#include <variant>

namespace acdesk::proto {

/** @brief Target of a transfer or consultation: exactly one of {"queue"}, {"agent"},
 * {"number"}. */
struct TransferTarget
{
    TransferKind kind = TransferKind::Queue;
    QString value;
    /** @brief Encodes as {KIND: value}. */
    QJsonObject toJson() const { return QJsonObject{{toString(kind), value}}; }
    bool operator==(const TransferTarget &o) const { return kind == o.kind && value == o.value; }
    bool operator!=(const TransferTarget &o) const { return !(*this == o); }
};

/** @brief A phone number with an optional name (caller, hotline). Empty name encodes as null. */
struct Party
{
    QString number;
    QString name;

    /** @brief Encodes as {"number","name"}; an empty name is null, or omitted when
     * !nullNameWhenEmpty. */
    QJsonObject toJson(bool nullNameWhenEmpty = true) const;
    /** @brief Decodes {"number" (required), "name" (optional string or null)}. */
    static std::variant<Party, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const Party &o) const { return number == o.number && name == o.name; }
    bool operator!=(const Party &o) const { return !(*this == o); }
};

/** @brief The contract's call object. */
struct Call
{
    QString id;
    QString queue; ///< Empty encodes as null (e.g. an outbound call with no queue).
    Direction direction = Direction::Inbound;
    Party caller;
    std::optional<Party> hotline; ///< nullopt encodes as null.
    CallState state = CallState::Queued;
    qint64 arrivedAt = 0;             ///< ms since the epoch, UTC.
    std::optional<qint64> answeredAt; ///< nullopt encodes as null (not answered).
    qint64 waitedMs = 0;
    int priority = 0;
    bool muted = false;
    QJsonObject data;
    /** @brief Addition 36: the call is a callback (virtual hold): the number to call, when
     * the caller asked and the agents' calls so far; omitted for other calls. */
    struct Callback
    {
        QString number;
        qint64 requestedAt = 0;
        int attempts = 0;
        bool operator==(const Callback &o) const
        {
            return number == o.number && requestedAt == o.requestedAt && attempts == o.attempts;
        }
    };
    std::optional<Callback> callback;
    /** @brief Extension: 1-based place among its queue's queued calls; only in replies that
     * state it (gw.arrive, gw.position, supervisor waiting lists), omitted elsewhere. */
    std::optional<int> position;
    /** @brief Extension: estimated wait at that place in seconds; null = nobody serves. */
    std::optional<double> ewtSeconds;
    /** @brief Addition 37: the page the agent's desk opens for the call (its CRM record),
     * expanded from the hotline's or queue's template; omitted when none is configured. */
    struct ScreenPop
    {
        QString url;
        QString open; ///< "accept", "offer" (opened by the desk then) or "manual"
        bool operator==(const ScreenPop &o) const { return url == o.url && open == o.open; }
    };
    std::optional<ScreenPop> screenPop;
    /** @brief Addition 39: the agent's consultation while there is one; omitted otherwise. */
    struct Consult
    {
        QString state; ///< "ringing", "talking" or "conference"
        TransferTarget to;
        QString agent; ///< the consulted agent; empty (null) for a number
        QString by;    ///< the call's agent, who consults
        qint64 since = 0;
        bool operator==(const Consult &o) const
        {
            return state == o.state && to == o.to && agent == o.agent && by == o.by &&
                   since == o.since;
        }
    };
    std::optional<Consult> consult;

    /** @brief Encodes every field of the call object. */
    QJsonObject toJson() const;
    /** @brief Decodes a call object; bad_request naming the field on any mistake. */
    static std::variant<Call, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const Call &o) const;
    bool operator!=(const Call &o) const { return !(*this == o); }
};

/** @brief A state change kept until the agent's call work ends: {"state","reason"}. */
struct PendingState
{
    AgentState state = AgentState::NotReady;
    QString reason; ///< Empty encodes as null.

    /** @brief Encodes {"state","reason"}. */
    QJsonObject toJson() const;
    /** @brief Decodes {"state","reason"}. */
    static std::variant<PendingState, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const PendingState &o) const { return state == o.state && reason == o.reason; }
    bool operator!=(const PendingState &o) const { return !(*this == o); }
};

/**
 * @brief An agent as shown in snapshots and stats. Optional members are omitted from the JSON
 * when absent, so one type serves the agent snapshot, the supervisor list and the stats list.
 */
struct AgentInfo
{
    QString id;
    QString name;
    AgentState state = AgentState::LoggedOut;
    QString reason; ///< Empty encodes as null (always null outside not_ready).
    qint64 since = 0;
    QStringList queues;
    std::optional<QMap<QString, int>> skills;
    std::optional<bool> connected;
    std::optional<int> answeredToday;
    std::optional<PendingState> pending;

    /** @brief Encodes the agent object. */
    QJsonObject toJson() const;
    /** @brief Decodes the agent object. */
    static std::variant<AgentInfo, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const AgentInfo &o) const;
    bool operator!=(const AgentInfo &o) const { return !(*this == o); }
};

/** @brief Agent counts of a queue (`agents` in a queue's stats). */
struct QueueAgentCounts
{
    int loggedIn = 0;
    int ready = 0;
    int ringing = 0;
    int onCall = 0;
    int wrapUp = 0;
    int notReady = 0;
    bool operator==(const QueueAgentCounts &o) const;
    bool operator!=(const QueueAgentCounts &o) const { return !(*this == o); }
};

/** @brief Today's figures of a queue. Ratios and means are nullopt (JSON null) when undefined. */
struct QueueToday
{
    int offered = 0;
    int answered = 0;
    int abandoned = 0;
    int shortAbandoned = 0;
    int answeredInSl = 0;
    std::optional<double> serviceLevel;
    std::optional<double> asaMs; ///< Mean, not rounded.
    std::optional<double> ahtMs; ///< Mean, not rounded.
    std::optional<double> abandonRate;
    qint64 longestWaitMs = 0;
    std::optional<double> reachability; ///< Extension: answered / offered.
    std::optional<int> callbacks;       ///< Extension (feature "worklist"): calls back today.
    int closed = 0;             ///< Extension: arrived while the queue was closed (not offered).
    int timedOut = 0;           ///< Extension: left by the queue's afterMaxWait exit.
    int callbacksRequested = 0; ///< Addition 36: callers who asked to be called back.
    int callbacksReached = 0;   ///< Addition 36: callbacks that reached the customer.
    int callbacksFailed = 0;    ///< Addition 36: callbacks unreached after the last attempt.
    std::optional<double> timeToCallbackMs; ///< Addition 36: mean request → reached.
    bool operator==(const QueueToday &o) const;
    bool operator!=(const QueueToday &o) const { return !(*this == o); }
};

/** @brief Colour thresholds of a queue, passed on from the config (defaults of the contract). */
struct QueueThresholds
{
    int waitingAmber = 3;
    int waitingRed = 6;
    int longestWaitSecondsAmber = 60;
    int longestWaitSecondsRed = 120;
    double serviceLevelAmber = 0.8;
    double serviceLevelRed = 0.6;
    bool operator==(const QueueThresholds &o) const;
    bool operator!=(const QueueThresholds &o) const { return !(*this == o); }
};

/** @brief A queue's staffing forecast (extension; Erlang C, docs/engine.md). */
struct StaffingForecast
{
    int arrivalsLastHour = 0;
    double ahtSeconds = 0;
    std::optional<int> agentsNeeded; ///< null: beyond the formula's cap
    bool operator==(const StaffingForecast &o) const
    {
        return arrivalsLastHour == o.arrivalsLastHour && ahtSeconds == o.ahtSeconds &&
               agentsNeeded == o.agentsNeeded;
    }
    bool operator!=(const StaffingForecast &o) const { return !(*this == o); }
};

/** @brief Statistics of one queue, as in the `stats` event and snapshots. */
struct QueueStats
{
    QString id;
    QString name;
    int waiting = 0;
    qint64 longestWaitMs = 0;
    QueueAgentCounts agents;
    QueueToday today;
    int slSeconds = 20;
    QueueThresholds thresholds;
    bool open = true;                         ///< Extension: false while its hours say closed.
    std::optional<double> ewtSeconds;         ///< Extension: estimated wait of a new caller.
    std::optional<StaffingForecast> forecast; ///< Extension: null until a call was handled.

    /** @brief Encodes the queue stats object. */
    QJsonObject toJson() const;
    /** @brief Decodes the queue stats object. */
    static std::variant<QueueStats, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const QueueStats &o) const;

private:
    QJsonObject encode() const; // the contract's fields; toJson adds the extensions
    bool operator!=(const QueueStats &o) const { return !(*this == o); }
};

/** @brief A configured code with a label: not-ready reasons and dispositions. */
struct CodeLabel
{
    QString code;
    QString label;

    /** @brief Encodes {"code","label"}. */
    QJsonObject toJson() const;
    /** @brief Decodes {"code","label"}. */
    static std::variant<CodeLabel, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const CodeLabel &o) const { return code == o.code && label == o.label; }
    bool operator!=(const CodeLabel &o) const { return !(*this == o); }
};
/** @brief A not-ready reason {code,label}. */
using Reason = CodeLabel;
/** @brief A wrap-up disposition {code,label}. */
using Disposition = CodeLabel;

/** @brief Printable forms (compact JSON) so QCOMPARE shows what differs. */
QDebug operator<<(QDebug dbg, const Party &v);
QDebug operator<<(QDebug dbg, const Call &v);
QDebug operator<<(QDebug dbg, const PendingState &v);
QDebug operator<<(QDebug dbg, const AgentInfo &v);
QDebug operator<<(QDebug dbg, const QueueStats &v);
QDebug operator<<(QDebug dbg, const CodeLabel &v);

} // namespace acdesk::proto
