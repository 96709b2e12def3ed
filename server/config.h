#pragma once

#include "engine/types.h"

#include <QHash>
#include <QHostAddress>
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
    /** @brief A wallboard's token lives longer: a TV switched off over a long weekend must
     * come back by itself (its link carries the token, docs/protocol.md 2.3). */
    int wallboardTokenIdleDays = 30;
    int maxConnections = 20000;
    /** @brief How long a token of @p role may go unused before it is gone. */
    qint64 tokenIdleMs(const QString &role) const
    {
        return role == QLatin1String("wallboard") ? qint64(wallboardTokenIdleDays) * 86400000
                                                  : qint64(tokenIdleHours) * 3600000;
    }
};

/** @brief A login that is not an agent: supervisor, wallboard or gateway. */
struct Account
{
    QString id;
    QString name;
    QString secret;     // plain secret from the file (hashed before storage)
    QString secretHash; // $argon2id$… or pbkdf2-sha256$… from the file
    bool admin = false; // supervisors: may use admin.* (protocol 4.6)
};

/** @brief A configured label such as a not-ready reason or a disposition. */
struct Label
{
    QString code;
    QString label;
};

/** @brief Announcement and music on hold of one queue (WAV, 8 kHz mono 16-bit). */
struct SipMedia
{
    QString announcement; // absolute path; empty: the built-in chime
    QString music;        // absolute path; empty: the built-in music
};

/** @brief The SIP gateway (`sip` object, docs/telephony.md); absent: nothing listens. */
struct SipConfig
{
    QString listen = QStringLiteral("0.0.0.0:5060"); // UDP and TCP
    QString address;     // address in SDP and Contact; empty: listen host or the default route's
    QStringList trusted; // CIDR ranges whose INVITEs are accepted
    QString trunk;       // "sip:HOST[:PORT]" for external numbers; empty: none
    quint16 rtpPortMin = 10000;
    quint16 rtpPortMax = 20000;
    int rtpTimeoutSeconds = 60;
    int maxInvitesPerSecond = 50;
    QHash<QString, SipMedia> queues;          // queue id -> media
    QString realm = QStringLiteral("acdesk"); // digest realm of the registrar
    QHash<QString, QByteArray> phones;        // registrar: user -> HA1 (32 hex digits)
    QString language = QStringLiteral("en");  // of the spoken prompts: "en" or "de"
    int announcePositionSeconds = 30;         // place and wait to waiting callers; 0 = never
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
    QString transport; // "qt" or "epoll"; empty: the default (Server::transportName)
    QStringList allowedOrigins;
    int retentionDays = 400;
    Limits limits;
    std::optional<SipConfig> sip;
};

/** @brief Result of loading a config: either the config or "FILE: JSON-PATH: reason". */
struct ConfigResult
{
    std::optional<Config> config;
    QString error;
};

/**
 * @brief Sets the secret of account @p user in list @p list ("agents", "supervisors",
 * "wallboards", "gateways") of config file @p path to @p hash (`passwordHash`, the plain
 * key removed) and writes the file atomically: a temporary file, fsync, rename, the
 * previous version kept as PATH.bak. The result must still be a valid config. Empty when
 * done (with the file's new text in @p written), else the reason.
 */
QString writeAccountHash(const QString &path, const QString &list, const QString &user,
                         const QString &hash, QByteArray *written = nullptr);
/** @brief Writes @p data to @p path atomically (temporary file, fsync, rename; PATH.bak). */
QString writeFileAtomically(const QString &path, const QByteArray &data);
/** @brief Reads and validates a config file. */
ConfigResult loadConfigFile(const QString &path);
/** @brief Validates config JSON text; @p fileName is used in error messages. */
ConfigResult parseConfig(const QByteArray &json, const QString &fileName);
/** @brief The built-in demo configuration (two queues, six agents, a wallboard). */
Config demoConfig();
/** @brief The demo logins, for printing at start-up. */
QString demoLoginsText();

/**
 * @brief Checks a WAV file for the gateway's prompts (RIFF, PCM 16-bit, mono, 8000 Hz);
 * empty when good, else the reason. With @p samples, also reads the samples.
 */
QString readPromptWav(const QString &path, QVector<qint16> *samples = nullptr);

/** @brief True for 0.0.0.0 and :: (listen on every address). */
bool isWildcard(const QHostAddress &address);

/** @brief Splits "HOST:PORT" ("[::1]:80" too); false when it is not one. */
bool parseListen(const QString &text, QString *host, quint16 *port);

} // namespace acdesk::server
