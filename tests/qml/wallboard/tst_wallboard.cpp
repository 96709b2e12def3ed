// Qt Quick Test of the wallboard views (qml/WallboardWindow.qml, QueueTile.qml, AgentCard.qml).
// Most tests feed the window with stats objects (WallboardFeed::applyStats); one runs
// against a real in-process server, which the QML side drives through `TestServer`.

#include "engine/engine.h"
#include "inprocessserver.h"
#include "look.h"
#include "wallboardfeed.h"

#include <QFile>
#include <QJsonDocument>
#include <QObject>
#include <QQmlEngine>
#include <QtQml/qqml.h>
#include <QtQuickTest/quicktest.h>

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
        // The first start makes the data directory; later ones come back on its port.
        const bool ok = m_server.dataDir().isEmpty() ? m_server.start(server::demoConfig())
                                                     : m_server.restart();
        Q_EMIT urlChanged();
        return ok;
    }
    /** @brief Stops the server: every connection drops. */
    Q_INVOKABLE void stop() { m_server.stop(); }
    /** @brief A call arrives in @p queue (no gateway: the engine directly). */
    Q_INVOKABLE bool arrive(const QString &queue)
    {
        if (!m_server.running())
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
    QString url() const { return m_server.wsUrl(); }

Q_SIGNALS:
    void urlChanged();

private:
    test::InProcessServer m_server;
};

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable() { views::applyLook(); } // the application's style and palette
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
