#include "servermain.h"

#include "config.h"
#include "replay.h"
#include "storage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QTimeZone>

#include <cstdio>

namespace acdesk {

int runReplayMode(QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "What-if replay: the stored calls of a period go through the ACD again with "
                "another configuration; prints its figures beside the recorded ones."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("replay"),
                                 QCoreApplication::translate("main", "mode"));
    const QCommandLineOption from(
        QStringLiteral("from"),
        QCoreApplication::translate("main", "First day (YYYY-MM-DD), default yesterday."),
        QStringLiteral("DATE"));
    const QCommandLineOption to(
        QStringLiteral("to"),
        QCoreApplication::translate("main", "Last day (YYYY-MM-DD), default FROM."),
        QStringLiteral("DATE"));
    const QCommandLineOption config(
        QStringLiteral("config"),
        QCoreApplication::translate("main", "The configuration to try (queues, agents, hours)."),
        QStringLiteral("FILE"));
    const QCommandLineOption data(
        QStringLiteral("data"),
        QCoreApplication::translate("main", "Data directory of the server."),
        QStringLiteral("DIR"));
    parser.addOptions({from, to, config, data});
    parser.process(app);

    if (!parser.isSet(config)) {
        std::fprintf(stderr, "acdesk replay: --config FILE is required (the configuration to "
                             "try; give the server's own to check the replay)\n");
        return 2;
    }
    const server::ConfigResult r = server::loadConfigFile(parser.value(config));
    if (!r.config) {
        std::fprintf(stderr, "%s\n", qPrintable(r.error));
        return 2;
    }
    const engine::EngineConfig &cfg = r.config->engine;
    const QTimeZone tz(cfg.timeZone.toUtf8());
    const QDate yesterday = QDateTime::currentDateTime().toTimeZone(tz).date().addDays(-1);
    const QDate first =
        parser.isSet(from) ? QDate::fromString(parser.value(from), Qt::ISODate) : yesterday;
    const QDate last = parser.isSet(to) ? QDate::fromString(parser.value(to), Qt::ISODate) : first;
    if (!first.isValid() || !last.isValid() || last < first || first.daysTo(last) > 366) {
        std::fprintf(stderr, "acdesk replay: --from/--to must be dates YYYY-MM-DD, from <= to, "
                             "at most 366 days\n");
        return 2;
    }
    server::Storage storage;
    if (!openDataDirectory(parser.value(data), "replay", &storage))
        return 1;
    const qint64 fromMs = QDateTime(first, QTime(0, 0), tz).toMSecsSinceEpoch();
    const qint64 toMs = QDateTime(last.addDays(1), QTime(0, 0), tz).toMSecsSinceEpoch();
    QElapsedTimer timer;
    timer.start();
    const server::ReplayResult result = server::replay(
        storage.legs(fromMs, toMs), storage.stateLog(fromMs, toMs), cfg, fromMs, toMs);
    const QString header =
        QStringLiteral("acdesk replay %1 .. %2 (%3) with %4: %5 calls in %6 ms\n\n")
            .arg(first.toString(Qt::ISODate), last.toString(Qt::ISODate), cfg.timeZone,
                 parser.value(config))
            .arg(result.calls)
            .arg(timer.elapsed());
    const QByteArray out = (header + server::replayTable(result, cfg)).toUtf8();
    std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
    return 0;
}

} // namespace acdesk
