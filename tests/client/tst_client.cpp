// The client core (ClientConnection, AgentSession) against the real server, in-process on
// loopback: login, every agent command, resume after a restart and after a dropped
// connection, exactly-once keyed commands, an HTTP proxy (tinyproxy) and wss with a test CA.
#include "agentsession.h"
#include "browserstandin.h"
#include "config.h"
#include "engine/engine.h"
#include "inprocessserver.h"
#include "server.h"

#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>

using namespace acdesk;
using acdesk::client::AgentSession;
using acdesk::client::ClientConnection;

namespace {

// Short limits where timing matters; a long wrap-up so that wrap-up is ended by the test.
const char *const ConfigJson = R"({
  "timeZone": "UTC",
  "queues": [
    {"id": "support", "name": "Support", "strategy": "longest_idle", "wrapUpSeconds": 600,
     "offerTimeoutSeconds": 60, "maxWaitSeconds": 600},
    {"id": "sales", "name": "Sales", "strategy": "linear", "wrapUpSeconds": 600,
     "offerTimeoutSeconds": 60, "maxWaitSeconds": 600},
    {"id": "crm", "name": "CRM", "wrapUpSeconds": 0, "offerTimeoutSeconds": 60,
     "screenPop": {"url": "https:\/\/crm.example/find?phone={caller.number}&customer={data.customer}"}},
    {"id": "crm-early", "name": "CRM early", "wrapUpSeconds": 0, "offerTimeoutSeconds": 60,
     "screenPop": {"url": "https:\/\/crm.example/{data.customer}", "open": "offer"}}
  ],
  "agents": [
    {"id": "a1", "name": "Anna Berg", "password": "pw1", "queues": ["support", "sales"]},
    {"id": "a2", "name": "Ben Okafor", "password": "pw2", "queues": ["support"]},
    {"id": "a3", "name": "Cem Kaya", "password": "pw3", "queues": ["crm", "crm-early"]}
  ],
  "reasons": [{"code": "break", "label": "Break"}],
  "dispositions": [{"code": "solved", "label": "Solved"}],
  "server": {"limits": {"loginTimeoutSeconds": 5, "pingSeconds": 1, "graceSeconds": 30}}
})";

QString callId(const QVariantMap &call)
{
    return call.value(QStringLiteral("id")).toString();
}

// The live socket of a connection (earlier ones may still wait for deleteLater).
QWebSocket *liveSocket(ClientConnection *c)
{
    const auto sockets = c->findChildren<QWebSocket *>();
    for (QWebSocket *s : sockets)
        if (s->state() == QAbstractSocket::ConnectedState)
            return s;
    return nullptr;
}

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

bool runOpenssl(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        qWarning() << "openssl failed:" << args << p.readAllStandardError();
        return false;
    }
    return true;
}

} // namespace

class TestClient : public QObject
{
    Q_OBJECT

private:
    test::InProcessServer m_server;
    server::Config m_config;
    std::unique_ptr<BrowserStandIn> m_browser;

    void arrive(const QString &id, const QString &queue = QStringLiteral("support"))
    {
        engine::Arrival a;
        a.id = id;
        a.queue = queue;
        a.callerNumber = QStringLiteral("+4930999");
        a.callerName = QStringLiteral("Erika Muster");
        a.data.insert(QStringLiteral("customer"), QStringLiteral("K-17"));
        QVERIFY(m_server->engine().arrive(a).ok());
        m_server->pump();
    }

    std::unique_ptr<AgentSession> session()
    {
        auto s = std::make_unique<AgentSession>();
        s->connection()->setBackoff(50, 500);
        s->connection()->setRequestTimeout(5000);
        return s;
    }

    // Logs in and waits until the snapshot is there.
    std::unique_ptr<AgentSession> loggedIn(const QString &agent, const QString &password)
    {
        auto s = session();
        s->login(m_server.wsUrl(), agent, password, QString());
        if (!QTest::qWaitFor(
                [&] { return s->status() == QLatin1String("online") && !s->agentId().isEmpty(); },
                5000))
            qWarning() << "login of" << agent << "failed:" << s->lastError();
        return s;
    }

