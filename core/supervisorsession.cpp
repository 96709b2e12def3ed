#include "supervisorsession.h"

#include "protocol/requests.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QQmlEngine>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>
#include <array>

namespace acdesk::client {

namespace {

proto::WorklistEntry entryPrototype()
{
    proto::WorklistEntry e;
    e.doneAt = 0;
    return e;
}

proto::ReportQueueRow reportRowPrototype()
{
    proto::ReportQueueRow r;
    r.hour = 0;
    return r;
}

// Days and hours of a report told apart in one key: "2026-12-05/support" and "…/support@9".
QString reportRowKey(const proto::ReportQueueRow &r)
{
    return r.day.toString(Qt::ISODate) + QLatin1Char('/') + r.queue +
           (r.hour ? QLatin1Char('@') + QString::number(*r.hour) : QString());
}

// The request's form of a date the user typed; an invalid QDate when it is not YYYY-MM-DD.
QDate dateOf(const QString &text)
{
    return QDate::fromString(text.trimmed(), Qt::ISODate);
}

} // namespace

SupervisorSession::SupervisorSession(QObject *parent)
    : QObject(parent)
    , m_queues(proto::QueueStats{}, qOverload<const proto::QueueStats &>(idOf))
    , m_agents(agentRowPrototype(), qOverload<const proto::AgentInfo &>(idOf))
    , m_calls(callRowPrototype(), qOverload<const proto::Call &>(idOf))
    , m_reasons(proto::CodeLabel{}, [](const proto::CodeLabel &r) { return r.code; })
    , m_worklist(entryPrototype(), [](const proto::WorklistEntry &e) { return e.id; })
    , m_reportDays(reportRowPrototype(), reportRowKey)
    , m_reportHours(reportRowPrototype(), reportRowKey)
    , m_reportAgents(proto::ReportAgentRow{},
                     [](const proto::ReportAgentRow &r) -> QString {
                         return r.day.toString(Qt::ISODate) + QLatin1Char('/') + r.agent;
                     })
    , m_audit(proto::AuditEvent{}, {})
{
    connect(&m_connection, &ClientConnection::statusChanged, this,
            &SupervisorSession::statusChanged);
    connect(&m_connection, &ClientConnection::errorChanged, this, &SupervisorSession::setError);
    connect(&m_connection, &ClientConnection::eventReceived, this, &SupervisorSession::onEvent);
    connect(&m_connection, &ClientConnection::loggedIn, this,
            [this](const proto::LoginResult &result) {
                setError({});
                m_user = result.user;
                m_userName = result.name;
                Q_EMIT userChanged();
                // Every queue, with the waiting calls (feature "waitingCalls"); then the
                // worklist, again after every resume since nothing is replayed.
                m_connection.request(proto::StatsSubscribeRequest{{QStringLiteral("*")}}.toJson(),
                                     [this](const ClientConnection::Reply &r) {
                                         if (!r.ok())
                                             setError(r.errorMessage);
                                     });
                refreshWorklist();
                loadAdminConfig();
            });
}

void SupervisorSession::loadAdminConfig()
{
    m_connection.request(proto::AdminConfigGetRequest{}.toJson(),
                         [this](const ClientConnection::Reply &r) {
                             // Not an administrator (or no file): the console shows no
                             // administration, which is no error.
                             auto result = proto::AdminConfigResult::fromJson(r.result);
                             const auto *config = std::get_if<proto::AdminConfigResult>(&result);
                             m_isAdmin = r.ok() && config && config->config;
                             if (m_isAdmin) {
                                 m_adminVersion = config->version;
                                 m_adminConfig = config->config->toVariantMap();
                             }
                             Q_EMIT adminChanged();
                         });
}

void SupervisorSession::saveAdminConfig(const QVariantMap &config)
{
    m_adminSaving = true;
    m_adminError.clear();
    Q_EMIT adminErrorChanged();
    m_connection.request(
        proto::AdminConfigPutRequest{m_adminVersion, QJsonObject::fromVariantMap(config)}.toJson(),
        [this](const ClientConnection::Reply &r) {
            m_adminSaving = false;
            if (!r.ok()) {
                m_adminError = {
                    {QStringLiteral("message"), r.errorMessage},
                    {QStringLiteral("code"), r.errorCode},
                    {QStringLiteral("path"), r.details.value(QStringLiteral("path")).toString()},
                    {QStringLiteral("reason"),
                     r.details.value(QStringLiteral("reason")).toString()}};
                Q_EMIT adminErrorChanged();
                setNotice(r.errorMessage, true);
                if (r.errorCode == QLatin1String("conflict"))
                    loadAdminConfig(); // someone else changed it: show theirs
                return;
            }
            Q_EMIT adminErrorChanged();
            auto result = proto::AdminConfigResult::fromJson(r.result);
            const auto *applied = std::get_if<proto::AdminConfigResult>(&result);
            const QStringList restart =
                applied ? applied->restartNeeded.value_or(QStringList()) : QStringList();
            setNotice(restart.isEmpty()
                          ? tr("The change is applied.")
                          : tr("The change is applied; %1 take effect at the next restart.")
                                .arg(restart.join(QStringLiteral(", "))),
                      false);
            loadAdminConfig();
        });
}

void SupervisorSession::resetPassword(const QString &role, const QString &user,
                                      const QString &password)
{
    command(proto::AdminSetPasswordRequest{proto::fromString<proto::Role>(role), user, password}
                .toJson(),
            tr("The password of %1 is changed; its sessions are signed out.").arg(user));
}

void SupervisorSession::loadAudit(const QString &from, const QString &to, const QString &action,
                                  const QString &actor, const QString &target)
{
    proto::AuditListRequest request;
    request.from = dateOf(from);
    request.to = dateOf(to);
    if (!request.from.isValid() || !request.to.isValid()) {
        setNotice(tr("Dates are written as YYYY-MM-DD."), true);
        return;
    }
    request.action = action;
    request.actor = actor;
    request.target = target;
    m_connection.request(request.toJson(), [this](const ClientConnection::Reply &r) {
        if (!r.ok()) {
            setNotice(r.errorMessage, true);
            return;
        }
        auto result = proto::AuditListResult::fromJson(r.result);
        if (const auto *error = std::get_if<proto::DecodeError>(&result)) {
            setNotice(error->message, true);
            return;
        }
        m_audit.assign(std::get<proto::AuditListResult>(result).entries);
    });
}

QString SupervisorSession::status() const
{
    return ClientConnection::statusName(m_connection.status());
}

void SupervisorSession::setError(const QString &message)
{
    if (m_lastError == message)
        return;
    m_lastError = message;
    Q_EMIT lastErrorChanged();
}

void SupervisorSession::setNotice(const QString &text, bool error)
{
    m_notice = text;
    m_noticeIsError = error;
    Q_EMIT noticeChanged(); // also when unchanged: the view shows it again
}

void SupervisorSession::login(const QString &url, const QString &user, const QString &password)
{
    m_connection.open(QUrl(url), QStringLiteral("supervisor"), user, password);
}

void SupervisorSession::logout()
{
    m_connection.logout();
}

RowModel *SupervisorSession::waitingCallsOf(const QString &queue)
{
    std::unique_ptr<ListModel<proto::Call>> &model = m_callsByQueue[queue];
    if (!model) {
        model = std::make_unique<ListModel<proto::Call>>(callRowPrototype(),
                                                         qOverload<const proto::Call &>(idOf));
        QList<proto::Call> of;
        for (const proto::Call &c : m_calls.rows())
            if (c.queue == queue)
                of.append(c);
        model->assign(of);
    }
    // C++ keeps it: QML must not collect it.
    QQmlEngine::setObjectOwnership(model.get(), QQmlEngine::CppOwnership);
    return model.get();
}

QVariantList SupervisorSession::hourTotals(const QString &queue) const
{
    QList<std::array<int, 3>> sums(24, {0, 0, 0});
    for (const proto::ReportQueueRow &r : m_reportHours.rows()) {
        if (!r.hour || *r.hour < 0 || *r.hour > 23 || (!queue.isEmpty() && r.queue != queue))
            continue;
        sums[*r.hour][0] += r.offered;
        sums[*r.hour][1] += r.answered;
        sums[*r.hour][2] += r.abandoned;
    }
    QVariantList out;
    for (const auto &s : qAsConst(sums))
        out.append(QVariantMap{{QStringLiteral("offered"), s[0]},
                               {QStringLiteral("answered"), s[1]},
                               {QStringLiteral("abandoned"), s[2]}});
    return out;
}

QString SupervisorSession::agentName(const QString &id) const
{
    const proto::AgentInfo *a = m_agents.byKey(id);
    return a && !a->name.isEmpty() ? a->name : id;
}

QString SupervisorSession::queueName(const QString &id) const
{
    const proto::QueueStats *q = m_queues.byKey(id);
    return q && !q->name.isEmpty() ? q->name : id;
}

void SupervisorSession::command(const QJsonObject &request, const QString &success)
{
    m_connection.request(request, [this, success](const ClientConnection::Reply &r) {
        if (!r.ok()) {
            setError(r.errorMessage);
            setNotice(r.errorMessage, true);
            Q_EMIT commandFailed(r.errorMessage);
            return;
        }
        setNotice(success, false);
    });
}

void SupervisorSession::setAgentState(const QString &agent, const QString &state,
                                      const QString &reason)
{
    const std::optional<proto::AgentState> s = proto::fromString<proto::AgentState>(state);
    if (s != proto::AgentState::Ready && s != proto::AgentState::NotReady) {
        setNotice(tr("An agent can be set ready or not ready, not \"%1\".").arg(state), true);
        return;
    }
    const QString name = agentName(agent);
    command(proto::SupervisorSetAgentStateRequest{agent, *s,
                                                  *s == proto::AgentState::NotReady ? reason
                                                                                    : QString()}
                .toJson(),
            *s == proto::AgentState::Ready ? tr("%1 is set ready.").arg(name)
                                           : tr("%1 is set not ready.").arg(name));
}

void SupervisorSession::logoutAgent(const QString &agent)
{
    command(proto::SupervisorLogoutAgentRequest{agent}.toJson(),
            tr("%1 is logged out.").arg(agentName(agent)));
}

void SupervisorSession::callBack(const QString &call)
{
    command(proto::SupervisorCallbackRequest{call, {}}.toJson(),
            tr("The caller will be called back and keeps the place in the queue."));
}

void SupervisorSession::broadcast(const QString &text, const QString &severity)
{
    command(proto::BroadcastRequest{text, proto::fromString<proto::Severity>(severity).value_or(
                                              proto::Severity::Info)}
                .toJson(),
            tr("Message sent."));
}

void SupervisorSession::markCalledBack(const QString &entry)
{
    m_connection.request(
        proto::WorklistDoneRequest{entry}.toJson(),
        [this, entry](const ClientConnection::Reply &r) {
            if (r.ok()) {
                auto result = proto::WorklistDoneResult::fromJson(r.result);
                if (const auto *done = std::get_if<proto::WorklistDoneResult>(&result))
                    upsertEntry(done->entry);
                setNotice(tr("Marked as called back."), false);
                return;
            }
            QString text = r.errorMessage;
            if (r.errorCode == QLatin1String("conflict")) {
                // The update event of the first claim normally came before this reply.
                const proto::WorklistEntry *known = m_worklist.byKey(entry);
                QString by = known ? known->doneBy : QString();
                if (by.isEmpty()) {
                    const int at = r.errorMessage.lastIndexOf(QLatin1String(" by "));
                    by = at >= 0 ? r.errorMessage.mid(at + 4) : QString();
                }
                text = tr("Already called back by %1.").arg(by);
            }
            setError(text);
            setNotice(text, true);
            Q_EMIT commandFailed(text);
        });
}

void SupervisorSession::refreshWorklist()
{
    m_connection.request(
        proto::WorklistListRequest{}.toJson(), [this](const ClientConnection::Reply &r) {
            if (!r.ok()) {
                setError(r.errorMessage);
                return;
            }
            auto result = proto::WorklistListResult::fromJson(r.result);
            if (const auto *error = std::get_if<proto::DecodeError>(&result)) {
                setError(error->message);
                return;
            }
            QList<proto::WorklistEntry> entries =
                std::get<proto::WorklistListResult>(result).entries;
            // Newest abandon first.
            std::stable_sort(entries.begin(), entries.end(),
                             [](const proto::WorklistEntry &a, const proto::WorklistEntry &b) {
                                 return a.abandonedAt != b.abandonedAt
                                            ? a.abandonedAt > b.abandonedAt
                                            : a.id < b.id;
                             });
            m_worklist.assign(entries);
            Q_EMIT worklistChanged();
        });
}

void SupervisorSession::upsertEntry(const proto::WorklistEntry &entry)
{
    if (entry.id.isEmpty())
        return;
    // A new entry is the newest abandon: on top.
    m_worklist.upsert(entry, 0);
    Q_EMIT worklistChanged();
}

int SupervisorSession::openWorklistCount() const
{
    return int(std::count_if(m_worklist.rows().cbegin(), m_worklist.rows().cend(),
                             [](const proto::WorklistEntry &e) { return e.doneBy.isEmpty(); }));
}

void SupervisorSession::loadReport(const QString &from, const QString &to, bool hourly)
{
    proto::ReportGetRequest request{dateOf(from), dateOf(to), hourly};
    if (!request.from.isValid() || !request.to.isValid()) {
        const QString text = tr("Dates are written as YYYY-MM-DD.");
        setError(text);
        setNotice(text, true);
        return;
    }
    m_reportLoading = true;
    Q_EMIT reportLoadingChanged();
    m_connection.request(request.toJson(), [this](const ClientConnection::Reply &r) {
        m_reportLoading = false;
        Q_EMIT reportLoadingChanged();
        auto result = proto::ReportResult::fromJson(r.result);
        const QString error = !r.ok() ? r.errorMessage
                              : std::holds_alternative<proto::DecodeError>(result)
                                  ? std::get<proto::DecodeError>(result).message
                                  : QString();
        if (!error.isEmpty()) {
            setError(error);
            setNotice(error, true);
            return;
        }
        const proto::ReportResult &report = std::get<proto::ReportResult>(result);
        QList<proto::ReportQueueRow> days;
        QList<proto::ReportQueueRow> hours;
        for (const proto::ReportQueueRow &row : report.queues)
            (row.hour ? hours : days).append(row);
        m_reportDays.assign(days);
        m_reportHours.assign(hours);
        m_reportAgents.assign(report.agents);
        m_reportCsv = report.queuesCsv;
        m_reportAgentsCsv = report.agentsCsv;
        Q_EMIT reportChanged();
    });
}

QString SupervisorSession::defaultCsvPath(const QString &from, const QString &to) const
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (dir.isEmpty())
        dir = QDir::homePath();
    const QString name = from == to ? QStringLiteral("acdesk-report-%1.csv").arg(from)
                                    : QStringLiteral("acdesk-report-%1_%2.csv").arg(from, to);
    return QDir(dir).filePath(name);
}

