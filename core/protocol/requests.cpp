// The envelope decoder, the permission table and the typed requests. Over 600 lines on
// purpose: one short encoder/decoder pair per request of the contract, in the contract's
// order; the request list is easier to check against docs/protocol.md in one file.

#include "requests.h"

#include "jsonreader_p.h"

#include <QDebug>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

namespace acdesk::proto {

using namespace detail;

namespace {

const QLatin1String kType("type");
const QLatin1String kId("id");
const QLatin1String kKey("key");
const QLatin1String kCall("call");
const QLatin1String kState("state");
const QLatin1String kReason("reason");
const QLatin1String kAgent("agent");
const QLatin1String kNumber("number");

DecodeError badRequest(const QString &message, const QJsonValue &id = QJsonValue::Undefined)
{
    return DecodeError{ErrorCode::BadRequest, message, id};
}

QJsonObject typed(const char *type)
{
    return QJsonObject{{kType, QLatin1String(type)}};
}

// Reads agent.setState / supervisor.setAgentState's state and reason.
void readStateChange(Reader &r, AgentState *state, QString *reason, bool reasonRequired)
{
    *state = r.enumeration(kState, AgentState::Ready);
    if (r.failed())
        return;
    if (*state != AgentState::Ready && *state != AgentState::NotReady) {
        r.fail(kState, QStringLiteral("must be \"ready\" or \"not_ready\", got ") +
                           quoted(toString(*state)));
        return;
    }
    if (*state == AgentState::Ready) {
        if (r.present(kReason))
            r.fail(kReason, QStringLiteral("only allowed with state \"not_ready\""));
        return;
    }
    *reason = r.identifier(kReason, reasonRequired ? Presence::Required : Presence::Optional);
}

void writeStateChange(QJsonObject &o, AgentState state, const QString &reason)
{
    o.insert(kState, toString(state));
    if (!reason.isEmpty())
        o.insert(kReason, reason);
}

} // namespace

QDebug operator<<(QDebug dbg, const Envelope &e)
{
    QDebugStateSaver saver(dbg);
    dbg.nospace().noquote() << "Envelope(" << e.type << ", id " << e.id << ", key " << e.key << ", "
                            << compact(e.body) << ')';
    return dbg;
}

std::variant<Envelope, DecodeError> decodeEnvelope(QByteArrayView utf8)
{
    QJsonParseError error{};
    // QJsonDocument refuses nesting deeper than its own limit (DeepNesting) instead of
    // recursing: that, like every parse error, is a bad_request.
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray::fromRawData(utf8.data(), utf8.size()), &error);
    if (error.error != QJsonParseError::NoError)
        return badRequest(QStringLiteral("not valid JSON: %1 at offset %2")
                              .arg(error.errorString())
                              .arg(error.offset));
    if (!doc.isObject())
        return badRequest(QStringLiteral("message must be a JSON object"));
    return decodeEnvelope(doc.object());
}

std::variant<Envelope, DecodeError> decodeEnvelope(const QJsonObject &object)
{
    Envelope env;
    // The id first, so that every later error can carry it.
    const QJsonValue id = object.value(kId);
    if (!id.isUndefined()) {
        if (id.isString()) {
            const QString s = id.toString();
            if (s.isEmpty())
                return badRequest(QStringLiteral("field \"id\": must not be empty"));
            if (s.size() > MaxIdLength)
                return badRequest(
                    QStringLiteral("field \"id\": longer than %1 characters").arg(MaxIdLength));
        } else {
            const std::optional<qint64> i = exactInteger(id);
            if (!i)
                return badRequest(QStringLiteral("field \"id\": must be a string or an integer"));
            if (*i > MaxIntegerId || *i < -MaxIntegerId)
                return badRequest(QStringLiteral("field \"id\": integer out of range ±2^53"));
        }
        env.id = id;
    }
    const QJsonValue type = object.value(kType);
    if (type.isUndefined())
        return badRequest(QStringLiteral("field \"type\": required"), env.id);
    if (!type.isString())
        return badRequest(QStringLiteral("field \"type\": must be a string"), env.id);
    env.type = type.toString();
    const QJsonValue key = object.value(kKey);
    if (!key.isUndefined()) {
        if (!key.isString())
            return badRequest(QStringLiteral("field \"key\": must be a string"), env.id);
        env.key = key.toString();
        if (env.key.isEmpty())
            return badRequest(QStringLiteral("field \"key\": must not be empty"), env.id);
        if (env.key.size() > MaxIdLength)
            return badRequest(
                QStringLiteral("field \"key\": longer than %1 characters").arg(MaxIdLength),
                env.id);
    }
    env.body = object;
    return env;
}

