import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Acdesk.Core

// The audit log: who forced what on whom, password and configuration changes, the
// watchdog's repairs. Loaded for a range of days with exact filters; new entries arrive
// live at the top.
Item {
    id: page
    required property SupervisorSession session
    property bool active: false
    function today() { return new Date().toISOString().slice(0, 10) }
    function load() {
        page.session.loadAudit(fromField.text, toField.text, actionField.text.trim(),
                               actorField.text.trim(), targetField.text.trim())
    }
    onActiveChanged: if (active && page.session.audit.count === 0) load()

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        RowLayout {
            spacing: 8
            Label { text: qsTr("From"); color: Theme.dim }
            TextField { id: fromField; objectName: "auditFrom"; text: page.today(); Layout.preferredWidth: 120 }
            Label { text: qsTr("To"); color: Theme.dim }
            TextField { id: toField; objectName: "auditTo"; text: page.today(); Layout.preferredWidth: 120 }
            TextField { id: actionField; objectName: "auditAction"; placeholderText: qsTr("Action, e.g. agent.forceState"); Layout.preferredWidth: 220 }
            TextField { id: actorField; objectName: "auditActor"; placeholderText: qsTr("Who, e.g. supervisor/boss"); Layout.preferredWidth: 200 }
            TextField { id: targetField; objectName: "auditTarget"; placeholderText: qsTr("Whom, e.g. 1001"); Layout.preferredWidth: 160 }
            Button { objectName: "auditLoad"; text: qsTr("Show"); enabled: page.session.live; onClicked: page.load() }
        }
        ListView {
            objectName: "auditList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: page.session.audit
            delegate: Rectangle {
                required property var model
                readonly property var modelData: model
                width: ListView.view.width
                implicitHeight: line.implicitHeight + 8
                color: Theme.tile
                border.color: Theme.background
                Label {
                    id: line
                    anchors.verticalCenter: parent.verticalCenter
                    x: 8
                    width: parent.width - 16
                    elide: Text.ElideRight
                    color: Theme.text
                    text: new Date(modelData.time).toLocaleString(Qt.locale(), Locale.ShortFormat)
                          + "   " + modelData.actor + "   " + modelData.action
                          + (modelData.target ? "   → " + modelData.target : "")
                          + "   " + JSON.stringify(modelData.detail || {})
                }
            }
            Label {
                anchors.centerIn: parent
                visible: parent.count === 0
                text: qsTr("No entries for these days and filters.")
                color: Theme.dim
            }
        }
    }
}
