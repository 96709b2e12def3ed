import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Acdesk.Core

// The active call to one of my queues, an agent or a number: at once (blind transfer), or
// after talking to them first (consultation: the caller waits on hold).
Popup {
    id: dialog
    objectName: "transferDialog"
    required property AgentSession session
    property alias kind: kindBox.currentIndex // 0 queue, 1 agent, 2 number
    modal: true
    focus: true // Esc closes it (Popup's closePolicy needs the keys)
    anchors.centerIn: Overlay.overlay
    width: 360
    padding: 16
    background: Rectangle { color: Theme.tile; border.color: Theme.blue; radius: 6 }

    function target() {
        return kind === 0 ? (queueBox.currentValue || "") : targetField.text
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        Label { text: qsTr("Transfer or consult"); color: Theme.text; font.pixelSize: 18 }
        ComboBox { id: kindBox; objectName: "transferKind"; Layout.fillWidth: true
            model: [qsTr("Queue"), qsTr("Agent"), qsTr("Number")] }
        ComboBox { id: queueBox; objectName: "transferQueue"; Layout.fillWidth: true
            visible: dialog.kind === 0
            // The model keeps its rows when only the figures change, so the chosen queue stays.
            model: dialog.session.queues; textRole: "name"; valueRole: "id" }
        TextField { id: targetField; objectName: "transferTarget"; Layout.fillWidth: true
            visible: dialog.kind !== 0
            placeholderText: dialog.kind === 1 ? qsTr("Agent ID") : qsTr("Number") }
        RowLayout {
            Button { objectName: "transferConfirm"; text: qsTr("Transfer")
                enabled: dialog.target() !== ""
                onClicked: {
                    dialog.session.transfer(["queue", "agent", "number"][dialog.kind], dialog.target())
                    targetField.text = ""
                    dialog.close()
                } }
            Button { objectName: "consultConfirm"; text: qsTr("Consult first")
                enabled: dialog.target() !== ""
                onClicked: {
                    dialog.session.consult(["queue", "agent", "number"][dialog.kind], dialog.target())
                    targetField.text = ""
                    dialog.close()
                } }
            Button { text: qsTr("Cancel"); onClicked: dialog.close() }
        }
    }
}
