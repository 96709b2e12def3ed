#pragma once

#include "clientconnection.h"
#include "listmodel.h"

#include <QObject>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace acdesk::client {

/**
 * @brief The statistics a wallboard shows: logs in as role wallboard (or supervisor),
 * subscribes, and keeps the latest `stats` picture and broadcast.
 */
class WallboardFeed : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString url READ url NOTIFY statusChanged)
    Q_PROPERTY(bool live READ live NOTIFY statusChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    /** @brief The subscribed queues' statistics (proto::QueueStats rows). */
    Q_PROPERTY(acdesk::client::RowModel *queues READ queues CONSTANT)
    /** @brief The agents a wallboard shows: those logged in (proto::AgentInfo rows). */
    Q_PROPERTY(acdesk::client::RowModel *agents READ agents CONSTANT)
    Q_PROPERTY(qint64 receivedAtMs READ receivedAtMs NOTIFY statsChanged)
    Q_PROPERTY(qint64 seq READ seq NOTIFY statsChanged)
    Q_PROPERTY(QVariantMap message READ message NOTIFY messageChanged)
public:
    explicit WallboardFeed(QObject *parent = nullptr);

    /** @brief Connects as @p role (wallboard or supervisor) and subscribes to @p queues. */
    Q_INVOKABLE void start(const QString &url, const QString &user, const QString &secret,
                           const QStringList &queues = {},
                           const QString &role = QStringLiteral("wallboard"));
    /** @brief Disconnects. */
    Q_INVOKABLE void stop();
    /** @brief Connects with a session token from an earlier login (`--token`). */
    Q_INVOKABLE void resume(const QString &url, const QString &token,
                            const QStringList &queues = {});
    /** @brief The server URL in use. */
    QString url() const { return m_url; }
    /**
     * @brief Takes @p event (a `stats` event of the contract) as if the server had sent it;
     * false, and lastError says why, when the codec refuses it.
     */
    Q_INVOKABLE bool applyStats(const QVariantMap &event);
    /** @brief Takes @p event (a `message` event: text, severity) as if the server had sent it. */
    Q_INVOKABLE bool applyMessage(const QVariantMap &event);

    QString status() const;
    bool live() const { return m_connection.status() == ClientConnection::Status::Online; }
    QString lastError() const
    {
        return m_decodeError.isEmpty() ? m_connection.lastError() : m_decodeError;
    }
    RowModel *queues() { return &m_queues; }
    RowModel *agents() { return &m_agents; }
    const QList<proto::QueueStats> &queueRows() const { return m_queues.rows(); }
    qint64 receivedAtMs() const { return m_receivedAtMs; }
    qint64 seq() const { return m_seq; }
    QVariantMap message() const { return m_message; }
    /** @brief The connection, for tests and settings. */
    ClientConnection *connection() { return &m_connection; }

Q_SIGNALS:
    void statusChanged();
    void lastErrorChanged();
    void statsChanged();
    void messageChanged();

private:
    void apply(const proto::StatsEvent &stats);
    void apply(const proto::MessageEvent &message);
    void setDecodeError(const QString &error);
    template<typename Event>
    bool decodeAndApply(const QVariantMap &event);

    ClientConnection m_connection;
    QStringList m_wanted;
    QString m_url;
    ListModel<proto::QueueStats> m_queues;
    ListModel<proto::AgentInfo> m_agents;
    QString m_decodeError;
    qint64 m_receivedAtMs = 0;
    qint64 m_seq = 0;
    QVariantMap m_message;
};

} // namespace acdesk::client
