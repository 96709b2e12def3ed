// Enumerations, times, the JSON reader and the shared value types. Over 600 lines on
// purpose: each type's encoder and decoder sit side by side, and the contract's value types
// belong together (a field is named once, here).

#include "jsonreader_p.h"

#include <QDebug>
#include <QJsonDocument>

#include <cmath>
#include <cstdio>
#include <iterator>

namespace acdesk::proto {

namespace {

template<typename E, std::size_t N>
QString nameOf(E v, const char *const (&names)[N])
{
    const auto i = static_cast<std::size_t>(v);
    return i < N ? QString::fromLatin1(names[i]) : QString();
}

template<typename E, std::size_t N>
std::optional<E> valueOf(QStringView name, const char *const (&names)[N])
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == QLatin1String(names[i]))
            return static_cast<E>(i);
    }
    return std::nullopt;
}

// Indexed by the enumerators' values, which are declared in this order.
const char *const errorCodeNames[] = {
    "bad_request", "unknown_type",  "not_authenticated", "auth_failed",  "forbidden",
    "not_found",   "invalid_state", "conflict",          "rate_limited", "internal"};
const char *const roleNames[] = {"agent", "supervisor", "wallboard", "gateway"};
const char *const agentStateNames[] = {"logged_out", "not_ready", "ready",
                                       "ringing",    "on_call",   "wrap_up"};
const char *const callStateNames[] = {"queued", "offered", "connected", "held", "ended"};
const char *const directionNames[] = {"inbound", "outbound"};
const char *const endCauseNames[] = {"agent_hangup", "caller_hangup", "transferred", "rejected",
                                     "no_answer",    "withdrawn",     "agent_lost"};
const char *const severityNames[] = {"info", "warning", "alert"};
const char *const hangupSideNames[] = {"caller", "agent", "consult"};
const char *const transferKindNames[] = {"queue", "agent", "number"};

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms);
// done by hand because formatTime runs for every event and QDateTime is much slower.
qint64 daysFromCivil(qint64 y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<qint64>(doe) - 719468;
}

void civilFromDays(qint64 z, qint64 *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = static_cast<qint64>(yoe) + era * 400 + (*m <= 2);
}

qint64 floorDiv(qint64 a, qint64 b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool digitsAt(QStringView s, qsizetype pos, int count, int *out)
{
    if (pos + count > s.size())
        return false;
    int v = 0;
    for (int i = 0; i < count; ++i) {
        const QChar c = s.at(pos + i);
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
        v = v * 10 + (c.unicode() - '0');
    }
    *out = v;
    return true;
}

} // namespace

QString errorCodeName(ErrorCode code)
{
    return nameOf(code, errorCodeNames);
}
std::optional<ErrorCode> errorCodeFromName(QStringView name)
{
    return valueOf<ErrorCode>(name, errorCodeNames);
}

QString toString(Role v)
{
    return nameOf(v, roleNames);
}
QString toString(AgentState v)
{
    return nameOf(v, agentStateNames);
}
QString toString(CallState v)
{
    return nameOf(v, callStateNames);
}
QString toString(Direction v)
{
    return nameOf(v, directionNames);
}
QString toString(EndCause v)
{
    return nameOf(v, endCauseNames);
}
QString toString(Severity v)
{
    return nameOf(v, severityNames);
}
QString toString(HangupSide v)
{
    return nameOf(v, hangupSideNames);
}
QString toString(TransferKind v)
{
    return nameOf(v, transferKindNames);
}

template<>
std::optional<Role> fromString<Role>(QStringView n)
{
    return valueOf<Role>(n, roleNames);
}
template<>
std::optional<AgentState> fromString<AgentState>(QStringView n)
{
    return valueOf<AgentState>(n, agentStateNames);
}
template<>
std::optional<CallState> fromString<CallState>(QStringView n)
{
    return valueOf<CallState>(n, callStateNames);
}
template<>
std::optional<Direction> fromString<Direction>(QStringView n)
{
    return valueOf<Direction>(n, directionNames);
}
template<>
std::optional<EndCause> fromString<EndCause>(QStringView n)
{
    return valueOf<EndCause>(n, endCauseNames);
}
template<>
std::optional<Severity> fromString<Severity>(QStringView n)
{
    return valueOf<Severity>(n, severityNames);
}
template<>
std::optional<HangupSide> fromString<HangupSide>(QStringView n)
{
    return valueOf<HangupSide>(n, hangupSideNames);
}
template<>
std::optional<TransferKind> fromString<TransferKind>(QStringView n)
{
    return valueOf<TransferKind>(n, transferKindNames);
}

