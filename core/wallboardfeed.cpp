#include "wallboardfeed.h"

#include "protocol/requests.h"

#include <QDateTime>
#include <QJsonArray>

namespace acdesk::client {

WallboardFeed::WallboardFeed(QObject *parent)
    : QObject(parent)
    , m_queues(proto::QueueStats{}, qOverload<const proto::QueueStats &>(idOf))
    , m_agents(agentRowPrototype(), qOverload<const proto::AgentInfo &>(idOf))
{
    connect(&m_connection, &ClientConnection::statusChanged, this, &WallboardFeed::statusChanged);
    connect(&m_connection, &ClientConnection::errorChanged, this, &WallboardFeed::lastErrorChanged);
    connect(&m_connection, &ClientConnection::loggedIn, this, [this] {
        const QStringList queues = m_wanted.isEmpty() ? QStringList{QStringLiteral("*")} : m_wanted;
        m_connection.request(proto::StatsSubscribeRequest{queues}.toJson());
    });
    connect(&m_connection, &ClientConnection::eventReceived, this,
            [this](const proto::ServerMessage &event) {
                if (const auto *stats = std::get_if<proto::StatsEvent>(&event))
                    apply(*stats);
                else if (const auto *message = std::get_if<proto::MessageEvent>(&event))
                    apply(*message);
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

bool WallboardFeed::applyStats(const QVariantMap &event)
{
    return decodeAndApply<proto::StatsEvent>(event);
}

bool WallboardFeed::applyMessage(const QVariantMap &event)
{
    return decodeAndApply<proto::MessageEvent>(event);
}

template<typename Event>
bool WallboardFeed::decodeAndApply(const QVariantMap &event)
{
    // What the server would have sent goes through the same codec as its frames.
    auto decoded = Event::fromJson(QJsonObject::fromVariantMap(event));
    if (const auto *error = std::get_if<proto::DecodeError>(&decoded)) {
        setDecodeError(error->message);
        return false;
    }
    setDecodeError({});
    apply(std::get<Event>(decoded));
    return true;
}

void WallboardFeed::setDecodeError(const QString &error)
{
    if (m_decodeError == error)
        return;
    m_decodeError = error;
    Q_EMIT lastErrorChanged();
}

void WallboardFeed::apply(const proto::StatsEvent &stats)
{
    // Every event is the full picture (contract section 5): replace, never merge.
    m_queues.assign(stats.queues);
    QList<proto::AgentInfo> shown;
    for (const proto::AgentInfo &a : stats.agents)
        if (a.state != proto::AgentState::LoggedOut)
            shown.append(a);
    m_agents.assign(shown);
    m_seq = qint64(stats.seq);
    m_receivedAtMs = QDateTime::currentMSecsSinceEpoch();
    Q_EMIT statsChanged();
}

void WallboardFeed::apply(const proto::MessageEvent &message)
{
    QJsonObject m = message.toJson();
    m.remove(QStringLiteral("type"));
    m.remove(QStringLiteral("seq"));
    m_message = m.toVariantMap();
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
