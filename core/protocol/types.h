#pragma once

// Enumerations, error codes and time helpers of the Acdesk wire contract
// (shared/design/protocol.md). Header of the acdesk_protocol library.

#include <QJsonValue>
#include <QString>
#include <QStringView>

#include <optional>

class QDebug;

namespace acdesk::proto {

/** @brief Protocol version announced in `hello`. */
inline constexpr int ProtocolVersion = 1;
/** @brief Maximum length (UTF-16 units) of ids, keys and identifiers such as agent or call ids. */
inline constexpr int MaxIdLength = 128;
/** @brief Largest magnitude an integer request id may have (2^53, exact in a double). */
inline constexpr qint64 MaxIntegerId = qint64(1) << 53;

/** @brief Longest `text` of a broadcast, in UTF-16 units. */
inline constexpr int MaxBroadcastLength = 1000;
/** @brief Longest DTMF digit string. */
inline constexpr int MaxDtmfDigits = 64;
/** @brief Longest wrap-up `notes`, in UTF-16 units. */
inline constexpr int MaxNotesLength = 4000;
/** @brief Longest secret or token, in UTF-16 units. */
inline constexpr int MaxSecretLength = 1024;
/** @brief The shortest new password (admin.setPassword, account.setPassword). */
inline constexpr int MinNewPasswordLength = 8;
/** @brief Error codes of the contract, sent as `code` in an `error` reply. */
enum class ErrorCode {
    BadRequest,
    UnknownType,
    NotAuthenticated,
    AuthFailed,
    Forbidden,
    NotFound,
    InvalidState,
    Conflict,
    RateLimited,
    Internal
};
/** @brief Wire name of an error code, e.g. "bad_request". */
QString errorCodeName(ErrorCode code);
/** @brief Error code for a wire name; nullopt when unknown. */
std::optional<ErrorCode> errorCodeFromName(QStringView name);

/** @brief Role a connection logs in with. */
enum class Role { Agent, Supervisor, Wallboard, Gateway };
/** @brief Agent states. */
enum class AgentState { LoggedOut, NotReady, Ready, Ringing, OnCall, WrapUp };
/** @brief States of a call object. */
enum class CallState { Queued, Offered, Connected, Held, Ended };
/** @brief Direction of a call. */
enum class Direction { Inbound, Outbound };
/** @brief Why a call ended for an agent (`call.ended` cause). */
enum class EndCause {
    AgentHangup,
    CallerHangup,
    Transferred,
    Rejected,
    NoAnswer,
    Withdrawn,
    AgentLost
};
/** @brief Severity of a broadcast message. */
enum class Severity { Info, Warning, Alert };
/** @brief Which leg hung up (`gw.hangup` side). */
enum class HangupSide { Caller, Agent, Consult };
/** @brief Target kind of a blind transfer. */
enum class TransferKind { Queue, Agent, Number };

/** @brief Wire name of a role ("agent", ...). */
QString toString(Role v);
/** @brief Wire name of an agent state ("logged_out", ...). */
QString toString(AgentState v);
/** @brief Wire name of a call state ("queued", ...). */
QString toString(CallState v);
/** @brief Wire name of a direction ("inbound", "outbound"). */
QString toString(Direction v);
/** @brief Wire name of an end cause ("agent_hangup", ...). */
QString toString(EndCause v);
/** @brief Wire name of a severity ("info", "warning", "alert"). */
QString toString(Severity v);
/** @brief Wire name of a hangup side ("caller", "agent", "consult"). */
QString toString(HangupSide v);
/** @brief Wire name of a transfer kind ("queue", "agent", "number"). */
QString toString(TransferKind v);

/** @brief Parses a wire name into enum E; nullopt when it is not one of E's names. */
template<typename E>
std::optional<E> fromString(QStringView name);
template<>
std::optional<Role> fromString<Role>(QStringView name);
template<>
std::optional<AgentState> fromString<AgentState>(QStringView name);
template<>
std::optional<CallState> fromString<CallState>(QStringView name);
template<>
std::optional<Direction> fromString<Direction>(QStringView name);
template<>
std::optional<EndCause> fromString<EndCause>(QStringView name);
template<>
std::optional<Severity> fromString<Severity>(QStringView name);
template<>
std::optional<HangupSide> fromString<HangupSide>(QStringView name);
template<>
std::optional<TransferKind> fromString<TransferKind>(QStringView name);

/** @brief Formats ms since the epoch as ISO 8601 UTC with milliseconds
 * ("2026-11-24T09:12:03.120Z"). */
QString formatTime(qint64 msSinceEpochUtc);
/**
 * @brief Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (or a ±HH:MM offset) into ms since the epoch.
 * Fractions beyond milliseconds are truncated; nullopt on any other form.
 */
std::optional<qint64> parseTime(QStringView text);

/** @brief A decoding failure: the error to answer with, and the request id when one could be read.
 */
struct DecodeError
{
    ErrorCode code = ErrorCode::BadRequest;
    QString message;
    QJsonValue id = QJsonValue(QJsonValue::Undefined); ///< Undefined when no id could be read.

    /** @brief True when an id could be read (the error reply then carries `re`). */
    bool hasId() const { return !id.isUndefined(); }
    bool operator==(const DecodeError &o) const
    {
        return code == o.code && message == o.message && id == o.id;
    }
    bool operator!=(const DecodeError &o) const { return !(*this == o); }
};
/** @brief Printable form for QCOMPARE and logging. */
QDebug operator<<(QDebug dbg, const DecodeError &e);
/** @brief Printable form of an error code (its wire name). */
QDebug operator<<(QDebug dbg, ErrorCode c);

} // namespace acdesk::proto