QString formatTime(qint64 ms)
{
    const qint64 days = floorDiv(ms, 86400000);
    const qint64 msOfDay = ms - days * 86400000;
    qint64 y = 0;
    unsigned m = 0;
    unsigned d = 0;
    civilFromDays(days, &y, &m, &d);
    char buf[40];
    const int n =
        std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                      static_cast<long long>(y), m, d, int(msOfDay / 3600000),
                      int(msOfDay / 60000 % 60), int(msOfDay / 1000 % 60), int(msOfDay % 1000));
    return QString::fromLatin1(buf, n);
}

std::optional<qint64> parseTime(QStringView s)
{
    // YYYY-MM-DDTHH:MM:SS[.f+](Z|±HH:MM)
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!digitsAt(s, 0, 4, &y) || s.size() < 20 || s.at(4) != QLatin1Char('-') ||
        !digitsAt(s, 5, 2, &mo) || s.at(7) != QLatin1Char('-') || !digitsAt(s, 8, 2, &d) ||
        (s.at(10) != QLatin1Char('T') && s.at(10) != QLatin1Char('t')) || !digitsAt(s, 11, 2, &h) ||
        s.at(13) != QLatin1Char(':') || !digitsAt(s, 14, 2, &mi) || s.at(16) != QLatin1Char(':') ||
        !digitsAt(s, 17, 2, &sec))
        return std::nullopt;
    qsizetype pos = 19;
    int ms = 0;
    if (s.at(pos) == QLatin1Char('.')) {
        ++pos;
        int n = 0;
        while (pos < s.size() && s.at(pos).isDigit() && s.at(pos).unicode() < 128) {
            if (n < 3)
                ms = ms * 10 + (s.at(pos).unicode() - '0');
            ++n;
            ++pos;
        }
        if (n == 0 || n > 9)
            return std::nullopt;
        for (int i = n; i < 3; ++i)
            ms *= 10;
    }
    qint64 offsetMinutes = 0;
    if (pos < s.size() && (s.at(pos) == QLatin1Char('Z') || s.at(pos) == QLatin1Char('z'))) {
        ++pos;
    } else if (pos < s.size() && (s.at(pos) == QLatin1Char('+') || s.at(pos) == QLatin1Char('-'))) {
        int oh = 0, om = 0;
        if (!digitsAt(s, pos + 1, 2, &oh) || pos + 3 >= s.size() ||
            s.at(pos + 3) != QLatin1Char(':') || !digitsAt(s, pos + 4, 2, &om) || oh > 23 ||
            om > 59)
            return std::nullopt;
        offsetMinutes = (oh * 60 + om) * (s.at(pos) == QLatin1Char('-') ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt; // a time without zone would be local time: refused
    }
    if (pos != s.size())
        return std::nullopt;
    static const int monthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > monthDays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
        h > 23 || mi > 59 || sec > 59)
        return std::nullopt;
    const qint64 days = daysFromCivil(y, unsigned(mo), unsigned(d));
    return ((days * 24 + h) * 60 + mi) * 60000 + qint64(sec) * 1000 + ms - offsetMinutes * 60000;
}

QDebug operator<<(QDebug dbg, ErrorCode c)
{
    QDebugStateSaver saver(dbg);
    dbg.noquote() << errorCodeName(c);
    return dbg;
}

QDebug operator<<(QDebug dbg, const DecodeError &e)
{
    QDebugStateSaver saver(dbg);
    dbg.nospace() << "DecodeError(" << e.code << ", " << e.message;
    if (e.hasId())
        dbg << ", id " << e.id;
    dbg << ')';
    return dbg;
}

namespace detail {

QString quoted(QStringView value)
{
    constexpr qsizetype Max = 64;
    if (value.size() <= Max)
        return QLatin1Char('"') + value.toString() + QLatin1Char('"');
    return QLatin1Char('"') + value.left(Max).toString() + QStringLiteral("\u2026\"");
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<qint64> exactInteger(const QJsonValue &v)
{
    if (!v.isDouble())
        return std::nullopt;
    constexpr qint64 sentinel = std::numeric_limits<qint64>::min();
    const qint64 i = v.toInteger(sentinel);
    if (i == sentinel)
        return std::nullopt;
    return i;
}

int depth(const QJsonValue &v, int limit)
{
    if (limit < 0)
        return 1;
    int inner = 0;
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end() && inner <= limit; ++it)
            inner = std::max(inner, depth(it.value(), limit - 1));
        return inner + 1;
    }
    if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size() && inner <= limit; ++i)
            inner = std::max(inner, depth(a.at(i), limit - 1));
        return inner + 1;
    }
    return 0;
}

void Reader::fail(QLatin1String field, const QString &what)
{
    failPath(path(field), what);
}

void Reader::failPath(const QString &p, const QString &what)
{
    if (m_error->isEmpty())
        *m_error = QStringLiteral("field \"") + p + QStringLiteral("\": ") + what;
}

