#pragma once

// Step 3 of decoding a client frame: typed requests, one struct per request type.
// Each has `Type`, `fromJson()` (parameters only: envelope fields are ignored, unknown
// fields are ignored) and `toJson()` (includes "type"; the sender adds id and key).

#include "envelope.h"
#include "values.h"

#include <QByteArray>
#include <QDate>

namespace acdesk::proto {

/** @brief Deepest nesting accepted inside `gw.arrive` `data` (the object itself is depth 1). */
inline constexpr int MaxDataDepth = 16;

/** @brief True when digits matches ^[0-9*#]{1,64}$. */
bool isValidDtmf(QStringView digits);

/** @brief login {role, user, secret, station?}. */
struct LoginRequest
{
    static constexpr const char *Type = "login";
    Role role = Role::Agent;
    QString user;
    QString secret;
    QString station; ///< Empty when absent.
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<LoginRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const LoginRequest &o) const;
    bool operator!=(const LoginRequest &o) const { return !(*this == o); }
};

/** @brief resume {token}. */
struct ResumeRequest
{
    static constexpr const char *Type = "resume";
    QString token;
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<ResumeRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const ResumeRequest &o) const { return token == o.token; }
    bool operator!=(const ResumeRequest &o) const { return !(*this == o); }
};

/** @brief A request without parameters (logout, stats.unsubscribe). */
template<typename Tag>
struct EmptyRequest
{
    static constexpr const char *Type = Tag::Type;
    /** @brief Encodes {"type"}. */
    QJsonObject toJson() const;
    /** @brief Always succeeds (extra fields are ignored). */
    static std::variant<EmptyRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const EmptyRequest &) const { return true; }
    bool operator!=(const EmptyRequest &) const { return false; }
};

/** @brief A request whose only parameter is `call` (call.accept, call.hangup, gw.answered, ...). */
template<typename Tag>
struct CallIdRequest
{
    static constexpr const char *Type = Tag::Type;
    QString call;
    /** @brief Encodes {"type","call"}. */
    QJsonObject toJson() const;
    /** @brief Decodes {"call"}. */
    static std::variant<CallIdRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const CallIdRequest &o) const { return call == o.call; }
    bool operator!=(const CallIdRequest &o) const { return !(*this == o); }
};

namespace tags {
struct Logout
{
    static constexpr const char *Type = "logout";
};
struct StatsUnsubscribe
{
    static constexpr const char *Type = "stats.unsubscribe";
};
struct WorklistList
{
    static constexpr const char *Type = "worklist.list";
};
struct AdminConfigGet
{
    static constexpr const char *Type = "admin.config.get";
};
struct CallAccept
{
    static constexpr const char *Type = "call.accept";
};
struct CallReject
{
    static constexpr const char *Type = "call.reject";
};
struct CallHangup
{
    static constexpr const char *Type = "call.hangup";
};
struct CallHold
{
    static constexpr const char *Type = "call.hold";
};
struct CallResume
{
    static constexpr const char *Type = "call.resume";
};
struct CallMute
{
    static constexpr const char *Type = "call.mute";
};
struct CallUnmute
{
    static constexpr const char *Type = "call.unmute";
};
struct GwAnswered
{
    static constexpr const char *Type = "gw.answered";
};
struct GwPosition
{
    static constexpr const char *Type = "gw.position";
};
} // namespace tags

