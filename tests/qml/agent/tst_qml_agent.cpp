// Qt Quick Test of the agent views (AgentView, AgentLogin, AgentDesk) with the real client
// core against a real server in-process on loopback. The setup starts the server and
// gives the tests a small TestServer singleton to bring in calls and read engine state.
#include "browserstandin.h"
#include "engine/engine.h"
#include "inprocessserver.h"
#include "look.h"

#include <QCoreApplication>
#include <QDir>
#include <QQmlEngine>
#include <QStandardPaths>
#include <QtQuickTest>

#include <memory>

using namespace acdesk;

namespace {

const char *const ConfigJson = R"({
  "timeZone": "UTC",
  "queues": [
    {"id": "support", "name": "Support", "strategy": "linear", "wrapUpSeconds": 600,
     "offerTimeoutSeconds": 60, "maxWaitSeconds": 600},
    {"id": "sales", "name": "Sales", "strategy": "linear", "wrapUpSeconds": 600,
     "offerTimeoutSeconds": 60, "maxWaitSeconds": 600},
    {"id": "crm", "name": "CRM", "wrapUpSeconds": 0, "offerTimeoutSeconds": 60,
     "screenPop": {"url": "https:\/\/crm.example/find?customer={data.customer}", "open": "manual"}}
  ],
  "agents": [
    {"id": "a1", "name": "Anna Berg", "password": "pw1", "queues": ["support", "sales"]},
    {"id": "a2", "name": "Ben Okafor", "password": "pw2", "queues": ["support", "sales"]},
    {"id": "a3", "name": "Clara Jung", "password": "pw3", "queues": ["support", "sales"]},
    {"id": "a4", "name": "Dana Vogel", "password": "pw4", "queues": ["support", "sales"]},
    {"id": "a5", "name": "Emil Rot", "password": "pw5", "queues": ["crm"]}
  ],
  "hotlines": [{"number": "+4930111", "name": "VIP hotline", "queue": "support", "priority": 5}],
  "reasons": [{"code": "break", "label": "Break"}],
  "dispositions": [{"code": "solved", "label": "Solved"}],
  "server": {"limits": {"graceSeconds": 30}}
})";

} // namespace

/** @brief The test's view of the server: its URL, calls brought in, engine state. */
class TestServer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString url READ url CONSTANT)
public:
    bool start()
    {
        const auto config = test::testConfig(ConfigJson, QStringLiteral("agent-test.json"));
        return config && m_server.start(*config);
    }
    void stop() { m_server.stop(); }
    QString url() const { return m_server.wsUrl(); }

    /** @brief A call arrives in @p queue (softphone mode: no gateway). */
    Q_INVOKABLE bool arrive(const QString &id, const QString &queue, const QString &callerName)
    {
        engine::Arrival a;
        a.id = id;
        a.queue = queue;
        a.callerNumber = QStringLiteral("+4930999");
        a.callerName = callerName;
        a.data.insert(QStringLiteral("customer"), QStringLiteral("K-17"));
        const bool ok = m_server->engine().arrive(a).ok();
        m_server->pump();
        return ok;
    }
    /** @brief Where a screenshot named @p name goes: shots/ below the test's directory. */
    Q_INVOKABLE QString shotPath(const QString &name) const
    {
        QDir().mkpath(QStringLiteral("shots"));
        return QDir(QStringLiteral("shots")).absoluteFilePath(name);
    }
    /** @brief The engine's state name of @p agent ("ready", "on_call", ...). */
    Q_INVOKABLE QString agentState(const QString &agent) const
    {
        return engine::agentStateName(m_server->engine().agent(agent).state);
    }
    /** @brief Calls waiting in @p queue. */
    Q_INVOKABLE int waiting(const QString &queue) const
    {
        return int(m_server->engine().waitingCalls(queue).size());
    }
    /** @brief Every caller hangs up (cleans up between test functions). */
    Q_INVOKABLE void hangupAll()
    {
        for (const engine::Call &c : m_server->engine().calls())
            m_server->engine().callerHangup(c.id);
        m_server->pump();
    }
    /** @brief Forces @p agent logged out (cleans up between test functions). */
    Q_INVOKABLE void logoutAgent(const QString &agent)
    {
        m_server->engine().forceLogout(agent);
        m_server->pump();
    }

private:
    test::InProcessServer m_server;
};

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable()
    {
        views::applyLook(); // the application's style and palette
        // Qt.labs.settings writes below a test location, never into the user's config.
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("acdesk-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_qml_agent"));
        if (!m_server.start())
            qFatal("the test server did not start");
        m_browser = std::make_unique<BrowserStandIn>();
    }
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        static bool registered = false; // one registration for all engines of the run
        if (!registered) {
            qmlRegisterSingletonInstance("AcdeskTest", 1, 0, "TestServer", &m_server);
            qmlRegisterSingletonInstance("AcdeskTest", 1, 0, "Browser", m_browser.get());
        }
        registered = true;
    }
    void cleanupTestCase()
    {
        m_browser.reset();
        m_server.stop();
    }

private:
    TestServer m_server;
    std::unique_ptr<BrowserStandIn> m_browser; ///< the desktop's browser for https:// links
};

QUICK_TEST_MAIN_WITH_SETUP(tst_qml_agent, Setup)

#include "tst_qml_agent.moc"