QJsonValue Reader::valueOf(QLatin1String f, Presence p, bool *absent)
{
    const QJsonValue v = m_obj.value(f);
    *absent = v.isUndefined() || (p == Presence::Optional && v.isNull());
    if (*absent && p == Presence::Required)
        fail(f, QStringLiteral("required"));
    return v;
}

QString Reader::identifier(QLatin1String f, Presence p, int maxLength)
{
    return text(f, p, maxLength, false);
}

QString Reader::text(QLatin1String f, Presence p, int maxLength, bool allowEmpty)
{
    if (failed())
        return {};
    bool absent = false;
    const QJsonValue v = valueOf(f, p, &absent);
    if (absent)
        return {};
    if (!v.isString()) {
        fail(f, QStringLiteral("must be a string"));
        return {};
    }
    QString s = v.toString();
    if (s.isEmpty() && !allowEmpty)
        fail(f, QStringLiteral("must not be empty"));
    else if (s.size() > maxLength)
        fail(f, QStringLiteral("longer than %1 characters").arg(maxLength));
    return s;
}

qint64 Reader::integer(QLatin1String f, qint64 min, qint64 max, Presence p, qint64 fallback)
{
    if (failed())
        return fallback;
    bool absent = false;
    const QJsonValue v = valueOf(f, p, &absent);
    if (absent)
        return fallback;
    const std::optional<qint64> i = exactInteger(v);
    if (!i) {
        fail(f, QStringLiteral("must be an integer"));
        return fallback;
    }
    if (*i < min || *i > max) {
        fail(f, QStringLiteral("out of range [%1, %2]").arg(min).arg(max));
        return fallback;
    }
    return *i;
}

std::optional<qint64> Reader::optionalInteger(QLatin1String f, qint64 min, qint64 max)
{
    if (!present(f))
        return std::nullopt;
    const qint64 i = integer(f, min, max);
    return failed() ? std::nullopt : std::optional<qint64>(i);
}

double Reader::number(QLatin1String f)
{
    if (failed())
        return 0;
    bool absent = false;
    const QJsonValue v = valueOf(f, Presence::Required, &absent);
    if (absent)
        return 0;
    if (!v.isDouble() || !std::isfinite(v.toDouble())) {
        fail(f, QStringLiteral("must be a number"));
        return 0;
    }
    return v.toDouble();
}

std::optional<double> Reader::nullableNumber(QLatin1String f)
{
    if (failed() || !present(f))
        return std::nullopt;
    const double d = number(f);
    return failed() ? std::nullopt : std::optional<double>(d);
}

bool Reader::boolean(QLatin1String f)
{
    if (failed())
        return false;
    bool absent = false;
    const QJsonValue v = valueOf(f, Presence::Required, &absent);
    if (absent)
        return false;
    if (!v.isBool()) {
        fail(f, QStringLiteral("must be a boolean"));
        return false;
    }
    return v.toBool();
}

std::optional<bool> Reader::optionalBoolean(QLatin1String f)
{
    if (failed() || !present(f))
        return std::nullopt;
    const bool b = boolean(f);
    return failed() ? std::nullopt : std::optional<bool>(b);
}

qint64 Reader::time(QLatin1String f)
{
    const QString s = text(f, Presence::Required, 64, true);
    if (failed())
        return 0;
    const std::optional<qint64> t = parseTime(s);
    if (!t)
        fail(f, QStringLiteral("must be an ISO 8601 UTC time, got ") + quoted(s));
    return t.value_or(0);
}

std::optional<qint64> Reader::nullableTime(QLatin1String f)
{
    if (failed() || !present(f))
        return std::nullopt;
    const qint64 t = time(f);
    return failed() ? std::nullopt : std::optional<qint64>(t);
}

QJsonObject Reader::object(QLatin1String f, Presence p)
{
    if (failed())
        return {};
    bool absent = false;
    const QJsonValue v = valueOf(f, p, &absent);
    if (absent)
        return {};
    if (!v.isObject()) {
        fail(f, QStringLiteral("must be an object"));
        return {};
    }
    return v.toObject();
}

QJsonArray Reader::array(QLatin1String f, Presence p)
{
    if (failed())
        return {};
    bool absent = false;
    const QJsonValue v = valueOf(f, p, &absent);
    if (absent)
        return {};
    if (!v.isArray()) {
        fail(f, QStringLiteral("must be an array"));
        return {};
    }
    return v.toArray();
}

QStringList Reader::identifierList(QLatin1String f, Presence p)
{
    QStringList out;
    const QJsonArray a = array(f, p);
    out.reserve(a.size());
    for (qsizetype i = 0; i < a.size() && !failed(); ++i) {
        const QJsonValue v = a.at(i);
        const QString p2 = path(f) + QLatin1Char('[') + QString::number(i) + QLatin1Char(']');
        if (!v.isString())
            failPath(p2, QStringLiteral("must be a string"));
        else if (v.toString().isEmpty())
            failPath(p2, QStringLiteral("must not be empty"));
        else if (v.toString().size() > MaxIdLength)
            failPath(p2, QStringLiteral("longer than %1 characters").arg(MaxIdLength));
        else
            out.append(v.toString());
    }
    return out;
}

