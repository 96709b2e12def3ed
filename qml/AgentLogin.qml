import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Acdesk.Core

Rectangle {
    id: root
    color: Theme.background
    required property AgentSession session
    property string defaultUrl
    // Remembered login (Qt.labs.settings in AgentView); never the password.
    property QtObject settings: null

    function signIn() {
        if (!signInButton.enabled)
            return
        if (settings) {
            settings.url = url.text
            settings.agent = agent.text
            settings.station = station.text
            settings.stayLoggedIn = stay.checked
            if (!stay.checked)
                settings.token = ""
        }
        session.login(url.text, agent.text, password.text, station.text)
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 40, 420)
        spacing: 8
        Label { objectName: "signInTitle"; text: qsTr("Sign in"); font.pixelSize: 28; color: Theme.text }
        Label { text: qsTr("Server"); color: Theme.dim }
        TextField { id: url; objectName: "urlField"; Layout.fillWidth: true
            text: root.settings && root.settings.url !== "" ? root.settings.url : root.defaultUrl }
        Label { text: qsTr("Agent ID"); color: Theme.dim }
        TextField { id: agent; objectName: "agentField"; Layout.fillWidth: true; focus: true
            text: root.settings ? root.settings.agent : "" }
        Label { text: qsTr("Password"); color: Theme.dim }
        TextField { id: password; objectName: "passwordField"; Layout.fillWidth: true; echoMode: TextInput.Password
            onAccepted: root.signIn() }
        Label { text: qsTr("Station (phone extension)"); color: Theme.dim }
        TextField { id: station; objectName: "stationField"; Layout.fillWidth: true
            text: root.settings ? root.settings.station : "" }
        CheckBox { id: stay; objectName: "stayLoggedIn"; text: qsTr("Stay logged in"); palette.windowText: Theme.text
            checked: root.settings ? root.settings.stayLoggedIn : false }
        Button {
            id: signInButton
            objectName: "signInButton"
            text: session.status === "offline" ? qsTr("Sign in") : qsTr("Signing in…")
            enabled: session.status === "offline" && agent.text !== "" && password.text !== ""
            Layout.fillWidth: true
            onClicked: root.signIn()
        }
        Label {
            objectName: "errorLabel"
            text: session.lastError
            color: Theme.red
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        // The connection doctor, step by step, with a fix for each failure.
        Button {
            objectName: "testConnectionButton"
            text: doctor.running ? qsTr("Testing…") : qsTr("Test connection")
            enabled: !doctor.running && url.text !== ""
            Layout.fillWidth: true
            onClicked: doctor.start(url.text)
        }
        Repeater {
            model: doctor.steps
            Label {
                required property var modelData
                required property int index
                objectName: "doctorStep" + index
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                color: modelData.ok ? Theme.green : Theme.red
                text: (modelData.ok ? "✓ " : "✗ ") + modelData.title + ": " + modelData.detail
                      + (!modelData.ok && modelData.fix ? " – " + modelData.fix : "")
            }
        }
    }
    ConnectionDoctor { id: doctor }
}