QString SupervisorSession::agentsCsvPath(const QString &path) const
{
    const QFileInfo info(path);
    const QString base = info.suffix().compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0
                             ? info.completeBaseName()
                             : info.fileName();
    return info.dir().filePath(base + QStringLiteral("-agents.csv"));
}

bool SupervisorSession::saveCsv(const QString &path)
{
    if (m_reportCsv.isEmpty()) {
        const QString text = tr("Load a report first.");
        setError(text);
        setNotice(text, true);
        return false;
    }
    // The server made both files (the same code as `acdesk report`); they are written as is.
    const QList<QPair<QString, QString>> files{{path, m_reportCsv},
                                               {agentsCsvPath(path), m_reportAgentsCsv}};
    for (const auto &[file, content] : files) {
        QSaveFile out(file);
        if (!out.open(QIODevice::WriteOnly) || out.write(content.toUtf8()) < 0 || !out.commit()) {
            const QString text = tr("Could not write %1: %2").arg(file, out.errorString());
            setError(text);
            setNotice(text, true);
            return false;
        }
    }
    setNotice(tr("Saved %1 and %2.").arg(path, agentsCsvPath(path)), false);
    return true;
}

bool SupervisorSession::applyStats(const QVariantMap &event)
{
    auto decoded = proto::StatsEvent::fromJson(QJsonObject::fromVariantMap(event));
    if (const auto *error = std::get_if<proto::DecodeError>(&decoded)) {
        setError(error->message);
        return false;
    }
    apply(std::get<proto::StatsEvent>(decoded));
    return true;
}