    static bool ready(AgentSession &s)
    {
        s.setReady();
        return QTest::qWaitFor([&] { return s.state() == QLatin1String("ready"); }, 5000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_browser = std::make_unique<BrowserStandIn>();
        const auto config = test::testConfig(ConfigJson, QStringLiteral("client.json"));
        QVERIFY(config);
        m_config = *config;
    }

    void cleanupTestCase() { m_browser.reset(); }

    void init() { QVERIFY(m_server.start(m_config)); }

    void cleanup() { m_server.stop(); }

    void login()
    {
        auto bad = session();
        QSignalSpy failed(bad->connection(), &ClientConnection::loginFailed);
        bad->login(m_server.wsUrl(), QStringLiteral("a1"), QStringLiteral("wrong"), QString());
        QTRY_COMPARE(failed.size(), 1);
        QTRY_COMPARE(bad->status(), QStringLiteral("offline"));
        QVERIFY(!bad->lastError().isEmpty());

        auto s = session();
        QSignalSpy loggedIn(s->connection(), &ClientConnection::loggedIn);
        s->login(m_server.wsUrl(), QStringLiteral("a1"), QStringLiteral("pw1"),
                 QStringLiteral("201"));
        QTRY_COMPARE(loggedIn.size(), 1);
        QCOMPARE(s->status(), QStringLiteral("online"));
        QVERIFY(!s->token().isEmpty());
        QTRY_COMPARE(s->agentId(), QStringLiteral("a1"));
        QCOMPARE(s->agentName(), QStringLiteral("Anna Berg"));
        QCOMPARE(s->state(), QStringLiteral("not_ready"));
        QCOMPARE(s->reason(), QStringLiteral("login"));
        QVERIFY(s->since().isValid());
        QCOMPARE(s->reasons()->count(), 1);
        QCOMPARE(s->dispositions()->count(), 1);
        QTRY_COMPARE(s->queues()->count(), 2); // own queues, with waiting counts
        // The models' roles are the codec's field names.
        QVERIFY(s->queues()->roleNames().values().contains("waiting"));
        QCOMPARE(s->queues()->get(0).value(QStringLiteral("id")).toString(),
                 s->queueRows().constFirst().id);
        const QModelIndex first = s->reasons()->index(0);
        QCOMPARE(s->reasons()->data(first, s->reasons()->roleNames().key("code")).toString(),
                 QStringLiteral("break"));
        QCOMPARE(m_server->engine().agent(QStringLiteral("a1")).station, QStringLiteral("201"));
    }

    void agentCommands()
    {
        auto s = loggedIn(QStringLiteral("a1"), QStringLiteral("pw1"));
        QSignalSpy failed(s.get(), &AgentSession::commandFailed);
        QSignalSpy incoming(s.get(), &AgentSession::incomingCall);

        s->setNotReady(QStringLiteral("break"));
        QTRY_COMPARE(s->reason(), QStringLiteral("break"));
        QVERIFY(ready(*s));

        // reject
        arrive(QStringLiteral("c1"));
        QTRY_COMPARE(callId(s->offer()), QStringLiteral("c1"));
        QCOMPARE(incoming.size(), 1);
        QCOMPARE(s->state(), QStringLiteral("ringing"));
        QCOMPARE(s->offer().value(QStringLiteral("timeoutMs")).toInt(), 60000);
        s->reject();
        QTRY_VERIFY(s->offer().isEmpty());
        QTRY_COMPARE(s->reason(), QStringLiteral("rejected"));
        QCOMPARE(s->history()->get(0).value(QStringLiteral("cause")).toString(),
                 QStringLiteral("rejected"));

        // accept, hold/resume, mute/unmute, dtmf; logout refused during the call
        s->setReady(); // c1 is offered again at once
        QTRY_COMPARE(callId(s->offer()), QStringLiteral("c1"));
        s->accept();
        QTRY_COMPARE(s->activeCall().value(QStringLiteral("state")).toString(),
                     QStringLiteral("connected"));
        QCOMPARE(s->state(), QStringLiteral("on_call"));
        QVERIFY(s->offer().isEmpty());
        s->toggleHold();
        QTRY_COMPARE(s->activeCall().value(QStringLiteral("state")).toString(),
                     QStringLiteral("held"));
        s->toggleHold();
        QTRY_COMPARE(s->activeCall().value(QStringLiteral("state")).toString(),
                     QStringLiteral("connected"));
        s->toggleMute();
        QTRY_VERIFY(s->activeCall().value(QStringLiteral("muted")).toBool());
        s->toggleMute();
        QTRY_VERIFY(!s->activeCall().value(QStringLiteral("muted")).toBool());
        s->dtmf(QStringLiteral("12*#"));
        QCOMPARE(failed.size(), 0);
        s->logout(); // refused by the server: visible as the last error, still signed in
        QTRY_VERIFY(!s->lastError().isEmpty());
        QCOMPARE(s->status(), QStringLiteral("online"));
        QVERIFY(!s->lastError().isEmpty());

        // transfer to a queue, then wrap-up with disposition and notes
        s->transfer(QStringLiteral("queue"), QStringLiteral("sales"));
        QTRY_VERIFY(s->activeCall().isEmpty());
        QTRY_COMPARE(s->state(), QStringLiteral("wrap_up"));
        QCOMPARE(s->history()->get(0).value(QStringLiteral("cause")).toString(),
                 QStringLiteral("transferred"));
        // c1 now waits in sales, and a1 (the only sales agent) is in wrap-up
        QCOMPARE(m_server->engine().waitingCalls(QStringLiteral("sales")).size(), size_t(1));
        s->endWrapUp(QStringLiteral("solved"), QStringLiteral("wanted sales"));
        QTRY_VERIFY(s->state() != QLatin1String("wrap_up"));
        s->setReady();
        QTRY_COMPARE(callId(s->offer()), QStringLiteral("c1")); // c1 from sales
        s->accept();
        QTRY_COMPARE(s->state(), QStringLiteral("on_call"));

        // transfer to an agent
        auto b = loggedIn(QStringLiteral("a2"), QStringLiteral("pw2"));
        QVERIFY(ready(*b));
        s->transfer(QStringLiteral("agent"), QStringLiteral("a2"));
        QTRY_COMPARE(callId(b->offer()), QStringLiteral("c1"));
        QTRY_COMPARE(s->state(), QStringLiteral("wrap_up"));
        b->accept();
        QTRY_COMPARE(b->state(), QStringLiteral("on_call"));

        // transfer to a number
        b->transfer(QStringLiteral("number"), QStringLiteral("+4930555"));
        QTRY_VERIFY(b->activeCall().isEmpty());
        QTRY_COMPARE(b->history()->get(0).value(QStringLiteral("cause")).toString(),
                     QStringLiteral("transferred"));
        QVERIFY(!m_server->engine().call(QStringLiteral("c1")).has_value() ||
                m_server->engine().call(QStringLiteral("c1"))->agent != QLatin1String("a2"));

        // dial out from wrap-up's end, hang up, wrap up
        s->endWrapUp(QString(), QString());
        QTRY_VERIFY(s->state() != QLatin1String("wrap_up"));
        s->dial(QStringLiteral("+4930777"));
        QTRY_COMPARE(s->state(), QStringLiteral("on_call"));
        QCOMPARE(s->activeCall().value(QStringLiteral("direction")).toString(),
                 QStringLiteral("outbound"));
        s->hangup();
        QTRY_VERIFY(s->activeCall().isEmpty());
        // an outbound call belongs to no queue: no wrap-up time, the agent is free at once
        QTRY_VERIFY(s->state() != QLatin1String("on_call"));
        QCOMPARE(s->history()->get(0).value(QStringLiteral("cause")).toString(),
                 QStringLiteral("agent_hangup"));
        QCOMPARE(failed.size(), 0);

        // logout without a call
        s->logout();
        QTRY_COMPARE(s->status(), QStringLiteral("offline"));
        QVERIFY(s->token().isEmpty());
        QCOMPARE(m_server->engine().agent(QStringLiteral("a1")).state,
                 engine::AgentState::LoggedOut);
    }

    // The customer's page opens once when the agent accepts (or when the offer rings, where
    // the queue says so), with the caller's values encoded; the button opens it again.
    void screenPopOpensTheCustomersPage()
    {
        m_browser->clear();
        auto s = loggedIn(QStringLiteral("a3"), QStringLiteral("pw3"));
        QVERIFY(!s->openScreenPop()); // no call, nothing to open
        QVERIFY(ready(*s));
        arrive(QStringLiteral("p1"), QStringLiteral("crm"));
        QTRY_COMPARE(callId(s->offer()), QStringLiteral("p1"));
        QCOMPARE(
            s->offer().value(QStringLiteral("screenPop")).toMap().value(QStringLiteral("url")),
            QVariant(QStringLiteral("https://crm.example/find?phone=%2B4930999&customer=K-17")));
        QVERIFY(m_browser->opened().isEmpty()); // "accept": not while it rings
        s->accept();
        QTRY_COMPARE(m_browser->opened().size(), 1);
        QCOMPARE(m_browser->opened().at(0),
                 QStringLiteral("https://crm.example/find?phone=%2B4930999&customer=K-17"));
        QCOMPARE(QUrl(m_browser->opened().at(0)).host(), QStringLiteral("crm.example"));
        s->toggleHold(); // another update of the connected call opens nothing more
        QTRY_COMPARE(s->activeCall().value(QStringLiteral("state")).toString(),
                     QStringLiteral("held"));
        s->toggleHold();
        QTRY_COMPARE(s->activeCall().value(QStringLiteral("state")).toString(),
                     QStringLiteral("connected"));
        QCOMPARE(m_browser->opened().size(), 1);
        QVERIFY(s->openScreenPop()); // the agent's button
        QCOMPARE(m_browser->opened().size(), 2);
        s->hangup();
        QTRY_VERIFY(s->activeCall().isEmpty());
        QTRY_COMPARE(s->state(), QStringLiteral("ready"));

        arrive(QStringLiteral("p2"), QStringLiteral("crm-early"));
        QTRY_COMPARE(m_browser->opened().size(), 3); // "offer": as it rings
        QCOMPARE(m_browser->opened().at(2), QStringLiteral("https://crm.example/K-17"));
        s->accept();
        QTRY_COMPARE(s->state(), QStringLiteral("on_call"));
        QCOMPARE(m_browser->opened().size(), 3);
        s->hangup();
        QTRY_COMPARE(s->state(), QStringLiteral("ready"));
        // A queue without a template opens nothing.
        arrive(QStringLiteral("p3"), QStringLiteral("support"));
        QVERIFY(!m_server->engine().waitingCalls(QStringLiteral("support")).empty());
        QCOMPARE(m_browser->opened().size(), 3);
    }

    // Two desks: a consultation rings on the colleague's desk as an offer (the caller's call,
    // on hold), a declined one says so, an answered one completes to the colleague.
    void consultAndCompleteBetweenDesks()
    {
        auto anna = loggedIn(QStringLiteral("a1"), QStringLiteral("pw1"));
        QVERIFY(ready(*anna));
        arrive(QStringLiteral("k1"));
        QTRY_COMPARE(callId(anna->offer()), QStringLiteral("k1"));
        anna->accept();
        QTRY_COMPARE(anna->state(), QStringLiteral("on_call"));
        auto ben = loggedIn(QStringLiteral("a2"), QStringLiteral("pw2"));
        QVERIFY(ready(*ben));
        const auto consultOf = [](const QVariantMap &call) {
            return call.value(QStringLiteral("consult")).toMap();
        };

        anna->consult(QStringLiteral("agent"), QStringLiteral("a2"));
        QTRY_COMPARE(callId(ben->offer()), QStringLiteral("k1"));
        QVERIFY(ben->activeCall().isEmpty()); // held for Anna, an offer for Ben
        QCOMPARE(consultOf(ben->offer()).value(QStringLiteral("by")).toString(),
                 QStringLiteral("a1"));
        QCOMPARE(
            ben->offer().value(QStringLiteral("caller")).toMap().value(QStringLiteral("number")),
            QVariant(QStringLiteral("+4930999")));
        QTRY_COMPARE(consultOf(anna->activeCall()).value(QStringLiteral("state")).toString(),
                     QStringLiteral("ringing"));
        QCOMPARE(anna->activeCall().value(QStringLiteral("state")).toString(),
                 QStringLiteral("held"));
        ben->reject();
        QTRY_COMPARE(anna->property("consultNote").toString(),
                     QStringLiteral("Your colleague declined the consultation. The caller is on "
                                    "hold."));
        QVERIFY(consultOf(anna->activeCall()).isEmpty());
        QTRY_COMPARE(ben->state(), QStringLiteral("ready"));

        anna->consult(QStringLiteral("agent"), QStringLiteral("a2"));
        QCOMPARE(anna->property("consultNote").toString(), QString());
        QTRY_COMPARE(callId(ben->offer()), QStringLiteral("k1"));
        ben->accept();
        QTRY_COMPARE(consultOf(ben->activeCall()).value(QStringLiteral("state")).toString(),
                     QStringLiteral("talking"));
        QTRY_COMPARE(consultOf(anna->activeCall()).value(QStringLiteral("state")).toString(),
                     QStringLiteral("talking"));
        anna->conference();
        QTRY_COMPARE(ben->activeCall().value(QStringLiteral("state")).toString(),
                     QStringLiteral("connected"));
        QCOMPARE(consultOf(ben->activeCall()).value(QStringLiteral("state")).toString(),
                 QStringLiteral("conference"));
        anna->completeTransfer();
        QTRY_VERIFY(anna->activeCall().isEmpty());
        QTRY_VERIFY(consultOf(ben->activeCall()).isEmpty());
        QCOMPARE(callId(ben->activeCall()), QStringLiteral("k1"));
        QCOMPARE(anna->state(), QStringLiteral("wrap_up"));
        QCOMPARE(m_server->engine().call(QStringLiteral("k1"))->agent, QStringLiteral("a2"));
    }

    void offlineCommandIsRefusedVisibly()
    {
        auto s = loggedIn(QStringLiteral("a1"), QStringLiteral("pw1"));
        m_server.stop();
        QTRY_COMPARE(s->status(), QStringLiteral("reconnecting"));
        QSignalSpy failed(s.get(), &AgentSession::commandFailed);
        s->setReady();
        QCOMPARE(failed.size(), 1); // at once, not queued
        QVERIFY(!s->lastError().isEmpty());
    }

    void resumeAfterServerRestart()
    {
        auto s = loggedIn(QStringLiteral("a1"), QStringLiteral("pw1"));
        QVERIFY(ready(*s));
        arrive(QStringLiteral("r1"));
        QTRY_COMPARE(callId(s->offer()), QStringLiteral("r1"));
        s->accept();
        QTRY_COMPARE(s->state(), QStringLiteral("on_call"));
        const QString token = s->token();
        QSignalSpy loggedIn(s->connection(), &ClientConnection::loggedIn);

        m_server.stop();
        QTRY_COMPARE(s->status(), QStringLiteral("reconnecting"));
        QCOMPARE(s->callCount(), 1); // the view keeps the call while reconnecting
        QVERIFY(m_server.restart()); // same data dir, same port

        QTRY_COMPARE(s->status(), QStringLiteral("online"));
        QCOMPARE(loggedIn.size(), 1);
        QCOMPARE(s->token(), token); // resumed, not logged in afresh
        QCOMPARE(loggedIn.constFirst().constFirst().value<proto::LoginResult>().user,
                 QStringLiteral("a1"));
        // The restarted engine holds no live calls: the snapshot says so and the view follows.
        QTRY_COMPARE(s->callCount(), 0);
        // Ready before the call, ready again after the restart (docs/protocol.md 4.3).
        QCOMPARE(s->state(), QStringLiteral("ready"));
        QCOMPARE(m_server->engine().agent(QStringLiteral("a1")).connected, true);
        arrive(QStringLiteral("r2")); // and it takes calls again
        QTRY_COMPARE(callId(s->offer()), QStringLiteral("r2"));
    }

    void resumeAfterDropKeepsCall()
    {
        auto s = loggedIn(QStringLiteral("a1"), QStringLiteral("pw1"));
        QVERIFY(ready(*s));
        arrive(QStringLiteral("k1"));
        QTRY_COMPARE(callId(s->offer()), QStringLiteral("k1"));
        s->accept();
        QTRY_COMPARE(s->state(), QStringLiteral("on_call"));
        const QString token = s->token();
        QWebSocket *ws = liveSocket(s->connection());
        QVERIFY(ws);
        ws->abort(); // the network drops
        QTRY_COMPARE(s->status(), QStringLiteral("online"));
        QCOMPARE(s->token(), token);
        // the same call reappears from the snapshot
        QTRY_COMPARE(callId(s->activeCall()), QStringLiteral("k1"));
        QCOMPARE(s->state(), QStringLiteral("on_call"));
        s->hangup();
        QTRY_COMPARE(s->state(), QStringLiteral("wrap_up"));
    }

    void dropDuringOffer()
    {
        auto s = loggedIn(QStringLiteral("a1"), QStringLiteral("pw1"));
        QVERIFY(ready(*s));
        auto b = loggedIn(QStringLiteral("a2"), QStringLiteral("pw2"));
        QVERIFY(ready(*b));
        arrive(QStringLiteral("o1")); // longest idle: a1
        QTRY_COMPARE(callId(s->offer()), QStringLiteral("o1"));
        QVERIFY(b->offer().isEmpty());
        QSignalSpy loggedIn(s->connection(), &ClientConnection::loggedIn);
        QWebSocket *ws = liveSocket(s->connection());
        QVERIFY(ws);
        ws->abort();
        // withdrawn from a1 and re-offered at once to a2
        QTRY_COMPARE(callId(b->offer()), QStringLiteral("o1"));
        QTRY_COMPARE(loggedIn.size(), 1);
        QCOMPARE(s->status(), QStringLiteral("online"));
        // a1's view shows the offer gone after the resume (rebuilt from the snapshot)
        QTRY_VERIFY(s->offer().isEmpty());
        QCOMPARE(s->callCount(), 0);
        QVERIFY(s->state() != QLatin1String("ringing"));
        b->accept();
        QTRY_COMPARE(b->state(), QStringLiteral("on_call"));
    }

    void keyedCommandRunsOnceWhenReplyIsLost()
    {
        auto s = loggedIn(QStringLiteral("a1"), QStringLiteral("pw1"));
        ClientConnection *conn = s->connection();
        QWebSocket *ws = liveSocket(conn);
        QVERIFY(ws);
        auto *tcp = ws->findChild<QTcpSocket *>();
        QVERIFY2(tcp, "QWebSocket's transport socket not found");
        int replies = 0;
        ClientConnection::Reply reply;
        tcp->blockSignals(true); // the reply will not be read: it is "lost"
        conn->request({{QStringLiteral("type"), QStringLiteral("call.dial")},
                       {QStringLiteral("number"), QStringLiteral("+4930123")}},
                      [&](const ClientConnection::Reply &r) {
                          ++replies;
                          reply = r;
                      });
        // the server executes it ...
        QTRY_COMPARE(m_server->engine().agent(QStringLiteral("a1")).state,
                     engine::AgentState::OnCall);
        QCOMPARE(replies, 0);
        // ... and the connection drops before the client read the reply
        tcp->blockSignals(false);
        ws->abort();
        QTRY_COMPARE(replies, 1);
        QVERIFY2(reply.ok(), qPrintable(reply.errorCode + QLatin1Char(' ') + reply.errorMessage));
        QCOMPARE(conn->status(), ClientConnection::Status::Online);
        // A second execution would have been refused (already on a call) or made a second call.
        QCOMPARE(m_server->engine().callsOfAgent(QStringLiteral("a1")).size(), size_t(1));
        QTRY_COMPARE(s->callCount(), 1);
        QTest::qWait(0);
        QCOMPARE(replies, 1);
    }

    void throughHttpProxy()
    {
        const quint16 proxyPort = freePort();
        QVERIFY(proxyPort);
        QTemporaryDir dir;
        const QString conf = dir.filePath(QStringLiteral("tinyproxy.conf"));
        {
            QFile f(conf);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QStringLiteral("Port %1\nListen 127.0.0.1\nTimeout 60\nAllow 127.0.0.1\n"
                                   "ConnectPort %2\nLogLevel Connect\n")
                        .arg(proxyPort)
                        .arg(m_server->port())
                        .toUtf8());
        }
        QProcess proxy;
        proxy.setProcessChannelMode(QProcess::MergedChannels);
        proxy.start(QStringLiteral("tinyproxy"),
                    {QStringLiteral("-d"), QStringLiteral("-c"), conf});
        if (!proxy.waitForStarted(5000))
            QSKIP("tinyproxy is not installed (scripts/setup-deps.sh installs it)");
        QByteArray log;
        connect(&proxy, &QProcess::readyRead, this, [&] { log += proxy.readAll(); });
        const auto accepting = [&] {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, proxyPort);
            return probe.waitForConnected(200);
        };
        QTRY_VERIFY(accepting());

