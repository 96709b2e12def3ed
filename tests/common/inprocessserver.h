#pragma once

// A real Acdesk server in the test's own process, on loopback: the one way every C++ and
// Qt Quick test starts a server, so start-up, cheap hashes and restarts are done alike.

#include "config.h"
#include "server.h"

#include <QTemporaryDir>
#include <QtDebug>

#include <memory>
#include <optional>

namespace acdesk::test {

/** @brief Parses a test config; nullopt and a warning on a mistake. */
inline std::optional<server::Config> testConfig(const QByteArray &json, const QString &name)
{
    const server::ConfigResult r = server::parseConfig(json, name);
    if (!r.config) {
        qWarning().noquote() << r.error;
        return std::nullopt;
    }
    return *r.config;
}

/** @brief A server on 127.0.0.1 over its own data directory, which restart() keeps. */
class InProcessServer
{
public:
    /** @brief A fresh data directory and any free port (unless @p options say otherwise). */
    bool start(const server::Config &config, server::ServerOptions options = {})
    {
        m_server.reset();
        m_dir = std::make_unique<QTemporaryDir>();
        m_port = 0;
        m_config = config;
        m_options = std::move(options);
        return launch();
    }
    /** @brief Stops and starts again on the same data directory and port, as a user sees it. */
    bool restart() { return restart(m_config); }
    /** @brief The same with another config (e.g. other limits). */
    bool restart(const server::Config &config)
    {
        m_server.reset();
        m_config = config;
        return launch();
    }
    /** @brief Stops the server: every connection drops. */
    void stop() { m_server.reset(); }

    bool running() const { return m_server != nullptr; }
    server::Server *operator->() const { return m_server.get(); }
    server::Server &operator*() const { return *m_server; }
    /** @brief "ws://127.0.0.1:PORT/ws" (wss with TLS), empty when stopped. */
    QString wsUrl() const
    {
        return m_server ? m_server->baseUrl() + QStringLiteral("/ws") : QString();
    }
    QString dataDir() const { return m_dir ? m_dir->path() : QString(); }
    const server::Config &config() const { return m_config; }

private:
    bool launch()
    {
        server::ServerOptions o = m_options;
        if (o.dataDir.isEmpty())
            o.dataDir = m_dir->path();
        if (o.listen.isEmpty())
            o.listen = QStringLiteral("127.0.0.1:%1").arg(m_port);
        m_server = std::make_unique<server::Server>(m_config, o);
        QString error;
        if (!m_server->start(&error)) {
            qWarning().noquote() << "the test server did not start:" << error;
            m_server.reset();
            return false;
        }
        m_port = m_server->port();
        return true;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    server::Config m_config;
    server::ServerOptions m_options;
    quint16 m_port = 0;
    std::unique_ptr<server::Server> m_server;
};

} // namespace acdesk::test
