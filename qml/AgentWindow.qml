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
    title: agentSession.agentName ? qsTr("Acdesk agent – %1").arg(agentSession.agentName) : qsTr("Acdesk agent")

    property alias session: agentSession
    property string defaultUrl: "ws://127.0.0.1:8080/ws"

    AgentSession {
        id: agentSession
        onIncomingCall: { window.raise(); window.requestActivate() }
    }

    Loader {
        anchors.fill: parent
        sourceComponent: agentSession.status === "offline" || agentSession.agentId === "" ? loginView : deskView
    }
    Component { id: loginView; AgentLogin { session: agentSession; defaultUrl: window.defaultUrl } }
    Component { id: deskView; AgentDesk { session: agentSession } }
}
