import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Acdesk.Core

Rectangle {
    id: root
    color: Theme.background
    required property AgentSession session
    property string defaultUrl

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 40, 420)
        spacing: 8
        Label { text: qsTr("Sign in"); font.pixelSize: 28; color: Theme.text }
        Label { text: qsTr("Server"); color: Theme.dim }
        TextField { id: url; objectName: "urlField"; Layout.fillWidth: true; text: root.defaultUrl }
        Label { text: qsTr("Agent ID"); color: Theme.dim }
        TextField { id: agent; objectName: "agentField"; Layout.fillWidth: true; focus: true }
        Label { text: qsTr("Password"); color: Theme.dim }
        TextField { id: password; objectName: "passwordField"; Layout.fillWidth: true; echoMode: TextInput.Password
            onAccepted: signIn.clicked() }
        Label { text: qsTr("Station (phone extension)"); color: Theme.dim }
        TextField { id: station; objectName: "stationField"; Layout.fillWidth: true }
        Button {
            id: signIn
            objectName: "signInButton"
            text: session.status === "offline" ? qsTr("Sign in") : qsTr("Signing in…")
            enabled: session.status === "offline" && agent.text !== "" && password.text !== ""
            Layout.fillWidth: true
            onClicked: session.login(url.text, agent.text, password.text, station.text)
        }
        Label {
            objectName: "errorLabel"
            text: session.lastError
            color: Theme.red
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
    }
}
