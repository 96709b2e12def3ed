#pragma once

#include "agentsession.h"
#include "desktopnotifier.h"

#include <QObject>
#include <QPointer>
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
    /** @brief The desktop's "do not disturb" is on: no notifications are shown. */
    Q_PROPERTY(bool doNotDisturb READ doNotDisturb NOTIFY doNotDisturbChanged)
public:
    explicit AgentAlerts(QObject *parent = nullptr);
    /** @brief For tests: notifications through @p bus instead of the session bus. */
    AgentAlerts(const QDBusConnection &bus, QObject *parent = nullptr);

    AgentSession *session() const { return m_session; }
    void setSession(AgentSession *session);
    bool doNotDisturb() const { return m_notifier.inhibited(); }

Q_SIGNALS:
    void sessionChanged();
    void windowChanged();
    void notificationsChanged();
    void doNotDisturbChanged();

private:
    bool agentLooks() const;
    void onIncomingCall(const QVariantMap &call);
    void onCallsChanged();
    void onMessage();
    void onAction(const QString &tag, const QString &action);

    DesktopNotifier m_notifier;
    QPointer<AgentSession> m_session;
    QPointer<QWindow> m_window;
    bool m_notifications = true;
    QString m_offerId; ///< the call whose offer is notified
    int m_messages = 0;
};

} // namespace acdesk::client
