#pragma once

// Server → client messages: hello, the replies ok/error, and the events (which carry
// `seq`). Each struct has toJson() ("type" and, for events with seq != 0, "seq"
// included) and fromJson(); decodeServerMessage() turns a frame into any of them.

#include "envelope.h"
#include "values.h"

#include <QByteArray>

namespace acdesk::proto {

/** @brief hello {protocol, server, time, auth} (sent on open, carries no seq). */
struct Hello
{
    static constexpr const char *Type = "hello";
    int protocol = ProtocolVersion;
    QString server;
    qint64 time = 0;
    QStringList auth{QStringLiteral("password"), QStringLiteral("token")};
    QStringList features; ///< Additions beyond the contract (protocol 9); omitted when empty.
    /** @brief Encodes the message, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the message; bad_request naming the field on failure. */
    static std::variant<Hello, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const Hello &o) const;
    bool operator!=(const Hello &o) const { return !(*this == o); }
};

/** @brief ok {re, ...result fields}. */
struct OkReply
{
    static constexpr const char *Type = "ok";
    QJsonValue re =
        QJsonValue(QJsonValue::Undefined); ///< The request's id (omitted when Undefined).
    QJsonObject fields;                    ///< Result fields beside `re` (never "type" or "re").
    /** @brief Encodes the reply, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the reply; every field but type/re goes to `fields`. */
    static std::variant<OkReply, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const OkReply &o) const { return re == o.re && fields == o.fields; }
    bool operator!=(const OkReply &o) const { return !(*this == o); }
};

/** @brief Result fields of the ok reply to login and resume: {token, role, user, name}. */
struct LoginResult
{
    QString token;
    Role role = Role::Agent;
    QString user;
    QString name;
    /** @brief The result fields, to put into OkReply::fields. */
    QJsonObject toJson() const;
    /** @brief Decodes the result fields of an ok reply. */
    static std::variant<LoginResult, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const LoginResult &o) const;
    bool operator!=(const LoginResult &o) const { return !(*this == o); }
};

/** @brief error {re?, code, message}. */
struct ErrorReply
{
    static constexpr const char *Type = "error";
    QJsonValue re = QJsonValue(QJsonValue::Undefined); ///< Omitted when Undefined.
    ErrorCode code = ErrorCode::Internal;
    QString message;
    QJsonObject details; ///< Addition (e.g. {path, reason} of a config error); omitted when empty.
    /** @brief The reply to a decoding failure (re = the id when one was read). */
    static ErrorReply from(const DecodeError &e) { return ErrorReply{e.id, e.code, e.message, {}}; }
    /** @brief Encodes the reply, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the reply; bad_request naming the field on failure. */
    static std::variant<ErrorReply, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const ErrorReply &o) const
    {
        return re == o.re && code == o.code && message == o.message && details == o.details;
    }
    bool operator!=(const ErrorReply &o) const { return !(*this == o); }
};

/**
 * @brief snapshot, one struct for every role: agent form (agent, calls, queues, reasons,
 * dispositions), supervisor/wallboard form (queues, agents, reasons, dispositions), gateway form
 * (calls). Parts that are nullopt are omitted.
 */
struct SnapshotEvent
{
    static constexpr const char *Type = "snapshot";
    quint64 seq = 0;
    std::optional<AgentInfo> agent;
    std::optional<QList<Call>> calls;
    std::optional<QList<QueueStats>> queues;
    std::optional<QList<AgentInfo>> agents;
    std::optional<QList<Reason>> reasons;
    std::optional<QList<Disposition>> dispositions;
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<SnapshotEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const SnapshotEvent &o) const;
    bool operator!=(const SnapshotEvent &o) const { return !(*this == o); }
};

/** @brief agent.state {agent, state, reason (null outside not_ready), since, pending?}. */
struct AgentStateEvent
{
    static constexpr const char *Type = "agent.state";
    quint64 seq = 0;
    QString agent;
    AgentState state = AgentState::LoggedOut;
    QString reason; ///< Empty encodes as null.
    qint64 since = 0;
    std::optional<PendingState> pending; ///< Omitted when nullopt.
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<AgentStateEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const AgentStateEvent &o) const;
    bool operator!=(const AgentStateEvent &o) const { return !(*this == o); }
};