void SupervisorSession::apply(const proto::StatsEvent &stats)
{
    // Every stats event is the full picture: replace, never merge.
    m_queues.assign(stats.queues);
    QList<proto::Call> calls = stats.calls.value_or(QList<proto::Call>());
    // The order the queue serves them: higher priority first, then the longest wait.
    std::stable_sort(calls.begin(), calls.end(), [](const proto::Call &a, const proto::Call &b) {
        return a.priority != b.priority ? a.priority > b.priority : a.waitedMs > b.waitedMs;
    });
    m_calls.assign(calls);
    for (auto &[queue, model] : m_callsByQueue) {
        QList<proto::Call> of;
        for (const proto::Call &c : qAsConst(calls))
            if (c.queue == queue)
                of.append(c);
        model->assign(of);
    }
    m_statsReceivedAtMs = QDateTime::currentMSecsSinceEpoch();
    Q_EMIT statsChanged();
    m_agents.assign(stats.agents);
    Q_EMIT agentsChanged();
}

void SupervisorSession::applyAgentState(const proto::AgentStateEvent &event)
{
    // Between two stats events (at most 250 ms), so buttons follow a forced state at once.
    const proto::AgentInfo *known = m_agents.byKey(event.agent);
    if (!known)
        return;
    proto::AgentInfo a = *known;
    a.state = event.state;
    a.reason = event.reason;
    a.since = event.since;
    a.pending = event.pending;
    m_agents.upsert(a);
    Q_EMIT agentsChanged();
}

