// Qt Quick Test of the wallboard views (qml/WallboardWindow.qml, QueueTile.qml, AgentCard.qml).
// Most tests feed the window with stats objects (WallboardFeed::applyStats); one runs
// against a real in-process server, which the QML side drives through `TestServer`.

#include "auth.h"
#include "config.h"
#include "engine/engine.h"
#include "server.h"
#include "wallboardfeed.h"

#include <QFile>
#include <QJsonDocument>
#include <QObject>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QtQml/qqml.h>
#include <QtQuickTest/quicktest.h>

#include <memory>

using namespace acdesk;

namespace {

/** @brief An in-process Acdesk server for the QML tests (the demo configuration). */
class TestServer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString url READ url NOTIFY urlChanged)
public:
    /** @brief Starts the server (again on the same port after stop()); false on failure. */
    Q_INVOKABLE bool start()
    {
        m_server.reset();
        server::Config c = server::demoConfig();
        // Cheap hashes: the default work factor costs a noticeable time per login.
        for (QList<server::Account> *list : {&c.agents, &c.supervisors, &c.wallboards, &c.gateways})
            for (server::Account &a : *list)
                a.secretHash = server::password::hash(a.secret, 1000);
        server::ServerOptions o;
        o.dataDir = m_dir.path();
        o.listen = QStringLiteral("127.0.0.1:%1").arg(m_port);
        m_server = std::make_unique<server::Server>(c, o);
        QString error;
        if (!m_server->start(&error)) {
            qWarning("server did not start: %s", qPrintable(error));
            m_server.reset();
            return false;
        }
        m_port = m_server->port();
        Q_EMIT urlChanged();
        return true;
    }
    /** @brief Stops the server: every connection drops. */
    Q_INVOKABLE void stop() { m_server.reset(); }
    /** @brief A call arrives in @p queue (no gateway: the engine directly). */
    Q_INVOKABLE bool arrive(const QString &queue)
    {
        if (!m_server)
            return false;
        engine::Arrival a;
        a.queue = queue;
        a.callerNumber = QStringLiteral("+4930999");
        const bool ok = m_server->engine().arrive(a).ok();
        m_server->pump();
        return ok;
    }
    /** @brief Short reconnect backoff for @p feed, so tests do not wait for 10 s. */
    Q_INVOKABLE void fastReconnect(QObject *feed)
    {
        if (auto *f = qobject_cast<client::WallboardFeed *>(feed))
            f->connection()->setBackoff(50, 200);
    }
    /** @brief A JSON file of tests/data/wallboard (shared with tests/web). */
    Q_INVOKABLE QVariant readJson(const QString &name) const
    {
        QFile f(qEnvironmentVariable("ACDESK_TEST_DATA") + QStringLiteral("/wallboard/") + name);
        if (!f.open(QIODevice::ReadOnly)) {
            qWarning("cannot read %s", qPrintable(f.fileName()));
            return {};
        }
        return QJsonDocument::fromJson(f.readAll()).toVariant();
    }
    QString url() const
    {
        return m_server ? m_server->baseUrl() + QStringLiteral("/ws") : QString();
    }

Q_SIGNALS:
    void urlChanged();

private:
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    std::unique_ptr<server::Server> m_server;
};

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        qmlRegisterSingletonInstance("AcdeskTest", 1, 0, "TestServer", &m_server);
    }
    void cleanupTestCase() { m_server.stop(); }

private:
    TestServer m_server;
};

} // namespace

QUICK_TEST_MAIN_WITH_SETUP(tst_wallboard, Setup)

#include "tst_wallboard.moc"
