// Server → client messages, their decoder for clients, and the fan-out fast path. Just
// over 600 lines: one encoder/decoder pair per message of the contract, in its order.

#include "servermessages.h"
#include "jsonreader_p.h"

#include <QDebug>
#include <QJsonDocument>
#include <QJsonParseError>

namespace acdesk::proto {

using namespace detail;

namespace {

const QLatin1String kType("type");
const QLatin1String kRe("re");
const QLatin1String kCall("call");
const QLatin1String kAgent("agent");
const QLatin1String kStation("station");
const QLatin1String kNumber("number");
const QLatin1String kTime("time");

QJsonObject typed(const char *type, quint64 seq)
{
    QJsonObject o{{kType, QLatin1String(type)}};
    putSeq(o, seq);
    return o;
}

// `re` echoes a request id: a string or an integer.
QJsonValue readRe(Reader &r)
{
    const QJsonValue re = r.object().value(kRe);
    if (re.isUndefined())
        return re;
    if (!re.isString() && !exactInteger(re))
        r.fail(kRe, QStringLiteral("must be a string or an integer"));
    return re;
}

} // namespace

// --- hello, ok, error -------------------------------------------------------------------

QJsonObject Hello::toJson() const
{
    QJsonObject o = typed(Type, 0);
    o.insert(QLatin1String("protocol"), protocol);
    o.insert(QLatin1String("server"), server);
    o.insert(kTime, timeValue(time));
    o.insert(QLatin1String("auth"), QJsonArray::fromStringList(auth));
    if (!features.isEmpty())
        o.insert(QLatin1String("features"), QJsonArray::fromStringList(features));
    return o;
}

std::variant<Hello, DecodeError> Hello::fromJson(const QJsonObject &o)
{
    return decodeWith<Hello>(o, [](Reader &r) {
        Hello h;
        h.protocol = int(r.integer(QLatin1String("protocol"), 1, 1000000));
        h.server = r.text(QLatin1String("server"), Presence::Required, 256, true);
        h.time = r.time(kTime);
        h.auth = r.identifierList(QLatin1String("auth"), Presence::Required);
        h.features = r.identifierList(QLatin1String("features"), Presence::Optional);
        return h;
    });
}

bool Hello::operator==(const Hello &o) const
{
    return protocol == o.protocol && server == o.server && time == o.time && auth == o.auth &&
           features == o.features;
}

QJsonObject OkReply::toJson() const
{
    QJsonObject o = fields;
    o.insert(kType, QLatin1String(Type));
    if (!re.isUndefined())
        o.insert(kRe, re);
    return o;
}

std::variant<OkReply, DecodeError> OkReply::fromJson(const QJsonObject &o)
{
    return decodeWith<OkReply>(o, [](Reader &r) {
        OkReply ok;
        ok.re = readRe(r);
        ok.fields = r.object();
        ok.fields.remove(kType);
        ok.fields.remove(kRe);
        return ok;
    });
}

QJsonObject LoginResult::toJson() const
{
    return QJsonObject{{QLatin1String("token"), token},
                       {QLatin1String("role"), toString(role)},
                       {QLatin1String("user"), user},
                       {QLatin1String("name"), name}};
}

std::variant<LoginResult, DecodeError> LoginResult::fromJson(const QJsonObject &o)
{
    return decodeWith<LoginResult>(o, [](Reader &r) {
        LoginResult l;
        l.token = r.identifier(QLatin1String("token"), Presence::Required, MaxSecretLength);
        l.role = r.enumeration(QLatin1String("role"), Role::Agent);
        l.user = r.identifier(QLatin1String("user"));
        l.name = r.text(QLatin1String("name"), Presence::Required, 256, true);
        return l;
    });
}

bool LoginResult::operator==(const LoginResult &o) const
{
    return token == o.token && role == o.role && user == o.user && name == o.name;
}

QJsonObject ErrorReply::toJson() const
{
    QJsonObject o = typed(Type, 0);
    if (!re.isUndefined())
        o.insert(kRe, re);
    o.insert(QLatin1String("code"), errorCodeName(code));
    o.insert(QLatin1String("message"), message);
    if (!details.isEmpty())
        o.insert(QLatin1String("details"), details);
    return o;
}

std::variant<ErrorReply, DecodeError> ErrorReply::fromJson(const QJsonObject &o)
{
    return decodeWith<ErrorReply>(o, [](Reader &r) {
        ErrorReply e;
        e.re = readRe(r);
        const QLatin1String fc("code");
        const QString code = r.text(fc, Presence::Required, 64, true);
        if (!r.failed()) {
            if (const std::optional<ErrorCode> c = errorCodeFromName(code))
                e.code = *c;
            else
                r.fail(fc, QStringLiteral("unknown value ") + quoted(code));
        }
        e.message = r.text(QLatin1String("message"), Presence::Required, 65536, true);
        e.details = r.object(QLatin1String("details"), Presence::Optional);
        return e;
    });
}

// --- session and agent events -----------------------------------------------------------

QJsonObject SnapshotEvent::toJson() const
{
    QJsonObject o = typed(Type, seq);
    if (agent)
        o.insert(kAgent, agent->toJson());
    if (calls)
        o.insert(QLatin1String("calls"), toArray(*calls));
    if (queues)
        o.insert(QLatin1String("queues"), toArray(*queues));
    if (agents)
        o.insert(QLatin1String("agents"), toArray(*agents));
    if (reasons)
        o.insert(QLatin1String("reasons"), toArray(*reasons));
    if (dispositions)
        o.insert(QLatin1String("dispositions"), toArray(*dispositions));
    return o;
}

std::variant<SnapshotEvent, DecodeError> SnapshotEvent::fromJson(const QJsonObject &o)
{
    return decodeWith<SnapshotEvent>(o, [](Reader &r) {
        SnapshotEvent s;
        s.seq = readSeq(r);
        if (r.present(kAgent)) {
            Reader a = r.nested(kAgent);
            s.agent = readAgent(a);
        }
        const auto list = [&r](const char *name, auto read, auto &out) {
            const QLatin1String f(name);
            if (r.present(f))
                out = r.objectList<typename std::decay_t<decltype(*out)>::value_type>(f, read);
        };
        list("calls", readCall, s.calls);
        list("queues", readQueueStats, s.queues);
        list("agents", readAgent, s.agents);
        list("reasons", readCodeLabel, s.reasons);
        list("dispositions", readCodeLabel, s.dispositions);
        return s;
    });
}

bool SnapshotEvent::operator==(const SnapshotEvent &o) const
{
    return seq == o.seq && agent == o.agent && calls == o.calls && queues == o.queues &&
           agents == o.agents && reasons == o.reasons && dispositions == o.dispositions;
}

QJsonObject AgentStateEvent::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(kAgent, agent);
    o.insert(QLatin1String("state"), toString(state));
    o.insert(QLatin1String("reason"), nullIfEmpty(reason));
    o.insert(QLatin1String("since"), timeValue(since));
    if (pending)
        o.insert(QLatin1String("pending"), pending->toJson());
    return o;
}

