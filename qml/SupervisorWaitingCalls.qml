import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Acdesk.Core

// The calls waiting in each queue (stats `calls`, feature "waitingCalls"): caller, wait
// (ticking between two stats events), priority, state and the data the gateway attached.
Item {
    id: page
    required property SupervisorSession session
    property double now: Date.now()
    readonly property double elapsedMs: session.statsReceivedAtMs > 0 ? Math.max(0, now - session.statsReceivedAtMs) : 0

    function dataText(data) {
        if (!data) return ""
        var parts = []
        for (var k in data)
            parts.push(k + ": " + (typeof data[k] === "object" ? JSON.stringify(data[k]) : data[k]))
        return parts.join(", ")
    }
    function stateText(c) {
        var s = c.state === "offered" ? qsTr("ringing") : c.state === "queued" ? qsTr("queued") : c.state
        return c.callback ? qsTr("%1, call back").arg(s) : s
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true
        ColumnLayout {
            width: page.width - 12
            spacing: 12
            Label {
                objectName: "noWaitingCalls"
                visible: page.session.waitingCalls.count === 0
                text: qsTr("No calls are waiting.")
                color: Theme.dim
                font.pixelSize: 18
            }
            Repeater {
                model: page.session.queues
                ColumnLayout {
                    id: queueBlock
                    required property var model
                    readonly property string queueId: model.id
                    // In serving order (priority, then wait), kept by the session.
                    readonly property RowModel calls: page.session.waitingCallsOf(queueId)
                    objectName: "waiting_" + queueId
                    visible: calls.count > 0
                    Layout.fillWidth: true
                    spacing: 2
                    Label {
                        text: qsTr("%1 – %2 waiting").arg(queueBlock.model.name || queueBlock.queueId).arg(queueBlock.calls.count)
                        color: Theme.text; font.pixelSize: 18; font.bold: true
                    }
                    SupervisorTable {
                        Layout.fillWidth: true
                        rowPrefix: "call_"
                        rows: queueBlock.calls
                        columns: [
                            { title: qsTr("Caller"), width: 260, text: c => (c.caller.name ? c.caller.name + " " : "") + c.caller.number },
                            { title: qsTr("Wait"), width: 90, text: c => Theme.waitDuration((c.waitedMs || 0) + page.elapsedMs) },
                            { title: qsTr("Priority"), width: 80, text: c => String(c.priority || 0) },
                            { title: qsTr("State"), width: 140, text: c => page.stateText(c) },
                            { title: qsTr("Hotline"), width: 180, text: c => c.hotline ? (c.hotline.name || c.hotline.number) : "" },
                            { title: qsTr("Attached data"), width: 360, text: c => page.dataText(c.data) }
                        ]
                        // Virtual hold: the caller is called back and keeps the place.
                        actionText: qsTr("Call back")
                        actionEnabled: c => !c.callback
                        onActionTriggered: c => page.session.callBack(c.id)
                        // The page the agent's desk opens for the call (screen-pop).
                        linkText: qsTr("Customer record")
                        linkUrl: c => c.screenPop && c.screenPop.url ? c.screenPop.url : ""
                    }
                }
            }
        }
    }
}
