#include "guimain.h"

#include "servermain.h"

#include "agentsession.h"
#include "look.h"
#include "server.h"
#include "supervisorsession.h"
#include "wallboardfeed.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
#include <QTranslator>

#include <cstdio>

namespace acdesk::gui {

namespace {

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
        // exit(), not quit(): quit() first asks every window to close, and a kiosk
        // wallboard refuses (it closes only through its quit keys).
        QCoreApplication::exit(0);
    });
}

// Kiosk: keep the screen from blanking where the platform lets a program ask. On X11 that
// is xdg-screensaver (xdg-utils), which holds the inhibition for as long as the window
// exists. DPMS settings of the X server itself (`xset s off -dpms`) belong to the kiosk's
// session setup, not to the application (docs in README, "Wallboard on a TV").
void keepScreenAwake(QWindow *window)
{
    if (QGuiApplication::platformName() != QLatin1String("xcb"))
        return;
    const QString tool = QStandardPaths::findExecutable(QStringLiteral("xdg-screensaver"));
    if (tool.isEmpty()) {
        qWarning("acdesk: xdg-screensaver not found; the screen may blank (install xdg-utils)");
        return;
    }
    QProcess::startDetached(tool, {QStringLiteral("suspend"), QString::number(window->winId())});
}

// Proxies: the system's (http_proxy/https_proxy and desktop settings) unless --proxy
// names one or says none. Every socket of the client (QWebSocket) follows the application
// proxy, which goes through CONNECT for ws:// and wss:// alike.
bool applyProxy(const QString &text)
{
    if (text.isEmpty()) {
        QNetworkProxyFactory::setUseSystemConfiguration(true);
        return true;
    }
    if (text == QLatin1String("none")) {
        QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
        return true;
    }
    const QUrl url(text.contains(QLatin1String("://")) ? text : QStringLiteral("http://") + text);
    if (!url.isValid() || url.host().isEmpty() || url.port() <= 0)
        return false;
    QNetworkProxy::setApplicationProxy(QNetworkProxy(
        QNetworkProxy::HttpProxy, url.host(), quint16(url.port()), url.userName(), url.password()));
    return true;
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
    views::applyLook();
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(mode, QCoreApplication::translate("main", "mode"));
    const QCommandLineOption server(
        QStringLiteral("server"),
        QCoreApplication::translate("main", "Server URL (ws:// or wss://)."), QStringLiteral("URL"),
        QStringLiteral("ws://127.0.0.1:8080/ws"));
    const QCommandLineOption kiosk(QStringLiteral("kiosk"),
                                   QCoreApplication::translate("main", "Fullscreen kiosk mode."));
    const QCommandLineOption user(QStringLiteral("user"),
                                  QCoreApplication::translate("main", "Wallboard id."),
                                  QStringLiteral("ID"), QStringLiteral("tv1"));
    const QCommandLineOption secret(QStringLiteral("secret"),
                                    QCoreApplication::translate("main", "Wallboard secret."),
                                    QStringLiteral("SECRET"));
    const QCommandLineOption token(
        QStringLiteral("token"),
        QCoreApplication::translate("main",
                                    "Session token of an earlier wallboard login (instead of "
                                    "--user/--secret)."),
        QStringLiteral("TOKEN"));
    const QCommandLineOption queues(
        QStringLiteral("queues"),
        QCoreApplication::translate("main", "Queues to show (comma-separated)."),
        QStringLiteral("IDS"));
    const QCommandLineOption caFile(
        QStringLiteral("ca"), QCoreApplication::translate("main", "Extra CA certificates (PEM)."),
        QStringLiteral("FILE"));
    const QCommandLineOption quitKeys(
        QStringLiteral("quit-keys"),
        QCoreApplication::translate("main",
                                    "Key sequence that quits the wallboard (kiosk: the only way)."),
        QStringLiteral("KEYS"), QStringLiteral("Ctrl+Alt+Q"));
    const QCommandLineOption pageSeconds(
        QStringLiteral("page-seconds"),
        QCoreApplication::translate("main", "Seconds per page when the queues do not fit."),
        QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption alertSound(
        QStringLiteral("alert-sound"),
        QCoreApplication::translate("main", "A short sound when a queue turns red: on or off "
                                            "(default off)."),
        QStringLiteral("on|off"), QStringLiteral("off"));
    const QCommandLineOption quietHours(
        QStringLiteral("quiet-hours"),
        QCoreApplication::translate("main", "No alert sound during these hours, e.g. "
                                            "18:00-08:00 (local time)."),
        QStringLiteral("HH:MM-HH:MM"));
    // Qt Quick's software renderer: a wallboard is mostly still text, and without GL it
    // needs less than half the memory (docs/benchmarks.md, "Desktop wallboard memory");
    // whatever moves (the ticker, a red pulse) costs more CPU instead.
    const QCommandLineOption softwareRenderer(
        QStringLiteral("software-renderer"),
        QCoreApplication::translate("main", "Draw without the GPU: less memory, more CPU while "
                                            "something moves."));
    // Agent mode: optional automatic sign-in (scripts/screenshots-agent.sh, kiosk desks).
    const QCommandLineOption agentUser(
        QStringLiteral("user"), QCoreApplication::translate("main", "Agent id to sign in with."),
        QStringLiteral("ID"));
    const QCommandLineOption agentPassword(QStringLiteral("password"),
                                           QCoreApplication::translate("main", "Agent password."),
                                           QStringLiteral("PASSWORD"));
    const QCommandLineOption agentStation(
        QStringLiteral("station"),
        QCoreApplication::translate("main", "Station (phone extension)."),
        QStringLiteral("STATION"));
    // Supervisor mode: optional automatic sign-in and first tab
    // (scripts/screenshots-supervisor.sh).
    const QCommandLineOption supervisorUser(
        QStringLiteral("user"),
        QCoreApplication::translate("main", "Supervisor id to sign in with."),
        QStringLiteral("ID"));
    const QCommandLineOption supervisorPassword(
        QStringLiteral("password"), QCoreApplication::translate("main", "Supervisor password."),
        QStringLiteral("PASSWORD"));
    const QCommandLineOption supervisorTab(
        QStringLiteral("tab"),
        QCoreApplication::translate(
            "main", "Tab to show first: floor, calls, broadcast, worklist, reports, audit, admin."),
        QStringLiteral("TAB"), QStringLiteral("floor"));
    const QCommandLineOption proxy(
        QStringLiteral("proxy"),
        QCoreApplication::translate("main", "HTTP proxy (http://HOST:PORT); default: the system's, "
                                            "\"none\" for a direct connection."),
        QStringLiteral("URL"));
    parser.addOptions({server, caFile, proxy});
    if (mode == QLatin1String("supervisor"))
        parser.addOptions({supervisorUser, supervisorPassword, supervisorTab});
    if (mode == QLatin1String("agent"))
        parser.addOptions({agentUser, agentPassword, agentStation});
    if (mode == QLatin1String("wallboard"))
        parser.addOptions({kiosk, user, secret, token, queues, quitKeys, pageSeconds,
                           softwareRenderer, alertSound, quietHours});
    parser.process(app);
    // Before the first window exists: the renderer is chosen once per process.
    if (mode == QLatin1String("wallboard") && parser.isSet(softwareRenderer))
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    if (!applyProxy(parser.value(proxy))) {
        std::fprintf(stderr, "acdesk: --proxy needs http://HOST:PORT or none\n");
        return 2;
    }

    armScreenshots();
    auto engine = makeEngine();
    if (mode == QLatin1String("agent")) {
        QObject *root = load(*engine, QStringLiteral("AgentWindow.qml"),
                             {{QStringLiteral("defaultUrl"), parser.value(server)}});
        if (!root)
            return 1;
        auto *session = root->property("session").value<client::AgentSession *>();
        if (session && parser.isSet(caFile))
            session->connection()->addCaCertificates(parser.value(caFile));
        if (session && parser.isSet(agentUser))
            session->login(parser.value(server), parser.value(agentUser),
                           parser.value(agentPassword), parser.value(agentStation));
        return app.exec();
    }
    if (mode == QLatin1String("supervisor")) {
        QObject *root = load(*engine, QStringLiteral("SupervisorWindow.qml"),
                             {{QStringLiteral("defaultUrl"), parser.value(server)},
                              {QStringLiteral("currentTab"), parser.value(supervisorTab)}});
        if (!root)
            return 1;
        auto *session = root->property("session").value<client::SupervisorSession *>();
        if (session && parser.isSet(caFile))
            session->connection()->addCaCertificates(parser.value(caFile));
        if (session && parser.isSet(supervisorUser))
            session->login(parser.value(server), parser.value(supervisorUser),
                           parser.value(supervisorPassword));
        return app.exec();
    }
    // A TV has no one to type a password: what was given once on the command line is
    // remembered (QSettings) and used when the option is left out next time.
    QSettings settings;
    settings.beginGroup(QStringLiteral("wallboard"));
    auto remembered = [&](const QCommandLineOption &o, const QString &key) {
        if (parser.isSet(o)) {
            settings.setValue(key, parser.value(o));
            return parser.value(o);
        }
        return settings.value(key, parser.value(o)).toString();
    };
    const QString serverUrl = remembered(server, QStringLiteral("server"));
    const QString userId = remembered(user, QStringLiteral("user"));
    const QString userSecret = remembered(secret, QStringLiteral("secret"));
    const QString queueList = remembered(queues, QStringLiteral("queues"));
    const QString keys = remembered(quitKeys, QStringLiteral("quitKeys"));
    const int seconds = qMax(1, remembered(pageSeconds, QStringLiteral("pageSeconds")).toInt());
    const QString sound = remembered(alertSound, QStringLiteral("alertSound"));
    const QString quiet = remembered(quietHours, QStringLiteral("quietHours"));
    settings.endGroup();
    if (sound != QLatin1String("on") && sound != QLatin1String("off")) {
        std::fprintf(stderr, "acdesk: --alert-sound needs on or off\n");
        return 2;
    }

    const bool isKiosk = parser.isSet(kiosk);
    QObject *root = load(*engine, QStringLiteral("WallboardWindow.qml"),
                         {{QStringLiteral("kiosk"), isKiosk},
                          {QStringLiteral("quitKeys"), keys},
                          {QStringLiteral("pageSeconds"), seconds},
                          {QStringLiteral("alertSound"), sound == QLatin1String("on")}});
    if (!root)
        return 1;
    if (!root->setProperty("quietHours", quiet) || root->property("quietHours") != quiet) {
        std::fprintf(stderr, "acdesk: --quiet-hours needs HH:MM-HH:MM, e.g. 18:00-08:00\n");
        return 2;
    }
    auto *feed = root->property("feed").value<client::WallboardFeed *>();
    if (parser.isSet(caFile))
        feed->connection()->addCaCertificates(parser.value(caFile));
    if (isKiosk) {
        if (auto *w = qobject_cast<QQuickWindow *>(root)) {
            // Fullscreen without decorations; the cursor hides itself after 5 s without
            // movement (WallboardWindow.qml), and only --quit-keys closes the window.
            w->setFlag(Qt::FramelessWindowHint);
            w->showFullScreen();
            keepScreenAwake(w);
        }
    }
    const QStringList queueIds = queueList.split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (parser.isSet(token))
        feed->resume(serverUrl, parser.value(token), queueIds);
    else
        feed->start(serverUrl, userId, userSecret, queueIds);
    return app.exec();
}

std::unique_ptr<QObject> openServerWindows(server::Server *srv, bool demo)
{
    installTranslations(*QCoreApplication::instance());
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