bool isKnownRequestType(QStringView type)
{
    return forEachAlternative<Request>(
        [type](auto tag) { return type == QLatin1String(decltype(tag)::type::Type); });
}

QStringList knownRequestTypes()
{
    QStringList out;
    forEachAlternative<Request>([&out](auto tag) {
        out.append(QLatin1String(decltype(tag)::type::Type));
        return false;
    });
    return out;
}

bool requiresAuthentication(QStringView type)
{
    return type != QLatin1String("login") && type != QLatin1String("resume");
}

bool isMutatingRequestType(QStringView type)
{
    return isKnownRequestType(type) &&
           (type.startsWith(QLatin1String("agent.")) || type.startsWith(QLatin1String("call.")) ||
            type.startsWith(QLatin1String("supervisor.")) || type == QLatin1String("broadcast") ||
            type.startsWith(QLatin1String("gw.")) || type == QLatin1String("worklist.done") ||
            type == QLatin1String("admin.config.put"));
}

QJsonObject AdminSetPasswordRequest::toJson() const
{
    QJsonObject o = typed(Type);
    if (role)
        o.insert(QLatin1String("role"), toString(*role));
    o.insert(QLatin1String("user"), user);
    o.insert(QLatin1String("password"), password);
    return o;
}

namespace {
QString newPassword(Reader &r)
{
    const QString p = r.text(QLatin1String("password"), Presence::Required, MaxSecretLength, true);
    if (!r.failed() && p.size() < MinNewPasswordLength)
        r.fail(QLatin1String("password"),
               QStringLiteral("shorter than %1 characters").arg(MinNewPasswordLength));
    return p;
}
} // namespace

std::variant<AdminSetPasswordRequest, DecodeError>
AdminSetPasswordRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<AdminSetPasswordRequest>(o, [](Reader &r) {
        AdminSetPasswordRequest q;
        q.role = r.optionalEnumeration<Role>(QLatin1String("role"), Presence::Optional);
        q.user = r.identifier(QLatin1String("user"));
        q.password = newPassword(r);
        return q;
    });
}

QJsonObject AdminConfigPutRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(QLatin1String("version"), version);
    o.insert(QLatin1String("config"), config);
    return o;
}

std::variant<AdminConfigPutRequest, DecodeError>
AdminConfigPutRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<AdminConfigPutRequest>(o, [](Reader &r) {
        AdminConfigPutRequest q;
        q.version = r.text(QLatin1String("version"), Presence::Required, 64, false);
        q.config = r.object(QLatin1String("config"), Presence::Required);
        return q;
    });
}

QJsonObject AccountSetPasswordRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(QLatin1String("oldPassword"), oldPassword);
    o.insert(QLatin1String("password"), password);
    return o;
}

std::variant<AccountSetPasswordRequest, DecodeError>
AccountSetPasswordRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<AccountSetPasswordRequest>(o, [](Reader &r) {
        AccountSetPasswordRequest q;
        q.oldPassword =
            r.text(QLatin1String("oldPassword"), Presence::Required, MaxSecretLength, true);
        q.password = newPassword(r);
        return q;
    });
}

bool roleMayUse(Role role, QStringView type)
{
    if (!isKnownRequestType(type) || !requiresAuthentication(type))
        return false;
    if (type == QLatin1String("logout"))
        return true;
    if (type.startsWith(QLatin1String("agent.")) || type.startsWith(QLatin1String("call.")))
        return role == Role::Agent;
    if (type.startsWith(QLatin1String("stats.")))
        return role == Role::Agent || role == Role::Supervisor || role == Role::Wallboard;
    if (type.startsWith(QLatin1String("supervisor.")) || type == QLatin1String("broadcast"))
        return role == Role::Supervisor;
    if (type.startsWith(QLatin1String("gw.")))
        return role == Role::Gateway;
    if (type.startsWith(QLatin1String("worklist.")))
        return role == Role::Agent || role == Role::Supervisor;
    if (type == QLatin1String("report.get"))
        return role == Role::Supervisor;
    if (type == QLatin1String("audit.list"))
        return role == Role::Supervisor;
    if (type.startsWith(QLatin1String("admin."))) // and the admin flag (server)
        return role == Role::Supervisor;
    if (type == QLatin1String("account.setPassword"))
        return role == Role::Agent || role == Role::Supervisor;
    return false;
}