Reader Reader::nested(QLatin1String f)
{
    const QJsonObject o = object(f, Presence::Required);
    return Reader(o, m_error, path(f) + QLatin1Char('.'));
}

quint64 readSeq(Reader &r)
{
    return quint64(r.integer(QLatin1String("seq"), 1, MaxIntegerId, Presence::Optional, 0));
}

Party readParty(Reader &r)
{
    Party p;
    p.number = r.identifier(QLatin1String("number"));
    p.name = r.text(QLatin1String("name"), Presence::Optional, 256, true);
    return p;
}

TransferTarget readTransferTarget(Reader &r)
{
    TransferTarget t;
    Reader to = r.nested(QLatin1String("to"));
    if (r.failed())
        return t;
    if (to.object().size() != 1) {
        r.fail(QLatin1String("to"),
               QStringLiteral("must hold exactly one of \"queue\", \"agent\", \"number\""));
        return t;
    }
    const QString kind = to.object().begin().key();
    const std::optional<TransferKind> k = fromString<TransferKind>(kind);
    if (!k) {
        r.fail(QLatin1String("to"), QStringLiteral("unknown target ") + quoted(kind));
        return t;
    }
    t.kind = *k;
    const QByteArray latin = kind.toLatin1(); // one of the three ASCII names
    t.value = to.identifier(QLatin1String(latin.constData(), latin.size()));
    return t;
}

Call readCall(Reader &r)
{
    Call c;
    c.id = r.identifier(QLatin1String("id"));
    c.queue = r.identifier(QLatin1String("queue"), Presence::Optional);
    c.direction = r.enumeration(QLatin1String("direction"), Direction::Inbound);
    {
        Reader caller = r.nested(QLatin1String("caller"));
        c.caller = readParty(caller);
    }
    if (r.present(QLatin1String("hotline"))) {
        Reader hotline = r.nested(QLatin1String("hotline"));
        c.hotline = readParty(hotline);
    }
    c.state = r.enumeration(QLatin1String("state"), CallState::Queued);
    c.arrivedAt = r.time(QLatin1String("arrivedAt"));
    c.answeredAt = r.nullableTime(QLatin1String("answeredAt"));
    c.waitedMs = r.integer(QLatin1String("waitedMs"), 0, MaxIntegerId);
    c.priority = int(r.integer(QLatin1String("priority"), -1000000, 1000000));
    c.muted = r.boolean(QLatin1String("muted"));
    c.data = r.object(QLatin1String("data"), Presence::Optional);
    if (const auto n = r.optionalInteger(QLatin1String("position"), 1, MaxIntegerId))
        c.position = int(*n);
    if (r.present(QLatin1String("ewtSeconds")))
        c.ewtSeconds = r.nullableNumber(QLatin1String("ewtSeconds"));
    if (r.present(QLatin1String("callback"))) {
        Reader cb = r.nested(QLatin1String("callback"));
        Call::Callback info;
        info.number = cb.identifier(QLatin1String("number"));
        info.requestedAt = cb.time(QLatin1String("requestedAt"));
        info.attempts = int(cb.integer(QLatin1String("attempts"), 0, 1000000));
        c.callback = info;
    }
    if (r.present(QLatin1String("screenPop"))) {
        Reader sp = r.nested(QLatin1String("screenPop"));
        Call::ScreenPop pop;
        pop.url = sp.text(QLatin1String("url"), Presence::Required, 8192, false);
        pop.open = sp.text(QLatin1String("open"), Presence::Required, 16, false);
        if (pop.open != QLatin1String("accept") && pop.open != QLatin1String("offer") &&
            pop.open != QLatin1String("manual"))
            sp.fail(QLatin1String("open"), QStringLiteral("must be accept, offer or manual"));
        c.screenPop = pop;
    }
    if (r.present(QLatin1String("consult"))) {
        Reader k = r.nested(QLatin1String("consult"));
        Call::Consult info;
        info.state = k.identifier(QLatin1String("state"));
        if (!k.failed() && info.state != QLatin1String("ringing") &&
            info.state != QLatin1String("talking") && info.state != QLatin1String("conference"))
            k.fail(QLatin1String("state"),
                   QStringLiteral("must be ringing, talking or conference"));
        info.to = readTransferTarget(k);
        info.agent = k.identifier(QLatin1String("agent"), Presence::Optional);
        info.by = k.identifier(QLatin1String("by"));
        info.since = k.time(QLatin1String("since"));
        c.consult = info;
    }
    return c;
}