/** @brief call.offer {call, timeoutMs}. */
struct CallOfferEvent
{
    static constexpr const char *Type = "call.offer";
    quint64 seq = 0;
    Call call;
    qint64 timeoutMs = 0;
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<CallOfferEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const CallOfferEvent &o) const
    {
        return seq == o.seq && call == o.call && timeoutMs == o.timeoutMs;
    }
    bool operator!=(const CallOfferEvent &o) const { return !(*this == o); }
};

/** @brief call.update {call}. */
struct CallUpdateEvent
{
    static constexpr const char *Type = "call.update";
    quint64 seq = 0;
    Call call;
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<CallUpdateEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const CallUpdateEvent &o) const { return seq == o.seq && call == o.call; }
    bool operator!=(const CallUpdateEvent &o) const { return !(*this == o); }
};

/** @brief An event with the call object and a cause (call.ended, call.consultEnded). */
template<typename Tag>
struct CallCauseEvent
{
    static constexpr const char *Type = Tag::Type;
    quint64 seq = 0;
    Call call;
    EndCause cause = EndCause::CallerHangup;
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<CallCauseEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const CallCauseEvent &o) const
    {
        return seq == o.seq && call == o.call && cause == o.cause;
    }
    bool operator!=(const CallCauseEvent &o) const { return !(*this == o); }
};

namespace tags {
struct CallEnded
{
    static constexpr const char *Type = "call.ended";
};
struct CallConsultEnded
{
    static constexpr const char *Type = "call.consultEnded";
};
} // namespace tags

/** @brief call.ended {call (the call object), cause}. */
using CallEndedEvent = CallCauseEvent<tags::CallEnded>;
/** @brief call.consultEnded {call, cause} (addition 39): to the consulting agent, the
 * consulted party is gone (rejected, no_answer, withdrawn, agent_hangup, agent_lost, ...). */
using CallConsultEndedEvent = CallCauseEvent<tags::CallConsultEnded>;

/** @brief stats {time, queues, agents}. */
struct StatsEvent
{
    static constexpr const char *Type = "stats";
    quint64 seq = 0;
    qint64 time = 0;
    QList<QueueStats> queues;
    QList<AgentInfo> agents;
    std::optional<QList<Call>> calls; ///< Addition for supervisors (feature "waitingCalls").
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<StatsEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const StatsEvent &o) const;
    bool operator!=(const StatsEvent &o) const { return !(*this == o); }
};

/** @brief message {text, severity, from?, time} (a supervisor's broadcast). */
struct MessageEvent
{
    static constexpr const char *Type = "message";
    quint64 seq = 0;
    QString text;
    Severity severity = Severity::Info;
    QString from; ///< Sender's id; omitted when empty.
    qint64 time = 0;
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<MessageEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const MessageEvent &o) const;
    bool operator!=(const MessageEvent &o) const { return !(*this == o); }
};

/**
 * @brief audit {time, actor, action, target, detail} (protocol addition, 7.1): one entry of
 * the audit log as it is written; to supervisors. The same object, without type and seq,
 * is an entry of the audit.list reply.
 */
struct AuditEvent
{
    static constexpr const char *Type = "audit";
    quint64 seq = 0;
    qint64 time = 0;
    QString actor;      ///< "supervisor/boss", "agent/1001", "server" (the watchdog)
    QString action;     ///< e.g. "agent.forceState", "password.reset", "watchdog.repair"
    QString target;     ///< what it was done to; omitted when empty
    QJsonObject detail; ///< before/after and the like; secrets never
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<AuditEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const AuditEvent &o) const
    {
        return seq == o.seq && time == o.time && actor == o.actor && action == o.action &&
               target == o.target && detail == o.detail;
    }
    bool operator!=(const AuditEvent &o) const { return !(*this == o); }
};

