import QtQuick
import QtQuick.Controls
import QtQuick.Window
import Acdesk.Core

// The supervisor console window (`acdesk supervisor`): everything is in SupervisorView.
ApplicationWindow {
    id: window
    Component.onCompleted: Theme.paint(palette)
    width: 1400
    height: 900
    minimumWidth: Theme.supervisorMinWidth
    minimumHeight: Theme.supervisorMinHeight
    visible: true
    color: Theme.background
    title: view.session.userName ? qsTr("Acdesk supervisor – %1").arg(view.session.userName) : qsTr("Acdesk supervisor")

    property alias session: view.session
    property alias currentTab: view.currentTab
    property string defaultUrl: "ws://127.0.0.1:8080/ws"

    SupervisorView {
        id: view
        anchors.fill: parent
        defaultUrl: window.defaultUrl
    }
}
