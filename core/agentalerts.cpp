#include "agentalerts.h"

#include <QAudioDevice>
#include <QMediaDevices>

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
    m_ring.setVolume(0.8);
    connect(&m_ring, &QSoundEffect::playingChanged, this, &AgentAlerts::ringingChanged);
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
    updateRing();
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
    const QVariantMap consult = call.value(QStringLiteral("consult")).toMap();
    if (!consult.isEmpty())
        where =
            tr("%1 asks you about this caller").arg(consult.value(QStringLiteral("by")).toString());
    else if (!callback.isEmpty())
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

void AgentAlerts::setRingTone(const QString &tone)
{
    if (tone == m_ringTone)
        return;
    m_ringTone = tone;
    m_ring.stop(); // the next ring uses the new tone
    Q_EMIT ringChanged();
    updateRing();
}

void AgentAlerts::setRingVolume(double volume)
{
    const double v = qBound(0.0, volume, 1.0);
    if (qFuzzyCompare(float(v), m_ring.volume()))
        return;
    m_ring.setVolume(float(v));
    Q_EMIT ringChanged();
}

void AgentAlerts::setRingDevice(const QString &id)
{
    if (id == m_ringDevice)
        return;
    m_ringDevice = id;
    m_ring.stop();
    Q_EMIT ringChanged();
    updateRing();
}

QVariantList AgentAlerts::ringTones() const
{
    return {QVariantMap{{QStringLiteral("code"), QStringLiteral("classic")},
                        {QStringLiteral("label"), tr("Desk phone")}},
            QVariantMap{{QStringLiteral("code"), QStringLiteral("chime")},
                        {QStringLiteral("label"), tr("Chime")}},
            QVariantMap{{QStringLiteral("code"), QStringLiteral("off")},
                        {QStringLiteral("label"), tr("No sound")}}};
}

QVariantList AgentAlerts::outputDevices() const
{
    QVariantList out{QVariantMap{{QStringLiteral("id"), QString()},
                                 {QStringLiteral("name"), tr("System default")}}};
    for (const QAudioDevice &d : QMediaDevices::audioOutputs())
        out.append(QVariantMap{{QStringLiteral("id"), QString::fromUtf8(d.id())},
                               {QStringLiteral("name"), d.description()}});
    return out;
}

void AgentAlerts::prepareRing(int loops)
{
    const QString tone =
        m_ringTone == QLatin1String("chime") ? m_ringTone : QStringLiteral("classic");
    m_ring.setSource(QUrl(QStringLiteral("qrc:/sounds/ring-%1.wav").arg(tone)));
    QAudioDevice device = QMediaDevices::defaultAudioOutput();
    for (const QAudioDevice &d : QMediaDevices::audioOutputs())
        if (!m_ringDevice.isEmpty() && QString::fromUtf8(d.id()) == m_ringDevice)
            device = d;
    m_ring.setAudioDevice(device);
    m_ring.setLoopCount(loops);
}

void AgentAlerts::playTest()
{
    m_ring.stop();
    prepareRing(1);
    m_ring.play();
}

void AgentAlerts::updateRing()
{
    const bool offered = m_session && !m_session->offer().isEmpty();
    if (!offered || m_ringTone == QLatin1String("off")) {
        m_ring.stop();
        return;
    }
    if (m_ring.isPlaying() && m_ring.loopCount() == QSoundEffect::Infinite)
        return;
    prepareRing(QSoundEffect::Infinite);
    m_ring.play();
}

void AgentAlerts::onCallsChanged()
{
    updateRing();
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