std::variant<AgentStateEvent, DecodeError> AgentStateEvent::fromJson(const QJsonObject &o)
{
    return decodeWith<AgentStateEvent>(o, [](Reader &r) {
        AgentStateEvent e;
        e.seq = readSeq(r);
        e.agent = r.identifier(kAgent);
        e.state = r.enumeration(QLatin1String("state"), AgentState::LoggedOut);
        e.reason = r.identifier(QLatin1String("reason"), Presence::Optional);
        e.since = r.time(QLatin1String("since"));
        e.pending = readOptionalPending(r);
        return e;
    });
}

bool AgentStateEvent::operator==(const AgentStateEvent &o) const
{
    return seq == o.seq && agent == o.agent && state == o.state && reason == o.reason &&
           since == o.since && pending == o.pending;
}

// --- call events ------------------------------------------------------------------------

namespace {
Call readNestedCall(Reader &r)
{
    Reader c = r.nested(kCall);
    return readCall(c);
}
} // namespace

QJsonObject CallOfferEvent::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(kCall, call.toJson());
    o.insert(QLatin1String("timeoutMs"), timeoutMs);
    return o;
}

std::variant<CallOfferEvent, DecodeError> CallOfferEvent::fromJson(const QJsonObject &o)
{
    return decodeWith<CallOfferEvent>(o, [](Reader &r) {
        CallOfferEvent e;
        e.seq = readSeq(r);
        e.call = readNestedCall(r);
        e.timeoutMs = r.integer(QLatin1String("timeoutMs"), 0, MaxIntegerId);
        return e;
    });
}

