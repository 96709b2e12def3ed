// The SIP gateway end to end (issue 14): a real `acdesk server` with a `sip` section,
// baresip as callers and agent phones, SIPp as scripted peers, everything on loopback.
// Audio is checked by frequency: each phone's microphone is a sine of its own, and the
// recording of what the other side heard must be that sine.
#include "siptestutil.h"

#include <QStandardPaths>
#include <QTest>

using namespace acdesk::test;

namespace {

QString typeOf(const QJsonObject &o)
{
    return o.value(QStringLiteral("type")).toString();
}

QJsonObject P(std::initializer_list<QPair<QString, QJsonValue>> args)
{
    return QJsonObject(args);
}

constexpr int CallerTone = 440;
constexpr int AgentTone = 1000;

// The office: one queue with a hotline, a queue that refuses callers when nobody is
// logged in, two agents.
QByteArray officeConfig(const QString &extraSip = {})
{
    return QStringLiteral(
               R"({
  "queues": [
    {"id": "support", "name": "Support", "offerTimeoutSeconds": 4, "wrapUpSeconds": 1},
    {"id": "closed", "name": "Closed", "joinEmpty": "refuse"}
  ],
  "agents": [
    {"id": "1001", "name": "Anna Berg", "password": "pw1001", "queues": ["support"]},
    {"id": "1002", "name": "Ben Okafor", "password": "pw1002", "queues": ["support"]}
  ],
  "supervisors": [{"id": "boss", "name": "Team Lead", "password": "pwboss"}],
  "hotlines": [
    {"number": "100", "name": "Support hotline", "queue": "support"},
    {"number": "200", "name": "Night line", "queue": "closed"}
  ],
  "sip": {"listen": "127.0.0.1:0", "trusted": ["127.0.0.1/32"], "rtpPorts": "30000-39999",
          "rtpTimeoutSeconds": 5 %1}
})")
        .arg(extraSip)
        .toUtf8();
}

} // namespace

