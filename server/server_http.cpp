// The HTTP side of the port: /healthz, /metrics and the browser wallboard.
#include "server.h"

#include "connection.h"
#include "convert.h"
#include "engine/engine.h"
#include "protocol/protocol.h"
#include "reports.h"
#include "storage.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUrl>
#include <QUrlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace acdesk::server {

using proto::ErrorCode;

// ---------------------------------------------------------------------------------------
// HTTP

HttpResponse Server::http(const QByteArray &target)
{
    const QUrl url(QString::fromUtf8(target));
    const QString path = url.path();
    if (path == QLatin1String("/healthz")) {
        const bool healthy = m_storage && m_storage->healthy() && m_writer && m_writer->healthy();
        QJsonObject body{{QStringLiteral("status"),
                          healthy ? QStringLiteral("ok") : QStringLiteral("unavailable")},
                         {QStringLiteral("version"), QStringLiteral(ACDESK_VERSION)},
                         {QStringLiteral("uptimeSeconds"), double(m_uptime.elapsed() / 1000)},
                         {QStringLiteral("connections"), int(m_connections.size())},
                         {QStringLiteral("transport"), transportName()}};
        // The config file on disk that is not applied (a mistake), while the last good one
        // runs on.
        if (!m_configError.isEmpty())
            body.insert(QStringLiteral("configError"), m_configError);
        return {healthy ? 200 : 503, "application/json",
                QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n'};
    }
    if (path == QLatin1String("/metrics"))
        return {200, "text/plain; version=0.0.4; charset=utf-8", metricsText()};
    if (path == QLatin1String("/") || path == QLatin1String("/wallboard")) {
        QFile page(QStringLiteral(":/acdesk/web/wallboard.html"));
        page.open(QIODevice::ReadOnly);
        return {200, "text/html; charset=utf-8", page.readAll()};
    }
    return {404, "text/plain; charset=utf-8", "not found\n"};
}

QByteArray Server::metricsText() const
{
    QByteArray out;
    auto metric = [&out](const char *name, const char *type, const char *help) {
        out += QByteArray("# HELP acdesk_") + name + ' ' + help + "\n# TYPE acdesk_" + name + ' ' +
               type + '\n';
    };
    auto value = [&out](const char *name, const QByteArray &labels, double v) {
        out += QByteArray("acdesk_") + name + labels + ' ' + QByteArray::number(v, 'g', 15) + '\n';
    };
    QHash<QString, int> byRole;
    for (const Connection *c : qAsConst(m_connections))
        ++byRole[c->authenticated ? c->role : QStringLiteral("none")];
    metric("connections", "gauge", "Open WebSocket connections by role.");
    for (const char *role : {"agent", "supervisor", "wallboard", "gateway", "none"})
        value("connections", QByteArray("{role=\"") + role + "\"}",
              byRole.value(QString::fromLatin1(role)));
    QHash<engine::AgentState, int> byState;
    for (const engine::AgentInfo &a : m_engine->agents())
        ++byState[a.state];
    metric("agents", "gauge", "Agents by state.");
    for (auto s :
         {engine::AgentState::LoggedOut, engine::AgentState::NotReady, engine::AgentState::Ready,
          engine::AgentState::Ringing, engine::AgentState::OnCall, engine::AgentState::WrapUp})
        value("agents", "{state=\"" + engine::agentStateName(s).toUtf8() + "\"}", byState.value(s));
    const std::vector<engine::QueueStats> stats = m_engine->allQueueStats();
    metric("calls_waiting", "gauge", "Calls waiting per queue.");
    for (const engine::QueueStats &q : stats)
        value("calls_waiting", "{queue=\"" + q.id.toUtf8() + "\"}", q.waiting);
    metric("calls_offered_today", "counter", "Calls offered to each queue today.");
    for (const engine::QueueStats &q : stats)
        value("calls_offered_today", "{queue=\"" + q.id.toUtf8() + "\"}", double(q.today.offered));
    metric("calls_answered_today", "counter", "Calls answered in each queue today.");
    for (const engine::QueueStats &q : stats)
        value("calls_answered_today", "{queue=\"" + q.id.toUtf8() + "\"}",
              double(q.today.answered));
    metric("calls_abandoned_today", "counter", "Calls abandoned in each queue today.");
    for (const engine::QueueStats &q : stats)
        value("calls_abandoned_today", "{queue=\"" + q.id.toUtf8() + "\"}",
              double(q.today.abandoned));
    metric("calls_live", "gauge", "Calls in progress.");
    value("calls_live", {}, double(m_engine->calls().size()));
    metric("routing_decisions_total", "counter", "Offers made by the engine.");
    value("routing_decisions_total", {}, double(m_engine->routingDecisions()));
    metric("messages_received_total", "counter", "WebSocket messages received.");
    value("messages_received_total", {}, double(m_messagesIn));
    metric("messages_sent_total", "counter", "WebSocket messages sent.");
    value("messages_sent_total", {}, double(m_messagesOut));
    metric("bytes_sent_total", "counter", "WebSocket payload bytes sent.");
    value("bytes_sent_total", {}, double(m_bytesOut));
    metric("errors_sent_total", "counter", "Error replies sent.");
    value("errors_sent_total", {}, double(m_errorsSent));
    metric("watchdog_repairs_total", "counter", "Inconsistencies repaired by the watchdog.");
    value("watchdog_repairs_total", {}, double(m_watchdogRepairs));
    metric("slow_consumers_dropped_total", "counter",
           "Connections dropped because they stopped reading.");
    value("slow_consumers_dropped_total", {}, double(m_slowConsumersDropped));
    metric("event_loop_lag_seconds", "gauge", "How late the last periodic timer fired.");
    value("event_loop_lag_seconds", {}, double(m_loopLagMs) / 1000.0);
    metric("uptime_seconds", "gauge", "Seconds since the server started.");
    value("uptime_seconds", {}, double(m_uptime.elapsed()) / 1000.0);
    metric("storage_up", "gauge", "1 when the database answers.");
    value("storage_up", {},
          m_storage && m_storage->healthy() && m_writer && m_writer->healthy() ? 1 : 0);
    if (m_extraMetrics)
        out += m_extraMetrics();
    return out;
}

} // namespace acdesk::server
