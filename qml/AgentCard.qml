import QtQuick
import QtQuick.Controls

// One agent on the wallboard: name, state colour, reason, time in state, calls today.
// `now` ticks every second, so time in state advances between two stats events.
Rectangle {
    id: card
    property var agent: ({})
    property double now: Date.now()
    property real unit: 1
    readonly property string timeInState: agent.since ? Theme.waitDuration(now - Date.parse(agent.since)) : "–"
    width: 300 * unit
    height: 68 * unit
    radius: 6 * unit
    color: Theme.tile
    opacity: agent.connected === false ? 0.5 : 1
    Rectangle { width: parent.width; height: 6 * card.unit; radius: 3 * card.unit; color: Theme.stateColor(card.agent.state) }
    Column {
        x: 10 * card.unit; y: 12 * card.unit
        width: card.width - 20 * card.unit
        Label { width: parent.width; text: card.agent.name || ""; color: Theme.text; font.pixelSize: 19 * card.unit
            font.bold: true; elide: Text.ElideRight }
        Label {
            objectName: "stateLine"
            width: parent.width
            elide: Text.ElideRight
            color: Theme.dim; font.pixelSize: 16 * card.unit
            text: Theme.stateLabel(card.agent.state) + (card.agent.reason ? " (" + card.agent.reason + ")" : "")
                  + " · " + card.timeInState
                  + " · " + qsTr("%n call(s)", "", card.agent.answeredToday || 0)
        }
    }
}
