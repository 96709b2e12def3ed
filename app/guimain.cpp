#include "guimain.h"

#include "agentsession.h"
#include "server.h"
#include "wallboardfeed.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickWindow>
#include <QTimer>
#include <QTranslator>

#include <cstdio>

namespace acdesk::gui {

namespace {

void installTranslations(QGuiApplication &app)
{
    // German when the system asks for it; ACDESK_LANG=de|en overrides (settings, tests).
    const QString wanted = qEnvironmentVariable("ACDESK_LANG");
    const QLocale locale = wanted.isEmpty() ? QLocale::system() : QLocale(wanted);
    auto *translator = new QTranslator(&app);
    if (translator->load(locale, QStringLiteral("acdesk"), QStringLiteral("_"),
                         QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(translator);
}

std::unique_ptr<QQmlApplicationEngine> makeEngine()
{
    auto engine = std::make_unique<QQmlApplicationEngine>();
    engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    return engine;
}

QObject *load(QQmlApplicationEngine &engine, const QString &file, const QVariantMap &props = {})
{
    engine.setInitialProperties(props);
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Acdesk/Views/") + file));
    return engine.rootObjects().isEmpty() ? nullptr : engine.rootObjects().constLast();
}

// For screenshots (docs, scripts/screenshots.sh): ACDESK_SCREENSHOT=PREFIX grabs every
// window after ACDESK_SCREENSHOT_DELAY ms (default 4000) into PREFIX-N.png and quits.
void armScreenshots()
{
    const QString prefix = qEnvironmentVariable("ACDESK_SCREENSHOT");
    if (prefix.isEmpty())
        return;
    const int delay = qEnvironmentVariableIntValue("ACDESK_SCREENSHOT_DELAY");
    QTimer::singleShot(delay > 0 ? delay : 4000, qApp, [prefix] {
        int n = 0;
        for (QWindow *w : QGuiApplication::topLevelWindows()) {
            auto *qw = qobject_cast<QQuickWindow *>(w);
            if (!qw || !qw->isVisible())
                continue;
            const QString file = QStringLiteral("%1-%2.png").arg(prefix).arg(++n);
            qw->grabWindow().save(file);
            std::printf("screenshot %s (%s)\n", qPrintable(file), qPrintable(qw->title()));
        }
        std::fflush(stdout);
        QCoreApplication::quit();
    });
}

// Owns the QML engines of the server's windows for as long as they are shown.
class WindowSet : public QObject
{
public:
    std::vector<std::unique_ptr<QQmlApplicationEngine>> engines;
};

} // namespace

int run(QGuiApplication &app, const QString &mode)
{
    installTranslations(app);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(mode, QCoreApplication::translate("main", "mode"));
    const QCommandLineOption server(QStringLiteral("server"),
                                    QCoreApplication::translate("main", "Server URL (ws:// or wss://)."),
                                    QStringLiteral("URL"), QStringLiteral("ws://127.0.0.1:8080/ws"));
    const QCommandLineOption kiosk(QStringLiteral("kiosk"),
                                   QCoreApplication::translate("main", "Fullscreen kiosk mode."));
    const QCommandLineOption user(QStringLiteral("user"),
                                  QCoreApplication::translate("main", "Wallboard id."),
                                  QStringLiteral("ID"), QStringLiteral("tv1"));
    const QCommandLineOption secret(QStringLiteral("secret"),
                                    QCoreApplication::translate("main", "Wallboard secret."),
                                    QStringLiteral("SECRET"));
    const QCommandLineOption queues(QStringLiteral("queues"),
                                    QCoreApplication::translate("main", "Queues to show (comma-separated)."),
                                    QStringLiteral("IDS"));
    const QCommandLineOption caFile(QStringLiteral("ca"),
                                    QCoreApplication::translate("main", "Extra CA certificates (PEM)."),
                                    QStringLiteral("FILE"));
    parser.addOptions({server, caFile});
    if (mode == QLatin1String("wallboard"))
        parser.addOptions({kiosk, user, secret, queues});
    parser.process(app);

    armScreenshots();
    auto engine = makeEngine();
    if (mode == QLatin1String("agent")) {
        QObject *root = load(*engine, QStringLiteral("AgentWindow.qml"),
                             {{QStringLiteral("defaultUrl"), parser.value(server)}});
        if (!root)
            return 1;
        if (parser.isSet(caFile))
            if (auto *s = root->property("session").value<client::AgentSession *>())
                s->connection()->addCaCertificates(parser.value(caFile));
        return app.exec();
    }
    QObject *root = load(*engine, QStringLiteral("WallboardWindow.qml"),
                         {{QStringLiteral("kiosk"), parser.isSet(kiosk)}});
    if (!root)
        return 1;
    auto *feed = root->property("feed").value<client::WallboardFeed *>();
    if (parser.isSet(caFile))
        feed->connection()->addCaCertificates(parser.value(caFile));
    if (parser.isSet(kiosk)) {
        if (auto *w = qobject_cast<QQuickWindow *>(root)) {
            w->setFlag(Qt::FramelessWindowHint);
            w->showFullScreen();
            w->setCursor(Qt::BlankCursor);
        }
    }
    feed->start(parser.value(server), parser.value(user), parser.value(secret),
                parser.value(queues).split(QLatin1Char(','), Qt::SkipEmptyParts));
    return app.exec();
}

std::unique_ptr<QObject> openServerWindows(server::Server *srv, bool demo)
{
    installTranslations(*qobject_cast<QGuiApplication *>(QCoreApplication::instance()));
    armScreenshots();
    auto set = std::make_unique<WindowSet>();
    const QString url = srv->baseUrl() + QStringLiteral("/ws");
    if (demo) {
        auto agent = makeEngine();
        load(*agent, QStringLiteral("AgentWindow.qml"), {{QStringLiteral("defaultUrl"), url}});
        set->engines.push_back(std::move(agent));
    }
    auto board = makeEngine();
    QObject *root = load(*board, QStringLiteral("WallboardWindow.qml"),
                         {{QStringLiteral("width"), 1280}, {QStringLiteral("height"), 800}});
    const server::Config &cfg = srv->config();
    if (root && !cfg.wallboards.isEmpty() && !cfg.wallboards.constFirst().secret.isEmpty()) {
        auto *feed = root->property("feed").value<client::WallboardFeed *>();
        feed->start(url, cfg.wallboards.constFirst().id, cfg.wallboards.constFirst().secret);
    }
    set->engines.push_back(std::move(board));
    return set;
}

} // namespace acdesk::gui