/** @brief An event with no fields but type and seq (session.replaced). */
template<typename Tag>
struct BareEvent
{
    static constexpr const char *Type = Tag::Type;
    quint64 seq = 0;
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event. */
    static std::variant<BareEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const BareEvent &o) const { return seq == o.seq; }
    bool operator!=(const BareEvent &o) const { return !(*this == o); }
};

/** @brief A gateway event carrying only `call` (gw.cancel, gw.drop, gw.hold, ...). */
template<typename Tag>
struct GwCallEvent
{
    static constexpr const char *Type = Tag::Type;
    quint64 seq = 0;
    QString call;
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<GwCallEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const GwCallEvent &o) const { return seq == o.seq && call == o.call; }
    bool operator!=(const GwCallEvent &o) const { return !(*this == o); }
};

/** @brief A gateway event carrying call, agent and station (gw.ring, gw.bridge). */
template<typename Tag>
struct GwStationEvent
{
    static constexpr const char *Type = Tag::Type;
    quint64 seq = 0;
    QString call;
    QString agent;
    QString station;
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<GwStationEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const GwStationEvent &o) const
    {
        return seq == o.seq && call == o.call && agent == o.agent && station == o.station;
    }
    bool operator!=(const GwStationEvent &o) const { return !(*this == o); }
};

/** @brief gw.transfer {call, number}. */
struct GwTransferEvent
{
    static constexpr const char *Type = "gw.transfer";
    quint64 seq = 0;
    QString call;
    QString number;
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<GwTransferEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const GwTransferEvent &o) const
    {
        return seq == o.seq && call == o.call && number == o.number;
    }
    bool operator!=(const GwTransferEvent &o) const { return !(*this == o); }
};

/**
 * @brief gw.exit {call, cause, number}: the call leaves the ACD (addition, protocol 8.3):
 * its queue is closed ("closed") or it waited its maximum ("max_wait"). With a number,
 * forward the caller there; without, play the announcement for the cause and hang up.
 */
struct GwExitEvent
{
    static constexpr const char *Type = "gw.exit";
    quint64 seq = 0;
    QString call;
    QString cause;
    QString number; ///< empty encodes as null: hang up after the announcement
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<GwExitEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const GwExitEvent &o) const
    {
        return seq == o.seq && call == o.call && cause == o.cause && number == o.number;
    }
    bool operator!=(const GwExitEvent &o) const { return !(*this == o); }
};

/** @brief gw.dial {call, agent, station, number}. */
struct GwDialEvent
{
    static constexpr const char *Type = "gw.dial";
    quint64 seq = 0;
    QString call;
    QString agent;
    QString station;
    QString number;
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<GwDialEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const GwDialEvent &o) const;
    bool operator!=(const GwDialEvent &o) const { return !(*this == o); }
};

/**
 * @brief gw.consult and gw.complete {call, agent, station, number} (addition 39): the
 * consulted party, an agent at its station or a number (the other fields null).
 */
template<typename Tag>
struct GwPartyEvent
{
    static constexpr const char *Type = Tag::Type;
    quint64 seq = 0;
    QString call;
    QString agent;
    QString station;
    QString number;
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<GwPartyEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const GwPartyEvent &o) const
    {
        return seq == o.seq && call == o.call && agent == o.agent && station == o.station &&
               number == o.number;
    }
    bool operator!=(const GwPartyEvent &o) const { return !(*this == o); }
};

/** @brief An event carrying call and digits: gw.dtmf (to the gateway), call.digits (to the agent).
 */
template<typename Tag>
struct DigitsEvent
{
    static constexpr const char *Type = Tag::Type;
    quint64 seq = 0;
    QString call;
    QString digits;
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<DigitsEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const DigitsEvent &o) const
    {
        return seq == o.seq && call == o.call && digits == o.digits;
    }
    bool operator!=(const DigitsEvent &o) const { return !(*this == o); }
};

