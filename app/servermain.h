#pragma once

#include <QString>

class QCoreApplication;

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
/** @brief Runs `acdesk replay`: a period's calls again with another config, headless. */
int runReplayMode(QCoreApplication &app);
/** @brief acdesk passwd: reads a password, prints its Argon2id hash for the config file. */
int runPasswdMode(QCoreApplication &app);
} // namespace acdesk