QJsonObject CallUpdateEvent::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(kCall, call.toJson());
    return o;
}

std::variant<CallUpdateEvent, DecodeError> CallUpdateEvent::fromJson(const QJsonObject &o)
{
    return decodeWith<CallUpdateEvent>(o, [](Reader &r) {
        CallUpdateEvent e;
        e.seq = readSeq(r);
        e.call = readNestedCall(r);
        return e;
    });
}

template<typename Tag>
QJsonObject CallCauseEvent<Tag>::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(kCall, call.toJson());
    o.insert(QLatin1String("cause"), toString(cause));
    return o;
}

template<typename Tag>
std::variant<CallCauseEvent<Tag>, DecodeError> CallCauseEvent<Tag>::fromJson(const QJsonObject &o)
{
    return decodeWith<CallCauseEvent>(o, [](Reader &r) {
        CallCauseEvent e;
        e.seq = readSeq(r);
        e.call = readNestedCall(r);
        e.cause = r.enumeration(QLatin1String("cause"), EndCause::CallerHangup);
        return e;
    });
}

// --- stats, message ---------------------------------------------------------------------

QJsonObject StatsEvent::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(kTime, timeValue(time));
    o.insert(QLatin1String("queues"), toArray(queues));
    o.insert(QLatin1String("agents"), toArray(agents));
    if (calls)
        o.insert(QLatin1String("calls"), toArray(*calls));
    return o;
}

std::variant<StatsEvent, DecodeError> StatsEvent::fromJson(const QJsonObject &o)
{
    return decodeWith<StatsEvent>(o, [](Reader &r) {
        StatsEvent e;
        e.seq = readSeq(r);
        e.time = r.time(kTime);
        e.queues = r.objectList<QueueStats>(QLatin1String("queues"), readQueueStats);
        e.agents = r.objectList<AgentInfo>(QLatin1String("agents"), readAgent);
        if (r.present(QLatin1String("calls")))
            e.calls = r.objectList<Call>(QLatin1String("calls"), readCall);
        return e;
    });
}

bool StatsEvent::operator==(const StatsEvent &o) const
{
    return seq == o.seq && time == o.time && queues == o.queues && agents == o.agents &&
           calls == o.calls;
}

QJsonObject MessageEvent::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(QLatin1String("text"), text);
    o.insert(QLatin1String("severity"), toString(severity));
    if (!from.isEmpty())
        o.insert(QLatin1String("from"), from);
    o.insert(kTime, timeValue(time));
    return o;
}

std::variant<MessageEvent, DecodeError> MessageEvent::fromJson(const QJsonObject &o)
{
    return decodeWith<MessageEvent>(o, [](Reader &r) {
        MessageEvent e;
        e.seq = readSeq(r);
        e.text = r.text(QLatin1String("text"), Presence::Required, MaxBroadcastLength, false);
        e.severity = r.enumeration(QLatin1String("severity"), Severity::Info);
        e.from = r.identifier(QLatin1String("from"), Presence::Optional);
        e.time = r.time(kTime);
        return e;
    });
}

bool MessageEvent::operator==(const MessageEvent &o) const
{
    return seq == o.seq && text == o.text && severity == o.severity && from == o.from &&
           time == o.time;
}

QJsonObject AuditEvent::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(kTime, timeValue(time));
    o.insert(QLatin1String("actor"), actor);
    o.insert(QLatin1String("action"), action);
    if (!target.isEmpty())
        o.insert(QLatin1String("target"), target);
    o.insert(QLatin1String("detail"), detail);
    return o;
}

std::variant<AuditEvent, DecodeError> AuditEvent::fromJson(const QJsonObject &o)
{
    return decodeWith<AuditEvent>(o, readAuditEntry);
}