PendingState readPending(Reader &r)
{
    PendingState p;
    p.state = r.enumeration(QLatin1String("state"), AgentState::NotReady);
    p.reason = r.identifier(QLatin1String("reason"), Presence::Optional);
    return p;
}

std::optional<PendingState> readOptionalPending(Reader &r)
{
    if (!r.present(QLatin1String("pending")))
        return std::nullopt;
    Reader sub = r.nested(QLatin1String("pending"));
    return readPending(sub);
}

AgentInfo readAgent(Reader &r)
{
    AgentInfo a;
    a.id = r.identifier(QLatin1String("id"));
    a.name = r.text(QLatin1String("name"), Presence::Required, 256, true);
    a.state = r.enumeration(QLatin1String("state"), AgentState::LoggedOut);
    a.reason = r.identifier(QLatin1String("reason"), Presence::Optional);
    a.since = r.time(QLatin1String("since"));
    a.queues = r.identifierList(QLatin1String("queues"), Presence::Required);
    if (r.present(QLatin1String("skills"))) {
        Reader skills = r.nested(QLatin1String("skills"));
        QMap<QString, int> map;
        const QJsonObject o = skills.object();
        for (auto it = o.begin(); it != o.end() && !r.failed(); ++it) {
            const std::optional<qint64> level = exactInteger(it.value());
            if (!level || *level < 0 || *level > 1000000)
                r.failPath(r.path(QLatin1String("skills.")) + it.key(),
                           QStringLiteral("must be an integer in [0, 1000000]"));
            else
                map.insert(it.key(), int(*level));
        }
        a.skills = map;
    }
    a.connected = r.optionalBoolean(QLatin1String("connected"));
    if (const auto n = r.optionalInteger(QLatin1String("answeredToday"), 0, 1000000000))
        a.answeredToday = int(*n);
    a.pending = readOptionalPending(r);
    return a;
}

QueueStats readQueueStats(Reader &r)
{
    QueueStats q;
    q.id = r.identifier(QLatin1String("id"));
    q.name = r.text(QLatin1String("name"), Presence::Required, 256, true);
    constexpr qint64 MaxCount = 1000000000;
    q.waiting = int(r.integer(QLatin1String("waiting"), 0, MaxCount));
    q.longestWaitMs = r.integer(QLatin1String("longestWaitMs"), 0, MaxIntegerId);
    {
        Reader a = r.nested(QLatin1String("agents"));
        q.agents.loggedIn = int(a.integer(QLatin1String("loggedIn"), 0, MaxCount));
        q.agents.ready = int(a.integer(QLatin1String("ready"), 0, MaxCount));
        q.agents.ringing = int(a.integer(QLatin1String("ringing"), 0, MaxCount));
        q.agents.onCall = int(a.integer(QLatin1String("onCall"), 0, MaxCount));
        q.agents.wrapUp = int(a.integer(QLatin1String("wrapUp"), 0, MaxCount));
        q.agents.notReady = int(a.integer(QLatin1String("notReady"), 0, MaxCount));
    }
    {
        Reader t = r.nested(QLatin1String("today"));
        q.today.offered = int(t.integer(QLatin1String("offered"), 0, MaxCount));
        q.today.answered = int(t.integer(QLatin1String("answered"), 0, MaxCount));
        q.today.abandoned = int(t.integer(QLatin1String("abandoned"), 0, MaxCount));
        q.today.shortAbandoned = int(t.integer(QLatin1String("shortAbandoned"), 0, MaxCount));
        q.today.answeredInSl = int(t.integer(QLatin1String("answeredInSl"), 0, MaxCount));
        q.today.serviceLevel = t.nullableNumber(QLatin1String("serviceLevel"));
        q.today.asaMs = t.nullableNumber(QLatin1String("asaMs"));
        q.today.ahtMs = t.nullableNumber(QLatin1String("ahtMs"));
        q.today.abandonRate = t.nullableNumber(QLatin1String("abandonRate"));
        q.today.longestWaitMs = t.integer(QLatin1String("longestWaitMs"), 0, MaxIntegerId);
        q.today.reachability = t.nullableNumber(QLatin1String("reachability"));
        if (const auto n = t.optionalInteger(QLatin1String("callbacks"), 0, MaxCount))
            q.today.callbacks = int(*n);
        q.today.closed = int(t.optionalInteger(QLatin1String("closed"), 0, MaxCount).value_or(0));
        q.today.timedOut =
            int(t.optionalInteger(QLatin1String("timedOut"), 0, MaxCount).value_or(0));
        const auto optionalCount = [&t](const char *key) {
            return int(t.optionalInteger(QLatin1String(key), 0, MaxCount).value_or(0));
        };
        q.today.callbacksRequested = optionalCount("callbacksRequested");
        q.today.callbacksReached = optionalCount("callbacksReached");
        q.today.callbacksFailed = optionalCount("callbacksFailed");
        if (t.present(QLatin1String("timeToCallbackMs")))
            q.today.timeToCallbackMs = t.nullableNumber(QLatin1String("timeToCallbackMs"));
    }
    q.open = r.optionalBoolean(QLatin1String("open")).value_or(true);
    if (r.present(QLatin1String("ewtSeconds")))
        q.ewtSeconds = r.nullableNumber(QLatin1String("ewtSeconds"));
    if (r.present(QLatin1String("forecast"))) {
        Reader f = r.nested(QLatin1String("forecast"));
        StaffingForecast fc;
        fc.arrivalsLastHour = int(f.integer(QLatin1String("arrivalsLastHour"), 0, MaxCount));
        fc.ahtSeconds = f.number(QLatin1String("ahtSeconds"));
        if (f.present(QLatin1String("agentsNeeded")))
            fc.agentsNeeded = int(f.integer(QLatin1String("agentsNeeded"), 0, MaxCount));
        q.forecast = fc;
    }
    q.slSeconds = int(r.integer(QLatin1String("slSeconds"), 0, 86400));
    {
        Reader th = r.nested(QLatin1String("thresholds"));
        Reader w = th.nested(QLatin1String("waiting"));
        q.thresholds.waitingAmber = int(w.integer(QLatin1String("amber"), 0, MaxCount));
        q.thresholds.waitingRed = int(w.integer(QLatin1String("red"), 0, MaxCount));
        Reader l = th.nested(QLatin1String("longestWaitSeconds"));
        q.thresholds.longestWaitSecondsAmber = int(l.integer(QLatin1String("amber"), 0, MaxCount));
        q.thresholds.longestWaitSecondsRed = int(l.integer(QLatin1String("red"), 0, MaxCount));
        Reader s = th.nested(QLatin1String("serviceLevel"));
        q.thresholds.serviceLevelAmber = s.number(QLatin1String("amber"));
        q.thresholds.serviceLevelRed = s.number(QLatin1String("red"));
    }
    return q;
}

