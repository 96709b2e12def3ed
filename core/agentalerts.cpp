#include "agentalerts.h"

namespace acdesk::client {

namespace {
const QString OfferTag = QStringLiteral("offer");
} // namespace

AgentAlerts::AgentAlerts(QObject *parent)
    : AgentAlerts(QDBusConnection::sessionBus(), parent)
{}

AgentAlerts::AgentAlerts(const QDBusConnection &bus, QObject *parent)
    : QObject(parent)
    , m_notifier(bus)
{
    connect(&m_notifier, &DesktopNotifier::actionInvoked, this, &AgentAlerts::onAction);
    connect(&m_notifier, &DesktopNotifier::inhibitedChanged, this,
            &AgentAlerts::doNotDisturbChanged);
}

void AgentAlerts::setSession(AgentSession *session)
{
    if (m_session == session)
        return;
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    if (session) {
        connect(session, &AgentSession::incomingCall, this, &AgentAlerts::onIncomingCall);
        connect(session, &AgentSession::callsChanged, this, &AgentAlerts::onCallsChanged);
        connect(session, &AgentSession::messageChanged, this, &AgentAlerts::onMessage);
    }
    Q_EMIT sessionChanged();
}

bool AgentAlerts::agentLooks() const
{
    return m_window && m_window->isActive();
}

void AgentAlerts::onIncomingCall(const QVariantMap &call)
{
    if (agentLooks())
        return;
    if (!m_notifications || !m_notifier.available()) {
        if (m_window)
            m_window->alert(0); // until the window is activated
        return;
    }
    if (m_notifier.inhibited())
        return; // do not disturb: the ring and the window's own banner remain
    const QVariantMap caller = call.value(QStringLiteral("caller")).toMap();
    const QString number = caller.value(QStringLiteral("number")).toString();
    const QString name = caller.value(QStringLiteral("name")).toString();
    const QVariantMap hotline = call.value(QStringLiteral("hotline")).toMap();
    const QVariantMap callback = call.value(QStringLiteral("callback")).toMap();
    QString where;
    if (!callback.isEmpty())
        where = tr("The caller asked to be called back");
    else if (!hotline.isEmpty())
        where = tr("on %1").arg(hotline.value(QStringLiteral("name")).toString());
    else
        where = tr("in queue %1").arg(call.value(QStringLiteral("queue")).toString());
    m_offerId = call.value(QStringLiteral("id")).toString();
    m_notifier.show(OfferTag, tr("Incoming call: %1").arg(name.isEmpty() ? number : name),
                    (name.isEmpty() ? QString() : number + QLatin1Char('\n')) + where,
                    {QStringLiteral("default"), QString(), QStringLiteral("accept"), tr("Accept"),
                     QStringLiteral("reject"), tr("Reject")},
                    call.value(QStringLiteral("timeoutMs")).toInt());
}

void AgentAlerts::onCallsChanged()
{
    if (m_offerId.isEmpty() || !m_session)
        return;
    if (m_session->offer().value(QStringLiteral("id")).toString() == m_offerId)
        return;
    // Accepted, rejected, timed out or taken away: the notification has done its part.
    m_offerId.clear();
    m_notifier.close(OfferTag);
}

void AgentAlerts::onMessage()
{
    if (!m_session || agentLooks() || !m_notifications || !m_notifier.available() ||
        m_notifier.inhibited())
        return;
    const QVariantMap m = m_session->message();
    const QString text = m.value(QStringLiteral("text")).toString();
    if (text.isEmpty())
        return;
    m_notifier.show(QStringLiteral("message-%1").arg(++m_messages),
                    tr("Message from %1").arg(m.value(QStringLiteral("from")).toString()), text, {},
                    0);
}

void AgentAlerts::onAction(const QString &tag, const QString &action)
{
    if (tag != OfferTag || !m_session)
        return;
    if (action == QLatin1String("accept"))
        m_session->accept();
    else if (action == QLatin1String("reject"))
        m_session->reject();
    if (m_window && action != QLatin1String("reject")) {
        // Accepted or clicked: the agent wants the desk in front.
        m_window->show();
        m_window->raise();
        m_window->requestActivate();
    }
}

} // namespace acdesk::client