AuditEvent detail::readAuditEntry(Reader &r)
{
    AuditEvent e;
    e.seq = readSeq(r);
    e.time = r.time(kTime);
    e.actor = r.text(QLatin1String("actor"), Presence::Required, 300, false);
    e.action = r.text(QLatin1String("action"), Presence::Required, 100, false);
    e.target = r.text(QLatin1String("target"), Presence::Optional, 300, true);
    e.detail = r.object(QLatin1String("detail"), Presence::Optional);
    return e;
}

// --- templates and gateway events -------------------------------------------------------

template<typename Tag>
QJsonObject BareEvent<Tag>::toJson() const
{
    return typed(Type, seq);
}

template<typename Tag>
std::variant<BareEvent<Tag>, DecodeError> BareEvent<Tag>::fromJson(const QJsonObject &o)
{
    return decodeWith<BareEvent>(o, [](Reader &r) {
        BareEvent e;
        e.seq = readSeq(r);
        return e;
    });
}

template<typename Tag>
QJsonObject GwCallEvent<Tag>::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(kCall, call);
    return o;
}

template<typename Tag>
std::variant<GwCallEvent<Tag>, DecodeError> GwCallEvent<Tag>::fromJson(const QJsonObject &o)
{
    return decodeWith<GwCallEvent>(o, [](Reader &r) {
        GwCallEvent e;
        e.seq = readSeq(r);
        e.call = r.identifier(kCall);
        return e;
    });
}

template<typename Tag>
QJsonObject GwStationEvent<Tag>::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(kCall, call);
    o.insert(kAgent, agent);
    o.insert(kStation, station);
    return o;
}

template<typename Tag>
std::variant<GwStationEvent<Tag>, DecodeError> GwStationEvent<Tag>::fromJson(const QJsonObject &o)
{
    return decodeWith<GwStationEvent>(o, [](Reader &r) {
        GwStationEvent e;
        e.seq = readSeq(r);
        e.call = r.identifier(kCall);
        e.agent = r.identifier(kAgent);
        e.station = r.identifier(kStation);
        return e;
    });
}

template struct BareEvent<tags::SessionReplaced>;
template struct GwStationEvent<tags::GwRing>;
template struct GwStationEvent<tags::GwBridge>;
template struct GwStationEvent<tags::GwRelease>;
template struct GwCallEvent<tags::GwCancel>;
template struct GwCallEvent<tags::GwDrop>;
template struct GwCallEvent<tags::GwHold>;
template struct GwCallEvent<tags::GwResume>;
template struct GwCallEvent<tags::GwMute>;
template struct GwCallEvent<tags::GwUnmute>;
template struct GwCallEvent<tags::GwCallbackQueued>;

QJsonObject GwTransferEvent::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(kCall, call);
    o.insert(kNumber, number);
    return o;
}

std::variant<GwTransferEvent, DecodeError> GwTransferEvent::fromJson(const QJsonObject &o)
{
    return decodeWith<GwTransferEvent>(o, [](Reader &r) {
        GwTransferEvent e;
        e.seq = readSeq(r);
        e.call = r.identifier(kCall);
        e.number = r.identifier(kNumber);
        return e;
    });
}

QJsonObject GwExitEvent::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(kCall, call);
    o.insert(QLatin1String("cause"), cause);
    o.insert(kNumber, nullIfEmpty(number));
    return o;
}

std::variant<GwExitEvent, DecodeError> GwExitEvent::fromJson(const QJsonObject &o)
{
    return decodeWith<GwExitEvent>(o, [](Reader &r) {
        GwExitEvent e;
        e.seq = readSeq(r);
        e.call = r.identifier(kCall);
        e.cause = r.identifier(QLatin1String("cause"));
        e.number = r.identifier(kNumber, Presence::Optional);
        return e;
    });
}

QJsonObject GwDialEvent::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(kCall, call);
    o.insert(kAgent, agent);
    o.insert(kStation, station);
    o.insert(kNumber, number);
    return o;
}

std::variant<GwDialEvent, DecodeError> GwDialEvent::fromJson(const QJsonObject &o)
{
    return decodeWith<GwDialEvent>(o, [](Reader &r) {
        GwDialEvent e;
        e.seq = readSeq(r);
        e.call = r.identifier(kCall);
        e.agent = r.identifier(kAgent);
        e.station = r.identifier(kStation);
        e.number = r.identifier(kNumber);
        return e;
    });
}

