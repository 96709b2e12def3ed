import QtQuick
import QtQuick.Controls

// A toast in the top right corner of the agent window, gone after a few seconds.
Rectangle {
    id: toast
    property string title
    property string body
    function show(t, b) { title = t; body = b; visible = true; hide.restart() }

    anchors.bottom: parent.bottom
    anchors.right: parent.right
    anchors.margins: 16
    width: 280
    height: col.implicitHeight + 20
    radius: 6
    visible: false
    z: 100
    color: Theme.blueFill
    Column {
        id: col
        anchors.fill: parent
        anchors.margins: 10
        Label { text: toast.title; color: "white"; font.bold: true }
        Label { text: toast.body; color: "white"; font.pixelSize: 18 }
    }
    Timer { id: hide; interval: 6000; onTriggered: toast.visible = false }
    MouseArea { anchors.fill: parent; onClicked: toast.visible = false }
}
