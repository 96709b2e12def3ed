import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Acdesk.Core

// Today's abandoned callers, newest first: who, which queue, how long they waited, when
// they hung up, whether it was a short abandon, and who called them back when. "Mark
// called back" claims an entry; a second claim is refused by the server (the notice line
// then names who was first).
Item {
    id: page
    required property SupervisorSession session
    property bool showDone: true
    readonly property int shownCount: showDone ? session.worklist.count : session.openWorklistCount
    function timeText(iso) {
        return iso ? Qt.formatTime(new Date(iso), "hh:mm:ss") : ""
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        RowLayout {
            spacing: 12
            Label { text: qsTr("Callers who hung up before an answer, today"); color: Theme.text; font.pixelSize: 20; font.bold: true }
            CheckBox {
                objectName: "showDone"
                checked: page.showDone
                onToggled: page.showDone = checked
                text: qsTr("Show called back")
                palette.windowText: Theme.text
            }
            Button { objectName: "refreshWorklist"; text: qsTr("Refresh"); enabled: page.session.live
                onClicked: page.session.refreshWorklist() }
        }
        Label {
            objectName: "worklistEmpty"
            visible: page.shownCount === 0
            text: qsTr("No abandoned callers.")
            color: Theme.dim
            font.pixelSize: 18
        }
        // header
        Row {
            visible: page.shownCount > 0
            Repeater {
                model: [[qsTr("Number"), 160], [qsTr("Name"), 180], [qsTr("Queue"), 130], [qsTr("Waited"), 80],
                    [qsTr("Hung up"), 110], [qsTr("Short"), 70], [qsTr("Called back by"), 220], ["", 180]]
                Label { required property var modelData; width: modelData[1]; text: modelData[0]; color: Theme.dim
                    font.bold: true; padding: 4 }
            }
        }
        ListView {
            id: list
            objectName: "worklistView"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: page.session.worklist
            delegate: Rectangle {
                id: entryRow
                required property int index
                required property var model
                readonly property var modelData: model
                readonly property bool done: !!modelData.doneBy
                // Called back and hidden: no height, so the list closes up.
                readonly property bool shown: page.showDone || !done
                objectName: "entry_" + modelData.id
                visible: shown
                width: list.width
                height: shown ? 36 : 0
                color: index % 2 ? Theme.tile : "transparent"
                Row {
                    anchors.verticalCenter: parent.verticalCenter
                    Label { width: 160; padding: 4; color: Theme.text; elide: Text.ElideRight; text: entryRow.modelData.caller.number }
                    Label { width: 180; padding: 4; color: Theme.text; elide: Text.ElideRight; text: entryRow.modelData.caller.name || "" }
                    Label { width: 130; padding: 4; color: Theme.text; elide: Text.ElideRight; text: page.session.queueName(entryRow.modelData.queue) }
                    Label { width: 80; padding: 4; color: Theme.text; text: Theme.duration(entryRow.modelData.waitedMs) }
                    Label { width: 110; padding: 4; color: Theme.text; text: page.timeText(entryRow.modelData.abandonedAt) }
                    Label { objectName: "short"; width: 70; padding: 4; color: Theme.amber
                        text: entryRow.modelData.short ? qsTr("short") : "" }
                    Label {
                        objectName: "doneText"
                        width: 220; padding: 4; elide: Text.ElideRight
                        color: Theme.green
                        text: entryRow.done ? qsTr("%1 at %2").arg(entryRow.modelData.doneBy).arg(page.timeText(entryRow.modelData.doneAt)) : ""
                    }
                    Button {
                        objectName: "markDone_" + entryRow.modelData.id
                        height: 30
                        text: entryRow.done ? qsTr("Called back") : qsTr("Mark called back")
                        enabled: page.session.live && !entryRow.done
                        onClicked: page.session.markCalledBack(entryRow.modelData.id)
                    }
                }
            }
        }
    }
}
