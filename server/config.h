#pragma once

#include "engine/types.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace acdesk::server {

/** @brief Connection limits of contract section 1 (`server.limits`). */
struct Limits
{
    qint64 maxMessageBytes = 65536;
    int loginTimeoutSeconds = 10;
    int graceSeconds = 60;
    int pingSeconds = 15;
    double requestsPerSecond = 50;
    int requestBurst = 100;
    int rateLimitCloseSeconds = 10;
    int tokenIdleHours = 12;
    int maxConnections = 20000;
};

/** @brief A login that is not an agent: supervisor, wallboard or gateway. */
struct Account
{
    QString id;
    QString name;
    QString secret;     // plain secret from the file (hashed before storage)
    QString secretHash; // pbkdf2-sha256$… from the file, or computed
};

/** @brief A configured label such as a not-ready reason or a disposition. */
struct Label
{
    QString code;
    QString label;
};

/** @brief Everything the server reads from its JSON config file. */
struct Config
{
    QString sourceFile; // empty for the built-in demo configuration
    engine::EngineConfig engine;
    QList<Account> agents; // id/name/secret per agent, routing data lives in engine
    QList<Account> supervisors;
    QList<Account> wallboards;
    QList<Account> gateways;
    QList<Label> reasons;
    QList<Label> dispositions;
    QString listen = QStringLiteral("0.0.0.0:8080");
    QString tlsCert;
    QString tlsKey;
    QStringList allowedOrigins;
    int retentionDays = 400;
    Limits limits;
};

/** @brief Result of loading a config: either the config or "FILE: JSON-PATH: reason". */
struct ConfigResult
{
    std::optional<Config> config;
    QString error;
};

/** @brief Reads and validates a config file. */
ConfigResult loadConfigFile(const QString &path);
/** @brief Validates config JSON text; @p fileName is used in error messages. */
ConfigResult parseConfig(const QByteArray &json, const QString &fileName);
/** @brief The built-in demo configuration (two queues, six agents, a wallboard). */
Config demoConfig();
/** @brief The demo logins, for printing at start-up. */
QString demoLoginsText();

/** @brief Splits "HOST:PORT" ("[::1]:80" too); false when it is not one. */
bool parseListen(const QString &text, QString *host, quint16 *port);

} // namespace acdesk::server