bool isValidDtmf(QStringView digits)
{
    if (digits.isEmpty() || digits.size() > MaxDtmfDigits)
        return false;
    for (const QChar c : digits) {
        if (!((c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('*') ||
              c == QLatin1Char('#')))
            return false;
    }
    return true;
}

// --- login, resume ---------------------------------------------------------------------

QJsonObject LoginRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(QLatin1String("role"), toString(role));
    o.insert(QLatin1String("user"), user);
    o.insert(QLatin1String("secret"), secret);
    if (!station.isEmpty())
        o.insert(QLatin1String("station"), station);
    return o;
}

std::variant<LoginRequest, DecodeError> LoginRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<LoginRequest>(o, [](Reader &r) {
        LoginRequest q;
        q.role = r.enumeration(QLatin1String("role"), Role::Agent);
        q.user = r.identifier(QLatin1String("user"));
        q.secret = r.text(QLatin1String("secret"), Presence::Required, MaxSecretLength, true);
        q.station = r.identifier(QLatin1String("station"), Presence::Optional);
        return q;
    });
}

bool LoginRequest::operator==(const LoginRequest &o) const
{
    return role == o.role && user == o.user && secret == o.secret && station == o.station;
}

QJsonObject ResumeRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(QLatin1String("token"), token);
    return o;
}

std::variant<ResumeRequest, DecodeError> ResumeRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<ResumeRequest>(o, [](Reader &r) {
        return ResumeRequest{
            r.identifier(QLatin1String("token"), Presence::Required, MaxSecretLength)};
    });
}

// --- templates --------------------------------------------------------------------------

template<typename Tag>
QJsonObject EmptyRequest<Tag>::toJson() const
{
    return typed(Type);
}

template<typename Tag>
std::variant<EmptyRequest<Tag>, DecodeError> EmptyRequest<Tag>::fromJson(const QJsonObject &)
{
    return EmptyRequest{};
}

template<typename Tag>
QJsonObject CallIdRequest<Tag>::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(kCall, call);
    return o;
}

template<typename Tag>
std::variant<CallIdRequest<Tag>, DecodeError> CallIdRequest<Tag>::fromJson(const QJsonObject &o)
{
    return decodeWith<CallIdRequest>(o, [](Reader &r) {
        CallIdRequest q;
        q.call = r.identifier(kCall);
        return q;
    });
}

template struct EmptyRequest<tags::Logout>;
template struct EmptyRequest<tags::StatsUnsubscribe>;
template struct EmptyRequest<tags::WorklistList>;
template struct EmptyRequest<tags::AdminConfigGet>;
template struct CallIdRequest<tags::CallAccept>;
template struct CallIdRequest<tags::CallReject>;
template struct CallIdRequest<tags::CallHangup>;
template struct CallIdRequest<tags::CallHold>;
template struct CallIdRequest<tags::CallResume>;
template struct CallIdRequest<tags::CallMute>;
template struct CallIdRequest<tags::CallUnmute>;
template struct CallIdRequest<tags::GwAnswered>;
template struct CallIdRequest<tags::GwPosition>;
template struct CallIdRequest<tags::CallCompleteTransfer>;
template struct CallIdRequest<tags::CallCancelConsult>;
template struct CallIdRequest<tags::CallConference>;

// --- agent.* ----------------------------------------------------------------------------

QJsonObject AgentSetStateRequest::toJson() const
{
    QJsonObject o = typed(Type);
    writeStateChange(o, state, reason);
    return o;
}

std::variant<AgentSetStateRequest, DecodeError> AgentSetStateRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<AgentSetStateRequest>(o, [](Reader &r) {
        AgentSetStateRequest q;
        readStateChange(r, &q.state, &q.reason, true);
        return q;
    });
}

QJsonObject AgentEndWrapUpRequest::toJson() const
{
    QJsonObject o = typed(Type);
    if (!disposition.isEmpty())
        o.insert(QLatin1String("disposition"), disposition);
    if (!notes.isEmpty())
        o.insert(QLatin1String("notes"), notes);
    return o;
}

std::variant<AgentEndWrapUpRequest, DecodeError>
AgentEndWrapUpRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<AgentEndWrapUpRequest>(o, [](Reader &r) {
        AgentEndWrapUpRequest q;
        q.disposition = r.identifier(QLatin1String("disposition"), Presence::Optional);
        q.notes = r.text(QLatin1String("notes"), Presence::Optional, MaxNotesLength, true);
        return q;
    });
}

