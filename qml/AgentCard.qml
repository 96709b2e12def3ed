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
    width: Theme.agentCardWidth * unit
    height: Theme.agentCardHeight * unit
    radius: 6 * unit
    color: Theme.tile
    opacity: agent.connected === false ? 0.5 : 1
    Rectangle { width: parent.width; height: 6 * card.unit; radius: 3 * card.unit; color: Theme.stateColor(card.agent.state) }
    Column {
        x: 12 * card.unit; y: 12 * card.unit
        width: card.width - 24 * card.unit
        Label { width: parent.width; text: card.agent.name || ""; color: Theme.text; font.pixelSize: 26 * card.unit
            font.bold: true; elide: Text.ElideRight }
        Label {
            objectName: "stateLine"
            width: parent.width
            elide: Text.ElideRight
            color: Theme.dim; font.pixelSize: 22 * card.unit
            text: Theme.stateLabel(card.agent.state) + (card.agent.reason ? " (" + card.agent.reason + ")" : "")
                  + " · " + card.timeInState
        }
        Label {
            objectName: "callsLine"
            width: parent.width
            elide: Text.ElideRight
            color: Theme.dim; font.pixelSize: 22 * card.unit
            text: qsTr("%n call(s)", "", card.agent.answeredToday || 0)
        }
    }
}
