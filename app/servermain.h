#pragma once

#include <QString>

class QCoreApplication;

namespace acdesk::server {
class Storage;
}

namespace acdesk {
/** @brief Runs `acdesk server` or `acdesk demo`; @p headless: no windows. */
int runServerMode(QCoreApplication &app, const QString &mode, bool headless);
/** @brief Runs `acdesk sip-gateway`: the SIP gateway alone, logged in to a server. */
int runSipGatewayMode(QCoreApplication &app);
/**
 * @brief Quits the event loop on SIGTERM and SIGINT (through a pipe, signal-safe); SIGHUP
 * makes a running server read its config file again (ignored elsewhere).
 */
void quitOnSignals(QCoreApplication &app);
} // namespace acdesk

namespace acdesk {
/** @brief Loads the English or German strings (system language; ACDESK_LANG=de|en wins). */
void installTranslations(QCoreApplication &app);
/** @brief Runs `acdesk report`: CSV from a data directory, headless. */
int runReportMode(QCoreApplication &app);
/**
 * @brief Opens the database of data directory @p dir (empty: the server's default) for
 * `acdesk report`/`replay`; false after printing why ("acdesk MODE: no database in DIR").
 */
bool openDataDirectory(const QString &dir, const char *mode, server::Storage *storage);
/** @brief Runs `acdesk replay`: a period's calls again with another config, headless. */
int runReplayMode(QCoreApplication &app);
/** @brief acdesk passwd: reads a password, prints its Argon2id hash for the config file. */
int runPasswdMode(QCoreApplication &app);
} // namespace acdesk
