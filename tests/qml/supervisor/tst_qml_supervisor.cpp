// Qt Quick Test of the supervisor console (SupervisorView and its tabs) with the real
// client core against a real server in-process on loopback (tests/data/server/api.json).
// The setup gives the tests a TestServer singleton to bring in calls, let callers hang up
// and read the engine's state.
#include "browserstandin.h"
#include "engine/engine.h"
#include "inprocessserver.h"
#include "look.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlEngine>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtQuickTest>

#include <memory>

using namespace acdesk;

/** @brief The test's view of the server: its URL, calls brought in, engine state. */
class TestServer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString url READ url CONSTANT)
    Q_PROPERTY(QString tempDir READ tempDir CONSTANT)
public:
    bool start()
    {
        QFile file(QStringLiteral(ACDESK_TEST_DATA_DIR "/server/api.json"));
        if (!file.open(QIODevice::ReadOnly)) {
            qWarning() << "cannot read" << file.fileName();
            return false;
        }
        // The console's administration edits a real file: api.json with boss as an
        // administrator, in a directory of its own.
        QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
        QJsonArray supervisors = json.value(QStringLiteral("supervisors")).toArray();
        QJsonObject boss = supervisors.first().toObject();
        boss.insert(QStringLiteral("admin"), true);
        supervisors[0] = boss;
        json.insert(QStringLiteral("supervisors"), supervisors);
        const QByteArray text = QJsonDocument(json).toJson();
        QFile copy(m_configDir.filePath(QStringLiteral("api.json")));
        if (!copy.open(QIODevice::WriteOnly) || copy.write(text) != text.size())
            return false;
        copy.close();
        auto config = test::testConfig(text, copy.fileName());
        if (!config)
            return false;
        config->sourceFile = copy.fileName();
        // api.json's short login timeout and pings are for the API tests; the views here
        // stay connected for whole test functions.
        config->limits.loginTimeoutSeconds = 30;
        config->limits.pingSeconds = 15;
        for (engine::QueueConfig &q : config->engine.queues)
            if (q.id == QLatin1String("support"))
                q.screenPop.url =
                    QStringLiteral("https://crm.example/find?customer={data.customer}");
        return m_server.start(*config);
    }
    void stop() { m_server.stop(); }
    QString url() const { return m_server.wsUrl(); }
    QString tempDir() const { return m_server.dataDir(); }

public:
    /** @brief A call arrives in @p queue (softphone mode: no gateway). */
    /** @brief Where a screenshot named @p name goes: shots/ below the test's directory. */
    Q_INVOKABLE QString shotPath(const QString &name) const
    {
        QDir().mkpath(QStringLiteral("shots"));
        return QDir(QStringLiteral("shots")).absoluteFilePath(name);
    }
    Q_INVOKABLE bool arrive(const QString &id, const QString &queue, const QString &number,
                            const QString &callerName, int priority)
    {
        engine::Arrival a;
        a.id = id;
        a.queue = queue;
        a.callerNumber = number;
        a.callerName = callerName;
        a.priority = priority;
        a.data.insert(QStringLiteral("customer"), QStringLiteral("K-17"));
        const bool ok = m_server->engine().arrive(a).ok();
        m_server->pump();
        return ok;
    }
    /** @brief The caller of @p call hangs up (an abandon while it waits). */
    Q_INVOKABLE bool abandon(const QString &call)
    {
        const bool ok = m_server->engine().callerHangup(call).ok();
        m_server->pump();
        return ok;
    }
    /** @brief Logs @p agent in (not_ready/login), as its own client would. */
    Q_INVOKABLE bool loginAgent(const QString &agent)
    {
        const bool ok = m_server->engine().login(agent).ok();
        m_server->pump();
        return ok;
    }
    /** @brief The engine's state name of @p agent ("ready", "not_ready", ...). */
    Q_INVOKABLE QString agentState(const QString &agent) const
    {
        return engine::agentStateName(m_server->engine().agent(agent).state);
    }
    /** @brief The engine's not-ready reason of @p agent. */
    Q_INVOKABLE QString agentReason(const QString &agent) const
    {
        return m_server->engine().agent(agent).reason;
    }
    /** @brief Every caller hangs up and every agent is logged out (between test functions). */
    Q_INVOKABLE void reset()
    {
        for (const engine::Call &c : m_server->engine().calls())
            m_server->engine().callerHangup(c.id);
        for (const engine::AgentInfo &a : m_server->engine().agents())
            m_server->engine().forceLogout(a.id);
        m_server->pump();
    }
    /** @brief The content of @p path ("" when missing). */
    Q_INVOKABLE QString readFile(const QString &path) const
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

    /** @brief The running service level target of @p queue (seconds). */
    Q_INVOKABLE int slSeconds(const QString &queue) const
    {
        for (const engine::QueueConfig &q : m_server->engine().config().queues)
            if (q.id == queue)
                return q.slSeconds;
        return -1;
    }

private:
    QTemporaryDir m_configDir;
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
        QCoreApplication::setApplicationName(QStringLiteral("tst_qml_supervisor"));
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

QUICK_TEST_MAIN_WITH_SETUP(tst_qml_supervisor, Setup)

#include "tst_qml_supervisor.moc"