/** @brief logout (no parameters). */
using LogoutRequest = EmptyRequest<tags::Logout>;
/** @brief stats.unsubscribe (no parameters). */
using StatsUnsubscribeRequest = EmptyRequest<tags::StatsUnsubscribe>;
/** @brief worklist.list (addition, feature "worklist"): today's abandoned callers. */
using WorklistListRequest = EmptyRequest<tags::WorklistList>;
/** @brief admin.config.get (addition, 4.7): the running configuration and its version. */
using AdminConfigGetRequest = EmptyRequest<tags::AdminConfigGet>;
/** @brief call.accept {call}. */
using CallAcceptRequest = CallIdRequest<tags::CallAccept>;
/** @brief call.reject {call}. */
using CallRejectRequest = CallIdRequest<tags::CallReject>;
/** @brief call.hangup {call}. */
using CallHangupRequest = CallIdRequest<tags::CallHangup>;
/** @brief call.hold {call}. */
using CallHoldRequest = CallIdRequest<tags::CallHold>;
/** @brief call.resume {call}. */
using CallResumeRequest = CallIdRequest<tags::CallResume>;
/** @brief call.mute {call}. */
using CallMuteRequest = CallIdRequest<tags::CallMute>;
/** @brief call.unmute {call}. */
using CallUnmuteRequest = CallIdRequest<tags::CallUnmute>;
/** @brief gw.answered {call}. */
using GwAnsweredRequest = CallIdRequest<tags::GwAnswered>;
/** @brief gw.position {call}: the call's place in its queue and estimated wait (addition). */
using GwPositionRequest = CallIdRequest<tags::GwPosition>;

/**
 * @brief agent.setState {state: ready|not_ready, reason}. `reason` is required (a non-empty
 * code) with not_ready and must be absent or null with ready; whether the code is configured
 * is the server's check (also bad_request).
 */
struct AgentSetStateRequest
{
    static constexpr const char *Type = "agent.setState";
    AgentState state = AgentState::Ready;
    QString reason; ///< Empty with ready.
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<AgentSetStateRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const AgentSetStateRequest &o) const
    {
        return state == o.state && reason == o.reason;
    }
    bool operator!=(const AgentSetStateRequest &o) const { return !(*this == o); }
};

/** @brief agent.endWrapUp {disposition?, notes?}. */
struct AgentEndWrapUpRequest
{
    static constexpr const char *Type = "agent.endWrapUp";
    QString disposition; ///< Empty when absent.
    QString notes;       ///< Empty when absent.
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<AgentEndWrapUpRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const AgentEndWrapUpRequest &o) const
    {
        return disposition == o.disposition && notes == o.notes;
    }
    bool operator!=(const AgentEndWrapUpRequest &o) const { return !(*this == o); }
};

/** @brief {call, digits} with 1-64 of 0-9 * # (call.dtmf; gw.digits, the caller's keys). */
template<typename Tag>
struct DigitsRequest
{
    static constexpr const char *Type = Tag::Type;
    QString call;
    QString digits;
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<DigitsRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const DigitsRequest &o) const { return call == o.call && digits == o.digits; }
    bool operator!=(const DigitsRequest &o) const { return !(*this == o); }
};

/**
 * @brief {call, number?}: the waiting caller is to be called back (gw.callback from the
 * gateway, supervisor.callback from a supervisor; addition 36). Empty number: the caller's.
 */
template<typename Tag>
struct CallbackRequest
{
    static constexpr const char *Type = Tag::Type;
    QString call;
    QString number;
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<CallbackRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const CallbackRequest &o) const { return call == o.call && number == o.number; }
    bool operator!=(const CallbackRequest &o) const { return !(*this == o); }
};

namespace tags {
struct GwCallback
{
    static constexpr const char *Type = "gw.callback";
};
struct SupervisorCallback
{
    static constexpr const char *Type = "supervisor.callback";
};
struct CallDtmf
{
    static constexpr const char *Type = "call.dtmf";
};
struct GwDigits
{
    static constexpr const char *Type = "gw.digits";
};
} // namespace tags

/** @brief gw.callback {call, number?}: the caller asked to be called back (addition 36). */
using GwCallbackRequest = CallbackRequest<tags::GwCallback>;
/** @brief supervisor.callback {call, number?}: converts a waiting call (addition 36). */
using SupervisorCallbackRequest = CallbackRequest<tags::SupervisorCallback>;

