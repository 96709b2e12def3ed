import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One queue: its figures, coloured by the thresholds the server passes on.
Rectangle {
    id: tile
    property var queue: ({})
    property double elapsedMs: 0
    readonly property var th: queue.thresholds || {}
    readonly property double longestWait: queue.waiting > 0 ? queue.longestWaitMs + elapsedMs : 0
    readonly property color waitingColor: Theme.level(queue.waiting, th.waiting ? th.waiting.amber : 3, th.waiting ? th.waiting.red : 6, true)
    readonly property color longestColor: Theme.level(longestWait / 1000, th.longestWaitSeconds ? th.longestWaitSeconds.amber : 60, th.longestWaitSeconds ? th.longestWaitSeconds.red : 120, true)
    readonly property color slColor: queue.today ? Theme.level(queue.today.serviceLevel, th.serviceLevel ? th.serviceLevel.amber : 0.8, th.serviceLevel ? th.serviceLevel.red : 0.6, false) : Theme.tile
    readonly property string level: [waitingColor, longestColor, slColor].indexOf(Theme.red) >= 0 ? "red"
                                    : [waitingColor, longestColor, slColor].indexOf(Theme.amber) >= 0 ? "amber" : "green"
    color: Theme.tile
    radius: 10
    implicitHeight: grid.implicitHeight + 70
    border.width: 6
    border.color: level === "red" ? Theme.red : level === "amber" ? Theme.amber : Theme.green

    SequentialAnimation on opacity {
        running: tile.level === "red"
        loops: Animation.Infinite
        NumberAnimation { to: 0.6; duration: 700 }
        NumberAnimation { to: 1.0; duration: 700 }
        onRunningChanged: if (!running) tile.opacity = 1
    }

    Label { id: title; x: 16; y: 10; text: queue.name || ""; color: Theme.text; font.pixelSize: 30; font.bold: true }
    GridLayout {
        id: grid
        anchors { left: parent.left; right: parent.right; top: title.bottom; margins: 16 }
        columns: 4
        Repeater {
            model: [
                { label: qsTr("waiting"), value: String(queue.waiting), color: tile.waitingColor },
                { label: qsTr("longest wait"), value: Theme.duration(tile.longestWait), color: tile.longestColor },
                { label: qsTr("service level"), value: queue.today ? Theme.percent(queue.today.serviceLevel) : "–", color: tile.slColor },
                { label: qsTr("abandon rate"), value: queue.today ? Theme.percent(queue.today.abandonRate) : "–" },
                { label: qsTr("ready"), value: queue.agents ? String(queue.agents.ready) : "–" },
                { label: qsTr("on call"), value: queue.agents ? String(queue.agents.onCall) : "–" },
                { label: qsTr("wrap-up"), value: queue.agents ? String(queue.agents.wrapUp) : "–" },
                { label: qsTr("not ready"), value: queue.agents ? String(queue.agents.notReady) : "–" },
                { label: qsTr("answered"), value: queue.today ? String(queue.today.answered) : "–" },
                { label: qsTr("abandoned"), value: queue.today ? String(queue.today.abandoned) : "–" },
                { label: qsTr("ASA"), value: queue.today ? Theme.duration(queue.today.asaMs) : "–" },
                { label: qsTr("AHT"), value: queue.today ? Theme.duration(queue.today.ahtMs) : "–" }
            ]
            ColumnLayout {
                required property var modelData
                spacing: 0
                Label { text: modelData.value; font.pixelSize: 40; font.bold: true
                    color: modelData.color !== undefined && modelData.color !== Theme.green && modelData.color !== Theme.tile ? modelData.color : Theme.text }
                Label { text: modelData.label; color: Theme.dim; font.pixelSize: 16 }
            }
        }
    }
}