namespace tags {
struct SessionReplaced
{
    static constexpr const char *Type = "session.replaced";
};
struct GwRing
{
    static constexpr const char *Type = "gw.ring";
};
struct GwBridge
{
    static constexpr const char *Type = "gw.bridge";
};
struct GwCancel
{
    static constexpr const char *Type = "gw.cancel";
};
struct GwDrop
{
    static constexpr const char *Type = "gw.drop";
};
struct GwHold
{
    static constexpr const char *Type = "gw.hold";
};
struct GwResume
{
    static constexpr const char *Type = "gw.resume";
};
struct GwMute
{
    static constexpr const char *Type = "gw.mute";
};
struct GwUnmute
{
    static constexpr const char *Type = "gw.unmute";
};
struct GwDtmf
{
    static constexpr const char *Type = "gw.dtmf";
};
struct GwRelease
{
    static constexpr const char *Type = "gw.release";
};
struct GwCallbackQueued
{
    static constexpr const char *Type = "gw.callbackQueued";
};
struct CallDigits
{
    static constexpr const char *Type = "call.digits";
};
struct GwConsult
{
    static constexpr const char *Type = "gw.consult";
};
struct GwComplete
{
    static constexpr const char *Type = "gw.complete";
};
struct GwConsultEnd
{
    static constexpr const char *Type = "gw.consultEnd";
};
struct GwConference
{
    static constexpr const char *Type = "gw.conference";
};
} // namespace tags

/** @brief An abandoned caller on the worklist (addition, protocol 10.1). */
struct WorklistEntry
{
    QString id; ///< call id#leg
    QString queue;
    Party caller;
    qint64 abandonedAt = 0;
    qint64 waitedMs = 0;
    bool isShort = false; ///< "short": abandoned within the queue's short-abandon time
    QString doneBy;       ///< empty: not called back yet (null on the wire)
    std::optional<qint64> doneAt;
    /** @brief Encodes the entry. */
    QJsonObject toJson() const;
    /** @brief Decodes the entry; bad_request naming the field on failure. */
    static std::variant<WorklistEntry, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const WorklistEntry &o) const;
    bool operator!=(const WorklistEntry &o) const { return !(*this == o); }
};

/** @brief worklist.update {entry}: an entry appeared or was called back (addition). */
struct WorklistUpdateEvent
{
    static constexpr const char *Type = "worklist.update";
    quint64 seq = 0;
    WorklistEntry entry;
    /** @brief Encodes the event, "type" and "seq" (when != 0) included. */
    QJsonObject toJson() const;
    /** @brief Decodes the event; bad_request naming the field on failure. */
    static std::variant<WorklistUpdateEvent, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const WorklistUpdateEvent &o) const { return seq == o.seq && entry == o.entry; }
    bool operator!=(const WorklistUpdateEvent &o) const { return !(*this == o); }
};

/** @brief session.replaced (the connection is about to be closed with 4000). */
using SessionReplacedEvent = BareEvent<tags::SessionReplaced>;
/** @brief gw.ring {call, agent, station}. */
using GwRingEvent = GwStationEvent<tags::GwRing>;
/** @brief gw.bridge {call, agent, station}. */
using GwBridgeEvent = GwStationEvent<tags::GwBridge>;
/** @brief gw.cancel {call}. */
using GwCancelEvent = GwCallEvent<tags::GwCancel>;
/** @brief gw.drop {call}. */
using GwDropEvent = GwCallEvent<tags::GwDrop>;
/** @brief gw.callbackQueued {call}: the caller will be called back; end its line (addition 36). */
using GwCallbackQueuedEvent = GwCallEvent<tags::GwCallbackQueued>;
/** @brief gw.hold {call}. */
using GwHoldEvent = GwCallEvent<tags::GwHold>;
/** @brief gw.resume {call}. */
using GwResumeEvent = GwCallEvent<tags::GwResume>;
/** @brief gw.mute {call}. */
using GwMuteEvent = GwCallEvent<tags::GwMute>;
/** @brief gw.unmute {call}. */
using GwUnmuteEvent = GwCallEvent<tags::GwUnmute>;
/** @brief gw.dtmf {call, digits}. */
using GwDtmfEvent = DigitsEvent<tags::GwDtmf>;
/** @brief gw.release {call, agent, station} (addition, docs/telephony.md). */
using GwReleaseEvent = GwStationEvent<tags::GwRelease>;
/** @brief call.digits {call, digits}: the caller's keys, to the connected agent (addition). */
using CallDigitsEvent = DigitsEvent<tags::CallDigits>;
/** @brief gw.consult (addition 39): connect the call's agent with the consulted party (an
 * agent's answered phone, or call the number); the caller stays on hold. */