// --- call.* -----------------------------------------------------------------------------

template<typename Tag>
QJsonObject DigitsRequest<Tag>::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(kCall, call);
    o.insert(QLatin1String("digits"), digits);
    return o;
}

template<typename Tag>
std::variant<DigitsRequest<Tag>, DecodeError> DigitsRequest<Tag>::fromJson(const QJsonObject &o)
{
    return decodeWith<DigitsRequest>(o, [](Reader &r) {
        DigitsRequest q;
        q.call = r.identifier(kCall);
        q.digits = r.text(QLatin1String("digits"), Presence::Required, MaxDtmfDigits, false);
        if (!r.failed() && !isValidDtmf(q.digits))
            r.fail(QLatin1String("digits"),
                   QStringLiteral("only 0-9, * and # allowed, got ") + quoted(q.digits));
        return q;
    });
}

template<typename Tag>
QJsonObject CallbackRequest<Tag>::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(kCall, call);
    if (!number.isEmpty())
        o.insert(kNumber, number);
    return o;
}

template<typename Tag>
std::variant<CallbackRequest<Tag>, DecodeError> CallbackRequest<Tag>::fromJson(const QJsonObject &o)
{
    return decodeWith<CallbackRequest>(o, [](Reader &r) {
        CallbackRequest q;
        q.call = r.identifier(kCall);
        q.number = r.identifier(kNumber, Presence::Optional);
        // The number is dialled later, maybe after a restart: refuse what no trunk dials.
        static const QRegularExpression phone(
            QStringLiteral("^(\\+?[0-9*#]{1,32}|sip:[^\\s<>\"]{1,200})$"));
        if (!r.failed() && !q.number.isEmpty() && !phone.match(q.number).hasMatch())
            r.fail(kNumber, QStringLiteral("not a phone number (+, digits, * #) or sip: URI: ") +
                                quoted(q.number));
        return q;
    });
}

template struct CallbackRequest<tags::GwCallback>;
template struct CallbackRequest<tags::SupervisorCallback>;

template struct DigitsRequest<tags::CallDtmf>;
template struct DigitsRequest<tags::GwDigits>;

template<typename Tag>
QJsonObject TargetRequest<Tag>::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(kCall, call);
    o.insert(QLatin1String("to"), to.toJson());
    return o;
}

template<typename Tag>
std::variant<TargetRequest<Tag>, DecodeError> TargetRequest<Tag>::fromJson(const QJsonObject &o)
{
    return decodeWith<TargetRequest>(o, [](Reader &r) {
        TargetRequest q;
        q.call = r.identifier(kCall);
        q.to = readTransferTarget(r);
        return q;
    });
}

template struct TargetRequest<tags::CallTransfer>;
template struct TargetRequest<tags::CallConsult>;

QJsonObject CallDialRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(kNumber, number);
    return o;
}

std::variant<CallDialRequest, DecodeError> CallDialRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<CallDialRequest>(o, [](Reader &r) {
        CallDialRequest q;
        q.number = r.identifier(kNumber);
        return q;
    });
}

// --- stats.* ----------------------------------------------------------------------------

QJsonObject StatsSubscribeRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(QLatin1String("queues"), QJsonArray::fromStringList(queues));
    return o;
}

std::variant<StatsSubscribeRequest, DecodeError>
StatsSubscribeRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<StatsSubscribeRequest>(o, [](Reader &r) {
        StatsSubscribeRequest q;
        const QLatin1String f("queues");
        q.queues = r.identifierList(f, Presence::Required);
        if (r.failed())
            return q;
        if (q.queues.isEmpty())
            r.fail(f, QStringLiteral("must not be empty"));
        else if (q.queues.size() > 1 && q.queues.contains(QLatin1String("*")))
            r.fail(f, QStringLiteral("\"*\" must stand alone"));
        else if (q.queues.removeDuplicates() != 0)
            r.fail(f, QStringLiteral("must not repeat a queue"));
        return q;
    });
}

// --- supervisor.*, broadcast ------------------------------------------------------------

QJsonObject SupervisorSetAgentStateRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(kAgent, agent);
    writeStateChange(o, state, reason);
    return o;
}

std::variant<SupervisorSetAgentStateRequest, DecodeError>
SupervisorSetAgentStateRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<SupervisorSetAgentStateRequest>(o, [](Reader &r) {
        SupervisorSetAgentStateRequest q;
        q.agent = r.identifier(kAgent);
        readStateChange(r, &q.state, &q.reason, false);
        return q;
    });
}

