// Desktop notifications of the agent's desk (AgentAlerts, DesktopNotifier) through a real
// session D-Bus (CTest runs this under dbus-run-session) with a notification server of
// the test's own on it, speaking org.freedesktop.Notifications as a desktop's does; the
// agent session talks to the real server in-process on loopback.

#include "agentalerts.h"
#include "agentsession.h"
#include "engine/engine.h"
#include "inprocessserver.h"
#include "supervisorsession.h"

#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCall>
#include <QSignalSpy>
#include <QTest>
#include <QWindow>

using namespace acdesk;
using acdesk::client::AgentAlerts;
using acdesk::client::AgentSession;

namespace {

const char *const ConfigJson = R"({
  "timeZone": "UTC",
  "queues": [{"id": "support", "name": "Support", "wrapUpSeconds": 0, "offerTimeoutSeconds": 45}],
  "agents": [{"id": "a1", "name": "Anna Berg", "password": "pw1", "queues": ["support"]}],
  "supervisors": [{"id": "boss", "name": "Team lead", "password": "pwboss"}],
  "hotlines": [{"number": "+4930111", "name": "VIP hotline", "queue": "support"}],
  "reasons": [{"code": "break", "label": "Break"}]
})";

const QString Path = QStringLiteral("/org/freedesktop/Notifications");
const QString Interface = QStringLiteral("org.freedesktop.Notifications");

// A notification server as a desktop runs one; records what it was asked and presses the
// buttons on request.
class FakeNotifications : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
    Q_PROPERTY(bool Inhibited READ inhibited)
public:
    struct Shown
    {
        uint id;
        QString app, summary, body;
        QStringList actions;
        QVariantMap hints;
        int timeout;
    };
    QList<Shown> shown;
    QList<uint> closed;
    bool inhibit = false;
    bool markup = false; ///< announces body-markup (GNOME's and KDE's do)
    QDBusConnection bus{QString()};

    bool inhibited() const { return inhibit; }
    // "Do not disturb" switched on or off, announced as KDE Plasma's daemon does.
    void setInhibited(bool on)
    {
        inhibit = on;
        QDBusMessage signal =
            QDBusMessage::createSignal(Path, QStringLiteral("org.freedesktop.DBus.Properties"),
                                       QStringLiteral("PropertiesChanged"));
        signal << Interface << QVariantMap{{QStringLiteral("Inhibited"), on}} << QStringList();
        bus.send(signal);
    }
    void press(uint id, const QString &action)
    {
        QDBusMessage signal =
            QDBusMessage::createSignal(Path, Interface, QStringLiteral("ActionInvoked"));
        signal << id << action;
        bus.send(signal);
    }

public Q_SLOTS:
    uint Notify(const QString &app, uint replaces, const QString &, const QString &summary,
                const QString &body, const QStringList &actions, const QVariantMap &hints,
                int timeout)
    {
        const uint id = replaces ? replaces : uint(shown.size() + 100);
        shown.append({id, app, summary, body, actions, hints, timeout});
        return id;
    }
    void CloseNotification(uint id) { closed.append(id); }
    QStringList GetCapabilities()
    {
        QStringList caps{QStringLiteral("actions"), QStringLiteral("body")};
        if (markup)
            caps << QStringLiteral("body-markup");
        return caps;
    }
};

} // namespace

// The agent's desk as the app wires it (AgentWindow.qml): a session, its alerts on the
// session bus and, unless told otherwise, its window.
struct Desk
{
    QWindow window;
    AgentSession session;
    AgentAlerts alerts{QDBusConnection::sessionBus()};
    explicit Desk(bool withWindow = true)
    {
        alerts.setSession(&session);
        if (withWindow)
            alerts.setProperty("window", QVariant::fromValue(&window));
    }
};

class TestNotifications : public QObject
{
    Q_OBJECT

private:
    bool signIn(Desk &desk)
    {
        desk.session.login(m_server.wsUrl(), QStringLiteral("a1"), QStringLiteral("pw1"),
                           QStringLiteral("201"));
        return QTest::qWaitFor([&] { return desk.session.status() == QLatin1String("online"); },
                               5000);
    }

    test::InProcessServer m_server;
    FakeNotifications m_desktop;

    void arrive(const QString &id, const QString &dialed)
    {
        engine::Arrival a;
        a.id = id;
        a.dialed = dialed;
        a.queue = dialed.isEmpty() ? QStringLiteral("support") : QString();
        a.callerNumber = QStringLiteral("+4930999");
        a.callerName = QStringLiteral("Erika Muster");
        QVERIFY(m_server->engine().arrive(a).ok());
        m_server->pump();
    }

