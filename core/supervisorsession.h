#pragma once

#include "clientconnection.h"
#include "listmodel.h"
#include "protocol/results.h"

#include <QObject>
#include <QVariantList>

#include <QVariantMap>
#include <QtQml/qqmlregistration.h>
#include <map>
#include <memory>

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
    /** @brief Every queue's statistics (proto::QueueStats rows). */
    Q_PROPERTY(acdesk::client::RowModel *queues READ queues CONSTANT)
    /** @brief Every agent (proto::AgentInfo rows), forced states applied at once. */
    Q_PROPERTY(acdesk::client::RowModel *agents READ agents CONSTANT)
    /** @brief The calls waiting in the queues (proto::Call rows), longest wait first. */
    Q_PROPERTY(acdesk::client::RowModel *waitingCalls READ waitingCalls CONSTANT)
    Q_PROPERTY(qint64 statsReceivedAtMs READ statsReceivedAtMs NOTIFY statsChanged)
    /** @brief Not-ready reasons {code, label}. */
    Q_PROPERTY(acdesk::client::RowModel *reasons READ reasons CONSTANT)
    /** @brief Today's abandoned callers (proto::WorklistEntry rows), newest abandon first. */
    Q_PROPERTY(acdesk::client::RowModel *worklist READ worklist CONSTANT)
    /** @brief Worklist entries nobody has called back yet. */
    Q_PROPERTY(int openWorklistCount READ openWorklistCount NOTIFY worklistChanged)
    Q_PROPERTY(QVariantMap message READ message NOTIFY messageChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
    Q_PROPERTY(bool noticeIsError READ noticeIsError NOTIFY noticeChanged)
    /** @brief The loaded report's queue rows per day (proto::ReportQueueRow, hour null). */
    Q_PROPERTY(acdesk::client::RowModel *reportDays READ reportDays CONSTANT)
    /** @brief The loaded report's queue rows per hour (with `hourly`). */
    Q_PROPERTY(acdesk::client::RowModel *reportHours READ reportHours CONSTANT)
    /** @brief The loaded report's agent rows (proto::ReportAgentRow). */
    Q_PROPERTY(acdesk::client::RowModel *reportAgents READ reportAgents CONSTANT)
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
    Q_PROPERTY(acdesk::client::RowModel *audit READ audit CONSTANT)
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
    /** @brief supervisor.callback: the waiting caller is called back at its number, keeping
     * its place (virtual hold). */
    Q_INVOKABLE void callBack(const QString &call);
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
    /**
     * @brief Takes @p event (a supervisor `stats` event) as if the server had sent it; false,
     * with lastError, when the codec refuses it.
     */
    Q_INVOKABLE bool applyStats(const QVariantMap &event);
    /**
     * @brief The calls waiting in queue @p queue (proto::Call rows) in the order they are
     * served: higher priority first, then the longest wait. The model lives as long as the
     * session and follows every stats event.
     */
    Q_INVOKABLE acdesk::client::RowModel *waitingCallsOf(const QString &queue);
    /**
     * @brief The loaded report's calls per hour of the day (24 × {offered, answered,
     * abandoned}), summed over the days and over queue @p queue (empty: every queue).
     */
    Q_INVOKABLE QVariantList hourTotals(const QString &queue) const;
    /** @brief The name of agent @p id (the id when unknown). */
    Q_INVOKABLE QString agentName(const QString &id) const;
    /** @brief The name of queue @p id (the id when unknown). */
    Q_INVOKABLE QString queueName(const QString &id) const;

    QString status() const;
    bool live() const { return m_connection.status() == ClientConnection::Status::Online; }
    QString lastError() const { return m_lastError; }
    QString user() const { return m_user; }
    QString userName() const { return m_userName; }
    RowModel *queues() { return &m_queues; }
    RowModel *agents() { return &m_agents; }
    RowModel *waitingCalls() { return &m_calls; }
    qint64 statsReceivedAtMs() const { return m_statsReceivedAtMs; }
    RowModel *reasons() { return &m_reasons; }
    RowModel *worklist() { return &m_worklist; }
    int openWorklistCount() const;
    /** @brief The typed rows, for C++ and tests. */
    const QList<proto::AgentInfo> &agentRows() const { return m_agents.rows(); }
    const QList<proto::WorklistEntry> &worklistRows() const { return m_worklist.rows(); }

    QVariantMap message() const { return m_message; }
    QString notice() const { return m_notice; }
    bool noticeIsError() const { return m_noticeIsError; }
    RowModel *reportDays() { return &m_reportDays; }
    RowModel *reportHours() { return &m_reportHours; }
    RowModel *reportAgents() { return &m_reportAgents; }
    QString reportCsv() const { return m_reportCsv; }
    QString reportAgentsCsv() const { return m_reportAgentsCsv; }
    bool reportLoading() const { return m_reportLoading; }
    bool isAdmin() const { return m_isAdmin; }
    QVariantMap adminConfig() const { return m_adminConfig; }
    QVariantMap adminError() const { return m_adminError; }
    bool adminSaving() const { return m_adminSaving; }
    RowModel *audit() { return &m_audit; }
    /** @brief The connection, for tests and settings (CA file). */
    ClientConnection *connection() { return &m_connection; }

Q_SIGNALS:
    void statusChanged();
    void lastErrorChanged();
    void userChanged();
    void statsChanged();
    /** @brief The agents changed (a stats event or a forced state). */
    void agentsChanged();
    void worklistChanged();
    void messageChanged();
    void noticeChanged();
    void reportChanged();
    void reportLoadingChanged();
    void adminChanged();
    void adminErrorChanged();
    /** @brief The server refused a command; @p message is for people. */
    void commandFailed(const QString &message);

private:
    void onEvent(const proto::ServerMessage &event);
    void apply(const proto::StatsEvent &stats);
    void command(const QJsonObject &request, const QString &success);
    void setError(const QString &message);
    void setNotice(const QString &text, bool error);
    void upsertEntry(const proto::WorklistEntry &entry);
    void applyAgentState(const proto::AgentStateEvent &event);

    ClientConnection m_connection;
    QString m_user;
    QString m_userName;
    ListModel<proto::QueueStats> m_queues;
    ListModel<proto::AgentInfo> m_agents;
    ListModel<proto::Call> m_calls;
    std::map<QString, std::unique_ptr<ListModel<proto::Call>>> m_callsByQueue;
    qint64 m_statsReceivedAtMs = 0;
    ListModel<proto::CodeLabel> m_reasons;
    ListModel<proto::WorklistEntry> m_worklist;
    QVariantMap m_message;
    QString m_lastError;
    QString m_notice;
    bool m_noticeIsError = false;
    ListModel<proto::ReportQueueRow> m_reportDays;
    ListModel<proto::ReportQueueRow> m_reportHours;
    ListModel<proto::ReportAgentRow> m_reportAgents;
    QString m_reportCsv;
    QString m_reportAgentsCsv;
    bool m_reportLoading = false;
    bool m_isAdmin = false;
    QVariantMap m_adminConfig;
    QString m_adminVersion;
    QVariantMap m_adminError;
    bool m_adminSaving = false;
    ListModel<proto::AuditEvent> m_audit;
};

} // namespace acdesk::client
