#pragma once

// Internal to acdesk_protocol: a reader over a JSON object that records the first
// error as `field "path": what` and turns every later read into a no-op, so decoders
// read field after field and check once at the end. Not installed, not public API.

#include "servermessages.h"
#include "values.h"

#include <QJsonArray>
#include <QLatin1String>

#include <limits>
#include <utility>
#include <variant>

namespace acdesk::proto::detail {

enum class Presence { Required, Optional };

/** @brief value quoted for an error message, cut after 64 characters. */
QString quoted(QStringView value);
/** @brief Compact JSON text of an object. */
QByteArray compact(const QJsonObject &o);
/** @brief Integer value of a JSON number when it is a whole number representable as qint64. */
std::optional<qint64> exactInteger(const QJsonValue &v);
/** @brief Nesting depth of a value (scalars 0, {} 1), counting no deeper than limit + 1. */
int depth(const QJsonValue &v, int limit);

class Reader
{
public:
    Reader(const QJsonObject &object, QString *error, QString prefix = QString())
        : m_obj(object)
        , m_error(error)
        , m_prefix(std::move(prefix))
    {}

    bool failed() const { return !m_error->isEmpty(); }
    const QJsonObject &object() const { return m_obj; }
    QString path(QLatin1String field) const { return m_prefix + field; }
    /** Records `field "prefix+field": what` unless an error is already recorded. */
    void fail(QLatin1String field, const QString &what);
    void failPath(const QString &path, const QString &what);

    QString identifier(QLatin1String f, Presence p = Presence::Required,
                       int maxLength = MaxIdLength);
    QString text(QLatin1String f, Presence p, int maxLength, bool allowEmpty);
    qint64 integer(QLatin1String f, qint64 min, qint64 max, Presence p = Presence::Required,
                   qint64 fallback = 0);
    std::optional<qint64> optionalInteger(QLatin1String f, qint64 min, qint64 max);
    double number(QLatin1String f);
    std::optional<double> nullableNumber(QLatin1String f);
    bool boolean(QLatin1String f);
    std::optional<bool> optionalBoolean(QLatin1String f);
    qint64 time(QLatin1String f);
    std::optional<qint64> nullableTime(QLatin1String f);
    QJsonObject object(QLatin1String f, Presence p);
    QJsonArray array(QLatin1String f, Presence p);
    QStringList identifierList(QLatin1String f, Presence p);
    /** A reader over the nested object f (required); on failure over an empty object. */
    Reader nested(QLatin1String f);
    /** True when key f exists and is not null. */
    bool present(QLatin1String f) const
    {
        const QJsonValue v = m_obj.value(f);
        return !v.isUndefined() && !v.isNull();
    }

    template<typename E>
    E enumeration(QLatin1String f, E fallback)
    {
        return optionalEnumeration<E>(f, Presence::Required).value_or(fallback);
    }
    template<typename E>
    std::optional<E> optionalEnumeration(QLatin1String f, Presence p)
    {
        const QString s = text(f, p, 64, true);
        if (failed() || (s.isEmpty() && !present(f)))
            return std::nullopt;
        const std::optional<E> v = fromString<E>(s);
        if (!v)
            fail(f, QStringLiteral("unknown value ") + quoted(s));
        return v;
    }

    /** Reads a list of objects with read(Reader &) -> T; elements are named f[i]. */
    template<typename T, typename Fn>
    QList<T> objectList(QLatin1String f, Fn read)
    {
        QList<T> out;
        const QJsonArray a = array(f, Presence::Required);
        out.reserve(a.size());
        for (qsizetype i = 0; i < a.size() && !failed(); ++i) {
            const QString p = path(f) + QLatin1Char('[') + QString::number(i) + QLatin1Char(']');
            const QJsonValue v = a.at(i);
            if (!v.isObject()) {
                failPath(p, QStringLiteral("must be an object"));
                break;
            }
            Reader sub(v.toObject(), m_error, p + QLatin1Char('.'));
            out.append(read(sub));
        }
        return out;
    }

private:
    QJsonValue valueOf(QLatin1String f, Presence p, bool *absent);

    QJsonObject m_obj;
    QString *m_error;
    QString m_prefix;
};

/** Runs read(Reader &) -> T over o; a DecodeError(bad_request) when any read failed. */
template<typename T, typename Fn>
std::variant<T, DecodeError> decodeWith(const QJsonObject &o, Fn read)
{
    QString error;
    Reader r(o, &error);
    T value = read(r);
    if (r.failed())
        return DecodeError{ErrorCode::BadRequest, error, QJsonValue(QJsonValue::Undefined)};
    return value;
}

// Readers of the shared value types, used by the message decoders.
Party readParty(Reader &r);
Call readCall(Reader &r);
/** @brief The object "to": exactly one of {"queue"}, {"agent"}, {"number"}. */
TransferTarget readTransferTarget(Reader &r);
PendingState readPending(Reader &r);
AgentInfo readAgent(Reader &r);
QueueStats readQueueStats(Reader &r);
CodeLabel readCodeLabel(Reader &r);
/** Reads a worklist entry (servermessages.h). */
WorklistEntry readWorklistEntry(Reader &r);
/** Reads an audit entry: an `audit` event, seq optional. */
AuditEvent readAuditEntry(Reader &r);
/** Reads the optional "pending" field (absent or null → nullopt). */
std::optional<PendingState> readOptionalPending(Reader &r);

// Writers.
inline QJsonValue nullIfEmpty(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}
inline QJsonValue timeValue(qint64 ms)
{
    return QJsonValue(formatTime(ms));
}
inline QJsonValue nullableTime(const std::optional<qint64> &ms)
{
    return ms ? timeValue(*ms) : QJsonValue(QJsonValue::Null);
}
inline QJsonValue nullableNumber(const std::optional<double> &d)
{
    return d ? QJsonValue(*d) : QJsonValue(QJsonValue::Null);
}
template<typename T>
QJsonArray toArray(const QList<T> &list)
{
    QJsonArray a;
    for (const T &v : list)
        a.append(v.toJson());
    return a;
}
inline void putSeq(QJsonObject &o, quint64 seq)
{
    if (seq != 0)
        o.insert(QLatin1String("seq"), QJsonValue(qint64(seq)));
}
template<typename T>
struct TypeTag
{
    using type = T;
};

/** Calls f(TypeTag<Alt>) for each alternative of V until it returns true. */
template<typename V, typename F, std::size_t... I>
bool forEachAlternative(F &&f, std::index_sequence<I...>)
{
    return (f(TypeTag<std::variant_alternative_t<I, V>>{}) || ...);
}
template<typename V, typename F>
bool forEachAlternative(F &&f)
{
    return forEachAlternative<V>(std::forward<F>(f),
                                 std::make_index_sequence<std::variant_size_v<V>>{});
}

/** Reads the optional event "seq" (a positive integer). */
quint64 readSeq(Reader &r);

} // namespace acdesk::proto::detail
