import QtQuick
import QtQuick.Controls
import Acdesk.Core

// A plain read-only table: `columns` are {title, width, text: function(row)}, `rows` a list
// model of the session (a row reads its roles: row.queue, row.caller.number, ...). Each row
// item is named rowPrefix + index and exposes its cells' texts as `cells`.
Column {
    id: table
    property var columns: []
    property RowModel rows: null
    property string rowPrefix: "row_"
    property int rowHeight: 26
    // An optional button at the end of each row: its text, whether a row offers it, and
    // the signal when pressed.
    property string actionText: ""
    property var actionEnabled: row => true
    signal actionTriggered(var row)
    // An optional link button after it: its text and the page a row opens (empty: none),
    // opened in the desktop's browser.
    property string linkText: ""
    property var linkUrl: row => ""

    // A column is as wide as asked, or as its title (German titles are longer).
    FontMetrics { id: headerMetrics; font.bold: true }
    readonly property var widths: columns.map(c => Math.max(c.width, Math.ceil(headerMetrics.advanceWidth(c.title)) + 12))

    Row {
        Repeater {
            model: table.columns
            Label {
                required property var modelData
                required property int index
                width: table.widths[index]
                text: modelData.title
                color: Theme.dim
                font.bold: true
                elide: Text.ElideRight
                padding: 4
            }
        }
    }
    Repeater {
        model: table.rows
        Rectangle {
            id: rowItem
            required property int index
            required property var model
            readonly property var cells: table.columns.map(c => c.text(rowItem.model))
            objectName: table.rowPrefix + index
            width: Math.max(table.width, cellRow.implicitWidth)
            height: table.rowHeight
            color: index % 2 ? Theme.tile : "transparent"
            Row {
                id: cellRow
                Repeater {
                    model: table.columns.length
                    Label {
                        required property int index
                        width: table.widths[index]
                        height: table.rowHeight
                        verticalAlignment: Text.AlignVCenter
                        text: rowItem.cells[index] === undefined || rowItem.cells[index] === null ? "" : rowItem.cells[index]
                        color: Theme.text
                        elide: Text.ElideRight
                        leftPadding: 4
                        rightPadding: 4
                    }
                }
                Button {
                    objectName: "action"
                    visible: table.actionText !== "" && table.actionEnabled(rowItem.model)
                    text: table.actionText
                    height: table.rowHeight
                    padding: 2
                    onClicked: table.actionTriggered(rowItem.model)
                }
                Button {
                    objectName: "link"
                    visible: table.linkText !== "" && table.linkUrl(rowItem.model) !== ""
                    text: table.linkText
                    height: table.rowHeight
                    padding: 2
                    onClicked: Qt.openUrlExternally(table.linkUrl(rowItem.model))
                }
            }
        }
    }
}
