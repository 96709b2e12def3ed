#pragma once

#include <QString>

#include <memory>

class QGuiApplication;
class QObject;

namespace acdesk::server {
class Server;
}

namespace acdesk::gui {
/** @brief Runs `acdesk agent` or `acdesk wallboard` with its own options. */
int run(QGuiApplication &app, const QString &mode);
/** @brief Windows of `acdesk server` (status) or `acdesk demo` (agent + wallboard). */
std::unique_ptr<QObject> openServerWindows(server::Server *server, bool demo);
} // namespace acdesk::gui
