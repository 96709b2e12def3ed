import QtQuick
import QtTest
import "../audit.js" as Audit
import Acdesk.Core
import Acdesk.Views

// The wallboard window fed with stats objects (no server): page rotation, layouts from
// 720 p to 2160 p and 1 to 20 queues, the ticking timers, the ticker, red alerts, the
// overlay while not live, and kiosk behaviour.
TestCase {
    id: testCase
    name: "WallboardWindow"
    when: windowShown

    Component { id: windowComponent; WallboardWindow { } }
    // Switches the application's language (the agent session's translator is the app's).
    AgentSession { id: language }
    SignalSpy { id: redSpy; signalName: "queueWentRed" }

    function makeQueue(i, extra) {
        var q = { id: "q" + i, name: "Queue " + i, waiting: 0, longestWaitMs: 0,
                  agents: { loggedIn: 3, ready: 1, ringing: 0, onCall: 2, wrapUp: 0, notReady: 0 },
                  today: { offered: 40 + i, answered: 38, abandoned: 2, shortAbandoned: 0, answeredInSl: 35,
                           serviceLevel: 0.875, asaMs: 9000, ahtMs: 200000, abandonRate: 0.05, longestWaitMs: 50000 },
                  slSeconds: 20,
                  thresholds: { waiting: { amber: 3, red: 6 }, longestWaitSeconds: { amber: 60, red: 120 },
                                serviceLevel: { amber: 0.8, red: 0.6 } } }
        return Object.assign(q, extra || {})
    }
    function makeQueues(n) {
        var out = []
        for (var i = 1; i <= n; ++i)
            out.push(makeQueue(i))
        return out
    }
    function makeAgents(n, sinceMsAgo) {
        var out = []
        for (var i = 1; i <= n; ++i)
            out.push({ id: "a" + i, name: "Agent " + i, state: i % 2 ? "on_call" : "ready", reason: null,
                       since: new Date(Date.now() - sinceMsAgo).toISOString(), queues: ["q1"],
                       answeredToday: i, connected: true })
        return out
    }
    function board(props) {
        var win = createTemporaryObject(windowComponent, testCase, props || {})
        verify(win)
        waitForRendering(win.contentItem)
        return win
    }
    function feed(win, queues, agents) {
        verify(win.feed.applyStats({ type: "stats", seq: 1, time: new Date().toISOString(),
                                     queues: queues, agents: agents || [] }), win.feed.lastError)
    }
    // A tile on the page shown (tiles of other pages exist, hidden).
    function tile(win, id) {
        var t = findChild(win.contentItem, "tile_" + id)
        return t && t.visible ? t : null
    }
    function stat(item, name) { return findChild(item, "stat_" + name) }

    function test_page_rotation() {
        var win = board({ width: 1920, height: 1080, pageSeconds: 1 })
        feed(win, makeQueues(7))
        compare(win.columns, 2)
        compare(win.tilesPerPage, 4)
        compare(win.pageCount, 2)
        compare(win.page, 0)
        verify(findChild(win.contentItem, "pageTimer").running)
        tryVerify(() => tile(win, "q1") !== null && tile(win, "q4") !== null)
        compare(tile(win, "q5"), null)
        compare(findChild(win.contentItem, "pageLabel").text, "page 1 of 2")
        tryCompare(win, "page", 1, 3000)
        tryVerify(() => tile(win, "q7") !== null)
        compare(tile(win, "q1"), null)
        compare(findChild(win.contentItem, "pageLabel").text, "page 2 of 2")
        tryCompare(win, "page", 0, 3000)
        tryVerify(() => tile(win, "q1") !== null)
        // Fewer queues: one page, no rotation.
        feed(win, makeQueues(3))
        compare(win.pageCount, 1)
        compare(win.page, 0)
        verify(!findChild(win.contentItem, "pageLabel").visible)
    }

    function test_layouts_data() {
        var rows = []
        for (var lang of ["en", "de"])
            for (var size of [[1280, 720], [1920, 1080], [3840, 2160]])
                for (var n of [1, 4, 6, 20])
                    rows.push({ tag: lang + " " + size[0] + "x" + size[1] + " " + n + " queue(s)",
                                w: size[0], h: size[1], n: n, lang: lang })
        return rows
    }
    // Every visible text under @p item: [text item, ...].
    function texts(item, out) {
        if (!item || !item.visible)
            return out
        if (typeof item.text === "string" && item.text !== "" && item.font !== undefined
                && item.contentWidth !== undefined)
            out.push(item)
        for (var i = 0; i < item.children.length; ++i)
            texts(item.children[i], out)
        return out
    }
    function test_layouts(data) {
        verify(language.setLanguage(data.lang))
        var win = board({ width: data.w, height: data.h })
        compare(win.width, data.w)
        feed(win, makeQueues(data.n), makeAgents(12, 1000))
        compare(win.unit, data.h / 1080)
        compare(win.columns, Math.min(2, data.n))
        // Two rows of tiles where they leave room for a row of agents, else one.
        verify(win.tilesPerPage === 2 * win.columns || win.tilesPerPage === win.columns)
        if (data.h >= 1080)
            compare(win.tilesPerPage, 2 * win.columns)
        compare(win.pageCount, Math.ceil(data.n / win.tilesPerPage))
        var shown = Math.min(data.n, win.tilesPerPage)
        tryVerify(() => tile(win, "q" + shown) !== null)
        waitForRendering(win.contentItem)
        // Every shown tile is inside the window, at least as large as the screen's unit.
        for (var i = 1; i <= shown; ++i) {
            var t = tile(win, "q" + i)
            var p = t.mapToItem(win.contentItem, 0, 0)
            verify(p.x >= 0 && p.x + t.width <= data.w + 0.5, "tile " + i + " horizontally inside")
            verify(p.y >= 0 && p.y + t.height <= data.h + 0.5, "tile " + i + " vertically inside: " + (p.y + t.height))
            verify(t.unit >= win.unit - 1e-9)
        }
        var title = findChild(tile(win, "q1"), "title")
        fuzzyCompare(title.font.pixelSize, 34 * tile(win, "q1").unit, 1)
        // One queue and a dozen agents: the tile grows into the room the agents leave.
        if (data.n === 1)
            verify(tile(win, "q1").unit > 1.3 * win.unit, "tile unit " + tile(win, "q1").unit)
        // The agent grid keeps at least a row of cards, inside the window.
        var card = findChild(win.contentItem, "stateLine")
        verify(card && card.visible)
        var c = card.mapToItem(win.contentItem, 0, 0)
        verify(c.y + card.height <= data.h + 0.5, "agents inside: " + (c.y + card.height))
        // Legible from across the room: no text below 22 px at 1080 p (scaled), none cut.
        var all = texts(win.contentItem, [])
        verify(all.length > 50)
        for (var k = 0; k < all.length; ++k) {
            var x = all[k]
            verify(x.font.pixelSize >= 22 * win.unit - 0.5, "\"" + x.text + "\" is " + x.font.pixelSize + " px")
            verify(!x.truncated && x.contentWidth <= x.width + 1,
                   "\"" + x.text + "\" cut: " + x.contentWidth + " > " + x.width)
        }
        var faint = Audit.lowContrast(win.contentItem, Theme.background, [])
        verify(faint.length === 0, "below WCAG AA: " + faint.join("; "))
        verify(language.setLanguage("en"))
    }

    function test_ticking_timers() {
        var win = board()
        var q = makeQueue(1, { waiting: 1, longestWaitMs: 5000 })
        feed(win, [q], makeAgents(1, 10000))
        var t = tile(win, "q1")
        verify(t)
        compare(t.longestWaitText, "0:05")
        compare(stat(t, "longestWaitMs").text, "0:05")
        var card = findChild(win.contentItem, "stateLine")
        verify(card)
        verify(card.text.indexOf("0:10") >= 0, card.text)
        // No new stats: the one-second clock advances both, tick by tick (a loaded machine
        // may skip a second, so the test waits for changes, not for exact values).
        tryVerify(() => t.longestWaitText !== "0:05", 2500)
        var second = t.longestWaitText
        verify(second > "0:05", second)
        tryVerify(() => t.longestWaitText !== second, 2500)
        verify(t.longestWaitText > second, t.longestWaitText)
        verify(card.text.indexOf("0:10") < 0, card.text)
        verify(card.text.indexOf("0:1") >= 0, card.text)
        // A fresh update restarts from the server's figure.
        feed(win, [makeQueue(1, { waiting: 1, longestWaitMs: 30000 })], makeAgents(1, 10000))
        compare(t.longestWaitText, "0:30")
        var clock = findChild(win.contentItem, "clock")
        var before = clock.text
        tryVerify(() => clock.text !== before, 2500)
    }

    function test_reconnect_overlay_without_server() {
        var win = board()
        var overlay = findChild(win.contentItem, "reconnectOverlay")
        verify(overlay)
        compare(win.feed.live, false)
        verify(overlay.visible)
        feed(win, makeQueues(2))
        // Numbers without a live connection are stale: the overlay stays, the board dims.
        verify(overlay.visible)
        verify(findChild(win.contentItem, "content").opacity < 1)
    }

    function test_overlay_test_connection() {
        var win = board()
        // Nothing listens on port 1: the board cannot connect, and the doctor says why.
        win.feed.start("ws://127.0.0.1:1/ws", "tv1", "secret")
        var button = findChild(win.contentItem, "wallboardTestConnection")
        verify(button)
        tryVerify(() => button.visible && button.enabled)
        mouseClick(button)
        tryVerify(() => button.enabled && button.text === "Test connection", 15000)
        var overlay = findChild(win.contentItem, "reconnectOverlay")
        var failed = false
        for (var i = 0; i < overlay.children.length; ++i) {
            var column = overlay.children[i]
            for (var j = 0; column.children && j < column.children.length; ++j) {
                var t = column.children[j].text
                if (t !== undefined && t.indexOf("✗") === 0)
                    failed = true
            }
        }
        verify(failed, "a failed step is shown")
        win.feed.stop()
    }

    function test_ticker() {
        var win = board()
        var ticker = findChild(win.contentItem, "ticker")
        verify(!ticker.visible)
        win.feed.applyMessage({ type: "message", time: new Date().toISOString(), text: "Coffee machine fixed", severity: "info" })
        verify(ticker.visible)
        compare(findChild(win.contentItem, "tickerText").text, "Coffee machine fixed")
        tryVerify(() => ticker.width > 1000)
        verify(!findChild(win.contentItem, "tickerText").scrolls)
        win.feed.applyMessage({ type: "message", time: new Date().toISOString(), severity: "alert",
                                text: "Network outage at the Berlin site: callers may hear silence. ".repeat(4) })
        compare(ticker.color, Theme.redFill)
        verify(findChild(win.contentItem, "tickerText").scrolls)
        var tt = findChild(win.contentItem, "tickerText")
        var x0 = tt.x
        tryVerify(() => tt.x !== x0, 1000)
        // Broadcasts expire after tickerSeconds.
        win.tickerSeconds = 0
        win.feed.applyMessage({ type: "message", time: new Date().toISOString(), text: "gone soon", severity: "info" })
        tryVerify(() => !ticker.visible, 2500)
    }

    function test_went_red_alert() {
        var win = board()
        redSpy.target = win
        redSpy.clear()
        feed(win, [makeQueue(1), makeQueue(2)])
        compare(redSpy.count, 0)
        feed(win, [makeQueue(1, { waiting: 6 }), makeQueue(2)])
        compare(redSpy.count, 1)
        compare(redSpy.signalArguments[0][0], "q1")
        feed(win, [makeQueue(1, { waiting: 7 }), makeQueue(2)])
        compare(redSpy.count, 1, "still red: no new alert")
        feed(win, [makeQueue(1), makeQueue(2, { today: Object.assign(makeQueue(2).today, { serviceLevel: 0.5 }) })])
        compare(redSpy.count, 2)
        compare(redSpy.signalArguments[1][0], "q2")
        verify(findChild(tile(win, "q2"), "pulse").visible)
        compare(win.alarm.sounded, 0, "the alert sound is off unless switched on")
    }

    function test_went_red_sound() {
        var win = board({ alertSound: true })
        feed(win, [makeQueue(1)])
        feed(win, [makeQueue(1, { waiting: 6 })])
        compare(win.alarm.sounded, 1)
        feed(win, [makeQueue(1)])
        // Quiet hours around now: a queue turning red stays silent.
        var now = new Date()
        function hhmm(d) { return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2) }
        win.quietHours = hhmm(new Date(now.getTime() - 3600000)) + "-" + hhmm(new Date(now.getTime() + 3600000))
        verify(win.quietHours !== "")
        feed(win, [makeQueue(1, { waiting: 6 })])
        compare(win.alarm.sounded, 1)
        feed(win, [makeQueue(1)])
        win.quietHours = ""
        win.alertSound = false
        feed(win, [makeQueue(1, { waiting: 6 })])
        compare(win.alarm.sounded, 1)
    }

    function test_kiosk() {
        var win = board({ kiosk: true, cursorHideMs: 200 })
        var area = findChild(win.contentItem, "cursorArea")
        verify(area.enabled)
        tryCompare(win, "cursorHidden", true, 2000)
        compare(area.cursorShape, Qt.BlankCursor)
        mouseMove(win.contentItem, 100, 100)
        mouseMove(win.contentItem, 120, 110)
        compare(win.cursorHidden, false)
        compare(area.cursorShape, Qt.ArrowCursor)
        tryCompare(win, "cursorHidden", true, 2000)
        // Closing is refused in kiosk mode (only the quit keys end it).
        win.close()
        verify(win.visible)
        compare(win.quitKeys, "Ctrl+Alt+Q")
        win.kiosk = false
        win.close()
        verify(!win.visible)
    }
}
