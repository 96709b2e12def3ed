// acdesk sip-gateway: the SIP gateway alone, e.g. on the PBX's machine, logged in to a
// remote server as a gateway (docs/telephony.md). The same gateway that `acdesk server`
// runs in-process when its config has a `sip` object.
#include "servermain.h"

#include "clientconnection.h"
#include "config.h"
#include "sipgateway.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QUrl>

#include <csignal>
#include <cstdio>

namespace acdesk {

int runSipGatewayMode(QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Acdesk SIP gateway: connects a phone system to an Acdesk server."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("sip-gateway"),
                                 QCoreApplication::translate("main", "mode"));
    const QCommandLineOption server(
        QStringLiteral("server"),
        QCoreApplication::translate("main", "Server URL, e.g. wss://acd.example/ws."),
        QStringLiteral("URL"));
    const QCommandLineOption user(QStringLiteral("user"),
                                  QCoreApplication::translate("main", "Gateway id."),
                                  QStringLiteral("ID"));
    const QCommandLineOption secret(QStringLiteral("secret"),
                                    QCoreApplication::translate("main", "Gateway secret."),
                                    QStringLiteral("SECRET"));
    const QCommandLineOption config(
        QStringLiteral("config"),
        QCoreApplication::translate("main", "Config file with the \"sip\" object."),
        QStringLiteral("FILE"));
    const QCommandLineOption sipListen(
        QStringLiteral("sip"),
        QCoreApplication::translate("main", "SIP address and port (wins over sip.listen)."),
        QStringLiteral("HOST:PORT"));
    const QCommandLineOption ca(
        QStringLiteral("ca"),
        QCoreApplication::translate("main", "Extra CA certificates (PEM) for wss://."),
        QStringLiteral("FILE"));
    const QCommandLineOption log(
        QStringLiteral("log"),
        QCoreApplication::translate("main", "Logging rules, e.g. \"acdesk.*.debug=true\" (see "
                                            "QLoggingCategory)."),
        QStringLiteral("RULES"));
    const QString defaultData =
        QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
            .filePath(QStringLiteral("sip-gateway"));
    const QCommandLineOption data(
        QStringLiteral("data"),
        QCoreApplication::translate("main", "Directory for the gateway's list of live calls (ended "
                                            "with BYE after a crash). Default: %1")
            .arg(defaultData),
        QStringLiteral("DIR"));
    parser.addOptions({server, user, secret, config, sipListen, ca, data, log});
    parser.process(app);
    if (parser.isSet(log))
        QLoggingCategory::setFilterRules(
            parser.value(log).replace(QLatin1Char(';'), QLatin1Char('\n')));
    for (const QCommandLineOption *o : {&server, &user, &secret, &config}) {
        if (!parser.isSet(*o)) {
            std::fprintf(stderr, "acdesk: sip-gateway needs --%s\n",
                         qPrintable(o->names().constFirst()));
            return 2;
        }
    }
    const server::ConfigResult r = server::loadConfigFile(parser.value(config));
    if (!r.config) {
        std::fprintf(stderr, "%s\n", qPrintable(r.error));
        return 2;
    }
    if (!r.config->sip) {
        std::fprintf(stderr, "%s: $.sip: is required for the SIP gateway\n",
                     qPrintable(parser.value(config)));
        return 2;
    }
    server::SipConfig sip = *r.config->sip;
    if (parser.isSet(sipListen)) {
        QString host;
        quint16 port = 0;
        if (!server::parseListen(parser.value(sipListen), &host, &port)) {
            std::fprintf(stderr, "acdesk: --sip needs HOST:PORT\n");
            return 2;
        }
        sip.listen = parser.value(sipListen);
    }
    quitOnSignals(app);
    sip::SipGateway gateway(sip);
    gateway.setDialogJournal(QDir(parser.isSet(data) ? parser.value(data) : defaultData)
                                 .filePath(QStringLiteral("sip-dialogs.journal")));
    if (parser.isSet(ca) && !gateway.connection()->addCaCertificates(parser.value(ca))) {
        std::fprintf(stderr, "acdesk: cannot read certificates from %s\n",
                     qPrintable(parser.value(ca)));
        return 2;
    }
    QString error;
    if (!gateway.start(QUrl(parser.value(server)), parser.value(user), parser.value(secret),
                       &error)) {
        std::fprintf(stderr, "acdesk: sip: %s\n", qPrintable(error));
        return 1;
    }
    // Ready means logged in: an INVITE before that would only get 503.
    QObject::connect(
        &gateway, &sip::SipGateway::online, &gateway,
        [&gateway] {
            std::printf("acdesk sip listening on %s\n", qPrintable(gateway.boundAddress()));
            std::fflush(stdout);
        },
        Qt::SingleShotConnection);
    std::fflush(stdout);
    const int rc = app.exec();
    gateway.stop();
    return rc;
}

} // namespace acdesk
