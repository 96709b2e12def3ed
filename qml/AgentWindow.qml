import QtQuick
import QtQuick.Controls
import QtQuick.Window
import Acdesk.Core

ApplicationWindow {
    id: window
    width: 1000
    height: 700
    visible: true
    color: Theme.background
    title: view.session.agentName ? qsTr("Acdesk agent – %1").arg(view.session.agentName) : qsTr("Acdesk agent")

    property alias session: view.session
    property string defaultUrl: "ws://127.0.0.1:8080/ws"

    AgentView {
        id: view
        anchors.fill: parent
        defaultUrl: window.defaultUrl
        // Raise the window and ask the desktop for attention (taskbar flash / urgency hint).
        onRing: { window.raise(); window.requestActivate(); window.alert(0) }
    }
    // A desktop notification with Accept/Reject while the window is behind another one.
    AgentAlerts {
        session: view.session
        window: window
    }
}