        auto s = session();
        s->connection()->setProxy(
            QNetworkProxy(QNetworkProxy::HttpProxy, QStringLiteral("127.0.0.1"), proxyPort));
        s->login(m_server.wsUrl(), QStringLiteral("a1"), QStringLiteral("pw1"), QString());
        QTRY_COMPARE(s->status(), QStringLiteral("online"));
        QTRY_COMPARE(s->agentId(), QStringLiteral("a1"));
        QVERIFY(ready(*s));
        QTRY_VERIFY(log.contains("CONNECT"));

        s.reset();
        proxy.terminate();
        QVERIFY(proxy.waitForFinished(5000));
    }

    void wssWithTestCa()
    {
        QTemporaryDir dir;
        const auto path = [&](const char *name) {
            return dir.filePath(QString::fromLatin1(name));
        };
        const QStringList ec{
            QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
            QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
        QVERIFY(runOpenssl(
            QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ec +
            QStringList{
                QStringLiteral("-keyout"), path("ca.key"), QStringLiteral("-out"), path("ca.pem"),
                QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                QStringLiteral("/CN=Acdesk Test CA"), QStringLiteral("-addext"),
                QStringLiteral("basicConstraints=critical,CA:TRUE"), QStringLiteral("-addext"),
                QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")}));
        QVERIFY(runOpenssl(QStringList{QStringLiteral("req")} + ec +
                           QStringList{QStringLiteral("-keyout"), path("key.pem"),
                                       QStringLiteral("-out"), path("server.csr"),
                                       QStringLiteral("-subj"), QStringLiteral("/CN=localhost")}));
        {
            QFile ext(path("ext.cnf"));
            QVERIFY(ext.open(QIODevice::WriteOnly));
            ext.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        }
        QVERIFY(
            runOpenssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                        path("server.csr"), QStringLiteral("-CA"), path("ca.pem"),
                        QStringLiteral("-CAkey"), path("ca.key"), QStringLiteral("-CAcreateserial"),
                        QStringLiteral("-out"), path("cert.pem"), QStringLiteral("-days"),
                        QStringLiteral("1"), QStringLiteral("-extfile"), path("ext.cnf")}));
        server::ServerOptions tls;
        tls.tlsCert = path("cert.pem");
        tls.tlsKey = path("key.pem");
        QVERIFY(m_server.start(m_config, tls));
        QVERIFY(m_server.wsUrl().startsWith(QLatin1String("wss://")));

        // not trusted: no session, a visible error, no crash
        auto untrusting = session();
        untrusting->login(m_server.wsUrl(), QStringLiteral("a2"), QStringLiteral("pw2"), QString());
        QTRY_VERIFY(!untrusting->lastError().isEmpty());
        QVERIFY(untrusting->status() != QLatin1String("online"));
        untrusting.reset();

        auto s = session();
        QVERIFY(s->connection()->addCaCertificates(path("ca.pem")));
        QVERIFY(!s->connection()->addCaCertificates(path("missing.pem")));
        s->login(m_server.wsUrl(), QStringLiteral("a1"), QStringLiteral("pw1"), QString());
        QTRY_COMPARE(s->status(), QStringLiteral("online"));
        QTRY_COMPARE(s->agentId(), QStringLiteral("a1"));
        QVERIFY(ready(*s));
        arrive(QStringLiteral("t1"));
        QTRY_COMPARE(callId(s->offer()), QStringLiteral("t1"));
    }
};

QTEST_GUILESS_MAIN(TestClient)
#include "tst_client.moc"
