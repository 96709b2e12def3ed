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
    // Summed by the session over the days (and the chosen queue) from the hourly rows.
    property var hours: []
    function updateHours() { hours = session.hourTotals(chartQueue) }
    onChartQueueChanged: updateHours()

    function today() { return Qt.formatDate(new Date(), "yyyy-MM-dd") }
    function validDate(s) { return /^\d{4}-\d{2}-\d{2}$/.test(s) && !isNaN(Date.parse(s)) }
    function load() {
        loadedOnce = true
        session.loadReport(fromField.text, toField.text, hourlyBox.checked)
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
        function onReportChanged() { page.updateHours() }
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
            Label { visible: page.session.reportDays.count === 0; color: Theme.dim
                text: page.loadedOnce ? qsTr("No calls in this period.") : qsTr("Choose the days and press Show report.") }
            SupervisorTable {
                objectName: "queueReport"
                visible: page.session.reportDays.count > 0
                Layout.fillWidth: true
                rowPrefix: "queueRow_"
                rows: page.session.reportDays
                columns: [
                    { title: qsTr("Day"), width: 110, text: r => r.day },
                    { title: qsTr("Queue"), width: 140, text: r => page.session.queueName(r.queue) },
                    { title: qsTr("Offered"), width: 80, text: r => page.count(r.offered) },
                    { title: qsTr("Answered"), width: 85, text: r => page.count(r.answered) },
                    { title: qsTr("Abandoned"), width: 90, text: r => page.count(r.abandoned) },
                    { title: qsTr("Short"), width: 60, text: r => page.count(r.shortAbandoned) },
                    { title: qsTr("Service level"), width: 105, text: r => Theme.percent(r.serviceLevel) },
                    { title: qsTr("ASA"), width: 70, text: r => Theme.duration(r.asaMs) },
                    { title: qsTr("AHT"), width: 70, text: r => Theme.duration(r.ahtMs) },
                    { title: qsTr("Abandon rate"), width: 105, text: r => Theme.percent(r.abandonRate) },
                    { title: qsTr("Reachability"), width: 100, text: r => Theme.percent(r.reachability) },
                    { title: qsTr("Longest wait"), width: 100, text: r => Theme.duration(r.longestWaitMs) },
                    // Issue 19: calls while closed, sent away after the maximum wait, and
                    // callbacks asked for / reached / failed.
                    { title: qsTr("Closed"), width: 110, text: r => page.count(r.closed) },
                    { title: qsTr("Timed out"), width: 130, text: r => page.count(r.timedOut) },
                    { title: qsTr("Callback requests"), width: 150, text: r => page.count(r.callbacksRequested) },
                    { title: qsTr("Called back"), width: 130, text: r => page.count(r.callbacksReached) },
                    { title: qsTr("Callbacks failed"), width: 160, text: r => page.count(r.callbacksFailed) }
                ]
            }

            RowLayout {
                visible: page.session.reportHours.count > 0
                spacing: 12
                Label { text: qsTr("Calls per hour"); color: Theme.text; font.pixelSize: 20; font.bold: true }
                ComboBox {
                    objectName: "chartQueue"
                    Layout.preferredWidth: 200
                    textRole: "label"
                    valueRole: "id"
                    model: {
                        var choices = [{ id: "", label: qsTr("All queues") }]
                        for (var i = 0; i < page.session.queues.count; ++i) {
                            var q = page.session.queues.get(i)
                            choices.push({ id: q.id, label: q.name || q.id })
                        }
                        return choices
                    }
                    onActivated: page.chartQueue = currentValue
                }
            }
            SupervisorBarChart {
                objectName: "hourChart"
                visible: page.session.reportHours.count > 0
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
                    { title: qsTr("Agent"), width: 160, text: r => page.session.agentName(r.agent) },
                    { title: qsTr("Logged in"), width: 90, text: r => Theme.duration(r.loggedInMs) },
                    { title: qsTr("Ready"), width: 80, text: r => Theme.duration(r.readyMs) },
                    { title: qsTr("Talk"), width: 80, text: r => Theme.duration(r.talkMs) },
                    { title: qsTr("Wrap-up"), width: 130, text: r => Theme.duration(r.wrapUpMs) },
                    { title: qsTr("Not ready"), width: 90, text: r => Theme.duration(r.notReadyMs) },
                    { title: qsTr("Not ready by reason"), width: 260, text: r => page.byReason(r.notReadyByReasonMs) },
                    { title: qsTr("Calls handled"), width: 150, text: r => page.count(r.callsHandled) }
                ]
            }
        }
    }
}
