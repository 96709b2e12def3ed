import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Window
import Acdesk.Core

// The wallboard: queue tiles that turn amber/red at the server's thresholds, an agent
// grid with time in state, broadcasts, a clock and the connection state. Pages rotate
// when the queues do not fit.
ApplicationWindow {
    id: window
    width: 1920
    height: 1080
    visible: true
    color: Theme.background
    title: qsTr("Acdesk wallboard")

    property alias feed: feed
    property bool kiosk: false
    property int pageSeconds: 10
    property int tilesPerPage: Math.max(1, Math.floor(width / 560) * 2)
    property int page: 0
    readonly property int pageCount: Math.max(1, Math.ceil(feed.queues.length / tilesPerPage))
    property double now: Date.now()

    WallboardFeed { id: feed }

    Timer { interval: 1000; running: true; repeat: true; onTriggered: window.now = Date.now() }
    Timer {
        objectName: "pageTimer"
        interval: window.pageSeconds * 1000; running: window.pageCount > 1; repeat: true
        onTriggered: window.page = (window.page + 1) % window.pageCount
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 16
        spacing: 12
        RowLayout {
            Layout.fillWidth: true
            Label { text: "Acdesk"; color: Theme.text; font.pixelSize: 28; font.bold: true }
            Rectangle {
                radius: 6; color: feed.live ? Theme.green : Theme.red
                implicitWidth: connLabel.implicitWidth + 16; implicitHeight: connLabel.implicitHeight + 6
                Label { id: connLabel; anchors.centerIn: parent; color: "white"
                    text: feed.live ? qsTr("live") : qsTr("offline") }
            }
            Label { visible: window.pageCount > 1; color: Theme.dim
                text: qsTr("page %1 of %2").arg(window.page + 1).arg(window.pageCount) }
            Item { Layout.fillWidth: true }
            Label { objectName: "clock"; color: Theme.text; font.pixelSize: 32
                text: Qt.formatTime(new Date(window.now), "hh:mm:ss") }
        }
        Label {
            objectName: "ticker"
            Layout.fillWidth: true
            visible: feed.message.text !== undefined
            text: feed.message.text || ""
            font.pixelSize: 26
            color: feed.message.severity === "alert" ? Theme.red : feed.message.severity === "warning" ? Theme.amber : Theme.text
        }
        GridLayout {
            Layout.fillWidth: true
            columns: Math.max(1, Math.floor(window.width / 560))
            columnSpacing: 12
            rowSpacing: 12
            Repeater {
                model: feed.queues.slice(window.page * window.tilesPerPage, (window.page + 1) * window.tilesPerPage)
                QueueTile {
                    required property var modelData
                    Layout.fillWidth: true
                    queue: modelData
                    elapsedMs: window.now - feed.receivedAtMs
                }
            }
        }
        Flow {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 8
            Repeater {
                model: feed.agents.filter(a => a.state !== "logged_out")
                AgentCard { required property var modelData; agent: modelData; now: window.now }
            }
        }
    }

    Rectangle {
        objectName: "reconnectOverlay"
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: 48
        visible: !feed.live
        color: Theme.red
        Label { anchors.centerIn: parent; color: "white"; font.pixelSize: 22
            text: qsTr("Connection to the server lost – reconnecting…") }
    }
}
