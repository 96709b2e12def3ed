import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Acdesk.Core

// The broadcast composer: a message to every agent, wallboard and supervisor, as info,
// warning or alert (wallboards colour it: alert red, warning amber).
Item {
    id: page
    required property SupervisorSession session
    readonly property int maxLength: 1000
    property string severity: "info"

    ColumnLayout {
        width: Math.min(page.width - 20, 720)
        spacing: 10
        Label { text: qsTr("Message to agents and wallboards"); color: Theme.text; font.pixelSize: 20; font.bold: true }
        TextArea {
            id: textArea
            objectName: "broadcastText"
            Layout.fillWidth: true
            Layout.preferredHeight: 120
            wrapMode: TextEdit.Wrap
            placeholderText: qsTr("e.g. Network outage in Berlin – expect more calls")
        }
        Label {
            color: textArea.text.length > page.maxLength ? Theme.red : Theme.dim
            text: qsTr("%1 of %2 characters").arg(textArea.text.length).arg(page.maxLength)
        }
        RowLayout {
            spacing: 12
            Label { text: qsTr("Severity"); color: Theme.dim }
            Repeater {
                model: [
                    { code: "info", label: qsTr("Info") },
                    { code: "warning", label: qsTr("Warning") },
                    { code: "alert", label: qsTr("Alert") }
                ]
                RadioButton {
                    required property var modelData
                    objectName: "severity_" + modelData.code
                    checked: page.severity === modelData.code
                    onToggled: if (checked) page.severity = modelData.code
                    text: modelData.label
                    palette.windowText: modelData.code === "alert" ? Theme.red : modelData.code === "warning" ? Theme.amber : Theme.text
                }
            }
        }
        Button {
            objectName: "broadcastSend"
            text: qsTr("Send")
            enabled: page.session.live && textArea.text.trim() !== "" && textArea.text.length <= page.maxLength
            onClicked: {
                page.session.broadcast(textArea.text.trim(), page.severity)
                textArea.text = ""
            }
        }
    }
}
