#include "agentsession.h"

#include "protocol/requests.h"

#include <QCoreApplication>
#include <QDesktopServices>
#include <QJsonArray>
#include <QLocale>
#include <QQmlEngine>

namespace acdesk::client {

namespace {

// Prototypes with every field set: the models' roles are the keys of their encoding.
AgentCall callPrototype()
{
    AgentCall c;
    c.call = callRowPrototype();
    c.cause = proto::EndCause::AgentHangup;
    c.endedAt = 0;
    return c;
}

QString callKey(const AgentCall &c)
{
    return c.call.id;
}

QString codeKey(const proto::CodeLabel &c)
{
    return c.code;
}

template<typename T>
QList<T> orEmpty(const std::optional<QList<T>> &list)
{
    return list.value_or(QList<T>());
}

} // namespace

QJsonObject AgentCall::toJson() const
{
    QJsonObject o = call.toJson();
    o.insert(QStringLiteral("timeoutMs"), timeoutMs);
    o.insert(QStringLiteral("cause"), cause ? QJsonValue(proto::toString(*cause)) : QJsonValue());
    o.insert(QStringLiteral("endedAt"),
             endedAt ? QJsonValue(proto::formatTime(*endedAt)) : QJsonValue());
    return o;
}

AgentSession::AgentSession(QObject *parent)
    : QObject(parent)
    , m_calls(callPrototype(), callKey)
    , m_queues(proto::QueueStats{}, qOverload<const proto::QueueStats &>(idOf))
    , m_reasons(proto::CodeLabel{}, codeKey)
    , m_dispositions(proto::CodeLabel{}, codeKey)
    , m_history(callPrototype(), {}) // a call can end twice here (transferred back)
{
    connect(&m_connection, &ClientConnection::statusChanged, this, &AgentSession::statusChanged);
    connect(&m_connection, &ClientConnection::urlChanged, this, &AgentSession::statusChanged);
    connect(&m_connection, &ClientConnection::errorChanged, this, &AgentSession::setError);
    connect(&m_connection, &ClientConnection::eventReceived, this, &AgentSession::onEvent);
    connect(&m_connection, &ClientConnection::loggedIn, this, [this] {
        setError({});
        // Own queues only; the server refuses others.
        command(proto::StatsSubscribeRequest{{QStringLiteral("*")}}.toJson());
    });
}

QString AgentSession::status() const
{
    return ClientConnection::statusName(m_connection.status());
}

QDateTime AgentSession::since() const
{
    return m_agent ? QDateTime::fromMSecsSinceEpoch(m_agent->since, Qt::UTC) : QDateTime();
}

QVariantMap AgentSession::pending() const
{
    return m_agent && m_agent->pending ? m_agent->pending->toJson().toVariantMap() : QVariantMap();
}

const AgentCall *AgentSession::findCall(bool offered) const
{
    for (const AgentCall &c : m_calls.rows())
        if (isOffer(c.call) == offered)
            return &c;
    return nullptr;
}

bool AgentSession::isOffer(const proto::Call &call) const
{
    if (call.state == proto::CallState::Offered)
        return true;
    // A colleague's consultation rings with the caller's call, which is on hold.
    return call.consult && call.consult->state == QLatin1String("ringing") && m_agent &&
           call.consult->agent == m_agent->id;
}

QVariantMap AgentSession::offer() const
{
    const AgentCall *c = findCall(true);
    return c ? c->toJson().toVariantMap() : QVariantMap();
}

QVariantMap AgentSession::activeCall() const
{
    const AgentCall *c = findCall(false);
    return c ? c->toJson().toVariantMap() : QVariantMap();
}

void AgentSession::setError(const QString &message)
{
    if (m_lastError == message)
        return;
    m_lastError = message;
    Q_EMIT lastErrorChanged();
}

void AgentSession::login(const QString &url, const QString &agent, const QString &password,
                         const QString &station)
{
    m_connection.open(QUrl(url), QStringLiteral("agent"), agent, password, station);
}

void AgentSession::resumeToken(const QString &url, const QString &token)
{
    m_connection.openWithToken(QUrl(url), token);
}

void AgentSession::logout()
{
    m_connection.logout();
}

void AgentSession::command(const QJsonObject &request)
{
    m_connection.request(request, [this](const ClientConnection::Reply &r) {
        if (!r.ok()) {
            setError(r.errorMessage);
            Q_EMIT commandFailed(r.errorMessage);
        }
    });
}

QString AgentSession::callFor(bool offered)
{
    const AgentCall *call = findCall(offered);
    if (!call) {
        setError(tr("There is no call for this."));
        return {};
    }
    return call->call.id;
}

void AgentSession::setReady()
{
    command(proto::AgentSetStateRequest{proto::AgentState::Ready, {}}.toJson());
}

void AgentSession::setNotReady(const QString &reason)
{
    command(proto::AgentSetStateRequest{proto::AgentState::NotReady, reason}.toJson());
}

void AgentSession::accept()
{
    if (const QString id = callFor(true); !id.isEmpty())
        command(proto::CallAcceptRequest{id}.toJson());
}

void AgentSession::reject()
{
    if (const QString id = callFor(true); !id.isEmpty())
        command(proto::CallRejectRequest{id}.toJson());
}

void AgentSession::hangup()
{
    if (const QString id = callFor(false); !id.isEmpty())
        command(proto::CallHangupRequest{id}.toJson());
}

void AgentSession::toggleHold()
{
    const QString id = callFor(false);
    if (id.isEmpty())
        return;
    if (findCall(false)->call.state == proto::CallState::Held)
        command(proto::CallResumeRequest{id}.toJson());
    else
        command(proto::CallHoldRequest{id}.toJson());
}

void AgentSession::toggleMute()
{
    const QString id = callFor(false);
    if (id.isEmpty())
        return;
    if (findCall(false)->call.muted)
        command(proto::CallUnmuteRequest{id}.toJson());
    else
        command(proto::CallMuteRequest{id}.toJson());
}

void AgentSession::dtmf(const QString &digits)
{
    if (const QString id = callFor(false); !id.isEmpty())
        command(proto::CallDtmfRequest{id, digits}.toJson());
}

void AgentSession::transfer(const QString &kind, const QString &target)
{
    const std::optional<proto::TransferKind> k = proto::fromString<proto::TransferKind>(kind);
    if (!k) {
        setError(tr("Unknown transfer target \"%1\".").arg(kind));
        return;
    }
    if (const QString id = callFor(false); !id.isEmpty())
        command(proto::CallTransferRequest{id, {*k, target}}.toJson());
}

void AgentSession::dial(const QString &number)
{
    command(proto::CallDialRequest{number}.toJson());
}

void AgentSession::consult(const QString &kind, const QString &target)
{
    const std::optional<proto::TransferKind> k = proto::fromString<proto::TransferKind>(kind);
    if (!k) {
        setError(tr("Unknown transfer target \"%1\".").arg(kind));
        return;
    }
    if (const QString id = callFor(false); !id.isEmpty()) {
        m_consultNote.clear();
        command(proto::CallConsultRequest{id, {*k, target}}.toJson());
    }
}

void AgentSession::completeTransfer()
{
    if (const QString id = callFor(false); !id.isEmpty())
        command(proto::CallCompleteTransferRequest{id}.toJson());
}

void AgentSession::cancelConsult()
{
    if (const QString id = callFor(false); !id.isEmpty())
        command(proto::CallCancelConsultRequest{id}.toJson());
}

void AgentSession::conference()
{
    if (const QString id = callFor(false); !id.isEmpty())
        command(proto::CallConferenceRequest{id}.toJson());
}

void AgentSession::endWrapUp(const QString &disposition, const QString &notes)
{
    command(proto::AgentEndWrapUpRequest{disposition, notes}.toJson());
}

bool AgentSession::setLanguage(const QString &code)
{
    const QLocale locale = code.isEmpty() ? QLocale::system() : QLocale(code);
    // One translator for the whole application: replace the one installed at start-up.
    const QList<QTranslator *> installed =
        QCoreApplication::instance()->findChildren<QTranslator *>();
    for (QTranslator *t : installed)
        QCoreApplication::removeTranslator(t);
    if (m_translator)
        QCoreApplication::removeTranslator(m_translator);
    delete m_translator;
    bool ok = true;
    auto *translator = new QTranslator(QCoreApplication::instance());
    if (translator->load(locale, QStringLiteral("acdesk"), QStringLiteral("_"),
                         QStringLiteral(":/i18n"))) {
        QCoreApplication::installTranslator(translator);
        m_translator = translator;
    } else {
        delete translator;
        // English is the source language: no file needed.
        ok = locale.language() == QLocale::English || locale.language() == QLocale::C;
    }
    if (QQmlEngine *engine = qmlEngine(this))
        engine->retranslate();
    return ok;
}

QString AgentSession::connectionNote() const
{
    if (!m_connection.onFallback())
        return {};
    return tr("Connected through %1: this network blocks plain WebSocket, so Acdesk uses TLS "
              "on port 443 (remembered for next time).")
        .arg(m_connection.url().toString());
}

bool AgentSession::openScreenPop()
{
    const AgentCall *call = findCall(false);
    if (!call || !call->call.screenPop)
        call = findCall(true);
    if (!call || !call->call.screenPop)
        return false;
    return QDesktopServices::openUrl(QUrl(call->call.screenPop->url, QUrl::StrictMode));
}

void AgentSession::popOnce(const proto::Call &call, QLatin1String moment)
{
    if (!call.screenPop || call.screenPop->open != moment || m_popped.contains(call.id))
        return;
    m_popped.insert(call.id);
    QDesktopServices::openUrl(QUrl(call.screenPop->url, QUrl::StrictMode));
}

void AgentSession::onEvent(const proto::ServerMessage &event)
{
    if (const auto *snapshot = std::get_if<proto::SnapshotEvent>(&event)) {
        // Rebuild everything from the snapshot: nothing is replayed after a resume.
        m_agent = snapshot->agent;
        QList<AgentCall> calls;
        for (const proto::Call &c : orEmpty(snapshot->calls)) {
            // The offer's timeout survives a resume (a call.offer may not come again).
            const AgentCall *known = m_calls.byKey(c.id);
            calls.append({c, known ? known->timeoutMs : 0, {}, {}});
        }
        m_calls.assign(calls);
        m_queues.assign(orEmpty(snapshot->queues));
        m_reasons.assign(orEmpty(snapshot->reasons));
        m_dispositions.assign(orEmpty(snapshot->dispositions));
        Q_EMIT agentChanged();
        Q_EMIT callsChanged();
        Q_EMIT queuesChanged();
    } else if (const auto *state = std::get_if<proto::AgentStateEvent>(&event)) {
        if (!m_agent)
            m_agent = proto::AgentInfo{};
        m_agent->id = state->agent;
        m_agent->state = state->state;
        m_agent->reason = state->reason;
        m_agent->since = state->since;
        m_agent->pending = state->pending;
        Q_EMIT agentChanged();
        if (state->state == proto::AgentState::LoggedOut) {
            // A supervisor logged us out: the server ended the session.
            setError(tr("You were logged out by a supervisor."));
            m_connection.close();
            m_agent.reset();
            Q_EMIT agentChanged();
        }
    } else if (const auto *offer = std::get_if<proto::CallOfferEvent>(&event)) {
        const AgentCall call{offer->call, offer->timeoutMs, {}, {}};
        m_calls.upsert(call);
        Q_EMIT callsChanged();
        Q_EMIT incomingCall(call.toJson().toVariantMap());
        popOnce(offer->call, QLatin1String("offer"));
    } else if (const auto *update = std::get_if<proto::CallUpdateEvent>(&event)) {
        const AgentCall *known = m_calls.byKey(update->call.id);
        m_calls.upsert({update->call, known ? known->timeoutMs : 0, {}, {}});
        Q_EMIT callsChanged();
        if (update->call.state == proto::CallState::Connected)
            popOnce(update->call, QLatin1String("accept"));
    } else if (const auto *ended = std::get_if<proto::CallEndedEvent>(&event)) {
        m_calls.remove(ended->call.id);
        // An offer that ends lives on in its queue: its next offer may open the page again.
        m_popped.remove(ended->call.id);
        m_history.upsert({ended->call, 0, ended->cause, QDateTime::currentMSecsSinceEpoch()}, 0);
        Q_EMIT callsChanged();
    } else if (const auto *gone = std::get_if<proto::CallConsultEndedEvent>(&event)) {
        const AgentCall *known = m_calls.byKey(gone->call.id);
        m_calls.upsert({gone->call, known ? known->timeoutMs : 0, {}, {}});
        switch (gone->cause) {
        case proto::EndCause::Rejected:
            m_consultNote = tr("Your colleague declined the consultation. The caller is on hold.");
            break;
        case proto::EndCause::NoAnswer:
            m_consultNote = tr("Nobody answered the consultation. The caller is on hold.");
            break;
        case proto::EndCause::AgentHangup:
        case proto::EndCause::AgentLost:
            m_consultNote = tr("The consultation ended.");
            break;
        default:
            m_consultNote.clear(); // withdrawn by this desk, or the caller left
        }
        Q_EMIT callsChanged();
    } else if (const auto *stats = std::get_if<proto::StatsEvent>(&event)) {
        m_queues.assign(stats->queues);
        Q_EMIT queuesChanged();
    } else if (const auto *message = std::get_if<proto::MessageEvent>(&event)) {
        QJsonObject m = message->toJson();
        m.remove(QStringLiteral("type"));
        m.remove(QStringLiteral("seq"));
        m_message = m.toVariantMap();
        Q_EMIT messageChanged();
    }
}

} // namespace acdesk::client