/** @brief call.dtmf {call, digits}. */
using CallDtmfRequest = DigitsRequest<tags::CallDtmf>;
/** @brief gw.digits {call, digits}: keys the caller pressed (protocol addition). */
using GwDigitsRequest = DigitsRequest<tags::GwDigits>;

/** @brief A request with `call` and a target `to` (call.transfer, call.consult). */
template<typename Tag>
struct TargetRequest
{
    static constexpr const char *Type = Tag::Type;
    QString call;
    TransferTarget to;
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<TargetRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const TargetRequest &o) const { return call == o.call && to == o.to; }
    bool operator!=(const TargetRequest &o) const { return !(*this == o); }
};

namespace tags {
struct CallTransfer
{
    static constexpr const char *Type = "call.transfer";
};
struct CallConsult
{
    static constexpr const char *Type = "call.consult";
};
struct CallCompleteTransfer
{
    static constexpr const char *Type = "call.completeTransfer";
};
struct CallCancelConsult
{
    static constexpr const char *Type = "call.cancelConsult";
};
struct CallConference
{
    static constexpr const char *Type = "call.conference";
};
} // namespace tags

/** @brief call.transfer {call, to}. */
using CallTransferRequest = TargetRequest<tags::CallTransfer>;
/** @brief call.consult {call, to} (addition 39): the caller on hold, the agent talks to @p to. */
using CallConsultRequest = TargetRequest<tags::CallConsult>;
/** @brief call.completeTransfer {call} (addition 39): the consulted party takes the call. */
using CallCompleteTransferRequest = CallIdRequest<tags::CallCompleteTransfer>;
/** @brief call.cancelConsult {call} (addition 39): back to the caller. */
using CallCancelConsultRequest = CallIdRequest<tags::CallCancelConsult>;
/** @brief call.conference {call} (addition 39): the three talk together. */
using CallConferenceRequest = CallIdRequest<tags::CallConference>;

/** @brief call.dial {number}. */
struct CallDialRequest
{
    static constexpr const char *Type = "call.dial";
    QString number;
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<CallDialRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const CallDialRequest &o) const { return number == o.number; }
    bool operator!=(const CallDialRequest &o) const { return !(*this == o); }
};

/** @brief stats.subscribe {queues: non-empty list of ids, or ["*"]}. */
struct StatsSubscribeRequest
{
    static constexpr const char *Type = "stats.subscribe";
    QStringList queues;
    /** @brief True for ["*"] (every queue the role may see). */
    bool allQueues() const { return queues.size() == 1 && queues.front() == QLatin1String("*"); }
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; "*" must stand alone, duplicates are refused. */
    static std::variant<StatsSubscribeRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const StatsSubscribeRequest &o) const { return queues == o.queues; }
    bool operator!=(const StatsSubscribeRequest &o) const { return !(*this == o); }
};

/**
 * @brief supervisor.setAgentState {agent, state: ready|not_ready, reason?}. Without a reason
 * the server uses "supervisor"; with ready a reason must be absent or null.
 */
struct SupervisorSetAgentStateRequest
{
    static constexpr const char *Type = "supervisor.setAgentState";
    QString agent;
    AgentState state = AgentState::Ready;
    QString reason; ///< Empty when absent.
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<SupervisorSetAgentStateRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const SupervisorSetAgentStateRequest &o) const
    {
        return agent == o.agent && state == o.state && reason == o.reason;
    }
    bool operator!=(const SupervisorSetAgentStateRequest &o) const { return !(*this == o); }
};

/**
 * @brief worklist.done {entry} (addition, feature "worklist"): claims an abandoned caller
 * for a call back; exactly one of several concurrent claims succeeds (others: conflict).
 */
struct WorklistDoneRequest
{
    static constexpr const char *Type = "worklist.done";
    QString entry;
    QJsonObject toJson() const;
    static std::variant<WorklistDoneRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const WorklistDoneRequest &o) const { return entry == o.entry; }
    bool operator!=(const WorklistDoneRequest &o) const { return !(*this == o); }
};