    // Everything the desk sent on its bus connection has reached the desktop: D-Bus keeps
    // a connection's messages in order, so the answer to a call behind them is the barrier.
    // (Asynchronous: the desktop's object answers from this thread's event loop.)
    static bool drainDesk()
    {
        QDBusMessage ping =
            QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.Notifications"), Path,
                                           Interface, QStringLiteral("GetCapabilities"));
        const QDBusPendingCall call = QDBusConnection::sessionBus().asyncCall(ping);
        return QTest::qWaitFor([&] { return call.isFinished(); }, 5000) && !call.isError();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QDBusConnection::sessionBus().isConnected(),
                 "no session bus: run under dbus-run-session");
        m_desktop.bus =
            QDBusConnection::connectToBus(QDBusConnection::SessionBus, QStringLiteral("desktop"));
        QVERIFY(m_desktop.bus.registerObject(Path, &m_desktop,
                                             QDBusConnection::ExportAllSlots |
                                                 QDBusConnection::ExportAllProperties));
        QVERIFY(m_desktop.bus.registerService(QStringLiteral("org.freedesktop.Notifications")));
        const auto config = test::testConfig(ConfigJson, QStringLiteral("alerts.json"));
        QVERIFY(config);
        QVERIFY(m_server.start(*config));
    }

    void cleanup()
    {
        for (const engine::Call &c : m_server->engine().calls())
            m_server->engine().callerHangup(c.id);
        m_server->engine().forceLogout(QStringLiteral("a1"));
        m_server->pump();
    }

    // The window is behind another one: the offer is a notification with caller, hotline
    // and Accept/Reject; Accept accepts the call, and the notification goes when the offer
    // ends; a withdrawn offer takes its notification away; Reject rejects.
    void offerNotificationAcceptsAndRejects()
    {
        Desk desk; // its window never shown: not the active window
        QVERIFY(signIn(desk));
        QWindow &window = desk.window;
        AgentSession &session = desk.session;
        session.setReady();
        QTRY_COMPARE(session.state(), QStringLiteral("ready"));

        arrive(QStringLiteral("n1"), QStringLiteral("+4930111"));
        QTRY_COMPARE(m_desktop.shown.size(), 1);
        const FakeNotifications::Shown first = m_desktop.shown.at(0);
        QCOMPARE(first.summary, QStringLiteral("Incoming call: Erika Muster"));
        QCOMPARE(first.body, QStringLiteral("+4930999\non VIP hotline"));
        QCOMPARE(first.actions, (QStringList{QStringLiteral("default"), QString(),
                                             QStringLiteral("accept"), QStringLiteral("Accept"),
                                             QStringLiteral("reject"), QStringLiteral("Reject")}));
        QCOMPARE(first.timeout, 45000); // the offer's own timeout
        QCOMPARE(first.app, QCoreApplication::applicationName());
        QCOMPARE(first.hints.value(QStringLiteral("urgency")).toInt(), 1); // DND applies

        m_desktop.press(first.id, QStringLiteral("accept"));
        QTRY_COMPARE(session.state(), QStringLiteral("on_call"));
        QCOMPARE(m_server->engine().agent(QStringLiteral("a1")).state, engine::AgentState::OnCall);
        QTRY_COMPARE(m_desktop.closed, QList<uint>{first.id});
        // Accepting brings the desk to the front; the agent goes back to the browser.
        QTRY_VERIFY(window.isActive());
        QWindow browser;
        browser.show();
        browser.requestActivate();
        QTRY_VERIFY(browser.isActive());
        QVERIFY(!window.isActive());
        session.hangup();
        QTRY_COMPARE(session.state(), QStringLiteral("ready"));

        // The caller gives up while it rings: the notification goes with the offer.
        arrive(QStringLiteral("n2"), QString());
        QTRY_COMPARE(m_desktop.shown.size(), 2);
        QCOMPARE(m_desktop.shown.at(1).body, QStringLiteral("+4930999\nin queue support"));
        QVERIFY(m_server->engine().callerHangup(QStringLiteral("n2")).ok());
        m_server->pump();
        QTRY_COMPARE(m_desktop.closed.size(), 2);
        QCOMPARE(m_desktop.closed.at(1), m_desktop.shown.at(1).id);
        QTRY_COMPARE(session.state(), QStringLiteral("ready"));

        // Reject from the notification.
        arrive(QStringLiteral("n3"), QString());
        QTRY_COMPARE(m_desktop.shown.size(), 3);
        m_desktop.press(m_desktop.shown.at(2).id, QStringLiteral("reject"));
        QTRY_COMPARE(session.state(), QStringLiteral("not_ready"));
        QCOMPARE(session.reason(), QStringLiteral("rejected"));
        // A button of a notification that is not ours does nothing.
        m_desktop.press(4242, QStringLiteral("accept"));
        QVERIFY(drainDesk());
        QCOMPARE(session.state(), QStringLiteral("not_ready"));
        QVERIFY(m_server->engine().callerHangup(QStringLiteral("n3")).ok());
        m_server->pump();
        session.logout();
        QTRY_COMPARE(session.status(), QStringLiteral("offline"));
    }

    // A supervisor's broadcast is a notification too; "do not disturb" (the service's
    // Inhibited property) keeps both away.
    void broadcastAndDoNotDisturb()
    {
        m_desktop.shown.clear();
        Desk desk;
        QVERIFY(signIn(desk));
        AgentSession &session = desk.session;
        AgentAlerts &alerts = desk.alerts;
        client::SupervisorSession boss;
        boss.login(m_server.wsUrl(), QStringLiteral("boss"), QStringLiteral("pwboss"));
        QTRY_COMPARE(boss.status(), QStringLiteral("online"));
        boss.broadcast(QStringLiteral("Team meeting at 3"), QStringLiteral("info"));
        QTRY_COMPARE(m_desktop.shown.size(), 1);
        QCOMPARE(m_desktop.shown.at(0).summary, QStringLiteral("Message from boss"));
        QCOMPARE(m_desktop.shown.at(0).body, QStringLiteral("Team meeting at 3"));
        QVERIFY(m_desktop.shown.at(0).actions.isEmpty());

        m_desktop.setInhibited(true);
        QTRY_VERIFY(alerts.property("doNotDisturb").toBool());
        boss.broadcast(QStringLiteral("Quiet please"), QStringLiteral("info"));
        QTRY_COMPARE(session.message().value(QStringLiteral("text")).toString(),
                     QStringLiteral("Quiet please"));
        session.setReady();
        QTRY_COMPARE(session.state(), QStringLiteral("ready"));
        arrive(QStringLiteral("n4"), QString());
        QTRY_COMPARE(session.state(), QStringLiteral("ringing"));
        QVERIFY(drainDesk());
        QCOMPARE(m_desktop.shown.size(), 1);
        m_desktop.setInhibited(false);
        QTRY_VERIFY(!alerts.property("doNotDisturb").toBool());
        QVERIFY(m_server->engine().callerHangup(QStringLiteral("n4")).ok());
        m_server->pump();
        session.logout();
        QTRY_COMPARE(session.status(), QStringLiteral("offline"));
    }

    // The agent looks at the desk (its window is the active one): no notification.
    void noNotificationWithoutAWindowToLookAt()
    {
        m_desktop.shown.clear();
        Desk desk(false);                                // no window at all
        desk.alerts.setProperty("notifications", false); // switched off in the settings
        QVERIFY(signIn(desk));
        AgentSession &session = desk.session;
        session.setReady();
        QTRY_COMPARE(session.state(), QStringLiteral("ready"));
        arrive(QStringLiteral("n5"), QString());
        QTRY_COMPARE(session.state(), QStringLiteral("ringing"));
        QVERIFY(drainDesk());
        QVERIFY(m_desktop.shown.isEmpty());
        QVERIFY(m_server->engine().callerHangup(QStringLiteral("n5")).ok());
        m_server->pump();
    }

    // A daemon that reads markup in bodies gets the text escaped: a broadcast with "<a>"
    // or "&" shows as written, never as a link.
    void markupInBodiesIsEscaped()
    {
        m_desktop.shown.clear();
        m_desktop.markup = true;
        Desk desk;
        QVERIFY(signIn(desk));
        client::SupervisorSession boss;
        boss.login(m_server.wsUrl(), QStringLiteral("boss"), QStringLiteral("pwboss"));
        QTRY_COMPARE(boss.status(), QStringLiteral("online"));
        boss.broadcast(QStringLiteral("<a href=\"https://evil.example\">Q&A</a>"),
                       QStringLiteral("info"));
        QTRY_COMPARE(m_desktop.shown.size(), 1);
        QCOMPARE(
            m_desktop.shown.at(0).body,
            QStringLiteral("&lt;a href=&quot;https://evil.example&quot;&gt;Q&amp;A&lt;/a&gt;"));
        m_desktop.markup = false;
    }

    // The agent looks at the desk (its window is the active one): the window's own banner
    // is enough, no notification.
    void noNotificationWhileTheAgentLooks()
    {
        m_desktop.shown.clear();
        Desk desk;
        desk.window.show();
        desk.window.requestActivate();
        QTRY_VERIFY(desk.window.isActive());
        QVERIFY(signIn(desk));
        desk.session.setReady();
        QTRY_COMPARE(desk.session.state(), QStringLiteral("ready"));
        arrive(QStringLiteral("n6"), QString());
        QTRY_COMPARE(desk.session.state(), QStringLiteral("ringing"));
        QVERIFY(drainDesk());
        QVERIFY(m_desktop.shown.isEmpty());
    }
};

QTEST_MAIN(TestNotifications)
#include "tst_notifications.moc"
