// The what-if replay (issue 19): a live run's records replayed with the same config give
// the same figures, the replay is deterministic, one more agent helps as it must, and
// `acdesk replay` prints the table from a real data directory.

#include "config.h"
#include "engine/clock.h"
#include "engine/engine.h"
#include "liveday.h"
#include "replay.h"
#include "storage.h"

#include <QDateTime>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <map>
#include <random>

using namespace acdesk;
using namespace acdesk::engine;

namespace {

using acdesk::test::kDayEnd;
using acdesk::test::kDayStart;
using acdesk::test::liveDay;
using acdesk::test::office;

} // namespace

class TstReplay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Same config, same calls: the replay gives what the live run gave.
    void replayOfTheLiveRunAgrees()
    {
        const EngineConfig cfg = office(4);
        const std::vector<CallRecord> legs = liveDay(cfg, 100, 120, 1);
        const server::ReplayResult r = server::replay(legs, {}, cfg, kDayStart, kDayEnd);
        QVERIFY(r.calls > 900);
        const QueueToday live = summarize(r.recorded.queues.value(QStringLiteral("support")));
        const QueueToday again = summarize(r.replayed.queues.value(QStringLiteral("support")));
        qInfo("live: %lld offered, %lld answered, %lld abandoned, SL %.4f; replay: %lld, %lld, "
              "%lld, SL %.4f",
              live.offered, live.answered, live.abandoned, live.serviceLevel.value_or(-1),
              again.offered, again.answered, again.abandoned, again.serviceLevel.value_or(-1));
        QVERIFY(live.abandoned > 20); // the day has waits, or agreement would prove little
        QCOMPARE(again.offered, live.offered);
        QCOMPARE(again.answered, live.answered);
        QCOMPARE(again.abandoned, live.abandoned);
        QVERIFY(std::abs(*again.serviceLevel - *live.serviceLevel) < 0.01);
        QVERIFY(std::abs(*again.asaMs - *live.asaMs) < 1000);
        QCOMPARE(r.replayed.busyMs, r.recorded.busyMs);
    }

    void replayIsDeterministic()
    {
        EngineConfig cfg = office(3);
        cfg.queues[0].strategy = Strategy::Random; // even the random strategy
        const std::vector<CallRecord> legs = liveDay(office(3), 80, 120, 2);
        const QString first =
            server::replayTable(server::replay(legs, {}, cfg, kDayStart, kDayEnd), cfg);
        const QString second =
            server::replayTable(server::replay(legs, {}, cfg, kDayStart, kDayEnd), cfg);
        QCOMPARE(second, first);
        QVERIFY(first.contains(QStringLiteral("replayed")));
    }

    // The question a team lead asks: what would yesterday have looked like with one more
    // agent? Better, and never worse.
    void oneMoreAgentHelps()
    {
        const std::vector<CallRecord> legs = liveDay(office(4), 110, 120, 3);
        const EngineConfig more = office(5);
        const server::ReplayResult r = server::replay(legs, {}, more, kDayStart, kDayEnd);
        const QueueToday live = summarize(r.recorded.queues.value(QStringLiteral("support")));
        const QueueToday five = summarize(r.replayed.queues.value(QStringLiteral("support")));
        qInfo("4 agents: SL %.3f, %lld abandoned; 5 agents: SL %.3f, %lld abandoned",
              live.serviceLevel.value_or(-1), live.abandoned, five.serviceLevel.value_or(-1),
              five.abandoned);
        QCOMPARE(five.offered, live.offered);
        QVERIFY(*five.serviceLevel > *live.serviceLevel + 0.05);
        QVERIFY(five.abandoned < live.abandoned);
        QVERIFY(*five.asaMs < *live.asaMs);
    }

    // Agents keep their recorded presence: one who was away in the afternoon is away in the
    // replay too, so the replay with the same team cannot answer more than it could.
    void statesAreReplayed()
    {
        const EngineConfig cfg = office(2);
        const std::vector<CallRecord> legs = liveDay(cfg, 20, 60, 4);
        const qint64 noon = kDayStart + 12 * 3600 * 1000;
        const std::vector<server::StateLogEntry> states{
            {QStringLiteral("a1"), QStringLiteral("ready"), {}, kDayStart + 8 * 3600 * 1000},
            {QStringLiteral("a2"), QStringLiteral("ready"), {}, kDayStart + 8 * 3600 * 1000},
            {QStringLiteral("a2"), QStringLiteral("logged_out"), {}, noon}};
        const server::ReplayResult r = server::replay(legs, states, cfg, kDayStart, kDayEnd);
        // a1 all day (16 h to midnight), a2 four hours.
        QCOMPARE(r.replayed.loggedInMs, qint64(20) * 3600 * 1000);
        QCOMPARE(r.recorded.loggedInMs, qint64(20) * 3600 * 1000);
        QVERIFY(summarize(r.replayed.queues.value(QStringLiteral("support"))).answered > 0);
    }

    void cliPrintsTheTable()
    {
        const QString binary = qEnvironmentVariable("ACDESK_BINARY");
        QVERIFY(QFile::exists(binary));
        QTemporaryDir dir;
        {
            server::Storage storage;
            QString error;
            QVERIFY2(storage.open(dir.path(), &error), qPrintable(error));
            for (const CallRecord &r : liveDay(office(3), 60, 120, 5))
                QVERIFY(storage.saveLeg(r));
        }
        QFile config(dir.filePath(QStringLiteral("more.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(
            R"({"timeZone": "Europe/Berlin", "queues": [{"id": "support", "wrapUpSeconds": 0}],
  "agents": [{"id": "a1", "password": "x", "queues": ["support"]},
             {"id": "a2", "password": "x", "queues": ["support"]},
             {"id": "a3", "password": "x", "queues": ["support"]},
             {"id": "a4", "password": "x", "queues": ["support"]}]})");
        config.close();
        QProcess p;
        p.start(binary, {QStringLiteral("replay"), QStringLiteral("--data"), dir.path(),
                         QStringLiteral("--config"), config.fileName(), QStringLiteral("--from"),
                         QStringLiteral("2026-12-03")});
        QVERIFY(p.waitForFinished(60000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(out.contains(QStringLiteral("acdesk replay 2026-12-03 .. 2026-12-03")),
                 qPrintable(out));
        QVERIFY(out.contains(QStringLiteral("support")));
        QVERIFY(out.contains(QStringLiteral("recorded")) &&
                out.contains(QStringLiteral("replayed")));
        QVERIFY(out.contains(QStringLiteral("agent occupancy")));

        // A config with a mistake is refused with file, field and reason.
        QFile bad(dir.filePath(QStringLiteral("bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(R"({"queues": [{"id": "support", "hours": {"mon": ["9-5"]}}]})");
        bad.close();
        p.start(binary, {QStringLiteral("replay"), QStringLiteral("--data"), dir.path(),
                         QStringLiteral("--config"), bad.fileName()});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(QString::fromUtf8(p.readAllStandardError())
                    .contains(QStringLiteral("bad.json: $.queues[0].hours.mon[0]")));
    }
};

QTEST_GUILESS_MAIN(TstReplay)
#include "tst_replay.moc"