QJsonObject WorklistDoneRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(QLatin1String("entry"), entry);
    return o;
}

std::variant<WorklistDoneRequest, DecodeError> WorklistDoneRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<WorklistDoneRequest>(o, [](Reader &r) {
        WorklistDoneRequest q;
        q.entry = r.identifier(QLatin1String("entry"));
        return q;
    });
}

QJsonObject ReportGetRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(QLatin1String("from"), from.toString(Qt::ISODate));
    o.insert(QLatin1String("to"), to.toString(Qt::ISODate));
    if (hourly)
        o.insert(QLatin1String("hourly"), true);
    return o;
}

namespace {
// from/to of report.get and audit.list: local days, at most 366 apart, so one request
// cannot scan years of records.
void readDays(Reader &r, QDate *from, QDate *to)
{
    auto day = [&r](QLatin1String f) {
        const QString text = r.text(f, Presence::Required, 10, false);
        const QDate d = QDate::fromString(text, Qt::ISODate);
        if (!r.failed() && (text.size() != 10 || !d.isValid()))
            r.fail(f, QStringLiteral("must be a date YYYY-MM-DD"));
        return d;
    };
    *from = day(QLatin1String("from"));
    *to = day(QLatin1String("to"));
    if (!r.failed() && (*to < *from || from->daysTo(*to) > 366))
        r.fail(QLatin1String("to"),
               QStringLiteral("must be on or after from, at most 366 days later"));
}
} // namespace

std::variant<ReportGetRequest, DecodeError> ReportGetRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<ReportGetRequest>(o, [](Reader &r) {
        ReportGetRequest q;
        readDays(r, &q.from, &q.to);
        q.hourly = r.optionalBoolean(QLatin1String("hourly")).value_or(false);
        return q;
    });
}

QJsonObject AuditListRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(QLatin1String("from"), from.toString(Qt::ISODate));
    o.insert(QLatin1String("to"), to.toString(Qt::ISODate));
    if (!action.isEmpty())
        o.insert(QLatin1String("action"), action);
    if (!actor.isEmpty())
        o.insert(QLatin1String("actor"), actor);
    if (!target.isEmpty())
        o.insert(QLatin1String("target"), target);
    o.insert(QLatin1String("limit"), limit);
    return o;
}

std::variant<AuditListRequest, DecodeError> AuditListRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<AuditListRequest>(o, [](Reader &r) {
        AuditListRequest q;
        readDays(r, &q.from, &q.to);
        q.action = r.text(QLatin1String("action"), Presence::Optional, 100, true);
        q.actor = r.text(QLatin1String("actor"), Presence::Optional, 300, true);
        q.target = r.text(QLatin1String("target"), Presence::Optional, 300, true);
        q.limit = int(r.optionalInteger(QLatin1String("limit"), 1, 10000).value_or(1000));
        return q;
    });
}

QJsonObject SupervisorLogoutAgentRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(kAgent, agent);
    return o;
}

std::variant<SupervisorLogoutAgentRequest, DecodeError>
SupervisorLogoutAgentRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<SupervisorLogoutAgentRequest>(o, [](Reader &r) {
        SupervisorLogoutAgentRequest q;
        q.agent = r.identifier(kAgent);
        return q;
    });
}

QJsonObject BroadcastRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(QLatin1String("text"), text);
    o.insert(QLatin1String("severity"), toString(severity));
    return o;
}

std::variant<BroadcastRequest, DecodeError> BroadcastRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<BroadcastRequest>(o, [](Reader &r) {
        BroadcastRequest q;
        q.text = r.text(QLatin1String("text"), Presence::Required, MaxBroadcastLength, false);
        q.severity = r.optionalEnumeration<Severity>(QLatin1String("severity"), Presence::Optional)
                         .value_or(Severity::Info);
        return q;
    });
}

// --- gw.* -------------------------------------------------------------------------------

QJsonObject GwArriveRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(kCall, call);
    if (!queue.isEmpty())
        o.insert(QLatin1String("queue"), queue);
    if (!dialed.isEmpty())
        o.insert(QLatin1String("dialed"), dialed);
    o.insert(QLatin1String("caller"), caller.toJson(false));
    if (priority)
        o.insert(QLatin1String("priority"), *priority);
    if (!data.isEmpty())
        o.insert(QLatin1String("data"), data);
    return o;
}

