import QtQuick
import QtQuick.Controls
import Qt.labs.settings
import Acdesk.Core

// The whole agent client inside one item: the window hosts it, tests instantiate it.
// Login form until signed in, then the desk; remembers the login (not the password) and,
// when asked, the session token ("stay logged in").
Item {
    id: root
    property alias session: agentSession
    property string defaultUrl: "ws://127.0.0.1:8080/ws"
    /** @brief Emitted for an incoming call: the window raises itself and asks for attention. */
    signal ring(var call)

    Settings {
        id: agentSettings
        category: "agent"
        property string url: ""
        property string agent: ""
        property string station: ""
        property bool stayLoggedIn: false
        property string token: ""
        property string language: "" // empty: follow the system
    }

    AgentSession {
        id: agentSession
        onIncomingCall: function(call) {
            notification.show(qsTr("Incoming call"),
                              call.caller ? (call.caller.name || call.caller.number) : "")
            root.ring(call)
        }
        // the toast goes with the offer (accepted, rejected or withdrawn)
        onCallsChanged: if (offer.id === undefined) notification.visible = false
        onStatusChanged: {
            if (status === "online" && agentSettings.stayLoggedIn)
                agentSettings.token = token
        }
    }

    Component.onCompleted: {
        Theme.paint(palette)
        if (agentSettings.language !== "")
            agentSession.setLanguage(agentSettings.language)
        if (agentSettings.stayLoggedIn && agentSettings.token !== "")
            agentSession.resumeToken(agentSettings.url || root.defaultUrl, agentSettings.token)
    }

    Loader {
        anchors.fill: parent
        sourceComponent: agentSession.status === "offline" || agentSession.agentId === "" ? loginView : deskView
    }
    Component {
        id: loginView
        AgentLogin { session: agentSession; defaultUrl: root.defaultUrl; settings: agentSettings }
    }
    Component {
        id: deskView
        AgentDesk {
            session: agentSession
            language: agentSettings.language
            onLanguageSelected: function(code) { agentSettings.language = code; agentSession.setLanguage(code) }
            onSignOut: { agentSettings.token = ""; agentSession.logout() }
        }
    }

    // In-window desktop notification: no notification service is assumed on agent desks
    // (and Qt 6.4 has none built in); the window is raised and alerted instead.
    AgentNotification { id: notification; objectName: "notification" }
}