bool GwDialEvent::operator==(const GwDialEvent &o) const
{
    return seq == o.seq && call == o.call && agent == o.agent && station == o.station &&
           number == o.number;
}

template<typename Tag>
QJsonObject DigitsEvent<Tag>::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(kCall, call);
    o.insert(QLatin1String("digits"), digits);
    return o;
}

template<typename Tag>
std::variant<DigitsEvent<Tag>, DecodeError> DigitsEvent<Tag>::fromJson(const QJsonObject &o)
{
    return decodeWith<DigitsEvent>(o, [](Reader &r) {
        DigitsEvent e;
        e.seq = readSeq(r);
        e.call = r.identifier(kCall);
        e.digits = r.identifier(QLatin1String("digits"), Presence::Required, 64);
        return e;
    });
}

template<typename Tag>
QJsonObject GwPartyEvent<Tag>::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(kCall, call);
    o.insert(kAgent, nullIfEmpty(agent));
    o.insert(kStation, nullIfEmpty(station));
    o.insert(kNumber, nullIfEmpty(number));
    return o;
}

template<typename Tag>
std::variant<GwPartyEvent<Tag>, DecodeError> GwPartyEvent<Tag>::fromJson(const QJsonObject &o)
{
    return decodeWith<GwPartyEvent>(o, [](Reader &r) {
        GwPartyEvent e;
        e.seq = readSeq(r);
        e.call = r.identifier(kCall);
        e.agent = r.identifier(kAgent, Presence::Optional);
        e.station = r.identifier(kStation, Presence::Optional);
        e.number = r.identifier(kNumber, Presence::Optional);
        return e;
    });
}

template struct CallCauseEvent<tags::CallEnded>;
template struct CallCauseEvent<tags::CallConsultEnded>;
template struct GwPartyEvent<tags::GwConsult>;
template struct GwPartyEvent<tags::GwComplete>;
template struct GwCallEvent<tags::GwConsultEnd>;
template struct GwCallEvent<tags::GwConference>;
template struct DigitsEvent<tags::GwDtmf>;
template struct DigitsEvent<tags::CallDigits>;

// --- worklist (addition) ---------------------------------------------------------------

WorklistEntry detail::readWorklistEntry(Reader &r)
{
    WorklistEntry e;
    e.id = r.text(QLatin1String("id"), Presence::Required, 256, false);
    e.queue = r.identifier(QLatin1String("queue"));
    Reader caller = r.nested(QLatin1String("caller"));
    e.caller = readParty(caller);
    e.abandonedAt = r.time(QLatin1String("abandonedAt"));
    e.waitedMs = r.integer(QLatin1String("waitedMs"), 0, MaxIntegerId);
    e.isShort = r.boolean(QLatin1String("short"));
    e.doneBy = r.text(QLatin1String("doneBy"), Presence::Optional, 256, false);
    e.doneAt = r.nullableTime(QLatin1String("doneAt"));
    return e;
}

QJsonObject WorklistEntry::toJson() const
{
    return QJsonObject{{QLatin1String("id"), id},
                       {QLatin1String("queue"), queue},
                       {QLatin1String("caller"), caller.toJson()},
                       {QLatin1String("abandonedAt"), timeValue(abandonedAt)},
                       {QLatin1String("waitedMs"), waitedMs},
                       {QLatin1String("short"), isShort},
                       {QLatin1String("doneBy"), doneBy.isEmpty() ? QJsonValue() : doneBy},
                       {QLatin1String("doneAt"), nullableTime(doneAt)}};
}

std::variant<WorklistEntry, DecodeError> WorklistEntry::fromJson(const QJsonObject &o)
{
    return decodeWith<WorklistEntry>(o, readWorklistEntry);
}

bool WorklistEntry::operator==(const WorklistEntry &o) const
{
    return id == o.id && queue == o.queue && caller == o.caller && abandonedAt == o.abandonedAt &&
           waitedMs == o.waitedMs && isShort == o.isShort && doneBy == o.doneBy &&
           doneAt == o.doneAt;
}

