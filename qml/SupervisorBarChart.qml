import QtQuick
import QtQuick.Controls

// Offered / answered / abandoned per hour of the day as grouped bars (plain Rectangles:
// no chart module, and it draws the same under the offscreen software renderer).
// `hours` is a list of 24 {offered, answered, abandoned}.
Item {
    id: chart
    property var hours: []
    readonly property int maxValue: Math.max(1, ...hours.map(h => Math.max(h.offered, h.answered, h.abandoned)))
    readonly property var series: [
        { key: "offered", label: qsTr("offered"), color: Theme.blue },
        { key: "answered", label: qsTr("answered"), color: Theme.green },
        { key: "abandoned", label: qsTr("abandoned"), color: Theme.red }
    ]
    readonly property real plotLeft: 36
    readonly property real plotTop: 24
    readonly property real plotHeight: height - plotTop - 22
    readonly property real slot: (width - plotLeft) / 24
    implicitHeight: 220

    // legend
    Row {
        x: chart.plotLeft
        spacing: 16
        Repeater {
            model: chart.series
            Row {
                required property var modelData
                spacing: 4
                Rectangle { width: 12; height: 12; anchors.verticalCenter: parent.verticalCenter; color: parent.modelData.color }
                Label { text: parent.modelData.label; color: Theme.dim }
            }
        }
    }
    // scale: top value and the zero line
    Label { x: 0; y: chart.plotTop - 8; width: chart.plotLeft - 6; horizontalAlignment: Text.AlignRight
        text: chart.maxValue; color: Theme.dim; font.pixelSize: 11 }
    Label { x: 0; y: chart.plotTop + chart.plotHeight - 8; width: chart.plotLeft - 6; horizontalAlignment: Text.AlignRight
        text: "0"; color: Theme.dim; font.pixelSize: 11 }
    Rectangle { x: chart.plotLeft; y: chart.plotTop + chart.plotHeight; width: chart.width - chart.plotLeft; height: 1; color: Theme.dim }
    Rectangle { x: chart.plotLeft; y: chart.plotTop; width: chart.width - chart.plotLeft; height: 1; color: Theme.tile }

    Repeater {
        model: 24
        Item {
            id: hourSlot
            required property int index
            readonly property var figures: chart.hours[index] || ({ offered: 0, answered: 0, abandoned: 0 })
            objectName: "hour_" + index
            x: chart.plotLeft + index * chart.slot
            y: chart.plotTop
            width: chart.slot
            height: chart.plotHeight
            Repeater {
                model: chart.series
                Rectangle {
                    required property var modelData
                    required property int index
                    readonly property int value: hourSlot.figures[modelData.key] || 0
                    width: Math.max(1, (hourSlot.width - 4) / 3)
                    x: 2 + index * width
                    height: hourSlot.height * value / chart.maxValue
                    y: hourSlot.height - height
                    color: modelData.color
                }
            }
            Label {
                visible: hourSlot.index % 2 === 0
                y: hourSlot.height + 4
                width: hourSlot.width
                horizontalAlignment: Text.AlignHCenter
                text: hourSlot.index
                color: Theme.dim
                font.pixelSize: 11
            }
        }
    }
}
