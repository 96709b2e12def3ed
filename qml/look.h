#pragma once

// The one look of every Acdesk window: Qt Quick Controls' Fusion style, painted with the
// dark palette of Theme.qml (Theme.paint), so buttons, fields, boxes and menus match the
// dark views and show hover and keyboard focus. The application and the view tests call
// it before the first QML engine exists.

namespace acdesk::views {

/** @brief Chooses the Fusion style. */
void applyLook();

} // namespace acdesk::views
