import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Qt.labs.settings
import Acdesk.Core

// The whole supervisor console inside one item: the window hosts it, tests instantiate it.
// A login form until signed in, then the tabs: floor, waiting calls, broadcast, the
// abandoned-callers worklist, reports, the audit log and (for administrators) the
// configuration. The session (C++) holds every figure.
Item {
    id: root
    Component.onCompleted: Theme.paint(palette)
    property alias session: supervisorSession
    property string defaultUrl: "ws://127.0.0.1:8080/ws"
    /** @brief The tab shown: floor, calls, broadcast, worklist, reports, audit or admin. */
    property string currentTab: "floor"
    readonly property var tabs: ["floor", "calls", "broadcast", "worklist", "reports", "audit", "admin"]
    readonly property bool signedIn: supervisorSession.status !== "offline" && supervisorSession.user !== ""
    property double now: Date.now()

    Settings {
        id: settings
        category: "supervisor"
        property string url: ""
        property string user: ""
    }

    SupervisorSession { id: supervisorSession }

    Timer { interval: 1000; running: root.signedIn; repeat: true; onTriggered: root.now = Date.now() }

    function signIn() {
        if (!signInButton.enabled)
            return
        settings.url = urlField.text
        settings.user = userField.text
        supervisorSession.login(urlField.text, userField.text, passwordField.text)
    }
    function statusText(s) {
        switch (s) {
        case "online": return qsTr("live")
        case "reconnecting": return qsTr("reconnecting")
        case "offline": return qsTr("offline")
        default: return qsTr("connecting")
        }
    }

    Rectangle { anchors.fill: parent; color: Theme.background }

    // --- login -------------------------------------------------------------------------
    ColumnLayout {
        objectName: "loginForm"
        visible: !root.signedIn
        anchors.centerIn: parent
        width: Math.min(parent.width - 40, 420)
        spacing: 8
        Label { text: qsTr("Supervisor sign in"); font.pixelSize: 28; color: Theme.text }
        Label { text: qsTr("Server"); color: Theme.dim }
        TextField { id: urlField; objectName: "urlField"; Layout.fillWidth: true
            text: settings.url !== "" ? settings.url : root.defaultUrl }
        Label { text: qsTr("Supervisor ID"); color: Theme.dim }
        TextField { id: userField; objectName: "userField"; Layout.fillWidth: true; focus: true
            text: settings.user }
        Label { text: qsTr("Password"); color: Theme.dim }
        TextField { id: passwordField; objectName: "passwordField"; Layout.fillWidth: true
            echoMode: TextInput.Password; onAccepted: root.signIn() }
        Button {
            id: signInButton
            objectName: "signInButton"
            Layout.fillWidth: true
            text: supervisorSession.status === "offline" ? qsTr("Sign in") : qsTr("Signing in…")
            enabled: supervisorSession.status === "offline" && userField.text !== "" && passwordField.text !== ""
            onClicked: root.signIn()
        }
        Label { objectName: "errorLabel"; text: supervisorSession.lastError; color: Theme.red
            wrapMode: Text.WordWrap; Layout.fillWidth: true }
    }

    // --- console -----------------------------------------------------------------------
    ColumnLayout {
        objectName: "console"
        visible: root.signedIn
        anchors.fill: parent
        anchors.margins: 12
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            Label { text: qsTr("Acdesk supervisor"); color: Theme.text; font.pixelSize: 24; font.bold: true }
            Label { text: supervisorSession.userName; color: Theme.dim; font.pixelSize: 18 }
            Rectangle {
                objectName: "connectionState"
                radius: 4
                color: supervisorSession.live ? Theme.greenFill : supervisorSession.status === "offline" ? Theme.redFill : Theme.amberFill
                implicitWidth: connLabel.implicitWidth + 16
                implicitHeight: connLabel.implicitHeight + 6
                Label { id: connLabel; anchors.centerIn: parent; color: "white"; text: root.statusText(supervisorSession.status) }
            }
            Label {
                objectName: "noticeLabel"
                Layout.fillWidth: true
                text: supervisorSession.notice
                color: supervisorSession.noticeIsError ? Theme.red : Theme.green
                elide: Text.ElideRight
                font.pixelSize: 16
            }
            Label { color: Theme.text; font.pixelSize: 20; text: Qt.formatTime(new Date(root.now), "hh:mm:ss") }
            Button { objectName: "signOutButton"; text: qsTr("Sign out"); onClicked: supervisorSession.logout() }
        }

        // The last broadcast, as agents and wallboards see it.
        Rectangle {
            objectName: "messageBar"
            readonly property string severity: supervisorSession.message.severity || "info"
            visible: (supervisorSession.message.text || "") !== ""
            Layout.fillWidth: true
            implicitHeight: messageText.implicitHeight + 12
            radius: 4
            color: severity === "alert" ? Theme.redFill : severity === "warning" ? Theme.amberFill : Theme.tile
            Label {
                id: messageText
                anchors.verticalCenter: parent.verticalCenter
                x: 10; width: parent.width - 20
                elide: Text.ElideRight
                color: parent.severity === "info" ? Theme.text : "white"
                text: qsTr("Broadcast from %1: %2").arg(supervisorSession.message.from || "").arg(supervisorSession.message.text || "")
            }
        }

        TabBar {
            id: tabBar
            objectName: "tabBar"
            Layout.fillWidth: true
            currentIndex: Math.max(0, root.tabs.indexOf(root.currentTab))
            onCurrentIndexChanged: root.currentTab = root.tabs[currentIndex]
            TabButton { objectName: "tab_floor"; text: qsTr("Floor") }
            TabButton { objectName: "tab_calls"; text: qsTr("Waiting calls (%1)").arg(supervisorSession.waitingCalls.count) }
            TabButton { objectName: "tab_broadcast"; text: qsTr("Broadcast") }
            TabButton {
                objectName: "tab_worklist"
                text: qsTr("Abandoned callers (%1)").arg(supervisorSession.openWorklistCount)
            }
            TabButton { objectName: "tab_reports"; text: qsTr("Reports") }
            TabButton { objectName: "tab_audit"; text: qsTr("Audit log") }
            TabButton { objectName: "tab_admin"; text: qsTr("Administration") }
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabBar.currentIndex
            SupervisorFloor { session: supervisorSession; now: root.now }
            SupervisorWaitingCalls { session: supervisorSession; now: root.now }
            SupervisorBroadcast { session: supervisorSession }
            SupervisorWorklist { session: supervisorSession }
            SupervisorReports { session: supervisorSession; active: root.signedIn && root.currentTab === "reports" }
            SupervisorAudit { session: supervisorSession; active: root.signedIn && root.currentTab === "audit" }
            Item {
                SupervisorAdmin {
                    anchors.fill: parent
                    visible: supervisorSession.isAdmin
                    session: supervisorSession
                }
                Label {
                    anchors.centerIn: parent
                    visible: !supervisorSession.isAdmin
                    color: Theme.dim
                    text: qsTr("Only administrators (supervisors with \"admin\": true in the config) change the configuration here.")
                }
            }
        }
    }
}
