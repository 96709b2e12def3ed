#include "wallboardfeed.h"

#include <QDateTime>
#include <QJsonArray>

namespace acdesk::client {

WallboardFeed::WallboardFeed(QObject *parent)
    : QObject(parent)
{
    connect(&m_connection, &ClientConnection::statusChanged, this, &WallboardFeed::statusChanged);
    connect(&m_connection, &ClientConnection::errorChanged, this, &WallboardFeed::lastErrorChanged);
    connect(&m_connection, &ClientConnection::loggedIn, this, [this] {
        QJsonArray qs;
        for (const QString &q : qAsConst(m_wanted))
            qs.append(q);
        if (qs.isEmpty())
            qs.append(QStringLiteral("*"));
        m_connection.request({{QStringLiteral("type"), QStringLiteral("stats.subscribe")},
                              {QStringLiteral("queues"), qs}});
    });
    connect(&m_connection, &ClientConnection::eventReceived, this,
            [this](const QString &type, const QJsonObject &event) {
                if (type == QLatin1String("stats"))
                    applyStats(event.toVariantMap());
                else if (type == QLatin1String("message"))
                    applyMessage(event.toVariantMap());
            });
}

QString WallboardFeed::status() const
{
    switch (m_connection.status()) {
    case ClientConnection::Status::Online:
        return QStringLiteral("online");
    case ClientConnection::Status::Reconnecting:
        return QStringLiteral("reconnecting");
    case ClientConnection::Status::Offline:
        return QStringLiteral("offline");
    default:
        return QStringLiteral("connecting");
    }
}

void WallboardFeed::start(const QString &url, const QString &user, const QString &secret,
                          const QStringList &queues, const QString &role)
{
    m_url = url;
    m_wanted = queues;
    m_connection.open(QUrl(url), role, user, secret);
}

void WallboardFeed::applyStats(const QVariantMap &event)
{
    // Every event is the full picture (contract section 5): replace, never merge.
    m_queues = event.value(QStringLiteral("queues")).toList();
    m_agents = event.value(QStringLiteral("agents")).toList();
    m_seq = event.value(QStringLiteral("seq")).toLongLong();
    m_receivedAtMs = QDateTime::currentMSecsSinceEpoch();
    Q_EMIT statsChanged();
}

void WallboardFeed::applyMessage(const QVariantMap &event)
{
    m_message = event;
    Q_EMIT messageChanged();
}

void WallboardFeed::resume(const QString &url, const QString &token, const QStringList &queues)
{
    m_url = url;
    m_wanted = queues;
    m_connection.openWithToken(QUrl(url), token);
}

void WallboardFeed::stop()
{
    m_connection.close();
}

} // namespace acdesk::client
