#pragma once

#include <QDBusConnection>
#include <QObject>
#include <QStringList>

namespace acdesk::client {

/**
 * @brief The desktop's notification service (org.freedesktop.Notifications over D-Bus,
 * the service GNOME, KDE, Xfce and the tiling desktops' notification daemons provide):
 * shows a notification with action buttons and reports which one was pressed.
 *
 * Calls are asynchronous: a slow or hung notification daemon never blocks the desk.
 */
class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    explicit DesktopNotifier(const QDBusConnection &bus = QDBusConnection::sessionBus(),
                             QObject *parent = nullptr);

    /** @brief The service is on the bus. */
    bool available() const;
    /**
     * @brief The desktop asks to show no notifications now ("do not disturb"): the
     * service's `Inhibited` property, which KDE Plasma and others expose, followed through
     * PropertiesChanged. False when the service does not say.
     */
    bool inhibited() const { return m_inhibited; }
    /**
     * @brief Shows a notification; @p actions are pairs of key and label. @p tag names it
     * for closeTag() and the signals. A notification with the same tag replaces the old.
     */
    void show(const QString &tag, const QString &summary, const QString &body,
              const QStringList &actions, int timeoutMs);
    /** @brief Takes the notification @p tag away (e.g. the offer it announced ended). */
    void close(const QString &tag);

Q_SIGNALS:
    /** @brief The user pressed @p action ("default": clicked the notification itself). */
    void actionInvoked(const QString &tag, const QString &action);
    void inhibitedChanged();

private Q_SLOTS:
    void onActionInvoked(uint id, const QString &action);
    void onClosed(uint id, uint reason);
    void onPropertiesChanged(const QString &interface, const QVariantMap &changed,
                             const QStringList &invalidated);

private:
    void setInhibited(bool inhibited);
    /** @brief Asks the service for `Inhibited` (no answer: not inhibited). */
    void readInhibited();
    /** @brief Asks the service whether it reads markup in bodies (body-markup). */
    void readCapabilities();
    /** @brief Asks both, when the service appears (also a restarted daemon). */
    void readService();

    QDBusConnection m_bus;
    bool m_inhibited = false;
    /** @brief The service reads markup in bodies; unknown counts as yes, so a caller's name
     * ("<a href=…>") is always shown as the text it is. */
    bool m_bodyMarkup = true;
    QHash<QString, uint> m_ids;   ///< tag -> the service's id (0 while the reply is due)
    QSet<QString> m_closeOnReply; ///< closed before the service answered with an id
};

} // namespace acdesk::client
