import QtQuick
import QtQuick.Controls
import QtTest
import Acdesk.Views
import AcdeskTest
import Acdesk.Core
import "../audit.js" as Audit

// The supervisor console with the real client core and a real server (TestServer, set up
// in C++ from tests/data/server/api.json: supervisor boss/pwboss, agents a1..a3).
Item {
    id: top
    width: 1400
    height: 900

    Component {
        id: smallestViewComponent
        SupervisorView { width: Theme.supervisorMinWidth; height: Theme.supervisorMinHeight; defaultUrl: TestServer.url }
    }
    // Switches the application's language (the agent session's translator is the app's).
    AgentSession { id: language }
    Component {
        id: viewComponent
        SupervisorView { anchors.fill: parent; defaultUrl: TestServer.url }
    }

    TestCase {
        id: tc
        name: "SupervisorView"
        when: windowShown

        function byName(v, name) {
            var o = findChild(v, name)
            verify(o, "no item named " + name)
            return o
        }
        function click(v, name) {
            var b = byName(v, name)
            tryVerify(function() { return b.visible && b.enabled && b.width > 0 }, 5000, name + " not clickable")
            waitForRendering(b)
            mouseClick(b)
        }
        function signIn(v, user, password) {
            byName(v, "urlField").text = TestServer.url
            byName(v, "userField").text = user
            byName(v, "passwordField").text = password
            click(v, "signInButton")
        }
        function loggedIn() {
            var v = createTemporaryObject(viewComponent, top)
            verify(v)
            signIn(v, "boss", "pwboss")
            tryCompare(v.session, "status", "online", 5000)
            tryVerify(function() { return v.session.agents.count === 3 }, 5000, "no agents")
            tryVerify(function() { return byName(v, "console").visible }, 5000)
            return v
        }
        function showTab(v, tab) {
            click(v, "tab_" + tab)
            tryCompare(v, "currentTab", tab, 2000)
        }
        // The rows of a session's list model as script objects.
        function rowsOf(model) {
            var out = []
            for (var i = 0; i < model.count; ++i)
                out.push(model.get(i))
            return out
        }
        function agentOf(v, id) {
            return v.session.agents.find(id)
        }
        // Clicks an agent's action button and answers the confirmation with OK or Cancel.
        function agentAction(v, button, ok, reason) {
            click(v, button)
            var dialog = byName(v, "confirmDialog")
            tryCompare(dialog, "opened", true, 5000)
            if (reason !== undefined) {
                var picker = byName(v, "reasonPicker")
                verify(picker.visible)
                picker.currentIndex = picker.indexOfValue(reason)
                verify(picker.currentIndex >= 0, "no reason " + reason)
            }
            click(v, ok ? "confirmOk" : "confirmCancel")
            tryCompare(dialog, "visible", false, 5000)
        }
        function today() { return new Date().toISOString().slice(0, 10) } // the server runs in UTC
        function entryFor(v, number) {
            return rowsOf(v.session.worklist).filter(e => e.caller.number === number)[0]
        }

        function cleanup() {
            TestServer.reset()
        }

        function test_1_login() {
            var v = createTemporaryObject(viewComponent, top)
            verify(byName(v, "loginForm").visible)
            verify(!byName(v, "signInButton").enabled)
            signIn(v, "boss", "wrong")
            tryVerify(function() { return byName(v, "errorLabel").text !== "" }, 5000)
            compare(v.session.status, "offline")
            verify(!byName(v, "console").visible)

            byName(v, "passwordField").text = "pwboss"
            click(v, "signInButton")
            tryCompare(v.session, "status", "online", 5000)
            tryVerify(function() { return byName(v, "console").visible }, 5000)
            compare(v.session.userName, "Team Lead")
            // the floor: a tile per queue, a row per agent with its actions
            tryVerify(function() { return findChild(v, "tile_support") !== null && findChild(v, "tile_sales") !== null }, 5000)
            verify(byName(v, "agent_a1").visible)
            verify(!byName(v, "ready_a1").enabled) // logged out: nothing to force
            verify(!byName(v, "logout_a1").enabled)
            compare(v.session.reasons.count, 1)
            compare(v.session.reasons.get(0).code, "break")
        }

        function test_2_floorActions() {
            verify(TestServer.loginAgent("a1"))
            var v = loggedIn()
            tryVerify(function() { return agentOf(v, "a1").state === "not_ready" }, 5000)

            // Ready, confirmed
            agentAction(v, "ready_a1", true)
            tryVerify(function() { return TestServer.agentState("a1") === "ready" }, 5000)
            tryVerify(function() { return agentOf(v, "a1").state === "ready" }, 5000)
            tryVerify(function() { return !byName(v, "ready_a1").enabled }, 5000)
            verify(!v.session.noticeIsError)
            verify(byName(v, "noticeLabel").text.indexOf("Anna Berg") >= 0)

            // Not ready with a reason from the picker
            agentAction(v, "notReady_a1", true, "break")
            tryVerify(function() { return TestServer.agentState("a1") === "not_ready" }, 5000)
            compare(TestServer.agentReason("a1"), "break")
            tryVerify(function() { return agentOf(v, "a1").reason === "break" }, 5000)

            // Cancel changes nothing
            agentAction(v, "ready_a1", false)
            wait(300)
            compare(TestServer.agentState("a1"), "not_ready")

            // Not ready without a reason: the server records "supervisor"
            agentAction(v, "notReady_a1", true, "")
            tryVerify(function() { return TestServer.agentReason("a1") === "supervisor" }, 5000)

            // Log out
            agentAction(v, "logout_a1", true)
            tryVerify(function() { return TestServer.agentState("a1") === "logged_out" }, 5000)
            tryVerify(function() { return !byName(v, "logout_a1").enabled }, 5000)
        }

        function test_3_waitingCalls() {
            var v = loggedIn()
            showTab(v, "calls")
            verify(byName(v, "noWaitingCalls").visible)
            verify(TestServer.arrive("w-low", "support", "+4930222", "Ben Low", 0))
            verify(TestServer.arrive("w-high", "support", "+4930111", "Eva Muster", 7))
            var block = byName(v, "waiting_support")
            tryVerify(function() { return block.visible && block.calls.count === 2 }, 5000)
            compare(v.session.waitingCalls.count, 2)
            verify(!byName(v, "waiting_sales").visible)
            // the higher priority first, with its caller and attached data
            var row = byName(block, "call_0")
            verify(row.cells[0].indexOf("Eva Muster") >= 0, row.cells[0])
            compare(row.cells[2], "7")
            verify(row.cells[5].indexOf("customer: K-17") >= 0, row.cells[5])
            compare(byName(block, "call_1").cells[2], "0")
            // the customer's page of the call, as the agent's desk opens it
            var before = Browser.opened.length
            var link = byName(row, "link")
            verify(link.visible)
            mouseClick(link)
            tryVerify(function() { return Browser.opened.length === before + 1 }, 5000)
            compare(Browser.opened[before], "https://crm.example/find?customer=K-17")
            // the wait ticks between two stats events
            var first = row.cells[1]
            tryVerify(function() { return byName(block, "call_0").cells[1] !== first }, 4000)
            // the caller hangs up: gone from the list
            verify(TestServer.abandon("w-high"))
            tryVerify(function() { return block.calls.count === 1 }, 5000)
        }

        function test_4_broadcast() {
            var v = loggedIn()
            showTab(v, "broadcast")
            verify(!byName(v, "broadcastSend").enabled) // nothing typed
            byName(v, "broadcastText").text = "Network outage in Berlin"
            click(v, "severity_warning")
            click(v, "broadcastSend")
            // The server sends the message to everyone logged in, the sender included.
            tryVerify(function() { return v.session.message.text === "Network outage in Berlin" }, 5000)
            compare(v.session.message.severity, "warning")
            compare(v.session.message.from, "boss")
            verify(byName(v, "messageBar").visible)
            compare(byName(v, "broadcastText").text, "")
        }

        function test_5_worklist() {
            var v = loggedIn()
            showTab(v, "worklist")
            verify(TestServer.arrive("ab-1", "sales", "+4940123", "Jonas Weber", 0))
            verify(TestServer.abandon("ab-1"))
            tryVerify(function() { return entryFor(v, "+4940123") !== undefined }, 5000, "no worklist entry")
            var entry = entryFor(v, "+4940123")
            compare(entry.queue, "sales")
            compare(entry.short, true) // hung up at once
            verify(!entry.doneBy)
            // the list view makes the row's delegate when it next lays out
            tryVerify(function() { return findChild(v, "entry_" + entry.id) !== null }, 5000)
            var row = byName(v, "entry_" + entry.id)
            compare(byName(row, "short").text, "short")
            compare(byName(row, "doneText").text, "")

            click(v, "markDone_" + entry.id)
            tryVerify(function() { return entryFor(v, "+4940123").doneBy === "boss" }, 5000)
            tryVerify(function() { return byName(v, "entry_" + entry.id) && byName(byName(v, "entry_" + entry.id), "doneText").text.indexOf("boss") === 0 }, 5000)
            verify(!byName(v, "markDone_" + entry.id).enabled)
            verify(!v.session.noticeIsError)

            // A second supervisor console sees it done; claiming it again is refused.
            var v2 = loggedIn()
            tryVerify(function() { return entryFor(v2, "+4940123") && entryFor(v2, "+4940123").doneBy === "boss" }, 5000)
            v2.session.markCalledBack(entry.id)
            tryVerify(function() { return v2.session.noticeIsError }, 5000)
            compare(byName(v2, "noticeLabel").text, "Already called back by boss.")

            // Two clicks at the same time: exactly one wins.
            verify(TestServer.arrive("ab-2", "support", "+4940999", "", 0))
            verify(TestServer.abandon("ab-2"))
            tryVerify(function() { return entryFor(v, "+4940999") && entryFor(v2, "+4940999") }, 5000)
            var id2 = entryFor(v, "+4940999").id
            v.session.markCalledBack(id2)
            v2.session.markCalledBack(id2)
            tryVerify(function() { return entryFor(v, "+4940999").doneBy === "boss" && entryFor(v2, "+4940999").doneBy === "boss" }, 5000)
            tryVerify(function() { return byName(v2, "noticeLabel").text === "Marked as called back." || byName(v, "noticeLabel").text === "Marked as called back." }, 5000)
            tryVerify(function() { return v.session.noticeIsError !== v2.session.noticeIsError }, 5000)
        }

        function test_6_report() {
            verify(TestServer.loginAgent("a2"))
            verify(TestServer.arrive("rep-1", "support", "+4930555", "Report Caller", 0))
            verify(TestServer.abandon("rep-1"))
            var v = loggedIn()
            showTab(v, "reports")
            byName(v, "reportFrom").text = today()
            byName(v, "reportTo").text = today()
            click(v, "reportLoad")
            tryVerify(function() { return v.session.reportDays.count > 0 && !v.session.reportLoading }, 5000, "no report rows")
            var dayRows = rowsOf(v.session.reportDays)
            verify(dayRows.every(r => r.hour === null))
            verify(rowsOf(v.session.reportHours).every(r => r.hour >= 0 && r.hour <= 23))
            var support = dayRows.filter(r => r.queue === "support")[0]
            verify(support, "no support row")
            verify(support.offered >= 1)
            // the table, the chart and the agents
            var table = byName(v, "queueReport")
            tryVerify(function() { return table.visible }, 5000)
            verify(findChild(table, "queueRow_0") !== null)
            var hour = byName(byName(v, "hourChart"), "hour_" + new Date().getUTCHours())
            verify(hour.figures.offered >= 1)
            tryVerify(function() { return rowsOf(v.session.reportAgents).filter(r => r.agent === "a2").length === 1 }, 5000)
            verify(findChild(byName(v, "agentReport"), "agentRow_0") !== null)

            // Export: the server's CSV, queues and agents
            byName(v, "csvPath").text = TestServer.tempDir + "/report.csv"
            click(v, "csvExport")
            tryVerify(function() { return TestServer.readFile(TestServer.tempDir + "/report.csv") !== "" }, 5000)
            compare(TestServer.readFile(TestServer.tempDir + "/report.csv"), v.session.reportCsv)
            verify(TestServer.readFile(TestServer.tempDir + "/report.csv").indexOf("day,hour,queue,offered") === 0)
            verify(TestServer.readFile(TestServer.tempDir + "/report-agents.csv").indexOf("day,agent,") === 0)
            verify(!v.session.noticeIsError)
        }
    
        // Administration: a queue's service level target set to nonsense is refused by the
        // server's validator, and the reason shows right under that field; a good value
        // is confirmed (with what it does to live work), applied and audited.
        function test_7_admin() {
            var v = loggedIn()
            tryVerify(function() { return v.session.isAdmin }, 5000, "boss is no administrator")
            showTab(v, "admin")
            click(v, "section_queues")
            click(v, "entry_support")
            var sl = byName(v, "field_slSeconds")
            tryVerify(function() { return sl.visible }, 5000)
            compare(sl.text, String(TestServer.slSeconds("support")))
            sl.text = "-5"
            sl.editingFinished()
            click(v, "adminSave")
            var dialog = byName(v, "adminConfirm")
            tryCompare(dialog, "opened", true, 5000)
            verify(byName(v, "adminConsequences").text.indexOf("support") >= 0)
            click(v, "adminConfirmOk")
            var error = byName(v, "error_slSeconds")
            tryVerify(function() { return error.visible && error.text !== "" }, 5000, "no error under the field")
            compare(error.text, v.session.adminError.reason)
            compare(v.session.adminError.path, "$.queues[0].slSeconds")
            verify(!byName(v, "error_name").visible) // only that field
            compare(TestServer.slSeconds("support"), 20) // nothing changed

            sl.text = "25"
            sl.editingFinished()
            click(v, "adminSave")
            tryCompare(dialog, "opened", true, 5000)
            click(v, "adminConfirmOk")
            tryVerify(function() { return TestServer.slSeconds("support") === 25 }, 5000, "not applied")
            tryVerify(function() { return !error.visible }, 5000)
            showTab(v, "audit")
            tryVerify(function() { return rowsOf(v.session.audit).some(e => e.action === "config.change") }, 5000, "not in the audit log")
            verify(byName(v, "auditList").count > 0)
        }

        function test_8_everyTabReadable_data() {
            return [{ tag: "English", lang: "en" }, { tag: "German", lang: "de" }]
        }
        // Every tab at the console's smallest size, in both languages: no text cut off,
        // every text at WCAG AA contrast.
        function test_8_everyTabReadable(data) {
            verify(language.setLanguage(data.lang))
            var v = createTemporaryObject(smallestViewComponent, top)
            verify(v)
            signIn(v, "boss", "pwboss")
            tryCompare(v.session, "status", "online", 5000)
            tryVerify(function() { return v.session.agents.count === 3 }, 5000, "no agents")
            var problems = []
            for (var tab of ["floor", "calls", "broadcast", "worklist", "reports", "audit", "admin"]) {
                v.currentTab = tab
                wait(50)
                waitForRendering(v)
                grabImage(v).save(TestServer.shotPath("supervisor-" + data.lang + "-" + tab + ".png"))
                for (var p of Audit.cutOff(v, []))
                    problems.push(tab + ": " + p)
                for (var q of Audit.lowContrast(v, Theme.background, []))
                    problems.push(tab + " (contrast): " + q)
            }
            verify(language.setLanguage("en"))
            for (var line of problems)
                console.log(line)
            verify(problems.length === 0, problems.length + " problems (listed above)")
        }
    }
}
