// acdesk: one executable, several jobs. The mode is decided before the application
// object exists, because the server must run as a QCoreApplication without a display.
#include "doctor.h"
#include "servermain.h"

#ifdef ACDESK_WITH_GUI
#include "guimain.h"
#include <QGuiApplication>
#endif

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>
#include <cstring>

namespace {

void printTopLevelHelp()
{
    QTextStream out(stdout);
    out << "Usage: acdesk MODE [options]\n\n"
           "Acdesk " ACDESK_VERSION " - contact-center suite\n\n"
           "Modes:\n"
           "  agent        desktop agent client\n"
           "  wallboard    wallboard (use --kiosk on a TV)\n"
           "  server       the ACD server (add --headless on a box without display)\n"
           "  demo         server, simulated calls, agent and wallboard windows; zero config\n"
           "  supervisor   supervisor console: floor, agent actions, broadcasts, callbacks, "
           "reports\n"
           "  sip-gateway  the SIP gateway alone, connected to a server (docs/telephony.md)\n"
           "  report       CSV reports from a server's stored call records\n"
           "  replay       what-if: a period's stored calls again with another config\n"
           "  passwd       print a password hash for the config file\n"
           "  doctor       check the connection to a server step by step (URL)\n\n"
           "Options:\n"
           "  -h, --help     show this help (acdesk MODE --help for a mode's options)\n"
           "  -v, --version  show the version\n";
}

bool hasArg(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], name) == 0)
            return true;
    return false;
}

bool displayAvailable()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY") ||
           qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

} // namespace

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (argc < 2 || std::strcmp(mode, "-h") == 0 || std::strcmp(mode, "--help") == 0 ||
        std::strcmp(mode, "help") == 0) {
        printTopLevelHelp();
        return argc < 2 ? 1 : 0;
    }
    if (std::strcmp(mode, "-v") == 0 || std::strcmp(mode, "--version") == 0) {
        std::printf("acdesk %s\n", ACDESK_VERSION);
        return 0;
    }

    if (std::strcmp(mode, "report") == 0) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("acdesk"));
        QCoreApplication::setOrganizationName(QStringLiteral("acdesk"));
        return acdesk::runReportMode(app);
    }
    if (std::strcmp(mode, "replay") == 0) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("acdesk"));
        QCoreApplication::setOrganizationName(QStringLiteral("acdesk"));
        return acdesk::runReplayMode(app);
    }
    if (std::strcmp(mode, "passwd") == 0) {
        QCoreApplication app(argc, argv);
        return acdesk::runPasswdMode(app);
    }
    if (std::strcmp(mode, "doctor") == 0) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("acdesk"));
        QCoreApplication::setOrganizationName(QStringLiteral("acdesk"));
        QCoreApplication::setApplicationVersion(QStringLiteral(ACDESK_VERSION));
        return acdesk::runDoctorMode(app);
    }
    if (std::strcmp(mode, "sip-gateway") == 0) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("acdesk"));
        QCoreApplication::setOrganizationName(QStringLiteral("acdesk"));
        return acdesk::runSipGatewayMode(app);
    }
    const bool serverLike = std::strcmp(mode, "server") == 0 || std::strcmp(mode, "demo") == 0;
    bool headless = hasArg(argc, argv, "--headless") || hasArg(argc, argv, "--help") ||
                    hasArg(argc, argv, "-h");
#ifndef ACDESK_WITH_GUI
    headless = true;
#endif
    if (serverLike && !headless && !displayAvailable())
        headless = true; // a box without display still gets a working server or demo

    if (serverLike && headless) {
        // The glib dispatcher costs the server about twice the CPU per message
        // (architecture notes, pitfall 7); it must be off before the app exists.
        qputenv("QT_NO_GLIB", "1");
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("acdesk"));
        QCoreApplication::setOrganizationName(QStringLiteral("acdesk"));
        QCoreApplication::setApplicationVersion(QStringLiteral(ACDESK_VERSION));
        return acdesk::runServerMode(app, QString::fromLatin1(mode), true);
    }
#ifdef ACDESK_WITH_GUI
    if (std::strcmp(mode, "agent") == 0 || std::strcmp(mode, "wallboard") == 0 ||
        std::strcmp(mode, "supervisor") == 0 || serverLike) {
        QGuiApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("acdesk"));
        QCoreApplication::setOrganizationName(QStringLiteral("acdesk"));
        QCoreApplication::setApplicationVersion(QStringLiteral(ACDESK_VERSION));
        if (serverLike)
            return acdesk::runServerMode(app, QString::fromLatin1(mode), false);
        return acdesk::gui::run(app, QString::fromLatin1(mode));
    }
#endif
    std::fprintf(stderr, "acdesk: unknown mode '%s' (see acdesk --help)\n", mode);
    return 2;
}
