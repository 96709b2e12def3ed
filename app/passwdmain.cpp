// acdesk passwd: prints a password hash for the config file's "passwordHash" (Argon2id,
// docs/protocol.md 9.7). The secret is read from the terminal without echo (twice), or
// as one line from stdin when that is not a terminal (scripts, configuration management).
#include "servermain.h"

#include "auth.h"

#include <QCoreApplication>
#include <QString>

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

namespace acdesk {

namespace {

std::string readLine(bool echo)
{
    termios old{};
    const bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty && !echo) {
        termios quiet = old;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty && !echo) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        std::fputs("\n", stderr);
    }
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

} // namespace

int runPasswdMode(QCoreApplication &app)
{
    const QStringList args = app.arguments();
    if (args.contains(QStringLiteral("-h")) || args.contains(QStringLiteral("--help"))) {
        std::printf("%s", qPrintable(QCoreApplication::translate(
                              "main", "Usage: acdesk passwd\n\n"
                                      "Reads a password (without echo on a terminal, else one "
                                      "line from stdin) and prints its hash for "
                                      "\"passwordHash\" in the config file.\n")));
        return 0;
    }
    const bool tty = isatty(STDIN_FILENO);
    if (tty)
        std::fputs(qPrintable(QCoreApplication::translate("main", "Password: ")), stderr);
    const QString first = QString::fromStdString(readLine(false));
    if (tty) {
        std::fputs(qPrintable(QCoreApplication::translate("main", "Again: ")), stderr);
        if (QString::fromStdString(readLine(false)) != first) {
            std::fputs(qPrintable(QCoreApplication::translate(
                           "main", "acdesk: the passwords differ; nothing printed\n")),
                       stderr);
            return 1;
        }
    }
    if (first.isEmpty()) {
        std::fputs(qPrintable(QCoreApplication::translate("main", "acdesk: empty password\n")),
                   stderr);
        return 1;
    }
    const QString hash = server::password::hash(first);
    if (hash.isEmpty())
        return 1;
    std::printf("%s\n", qPrintable(hash));
    return 0;
}

} // namespace acdesk
