import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One queue: its figures, coloured by the thresholds the server passes on (the rule is
// Theme.levelName, shared with the browser wallboard). Sizes follow `unit` (1 at 1080 p;
// the wallboard raises it while there is room). At unit 1 the smallest text is 22 px.
Rectangle {
    id: tile
    property var queue: ({})
    property double elapsedMs: 0
    property real unit: 1
    readonly property var levels: Theme.queueLevels(queue, elapsedMs)
    readonly property double longestWait: levels.waitMs
    readonly property string level: levels.overall
    readonly property string waitingLevel: levels.waiting
    readonly property string longestWaitLevel: levels.longestWait
    readonly property string serviceLevelLevel: levels.serviceLevel
    readonly property string longestWaitText: Theme.waitDuration(longestWait)
    // Closed by its opening hours (the field is left out while open).
    readonly property bool closed: queue.open === false
    readonly property bool unreachable: !closed && queue.agents !== undefined && queue.agents.loggedIn === 0
    readonly property var forecast: queue.forecast || null
    readonly property var today: queue.today || ({})
    readonly property var agentCounts: queue.agents || ({})

    function count(v) { return v === undefined || v === null ? "–" : String(v) }

    color: Theme.tile
    radius: 12 * unit
    border.width: 6 * unit
    border.color: Theme.levelColor(level)
    // A fixed height per unit (Theme.queueTileHeight): the title line and four rows of
    // figures, each line of a set height. Measured heights went stale in Qt 6.4's nested
    // layouts when the wallboard changed the unit live; a computed one cannot.
    implicitHeight: Theme.queueTileHeight * unit

    // The pulse: while a queue is red its border glows on and off, visible from across
    // the room (opacity only: the offscreen software renderer has no shader effects).
    Rectangle {
        id: glow
        objectName: "pulse"
        anchors.fill: parent
        anchors.margins: -4 * tile.unit
        radius: tile.radius + 4 * tile.unit
        color: "transparent"
        border.width: 8 * tile.unit
        border.color: Theme.red
        opacity: 0
        visible: tile.level === "red"
        SequentialAnimation on opacity {
            running: tile.level === "red"
            loops: Animation.Infinite
            NumberAnimation { from: 0; to: 1; duration: 600; easing.type: Easing.InOutQuad }
            NumberAnimation { from: 1; to: 0; duration: 600; easing.type: Easing.InOutQuad }
        }
    }

    ColumnLayout {
        id: column
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 12 * tile.unit }
        spacing: 4 * tile.unit
        RowLayout {
            Layout.fillWidth: true
            spacing: 12 * tile.unit
            Label {
                objectName: "title"
                text: tile.queue.name || tile.queue.id || ""
                color: Theme.text; font.pixelSize: 34 * tile.unit; font.bold: true
                elide: Text.ElideRight
                Layout.fillWidth: true
                Layout.preferredHeight: 40 * tile.unit
            }
            Rectangle {
                objectName: "unreachable"
                visible: tile.unreachable
                color: Theme.redFill; radius: 6 * tile.unit
                implicitWidth: noAgents.implicitWidth + 16 * tile.unit
                implicitHeight: noAgents.implicitHeight + 6 * tile.unit
                Label { id: noAgents; anchors.centerIn: parent; color: "white"; font.pixelSize: 22 * tile.unit
                    font.bold: true; text: qsTr("no agents logged in") }
            }
            Rectangle {
                objectName: "closed"
                visible: tile.closed
                color: Theme.dim; radius: 6 * tile.unit
                implicitWidth: closedLabel.implicitWidth + 16 * tile.unit
                implicitHeight: closedLabel.implicitHeight + 6 * tile.unit
                Label { id: closedLabel; anchors.centerIn: parent; color: Theme.background
                    font.pixelSize: 22 * tile.unit; font.bold: true; text: qsTr("closed") }
            }
            Label {
                color: Theme.dim; font.pixelSize: 22 * tile.unit
                text: qsTr("offered %1").arg(tile.count(tile.today.offered))
            }
        }
        GridLayout {
            Layout.fillWidth: true
            columns: 4
            columnSpacing: 12 * tile.unit
            rowSpacing: 2 * tile.unit
            Repeater {
                model: [
                    { stat: "waiting", label: qsTr("waiting"), value: tile.count(tile.queue.waiting), level: tile.waitingLevel },
                    { stat: "longestWaitMs", label: qsTr("longest wait"), value: tile.longestWaitText, level: tile.longestWaitLevel },
                    { stat: "serviceLevel", label: qsTr("service level %1 s").arg(tile.queue.slSeconds !== undefined ? tile.queue.slSeconds : "–")
                             .replace(/ s$/, "\u00a0s"), // "20 s" stays on one line
                      value: Theme.percent(tile.today.serviceLevel), level: tile.serviceLevelLevel },
                    { stat: "abandonRate", label: qsTr("abandon rate"), value: Theme.percent(tile.today.abandonRate), level: "" },
                    { stat: "ready", label: qsTr("ready"), value: tile.count(tile.agentCounts.ready), level: "" },
                    { stat: "onCall", label: qsTr("on call"), value: tile.count(tile.agentCounts.onCall), level: "" },
                    { stat: "wrapUp", label: qsTr("wrap-up"), value: tile.count(tile.agentCounts.wrapUp), level: "" },
                    { stat: "notReady", label: qsTr("not ready"), value: tile.count(tile.agentCounts.notReady), level: "" },
                    { stat: "answered", label: qsTr("answered"), value: tile.count(tile.today.answered), level: "" },
                    { stat: "abandoned", label: qsTr("abandoned"), value: tile.count(tile.today.abandoned), level: "" },
                    { stat: "asaMs", label: qsTr("ASA"), value: Theme.duration(tile.today.asaMs), level: "" },
                    { stat: "ahtMs", label: qsTr("AHT"), value: Theme.duration(tile.today.ahtMs), level: "" },
                    { stat: "ewtSeconds", label: qsTr("estimated wait"),
                      value: tile.queue.ewtSeconds === undefined || tile.queue.ewtSeconds === null ? "–" : Theme.duration(tile.queue.ewtSeconds * 1000), level: "" },
                    // Erlang C: the agents the last hour's traffic needs for the target, in
                    // amber while fewer are ready or busy with calls than that.
                    { stat: "agentsNeeded", label: qsTr("agents needed"),
                      value: tile.forecast && tile.forecast.agentsNeeded !== null ? String(tile.forecast.agentsNeeded) : "–",
                      level: tile.forecast && tile.forecast.agentsNeeded !== null
                             && tile.agentCounts.loggedIn - tile.agentCounts.notReady < tile.forecast.agentsNeeded ? "amber" : "" }
                ]
                // A Column, not a layout: Qt 6.4's nested layouts kept a stale, larger
                // height after the fonts shrank (the wallboard resizes tiles live).
                Column {
                    required property var modelData
                    objectName: "stat_" + modelData.stat
                    readonly property string text: modelData.value
                    readonly property string level: modelData.level
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    Layout.preferredHeight: (57 + 26) * tile.unit
                    Label {
                        text: modelData.value
                        height: 57 * tile.unit
                        font.pixelSize: 48 * tile.unit; font.bold: true
                        // Green figures stay white: colour only draws the eye to trouble.
                        color: modelData.level === "red" || modelData.level === "amber" ? Theme.levelColor(modelData.level) : Theme.text
                    }
                    // One line, elided only if the wallboard had no room (its tiles are kept
                    // wide enough for both languages' labels: tests/qml/wallboard).
                    Label { text: modelData.label; color: Theme.dim; font.pixelSize: 22 * tile.unit
                        height: 26 * tile.unit; elide: Text.ElideRight; width: parent.width }
                }
            }
        }
    }
}