CodeLabel readCodeLabel(Reader &r)
{
    CodeLabel c;
    c.code = r.identifier(QLatin1String("code"));
    c.label = r.text(QLatin1String("label"), Presence::Required, 256, true);
    return c;
}

} // namespace detail

using namespace detail;

QJsonObject Party::toJson(bool nullNameWhenEmpty) const
{
    QJsonObject o{{QLatin1String("number"), number}};
    if (!name.isEmpty() || nullNameWhenEmpty)
        o.insert(QLatin1String("name"), nullIfEmpty(name));
    return o;
}

std::variant<Party, DecodeError> Party::fromJson(const QJsonObject &o)
{
    return decodeWith<Party>(o, readParty);
}

QJsonObject Call::toJson() const
{
    QJsonObject o{
        {QLatin1String("id"), id},
        {QLatin1String("queue"), nullIfEmpty(queue)},
        {QLatin1String("direction"), proto::toString(direction)},
        {QLatin1String("caller"), caller.toJson()},
        {QLatin1String("hotline"), hotline ? QJsonValue(hotline->toJson()) : QJsonValue()},
        {QLatin1String("state"), proto::toString(state)},
        {QLatin1String("arrivedAt"), timeValue(arrivedAt)},
        {QLatin1String("answeredAt"), detail::nullableTime(answeredAt)},
        {QLatin1String("waitedMs"), waitedMs},
        {QLatin1String("priority"), priority},
        {QLatin1String("muted"), muted},
        {QLatin1String("data"), data},
    };
    if (position) {
        o.insert(QLatin1String("position"), *position);
        o.insert(QLatin1String("ewtSeconds"), nullableNumber(ewtSeconds));
    }
    if (callback)
        o.insert(QLatin1String("callback"),
                 QJsonObject{{QLatin1String("number"), callback->number},
                             {QLatin1String("requestedAt"), timeValue(callback->requestedAt)},
                             {QLatin1String("attempts"), callback->attempts}});
    if (screenPop)
        o.insert(QLatin1String("screenPop"), QJsonObject{{QLatin1String("url"), screenPop->url},
                                                         {QLatin1String("open"), screenPop->open}});
    if (consult)
        o.insert(QLatin1String("consult"),
                 QJsonObject{{QLatin1String("state"), consult->state},
                             {QLatin1String("to"), consult->to.toJson()},
                             {QLatin1String("agent"), nullIfEmpty(consult->agent)},
                             {QLatin1String("by"), consult->by},
                             {QLatin1String("since"), timeValue(consult->since)}});
    return o;
}

std::variant<Call, DecodeError> Call::fromJson(const QJsonObject &o)
{
    return decodeWith<Call>(o, readCall);
}

