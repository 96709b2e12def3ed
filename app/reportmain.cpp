#include "servermain.h"

#include "config.h"
#include "reports.h"
#include "storage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QStandardPaths>
#include <QTimeZone>

#include <cstdio>

namespace acdesk {

bool openDataDirectory(const QString &dirOption, const char *mode, server::Storage *storage)
{
    QString dir = dirOption;
    if (dir.isEmpty())
        dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (!QDir(dir).exists(QStringLiteral("acdesk.sqlite"))) {
        std::fprintf(stderr, "acdesk %s: no database in %s\n", mode, qPrintable(dir));
        return false;
    }
    QString error;
    if (!storage->open(dir, &error)) {
        std::fprintf(stderr, "acdesk %s: %s\n", mode, qPrintable(error));
        return false;
    }
    return true;
}

int runReportMode(QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Day and range reports from a server's stored call records."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("report"),
                                 QCoreApplication::translate("main", "mode"));
    const QCommandLineOption from(
        QStringLiteral("from"),
        QCoreApplication::translate("main", "First day (YYYY-MM-DD), default today."),
        QStringLiteral("DATE"));
    const QCommandLineOption to(
        QStringLiteral("to"),
        QCoreApplication::translate("main", "Last day (YYYY-MM-DD), default FROM."),
        QStringLiteral("DATE"));
    const QCommandLineOption format(QStringLiteral("format"),
                                    QCoreApplication::translate("main", "csv (default)."),
                                    QStringLiteral("FORMAT"), QStringLiteral("csv"));
    const QCommandLineOption what(
        QStringLiteral("what"),
        QCoreApplication::translate("main", "queues (default), agents or audit."),
        QStringLiteral("WHAT"), QStringLiteral("queues"));
    const QCommandLineOption hourly(QStringLiteral("hourly"),
                                    QCoreApplication::translate("main", "Add a row per hour."));
    const QCommandLineOption data(
        QStringLiteral("data"),
        QCoreApplication::translate("main", "Data directory of the server."),
        QStringLiteral("DIR"));
    const QCommandLineOption config(
        QStringLiteral("config"),
        QCoreApplication::translate("main", "The server's config file (queues, time zone)."),
        QStringLiteral("FILE"));
    parser.addOptions({from, to, format, what, hourly, data, config});
    parser.process(app);

    server::Config cfg = server::demoConfig();
    if (parser.isSet(config)) {
        const server::ConfigResult r = server::loadConfigFile(parser.value(config));
        if (!r.config) {
            std::fprintf(stderr, "%s\n", qPrintable(r.error));
            return 2;
        }
        cfg = *r.config;
    }
    const QTimeZone tz(cfg.engine.timeZone.toUtf8());
    const QDate today = QDateTime::currentDateTime().toTimeZone(tz).date();
    const QDate first =
        parser.isSet(from) ? QDate::fromString(parser.value(from), Qt::ISODate) : today;
    const QDate last = parser.isSet(to) ? QDate::fromString(parser.value(to), Qt::ISODate) : first;
    if (!first.isValid() || !last.isValid() || last < first) {
        std::fprintf(stderr, "acdesk report: --from/--to must be dates YYYY-MM-DD, from <= to\n");
        return 2;
    }
    if (parser.value(format) != QLatin1String("csv") ||
        (parser.value(what) != QLatin1String("queues") &&
         parser.value(what) != QLatin1String("agents") &&
         parser.value(what) != QLatin1String("audit"))) {
        std::fprintf(stderr, "acdesk report: --format csv, --what queues|agents|audit\n");
        return 2;
    }
    server::Storage storage;
    if (!openDataDirectory(parser.value(data), "report", &storage))
        return 1;
    if (parser.value(what) == QLatin1String("audit")) {
        const QByteArray csv =
            server::auditCsv(server::auditEntries(storage, cfg.engine, first, last), cfg.engine);
        std::fwrite(csv.constData(), 1, size_t(csv.size()), stdout);
        return 0;
    }
    const server::Report report =
        server::buildReport(storage, cfg.engine, first, last, parser.isSet(hourly),
                            QDateTime::currentMSecsSinceEpoch());
    const QByteArray csv = parser.value(what) == QLatin1String("agents")
                               ? server::agentReportCsv(report)
                               : server::queueReportCsv(report);
    std::fwrite(csv.constData(), 1, size_t(csv.size()), stdout);
    return 0;
}

} // namespace acdesk
