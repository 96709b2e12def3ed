import QtQuick
import QtQuick.Controls
import QtTest
import Acdesk.Views
import AcdeskTest
import "../audit.js" as Audit

// The agent views with the real client core and a real server (TestServer, set up in C++).
Item {
    id: top
    width: 1100
    height: 760

    Component {
        id: viewComponent
        AgentView { anchors.fill: parent; defaultUrl: TestServer.url }
    }
    Component {
        id: smallestViewComponent
        AgentView { width: Theme.agentMinWidth; height: Theme.agentMinHeight; defaultUrl: TestServer.url }
    }
    Component {
        id: spyComponent
        SignalSpy {}
    }

    TestCase {
        id: tc
        name: "AgentView"
        when: windowShown

        function createView() {
            var v = createTemporaryObject(viewComponent, top)
            verify(v)
            return v
        }
        function byName(v, name) {
            var o = findChild(v, name)
            verify(o, "no item named " + name)
            return o
        }
        function click(v, name) {
            var b = byName(v, name)
            tryVerify(function() { return b.visible && b.enabled && b.width > 0 }, 5000, name + " not clickable")
            waitForRendering(b) // the layout has placed it
            mouseClick(b)
        }
        function signIn(v, agent, password) {
            byName(v, "urlField").text = TestServer.url
            byName(v, "agentField").text = agent
            byName(v, "passwordField").text = password
            byName(v, "stationField").text = "20" + agent.substring(1)
            click(v, "signInButton")
        }
        function loggedIn(agent, password) {
            var v = createView()
            signIn(v, agent, password)
            tryCompare(v.session, "status", "online", 5000)
            tryCompare(v.session, "agentId", agent, 5000)
            tryVerify(function() { return findChild(v, "stateLabel") !== null }, 5000)
            return v
        }
        function callState(v) { return v.session.activeCall.state }

        function cleanup() {
            TestServer.hangupAll()
            for (var a of ["a1", "a2", "a3", "a4", "a5"])
                TestServer.logoutAgent(a)
        }

        function test_1_loginFlow() {
            var v = createView()
            verify(byName(v, "urlField").text !== "") // remembered, or the default
            verify(!byName(v, "signInButton").enabled) // nothing typed yet
            signIn(v, "a1", "wrong")
            tryVerify(function() { return byName(v, "errorLabel").text !== "" }, 5000)
            compare(v.session.status, "offline")
            verify(findChild(v, "stateLabel") === null)

            byName(v, "passwordField").text = "pw1"
            click(v, "signInButton")
            tryCompare(v.session, "status", "online", 5000)
            tryVerify(function() { return findChild(v, "stateLabel") !== null }, 5000)
            compare(v.session.agentName, "Anna Berg")
            compare(v.session.state, "not_ready")
            compare(TestServer.agentState("a1"), "not_ready")
            verify(!byName(v, "reconnectBanner").visible)

            // the login form remembers everything but the password
            click(v, "signOutButton")
            tryCompare(v.session, "status", "offline", 5000)
            var agentField = null
            tryVerify(function() { agentField = findChild(v, "agentField"); return agentField !== null }, 5000)
            compare(agentField.text, "a1")
            compare(byName(v, "stationField").text, "201")
            compare(byName(v, "passwordField").text, "")
            compare(TestServer.agentState("a1"), "logged_out")
        }

        function test_1b_testConnection() {
            var v = createView()
            byName(v, "urlField").text = TestServer.url
            click(v, "testConnectionButton")
            // The doctor runs step by step against the real server: resolve, TCP, upgrade,
            // hello, round trip; the last line shown is a passed step.
            tryVerify(function() { return byName(v, "testConnectionButton").enabled }, 15000)
            var labels = []
            for (var i = 0; i < 20; ++i) {
                var l = findChild(v, "doctorStep" + i)
                if (l) labels.push(l.text)
            }
            verify(labels.length >= 4, labels.join(" | "))
            for (var j = 0; j < labels.length; ++j)
                verify(labels[j].indexOf("✓") === 0, labels[j])
        }

        function test_2_callFlow() {
            var v = loggedIn("a2", "pw2")
            click(v, "readyButton")
            tryCompare(v.session, "state", "ready", 5000)
            verify(TestServer.arrive("q1", "support", "Erika Muster"))

            // incoming call
            var offer = byName(v, "offerPanel")
            tryVerify(function() { return offer.visible }, 5000)
            tryVerify(function() { return byName(v, "notification").visible }, 5000)
            compare(v.session.offer.caller.name, "Erika Muster")
            click(v, "acceptButton")
            tryCompare(v.session, "state", "on_call", 5000)
            verify(byName(v, "callPanel").visible)
            verify(!offer.visible)

            // hold and resume
            click(v, "holdButton")
            tryVerify(function() { return callState(v) === "held" }, 5000)
            compare(byName(v, "holdButton").text, "Resume")
            click(v, "holdButton")
            tryVerify(function() { return callState(v) === "connected" }, 5000)

            // DTMF keypad
            click(v, "keypadButton")
            click(v, "dtmf_5")
            click(v, "dtmf_#")
            compare(v.session.lastError, "")

            // transfer to a queue through the dialog
            click(v, "transferButton")
            var dialog = byName(v, "transferDialog")
            tryCompare(dialog, "opened", true, 5000)
            dialog.kind = 0
            var queueBox = byName(v, "transferQueue")
            queueBox.currentIndex = queueBox.indexOfValue("sales")
            verify(queueBox.currentIndex >= 0)
            // a stats event replaces the session's queue list; the choice stays
            var queuesSpy = createTemporaryObject(spyComponent, top,
                                                  { target: v.session, signalName: "queuesChanged" })
            queuesSpy.wait(7000) // the periodic stats event comes within 5 s
            compare(queueBox.currentValue, "sales")
            click(v, "transferConfirm")
            tryCompare(v.session, "state", "wrap_up", 5000)
            tryVerify(function() { return !byName(v, "callPanel").visible }, 5000)
            compare(TestServer.waiting("sales"), 1)

            // wrap-up with its elapsed time, disposition and notes
            var wrap = byName(v, "wrapUpPanel")
            verify(wrap.visible)
            verify(byName(v, "wrapUpTime").text.indexOf("Wrap-up") === 0)
            click(v, "endWrapUpButton")
            // ready again: the call waiting in sales comes back to this agent at once
            tryVerify(function() { return v.session.state !== "wrap_up" }, 5000)
            tryVerify(function() { return !wrap.visible }, 5000)
            tryCompare(v.session, "callCount", 1, 5000)
            compare(v.session.offer.id, "q1")
            compare(v.session.history.count, 1)
            compare(v.session.history.get(0).cause, "transferred")
        }

        // Consult a colleague from the transfer dialog, then complete: both desks show their
        // side (the views overlap, so only the one being clicked is visible).
        function test_2b_consultThenComplete() {
            var anna = loggedIn("a1", "pw1")
            click(anna, "readyButton")
            tryCompare(anna.session, "state", "ready", 5000)
            verify(TestServer.arrive("k1", "support", "Erika Muster"))
            click(anna, "acceptButton")
            tryCompare(anna.session, "state", "on_call", 5000)
            var ben = loggedIn("a3", "pw3")
            anna.visible = false
            click(ben, "readyButton")
            tryCompare(ben.session, "state", "ready", 5000)

            ben.visible = false
            anna.visible = true
            click(anna, "transferButton")
            var dialog = byName(anna, "transferDialog")
            tryCompare(dialog, "opened", true, 5000)
            dialog.kind = 1
            byName(anna, "transferTarget").text = "a3"
            click(anna, "consultConfirm")
            tryCompare(byName(anna, "consultStatus"), "text", "Calling a3… The caller is on hold.", 5000)
            verify(!byName(anna, "completeTransferButton").enabled)
            verify(!byName(anna, "holdButton").visible)
            verify(!byName(anna, "transferButton").visible)

            // Ben is offered the caller's call, with the caller and who asks.
            anna.visible = false
            ben.visible = true
            tryVerify(function() { return byName(ben, "offerPanel").visible }, 5000)
            compare(ben.session.offer.caller.name, "Erika Muster")
            compare(ben.session.offer.consult.by, "a1")
            click(ben, "acceptButton")
            tryCompare(byName(ben, "consultStatus"), "text", "a1 consults you; the caller is on hold", 5000)
            verify(!byName(ben, "completeTransferButton").visible) // only the consulting desk

            ben.visible = false
            anna.visible = true
            tryCompare(byName(anna, "consultStatus"), "text", "Talking with a3. The caller is on hold.", 5000)
            // The keys: Ctrl+J brings the caller in, Ctrl+E hands the caller over.
            keyClick(Qt.Key_J, Qt.ControlModifier)
            tryCompare(byName(anna, "consultStatus"), "text", "Conference with a3 and the caller", 5000)
            compare(anna.session.activeCall.state, "connected")
            verify(!byName(anna, "conferenceButton").enabled)
            keyClick(Qt.Key_E, Qt.ControlModifier)
            tryCompare(anna.session, "state", "wrap_up", 5000)
            compare(anna.session.history.get(0).cause, "transferred")
            tryVerify(function() { return ben.session.activeCall.consult === undefined }, 5000)
            compare(ben.session.activeCall.state, "connected")
            verify(!byName(ben, "consultStatus").visible)
        }

        function test_3_shortcuts() {
            var v = loggedIn("a3", "pw3")
            keyClick(Qt.Key_R, Qt.ControlModifier)
            tryCompare(v.session, "state", "ready", 5000)
            verify(TestServer.arrive("k1", "support", "Kurt Kurz"))
            tryVerify(function() { return byName(v, "offerPanel").visible }, 5000)
            keyClick(Qt.Key_Return, Qt.ControlModifier)
            tryCompare(v.session, "state", "on_call", 5000)
            keyClick(Qt.Key_P, Qt.ControlModifier)
            tryVerify(function() { return callState(v) === "held" }, 5000)
            keyClick(Qt.Key_P, Qt.ControlModifier)
            tryVerify(function() { return callState(v) === "connected" }, 5000)
            keyClick(Qt.Key_H, Qt.ControlModifier)
            tryCompare(v.session, "state", "wrap_up", 5000)
            compare(TestServer.agentState("a3"), "wrap_up")
        }

        function test_3b_customerRecord() {
            var v = loggedIn("a5", "pw5")
            click(v, "readyButton")
            tryCompare(v.session, "state", "ready", 5000)
            verify(!byName(v, "offerRecordButton").visible)
            verify(TestServer.arrive("r1", "crm", "Rita Roth"))
            tryVerify(function() { return byName(v, "offerPanel").visible }, 5000)
            var before = Browser.opened.length
            click(v, "offerRecordButton") // "manual": only the button opens it
            tryVerify(function() { return Browser.opened.length === before + 1 }, 5000)
            compare(Browser.opened[before], "https://crm.example/find?customer=K-17")
            click(v, "acceptButton")
            tryCompare(v.session, "state", "on_call", 5000)
            compare(Browser.opened.length, before + 1)
            verify(byName(v, "recordButton").visible)
            keyClick(Qt.Key_O, Qt.ControlModifier)
            tryVerify(function() { return Browser.opened.length === before + 2 }, 5000)
            click(v, "hangupButton")
            tryVerify(function() { return !byName(v, "recordButton").visible }, 5000)
        }

        function test_3c_allCallKeysAndTheirHelp() {
            var v = loggedIn("a4", "pw4")
            var desk = byName(v, "agentDesk")
            keyClick(Qt.Key_F1)
            var help = byName(v, "keyHelp")
            tryCompare(help, "opened", true, 5000)
            var keys = desk.keys
            verify(keys.length >= 12)
            for (var i = 0; i < keys.length; ++i) {
                var row = findChild(help.contentItem, "keyText" + i)
                verify(row, "no row " + i)
                compare(row.text, keys[i].text)
                verify(findChild(help.contentItem, "keySeq" + i).text.length > 1)
            }
            keyClick(Qt.Key_Escape)
            tryCompare(help, "opened", false, 5000)

            keyClick(Qt.Key_R, Qt.ControlModifier)
            tryCompare(v.session, "state", "ready", 5000)
            verify(TestServer.arrive("k2", "support", "Rita Reject"))
            tryVerify(function() { return byName(v, "offerPanel").visible }, 5000)
            keyClick(Qt.Key_D, Qt.ControlModifier) // reject
            tryCompare(v.session, "state", "not_ready", 5000)
            keyClick(Qt.Key_R, Qt.ControlModifier)
            tryCompare(v.session, "state", "ringing", 5000) // k2 again
            keyClick(Qt.Key_Return, Qt.ControlModifier)
            tryCompare(v.session, "state", "on_call", 5000)
            keyClick(Qt.Key_M, Qt.ControlModifier)
            tryVerify(function() { return v.session.activeCall.muted === true }, 5000)
            keyClick(Qt.Key_M, Qt.ControlModifier)
            tryVerify(function() { return v.session.activeCall.muted === false }, 5000)
            keyClick(Qt.Key_K, Qt.ControlModifier)
            tryVerify(function() { return byName(v, "dtmfKeypad").visible }, 5000)
            keyClick(Qt.Key_T, Qt.ControlModifier)
            tryCompare(byName(v, "transferDialog"), "opened", true, 5000)
            keyClick(Qt.Key_Escape)
            tryCompare(byName(v, "transferDialog"), "opened", false, 5000)
            keyClick(Qt.Key_H, Qt.ControlModifier)
            tryCompare(v.session, "state", "wrap_up", 5000)
        }

        function test_4_german() {
            var v = createView()
            verify(v.session.setLanguage("de"))
            tryCompare(byName(v, "signInTitle"), "text", "Anmelden")
            compare(byName(v, "signInButton").text, "Anmelden")
            compare(byName(v, "stayLoggedIn").text, "Angemeldet bleiben")
            signIn(v, "a4", "pw4")
            tryVerify(function() { return findChild(v, "stateLabel") !== null }, 5000)
            tryCompare(byName(v, "stateLabel"), "text", "Nicht bereit (login)")
            compare(byName(v, "readyButton").text, "Bereit")
            verify(v.session.setLanguage("en"))
            tryCompare(byName(v, "readyButton"), "text", "Ready")
        }

        // Fails with the cut-off texts of @p root and those below WCAG AA contrast; saves a
        // screenshot for people to look at.
        function checkNothingCutOff(root, name) {
            waitForRendering(root)
            var image = grabImage(root)
            image.save(TestServer.shotPath(name + ".png"))
            var found = Audit.cutOff(root, [])
            verify(found.length === 0, name + ": " + found.join("; "))
            var faint = Audit.lowContrast(root, Theme.background, [])
            verify(faint.length === 0, name + " below WCAG AA: " + faint.join("; "))
        }

        function test_5_nothingCutOff_data() {
            return [{ tag: "English", lang: "en" }, { tag: "German", lang: "de" }]
        }
        // At the window's smallest size, in both languages, through every screen of a call:
        // no text is elided or runs out of its box (screenshots in the test's directory).
        function test_5_nothingCutOff(data) {
            var v = createTemporaryObject(smallestViewComponent, top)
            verify(v)
            verify(v.session.setLanguage(data.lang))
            checkNothingCutOff(v, "agent-" + data.lang + "-login")
            signIn(v, "a2", "pw2")
            tryVerify(function() { return findChild(v, "stateLabel") !== null }, 5000)
            checkNothingCutOff(v, "agent-" + data.lang + "-not-ready")
            click(v, "readyButton")
            tryCompare(v.session, "state", "ready", 5000)
            checkNothingCutOff(v, "agent-" + data.lang + "-ready")
            verify(TestServer.arrive("cut-" + data.lang, "support", "Erika Mustermann-Schulze"))
            tryVerify(function() { return byName(v, "offerPanel").visible }, 5000)
            checkNothingCutOff(v, "agent-" + data.lang + "-offer")
            click(v, "acceptButton")
            tryCompare(v.session, "state", "on_call", 5000)
            checkNothingCutOff(v, "agent-" + data.lang + "-call")
            click(v, "keypadButton")
            checkNothingCutOff(v, "agent-" + data.lang + "-keypad")
            click(v, "transferButton")
            var dialog = byName(v, "transferDialog")
            tryCompare(dialog, "opened", true, 5000)
            checkNothingCutOff(dialog.contentItem, "agent-" + data.lang + "-transfer")
            dialog.kind = 2
            byName(v, "transferTarget").text = "+49301234599"
            click(v, "consultConfirm")
            tryVerify(function() { return byName(v, "cancelConsultButton").visible }, 5000)
            checkNothingCutOff(v, "agent-" + data.lang + "-consult")
            keyClick(Qt.Key_B, Qt.ControlModifier) // back to the caller
            tryVerify(function() { return callState(v) === "connected" }, 5000)
            verify(!byName(v, "cancelConsultButton").visible)
            keyClick(Qt.Key_F1)
            var help = byName(v, "keyHelp")
            tryCompare(help, "opened", true, 5000)
            checkNothingCutOff(help.contentItem, "agent-" + data.lang + "-keys")
            keyClick(Qt.Key_Escape)
            click(v, "hangupButton")
            tryCompare(v.session, "state", "wrap_up", 5000)
            checkNothingCutOff(v, "agent-" + data.lang + "-wrap-up")
            verify(v.session.setLanguage("en"))
        }
    }
}