std::variant<GwArriveRequest, DecodeError> GwArriveRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<GwArriveRequest>(o, [](Reader &r) {
        GwArriveRequest q;
        q.call = r.identifier(kCall);
        const QLatin1String fq("queue");
        const QLatin1String fd("dialed");
        q.queue = r.identifier(fq, Presence::Optional);
        q.dialed = r.identifier(fd, Presence::Optional);
        if (!r.failed() && q.queue.isEmpty() == q.dialed.isEmpty())
            r.fail(fq, QStringLiteral("exactly one of \"queue\" and \"dialed\" is required"));
        {
            Reader caller = r.nested(QLatin1String("caller"));
            q.caller = readParty(caller);
        }
        if (const auto p = r.optionalInteger(QLatin1String("priority"), -1000000, 1000000))
            q.priority = int(*p);
        q.data = r.object(QLatin1String("data"), Presence::Optional);
        if (!r.failed() && depth(q.data, MaxDataDepth) > MaxDataDepth)
            r.fail(QLatin1String("data"),
                   QStringLiteral("nested deeper than %1 levels").arg(MaxDataDepth));
        return q;
    });
}

bool GwArriveRequest::operator==(const GwArriveRequest &o) const
{
    return call == o.call && queue == o.queue && dialed == o.dialed && caller == o.caller &&
           priority == o.priority && data == o.data;
}

QJsonObject GwHangupRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(kCall, call);
    o.insert(QLatin1String("side"), toString(side));
    return o;
}

std::variant<GwHangupRequest, DecodeError> GwHangupRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<GwHangupRequest>(o, [](Reader &r) {
        GwHangupRequest q;
        q.call = r.identifier(kCall);
        q.side = r.enumeration(QLatin1String("side"), HangupSide::Caller);
        return q;
    });
}

QJsonObject GwRingFailedRequest::toJson() const
{
    QJsonObject o = typed(Type);
    o.insert(kCall, call);
    o.insert(QLatin1String("agent"), agent);
    o.insert(QLatin1String("cause"), cause);
    return o;
}

std::variant<GwRingFailedRequest, DecodeError> GwRingFailedRequest::fromJson(const QJsonObject &o)
{
    return decodeWith<GwRingFailedRequest>(o, [](Reader &r) {
        GwRingFailedRequest q;
        q.call = r.identifier(kCall);
        q.agent = r.identifier(QLatin1String("agent"));
        q.cause = r.text(QLatin1String("cause"), Presence::Required, 32, false);
        if (!r.failed() && q.cause != QLatin1String("busy") &&
            q.cause != QLatin1String("unreachable"))
            r.fail(QLatin1String("cause"), QStringLiteral("unknown value ") + quoted(q.cause));
        return q;
    });
}

// --- generic ----------------------------------------------------------------------------

std::variant<Request, DecodeError> decodeRequest(const Envelope &envelope)
{
    std::variant<Request, DecodeError> result =
        DecodeError{ErrorCode::UnknownType, QStringLiteral("unknown type ") + quoted(envelope.type),
                    envelope.id};
    forEachAlternative<Request>([&](auto tag) {
        using T = typename decltype(tag)::type;
        if (envelope.type != QLatin1String(T::Type))
            return false;
        std::variant<T, DecodeError> r = T::fromJson(envelope.body);
        if (auto *e = std::get_if<DecodeError>(&r)) {
            e->id = envelope.id;
            result = std::move(*e);
        } else {
            result = Request(std::move(std::get<T>(r)));
        }
        return true;
    });
    return result;
}

std::variant<Request, DecodeError> decodeRequest(QByteArrayView utf8)
{
    std::variant<Envelope, DecodeError> env = decodeEnvelope(utf8);
    if (auto *e = std::get_if<DecodeError>(&env))
        return std::move(*e);
    return decodeRequest(std::get<Envelope>(env));
}

QString requestType(const Request &request)
{
    return std::visit([](const auto &r) { return QString::fromLatin1(r.Type); }, request);
}

QJsonObject toJson(const Request &request)
{
    return std::visit([](const auto &r) { return r.toJson(); }, request);
}

QByteArray encodeRequest(const Request &request, const QJsonValue &id, const QString &key)
{
    QJsonObject o = toJson(request);
    if (!id.isUndefined())
        o.insert(kId, id);
    if (!key.isEmpty())
        o.insert(kKey, key);
    return compact(o);
}

QDebug operator<<(QDebug dbg, const Request &request)
{
    QDebugStateSaver saver(dbg);
    dbg.nospace().noquote() << "Request" << compact(toJson(request));
    return dbg;
}

} // namespace acdesk::proto
