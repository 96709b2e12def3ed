#include "doctor.h"

#include "connectiondoctor.h"
#include "servermain.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTextStream>
#include <QTranslator>

#include <cstdio>

namespace acdesk {

void installTranslations(QCoreApplication &app)
{
    // German when the system asks for it; ACDESK_LANG=de|en overrides (settings, tests).
    const QString wanted = qEnvironmentVariable("ACDESK_LANG");
    const QLocale locale = wanted.isEmpty() ? QLocale::system() : QLocale(wanted);
    auto *translator = new QTranslator(&app);
    if (translator->load(locale, QStringLiteral("acdesk"), QStringLiteral("_"),
                         QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(translator);
}

int runDoctorMode(QCoreApplication &app)
{
    installTranslations(app);
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "doctor", "Checks the connection to an Acdesk server step by step: name resolution, TCP, "
                  "proxy, TLS, the WebSocket upgrade, the server's hello and the round trip. Exit "
                  "code 0 when every step passes, 1 otherwise."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("doctor"),
                                 QCoreApplication::translate("doctor", "mode"));
    parser.addPositionalArgument(
        QStringLiteral("URL"),
        QCoreApplication::translate("doctor", "The server, e.g. ws://acd.example.com:8080/ws or "
                                              "wss://acd.example.com/ws."));
    const QCommandLineOption proxy(
        QStringLiteral("proxy"),
        QCoreApplication::translate(
            "doctor",
            "HTTP proxy to use, http://[USER:PASSWORD@]HOST:PORT, or \"none\". Default: the "
            "system's (http_proxy, https_proxy)."),
        QStringLiteral("URL"));
    const QCommandLineOption ca(
        QStringLiteral("ca"),
        QCoreApplication::translate("doctor", "Extra CA certificates to trust (PEM)."),
        QStringLiteral("FILE"));
    const QCommandLineOption json(
        QStringLiteral("json"),
        QCoreApplication::translate("doctor",
                                    "Print the steps as a JSON array of {step, ok, detail, fix, "
                                    "ms}."));
    const QCommandLineOption timeout(
        QStringLiteral("timeout"),
        QCoreApplication::translate("doctor", "Seconds each step may take (default 5)."),
        QStringLiteral("S"), QStringLiteral("5"));
    const QCommandLineOption wssPort(
        QStringLiteral("wss-port"),
        QCoreApplication::translate("doctor",
                                    "Port of the wss:// twin tried for a ws:// URL (default "
                                    "443)."),
        QStringLiteral("PORT"), QStringLiteral("443"));
    parser.addOptions({proxy, ca, json, timeout, wssPort});
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    if (args.size() != 2) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(QCoreApplication::translate(
                         "doctor", "Usage: acdesk doctor URL [--proxy URL] [--ca FILE] [--json] "
                                   "[--timeout S] [--wss-port PORT]")));
        return 2;
    }
    bool ok = false;
    const double seconds = parser.value(timeout).toDouble(&ok);
    const int port = parser.value(wssPort).toInt();
    if (!ok || seconds <= 0 || seconds > 600 || port <= 0 || port > 65535) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(QCoreApplication::translate(
                         "doctor", "--timeout takes seconds (0 to 600), --wss-port a port.")));
        return 2;
    }

    client::DoctorOptions options;
    const QString url = args.at(1);
    options.url = QUrl(url.contains(QLatin1String("://")) ? url : QStringLiteral("ws://") + url);
    options.proxy = parser.value(proxy);
    options.caFile = parser.value(ca);
    options.timeoutMs = int(seconds * 1000);
    options.wssPort = port;

    QTextStream out(stdout);
    const bool asJson = parser.isSet(json);
    if (!asJson) {
        out << QCoreApplication::translate("doctor", "Checking %1").arg(options.url.toString())
            << '\n';
        out.flush();
    }
    const QList<client::DoctorStep> steps =
        client::ConnectionDoctor::diagnose(options, [&](const client::DoctorStep &s) {
            if (asJson)
                return;
            // Steps appear as they finish: a stalled step shows where it stalls.
            out << (s.ok ? QCoreApplication::translate("doctor", "PASS")
                         : QCoreApplication::translate("doctor", "FAIL"))
                << "  " << client::ConnectionDoctor::title(s.step) << ": " << s.detail << " ("
                << QCoreApplication::translate("doctor", "%1 ms").arg(s.ms) << ")\n";
            if (!s.fix.isEmpty())
                out << "      " << QCoreApplication::translate("doctor", "Fix:") << ' ' << s.fix
                    << '\n';
            out.flush();
        });

    int passed = 0;
    QJsonArray array;
    for (const client::DoctorStep &s : steps) {
        passed += s.ok ? 1 : 0;
        array.append(QJsonObject{{QStringLiteral("step"), s.step},
                                 {QStringLiteral("ok"), s.ok},
                                 {QStringLiteral("detail"), s.detail},
                                 {QStringLiteral("fix"), s.fix},
                                 {QStringLiteral("ms"), s.ms}});
    }
    const bool allPassed = passed == steps.size() && !steps.isEmpty();
    if (asJson) {
        out << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else if (allPassed) {
        out << QCoreApplication::translate("doctor", "All %1 steps passed.").arg(steps.size())
            << '\n';
    } else {
        out << QCoreApplication::translate("doctor", "%1 of %2 steps failed.")
                   .arg(steps.size() - passed)
                   .arg(steps.size())
            << '\n';
    }
    out.flush();
    return allPassed ? 0 : 1;
}

} // namespace acdesk
