#pragma once

#include "clientconnection.h"

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
    Q_PROPERTY(QVariantList queues READ queues NOTIFY statsChanged)
    Q_PROPERTY(QVariantList agents READ agents NOTIFY statsChanged)
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
    /** @brief Takes @p event (a `stats` event of the contract) as if the server had sent it. */
    Q_INVOKABLE void applyStats(const QVariantMap &event);
    /** @brief Takes @p event (a `message` event: text, severity) as if the server had sent it. */
    Q_INVOKABLE void applyMessage(const QVariantMap &event);

    QString status() const;
    bool live() const { return m_connection.status() == ClientConnection::Status::Online; }
    QString lastError() const { return m_connection.lastError(); }
    QVariantList queues() const { return m_queues; }
    QVariantList agents() const { return m_agents; }
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
    ClientConnection m_connection;
    QStringList m_wanted;
    QString m_url;
    QVariantList m_queues;
    QVariantList m_agents;
    qint64 m_receivedAtMs = 0;
    qint64 m_seq = 0;
    QVariantMap m_message;
};

} // namespace acdesk::client
