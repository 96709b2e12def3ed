#pragma once

#include "clientconnection.h"
#include "listmodel.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTranslator>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace acdesk::client {

/**
 * @brief A call as the agent's desk keeps it: the contract's call object plus the offer's
 * timeout and, once it ended, the cause and when (today's history).
 */
struct AgentCall
{
    proto::Call call;
    qint64 timeoutMs = 0;                 ///< from call.offer; 0 when not offered
    std::optional<proto::EndCause> cause; ///< from call.ended
    std::optional<qint64> endedAt;        ///< ms since the epoch, when it ended here
    /** @brief The call object's fields and timeoutMs, cause, endedAt (null when not set). */
    QJsonObject toJson() const;
    bool operator==(const AgentCall &o) const
    {
        return call == o.call && timeoutMs == o.timeoutMs && cause == o.cause &&
               endedAt == o.endedAt;
    }
};

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
    /** @brief Own queues' statistics (proto::QueueStats rows). */
    Q_PROPERTY(acdesk::client::RowModel *queues READ queues CONSTANT)
    /** @brief Not-ready reasons {code, label}. */
    Q_PROPERTY(acdesk::client::RowModel *reasons READ reasons CONSTANT)
    /** @brief Wrap-up dispositions {code, label}. */
    Q_PROPERTY(acdesk::client::RowModel *dispositions READ dispositions CONSTANT)
    /** @brief Today's ended calls, newest first (AgentCall rows). */
    Q_PROPERTY(acdesk::client::RowModel *history READ history CONSTANT)
    /** @brief The offered and active calls, in arrival order (AgentCall rows). */
    Q_PROPERTY(acdesk::client::RowModel *calls READ calls CONSTANT)
    Q_PROPERTY(QVariantMap message READ message NOTIFY messageChanged)
    Q_PROPERTY(QString token READ token NOTIFY statusChanged)
    Q_PROPERTY(int callCount READ callCount NOTIFY callsChanged)
    /** @brief Set while the connection uses its wss fallback (the status bar says why). */
    Q_PROPERTY(QString connectionNote READ connectionNote NOTIFY statusChanged)
    /** @brief Why the last consultation ended without a transfer ("Bea declined."); empty
     * once a new one starts. */
    Q_PROPERTY(QString consultNote READ consultNote NOTIFY callsChanged)
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
    /** @brief Consultation: the caller on hold, @p target rings (kind "queue", "agent" or
     * "number"). */
    Q_INVOKABLE void consult(const QString &kind, const QString &target);
    /** @brief The consulted colleague or number takes the caller. */
    Q_INVOKABLE void completeTransfer();
    /** @brief Ends the consultation (or drops the third party) and resumes the caller. */
    Q_INVOKABLE void cancelConsult();
    /** @brief The caller joins the consultation: all three talk. */
    Q_INVOKABLE void conference();
    /**
     * @brief Opens the customer's page (the call's screen-pop) in the default browser: the
     * active call's, else the offered one's. False when neither has one.
     */
    Q_INVOKABLE bool openScreenPop();
    /** @brief Ends wrap-up with a disposition and notes. */
    Q_INVOKABLE void endWrapUp(const QString &disposition, const QString &notes);
    /**
     * @brief Switches the user interface language ("en", "de"; empty: the system's) and
     * retranslates the QML engine this session lives in. False when it is not shipped.
     */
    Q_INVOKABLE bool setLanguage(const QString &code);

    QString status() const;
    QString lastError() const { return m_lastError; }
    QString agentId() const { return m_agent ? m_agent->id : QString(); }
    QString agentName() const { return m_agent ? m_agent->name : QString(); }
    QString state() const { return m_agent ? proto::toString(m_agent->state) : QString(); }
    QString reason() const { return m_agent ? m_agent->reason : QString(); }
    QDateTime since() const;
    /** @brief {state, reason} of a state change waiting for the call work to end; or empty. */
    QVariantMap pending() const;
    /** @brief The offered call as a script object (AgentCall's fields), or empty. */
    QVariantMap offer() const;
    /** @brief The connected or held call, as offer(). */
    QVariantMap activeCall() const;
    RowModel *queues() { return &m_queues; }
    RowModel *reasons() { return &m_reasons; }
    RowModel *dispositions() { return &m_dispositions; }
    RowModel *history() { return &m_history; }
    RowModel *calls() { return &m_calls; }
    /** @brief The typed rows, for C++ and tests. */
    const QList<AgentCall> &historyRows() const { return m_history.rows(); }
    const QList<proto::QueueStats> &queueRows() const { return m_queues.rows(); }
    QVariantMap message() const { return m_message; }
    QString token() const { return m_connection.token(); }
    int callCount() const { return m_calls.count(); }
    QString connectionNote() const;
    /** @brief The connection, for tests and settings (proxy, CA file). */
    ClientConnection *connection() { return &m_connection; }

Q_SIGNALS:
    void statusChanged();
    void lastErrorChanged();
    void agentChanged();
    void callsChanged();
    /** @brief A `stats` or snapshot replaced the queues (the model signals the rows). */
    void queuesChanged();
    void messageChanged();
    /** @brief A call is offered: the window raises itself and rings. */
    void incomingCall(const QVariantMap &call);
    /** @brief The server refused a command; @p message is for people. */
    void commandFailed(const QString &message);

private:
    void onEvent(const proto::ServerMessage &event);
    void command(const QJsonObject &request);
    /** @brief The offered (or else the active) call's id; empty, with an error, when none. */
    QString callFor(bool offered);
    const AgentCall *findCall(bool offered) const;
    void setError(const QString &message);
    /** @brief Opens @p call's page once when its template says to at @p moment. */
    void popOnce(const proto::Call &call, QLatin1String moment);
    /** @brief An offer: a queue's (state offered) or a colleague's consultation ringing here. */
    bool isOffer(const proto::Call &call) const;
    QString consultNote() const { return m_consultNote; }
    QString m_consultNote;

    ClientConnection m_connection;
    std::optional<proto::AgentInfo> m_agent;
    ListModel<AgentCall> m_calls;
    ListModel<proto::QueueStats> m_queues;
    ListModel<proto::CodeLabel> m_reasons;
    ListModel<proto::CodeLabel> m_dispositions;
    ListModel<AgentCall> m_history;
    QVariantMap m_message;
    QString m_lastError;
    QPointer<QTranslator> m_translator;
    /** @brief Calls whose page was opened by itself: a repeated update opens none again. */
    QSet<QString> m_popped;
};

} // namespace acdesk::client
