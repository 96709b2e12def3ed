import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Acdesk.Core

// Reports from the server's stored call records and agent state log (report.get): per
// queue and day, an hourly chart, and per agent and day; exported as the server's CSV.
Item {
    id: page
    required property SupervisorSession session
    /** @brief True while the tab is shown: the first showing loads today's report. */
    property bool active: false
    property bool loadedOnce: false
    property string chartQueue: "" // empty: all queues
    readonly property var dayRows: session.reportQueues.filter(r => r.hour === null || r.hour === undefined)
    readonly property var hourRows: session.reportQueues.filter(r => r.hour !== null && r.hour !== undefined)
    readonly property var hours: {
        var h = []
        for (var i = 0; i < 24; ++i)
            h.push({ offered: 0, answered: 0, abandoned: 0 })
        for (var r of hourRows) {
            if (chartQueue !== "" && r.queue !== chartQueue)
                continue
            h[r.hour].offered += r.offered
            h[r.hour].answered += r.answered
            h[r.hour].abandoned += r.abandoned
        }
        return h
    }

    function today() { return Qt.formatDate(new Date(), "yyyy-MM-dd") }
    function validDate(s) { return /^\d{4}-\d{2}-\d{2}$/.test(s) && !isNaN(Date.parse(s)) }
    function load() {
        loadedOnce = true
        session.loadReport(fromField.text, toField.text, hourlyBox.checked)
    }
    function queueName(id) {
        for (var i = 0; i < session.queues.length; ++i)
            if (session.queues[i].id === id)
                return session.queues[i].name || id
        return id
    }
    function agentName(id) {
        for (var i = 0; i < session.agents.length; ++i)
            if (session.agents[i].id === id)
                return session.agents[i].name || id
        return id
    }
    function count(v) { return v === undefined || v === null ? "–" : String(v) }
    function byReason(m) {
        var parts = []
        for (var k in m || {})
            parts.push(k + " " + Theme.duration(m[k]))
        return parts.join(", ")
    }

    onActiveChanged: if (active && !loadedOnce && session.live) load()
    Connections {
        target: page.session
        function onStatusChanged() { if (page.active && !page.loadedOnce && page.session.live) page.load() }
    }
    Component.onCompleted: if (active && session.live) load()

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true
        ColumnLayout {
            width: page.width - 12
            spacing: 10
            RowLayout {
                spacing: 10
                Label { text: qsTr("From"); color: Theme.dim }
                TextField { id: fromField; objectName: "reportFrom"; text: page.today(); inputMask: "9999-99-99"
                    Layout.preferredWidth: 130 }
                Label { text: qsTr("To"); color: Theme.dim }
                TextField { id: toField; objectName: "reportTo"; text: page.today(); inputMask: "9999-99-99"
                    Layout.preferredWidth: 130 }
                CheckBox {
                    id: hourlyBox
                    objectName: "reportHourly"
                    checked: true
                    text: qsTr("Hourly")
                    palette.windowText: Theme.text
                }
                Button {
                    objectName: "reportLoad"
                    text: page.session.reportLoading ? qsTr("Loading…") : qsTr("Show report")
                    enabled: page.session.live && !page.session.reportLoading
                             && page.validDate(fromField.text) && page.validDate(toField.text) && fromField.text <= toField.text
                    onClicked: page.load()
                }
                Item { Layout.preferredWidth: 20 }
                TextField {
                    id: csvPath
                    objectName: "csvPath"
                    Layout.preferredWidth: 360
                    placeholderText: qsTr("CSV file")
                    text: page.session.defaultCsvPath(fromField.text, toField.text)
                }
                Button {
                    objectName: "csvExport"
                    text: qsTr("Export CSV")
                    enabled: page.session.reportCsv !== "" && csvPath.text !== ""
                    onClicked: page.session.saveCsv(csvPath.text)
                }
            }

            Label { text: qsTr("Queues per day"); color: Theme.text; font.pixelSize: 20; font.bold: true }
            Label { visible: page.dayRows.length === 0; color: Theme.dim
                text: page.loadedOnce ? qsTr("No calls in this period.") : qsTr("Choose the days and press Show report.") }
            SupervisorTable {
                objectName: "queueReport"
                visible: page.dayRows.length > 0
                Layout.fillWidth: true
                rowPrefix: "queueRow_"
                rows: page.dayRows
                columns: [
                    { title: qsTr("Day"), width: 110, text: r => r.day },
                    { title: qsTr("Queue"), width: 140, text: r => page.queueName(r.queue) },
                    { title: qsTr("Offered"), width: 80, text: r => page.count(r.offered) },
                    { title: qsTr("Answered"), width: 85, text: r => page.count(r.answered) },
                    { title: qsTr("Abandoned"), width: 90, text: r => page.count(r.abandoned) },
                    { title: qsTr("Short"), width: 60, text: r => page.count(r.shortAbandoned) },
                    { title: qsTr("Service level"), width: 105, text: r => Theme.percent(r.serviceLevel) },
                    { title: qsTr("ASA"), width: 70, text: r => Theme.duration(r.asaMs) },
                    { title: qsTr("AHT"), width: 70, text: r => Theme.duration(r.ahtMs) },
                    { title: qsTr("Abandon rate"), width: 105, text: r => Theme.percent(r.abandonRate) },
                    { title: qsTr("Reachability"), width: 100, text: r => Theme.percent(r.reachability) },
                    { title: qsTr("Longest wait"), width: 100, text: r => Theme.duration(r.longestWaitMs) }
                ]
            }

            RowLayout {
                visible: page.hourRows.length > 0
                spacing: 12
                Label { text: qsTr("Calls per hour"); color: Theme.text; font.pixelSize: 20; font.bold: true }
                ComboBox {
                    objectName: "chartQueue"
                    Layout.preferredWidth: 200
                    textRole: "label"
                    valueRole: "id"
                    model: [{ id: "", label: qsTr("All queues") }].concat(page.session.queues.map(q => ({ id: q.id, label: q.name || q.id })))
                    onActivated: page.chartQueue = currentValue
                }
            }
            SupervisorBarChart {
                objectName: "hourChart"
                visible: page.hourRows.length > 0
                Layout.fillWidth: true
                Layout.preferredHeight: 220
                hours: page.hours
            }

            Label { text: qsTr("Agents per day"); color: Theme.text; font.pixelSize: 20; font.bold: true }
            SupervisorTable {
                objectName: "agentReport"
                Layout.fillWidth: true
                rowPrefix: "agentRow_"
                rows: page.session.reportAgents
                columns: [
                    { title: qsTr("Day"), width: 110, text: r => r.day },
                    { title: qsTr("Agent"), width: 160, text: r => page.agentName(r.agent) },
                    { title: qsTr("Logged in"), width: 90, text: r => Theme.duration(r.loggedInMs) },
                    { title: qsTr("Ready"), width: 80, text: r => Theme.duration(r.readyMs) },
                    { title: qsTr("Talk"), width: 80, text: r => Theme.duration(r.talkMs) },
                    { title: qsTr("Wrap-up"), width: 80, text: r => Theme.duration(r.wrapUpMs) },
                    { title: qsTr("Not ready"), width: 90, text: r => Theme.duration(r.notReadyMs) },
                    { title: qsTr("Not ready by reason"), width: 260, text: r => page.byReason(r.notReadyByReasonMs) },
                    { title: qsTr("Calls handled"), width: 110, text: r => page.count(r.callsHandled) }
                ]
            }
        }
    }
}