QJsonObject WorklistUpdateEvent::toJson() const
{
    QJsonObject o = typed(Type, seq);
    o.insert(QLatin1String("entry"), entry.toJson());
    return o;
}

std::variant<WorklistUpdateEvent, DecodeError> WorklistUpdateEvent::fromJson(const QJsonObject &o)
{
    return decodeWith<WorklistUpdateEvent>(o, [](Reader &r) {
        WorklistUpdateEvent e;
        e.seq = readSeq(r);
        Reader entry = r.nested(QLatin1String("entry"));
        e.entry = readWorklistEntry(entry);
        return e;
    });
}

// --- generic ----------------------------------------------------------------------------

QStringList serverMessageTypes()
{
    QStringList out;
    forEachAlternative<ServerMessage>([&out](auto tag) {
        out.append(QLatin1String(decltype(tag)::type::Type));
        return false;
    });
    return out;
}

std::variant<ServerMessage, DecodeError> decodeServerMessage(QByteArrayView utf8)
{
    QJsonParseError error{};
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray::fromRawData(utf8.data(), utf8.size()), &error);
    if (error.error != QJsonParseError::NoError)
        return DecodeError{ErrorCode::BadRequest,
                           QStringLiteral("not valid JSON: %1 at offset %2")
                               .arg(error.errorString())
                               .arg(error.offset),
                           QJsonValue::Undefined};
    if (!doc.isObject())
        return DecodeError{ErrorCode::BadRequest, QStringLiteral("message must be a JSON object"),
                           QJsonValue::Undefined};
    return decodeServerMessage(doc.object());
}

std::variant<ServerMessage, DecodeError> decodeServerMessage(const QJsonObject &object)
{
    const QJsonValue type = object.value(kType);
    if (!type.isString())
        return DecodeError{ErrorCode::BadRequest,
                           type.isUndefined() ? QStringLiteral("field \"type\": required")
                                              : QStringLiteral("field \"type\": must be a string"),
                           QJsonValue::Undefined};
    const QString name = type.toString();
    std::variant<ServerMessage, DecodeError> result =
        DecodeError{ErrorCode::UnknownType, QStringLiteral("unknown type ") + quoted(name),
                    QJsonValue::Undefined};
    forEachAlternative<ServerMessage>([&](auto tag) {
        using T = typename decltype(tag)::type;
        if (name != QLatin1String(T::Type))
            return false;
        std::variant<T, DecodeError> r = T::fromJson(object);
        if (auto *e = std::get_if<DecodeError>(&r))
            result = std::move(*e);
        else
            result = ServerMessage(std::move(std::get<T>(r)));
        return true;
    });
    return result;
}

QString messageType(const ServerMessage &message)
{
    return std::visit([](const auto &m) { return QString::fromLatin1(m.Type); }, message);
}

QJsonObject toJson(const ServerMessage &message)
{
    return std::visit([](const auto &m) { return m.toJson(); }, message);
}

QByteArray encodeServerMessage(const ServerMessage &message)
{
    return compact(toJson(message));
}

QByteArray encodeEventBody(const QJsonObject &withoutSeq)
{
    return compact(withoutSeq);
}

QByteArray seqPrefix(const QByteArray &body, quint64 seq)
{
    char prefix[32];
    const bool empty = body.size() >= 2 && body.at(1) == '}';
    const int n = std::snprintf(prefix, sizeof prefix, empty ? "{\"seq\":%llu" : "{\"seq\":%llu,",
                                static_cast<unsigned long long>(seq));
    return QByteArray(prefix, n);
}

QByteArray withSeq(const QByteArray &body, quint64 seq)
{
    if (!body.startsWith('{'))
        return body;
    return seqPrefix(body, seq) + QByteArrayView(body).sliced(1);
}

QByteArray encodeEvent(const QJsonObject &withoutSeq, quint64 seq)
{
    return withSeq(encodeEventBody(withoutSeq), seq);
}

QDebug operator<<(QDebug dbg, const ServerMessage &message)
{
    QDebugStateSaver saver(dbg);
    dbg.nospace().noquote() << "ServerMessage" << compact(toJson(message));
    return dbg;
}

} // namespace acdesk::proto
