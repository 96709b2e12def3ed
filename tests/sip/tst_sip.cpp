// The SIP gateway end to end (issue 14): a real `acdesk server` with a `sip` section,
// baresip as callers and agent phones, SIPp as scripted peers, everything on loopback.
// Audio is checked by frequency: each phone's microphone is a sine of its own, and the
// recording of what the other side heard must be that sine.
#include "siptestutil.h"

#include <QCryptographicHash>
#include <QNetworkDatagram>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTest>
#include <QUdpSocket>

using namespace acdesk::test;

namespace {

constexpr int CallerTone = 440;
constexpr int AgentTone = 1000;
constexpr int SecondAgentTone = 1500;
constexpr int TrunkTone = 2000;

// The office: one queue with a hotline, a queue that refuses callers when nobody is
// logged in, two agents.
QByteArray officeConfig(const QString &extraSip = {}, int rtpTimeoutSeconds = 5)
{
    return QStringLiteral(
               R"({
  "queues": [
    {"id": "support", "name": "Support", "offerTimeoutSeconds": 4, "wrapUpSeconds": 1,
     "callback": {"enabled": true}},
    {"id": "closed", "name": "Closed", "joinEmpty": "refuse"},
    {"id": "afterhours", "name": "After hours", "hours": {}}
  ],
  "agents": [
    {"id": "1001", "name": "Anna Berg", "password": "pw1001", "queues": ["support"]},
    {"id": "1002", "name": "Ben Okafor", "password": "pw1002", "queues": ["support"]}
  ],
  "supervisors": [{"id": "boss", "name": "Team Lead", "password": "pwboss"}],
  "hotlines": [
    {"number": "100", "name": "Support hotline", "queue": "support"},
    {"number": "200", "name": "Night line", "queue": "closed"},
    {"number": "300", "name": "Office line", "queue": "afterhours"}
  ],
  "sip": {"listen": "127.0.0.1:0", "trusted": ["127.0.0.1/32"], "rtpPorts": "30000-39999",
          "rtpTimeoutSeconds": %2 %1}
})")
        .arg(extraSip)
        .arg(rtpTimeoutSeconds)
        .toUtf8();
}

// A raw SIP peer on UDP: INVITEs and junk from the test itself, to check the gateway's
// answers byte for byte (status codes, Retry-After) without a full stack in between.
struct RawSip
{
    QUdpSocket socket;
    QList<QByteArray> responses;

    bool bind(const QString &address)
    {
        QObject::connect(&socket, &QUdpSocket::readyRead, &socket, [this] {
            while (socket.hasPendingDatagrams())
                responses.append(socket.receiveDatagram().data());
        });
        return socket.bind(QHostAddress(address), 0);
    }

    void send(const QByteArray &datagram, quint16 port)
    {
        socket.writeDatagram(datagram, QHostAddress::LocalHost, port);
    }

    QByteArray invite(const QString &number, quint16 port, int n) const
    {
        const QString me = socket.localAddress().toString();
        const QByteArray sdp = QStringLiteral("v=0\r\no=- 1 1 IN IP4 %1\r\ns=-\r\nc=IN IP4 %1\r\n"
                                              "t=0 0\r\nm=audio 9 RTP/AVP 0\r\n"
                                              "a=rtpmap:0 PCMU/8000\r\n")
                                   .arg(me)
                                   .toLatin1();
        return QStringLiteral("INVITE sip:%1@127.0.0.1:%2 SIP/2.0\r\n"
                              "Via: SIP/2.0/UDP %3:%4;branch=z9hG4bK-raw-%5;rport\r\n"
                              "From: <sip:tester@%3>;tag=raw%5\r\n"
                              "To: <sip:%1@127.0.0.1>\r\n"
                              "Call-ID: raw-%5@%3\r\n"
                              "CSeq: 1 INVITE\r\n"
                              "Contact: <sip:tester@%3:%4>\r\n"
                              "Max-Forwards: 70\r\n"
                              "Content-Type: application/sdp\r\n"
                              "Content-Length: %6\r\n\r\n")
                   .arg(number)
                   .arg(port)
                   .arg(me)
                   .arg(socket.localPort())
                   .arg(n)
                   .arg(sdp.size())
                   .toLatin1() +
               sdp;
    }

    /** @brief Final responses (>= 200) to the call raw-@p n, each once. */
    QList<QByteArray> finals(int n) const
    {
        QList<QByteArray> out;
        for (const QByteArray &r : responses) {
            if (!r.contains(QByteArray("Call-ID: raw-" + QByteArray::number(n) + "@")))
                continue;
            const QByteArray status = r.left(r.indexOf("\r\n"));
            if (status.size() > 10 && status[7] == ' ' && status[8] >= '2' && !out.contains(r))
                out.append(r);
        }
        return out;
    }

    static int code(const QByteArray &response) { return response.mid(8, 3).toInt(); }
};