void SupervisorSession::onEvent(const proto::ServerMessage &event)
{
    if (const auto *snapshot = std::get_if<proto::SnapshotEvent>(&event)) {
        m_reasons.assign(snapshot->reasons.value_or(QList<proto::Reason>()));
        m_queues.assign(snapshot->queues.value_or(QList<proto::QueueStats>()));
        m_statsReceivedAtMs = QDateTime::currentMSecsSinceEpoch();
        Q_EMIT statsChanged();
        m_agents.assign(snapshot->agents.value_or(QList<proto::AgentInfo>()));
        Q_EMIT agentsChanged();
    } else if (const auto *stats = std::get_if<proto::StatsEvent>(&event)) {
        apply(*stats);
    } else if (const auto *state = std::get_if<proto::AgentStateEvent>(&event)) {
        applyAgentState(*state);
    } else if (const auto *update = std::get_if<proto::WorklistUpdateEvent>(&event)) {
        upsertEntry(update->entry);
    } else if (const auto *message = std::get_if<proto::MessageEvent>(&event)) {
        QJsonObject m = message->toJson();
        m.remove(QStringLiteral("type"));
        m.remove(QStringLiteral("seq"));
        m_message = m.toVariantMap();
        Q_EMIT messageChanged();
    } else if (const auto *audit = std::get_if<proto::AuditEvent>(&event)) {
        proto::AuditEvent entry = *audit;
        entry.seq = 0;
        m_audit.upsert(entry, 0);
        if (m_audit.count() > 1000) // what a console shows; audit.list has the rest
            m_audit.removeLast();
        if (entry.action == QLatin1String("config.change") && m_isAdmin)
            loadAdminConfig(); // changed by someone else, or by the file
    }
}

} // namespace acdesk::client
