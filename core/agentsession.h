#pragma once

#include "clientconnection.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QTranslator>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace acdesk::client {

/**
 * @brief An agent's session for the agent window: state, offered and active calls,
 * queues, today's history, and the commands. QML only draws what this holds.
 */
class AgentSession : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    Q_PROPERTY(QString agentId READ agentId NOTIFY agentChanged)
    Q_PROPERTY(QString agentName READ agentName NOTIFY agentChanged)
    Q_PROPERTY(QString state READ state NOTIFY agentChanged)
    Q_PROPERTY(QString reason READ reason NOTIFY agentChanged)
    Q_PROPERTY(QDateTime since READ since NOTIFY agentChanged)
    Q_PROPERTY(QVariantMap pending READ pending NOTIFY agentChanged)
    Q_PROPERTY(QVariantMap offer READ offer NOTIFY callsChanged)
    Q_PROPERTY(QVariantMap activeCall READ activeCall NOTIFY callsChanged)
    Q_PROPERTY(QVariantList queues READ queues NOTIFY queuesChanged)
    Q_PROPERTY(QVariantList reasons READ reasons NOTIFY listsChanged)
    Q_PROPERTY(QVariantList dispositions READ dispositions NOTIFY listsChanged)
    Q_PROPERTY(QVariantList history READ history NOTIFY historyChanged)
    Q_PROPERTY(QVariantMap message READ message NOTIFY messageChanged)
    Q_PROPERTY(QString token READ token NOTIFY statusChanged)
    Q_PROPERTY(int callCount READ callCount NOTIFY callsChanged)
public:
    explicit AgentSession(QObject *parent = nullptr);

    /** @brief Logs in and keeps the session alive (reconnects by itself). */
    Q_INVOKABLE void login(const QString &url, const QString &agent, const QString &password,
                           const QString &station);
    /** @brief Resumes a remembered session ("stay logged in"). */
    Q_INVOKABLE void resumeToken(const QString &url, const QString &token);
    /** @brief Logs out (refused by the server during a call). */
    Q_INVOKABLE void logout();
    /** @brief Becomes ready for calls. */
    Q_INVOKABLE void setReady();
    /** @brief Becomes not ready with a configured reason code. */
    Q_INVOKABLE void setNotReady(const QString &reason);
    /** @brief Accepts the offered call. */
    Q_INVOKABLE void accept();
    /** @brief Rejects the offered call. */
    Q_INVOKABLE void reject();
    /** @brief Hangs up the active call. */
    Q_INVOKABLE void hangup();
    /** @brief Holds or resumes the active call. */
    Q_INVOKABLE void toggleHold();
    /** @brief Mutes or unmutes the active call. */
    Q_INVOKABLE void toggleMute();
    /** @brief Sends DTMF digits on the active call. */
    Q_INVOKABLE void dtmf(const QString &digits);
    /** @brief Blind transfer of the active call; kind is queue, agent or number. */
    Q_INVOKABLE void transfer(const QString &kind, const QString &target);
    /** @brief Dials out. */
    Q_INVOKABLE void dial(const QString &number);
    /** @brief Ends wrap-up with a disposition and notes. */
    Q_INVOKABLE void endWrapUp(const QString &disposition, const QString &notes);
    /**
     * @brief Switches the user interface language ("en", "de"; empty: the system's) and
     * retranslates the QML engine this session lives in. False when it is not shipped.
     */
    Q_INVOKABLE bool setLanguage(const QString &code);

    QString status() const;
    QString lastError() const { return m_lastError; }
    QString agentId() const { return m_agent.value(QStringLiteral("id")).toString(); }
    QString agentName() const { return m_agent.value(QStringLiteral("name")).toString(); }
    QString state() const { return m_agent.value(QStringLiteral("state")).toString(); }
    QString reason() const { return m_agent.value(QStringLiteral("reason")).toString(); }
    QDateTime since() const;
    QVariantMap pending() const { return m_agent.value(QStringLiteral("pending")).toMap(); }
    QVariantMap offer() const;
    QVariantMap activeCall() const;
    QVariantList queues() const { return m_queues; }
    QVariantList reasons() const { return m_reasons; }
    QVariantList dispositions() const { return m_dispositions; }
    QVariantList history() const { return m_history; }
    QVariantMap message() const { return m_message; }
    QString token() const { return m_connection.token(); }
    int callCount() const { return int(m_calls.size()); }
    /** @brief The connection, for tests and settings (proxy, CA file). */
    ClientConnection *connection() { return &m_connection; }

Q_SIGNALS:
    void statusChanged();
    void lastErrorChanged();
    void agentChanged();
    void callsChanged();
    void queuesChanged();
    void listsChanged();
    void historyChanged();
    void messageChanged();
    /** @brief A call is offered: the window raises itself and rings. */
    void incomingCall(const QVariantMap &call);
    /** @brief The server refused a command; @p message is for people. */
    void commandFailed(const QString &message);

private:
    void onEvent(const QString &type, const QJsonObject &event);
    void command(const QString &type, QJsonObject params = {});
    void callCommand(const QString &type, QJsonObject params = {});
    void setError(const QString &message);
    void upsertCall(const QVariantMap &call);

    ClientConnection m_connection;
    QVariantMap m_agent;
    QList<QVariantMap> m_calls; // offered and active calls, in arrival order
    QVariantList m_queues;
    QVariantList m_reasons;
    QVariantList m_dispositions;
    QVariantList m_history;
    QVariantMap m_message;
    QString m_lastError;
    QPointer<QTranslator> m_translator;
};

} // namespace acdesk::client
