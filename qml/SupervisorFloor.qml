import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Acdesk.Core

// The floor: queue tiles as on the wallboard, and every agent with the supervisor's
// actions (ready, not ready with a reason, log out), each behind a confirmation.
Item {
    id: floor
    required property SupervisorSession session
    property double now: Date.now()
    readonly property double elapsedMs: session.statsReceivedAtMs > 0 ? Math.max(0, now - session.statsReceivedAtMs) : 0
    readonly property int tileColumns: Math.max(1, Math.min(session.queues.count, Math.floor(width / 420)))

    /** @brief Asks for confirmation of @p action ("ready", "not_ready", "logout") on @p agent. */
    function confirm(action, agent) {
        confirmDialog.action = action
        confirmDialog.agent = agent
        confirmDialog.open()
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true
        ColumnLayout {
            width: floor.width - 12
            spacing: 10
            GridLayout {
                objectName: "queueTiles"
                Layout.fillWidth: true
                columns: floor.tileColumns
                columnSpacing: 10
                rowSpacing: 10
                Repeater {
                    model: floor.session.queues
                    QueueTile {
                        required property var model
                        objectName: "tile_" + (queue.id || "")
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        Layout.alignment: Qt.AlignTop
                        unit: 0.5
                        queue: model
                        elapsedMs: floor.elapsedMs
                    }
                }
            }

            Label { text: qsTr("Agents"); color: Theme.text; font.pixelSize: 20; font.bold: true }
            // The model keeps the rows (and a button under the mouse) alive across stats
            // events: only their data changes.
            Repeater {
                model: floor.session.agents
                Rectangle {
                    id: agentRow
                    required property int index
                    required property var model
                    readonly property var modelData: model
                    readonly property string agentId: modelData.id || ""
                    readonly property string agentState: modelData.state || "logged_out"
                    objectName: "agent_" + agentId
                    Layout.fillWidth: true
                    implicitHeight: 44
                    radius: 4
                    color: index % 2 ? Theme.tile : Qt.darker(Theme.tile, 1.15)
                    opacity: modelData.connected === false && agentState !== "logged_out" ? 0.6 : 1
                    RowLayout {
                        anchors.fill: parent
                        anchors.leftMargin: 10
                        anchors.rightMargin: 10
                        spacing: 10
                        Rectangle { width: 12; height: 12; radius: 6; color: Theme.stateColor(agentRow.agentState) }
                        Label { text: agentRow.modelData.name || agentRow.agentId; color: Theme.text; font.bold: true
                            Layout.preferredWidth: 170; elide: Text.ElideRight }
                        Label {
                            objectName: "stateText"
                            Layout.preferredWidth: 260
                            elide: Text.ElideRight
                            color: Theme.dim
                            text: Theme.stateLabel(agentRow.agentState)
                                  + (agentRow.modelData.reason ? " (" + agentRow.modelData.reason + ")" : "")
                                  + (agentRow.agentState !== "logged_out" && agentRow.modelData.since
                                     ? " · " + Theme.waitDuration(floor.now - Date.parse(agentRow.modelData.since)) : "")
                                  + (agentRow.modelData.pending ? " → " + Theme.stateLabel(agentRow.modelData.pending.state) : "")
                                  + (agentRow.modelData.connected === false && agentRow.agentState !== "logged_out" ? " · " + qsTr("disconnected") : "")
                        }
                        Label { color: Theme.dim; text: qsTr("%n call(s)", "", agentRow.modelData.answeredToday || 0)
                            Layout.preferredWidth: 80 }
                        Label { color: Theme.dim; text: (agentRow.modelData.queues || []).join(", ")
                            Layout.fillWidth: true; elide: Text.ElideRight }
                        Button {
                            objectName: "ready_" + agentRow.agentId
                            text: qsTr("Ready")
                            enabled: floor.session.live && agentRow.agentState !== "logged_out" && agentRow.agentState !== "ready"
                            onClicked: floor.confirm("ready", agentRow.modelData)
                        }
                        Button {
                            objectName: "notReady_" + agentRow.agentId
                            text: qsTr("Not ready…")
                            enabled: floor.session.live && agentRow.agentState !== "logged_out"
                            onClicked: floor.confirm("not_ready", agentRow.modelData)
                        }
                        Button {
                            objectName: "logout_" + agentRow.agentId
                            text: qsTr("Log out")
                            enabled: floor.session.live && agentRow.agentState !== "logged_out"
                                     && agentRow.agentState !== "on_call" && agentRow.agentState !== "ringing"
                            onClicked: floor.confirm("logout", agentRow.modelData)
                        }
                    }
                }
            }
            Label {
                visible: floor.session.agents.count === 0
                text: qsTr("No agents configured")
                color: Theme.dim
            }
        }
    }

    Dialog {
        id: confirmDialog
        objectName: "confirmDialog"
        property string action: ""
        property var agent: ({})
        readonly property string agentName: agent.name || agent.id || ""
        modal: true
        anchors.centerIn: Overlay.overlay
        width: 420
        title: action === "ready" ? qsTr("Set agent ready?")
             : action === "not_ready" ? qsTr("Set agent not ready?")
             : qsTr("Log agent out?")
        onAboutToShow: reasonPicker.currentIndex = 0

        ColumnLayout {
            anchors.fill: parent
            spacing: 8
            Label {
                objectName: "confirmText"
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                text: confirmDialog.action === "ready" ? qsTr("%1 will be offered calls at once.").arg(confirmDialog.agentName)
                    : confirmDialog.action === "not_ready" ? qsTr("%1 will receive no calls until set ready again.").arg(confirmDialog.agentName)
                    : qsTr("%1 will be logged out. The agent's application stays open but signed off.").arg(confirmDialog.agentName)
            }
            Label { visible: confirmDialog.action === "not_ready"; text: qsTr("Reason") }
            ComboBox {
                id: reasonPicker
                objectName: "reasonPicker"
                visible: confirmDialog.action === "not_ready"
                Layout.fillWidth: true
                textRole: "label"
                valueRole: "code"
                // Without a reason the server records "supervisor".
                model: {
                    var choices = [{ code: "", label: qsTr("Supervisor (no reason)") }]
                    for (var i = 0; i < floor.session.reasons.count; ++i) {
                        var r = floor.session.reasons.get(i)
                        choices.push({ code: r.code, label: r.label || r.code })
                    }
                    return choices
                }
            }
        }
        footer: DialogButtonBox {
            Button { objectName: "confirmOk"; text: qsTr("Confirm"); DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole }
            Button { objectName: "confirmCancel"; text: qsTr("Cancel"); DialogButtonBox.buttonRole: DialogButtonBox.RejectRole }
        }
        onAccepted: {
            if (action === "ready")
                floor.session.setAgentState(agent.id, "ready", "")
            else if (action === "not_ready")
                floor.session.setAgentState(agent.id, "not_ready", reasonPicker.currentValue || "")
            else if (action === "logout")
                floor.session.logoutAgent(agent.id)
        }
    }
}