// See TestSip::openDesk.
struct Desk
{
    SipServer server;
    Phone phone;
    Phone caller;
    std::unique_ptr<Client> anna;
};

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

    static QJsonObject takeState(Client &c, const QString &state, int timeoutMs = 10000)
    {
        return c.take(
            [&](const QJsonObject &o) {
                return typeOf(o) == QLatin1String("agent.state") &&
                       o.value(QStringLiteral("state")) == state;
            },
            timeoutMs);
    }

    static QJsonObject takeCallState(Client &c, const QString &state, int timeoutMs = 10000)
    {
        return c.take(
            [&](const QJsonObject &o) {
                return typeOf(o) == QLatin1String("call.update") &&
                       o.value(QStringLiteral("call")).toObject().value(QStringLiteral("state")) ==
                           state;
            },
            timeoutMs);
    }

    static QString callIdOf(const QJsonObject &event)
    {
        return event.value(QStringLiteral("call"))
            .toObject()
            .value(QStringLiteral("id"))
            .toString();
    }

    static QJsonObject callReq(const QString &type, const QString &call,
                               const QJsonObject &extra = {})
    {
        QJsonObject o = extra;
        o.insert(QStringLiteral("type"), type);
        o.insert(QStringLiteral("call"), call);
        return o;
    }

    // The next call.update whose consultation is in @p state.
    static QJsonObject consultUpdate(Client &c, const QString &state)
    {
        return c.take(
            [&](const QJsonObject &o) {
                return typeOf(o) == QLatin1String("call.update") &&
                       o.value(QStringLiteral("call"))
                               .toObject()
                               .value(QStringLiteral("consult"))
                               .toObject()
                               .value(QStringLiteral("state")) == state;
            },
            10000);
    }

    // Where three phones' recordings are now (100 ms windows), to look at what comes after.
    struct Marks
    {
        Marks(Phone &a, Phone &b, Phone &c)
            : phones{&a, &b, &c}
        {
            for (int i = 0; i < 3; ++i)
                at[i] = int(phones[i]->heardSeconds() * 10);
        }
        // Each has recorded @p seconds more.
        bool waitAll(double seconds)
        {
            return waitFor(
                [&] {
                    for (int i = 0; i < 3; ++i)
                        if (phones[i]->heardSeconds() < at[i] / 10.0 + seconds)
                            return false;
                    return true;
                },
                15000);
        }
        QVector<qint16> heard(int i) const { return readWav(phones[i]->heardFile()); }
        Phone *phones[3];
        int at[3] = {};
    };

    // A 100 ms window from @p from on where both tones are loud (a mix of two voices).
    static bool bothTones(const QVector<qint16> &s, double f1, double f2, int from)
    {
        constexpr int W = 800;
        for (int i = from; (i + 1) * W <= s.size(); ++i)
            if (toneRatio(s.constData() + i * W, W, f1) > 0.25 &&
                toneRatio(s.constData() + i * W, W, f2) > 0.25)
                return true;
        return false;
    }

    // The usual start: the office's server (@p config), Anna (1001) logged in with her
    // phone and ready, a caller's phone. Fails the test (check QTest::currentTestFailed())
    // when anything is not up.
    void openDesk(Desk &d, bool autoAnswer, const QByteArray &config = officeConfig())
    {
        QVERIFY(d.server.start(config));
        QVERIFY(d.phone.start(QStringLiteral("agent"), AgentTone, autoAnswer));
        d.anna = agent(d.server, QStringLiteral("1001"), d.phone.uri());
        QVERIFY(d.anna);
        QVERIFY(setReady(*d.anna));
        QVERIFY(d.caller.start(QStringLiteral("caller"), CallerTone, false));
    }

    // For the transfers: the usual office plus Ben (1002, logged in, not ready) with a
    // phone of his own, and a caller talking to Anna; @p id is that call.
    void openTransferDesk(Desk &d, Phone &phoneB, std::unique_ptr<Client> &ben, QString *id)
    {
        openDesk(d, true);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(phoneB.start(QStringLiteral("ben"), SecondAgentTone, true));
        ben = agent(d.server, QStringLiteral("1002"), phoneB.uri(QStringLiteral("ben")));
        QVERIFY(ben);
        connectCall(d.server, d.phone, *d.anna, d.caller, id);
    }

    // A caller dials the support hotline and an agent with a live phone talks to it: the
    // start of most tests below. Fails the test (check QTest::currentTestFailed()) or sets
    // @p id to the call's id.
    void connectCall(const SipServer &s, Phone &phone, Client &anna, Phone &caller, QString *id)
    {
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("100"))));
        const QJsonObject offer = anna.take(QStringLiteral("call.offer"), 10000);
        QVERIFY(!offer.isEmpty());
        QVERIFY(!takeCallState(anna, QStringLiteral("connected")).isEmpty());
        QVERIFY(phone.waitLog("Call established"));
        QVERIFY(caller.waitLog("Call established"));
        *id = callIdOf(offer);
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
        phone.codecs = QStringLiteral("PCMU");
        QVERIFY(phone.start(QStringLiteral("agent"), AgentTone, true));
        auto anna = agent(s, QStringLiteral("1001"), phone.uri());
        QVERIFY(anna);

        // The caller speaks A-law only, the desk phone µ-law only: the relay transcodes
        // both ways, and the tones must survive it.
        Phone caller;
        caller.codecs = QStringLiteral("PCMA");
        QVERIFY(caller.start(QStringLiteral("caller"), CallerTone, false));
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("100"))));
        QVERIFY(caller.waitLog("Call established"));
        QVERIFY(caller.log.contains("Set audio encoder: PCMA"));
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
        QVERIFY(phone.log.contains("Set audio encoder: PCMU"));
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
        QVERIFY(phone.waitEnded());

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

        // /metrics tells the relay's work.
        const QByteArray metrics = httpGet(s.server.port, "/metrics").body;
        QVERIFY(metrics.contains("acdesk_sip_calls{state=\"bridged\"} "));
        QVERIFY(metrics.contains("acdesk_sip_invites_total 1\n"));
        const QRegularExpression relayed(QStringLiteral(
            "acdesk_rtp_packets_relayed_total\\{direction=\"caller_to_agent\"\\} (\\d+)"));
        QVERIFY(relayed.match(QString::fromUtf8(metrics)).captured(1).toInt() > 50);
    }

    // Headset users answer in the app: ";answer=app" on the station rings nothing with the
    // offer; call.accept calls the phone with auto-answer headers and connects it.
    void acceptInAppCallsThePhone()
    {
        SipServer s;
        QVERIFY(s.start(officeConfig()));
        Phone phone;
        QVERIFY(phone.start(QStringLiteral("agent"), AgentTone, true));
        auto anna = agent(s, QStringLiteral("1001"), phone.uri() + QStringLiteral(";answer=app"));
        QVERIFY(anna);
        QVERIFY(setReady(*anna));
        Phone caller;
        QVERIFY(caller.start(QStringLiteral("caller"), CallerTone, false));
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("100"))));
        const QJsonObject offer = anna->take(QStringLiteral("call.offer"), 10000);
        QVERIFY(!offer.isEmpty());
        QVERIFY(!phone.log.contains("Incoming call"));
        QCOMPARE(anna->code(callReq(QStringLiteral("call.accept"), callIdOf(offer))),
                 QStringLiteral("ok"));
        QVERIFY(phone.waitLog("Call established"));
        QVERIFY(waitFor([&] { return phone.heardSeconds() > 1.5; }, 15000));
        QVERIFY(firstToneWindow(readWav(phone.heardFile()), CallerTone, 0.8) >= 0);
    }

    // The agent rejects in the app while the phone rings: the phone stops ringing (CANCEL)
    // and the call waits on.
    void rejectCancelsTheRingingPhone()
    {
        Desk d;
        openDesk(d, false);
        if (QTest::currentTestFailed())
            return;
        auto &[s, phone, caller, anna] = d;
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("100"))));
        const QJsonObject offer = anna->take(QStringLiteral("call.offer"), 10000);
        QVERIFY(phone.waitLog("Incoming call"));
        QCOMPARE(anna->code(callReq(QStringLiteral("call.reject"), callIdOf(offer))),
                 QStringLiteral("ok"));
        QCOMPARE(anna->take(QStringLiteral("call.ended")).value(QStringLiteral("cause")),
                 QStringLiteral("rejected"));
        QVERIFY(phone.waitEnded());
        QVERIFY(!caller.log.contains("session closed")); // the caller still waits
    }

    // Nobody picks up within offerTimeoutSeconds: no_answer, and the phone stops ringing.
    void offerTimeoutCancelsThePhone()
    {
        Desk d;
        openDesk(d, false);
        if (QTest::currentTestFailed())
            return;
        auto &[s, phone, caller, anna] = d;
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("100"))));
        QVERIFY(phone.waitLog("Incoming call"));
        QCOMPARE(anna->take(QStringLiteral("call.ended"), 15000).value(QStringLiteral("cause")),
                 QStringLiteral("no_answer"));
        QVERIFY(phone.waitEnded());
    }

    // A phone that answers 486 Busy Here (SIPp): the offer counts as rejected.
    void busyPhoneRejects()
    {
        SipServer s;
        QVERIFY(s.start(officeConfig()));
        QTemporaryDir dir;
        quint16 port = 0;
        QProcess busy;
        busy.setWorkingDirectory(dir.path());
        // The free port is only free when it was probed: another process may take it before
        // SIPp binds it (SIPp then exits at once). Another port then, a few times.
        for (int attempt = 0; attempt < 5 && busy.state() != QProcess::Running; ++attempt) {
            port = freeSipPort();
            busy.start(QStringLiteral("sipp"),
                       {QStringLiteral("-sf"), QStringLiteral(ACDESK_SIP_SCENARIOS "/uas_busy.xml"),
                        QStringLiteral("-i"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                        QString::number(port), QStringLiteral("-m"), QStringLiteral("1"),
                        QStringLiteral("-nostdin"), QStringLiteral("-trace_err")});
            // Ready once SIPp holds its port.
            QVERIFY(waitFor([&] {
                QUdpSocket probe;
                return !probe.bind(QHostAddress::LocalHost, port) ||
                       busy.state() == QProcess::NotRunning;
            }));
            if (busy.state() != QProcess::Running)
                qWarning().noquote()
                    << "sipp did not start on port" << port << ":" << busy.readAllStandardError();
        }
        QCOMPARE(busy.state(), QProcess::Running);
        auto stopSipp = qScopeGuard([&] {
            busy.kill();
            busy.waitForFinished(3000);
        });
        auto anna =
            agent(s, QStringLiteral("1001"), QStringLiteral("sip:agent@127.0.0.1:%1").arg(port));
        QVERIFY(anna);
        QVERIFY(setReady(*anna));
        Phone caller;
        QVERIFY(caller.start(QStringLiteral("caller"), CallerTone, false));
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("100"))));
        QCOMPARE(anna->take(QStringLiteral("call.ended"), 10000).value(QStringLiteral("cause")),
                 QStringLiteral("rejected"));
        QCOMPARE(takeState(*anna, QStringLiteral("not_ready")).value(QStringLiteral("reason")),
                 QStringLiteral("rejected"));
    }

    // A phone nobody can reach: the agent goes not_ready "phone_unreachable" and the caller
    // is offered to the next agent, whose phone works.
    void deadPhoneTakesTheAgentOutAndTheNextOneRings()
    {
        SipServer s;
        QVERIFY(s.start(officeConfig()));
        const quint16 dead = freeTcpPort(); // nothing listens: the TCP connect is refused
        auto anna = agent(s, QStringLiteral("1001"),
                          QStringLiteral("sip:agent@127.0.0.1:%1;transport=tcp").arg(dead));
        QVERIFY(anna);
        QVERIFY(setReady(*anna));
        Phone phone;
        QVERIFY(phone.start(QStringLiteral("agent"), AgentTone, true));
        auto ben = agent(s, QStringLiteral("1002"), phone.uri());
        QVERIFY(ben);
        QVERIFY(setReady(*ben));
        Phone caller;
        QVERIFY(caller.start(QStringLiteral("caller"), CallerTone, false));
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("100"))));
        QCOMPARE(takeState(*anna, QStringLiteral("not_ready")).value(QStringLiteral("reason")),
                 QStringLiteral("phone_unreachable"));
        QVERIFY(!ben->take(QStringLiteral("call.offer"), 10000).isEmpty());
        QVERIFY(!takeCallState(*ben, QStringLiteral("connected")).isEmpty());
        QVERIFY(phone.waitLog("Call established"));
    }

    // A queue that refuses callers when nobody serves it: the caller hears the
    // announcement, then the line is closed.
    void refusedCallerHearsTheAnnouncementThenBye()
    {
        SipServer s;
        QVERIFY(s.start(officeConfig()));
        Phone caller;
        QVERIFY(caller.start(QStringLiteral("caller"), CallerTone, false));
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("200"))));
        QVERIFY(caller.waitLog("Call established"));
        QVERIFY(caller.waitEnded());
        const QVector<qint16> heard = readWav(caller.heardFile());
        QVERIFY(firstToneWindow(heard, 659.25, 0.3) >= 0);     // the chime
        QCOMPARE(firstToneWindow(heard, 261.63, 0.3, 16), -1); // and no music after it
    }

    // A queue closed by its opening hours (no open hour at all): gw.exit, so the caller
    // hears the announcement and the line is closed (tst_server_api checks the counting).
    void closedQueueCallerHearsTheAnnouncementThenBye()
    {
        SipServer s;
        QVERIFY(s.start(officeConfig()));
        Phone caller;
        QVERIFY(caller.start(QStringLiteral("caller"), CallerTone, false));
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("300"))));
        QVERIFY(caller.waitLog("Call established"));
        QVERIFY(caller.waitEnded());
        const QVector<qint16> heard = readWav(caller.heardFile());
        const QVector<qint16> closed =
            readWav(qEnvironmentVariable("ACDESK_TEST_DATA") +
                    QStringLiteral("/../../resources/prompts/en/closed.wav"));
        QVERIFY(!closed.isEmpty());
        QVERIFY2(promptMatch(heard, closed) > 0.9, // "We are closed at the moment..."
                 qPrintable(QStringLiteral("%1 in %2 s")
                                .arg(promptMatch(heard, closed))
                                .arg(heard.size() / 8000.0)));
        QCOMPARE(firstToneWindow(heard, 261.63, 0.3), -1); // and no music
    }

    // A caller whose phone stops sending RTP is gone after rtpTimeoutSeconds: the call
    // ends as the caller's hang-up and the caller's dialog gets BYE.
    void silentCallerEndsAfterTheRtpTimeout()
    {
        SipServer s;
        QVERIFY(s.start(officeConfig()));
        QProcess callers;
        callers.setWorkingDirectory(s.dir.path());
        callers.setProcessChannelMode(QProcess::MergedChannels);
        // uac_wait.xml sends no RTP at all and waits for the BYE.
        callers.start(QStringLiteral("sipp"),
                      {QStringLiteral("-sf"), QStringLiteral(ACDESK_SIP_SCENARIOS "/uac_wait.xml"),
                       QStringLiteral("-s"), QStringLiteral("100"), QStringLiteral("-i"),
                       QStringLiteral("127.0.0.1"), QStringLiteral("-m"), QStringLiteral("1"),
                       QStringLiteral("-nostdin"), QStringLiteral("-trace_err"),
                       QStringLiteral("127.0.0.1:%1").arg(s.sipPort)});
        auto stopSipp = qScopeGuard([&] {
            callers.kill();
            callers.waitForFinished(3000);
        });
        auto live = [&] {
            const QRegularExpression re(QStringLiteral("acdesk_calls_live (\\d+)"));
            return re.match(QString::fromUtf8(httpGet(s.server.port, "/metrics").body))
                .captured(1)
                .toInt();
        };
        QTRY_COMPARE_WITH_TIMEOUT(live(), 1, 10000);
        // officeConfig: 5 s without RTP.
        QTRY_COMPARE_WITH_TIMEOUT(live(), 0, 15000);
        QVERIFY(s.server.out.contains("no RTP from the caller"));
        // (Already finished while the event loop ran: waitForFinished() would say false.)
        QTRY_COMPARE_WITH_TIMEOUT(callers.state(), QProcess::NotRunning, 10000);
        QCOMPARE(callers.exitCode(), 0);
    }

    // Hang-ups from every side and moment end the SIP legs and count like any call.
    void callerHangsUpWhileWaiting()
    {
        SipServer s;
        QVERIFY(s.start(officeConfig()));
        auto boss = std::make_unique<Client>();
        QVERIFY(boss->open(s.url()));
        QCOMPARE(typeOf(boss->login(QStringLiteral("supervisor"), QStringLiteral("boss"),
                                    QStringLiteral("pwboss"))),
                 QStringLiteral("ok"));
        QCOMPARE(
            boss->code(req(QStringLiteral("stats.subscribe"),
                           P({{QStringLiteral("queues"), QJsonArray{QStringLiteral("support")}}}))),
            QStringLiteral("ok"));
        Phone caller;
        QVERIFY(caller.start(QStringLiteral("caller"), CallerTone, false));
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("100"))));
        QVERIFY(caller.waitLog("Call established"));
        QVERIFY(caller.command(QStringLiteral("hangup")));
        const QJsonObject abandoned = boss->take(
            [](const QJsonObject &o) {
                const QJsonObject today = o.value(QStringLiteral("queues"))
                                              .toArray()
                                              .first()
                                              .toObject()
                                              .value(QStringLiteral("today"))
                                              .toObject();
                // A caller who waited only a moment counts as a short abandon (6.2).
                return typeOf(o) == QLatin1String("stats") &&
                       today.value(QStringLiteral("offered")).toInt() == 1 &&
                       today.value(QStringLiteral("abandoned")).toInt() +
                               today.value(QStringLiteral("shortAbandoned")).toInt() ==
                           1;
            },
            10000);
        QVERIFY(!abandoned.isEmpty());
    }

    void callerHangsUpWhileRinging()
    {
        Desk d;
        openDesk(d, false);
        if (QTest::currentTestFailed())
            return;
        auto &[s, phone, caller, anna] = d;
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("100"))));
        QVERIFY(phone.waitLog("Incoming call"));
        QVERIFY(caller.command(QStringLiteral("hangup")));
        QCOMPARE(anna->take(QStringLiteral("call.ended")).value(QStringLiteral("cause")),
                 QStringLiteral("caller_hangup"));
        QVERIFY(phone.waitEnded()); // CANCEL
    }

    void agentHangsUpThePhone()
    {
        Desk d;
        openDesk(d, true);
        if (QTest::currentTestFailed())
            return;
        auto &[s, phone, caller, anna] = d;
        QString id;
        connectCall(s, phone, *anna, caller, &id);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(phone.command(QStringLiteral("hangup")));
        QCOMPARE(anna->take(QStringLiteral("call.ended")).value(QStringLiteral("cause")),
                 QStringLiteral("agent_hangup"));
        QVERIFY(caller.waitEnded()); // BYE to the caller
    }

    void agentHangsUpInTheApp()
    {
        Desk d;
        openDesk(d, true);
        if (QTest::currentTestFailed())
            return;
        auto &[s, phone, caller, anna] = d;
        QString id;
        connectCall(s, phone, *anna, caller, &id);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(anna->code(callReq(QStringLiteral("call.hangup"), id)), QStringLiteral("ok"));
        QVERIFY(caller.waitEnded());
        QVERIFY(phone.waitEnded());
    }

    // Hold: the caller hears the music; resume: the agent again. Mute: the agent's tone
    // stops reaching the caller.
    void holdPlaysMusicAndMuteSilencesTheAgent()
    {
        Desk d;
        openDesk(d, true);
        if (QTest::currentTestFailed())
            return;
        auto &[s, phone, caller, anna] = d;
        QString id;
        connectCall(s, phone, *anna, caller, &id);
        if (QTest::currentTestFailed())
            return;
        auto heardFor = [&](double seconds) {
            const double from = caller.heardSeconds();
            return waitFor([&] { return caller.heardSeconds() > from + seconds; }, 15000);
        };
        QVERIFY(heardFor(1.0));
        const int held = int(caller.heardSeconds() * 10);
        QCOMPARE(anna->code(callReq(QStringLiteral("call.hold"), id)), QStringLiteral("ok"));
        QVERIFY(heardFor(2.0));
        QCOMPARE(anna->code(callReq(QStringLiteral("call.resume"), id)), QStringLiteral("ok"));
        const int resumed = int(caller.heardSeconds() * 10);
        QVERIFY(heardFor(1.0));
        QCOMPARE(anna->code(callReq(QStringLiteral("call.mute"), id)), QStringLiteral("ok"));
        const int muted = int(caller.heardSeconds() * 10);
        QVERIFY(heardFor(1.5));
        const QVector<qint16> heard = readWav(caller.heardFile());
        const int music = firstToneWindow(heard, 261.63, 0.3, held);
        QVERIFY2(music >= held && music < resumed, "music while held");
        const int back = firstToneWindow(heard, AgentTone, 0.8, resumed);
        QVERIFY2(back >= resumed && back < muted + 2, "the agent again after resume");
        QCOMPARE(firstToneWindow(heard, AgentTone, 0.5, muted + 3), -1); // muted
    }

    // Unknown number 404, untrusted source 403, an INVITE flood 503 with Retry-After, and
    // junk that changes nothing: the gateway and the server carry on.
    void badInputIsAnsweredAndChangesNothing()
    {
        SipServer s;
        QVERIFY(s.start(officeConfig(QStringLiteral(", \"maxInvitesPerSecond\": 5"))));
        RawSip trustedPeer;
        QVERIFY(trustedPeer.bind(QStringLiteral("127.0.0.1")));
        trustedPeer.send(trustedPeer.invite(QStringLiteral("999"), s.sipPort, 1), s.sipPort);
        QVERIFY2(waitFor([&] { return !trustedPeer.finals(1).isEmpty(); }),
                 trustedPeer.responses.join("---").constData());
        QCOMPARE(RawSip::code(trustedPeer.finals(1).first()), 404);

        RawSip stranger;
        QVERIFY(stranger.bind(QStringLiteral("127.0.0.2"))); // not in sip.trusted
        stranger.send(stranger.invite(QStringLiteral("100"), s.sipPort, 2), s.sipPort);
        QVERIFY(waitFor([&] { return !stranger.finals(2).isEmpty(); }));
        QCOMPARE(RawSip::code(stranger.finals(2).first()), 403);

        // Junk of every kind, on UDP and TCP.
        const QList<QByteArray> junk = {
            QByteArray(),
            QByteArray("\x00\x01\x02", 3),
            "INVITE\r\n\r\n",
            "INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: \r\n\r\n",
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKx\r\nCSeq: x\r\n\r\n",
            trustedPeer.invite(QStringLiteral("100"), s.sipPort, 3)
                .replace("Content-Length: ", "Content-Length: 9"),
            "INVITE sip:100@127.0.0.1 SIP/2.0\r\n" + QByteArray(60000, 'A') + "\r\n\r\n",
        };
        for (const QByteArray &j : junk)
            trustedPeer.send(j, s.sipPort);
        QTcpSocket tcp;
        tcp.connectToHost(QStringLiteral("127.0.0.1"), s.sipPort);
        QVERIFY(waitFor([&] { return tcp.state() == QAbstractSocket::ConnectedState; }));
        for (const QByteArray &j : junk)
            tcp.write(j);
        tcp.disconnectFromHost();

        // The flood: 20 INVITEs at once, 5 a second allowed.
        for (int n = 10; n < 30; ++n)
            trustedPeer.send(trustedPeer.invite(QStringLiteral("999"), s.sipPort, n), s.sipPort);
        QVERIFY(waitFor([&] {
            for (int n = 10; n < 30; ++n)
                if (trustedPeer.finals(n).isEmpty())
                    return false;
            return true;
        }));
        int refused = 0;
        for (int n = 10; n < 30; ++n) {
            const QByteArray r = trustedPeer.finals(n).first();
            if (RawSip::code(r) == 503) {
                ++refused;
                QVERIFY(r.contains("\r\nRetry-After: 5\r\n"));
            } else {
                QCOMPARE(RawSip::code(r), 404);
            }
        }
        QVERIFY2(refused >= 10, qPrintable(QString::number(refused)));

        // Still serving: OPTIONS answered, the WebSocket API too.
        trustedPeer.send("OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" +
                             QByteArray::number(trustedPeer.socket.localPort()) +
                             ";branch=z9hG4bK-opt\r\nFrom: <sip:t@127.0.0.1>;tag=o\r\n"
                             "To: <sip:127.0.0.1>\r\nCall-ID: raw-99@127.0.0.1\r\n"
                             "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
                         s.sipPort);
        QVERIFY(waitFor([&] { return !trustedPeer.finals(99).isEmpty(); }));
        QCOMPARE(RawSip::code(trustedPeer.finals(99).first()), 200);
        const QByteArray metrics = httpGet(s.server.port, "/metrics").body;
        const QRegularExpression rejected(
            QStringLiteral("acdesk_sip_invites_rejected_total (\\d+)"));
        QVERIFY(rejected.match(QString::fromUtf8(metrics)).captured(1).toInt() >= refused + 2);
        QCOMPARE(s.server.process.state(), QProcess::Running);
    }

    // The gateway alone (acdesk sip-gateway) is killed with a caller waiting and started
    // again: the server's call of the old run ends as the caller's hang-up, so no record
    // stays open and no call waits forever.
    void gatewayRestartClosesItsOldCalls()
    {
        QTemporaryDir dir;
        SipServer s;
        // The server itself without SIP: the gateway runs as a process of its own.
        QByteArray serverConfig = officeConfig();
        serverConfig.replace(serverConfig.indexOf("\"sip\""),
                             serverConfig.lastIndexOf('}') - serverConfig.indexOf("\"sip\""),
                             "\"gateways\": [{\"id\": \"pbx\", \"secret\": \"pwpbx\"}]\n");
        QFile f(s.dir.filePath(QStringLiteral("acdesk.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(serverConfig);
        f.close();
        QVERIFY2(s.server.start({QStringLiteral("--config"), f.fileName(), QStringLiteral("--data"),
                                 s.dir.filePath(QStringLiteral("data"))}),
                 serverConfig.constData());
        QFile g(dir.filePath(QStringLiteral("gateway.json")));
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write(officeConfig());
        g.close();
        auto startGateway = [&](QProcess &p) {
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(qEnvironmentVariable("ACDESK_BINARY"),
                    {QStringLiteral("sip-gateway"), QStringLiteral("--server"),
                     s.server.url() + QStringLiteral("/ws"), QStringLiteral("--user"),
                     QStringLiteral("pbx"), QStringLiteral("--secret"), QStringLiteral("pwpbx"),
                     QStringLiteral("--config"), g.fileName(), QStringLiteral("--data"),
                     dir.path()});
            static const QRegularExpression line(
                QStringLiteral("acdesk sip listening on 127\\.0\\.0\\.1:(\\d+)"));
            QByteArray out;
            QRegularExpressionMatch m;
            waitFor(
                [&] {
                    out += p.readAll();
                    m = line.match(QString::fromUtf8(out));
                    return m.hasMatch() || p.state() == QProcess::NotRunning;
                },
                15000);
            return quint16(m.captured(1).toUInt());
        };
        QProcess first;
        const quint16 port = startGateway(first);
        QVERIFY(port != 0);
        Phone caller;
        QVERIFY(caller.start(QStringLiteral("caller"), CallerTone, false));
        QVERIFY(caller.command(QStringLiteral("dial"),
                               QStringLiteral("sip:100@127.0.0.1:%1").arg(port)));
        QVERIFY(caller.waitLog("Call established"));
        auto live = [&] {
            const QRegularExpression re(QStringLiteral("acdesk_calls_live (\\d+)"));
            return re.match(QString::fromUtf8(httpGet(s.server.port, "/metrics").body))
                .captured(1)
                .toInt();
        };
        QCOMPARE(live(), 1);
        first.kill();
        QVERIFY(first.waitForFinished(5000));
        QCOMPARE(live(), 1); // the server still holds the call of the dead gateway
        QProcess second;
        QVERIFY(startGateway(second) != 0);
        QTRY_COMPARE_WITH_TIMEOUT(live(), 0, 10000);
        // The new gateway found the dead one's dialog in the journal and ended it.
        QVERIFY(caller.waitEnded());
        second.terminate();
        QVERIFY(second.waitForFinished(5000));
    }

    // Blind transfer to a queue: the first agent's phone is hung up, the caller hears music
    // again, and the next agent's phone connects to the same caller.
    void transferToQueueRingsTheNextAgent()
    {
        Desk d;
        Phone phoneB;
        std::unique_ptr<Client> ben;
        QString id;
        openTransferDesk(d, phoneB, ben, &id);
        if (QTest::currentTestFailed())
            return;
        auto &[s, phoneA, caller, anna] = d;
        // Anna goes on a break after this call, so the call cannot come back to her.
        QCOMPARE(anna->code(req(QStringLiteral("agent.setState"),
                                P({{QStringLiteral("state"), QStringLiteral("not_ready")},
                                   {QStringLiteral("reason"), QStringLiteral("break")}}))),
                 QStringLiteral("ok"));
        QCOMPARE(anna->code(callReq(
                     QStringLiteral("call.transfer"), id,
                     P({{QStringLiteral("to"),
                         QJsonObject{{QStringLiteral("queue"), QStringLiteral("support")}}}}))),
                 QStringLiteral("ok"));
        QVERIFY(phoneA.waitEnded()); // gw.release: Anna's phone is free again
        const int requeued = int(caller.heardSeconds() * 10);
        QVERIFY(waitFor([&] { return caller.heardSeconds() > requeued / 10.0 + 1.0; }));
        QVERIFY(setReady(*ben));
        QVERIFY(!ben->take(QStringLiteral("call.offer"), 10000).isEmpty());
        QVERIFY(!takeCallState(*ben, QStringLiteral("connected")).isEmpty());
        QVERIFY(phoneB.waitLog("Call established"));
        const int connected = int(caller.heardSeconds() * 10);
        QVERIFY(waitFor([&] { return caller.heardSeconds() > connected / 10.0 + 1.5; }));
        const QVector<qint16> heard = readWav(caller.heardFile());
        const int music = firstToneWindow(heard, 261.63, 0.3, requeued);
        QVERIFY2(music >= requeued && music <= connected, "music while waiting again");
        QVERIFY2(firstToneWindow(heard, SecondAgentTone, 0.8, connected) >= connected,
                 "the second agent at the caller");
        QVERIFY(waitFor([&] { return phoneB.heardSeconds() > 1.0; }));
        QVERIFY(firstToneWindow(readWav(phoneB.heardFile()), CallerTone, 0.8) >= 0);
    }

    // Blind transfer to an agent: the same media session is offered to that agent's phone.
    void transferToAgentConnectsTheirPhone()
    {
        Desk d;
        Phone phoneB;
        std::unique_ptr<Client> ben;
        QString id;
        openTransferDesk(d, phoneB, ben, &id);
        if (QTest::currentTestFailed())
            return;
        auto &[s, phoneA, caller, anna] = d;
        QVERIFY(setReady(*ben));
        QCOMPARE(
            anna->code(callReq(QStringLiteral("call.transfer"), id,
                               P({{QStringLiteral("to"), QJsonObject{{QStringLiteral("agent"),
                                                                      QStringLiteral("1002")}}}}))),
            QStringLiteral("ok"));
        QVERIFY(phoneA.waitEnded());
        QCOMPARE(callIdOf(ben->take(QStringLiteral("call.offer"), 10000)), id);
        QVERIFY(!takeCallState(*ben, QStringLiteral("connected")).isEmpty());
        QVERIFY(phoneB.waitLog("Call established"));
        QVERIFY(waitFor([&] { return phoneB.heardSeconds() > 1.0; }));
        QVERIFY(firstToneWindow(readWav(phoneB.heardFile()), CallerTone, 0.8) >= 0);
    }

    // Consultation over SIP: the colleague's phone rings with the caller's number and talks
    // with the agent while the caller hears music; in the conference each of the three
    // hears the other two (mixed by the gateway); completing hands the caller to the
    // colleague and hangs up the agent's phone.
    void consultConferenceAndCompleteWithAudio()
    {
        Desk d;
        Phone phoneB;
        std::unique_ptr<Client> ben;
        QString id;
        openTransferDesk(d, phoneB, ben, &id);
        if (QTest::currentTestFailed())
            return;
        auto &[s, phoneA, caller, anna] = d;
        QVERIFY(setReady(*ben));
        QCOMPARE(
            anna->code(callReq(QStringLiteral("call.consult"), id,
                               P({{QStringLiteral("to"), QJsonObject{{QStringLiteral("agent"),
                                                                      QStringLiteral("1002")}}}}))),
            QStringLiteral("ok"));
        QVERIFY(phoneB.waitLog("Call established")); // Ben's phone answers the ring
        QVERIFY(phoneB.log.contains("sip:caller@")); // showing the caller's number
        QVERIFY(!consultUpdate(*ben, QStringLiteral("talking")).isEmpty());

        // Anna and Ben hear each other; the caller hears music and not Anna.
        Marks m{phoneA, phoneB, caller};
        QVERIFY(m.waitAll(1.5));
        QVERIFY(firstToneWindow(m.heard(0), SecondAgentTone, 0.8, m.at[0]) >= 0);
        QVERIFY(firstToneWindow(m.heard(1), AgentTone, 0.8, m.at[1]) >= 0);
        QVERIFY(firstToneWindow(m.heard(2), 261.63, 0.3, m.at[2]) >= 0);
        QCOMPARE(firstToneWindow(m.heard(2), AgentTone, 0.5, m.at[2] + 3), -1);

        // Conference: everyone hears the other two at once.
        QCOMPARE(anna->code(callReq(QStringLiteral("call.conference"), id)), QStringLiteral("ok"));
        QVERIFY(!consultUpdate(*ben, QStringLiteral("conference")).isEmpty());
        Marks c{phoneA, phoneB, caller};
        QVERIFY(c.waitAll(2.0));
        QVERIFY2(bothTones(c.heard(0), CallerTone, SecondAgentTone, c.at[0] + 3), "Anna");
        QVERIFY2(bothTones(c.heard(1), CallerTone, AgentTone, c.at[1] + 3), "Ben");
        QVERIFY2(bothTones(c.heard(2), AgentTone, SecondAgentTone, c.at[2] + 3), "the caller");

        // Complete: Anna's phone hangs up, the caller talks with Ben alone.
        QCOMPARE(anna->code(callReq(QStringLiteral("call.completeTransfer"), id)),
                 QStringLiteral("ok"));
        QVERIFY(phoneA.waitEnded());
        QVERIFY(!ben->take(
                        [](const QJsonObject &o) {
                            const QJsonObject call = o.value(QStringLiteral("call")).toObject();
                            return typeOf(o) == QLatin1String("call.update") &&
                                   !call.contains(QStringLiteral("consult"));
                        },
                        10000)
                     .isEmpty());
        const int done = int(caller.heardSeconds() * 10);
        QVERIFY(waitFor([&] { return caller.heardSeconds() > done / 10.0 + 1.5; }, 15000));
        QVERIFY(firstToneWindow(readWav(caller.heardFile()), SecondAgentTone, 0.8, done) >= 0);
        QCOMPARE(firstToneWindow(readWav(caller.heardFile()), AgentTone, 0.5, done + 3), -1);
    }

    // A number through the trunk: it rings with the agent's id, talks with the agent, and
    // "Back to caller" hangs it up and gives the caller the agent again.
    void consultANumberThenBackToTheCaller()
    {
        Phone trunk;
        QVERIFY(trunk.start(QStringLiteral("0301234"), TrunkTone, true));
        Desk d;
        openDesk(
            d, true,
            officeConfig(QStringLiteral(", \"trunk\": \"sip:127.0.0.1:%1\"").arg(trunk.sipPort)));
        if (QTest::currentTestFailed())
            return;
        QString id;
        connectCall(d.server, d.phone, *d.anna, d.caller, &id);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(d.anna->code(callReq(
                     QStringLiteral("call.consult"), id,
                     P({{QStringLiteral("to"),
                         QJsonObject{{QStringLiteral("number"), QStringLiteral("0301234")}}}}))),
                 QStringLiteral("ok"));
        QVERIFY(trunk.waitLog("Call established"));
        Marks m{d.phone, trunk, d.caller};
        QVERIFY(m.waitAll(1.5));
        QVERIFY(firstToneWindow(m.heard(0), TrunkTone, 0.8, m.at[0]) >= 0);
        QVERIFY(firstToneWindow(m.heard(1), AgentTone, 0.8, m.at[1]) >= 0);
        QCOMPARE(firstToneWindow(m.heard(2), TrunkTone, 0.5, m.at[2]), -1);

        QCOMPARE(d.anna->code(callReq(QStringLiteral("call.cancelConsult"), id)),
                 QStringLiteral("ok"));
        QCOMPARE(d.anna->take(QStringLiteral("call.consultEnded"), 10000)
                     .value(QStringLiteral("cause"))
                     .toString(),
                 QStringLiteral("withdrawn"));
        QVERIFY(trunk.waitEnded());
        const int back = int(d.caller.heardSeconds() * 10);
        QVERIFY(waitFor([&] { return d.caller.heardSeconds() > back / 10.0 + 1.5; }, 15000));
        QVERIFY(firstToneWindow(readWav(d.caller.heardFile()), AgentTone, 0.8, back) >= 0);

        // The number hanging up by itself: the agent hears of it, the caller stays held.
        QCOMPARE(d.anna->code(callReq(
                     QStringLiteral("call.consult"), id,
                     P({{QStringLiteral("to"),
                         QJsonObject{{QStringLiteral("number"), QStringLiteral("0301234")}}}}))),
                 QStringLiteral("ok"));
        QVERIFY(trunk.waitLog("Call established", 10000, 2));
        QVERIFY(trunk.command(QStringLiteral("hangup")));
        QCOMPARE(d.anna->take(QStringLiteral("call.consultEnded"), 10000)
                     .value(QStringLiteral("cause"))
                     .toString(),
                 QStringLiteral("agent_hangup"));
    }

    // Blind transfer to a number: the gateway calls it through the trunk and connects the
    // caller; the agent's phone is hung up and the server forgets the call.
    void transferToNumberGoesThroughTheTrunk()
    {
        Phone trunk; // the carrier or PBX behind sip.trunk, answering every number
        QVERIFY(trunk.start(QStringLiteral("0301234"), TrunkTone, true));
        Desk d;
        openDesk(
            d, true,
            officeConfig(QStringLiteral(", \"trunk\": \"sip:127.0.0.1:%1\"").arg(trunk.sipPort)));
        if (QTest::currentTestFailed())
            return;
        Phone &phone = d.phone;
        Phone &caller = d.caller;
        QString id;
        connectCall(d.server, phone, *d.anna, caller, &id);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(d.anna->code(callReq(
                     QStringLiteral("call.transfer"), id,
                     P({{QStringLiteral("to"),
                         QJsonObject{{QStringLiteral("number"), QStringLiteral("0301234")}}}}))),
                 QStringLiteral("ok"));
        QVERIFY(phone.waitEnded());
        QVERIFY(trunk.waitLog("Call established"));
        QVERIFY(trunk.log.contains("sip:caller@")); // the caller's number, not Acdesk's
        const int transferred = int(caller.heardSeconds() * 10);
        QVERIFY(waitFor([&] { return caller.heardSeconds() > transferred / 10.0 + 1.5; }));
        QVERIFY(firstToneWindow(readWav(caller.heardFile()), TrunkTone, 0.8, transferred) >= 0);
        QVERIFY(waitFor([&] { return trunk.heardSeconds() > 1.0; }));
        QVERIFY(firstToneWindow(readWav(trunk.heardFile()), CallerTone, 0.8) >= 0);
        // Either side hanging up ends the other.
        QVERIFY(caller.command(QStringLiteral("hangup")));
        QVERIFY(trunk.waitEnded());
    }

    // Virtual hold over SIP: a waiting caller presses 1, hears the announcement and is hung
    // up; when an agent takes the callback in turn, the agent's phone is called, then the
    // caller's number through the trunk, and the two hear each other.
    void callerPressesOneAndIsCalledBackInTurn()
    {
        // The carrier behind sip.trunk, where the caller's number rings again: a phone that
        // answers the caller's number ("caller", as the caller's From says).
        Phone trunk;
        QVERIFY(trunk.start(QStringLiteral("caller"), TrunkTone, true));
        SipServer s;
        QVERIFY(s.start(
            officeConfig(QStringLiteral(", \"trunk\": \"sip:127.0.0.1:%1\"").arg(trunk.sipPort))));
        Phone phone;
        QVERIFY(phone.start(QStringLiteral("agent"), AgentTone, true));
        std::unique_ptr<Client> anna = agent(s, QStringLiteral("1001"), phone.uri());
        QVERIFY(anna); // logged in, not ready: the caller waits
        Phone caller;
        QVERIFY(caller.start(QStringLiteral("caller"), CallerTone, false));
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("100"))));
        QVERIFY(caller.waitLog("Call established"));
        QVERIFY(caller.command(QStringLiteral("sndcode"), QStringLiteral("1")));
        QVERIFY(caller.waitEnded()); // announcement, then the line ends
        QVERIFY(setReady(*anna));
        const QJsonObject offer = anna->take(QStringLiteral("call.offer"), 10000);
        const QJsonObject callback = offer.value(QStringLiteral("call"))
                                         .toObject()
                                         .value(QStringLiteral("callback"))
                                         .toObject();
        QCOMPARE(callback.value(QStringLiteral("number")), QJsonValue(QStringLiteral("caller")));
        QCOMPARE(anna->code(callReq(QStringLiteral("call.accept"), callIdOf(offer))),
                 QStringLiteral("ok"));
        QVERIFY(phone.waitLog("Call established"));
        QVERIFY(trunk.waitLog("Call established"));
        // Reached: the agent's call shows the answer.
        const QJsonObject reached = anna->take(
            [](const QJsonObject &o) {
                return typeOf(o) == QLatin1String("call.update") &&
                       !o.value(QStringLiteral("call"))
                            .toObject()
                            .value(QStringLiteral("answeredAt"))
                            .isNull();
            },
            10000);
        QVERIFY(!reached.isEmpty());
        QVERIFY(waitFor([&] { return trunk.heardSeconds() > 1.0 && phone.heardSeconds() > 1.0; }));
        QVERIFY(firstToneWindow(readWav(trunk.heardFile()), AgentTone, 0.8) >= 0);
        QVERIFY(waitFor(
            [&] { return firstToneWindow(readWav(phone.heardFile()), TrunkTone, 0.8) >= 0; }));
    }

    // Spoken prompts: a waiting caller hears its place and the callback offer at intervals,
    // presses 1 and hears "we will call you back" before the line ends.
    void waitingCallerHearsPlaceAndCallbackOffer()
    {
        SipServer s;
        QVERIFY(s.start(officeConfig(QStringLiteral(", \"announcePositionSeconds\": 10"))));
        Phone phone;
        QVERIFY(phone.start(QStringLiteral("agent"), AgentTone, true));
        std::unique_ptr<Client> anna = agent(s, QStringLiteral("1001"), phone.uri());
        QVERIFY(anna); // logged in, not ready: the caller waits at place 1
        Phone caller;
        QVERIFY(caller.start(QStringLiteral("caller"), CallerTone, false));
        QVERIFY(caller.command(QStringLiteral("dial"), s.hotline(QStringLiteral("100"))));
        QVERIFY(caller.waitLog("Call established"));
        const auto prompt = [](const QString &name) {
            return readWav(qEnvironmentVariable("ACDESK_TEST_DATA") +
                           QStringLiteral("/../../resources/prompts/en/%1.wav").arg(name));
        };
        const QVector<qint16> place = prompt(QStringLiteral("position"));
        const QVector<qint16> offer = prompt(QStringLiteral("callback_offer"));
        const QVector<qint16> confirm = prompt(QStringLiteral("callback_confirm"));
        QVERIFY(!place.isEmpty() && !offer.isEmpty() && !confirm.isEmpty());
        // The first announcement comes 4 s after the greeting starts and lasts about 7 s.
        QVERIFY(
            waitFor([&] { return promptMatch(readWav(caller.heardFile()), offer) > 0.9; }, 30000));
        const QVector<qint16> heard = readWav(caller.heardFile());
        QVERIFY(promptMatch(heard, place) > 0.9);
        QVERIFY(promptMatch(heard, confirm) < 0.8); // not yet
        QVERIFY(caller.command(QStringLiteral("sndcode"), QStringLiteral("1")));
        QVERIFY(caller.waitEnded());
        const QVector<qint16> after = readWav(caller.heardFile());
        const double match = promptMatch(after.mid(heard.size() - 8000), confirm);
        QVERIFY2(
            match > 0.9,
            qPrintable(QStringLiteral("%1 (%2 s heard)").arg(match).arg(after.size() / 8000.0)));
    }

    // With the only agent on a call, the next caller waits at place 1 and hears its
    // estimated wait: one busy agent, the default handle time of 180 s: "about 3 minutes".
    void waitingCallerHearsTheEstimatedWait()
    {
        Desk d;
        openDesk(d, true, officeConfig(QStringLiteral(", \"announcePositionSeconds\": 10")));
        if (QTest::currentTestFailed())
            return;
        QString id;
        connectCall(d.server, d.phone, *d.anna, d.caller, &id);
        if (QTest::currentTestFailed())
            return;
        Phone second;
        QVERIFY(second.start(QStringLiteral("second"), CallerTone, false));
        QVERIFY(second.command(QStringLiteral("dial"), d.server.hotline(QStringLiteral("100"))));
        QVERIFY(second.waitLog("Call established"));
        const auto prompt = [](const QString &name) {
            return readWav(qEnvironmentVariable("ACDESK_TEST_DATA") +
                           QStringLiteral("/../../resources/prompts/en/%1.wav").arg(name));
        };
        const QVector<qint16> minutes = prompt(QStringLiteral("minutes"));
        const QVector<qint16> wait = prompt(QStringLiteral("wait"));
        QVERIFY(
            waitFor([&] { return promptMatch(readWav(second.heardFile()), wait) > 0.9; }, 30000));
        QVERIFY(waitFor([&] { return promptMatch(readWav(second.heardFile()), minutes) > 0.9; },
                        10000));
        QVERIFY(d.server.server.out.contains("announcing place 1"));
    }

    // call.dial: the agent's phone is called first (auto-answer), then the number through
    // the trunk; the two hear each other.
    void outboundDialRingsTheAgentThenTheNumber()
    {
        Phone trunk;
        QVERIFY(trunk.start(QStringLiteral("0301234"), TrunkTone, true));
        SipServer s;
        QVERIFY(s.start(
            officeConfig(QStringLiteral(", \"trunk\": \"sip:127.0.0.1:%1\"").arg(trunk.sipPort))));
        Phone phone;
        QVERIFY(phone.start(QStringLiteral("agent"), AgentTone, true));
        auto anna = agent(s, QStringLiteral("1001"), phone.uri());
        QVERIFY(anna);
        const QJsonObject dialed =
            anna->request(req(QStringLiteral("call.dial"),
                              P({{QStringLiteral("number"), QStringLiteral("0301234")}})));
        QCOMPARE(typeOf(dialed), QStringLiteral("ok"));
        QVERIFY(phone.waitLog("Call established"));
        QVERIFY(trunk.waitLog("Call established"));
        QVERIFY(waitFor([&] { return phone.heardSeconds() > 1.5 && trunk.heardSeconds() > 1.5; }));
        QVERIFY(firstToneWindow(readWav(phone.heardFile()), TrunkTone, 0.8) >= 0);
        QVERIFY(firstToneWindow(readWav(trunk.heardFile()), AgentTone, 0.8) >= 0);
        // The far end hangs up: the agent's call ends.
        QVERIFY(trunk.command(QStringLiteral("hangup")));
        QCOMPARE(anna->take(QStringLiteral("call.ended"), 10000).value(QStringLiteral("cause")),
                 QStringLiteral("caller_hangup"));
        QVERIFY(phone.waitEnded());
    }

    // SIGKILL with 21 live SIP calls (20 callers waiting, one talking to Anna's phone), then
    // a restart on the same data: every record of those calls is closed with the cause
    // server_restart, nothing counts twice, and every phone's dialog is ended with BYE by
    // the restarted gateway (from its dialog journal), long before any RTP timeout.
    void killWithLiveCallsClosesEveryRecordAndDialog()
    {
        Desk d;
        openDesk(d, true, officeConfig({}, 600)); // no RTP timeout before the kill
        if (QTest::currentTestFailed())
            return;
        SipServer &s = d.server;
        QString talking;
        connectCall(s, d.phone, *d.anna, d.caller, &talking);
        if (QTest::currentTestFailed())
            return;
        QProcess callers;
        callers.setWorkingDirectory(s.dir.path());
        callers.start(QStringLiteral("sipp"),
                      {QStringLiteral("-sf"), QStringLiteral(ACDESK_SIP_SCENARIOS "/uac_wait.xml"),
                       QStringLiteral("-s"), QStringLiteral("100"), QStringLiteral("-i"),
                       QStringLiteral("127.0.0.1"), QStringLiteral("-r"), QStringLiteral("50"),
                       QStringLiteral("-m"), QStringLiteral("20"), QStringLiteral("-l"),
                       QStringLiteral("20"), QStringLiteral("-nostdin"),
                       QStringLiteral("127.0.0.1:%1").arg(s.sipPort)});
        auto stopSipp = qScopeGuard([&] {
            callers.kill();
            callers.waitForFinished(3000);
        });
        auto waiting = [&] {
            const QRegularExpression re(
                QStringLiteral("acdesk_sip_calls\\{state=\"waiting\"\\} (\\d+)"));
            return re.match(QString::fromUtf8(httpGet(s.server.port, "/metrics").body))
                .captured(1)
                .toInt();
        };
        QTRY_COMPARE_WITH_TIMEOUT(waiting(), 20, 20000);
        s.server.process.kill();
        QVERIFY(s.server.process.waitForFinished(5000));

        ServerProcess again;
        again.process.setProcessChannelMode(QProcess::MergedChannels);
        QVERIFY(
            again.start({QStringLiteral("--config"), s.dir.filePath(QStringLiteral("acdesk.json")),
                         QStringLiteral("--data"), s.dir.filePath(QStringLiteral("data"))}));
        QVERIFY(again.out.contains("closed 21 call legs left open by the last run"));
        // Every phone hears BYE: SIPp's 20 calls end as its scenario expects, and both
        // ends of the talking call hang up.
        QTRY_COMPARE_WITH_TIMEOUT(callers.state(), QProcess::NotRunning, 15000);
        QCOMPARE(callers.exitStatus(), QProcess::NormalExit);
        QCOMPARE(callers.exitCode(), 0);
        QVERIFY(d.phone.waitEnded());
        QVERIFY(d.caller.waitEnded());
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
            db.setDatabaseName(s.dir.filePath(QStringLiteral("data/acdesk.sqlite")));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*), SUM(ended_at IS NULL), "
                                          "SUM(cause = 'server_restart') FROM call_legs")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toInt(), 21);
            QCOMPARE(q.value(1).toInt(), 0);
            QCOMPARE(q.value(2).toInt(), 21);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
        // Today's figures after the restart: 21 offered, one answered, none abandoned.
        Client boss;
        QVERIFY(boss.open(again.url()));
        QCOMPARE(typeOf(boss.login(QStringLiteral("supervisor"), QStringLiteral("boss"),
                                   QStringLiteral("pwboss"))),
                 QStringLiteral("ok"));
        QCOMPARE(
            boss.code(req(QStringLiteral("stats.subscribe"),
                          P({{QStringLiteral("queues"), QJsonArray{QStringLiteral("support")}}}))),
            QStringLiteral("ok"));
        const QJsonObject today = boss.take(QStringLiteral("stats"))
                                      .value(QStringLiteral("queues"))
                                      .toArray()
                                      .first()
                                      .toObject()
                                      .value(QStringLiteral("today"))
                                      .toObject();
        QCOMPARE(today.value(QStringLiteral("offered")).toInt(), 21);
        QCOMPARE(today.value(QStringLiteral("answered")).toInt(), 1);
        QCOMPARE(today.value(QStringLiteral("abandoned")).toInt() +
                     today.value(QStringLiteral("shortAbandoned")).toInt(),
                 0);
    }

    // An office without a PBX: a softphone registers with Acdesk (digest, HA1 kept only),
    // the agent gives its name as the station, and calls ring it. A wrong password gets no
    // binding.
    void registeredSoftphoneTakesACall()
    {
        SipServer s;
        QVERIFY(s.start(officeConfig(
            QStringLiteral(", \"realm\": \"office\", \"phones\": [{\"user\": \"anna\", "
                           "\"password\": \"s3cret\"}, {\"user\": \"ben\", \"ha1\": "
                           "\"%1\"}]")
                .arg(QString::fromLatin1(
                    QCryptographicHash::hash("ben:office:other", QCryptographicHash::Md5)
                        .toHex())))));
        auto registered = [&] {
            const QRegularExpression re(QStringLiteral("acdesk_sip_phones_registered (\\d+)"));
            return re.match(QString::fromUtf8(httpGet(s.server.port, "/metrics").body))
                .captured(1)
                .toInt();
        };
        Phone intruder;
        QVERIFY(intruder.start(QStringLiteral("ben"), AgentTone, true,
                               QStringLiteral(";auth_pass=guess;registrar=%1").arg(s.sipPort)));
        QVERIFY(intruder.waitLog("401 Unauthorized"));
        QCOMPARE(registered(), 0);
        Phone softphone;
        QVERIFY(softphone.start(QStringLiteral("anna"), AgentTone, true,
                                QStringLiteral(";auth_pass=s3cret;registrar=%1").arg(s.sipPort)));
        QTRY_COMPARE_WITH_TIMEOUT(registered(), 1, 10000);
        auto anna = agent(s, QStringLiteral("1001"), QStringLiteral("anna"));
        QVERIFY(anna);
        QVERIFY(setReady(*anna));
        Phone caller;
        QVERIFY(caller.start(QStringLiteral("caller"), CallerTone, false));
        QString id;
        connectCall(s, softphone, *anna, caller, &id);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(waitFor([&] { return softphone.heardSeconds() > 1.0; }));
        QVERIFY(firstToneWindow(readWav(softphone.heardFile()), CallerTone, 0.8) >= 0);
    }

    // call.dtmf reaches the caller as RFC 4733; the caller's keys reach the agent.
    void dtmfBothWays()
    {
        Desk d;
        openDesk(d, true);
        if (QTest::currentTestFailed())
            return;
        auto &[s, phone, caller, anna] = d;
        QString id;
        connectCall(s, phone, *anna, caller, &id);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(anna->code(callReq(QStringLiteral("call.dtmf"), id,
                                    P({{QStringLiteral("digits"), QStringLiteral("5#")}}))),
                 QStringLiteral("ok"));
        QVERIFY(caller.waitLog("received event: '5' (end=1)"));
        QVERIFY(caller.waitLog("received event: '#' (end=1)"));
        QVERIFY(caller.command(QStringLiteral("sndcode"), QStringLiteral("7")));
        const QJsonObject digits = anna->take(QStringLiteral("call.digits"), 10000);
        QCOMPARE(digits.value(QStringLiteral("digits")), QStringLiteral("7"));
        QCOMPARE(digits.value(QStringLiteral("call")), id);
    }
};

QTEST_MAIN(TestSip)
#include "tst_sip.moc"
