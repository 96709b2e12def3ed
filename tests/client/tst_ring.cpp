// The ring tone of the agent's desk (AgentAlerts) played through Qt Multimedia to a real
// PulseAudio server (CTest runs this under with-pulseaudio.sh: a null sink of its own),
// and heard by recording that sink's monitor with parec: sound while an offer rings,
// silence once it ends, none with the tone "off", quieter at a lower volume.

#include "agentalerts.h"
#include "agentsession.h"
#include "engine/engine.h"
#include "inprocessserver.h"
#include "wallboardalarm.h"

#include <QDBusConnection>
#include <QProcess>
#include <QTest>

#include <cstdlib>

using namespace acdesk;
using acdesk::client::AgentAlerts;
using acdesk::client::AgentSession;

namespace {

const char *const ConfigJson = R"({
  "timeZone": "UTC",
  "queues": [{"id": "support", "wrapUpSeconds": 0, "offerTimeoutSeconds": 60}],
  "agents": [{"id": "a1", "password": "pw1", "queues": ["support"]}]
})";

// The loudest sample (of 32767) the sink played over @p seconds, recorded from its monitor;
// the first @p skip seconds are left out (what a stopped stream still had on its way).
int loudestPlayed(double seconds, double skip = 0)
{
    QProcess rec;
    rec.start(QStringLiteral("parec"),
              {QStringLiteral("--device=acdesk_test.monitor"), QStringLiteral("--raw"),
               QStringLiteral("--format=s16le"), QStringLiteral("--rate=16000"),
               QStringLiteral("--channels=1"), QStringLiteral("--latency-msec=50")});
    if (!rec.waitForStarted(5000))
        return -1;
    const qint64 want = qint64(seconds * 16000) * 2;
    QByteArray pcm;
    // With the event loop running: the sound effect loads and starts through it.
    static_cast<void>(QTest::qWaitFor(
        [&] {
            pcm += rec.readAllStandardOutput();
            return pcm.size() >= want || rec.state() != QProcess::Running;
        },
        int(seconds * 1000) + 10000));
    rec.kill();
    rec.waitForFinished(2000);
    if (pcm.size() < want)
        return -1;
    int peak = 0;
    const auto *s = reinterpret_cast<const qint16 *>(pcm.constData());
    for (qsizetype i = qsizetype(skip * 16000); i < want / 2; ++i)
        peak = std::max(peak, std::abs(int(s[i])));
    return peak;
}

} // namespace

class TestRing : public QObject
{
    Q_OBJECT

private:
    test::InProcessServer m_server;