/**
 * @brief report.get {from, to (YYYY-MM-DD, local days), hourly?} (addition, feature "reports",
 * supervisors): rows computed from the stored call records.
 */
struct ReportGetRequest
{
    static constexpr const char *Type = "report.get";
    QDate from;
    QDate to;
    bool hourly = false;
    QJsonObject toJson() const;
    static std::variant<ReportGetRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const ReportGetRequest &o) const
    {
        return from == o.from && to == o.to && hourly == o.hourly;
    }
    bool operator!=(const ReportGetRequest &o) const { return !(*this == o); }
};

/**
 * @brief audit.list {from, to, action?, actor?, target?, limit?} (protocol addition, 7.1):
 * entries of the audit log between two local days, newest first, filtered by exact values.
 */
struct AuditListRequest
{
    static constexpr const char *Type = "audit.list";
    QDate from;
    QDate to;
    QString action; ///< empty: any
    QString actor;
    QString target;
    int limit = 1000; ///< 1..10000
    QJsonObject toJson() const;
    static std::variant<AuditListRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const AuditListRequest &o) const
    {
        return from == o.from && to == o.to && action == o.action && actor == o.actor &&
               target == o.target && limit == o.limit;
    }
    bool operator!=(const AuditListRequest &o) const { return !(*this == o); }
};

/** @brief supervisor.logoutAgent {agent}. */
struct SupervisorLogoutAgentRequest
{
    static constexpr const char *Type = "supervisor.logoutAgent";
    QString agent;
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<SupervisorLogoutAgentRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const SupervisorLogoutAgentRequest &o) const { return agent == o.agent; }
    bool operator!=(const SupervisorLogoutAgentRequest &o) const { return !(*this == o); }
};

/** @brief broadcast {text: 1..1000 chars, severity (default info)}. */
struct BroadcastRequest
{
    static constexpr const char *Type = "broadcast";
    QString text;
    Severity severity = Severity::Info;
    /** @brief Encodes the request, "type" included (severity always written). */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<BroadcastRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const BroadcastRequest &o) const
    {
        return text == o.text && severity == o.severity;
    }
    bool operator!=(const BroadcastRequest &o) const { return !(*this == o); }
};

/** @brief gw.arrive {call, queue XOR dialed, caller {number, name?}, priority?, data?}. */
struct GwArriveRequest
{
    static constexpr const char *Type = "gw.arrive";
    QString call;
    QString queue;  ///< Empty when `dialed` is used.
    QString dialed; ///< Empty when `queue` is used.
    Party caller;   ///< An empty name is omitted.
    std::optional<int> priority;
    QJsonObject data; ///< Omitted when empty.
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<GwArriveRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const GwArriveRequest &o) const;
    bool operator!=(const GwArriveRequest &o) const { return !(*this == o); }
};

/** @brief gw.hangup {call, side: caller|agent}. */
struct GwHangupRequest
{
    static constexpr const char *Type = "gw.hangup";
    QString call;
    HangupSide side = HangupSide::Caller;
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<GwHangupRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const GwHangupRequest &o) const { return call == o.call && side == o.side; }
    bool operator!=(const GwHangupRequest &o) const { return !(*this == o); }
};

/** @brief gw.ringFailed {call, agent, cause: busy|unreachable} (protocol addition). */
struct GwRingFailedRequest
{
    static constexpr const char *Type = "gw.ringFailed";
    QString call;
    QString agent;
    QString cause; // "busy" or "unreachable"
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<GwRingFailedRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const GwRingFailedRequest &o) const
    {
        return call == o.call && agent == o.agent && cause == o.cause;
    }
    bool operator!=(const GwRingFailedRequest &o) const { return !(*this == o); }
};

/**
 * @brief admin.setPassword {role?, user, password} (protocol addition, 4.6): sets any
 * account's password; needs a supervisor with the admin flag. Without role, the one account
 * with that id.
 */
