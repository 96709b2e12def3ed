#include "desktopnotifier.h"

#include <QCoreApplication>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusServiceWatcher>
#include <QDBusVariant>
#include <QSet>

namespace acdesk::client {

namespace {
const QString Service = QStringLiteral("org.freedesktop.Notifications");
const QString Path = QStringLiteral("/org/freedesktop/Notifications");
const QString Interface = QStringLiteral("org.freedesktop.Notifications");
} // namespace

DesktopNotifier::DesktopNotifier(const QDBusConnection &bus, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
{
    m_bus.connect(Service, Path, Interface, QStringLiteral("ActionInvoked"), this,
                  SLOT(onActionInvoked(uint, QString)));
    m_bus.connect(Service, Path, Interface, QStringLiteral("NotificationClosed"), this,
                  SLOT(onClosed(uint, uint)));
    m_bus.connect(Service, Path, QStringLiteral("org.freedesktop.DBus.Properties"),
                  QStringLiteral("PropertiesChanged"), this,
                  SLOT(onPropertiesChanged(QString, QVariantMap, QStringList)));
    // A notification daemon that starts later (or restarts) is asked again.
    auto *watcher =
        new QDBusServiceWatcher(Service, m_bus, QDBusServiceWatcher::WatchForRegistration, this);
    connect(watcher, &QDBusServiceWatcher::serviceRegistered, this, &DesktopNotifier::readService);
    readService();
}

void DesktopNotifier::readService()
{
    readInhibited();
    readCapabilities();
}

void DesktopNotifier::readCapabilities()
{
    const QDBusMessage get =
        QDBusMessage::createMethodCall(Service, Path, Interface, QStringLiteral("GetCapabilities"));
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(get), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        const QDBusPendingReply<QStringList> reply = *w;
        if (!reply.isError())
            m_bodyMarkup = reply.value().contains(QStringLiteral("body-markup"));
    });
}

bool DesktopNotifier::available() const
{
    return m_bus.isConnected() && m_bus.interface() &&
           m_bus.interface()->isServiceRegistered(Service).value();
}

void DesktopNotifier::readInhibited()
{
    QDBusMessage get = QDBusMessage::createMethodCall(
        Service, Path, QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
    get << Interface << QStringLiteral("Inhibited");
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(get), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        const QDBusPendingReply<QDBusVariant> reply = *w;
        setInhibited(!reply.isError() && reply.value().variant().toBool());
    });
}

void DesktopNotifier::setInhibited(bool inhibited)
{
    if (m_inhibited == inhibited)
        return;
    m_inhibited = inhibited;
    Q_EMIT inhibitedChanged();
}

void DesktopNotifier::onPropertiesChanged(const QString &interface, const QVariantMap &changed,
                                          const QStringList &invalidated)
{
    if (interface != Interface)
        return;
    if (changed.contains(QStringLiteral("Inhibited")))
        setInhibited(changed.value(QStringLiteral("Inhibited")).toBool());
    else if (invalidated.contains(QStringLiteral("Inhibited")))
        readInhibited();
}

void DesktopNotifier::show(const QString &tag, const QString &summary, const QString &body,
                           const QStringList &actions, int timeoutMs)
{
    QDBusMessage notify =
        QDBusMessage::createMethodCall(Service, Path, Interface, QStringLiteral("Notify"));
    const QVariantMap hints{{QStringLiteral("desktop-entry"), QStringLiteral("acdesk")},
                            {QStringLiteral("urgency"), QVariant::fromValue(uchar(1))}};
    // The body is markup where the service says so (the spec's body-markup): a caller's
    // name or a broadcast must show as text, never as a link or an image.
    notify << QCoreApplication::applicationName() << m_ids.value(tag) << QString() << summary
           << (m_bodyMarkup ? body.toHtmlEscaped() : body) << actions << hints << timeoutMs;
    m_ids.insert(tag, m_ids.value(tag));
    m_closeOnReply.remove(tag);
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(notify), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, tag](QDBusPendingCallWatcher *w) {
                w->deleteLater();
                const QDBusPendingReply<uint> reply = *w;
                if (reply.isError() || !m_ids.contains(tag)) {
                    m_ids.remove(tag);
                    return;
                }
                m_ids.insert(tag, reply.value());
                if (m_closeOnReply.remove(tag))
                    close(tag);
            });
}

void DesktopNotifier::close(const QString &tag)
{
    const auto it = m_ids.constFind(tag);
    if (it == m_ids.constEnd())
        return;
    if (*it == 0) { // the id is still on its way
        m_closeOnReply.insert(tag);
        return;
    }
    QDBusMessage closeCall = QDBusMessage::createMethodCall(Service, Path, Interface,
                                                            QStringLiteral("CloseNotification"));
    closeCall << *it;
    m_bus.asyncCall(closeCall);
    m_ids.remove(tag);
}

void DesktopNotifier::onActionInvoked(uint id, const QString &action)
{
    const QString tag = m_ids.key(id);
    if (id != 0 && !tag.isEmpty())
        Q_EMIT actionInvoked(tag, action);
}

void DesktopNotifier::onClosed(uint id, uint)
{
    const QString tag = m_ids.key(id);
    if (id != 0 && !tag.isEmpty())
        m_ids.remove(tag);
}

} // namespace acdesk::client