bool Call::operator==(const Call &o) const
{
    return id == o.id && queue == o.queue && direction == o.direction && caller == o.caller &&
           hotline == o.hotline && state == o.state && arrivedAt == o.arrivedAt &&
           answeredAt == o.answeredAt && waitedMs == o.waitedMs && priority == o.priority &&
           muted == o.muted && data == o.data && position == o.position &&
           ewtSeconds == o.ewtSeconds && callback == o.callback && screenPop == o.screenPop &&
           consult == o.consult;
}

QJsonObject PendingState::toJson() const
{
    return QJsonObject{{QLatin1String("state"), proto::toString(state)},
                       {QLatin1String("reason"), nullIfEmpty(reason)}};
}

std::variant<PendingState, DecodeError> PendingState::fromJson(const QJsonObject &o)
{
    return decodeWith<PendingState>(o, readPending);
}

QJsonObject AgentInfo::toJson() const
{
    QJsonObject o{
        {QLatin1String("id"), id},
        {QLatin1String("name"), name},
        {QLatin1String("state"), proto::toString(state)},
        {QLatin1String("reason"), nullIfEmpty(reason)},
        {QLatin1String("since"), timeValue(since)},
        {QLatin1String("queues"), QJsonArray::fromStringList(queues)},
    };
    if (skills) {
        QJsonObject s;
        for (auto it = skills->cbegin(); it != skills->cend(); ++it)
            s.insert(it.key(), it.value());
        o.insert(QLatin1String("skills"), s);
    }
    if (connected)
        o.insert(QLatin1String("connected"), *connected);
    if (answeredToday)
        o.insert(QLatin1String("answeredToday"), *answeredToday);
    if (pending)
        o.insert(QLatin1String("pending"), pending->toJson());
    return o;
}

std::variant<AgentInfo, DecodeError> AgentInfo::fromJson(const QJsonObject &o)
{
    return decodeWith<AgentInfo>(o, readAgent);
}

bool AgentInfo::operator==(const AgentInfo &o) const
{
    return id == o.id && name == o.name && state == o.state && reason == o.reason &&
           since == o.since && queues == o.queues && skills == o.skills &&
           connected == o.connected && answeredToday == o.answeredToday && pending == o.pending;
}

bool QueueAgentCounts::operator==(const QueueAgentCounts &o) const
{
    return loggedIn == o.loggedIn && ready == o.ready && ringing == o.ringing &&
           onCall == o.onCall && wrapUp == o.wrapUp && notReady == o.notReady;
}

bool QueueToday::operator==(const QueueToday &o) const
{
    return offered == o.offered && answered == o.answered && abandoned == o.abandoned &&
           shortAbandoned == o.shortAbandoned && answeredInSl == o.answeredInSl &&
           serviceLevel == o.serviceLevel && asaMs == o.asaMs && ahtMs == o.ahtMs &&
           abandonRate == o.abandonRate && longestWaitMs == o.longestWaitMs &&
           reachability == o.reachability && callbacks == o.callbacks && closed == o.closed &&
           timedOut == o.timedOut && callbacksRequested == o.callbacksRequested &&
           callbacksReached == o.callbacksReached && callbacksFailed == o.callbacksFailed &&
           timeToCallbackMs == o.timeToCallbackMs;
}

bool QueueThresholds::operator==(const QueueThresholds &o) const
{
    return waitingAmber == o.waitingAmber && waitingRed == o.waitingRed &&
           longestWaitSecondsAmber == o.longestWaitSecondsAmber &&
           longestWaitSecondsRed == o.longestWaitSecondsRed &&
           serviceLevelAmber == o.serviceLevelAmber && serviceLevelRed == o.serviceLevelRed;
}

QJsonObject QueueStats::toJson() const
{
    QJsonObject o = encode();
    QJsonObject t = o.value(QLatin1String("today")).toObject();
    if (today.callbacks)
        t.insert(QLatin1String("callbacks"), *today.callbacks);
    // The additions are sent when they say something (a field left out means its default:
    // 0, open, no estimate, no forecast), so the contract's own examples stay byte-exact.
    if (today.closed)
        t.insert(QLatin1String("closed"), today.closed);
    if (today.timedOut)
        t.insert(QLatin1String("timedOut"), today.timedOut);
    if (today.callbacksRequested || today.callbacksReached || today.callbacksFailed) {
        t.insert(QLatin1String("callbacksRequested"), today.callbacksRequested);
        t.insert(QLatin1String("callbacksReached"), today.callbacksReached);
        t.insert(QLatin1String("callbacksFailed"), today.callbacksFailed);
        t.insert(QLatin1String("timeToCallbackMs"), nullableNumber(today.timeToCallbackMs));
    }
    o.insert(QLatin1String("today"), t);
    if (!open)
        o.insert(QLatin1String("open"), false);
    if (ewtSeconds)
        o.insert(QLatin1String("ewtSeconds"), *ewtSeconds);
    if (forecast)
        o.insert(QLatin1String("forecast"),
                 QJsonObject{{QLatin1String("arrivalsLastHour"), forecast->arrivalsLastHour},
                             {QLatin1String("ahtSeconds"), forecast->ahtSeconds},
                             {QLatin1String("agentsNeeded"),
                              forecast->agentsNeeded ? QJsonValue(*forecast->agentsNeeded)
                                                     : QJsonValue()}});
    return o;
}

