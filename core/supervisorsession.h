#pragma once

#include "clientconnection.h"

#include <QObject>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace acdesk::client {

/**
 * @brief A supervisor's session for the supervisor console: the floor (queues, agents,
 * waiting calls), actions on agents, broadcasts, the abandoned-callers worklist and
 * reports. QML only draws what this holds; the server computes every figure and the CSV.
 */
class SupervisorSession : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(bool live READ live NOTIFY statusChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    Q_PROPERTY(QString user READ user NOTIFY userChanged)
    Q_PROPERTY(QString userName READ userName NOTIFY userChanged)
    Q_PROPERTY(QVariantList queues READ queues NOTIFY statsChanged)
    Q_PROPERTY(QVariantList agents READ agents NOTIFY agentsChanged)
    Q_PROPERTY(QVariantList waitingCalls READ waitingCalls NOTIFY statsChanged)
    Q_PROPERTY(qint64 statsReceivedAtMs READ statsReceivedAtMs NOTIFY statsChanged)
    Q_PROPERTY(QVariantList reasons READ reasons NOTIFY reasonsChanged)
    Q_PROPERTY(QVariantList worklist READ worklist NOTIFY worklistChanged)
    Q_PROPERTY(QVariantMap message READ message NOTIFY messageChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
    Q_PROPERTY(bool noticeIsError READ noticeIsError NOTIFY noticeChanged)
    Q_PROPERTY(QVariantList reportQueues READ reportQueues NOTIFY reportChanged)
    Q_PROPERTY(QVariantList reportAgents READ reportAgents NOTIFY reportChanged)
    Q_PROPERTY(QString reportCsv READ reportCsv NOTIFY reportChanged)
    Q_PROPERTY(QString reportAgentsCsv READ reportAgentsCsv NOTIFY reportChanged)
    Q_PROPERTY(bool reportLoading READ reportLoading NOTIFY reportLoadingChanged)
    /** @brief True once admin.config.get succeeded (a supervisor with "admin": true). */
    Q_PROPERTY(bool isAdmin READ isAdmin NOTIFY adminChanged)
    /** @brief The running configuration in the file's schema (without plain secrets). */
    Q_PROPERTY(QVariantMap adminConfig READ adminConfig NOTIFY adminChanged)
    /** @brief The last refused change: {message, path ("$.queues[0].slSeconds"), reason}. */
    Q_PROPERTY(QVariantMap adminError READ adminError NOTIFY adminErrorChanged)
    Q_PROPERTY(bool adminSaving READ adminSaving NOTIFY adminErrorChanged)
    /** @brief Audit entries, newest first: those loaded, then those arriving live. */
    Q_PROPERTY(QVariantList audit READ audit NOTIFY auditChanged)
public:
    explicit SupervisorSession(QObject *parent = nullptr);

    /** @brief Logs in as role supervisor and keeps the session alive (reconnects by itself). */
    Q_INVOKABLE void login(const QString &url, const QString &user, const QString &password);
    /** @brief Logs out and closes. */
    Q_INVOKABLE void logout();
    /** @brief Forces @p agent ready or not_ready (@p reason: a configured code or empty). */
    Q_INVOKABLE void setAgentState(const QString &agent, const QString &state,
                                   const QString &reason = {});
    /** @brief Logs @p agent out (refused by the server while it is on a call). */
    Q_INVOKABLE void logoutAgent(const QString &agent);
    /** @brief Sends a broadcast to agents, wallboards and supervisors. */
    Q_INVOKABLE void broadcast(const QString &text, const QString &severity);
    /** @brief Marks worklist entry @p entry as called back by this supervisor. */
    Q_INVOKABLE void markCalledBack(const QString &entry);
    /** @brief Reloads the worklist from the server. */
    Q_INVOKABLE void refreshWorklist();
    /** @brief Asks for the report of the days @p from..@p to (YYYY-MM-DD). */
    Q_INVOKABLE void loadReport(const QString &from, const QString &to, bool hourly);
    /**
     * @brief Writes the server's queue CSV to @p path and its agent CSV beside it
     * (`NAME-agents.csv`); false and lastError when it cannot.
     */
    Q_INVOKABLE bool saveCsv(const QString &path);
    /** @brief A suggested file for the report of @p from..@p to, in the documents folder. */
    Q_INVOKABLE QString defaultCsvPath(const QString &from, const QString &to) const;
    /** @brief The agents' file beside a queue CSV at @p path. */
    Q_INVOKABLE QString agentsCsvPath(const QString &path) const;
    /** @brief Reads the running configuration (sets isAdmin when allowed). */
    Q_INVOKABLE void loadAdminConfig();
    /**
     * @brief Sends a whole changed configuration (admin.config.put with the version it was
     * read at); adminError tells why when refused, a notice when applied.
     */
    Q_INVOKABLE void saveAdminConfig(const QVariantMap &config);
    /** @brief admin.setPassword for @p role/@p user. */
    Q_INVOKABLE void resetPassword(const QString &role, const QString &user,
                                   const QString &password);
    /** @brief Loads audit entries of the days @p from..@p to, filtered (empty: any). */
    Q_INVOKABLE void loadAudit(const QString &from, const QString &to, const QString &action,
                               const QString &actor, const QString &target);
    /** @brief Takes @p event (a supervisor `stats` event) as if the server had sent it. */
    Q_INVOKABLE void applyStats(const QVariantMap &event);

    QString status() const;
    bool live() const { return m_connection.status() == ClientConnection::Status::Online; }
    QString lastError() const { return m_lastError; }
    QString user() const { return m_user; }
    QString userName() const { return m_userName; }
    QVariantList queues() const { return m_queues; }
    QVariantList agents() const { return m_agents; }
    QVariantList waitingCalls() const { return m_calls; }
    qint64 statsReceivedAtMs() const { return m_statsReceivedAtMs; }
    QVariantList reasons() const { return m_reasons; }
    QVariantList worklist() const;
    QVariantMap message() const { return m_message; }
    QString notice() const { return m_notice; }
    bool noticeIsError() const { return m_noticeIsError; }
    QVariantList reportQueues() const { return m_reportQueues; }
    QVariantList reportAgents() const { return m_reportAgents; }
    QString reportCsv() const { return m_reportCsv; }
    QString reportAgentsCsv() const { return m_reportAgentsCsv; }
    bool reportLoading() const { return m_reportLoading; }
    bool isAdmin() const { return m_isAdmin; }
    QVariantMap adminConfig() const { return m_adminConfig; }
    QVariantMap adminError() const { return m_adminError; }
    bool adminSaving() const { return m_adminSaving; }
    QVariantList audit() const { return m_audit; }
    /** @brief The connection, for tests and settings (CA file). */
    ClientConnection *connection() { return &m_connection; }

Q_SIGNALS:
    void statusChanged();
    void lastErrorChanged();
    void userChanged();
    void statsChanged();
    void agentsChanged();
    void reasonsChanged();
    void worklistChanged();
    void messageChanged();
    void noticeChanged();
    void reportChanged();
    void reportLoadingChanged();
    void adminChanged();
    void adminErrorChanged();
    void auditChanged();
    /** @brief The server refused a command; @p message is for people. */
    void commandFailed(const QString &message);

private:
    void onEvent(const QString &type, const QJsonObject &event);
    void command(const QJsonObject &request, const QString &success);
    void setError(const QString &message);
    void setNotice(const QString &text, bool error);
    void upsertEntry(const QVariantMap &entry);
    void applyAgentState(const QJsonObject &event);
    QString agentName(const QString &id) const;

    ClientConnection m_connection;
    QString m_user;
    QString m_userName;
    QVariantList m_queues;
    QVariantList m_agents;
    QVariantList m_calls;
    qint64 m_statsReceivedAtMs = 0;
    QVariantList m_reasons;
    QHash<QString, QVariantMap> m_worklist; // by entry id
    QVariantMap m_message;
    QString m_lastError;
    QString m_notice;
    bool m_noticeIsError = false;
    QVariantList m_reportQueues;
    QVariantList m_reportAgents;
    QString m_reportCsv;
    QString m_reportAgentsCsv;
    bool m_reportLoading = false;
    bool m_isAdmin = false;
    QVariantMap m_adminConfig;
    QString m_adminVersion;
    QVariantMap m_adminError;
    bool m_adminSaving = false;
    QVariantList m_audit;
};

} // namespace acdesk::client
