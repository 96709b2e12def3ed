#include "agentsession.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QLocale>
#include <QQmlEngine>

namespace acdesk::client {

AgentSession::AgentSession(QObject *parent)
    : QObject(parent)
{
    connect(&m_connection, &ClientConnection::statusChanged, this, &AgentSession::statusChanged);
    connect(&m_connection, &ClientConnection::errorChanged, this, &AgentSession::setError);
    connect(&m_connection, &ClientConnection::eventReceived, this, &AgentSession::onEvent);
    connect(&m_connection, &ClientConnection::loggedIn, this, [this] {
        setError({});
        // Own queues only; the server refuses others.
        command(QStringLiteral("stats.subscribe"),
                {{QStringLiteral("queues"), QJsonArray{QStringLiteral("*")}}});
    });
}

QString AgentSession::status() const
{
    return ClientConnection::statusName(m_connection.status());
}

QDateTime AgentSession::since() const
{
    return QDateTime::fromString(m_agent.value(QStringLiteral("since")).toString(),
                                 Qt::ISODateWithMs);
}

QVariantMap AgentSession::offer() const
{
    for (const QVariantMap &c : m_calls)
        if (c.value(QStringLiteral("state")) == QLatin1String("offered"))
            return c;
    return {};
}

QVariantMap AgentSession::activeCall() const
{
    for (const QVariantMap &c : m_calls)
        if (c.value(QStringLiteral("state")) != QLatin1String("offered"))
            return c;
    return {};
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

void AgentSession::command(const QString &type, QJsonObject params)
{
    params.insert(QStringLiteral("type"), type);
    m_connection.request(params, [this](const ClientConnection::Reply &r) {
        if (!r.ok()) {
            setError(r.errorMessage);
            Q_EMIT commandFailed(r.errorMessage);
        }
    });
}

void AgentSession::callCommand(const QString &type, QJsonObject params)
{
    const QVariantMap call =
        type == QLatin1String("call.accept") || type == QLatin1String("call.reject") ? offer()
                                                                                     : activeCall();
    if (call.isEmpty()) {
        setError(tr("There is no call for this."));
        return;
    }
    params.insert(QStringLiteral("call"), call.value(QStringLiteral("id")).toString());
    command(type, params);
}

void AgentSession::setReady()
{
    command(QStringLiteral("agent.setState"), {{QStringLiteral("state"), QStringLiteral("ready")}});
}

void AgentSession::setNotReady(const QString &reason)
{
    command(QStringLiteral("agent.setState"),
            {{QStringLiteral("state"), QStringLiteral("not_ready")},
             {QStringLiteral("reason"), reason}});
}

void AgentSession::accept()
{
    callCommand(QStringLiteral("call.accept"));
}

void AgentSession::reject()
{
    callCommand(QStringLiteral("call.reject"));
}

void AgentSession::hangup()
{
    callCommand(QStringLiteral("call.hangup"));
}

void AgentSession::toggleHold()
{
    const bool held = activeCall().value(QStringLiteral("state")) == QLatin1String("held");
    callCommand(held ? QStringLiteral("call.resume") : QStringLiteral("call.hold"));
}

void AgentSession::toggleMute()
{
    const bool muted = activeCall().value(QStringLiteral("muted")).toBool();
    callCommand(muted ? QStringLiteral("call.unmute") : QStringLiteral("call.mute"));
}

void AgentSession::dtmf(const QString &digits)
{
    callCommand(QStringLiteral("call.dtmf"), {{QStringLiteral("digits"), digits}});
}

void AgentSession::transfer(const QString &kind, const QString &target)
{
    callCommand(QStringLiteral("call.transfer"),
                {{QStringLiteral("to"), QJsonObject{{kind, target}}}});
}

void AgentSession::dial(const QString &number)
{
    command(QStringLiteral("call.dial"), {{QStringLiteral("number"), number}});
}

void AgentSession::endWrapUp(const QString &disposition, const QString &notes)
{
    QJsonObject p;
    if (!disposition.isEmpty())
        p.insert(QStringLiteral("disposition"), disposition);
    if (!notes.isEmpty())
        p.insert(QStringLiteral("notes"), notes);
    command(QStringLiteral("agent.endWrapUp"), p);
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

void AgentSession::upsertCall(const QVariantMap &call)
{
    const QString id = call.value(QStringLiteral("id")).toString();
    for (QVariantMap &c : m_calls) {
        if (c.value(QStringLiteral("id")) == id) {
            const QVariant timeout = c.value(QStringLiteral("timeoutMs"));
            c = call;
            if (timeout.isValid())
                c.insert(QStringLiteral("timeoutMs"), timeout);
            return;
        }
    }
    m_calls.append(call);
}

void AgentSession::onEvent(const QString &type, const QJsonObject &event)
{
    if (type == QLatin1String("snapshot")) {
        // Rebuild everything from the snapshot: nothing is replayed after a resume.
        m_agent = event.value(QStringLiteral("agent")).toObject().toVariantMap();
        m_calls.clear();
        for (const QJsonValue &c : event.value(QStringLiteral("calls")).toArray())
            m_calls.append(c.toObject().toVariantMap());
        m_queues = event.value(QStringLiteral("queues")).toArray().toVariantList();
        m_reasons = event.value(QStringLiteral("reasons")).toArray().toVariantList();
        m_dispositions = event.value(QStringLiteral("dispositions")).toArray().toVariantList();
        Q_EMIT agentChanged();
        Q_EMIT callsChanged();
        Q_EMIT queuesChanged();
        Q_EMIT listsChanged();
    } else if (type == QLatin1String("agent.state")) {
        for (const QString &k : {QStringLiteral("state"), QStringLiteral("reason"),
                                 QStringLiteral("since"), QStringLiteral("pending")})
            m_agent.insert(k, event.value(k).toVariant());
        Q_EMIT agentChanged();
        if (event.value(QStringLiteral("state")) == QLatin1String("logged_out")) {
            // A supervisor logged us out: the server ended the session.
            setError(tr("You were logged out by a supervisor."));
            m_connection.close();
            m_agent.clear();
            Q_EMIT agentChanged();
        }
    } else if (type == QLatin1String("call.offer")) {
        QVariantMap call = event.value(QStringLiteral("call")).toObject().toVariantMap();
        call.insert(QStringLiteral("timeoutMs"),
                    event.value(QStringLiteral("timeoutMs")).toVariant());
        call.insert(QStringLiteral("offeredAt"), QDateTime::currentDateTimeUtc());
        upsertCall(call);
        Q_EMIT callsChanged();
        Q_EMIT incomingCall(call);
    } else if (type == QLatin1String("call.update")) {
        upsertCall(event.value(QStringLiteral("call")).toObject().toVariantMap());
        Q_EMIT callsChanged();
    } else if (type == QLatin1String("call.ended")) {
        QVariantMap call = event.value(QStringLiteral("call")).toObject().toVariantMap();
        const QString id = call.value(QStringLiteral("id")).toString();
        m_calls.removeIf([&](const QVariantMap &c) { return c.value(QStringLiteral("id")) == id; });
        call.insert(QStringLiteral("cause"), event.value(QStringLiteral("cause")).toString());
        call.insert(QStringLiteral("endedAt"), QDateTime::currentDateTimeUtc());
        m_history.prepend(call);
        Q_EMIT callsChanged();
        Q_EMIT historyChanged();
    } else if (type == QLatin1String("stats")) {
        m_queues = event.value(QStringLiteral("queues")).toArray().toVariantList();
        Q_EMIT queuesChanged();
    } else if (type == QLatin1String("message")) {
        m_message = event.toVariantMap();
        Q_EMIT messageChanged();
    }
}

} // namespace acdesk::client
