#pragma once

#include "agentsession.h"
#include "desktopnotifier.h"

#include <QObject>
#include <QPointer>
#include <QSoundEffect>
#include <QWindow>
#include <QtQml/qqmlregistration.h>

namespace acdesk::client {

/**
 * @brief What reaches an agent who is not looking at the desk: a desktop notification for
 * an offer, with Accept and Reject that work, and for a supervisor's broadcast. Where the
 * desktop has no notification service the window asks for attention instead (taskbar
 * flash, the X11 urgency hint). Only while the agent window is not the active one.
 */
class AgentAlerts : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(
        acdesk::client::AgentSession *session READ session WRITE setSession NOTIFY sessionChanged)
    Q_PROPERTY(QWindow *window MEMBER m_window NOTIFY windowChanged)
    /** @brief Desktop notifications on (the default) or off. */
    Q_PROPERTY(bool notifications MEMBER m_notifications NOTIFY notificationsChanged)
    /** @brief The ring tone while an offer rings: "classic", "chime" or "off". */
    Q_PROPERTY(QString ringTone READ ringTone WRITE setRingTone NOTIFY ringChanged)
    /** @brief Its volume, 0 to 1. */
    Q_PROPERTY(double ringVolume READ ringVolume WRITE setRingVolume NOTIFY ringChanged)
    /** @brief The output device's id (QAudioDevice::id); empty: the system's default. */
    Q_PROPERTY(QString ringDevice READ ringDevice WRITE setRingDevice NOTIFY ringChanged)
    /** @brief The ring tone plays now. */
    Q_PROPERTY(bool ringing READ ringing NOTIFY ringingChanged)
    /** @brief The desktop's "do not disturb" is on: no notifications are shown. */
    Q_PROPERTY(bool doNotDisturb READ doNotDisturb NOTIFY doNotDisturbChanged)
public:
    explicit AgentAlerts(QObject *parent = nullptr);
    /** @brief For tests: notifications through @p bus instead of the session bus. */
    AgentAlerts(const QDBusConnection &bus, QObject *parent = nullptr);

    AgentSession *session() const { return m_session; }
    void setSession(AgentSession *session);
    bool doNotDisturb() const { return m_notifier.inhibited(); }
    QString ringTone() const { return m_ringTone; }
    void setRingTone(const QString &tone);
    double ringVolume() const { return m_ring.volume(); }
    void setRingVolume(double volume);
    QString ringDevice() const { return m_ringDevice; }
    void setRingDevice(const QString &id);
    bool ringing() const { return m_ring.isPlaying(); }
    /** @brief The tones to choose from: {code, label}, "off" last. */
    Q_INVOKABLE QVariantList ringTones() const;
    /** @brief The audio outputs: {id, name}, the system's default first with an empty id. */
    Q_INVOKABLE QVariantList outputDevices() const;
    /** @brief Plays the chosen tone once (the settings' "Test" button). */
    Q_INVOKABLE void playTest();

Q_SIGNALS:
    void sessionChanged();
    void windowChanged();
    void notificationsChanged();
    void doNotDisturbChanged();
    void ringChanged();
    void ringingChanged();

private:
    bool agentLooks() const;
    void onIncomingCall(const QVariantMap &call);
    void onCallsChanged();
    void onMessage();
    void onAction(const QString &tag, const QString &action);
    /** @brief Rings while an offer is there, with the chosen tone, volume and device. */
    void updateRing();
    void prepareRing(int loops);

    DesktopNotifier m_notifier;
    QSoundEffect m_ring;
    QString m_ringTone = QStringLiteral("classic");
    QString m_ringDevice;
    QPointer<AgentSession> m_session;
    QPointer<QWindow> m_window;
    bool m_notifications = true;
    QString m_offerId; ///< the call whose offer is notified
    int m_messages = 0;
};

} // namespace acdesk::client
