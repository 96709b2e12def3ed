#include "servermain.h"

#include "clientconnection.h"
#include "config.h"
#include "server.h"
#include "sipgateway.h"

#include <QHostAddress>
#include <QSslConfiguration>
#include <QUrl>
#include <QUuid>

#ifdef ACDESK_WITH_GUI
#include "guimain.h"
#endif

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QSocketNotifier>
#include <QStandardPaths>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <unistd.h>

namespace acdesk {

namespace {

int s_signalPipe[2] = {-1, -1};
std::function<void()> s_onHangup; // SIGHUP: reload the config file

void onSignal(int signal)
{
    const char byte = char(signal);
    // Only async-signal-safe work here; the event loop does the rest.
    [[maybe_unused]] const ssize_t n = ::write(s_signalPipe[1], &byte, 1);
}

} // namespace

void quitOnSignals(QCoreApplication &app)
{
    if (::pipe(s_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(s_signalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [] {
        char byte = 0;
        [[maybe_unused]] const ssize_t n = ::read(s_signalPipe[0], &byte, 1);
        if (byte == SIGHUP && s_onHangup)
            s_onHangup();
        else if (byte != SIGHUP)
            QCoreApplication::quit();
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);
}

int runServerMode(QCoreApplication &app, const QString &mode, bool headless)
{
    const bool demo = mode == QLatin1String("demo");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        demo ? QCoreApplication::translate("main", "Acdesk demo: a server with simulated calls and "
                                                   "agents, plus an agent and a wallboard window.")
             : QCoreApplication::translate("main", "Acdesk ACD server (WebSocket API v1)."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(mode, QCoreApplication::translate("main", "mode"));
    const QCommandLineOption config(QStringLiteral("config"),
                                    QCoreApplication::translate("main", "JSON config file."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption data(
        QStringLiteral("data"),
        QCoreApplication::translate("main", "Data directory (database). Default: %1")
            .arg(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)),
        QStringLiteral("DIR"));
    const QCommandLineOption listen(
        QStringLiteral("listen"),
        QCoreApplication::translate("main", "Address and port, e.g. 0.0.0.0:8080."),
        QStringLiteral("HOST:PORT"));
    const QCommandLineOption tlsCert(QStringLiteral("tls-cert"),
                                     QCoreApplication::translate("main", "TLS certificate (PEM)."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"),
                                    QCoreApplication::translate("main", "TLS private key (PEM)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption transport(
        QStringLiteral("transport"),
        QCoreApplication::translate("main",
                                    "WebSocket transport: qt (QWebSocketServer, the default) or "
                                    "epoll (for thousands of connections)."),
        QStringLiteral("NAME"));
    const QCommandLineOption headlessOpt(
        QStringLiteral("headless"), QCoreApplication::translate("main", "Run without windows."));
    const QCommandLineOption simulate(
        QStringLiteral("simulate"),
        QCoreApplication::translate("main", "Simulated calls per hour (Poisson arrivals)."),
        QStringLiteral("RATE"));
    const QCommandLineOption simAgents(
        QStringLiteral("sim-agents"),
        QCoreApplication::translate("main", "Number of simulated agents."), QStringLiteral("N"));
    const QCommandLineOption simPatience(
        QStringLiteral("sim-patience"),
        QCoreApplication::translate("main", "Mean caller patience in seconds (default 90)."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption simTalk(
        QStringLiteral("sim-talk"),
        QCoreApplication::translate("main", "Mean talk time in seconds (default 120)."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption simSeed(
        QStringLiteral("sim-seed"),
        QCoreApplication::translate("main", "Seed of the simulator (repeatable runs)."),
        QStringLiteral("N"));
    const QCommandLineOption log(
        QStringLiteral("log"),
        QCoreApplication::translate("main", "Logging rules, e.g. \"acdesk.*.debug=true\" (see "
                                            "QLoggingCategory)."),
        QStringLiteral("RULES"));
    const QCommandLineOption sipListen(
        QStringLiteral("sip"),
        QCoreApplication::translate("main", "SIP address and port (wins over sip.listen)."),
        QStringLiteral("HOST:PORT"));
    parser.addOptions({config, data, listen, tlsCert, tlsKey, transport, headlessOpt, simulate,
                       simAgents, simPatience, simTalk, simSeed, log, sipListen});
    parser.process(app);
    if (parser.isSet(log))
        QLoggingCategory::setFilterRules(
            parser.value(log).replace(QLatin1Char(';'), QLatin1Char('\n')));

    server::Config cfg;
    if (parser.isSet(config)) {
        const server::ConfigResult r = server::loadConfigFile(parser.value(config));
        if (!r.config) {
            std::fprintf(stderr, "%s\n", qPrintable(r.error));
            return 2;
        }
        cfg = *r.config;
    } else {
        cfg = server::demoConfig();
    }

    if (parser.isSet(sipListen)) {
        QString host;
        quint16 port = 0;
        if (!cfg.sip) {
            std::fprintf(stderr, "acdesk: --sip needs a \"sip\" object in the config file "
                                 "(trusted sources, trunk; see docs/telephony.md)\n");
            return 2;
        }
        if (!server::parseListen(parser.value(sipListen), &host, &port)) {
            std::fprintf(stderr, "acdesk: --sip needs HOST:PORT\n");
            return 2;
        }
        cfg.sip->listen = parser.value(sipListen);
    }
    // The in-process SIP gateway logs in like any gateway, with an account that exists only
    // for this run.
    const QString sipUser = QStringLiteral("sip");
    const QString sipSecret = QUuid::createUuid().toString(QUuid::Id128);
    if (cfg.sip) {
        cfg.gateways.erase(
            std::remove_if(cfg.gateways.begin(), cfg.gateways.end(),
                           [&](const server::Account &a) { return a.id == sipUser; }),
            cfg.gateways.end());
        server::Account account;
        account.id = sipUser;
        account.name = QStringLiteral("SIP gateway");
        account.secret = sipSecret;
        cfg.gateways.append(account);
    }

    server::ServerOptions options;
    options.dataDir = parser.value(data);
    options.listen = parser.value(listen);
    options.tlsCert = parser.value(tlsCert);
    options.tlsKey = parser.value(tlsKey);
    options.transport = parser.value(transport);
    if (options.tlsCert.isEmpty() != options.tlsKey.isEmpty()) {
        std::fprintf(stderr, "acdesk: --tls-cert and --tls-key go together\n");
        return 2;
    }
    bool ok = true;
    auto number = [&](const QCommandLineOption &o, double fallback) {
        if (!parser.isSet(o))
            return fallback;
        bool good = false;
        const double v = parser.value(o).toDouble(&good);
        if (!good || v < 0) {
            std::fprintf(stderr, "acdesk: --%s needs a non-negative number\n",
                         qPrintable(o.names().constFirst()));
            ok = false;
        }
        return v;
    };
    options.simulateCallsPerHour = number(simulate, demo ? 240 : 0);
    options.simAgents = int(number(simAgents, demo ? 5 : 0));
    options.simPatienceSeconds = qMax(1.0, number(simPatience, 90));
    options.simTalkSeconds = qMax(1.0, number(simTalk, demo ? 60 : 120));
    options.simSeed = quint32(number(simSeed, 0));
    if (!ok)
        return 2;
    if (demo) {
        if (options.dataDir.isEmpty())
            options.dataDir =
                QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                    .filePath(QStringLiteral("demo"));
        if (options.listen.isEmpty())
            options.listen = QStringLiteral("127.0.0.1:8080");
    }

    quitOnSignals(app);
    auto srv = std::make_unique<server::Server>(cfg, options);
    QString error;
    if (!srv->start(&error) && demo && !parser.isSet(listen)) {
        // Port 8080 taken: a demo should still start, on any free port.
        options.listen = QStringLiteral("127.0.0.1:0");
        srv = std::make_unique<server::Server>(cfg, options);
        error.clear();
        srv->start(&error);
    }
    if (!error.isEmpty()) {
        std::fprintf(stderr, "acdesk: %s\n", qPrintable(error));
        return 1;
    }
    s_onHangup = [s = srv.get()] {
        s->reloadConfig();
    };
    const auto noHangup = qScopeGuard([] { s_onHangup = nullptr; });
    const QString url = srv->baseUrl();
    std::printf("acdesk server listening on %s\n", qPrintable(srv->listenAddress()));
    std::unique_ptr<sip::SipGateway> sipGateway;
    if (cfg.sip) {
        sipGateway = std::make_unique<sip::SipGateway>(*cfg.sip);
        sipGateway->setDialogJournal(
            QDir(srv->dataDir()).filePath(QStringLiteral("sip-dialogs.journal")));
        QUrl gatewayUrl(srv->baseUrl() + QStringLiteral("/ws"));
        if (server::isWildcard(QHostAddress(gatewayUrl.host())))
            gatewayUrl.setHost(QStringLiteral("127.0.0.1"));
        // Our own server on loopback: its certificate is for the office's name, not for
        // 127.0.0.1, and there is no one in between to verify against.
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        sipGateway->connection()->setSslConfiguration(ssl);
        if (!sipGateway->start(gatewayUrl, sipUser, sipSecret, &error)) {
            std::fprintf(stderr, "acdesk: sip: %s\n", qPrintable(error));
            srv->shutdown();
            return 1;
        }
        srv->setExtraMetrics([gw = sipGateway.get()] { return gw->metricsText(); });
        // Ready means logged in: an INVITE before that would only get 503.
        QObject::connect(
            sipGateway.get(), &sip::SipGateway::online, sipGateway.get(),
            [gw = sipGateway.get()] {
                std::printf("acdesk sip listening on %s\n", qPrintable(gw->boundAddress()));
                std::fflush(stdout);
            },
            Qt::SingleShotConnection);
    }
    if (demo) {
        const QString http = QString(url).replace(QLatin1String("ws"), QLatin1String("http"));
        std::printf("\nBrowser wallboard: %s/wallboard (log in as tv1 / demotv1)\n"
                    "Agent client:      acdesk agent (server %s/ws)\n\nDemo logins:\n%s",
                    qPrintable(http), qPrintable(url), qPrintable(server::demoLoginsText()));
    }
    std::fflush(stdout);
#ifdef ACDESK_WITH_GUI
    std::unique_ptr<QObject> windows;
    if (!headless)
        windows = gui::openServerWindows(srv.get(), demo);
#else
    Q_UNUSED(headless)
#endif
    const int rc = app.exec();
#ifdef ACDESK_WITH_GUI
    windows.reset();
#endif
    if (sipGateway) {
        srv->setExtraMetrics({});
        sipGateway->stop();
    }
    srv->shutdown();
    return rc;
}

} // namespace acdesk
