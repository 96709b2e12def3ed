import QtQuick
import QtQuick.Controls

// One agent on the wallboard: name, state colour, reason, time in state, calls today.
Rectangle {
    property var agent: ({})
    property double now: Date.now()
    width: 300
    height: 64
    radius: 6
    color: Theme.tile
    opacity: agent.connected === false ? 0.5 : 1
    Rectangle { width: parent.width; height: 6; radius: 3; color: Theme.stateColor(agent.state) }
    Column {
        x: 10; y: 12
        Label { text: agent.name || ""; color: Theme.text; font.pixelSize: 18; font.bold: true }
        Label {
            color: Theme.dim; font.pixelSize: 15
            text: Theme.stateLabel(agent.state) + (agent.reason ? " (" + agent.reason + ")" : "")
                  + " · " + Theme.duration(now - Date.parse(agent.since))
                  + " · " + qsTr("%n call(s)", "", agent.answeredToday || 0)
        }
    }
}
