#include "look.h"

#include <QQuickStyle>

namespace acdesk::views {

void applyLook()
{
    // Fusion draws every control from the palette, so Theme.paint() (set on each window
    // and view) gives buttons, fields, boxes and menus the dark theme, with visible hover
    // and focus. The platform's palette does not reach Fusion's controls in Qt 6.4, so the
    // palette is set in QML rather than with QGuiApplication::setPalette().
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
}

} // namespace acdesk::views
