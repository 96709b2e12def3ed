#pragma once

// Step 1 of decoding a client frame: the envelope (type, id, key), and the
// permission table of the contract.

#include "types.h"

#include <QByteArrayView>
#include <QJsonObject>

#include <variant>

namespace acdesk::proto {

/** @brief A request frame whose envelope is valid: type, optional id and key, and the object. */
struct Envelope
{
    QString type;
    QJsonValue id = QJsonValue(QJsonValue::Undefined); ///< Undefined when absent.
    QString key;                                       ///< Empty when absent.
    QJsonObject body; ///< The whole request object (type, id and key included).

    /** @brief True when the request carried an id (and so gets exactly one reply). */
    bool hasId() const { return !id.isUndefined(); }
    bool operator==(const Envelope &o) const
    {
        return type == o.type && id == o.id && key == o.key && body == o.body;
    }
    bool operator!=(const Envelope &o) const { return !(*this == o); }
};
/** @brief Printable form for QCOMPARE and logging. */
QDebug operator<<(QDebug dbg, const Envelope &e);

/**
 * @brief Decodes one text frame into an envelope, or a bad_request error (with the id when it
 * could be read). Never throws; deep nesting and huge numbers give bad_request.
 */
std::variant<Envelope, DecodeError> decodeEnvelope(QByteArrayView utf8);
/** @brief Same checks on an already parsed object. */
std::variant<Envelope, DecodeError> decodeEnvelope(const QJsonObject &object);

/** @brief True for every request type of the contract (login ... gw.hangup). */
bool isKnownRequestType(QStringView type);
/** @brief Every request type of the contract, in contract order. */
QStringList knownRequestTypes();
/** @brief False only for login and resume, which are allowed before authentication. */
bool requiresAuthentication(QStringView type);
/** @brief True for the requests that change something and so may carry `key`. */
bool isMutatingRequestType(QStringView type);
/**
 * @brief The contract's permission table for a logged-in connection of the given role.
 * login/resume: false (only before login); logout: any role; agent.*, call.*: agent;
 * stats.subscribe/unsubscribe: wallboard, supervisor, agent; supervisor.*, broadcast:
 * supervisor; gw.*: gateway. Unknown types: false.
 */
bool roleMayUse(Role role, QStringView type);

} // namespace acdesk::proto
