import QtQuick
import QtQuick.Controls
import QtQuick.Window
import QtQuick.Layouts
import Qt.labs.settings
import Acdesk.Core

ApplicationWindow {
    id: window
    Component.onCompleted: Theme.paint(palette)
    width: 1100
    height: 720
    minimumWidth: Theme.agentMinWidth
    minimumHeight: Theme.agentMinHeight
    visible: true
    color: Theme.background
    title: view.session.agentName ? qsTr("Acdesk agent – %1").arg(view.session.agentName) : qsTr("Acdesk agent")

    property alias session: view.session
    property string defaultUrl: "ws://127.0.0.1:8080/ws"

    AgentView {
        id: view
        anchors.fill: parent
        defaultUrl: window.defaultUrl
        // Raise the window and ask the desktop for attention (taskbar flash / urgency hint).
        onRing: { window.raise(); window.requestActivate(); window.alert(0) }
    }
    // The ring while an offer rings; a desktop notification with Accept/Reject while the
    // window is behind another one.
    AgentAlerts {
        id: alerts
        session: view.session
        window: window
    }
    // The sound settings, kept between runs.
    Settings {
        category: "sound"
        property alias ringTone: alerts.ringTone
        property alias ringVolume: alerts.ringVolume
        property alias ringDevice: alerts.ringDevice
        property alias notifications: alerts.notifications
    }

    footer: Rectangle {
        implicitHeight: footerRow.implicitHeight + 8
        color: Theme.tile
        RowLayout {
            id: footerRow
            anchors.fill: parent
            anchors.margins: 4
            Label {
                objectName: "doNotDisturbLabel"
                visible: alerts.doNotDisturb
                leftPadding: 8
                color: Theme.amber
                text: qsTr("Do not disturb is on: no desktop notifications")
            }
            Item { Layout.fillWidth: true }
            Button {
                objectName: "soundButton"
                text: qsTr("Sound and notifications…")
                onClicked: soundPopup.open()
            }
        }
    }

    Popup {
        id: soundPopup
        objectName: "soundPopup"
        anchors.centerIn: Overlay.overlay
        modal: true
        padding: 16
        GridLayout {
            columns: 2
            rowSpacing: 8
            columnSpacing: 12
            Label { text: qsTr("Ring tone") }
            ComboBox {
                objectName: "ringToneBox"
                Layout.preferredWidth: 280
                model: alerts.ringTones()
                textRole: "label"
                valueRole: "code"
                currentIndex: Math.max(0, indexOfValue(alerts.ringTone))
                onActivated: alerts.ringTone = currentValue
            }
            Label { text: qsTr("Volume") }
            Slider {
                objectName: "ringVolumeSlider"
                Layout.preferredWidth: 280
                from: 0; to: 1
                value: alerts.ringVolume
                onMoved: alerts.ringVolume = value
            }
            Label { text: qsTr("Output") }
            ComboBox {
                objectName: "ringDeviceBox"
                Layout.preferredWidth: 280
                model: alerts.outputDevices()
                textRole: "name"
                valueRole: "id"
                currentIndex: Math.max(0, indexOfValue(alerts.ringDevice))
                onActivated: alerts.ringDevice = currentValue
            }
            Label { text: qsTr("Notifications") }
            CheckBox {
                objectName: "notificationsBox"
                text: qsTr("Desktop notifications while the window is in the background")
                checked: alerts.notifications
                onToggled: alerts.notifications = checked
            }
            Button { text: qsTr("Test"); onClicked: alerts.playTest() }
            Button { text: qsTr("Close"); Layout.alignment: Qt.AlignRight; onClicked: soundPopup.close() }
        }
    }
}