struct AdminSetPasswordRequest
{
    static constexpr const char *Type = "admin.setPassword";
    std::optional<Role> role;
    QString user;
    QString password;
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<AdminSetPasswordRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const AdminSetPasswordRequest &o) const
    {
        return role == o.role && user == o.user && password == o.password;
    }
    bool operator!=(const AdminSetPasswordRequest &o) const { return !(*this == o); }
};

/**
 * @brief admin.config.put {version, config} (addition, 4.7): a whole configuration in the
 * file's schema, applied live when @p version is the running one.
 */
struct AdminConfigPutRequest
{
    static constexpr const char *Type = "admin.config.put";
    QString version;
    QJsonObject config;
    QJsonObject toJson() const;
    static std::variant<AdminConfigPutRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const AdminConfigPutRequest &o) const
    {
        return version == o.version && config == o.config;
    }
    bool operator!=(const AdminConfigPutRequest &o) const { return !(*this == o); }
};

/** @brief account.setPassword {oldPassword, password}: one's own (protocol addition, 4.6). */
struct AccountSetPasswordRequest
{
    static constexpr const char *Type = "account.setPassword";
    QString oldPassword;
    QString password;
    /** @brief Encodes the request, "type" included. */
    QJsonObject toJson() const;
    /** @brief Decodes the parameters; bad_request naming the field on failure. */
    static std::variant<AccountSetPasswordRequest, DecodeError> fromJson(const QJsonObject &o);
    bool operator==(const AccountSetPasswordRequest &o) const
    {
        return oldPassword == o.oldPassword && password == o.password;
    }
    bool operator!=(const AccountSetPasswordRequest &o) const { return !(*this == o); }
};

/** @brief Any request of the contract. */
using Request = std::variant<
    LoginRequest, ResumeRequest, LogoutRequest, AgentSetStateRequest, AgentEndWrapUpRequest,
    CallAcceptRequest, CallRejectRequest, CallHangupRequest, CallHoldRequest, CallResumeRequest,
    CallMuteRequest, CallUnmuteRequest, CallDtmfRequest, CallTransferRequest, CallDialRequest,
    StatsSubscribeRequest, StatsUnsubscribeRequest, SupervisorSetAgentStateRequest,
    SupervisorLogoutAgentRequest, BroadcastRequest, GwArriveRequest, GwAnsweredRequest,
    GwHangupRequest, GwRingFailedRequest, GwDigitsRequest, GwPositionRequest, GwCallbackRequest,
    SupervisorCallbackRequest, WorklistListRequest, WorklistDoneRequest, ReportGetRequest,
    AdminSetPasswordRequest, AccountSetPasswordRequest, AuditListRequest, AdminConfigGetRequest,
    AdminConfigPutRequest, CallConsultRequest, CallCompleteTransferRequest,
    CallCancelConsultRequest, CallConferenceRequest>;

/**
 * @brief Step 3: decodes the parameters of an envelope into a typed request. unknown_type for
 * a type outside the contract, bad_request naming the field otherwise; errors carry the id.
 */
std::variant<Request, DecodeError> decodeRequest(const Envelope &envelope);
/** @brief Steps 1 and 3 in one (tests, tools): frame → envelope → typed request. */
std::variant<Request, DecodeError> decodeRequest(QByteArrayView utf8);
/** @brief The `type` of a request. */
QString requestType(const Request &request);
/** @brief Encodes a request ("type" included). */
QJsonObject toJson(const Request &request);
/** @brief Encodes a request as a compact frame, adding `id` (when defined) and `key` (when
 * non-empty). */
QByteArray encodeRequest(const Request &request, const QJsonValue &id = QJsonValue::Undefined,
                         const QString &key = QString());
/** @brief Printable form (compact JSON) for QCOMPARE and logging. */
QDebug operator<<(QDebug dbg, const Request &request);

} // namespace acdesk::proto