QJsonObject QueueStats::encode() const
{
    const auto pair = [](const QJsonValue &amber, const QJsonValue &red) {
        return QJsonObject{{QLatin1String("amber"), amber}, {QLatin1String("red"), red}};
    };
    return QJsonObject{
        {QLatin1String("id"), id},
        {QLatin1String("name"), name},
        {QLatin1String("waiting"), waiting},
        {QLatin1String("longestWaitMs"), longestWaitMs},
        {QLatin1String("agents"), QJsonObject{{QLatin1String("loggedIn"), agents.loggedIn},
                                              {QLatin1String("ready"), agents.ready},
                                              {QLatin1String("ringing"), agents.ringing},
                                              {QLatin1String("onCall"), agents.onCall},
                                              {QLatin1String("wrapUp"), agents.wrapUp},
                                              {QLatin1String("notReady"), agents.notReady}}},
        {QLatin1String("today"),
         QJsonObject{{QLatin1String("offered"), today.offered},
                     {QLatin1String("answered"), today.answered},
                     {QLatin1String("abandoned"), today.abandoned},
                     {QLatin1String("shortAbandoned"), today.shortAbandoned},
                     {QLatin1String("answeredInSl"), today.answeredInSl},
                     {QLatin1String("serviceLevel"), nullableNumber(today.serviceLevel)},
                     {QLatin1String("asaMs"), nullableNumber(today.asaMs)},
                     {QLatin1String("ahtMs"), nullableNumber(today.ahtMs)},
                     {QLatin1String("abandonRate"), nullableNumber(today.abandonRate)},
                     {QLatin1String("longestWaitMs"), today.longestWaitMs},
                     {QLatin1String("reachability"), nullableNumber(today.reachability)}}},
        {QLatin1String("slSeconds"), slSeconds},
        {QLatin1String("thresholds"),
         QJsonObject{
             {QLatin1String("waiting"), pair(thresholds.waitingAmber, thresholds.waitingRed)},
             {QLatin1String("longestWaitSeconds"),
              pair(thresholds.longestWaitSecondsAmber, thresholds.longestWaitSecondsRed)},
             {QLatin1String("serviceLevel"),
              pair(thresholds.serviceLevelAmber, thresholds.serviceLevelRed)}}},
    };
}

std::variant<QueueStats, DecodeError> QueueStats::fromJson(const QJsonObject &o)
{
    return decodeWith<QueueStats>(o, readQueueStats);
}

bool QueueStats::operator==(const QueueStats &o) const
{
    return id == o.id && name == o.name && waiting == o.waiting &&
           longestWaitMs == o.longestWaitMs && agents == o.agents && today == o.today &&
           slSeconds == o.slSeconds && thresholds == o.thresholds && open == o.open &&
           ewtSeconds == o.ewtSeconds && forecast == o.forecast;
}

QJsonObject CodeLabel::toJson() const
{
    return QJsonObject{{QLatin1String("code"), code}, {QLatin1String("label"), label}};
}

std::variant<CodeLabel, DecodeError> CodeLabel::fromJson(const QJsonObject &o)
{
    return decodeWith<CodeLabel>(o, readCodeLabel);
}

namespace {
template<typename T>
QDebug printJson(QDebug dbg, const char *name, const T &v)
{
    QDebugStateSaver saver(dbg);
    dbg.nospace().noquote() << name << compact(v.toJson());
    return dbg;
}
} // namespace

QDebug operator<<(QDebug dbg, const Party &v)
{
    return printJson(dbg, "Party", v);
}
QDebug operator<<(QDebug dbg, const Call &v)
{
    return printJson(dbg, "Call", v);
}
QDebug operator<<(QDebug dbg, const PendingState &v)
{
    return printJson(dbg, "PendingState", v);
}
QDebug operator<<(QDebug dbg, const AgentInfo &v)
{
    return printJson(dbg, "AgentInfo", v);
}
QDebug operator<<(QDebug dbg, const QueueStats &v)
{
    return printJson(dbg, "QueueStats", v);
}
QDebug operator<<(QDebug dbg, const CodeLabel &v)
{
    return printJson(dbg, "CodeLabel", v);
}

} // namespace acdesk::proto