    void arrive(const QString &id)
    {
        engine::Arrival a;
        a.id = id;
        a.queue = QStringLiteral("support");
        a.callerNumber = QStringLiteral("+4930999");
        QVERIFY(m_server->engine().arrive(a).ok());
        m_server->pump();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariableIsSet("PULSE_SERVER"), "run under with-pulseaudio.sh");
        const auto config = test::testConfig(ConfigJson, QStringLiteral("ring.json"));
        QVERIFY(config);
        QVERIFY(m_server.start(*config));
    }

    void ringsWhileOfferedAndStops()
    {
        AgentSession session;
        AgentAlerts alerts{QDBusConnection(QString())}; // no notifications in this test
        alerts.setSession(&session);
        session.login(m_server.wsUrl(), QStringLiteral("a1"), QStringLiteral("pw1"), {});
        QTRY_COMPARE(session.status(), QStringLiteral("online"));
        // The null sink is an output the settings offer.
        bool listed = false;
        for (const QVariant &d : alerts.outputDevices())
            listed =
                listed ||
                d.toMap()
                    .value(QStringLiteral("name"))
                    .toString()
                    .contains(QStringLiteral("acdesk_test"), Qt::CaseInsensitive) ||
                d.toMap().value(QStringLiteral("id")).toString() == QLatin1String("acdesk_test");
        QVERIFY(listed);
        QCOMPARE(loudestPlayed(0.5), 0); // nothing plays yet

        session.setReady();
        QTRY_COMPARE(session.state(), QStringLiteral("ready"));
        arrive(QStringLiteral("r1"));
        QTRY_COMPARE(session.state(), QStringLiteral("ringing"));
        QTRY_VERIFY(alerts.ringing());
        // One ring cycle is 2.4 s; 2.6 s hold at least one burst of the loop.
        const int loud = loudestPlayed(2.6);
        QVERIFY2(loud > 8000, qPrintable(QString::number(loud)));

        session.reject();
        QTRY_COMPARE(session.state(), QStringLiteral("not_ready"));
        QTRY_VERIFY(!alerts.ringing());
        QCOMPARE(loudestPlayed(1.3, 0.3), 0);

        // A quieter ring at a quarter of the volume.
        alerts.setRingVolume(0.2);
        session.setReady();
        QTRY_COMPARE(session.state(), QStringLiteral("ringing")); // r1 again
        QTRY_VERIFY(alerts.ringing());
        const int quiet = loudestPlayed(2.6);
        QVERIFY2(quiet > 500 && quiet < loud / 2,
                 qPrintable(QStringLiteral("%1 against %2").arg(quiet).arg(loud)));
        // "No sound": the ring stops at once, the offer still rings.
        alerts.setRingTone(QStringLiteral("off"));
        QTRY_VERIFY(!alerts.ringing());
        QCOMPARE(session.state(), QStringLiteral("ringing"));
        QCOMPARE(loudestPlayed(1.3, 0.3), 0);
        QVERIFY(m_server->engine().callerHangup(QStringLiteral("r1")).ok());
        m_server->pump();
        QTRY_COMPARE(session.state(), QStringLiteral("ready"));
    }

    // The wallboard's alert: heard once when a queue turns red, only when switched on.
    void wallboardAlertWhenAQueueTurnsRed()
    {
        client::WallboardAlarm alarm;
        QVERIFY(!alarm.queueTurnedRed(QStringLiteral("support"))); // off by default
        QCOMPARE(loudestPlayed(1.0), 0);
        alarm.setEnabled(true);
        QVERIFY(!alarm.setQuietHours(QStringLiteral("25:00-08:00")));
        QVERIFY(!alarm.setQuietHours(QStringLiteral("evening")));
        QVERIFY(alarm.setQuietHours(QString()));
        QVERIFY(alarm.queueTurnedRed(QStringLiteral("support")));
        const int loud = loudestPlayed(1.5);
        QVERIFY2(loud > 8000, qPrintable(QString::number(loud)));
        QTRY_COMPARE(loudestPlayed(0.5), 0); // once, not on and on
        QCOMPARE(alarm.sounded(), 1);
    }

    void quietHoursAcrossMidnight()
    {
        client::WallboardAlarm alarm;
        QVERIFY(alarm.setQuietHours(QStringLiteral("18:00-08:00")));
        QVERIFY(alarm.quietAt(QTime(23, 59)));
        QVERIFY(alarm.quietAt(QTime(0, 0)));
        QVERIFY(alarm.quietAt(QTime(7, 59)));
        QVERIFY(!alarm.quietAt(QTime(8, 0)));
        QVERIFY(!alarm.quietAt(QTime(17, 59)));
        QVERIFY(alarm.quietAt(QTime(18, 0)));
        QVERIFY(alarm.setQuietHours(QStringLiteral("12:00-13:00")));
        QVERIFY(alarm.quietAt(QTime(12, 30)));
        QVERIFY(!alarm.quietAt(QTime(13, 0)));
        QVERIFY(!alarm.setQuietHours(QStringLiteral("12:00-12:00")));
        QCOMPARE(alarm.quietHours(), QStringLiteral("12:00-13:00"));
    }
};

QTEST_MAIN(TestRing)
#include "tst_ring.moc"