using GwConsultEvent = GwPartyEvent<tags::GwConsult>;
/** @brief gw.complete (addition 39): connect the caller with the consulted party; the call's
 * agent's phone is released. */
using GwCompleteEvent = GwPartyEvent<tags::GwComplete>;
/** @brief gw.consultEnd {call} (addition 39): end the consulted party's leg, ringing or
 * answered; the caller stays as the call's state says. */
using GwConsultEndEvent = GwCallEvent<tags::GwConsultEnd>;
/** @brief gw.conference {call} (addition 39): the caller, the agent and the consulted party
 * hear each other. */
using GwConferenceEvent = GwCallEvent<tags::GwConference>;

/** @brief Any server → client message. */
using ServerMessage =
    std::variant<Hello, OkReply, ErrorReply, SnapshotEvent, AgentStateEvent, CallOfferEvent,
                 CallUpdateEvent, CallEndedEvent, StatsEvent, MessageEvent, SessionReplacedEvent,
                 GwRingEvent, GwCancelEvent, GwBridgeEvent, GwDropEvent, GwHoldEvent, GwResumeEvent,
                 GwMuteEvent, GwUnmuteEvent, GwTransferEvent, GwExitEvent, GwCallbackQueuedEvent,
                 GwDialEvent, GwDtmfEvent, AuditEvent, GwReleaseEvent, CallDigitsEvent,
                 WorklistUpdateEvent, CallConsultEndedEvent, GwConsultEvent, GwCompleteEvent,
                 GwConsultEndEvent, GwConferenceEvent>;

/** @brief Every server message type, in contract order. */
QStringList serverMessageTypes();
/**
 * @brief Decodes a server frame for a client: bad_request (not JSON, not an object, no string
 * type, a field wrong; `seq` when present must be a positive integer), unknown_type.
 */
std::variant<ServerMessage, DecodeError> decodeServerMessage(QByteArrayView utf8);
/** @brief Same on an already parsed object. */
std::variant<ServerMessage, DecodeError> decodeServerMessage(const QJsonObject &object);
/** @brief The `type` of a server message. */
QString messageType(const ServerMessage &message);
/** @brief Encodes a server message ("type", and "seq" when the event's seq != 0). */
QJsonObject toJson(const ServerMessage &message);
/** @brief Encodes a server message as one compact frame. */
QByteArray encodeServerMessage(const ServerMessage &message);

/** @brief Fan-out fast path: serializes an event without "seq" once, compactly. */
QByteArray encodeEventBody(const QJsonObject &withoutSeq);
/**
 * @brief Splices "seq":N right after the opening brace of a compact object from
 * encodeEventBody(), so one serialization serves every connection. Returns body unchanged
 * when it does not start with '{'.
 */
QByteArray withSeq(const QByteArray &body, quint64 seq);
/**
 * @brief What withSeq() puts in front of body without its leading '{': senders that write
 * the prefix and the shared body separately (one system call, no copy) use this.
 */
QByteArray seqPrefix(const QByteArray &body, quint64 seq);
/** @brief encodeEventBody + withSeq in one (events sent to a single connection). */
QByteArray encodeEvent(const QJsonObject &withoutSeq, quint64 seq);

/** @brief Printable form (compact JSON) for QCOMPARE and logging. */
QDebug operator<<(QDebug dbg, const ServerMessage &message);

} // namespace acdesk::proto