class TestSip : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Client> agent(const SipServer &s, const QString &id, const QString &station)
    {
        auto c = std::make_unique<Client>();
        if (!c->open(s.url()))
            return nullptr;
        const QJsonObject ok =
            c->login(QStringLiteral("agent"), id, QStringLiteral("pw") + id, station);
        if (typeOf(ok) != QLatin1String("ok"))
            return nullptr;
        return c;
    }

    static bool setReady(Client &c)
    {
        return c.code(req(QStringLiteral("agent.setState"),
                          P({{QStringLiteral("state"), QStringLiteral("ready")}}))) ==
               QLatin1String("ok");
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("baresip")).isEmpty())
            QFAIL("baresip is missing: scripts/setup-deps.sh installs it");
    }

    // The whole path of a real call: announcement, music, offer with the hotline, the
    // phone rings and is picked up, both sides hear each other, the caller hangs up, the
    // agent wraps up, the record and the statistics count it like any call.
    void callerReachesAgentAndBothHearEachOther()
    {
        SipServer s;
        QVERIFY(s.start(officeConfig()));
        Phone phone;
        QVERIFY(phone.start(QStringLiteral("agent"), AgentTone, true));
        auto anna = agent(s, QStringLiteral("1001"), phone.uri());
        QVERIFY(anna);

        Phone caller;
        QVERIFY(caller.start(QStringLiteral("caller"), CallerTone, false));
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("100"))));
        QVERIFY(caller.waitLog("Call established"));
        // Announcement (1.6 s) and the start of the music, before anyone is ready.
        QVERIFY(waitFor([&] { return caller.heardSeconds() > 3.0; }, 15000));

        QVERIFY(setReady(*anna));
        const QJsonObject offer = anna->take(QStringLiteral("call.offer"), 10000);
        QVERIFY(!offer.isEmpty());
        const QJsonObject call = offer.value(QStringLiteral("call")).toObject();
        QCOMPARE(call.value(QStringLiteral("hotline")).toObject().value(QStringLiteral("number")),
                 QStringLiteral("100"));
        QCOMPARE(call.value(QStringLiteral("hotline")).toObject().value(QStringLiteral("name")),
                 QStringLiteral("Support hotline"));
        QCOMPARE(call.value(QStringLiteral("caller")).toObject().value(QStringLiteral("number")),
                 QStringLiteral("caller"));
        QCOMPARE(call.value(QStringLiteral("data")).toObject().value(QStringLiteral("channel")),
                 QStringLiteral("sip"));
        const QString callId = call.value(QStringLiteral("id")).toString();

        // The phone picks up by itself: gw.answered connects the call.
        const QJsonObject connected = anna->take(
            [&](const QJsonObject &o) {
                return typeOf(o) == QLatin1String("call.update") &&
                       o.value(QStringLiteral("call")).toObject().value(QStringLiteral("state")) ==
                           QLatin1String("connected");
            },
            10000);
        QVERIFY(!connected.isEmpty());
        QVERIFY(phone.waitLog("Call established"));
        const double callerBefore = caller.heardSeconds();
        QVERIFY(waitFor([&] { return phone.heardSeconds() > 2.0; }, 15000));
        QVERIFY(waitFor([&] { return caller.heardSeconds() > callerBefore + 2.0; }, 15000));

        QVERIFY(caller.command(QStringLiteral("hangup")));
        const QJsonObject ended = anna->take(QStringLiteral("call.ended"), 10000);
        QCOMPARE(ended.value(QStringLiteral("cause")), QStringLiteral("caller_hangup"));
        QVERIFY(!anna->take(
                         [](const QJsonObject &o) {
                             return typeOf(o) == QLatin1String("agent.state") &&
                                    o.value(QStringLiteral("state")) == QLatin1String("wrap_up");
                         },
                         5000)
                     .isEmpty());
        // The phone's leg ended too (BYE from the gateway).
        QVERIFY(phone.waitLog("terminated", 10000));

        // What each side heard.
        const QVector<qint16> callerHeard = readWav(caller.heardFile());
        const QVector<qint16> phoneHeard = readWav(phone.heardFile());
        const int chime = firstToneWindow(callerHeard, 659.25, 0.3);
        QVERIFY2(chime >= 0 && chime < 10, "the announcement's first note (E5)");
        const int music = firstToneWindow(callerHeard, 261.63, 0.3, chime + 12);
        QVERIFY2(music > chime, "music (C4) after the announcement");
        const int agentVoice = firstToneWindow(callerHeard, AgentTone, 0.8, music);
        QVERIFY2(agentVoice > music, "the agent's tone at the caller");
        qInfo("caller heard (100 ms windows): chime at %d, music at %d, agent at %d of %d", chime,
              music, agentVoice, int(callerHeard.size() / 800));
        QVERIFY2(firstToneWindow(phoneHeard, CallerTone, 0.8) >= 0,
                 "the caller's tone at the agent");
        QCOMPARE(firstToneWindow(phoneHeard, 659.25, 0.3), -1); // no announcement for the agent

        // The record and the statistics: one answered call of the support queue.
        auto boss = std::make_unique<Client>();
        QVERIFY(boss->open(s.url()));
        QCOMPARE(typeOf(boss->login(QStringLiteral("supervisor"), QStringLiteral("boss"),
                                    QStringLiteral("pwboss"))),
                 QStringLiteral("ok"));
        QCOMPARE(
            boss->code(req(QStringLiteral("stats.subscribe"),
                           P({{QStringLiteral("queues"), QJsonArray{QStringLiteral("support")}}}))),
            QStringLiteral("ok"));
        const QJsonObject stats = boss->take(QStringLiteral("stats"), 5000);
        const QJsonObject today = stats.value(QStringLiteral("queues"))
                                      .toArray()
                                      .first()
                                      .toObject()
                                      .value(QStringLiteral("today"))
                                      .toObject();
        QCOMPARE(today.value(QStringLiteral("offered")).toInt(), 1);
        QCOMPARE(today.value(QStringLiteral("answered")).toInt(), 1);
        QCOMPARE(today.value(QStringLiteral("abandoned")).toInt(), 0);
        QVERIFY(!callId.isEmpty());
    }
};

QTEST_MAIN(TestSip)
#include "tst_sip.moc"
