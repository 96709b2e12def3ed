#include "supervisorsession.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>

namespace acdesk::client {

namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}
} // namespace

SupervisorSession::SupervisorSession(QObject *parent)
    : QObject(parent)
{
    connect(&m_connection, &ClientConnection::statusChanged, this,
            &SupervisorSession::statusChanged);
    connect(&m_connection, &ClientConnection::errorChanged, this, &SupervisorSession::setError);
    connect(&m_connection, &ClientConnection::eventReceived, this, &SupervisorSession::onEvent);
    connect(&m_connection, &ClientConnection::loggedIn, this, [this](const QJsonObject &result) {
        setError({});
        m_user = str(result, "user");
        m_userName = str(result, "name");
        Q_EMIT userChanged();
        // Every queue, with the waiting calls (feature "waitingCalls"); then the worklist,
        // again after every resume since nothing is replayed.
        m_connection.request({{QStringLiteral("type"), QStringLiteral("stats.subscribe")},
                              {QStringLiteral("queues"), QJsonArray{QStringLiteral("*")}}},
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
    m_connection.request(
        {{QStringLiteral("type"), QStringLiteral("admin.config.get")}},
        [this](const ClientConnection::Reply &r) {
            // Not an administrator (or no file): the console shows no
            // administration, which is no error.
            m_isAdmin = r.ok();
            if (r.ok()) {
                m_adminVersion = str(r.message, "version");
                m_adminConfig = r.message.value(QStringLiteral("config")).toObject().toVariantMap();
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
        {{QStringLiteral("type"), QStringLiteral("admin.config.put")},
         {QStringLiteral("version"), m_adminVersion},
         {QStringLiteral("config"), QJsonObject::fromVariantMap(config)}},
        [this](const ClientConnection::Reply &r) {
            m_adminSaving = false;
            if (!r.ok()) {
                const QJsonObject details = r.message.value(QStringLiteral("details")).toObject();
                m_adminError = {{QStringLiteral("message"), r.errorMessage},
                                {QStringLiteral("code"), r.errorCode},
                                {QStringLiteral("path"), str(details, "path")},
                                {QStringLiteral("reason"), str(details, "reason")}};
                Q_EMIT adminErrorChanged();
                setNotice(r.errorMessage, true);
                if (r.errorCode == QLatin1String("conflict"))
                    loadAdminConfig(); // someone else changed it: show theirs
                return;
            }
            Q_EMIT adminErrorChanged();
            const QStringList restart =
                r.message.value(QStringLiteral("restartNeeded")).toVariant().toStringList();
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
    command({{QStringLiteral("type"), QStringLiteral("admin.setPassword")},
             {QStringLiteral("role"), role},
             {QStringLiteral("user"), user},
             {QStringLiteral("password"), password}},
            tr("The password of %1 is changed; its sessions are signed out.").arg(user));
}

void SupervisorSession::loadAudit(const QString &from, const QString &to, const QString &action,
                                  const QString &actor, const QString &target)
{
    QJsonObject request{{QStringLiteral("type"), QStringLiteral("audit.list")},
                        {QStringLiteral("from"), from},
                        {QStringLiteral("to"), to}};
    if (!action.isEmpty())
        request.insert(QStringLiteral("action"), action);
    if (!actor.isEmpty())
        request.insert(QStringLiteral("actor"), actor);
    if (!target.isEmpty())
        request.insert(QStringLiteral("target"), target);
    m_connection.request(request, [this](const ClientConnection::Reply &r) {
        if (!r.ok()) {
            setNotice(r.errorMessage, true);
            return;
        }
        m_audit = r.message.value(QStringLiteral("entries")).toArray().toVariantList();
        Q_EMIT auditChanged();
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

QString SupervisorSession::agentName(const QString &id) const
{
    for (const QVariant &a : m_agents) {
        const QVariantMap m = a.toMap();
        if (m.value(QStringLiteral("id")).toString() == id)
            return m.value(QStringLiteral("name")).toString();
    }
    return id;
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
    QJsonObject request{{QStringLiteral("type"), QStringLiteral("supervisor.setAgentState")},
                        {QStringLiteral("agent"), agent},
                        {QStringLiteral("state"), state}};
    if (state == QLatin1String("not_ready") && !reason.isEmpty())
        request.insert(QStringLiteral("reason"), reason);
    const QString name = agentName(agent);
    command(request, state == QLatin1String("ready") ? tr("%1 is set ready.").arg(name)
                                                     : tr("%1 is set not ready.").arg(name));
}

void SupervisorSession::logoutAgent(const QString &agent)
{
    command({{QStringLiteral("type"), QStringLiteral("supervisor.logoutAgent")},
             {QStringLiteral("agent"), agent}},
            tr("%1 is logged out.").arg(agentName(agent)));
}

void SupervisorSession::broadcast(const QString &text, const QString &severity)
{
    command({{QStringLiteral("type"), QStringLiteral("broadcast")},
             {QStringLiteral("text"), text},
             {QStringLiteral("severity"), severity.isEmpty() ? QStringLiteral("info") : severity}},
            tr("Message sent."));
}

void SupervisorSession::markCalledBack(const QString &entry)
{
    m_connection.request(
        {{QStringLiteral("type"), QStringLiteral("worklist.done")},
         {QStringLiteral("entry"), entry}},
        [this, entry](const ClientConnection::Reply &r) {
            if (r.ok()) {
                upsertEntry(r.message.value(QStringLiteral("entry")).toObject().toVariantMap());
                setNotice(tr("Marked as called back."), false);
                return;
            }
            QString text = r.errorMessage;
            if (r.errorCode == QLatin1String("conflict")) {
                // The update event of the first claim normally came before this reply.
                QString by = m_worklist.value(entry).value(QStringLiteral("doneBy")).toString();
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
    m_connection.request({{QStringLiteral("type"), QStringLiteral("worklist.list")}},
                         [this](const ClientConnection::Reply &r) {
                             if (!r.ok()) {
                                 setError(r.errorMessage);
                                 return;
                             }
                             m_worklist.clear();
                             const QJsonArray entries =
                                 r.message.value(QStringLiteral("entries")).toArray();
                             for (const QJsonValue &e : entries) {
                                 const QVariantMap m = e.toObject().toVariantMap();
                                 m_worklist.insert(m.value(QStringLiteral("id")).toString(), m);
                             }
                             Q_EMIT worklistChanged();
                         });
}

void SupervisorSession::upsertEntry(const QVariantMap &entry)
{
    const QString id = entry.value(QStringLiteral("id")).toString();
    if (id.isEmpty())
        return;
    m_worklist.insert(id, entry);
    Q_EMIT worklistChanged();
}

QVariantList SupervisorSession::worklist() const
{
    // Newest abandon first (ISO times in UTC sort as text).
    QList<QVariantMap> entries = m_worklist.values();
    std::sort(entries.begin(), entries.end(), [](const QVariantMap &a, const QVariantMap &b) {
        const QString ta = a.value(QStringLiteral("abandonedAt")).toString();
        const QString tb = b.value(QStringLiteral("abandonedAt")).toString();
        return ta != tb ? ta > tb
                        : a.value(QStringLiteral("id")).toString() <
                              b.value(QStringLiteral("id")).toString();
    });
    QVariantList out;
    out.reserve(entries.size());
    for (const QVariantMap &e : qAsConst(entries))
        out.append(e);
    return out;
}

void SupervisorSession::loadReport(const QString &from, const QString &to, bool hourly)
{
    m_reportLoading = true;
    Q_EMIT reportLoadingChanged();
    m_connection.request({{QStringLiteral("type"), QStringLiteral("report.get")},
                          {QStringLiteral("from"), from},
                          {QStringLiteral("to"), to},
                          {QStringLiteral("hourly"), hourly}},
                         [this](const ClientConnection::Reply &r) {
                             m_reportLoading = false;
                             Q_EMIT reportLoadingChanged();
                             if (!r.ok()) {
                                 setError(r.errorMessage);
                                 setNotice(r.errorMessage, true);
                                 return;
                             }
                             const QJsonObject &m = r.message;
                             m_reportQueues =
                                 m.value(QStringLiteral("queues")).toArray().toVariantList();
                             m_reportAgents =
                                 m.value(QStringLiteral("agents")).toArray().toVariantList();
                             m_reportCsv = m.value(QStringLiteral("queuesCsv")).toString();
                             m_reportAgentsCsv = m.value(QStringLiteral("agentsCsv")).toString();
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

void SupervisorSession::applyStats(const QVariantMap &event)
{
    // Every stats event is the full picture: replace, never merge.
    m_queues = event.value(QStringLiteral("queues")).toList();
    m_calls = event.value(QStringLiteral("calls")).toList();
    m_statsReceivedAtMs = QDateTime::currentMSecsSinceEpoch();
    Q_EMIT statsChanged();
    m_agents = event.value(QStringLiteral("agents")).toList();
    Q_EMIT agentsChanged();
}

void SupervisorSession::applyAgentState(const QJsonObject &event)
{
    // Between two stats events (at most 250 ms), so buttons follow a forced state at once.
    const QString id = str(event, "agent");
    for (QVariant &a : m_agents) {
        QVariantMap m = a.toMap();
        if (m.value(QStringLiteral("id")).toString() != id)
            continue;
        m.insert(QStringLiteral("state"), event.value(QStringLiteral("state")).toVariant());
        m.insert(QStringLiteral("reason"), event.value(QStringLiteral("reason")).toVariant());
        m.insert(QStringLiteral("since"), event.value(QStringLiteral("since")).toVariant());
        if (event.contains(QStringLiteral("pending")))
            m.insert(QStringLiteral("pending"), event.value(QStringLiteral("pending")).toVariant());
        else
            m.remove(QStringLiteral("pending"));
        a = m;
        Q_EMIT agentsChanged();
        return;
    }
}

void SupervisorSession::onEvent(const QString &type, const QJsonObject &event)
{
    if (type == QLatin1String("snapshot")) {
        m_reasons = event.value(QStringLiteral("reasons")).toArray().toVariantList();
        Q_EMIT reasonsChanged();
        m_queues = event.value(QStringLiteral("queues")).toArray().toVariantList();
        m_statsReceivedAtMs = QDateTime::currentMSecsSinceEpoch();
        Q_EMIT statsChanged();
        m_agents = event.value(QStringLiteral("agents")).toArray().toVariantList();
        Q_EMIT agentsChanged();
    } else if (type == QLatin1String("stats")) {
        applyStats(event.toVariantMap());
    } else if (type == QLatin1String("agent.state")) {
        applyAgentState(event);
    } else if (type == QLatin1String("worklist.update")) {
        upsertEntry(event.value(QStringLiteral("entry")).toObject().toVariantMap());
    } else if (type == QLatin1String("message")) {
        m_message = event.toVariantMap();
        Q_EMIT messageChanged();
    } else if (type == QLatin1String("audit")) {
        QVariantMap entry = event.toVariantMap();
        entry.remove(QStringLiteral("type"));
        entry.remove(QStringLiteral("seq"));
        m_audit.prepend(entry);
        if (m_audit.size() > 1000) // what a console shows; audit.list has the rest
            m_audit.removeLast();
        Q_EMIT auditChanged();
        if (entry.value(QStringLiteral("action")).toString() == QLatin1String("config.change") &&
            m_isAdmin)
            loadAdminConfig(); // changed by someone else, or by the file
    }
}

} // namespace acdesk::client
