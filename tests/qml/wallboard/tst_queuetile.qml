import QtQuick
import QtQuick.Window
import QtTest
import Acdesk.Views
import AcdeskTest

// Tile colouring at each threshold, at and just below every boundary. The cases live in
// tests/data/wallboard/levels.json and the browser test (tests/web) checks the page's rule
// against the same file, so the desktop and the browser wallboard cannot drift apart.
TestCase {
    id: testCase
    name: "QueueTile"
    when: windowShown
    width: 800
    height: 400

    Component { id: tileComponent; QueueTile { width: 700 } }
    // Tiles live in a shown window, so that `visible` (effective visibility) means something.
    Component { id: hostComponent; Window { visible: true; width: 800; height: 500 } }
    property var host: null
    function initTestCase() { host = hostComponent.createObject(null) }
    function cleanupTestCase() { host.destroy() }
    function make(props) {
        var tile = createTemporaryObject(tileComponent, host.contentItem, props)
        verify(tile)
        return tile
    }

    function stat(tile, name) {
        var s = findChild(tile, "stat_" + name)
        verify(s !== null, "figure " + name)
        return s
    }

    function test_levels_data() {
        var cases = TestServer.readJson("levels.json").cases
        verify(cases.length > 20)
        return cases.map(c => ({ tag: c.name, queue: c.queue, elapsedMs: c.elapsedMs, expect: c.expect }))
    }

    function test_levels(data) {
        var r = Theme.queueLevels(data.queue, data.elapsedMs)
        var tile = make({ queue: data.queue, elapsedMs: data.elapsedMs })
        verify(tile)
        var byStat = { waiting: "waiting", longestWait: "longestWaitMs", serviceLevel: "serviceLevel" }
        for (var key in data.expect) {
            compare(r[key], data.expect[key], key)
            if (key === "overall") {
                compare(tile.level, data.expect.overall, "tile level")
                compare(tile.border.color, Theme.levelColor(data.expect.overall), "border colour")
            } else {
                compare(stat(tile, byStat[key]).level, data.expect[key], "figure " + key)
            }
        }
    }

    function test_figures() {
        var q = TestServer.readJson("levels.json").cases[0].queue
        var tile = make({ queue: q })
        compare(findChild(tile, "title").text, "Q")
        compare(stat(tile, "waiting").text, "2")
        compare(stat(tile, "longestWaitMs").text, "0:01")
        compare(stat(tile, "serviceLevel").text, "90%")
        compare(stat(tile, "abandonRate").text, "10%")
        compare(stat(tile, "answered").text, "9")
        compare(stat(tile, "abandoned").text, "1")
        compare(stat(tile, "asaMs").text, "0:12")
        compare(stat(tile, "ahtMs").text, "3:00")
        compare(stat(tile, "ready").text, "1")
        compare(stat(tile, "onCall").text, "1")
        verify(!findChild(tile, "unreachable").visible)
    }

    function test_nulls_and_unreachable() {
        var q = { id: "empty", name: "Empty", waiting: 0, longestWaitMs: 0,
                  agents: { loggedIn: 0, ready: 0, ringing: 0, onCall: 0, wrapUp: 0, notReady: 0 },
                  today: { offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, answeredInSl: 0,
                           serviceLevel: null, asaMs: null, ahtMs: null, abandonRate: null, longestWaitMs: 0 },
                  slSeconds: 20 }
        var tile = make({ queue: q })
        compare(stat(tile, "serviceLevel").text, "–")
        compare(stat(tile, "asaMs").text, "–")
        compare(stat(tile, "serviceLevel").level, "")
        compare(tile.level, "green")
        verify(findChild(tile, "unreachable").visible)
    }

    // Issue 19: a closed queue says so (and not "no agents"), the estimated wait and the
    // staffing forecast are figures, amber while fewer agents work than are needed.
    function test_closed_estimate_and_forecast() {
        var q = { id: "night", name: "Night", waiting: 1, longestWaitMs: 0, open: false,
                  ewtSeconds: 95, forecast: { arrivalsLastHour: 30, ahtSeconds: 240, agentsNeeded: 4 },
                  agents: { loggedIn: 0, ready: 0, ringing: 0, onCall: 0, wrapUp: 0, notReady: 0 },
                  today: { offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, answeredInSl: 0,
                           serviceLevel: null, asaMs: null, ahtMs: null, abandonRate: null,
                           longestWaitMs: 0, closed: 3 },
                  slSeconds: 20 }
        var tile = make({ queue: q })
        verify(findChild(tile, "closed").visible)
        verify(!findChild(tile, "unreachable").visible)
        compare(stat(tile, "ewtSeconds").text, "1:35")
        compare(stat(tile, "agentsNeeded").text, "4")
        compare(stat(tile, "agentsNeeded").level, "amber")
        q.open = true
        q.agents = { loggedIn: 5, ready: 1, ringing: 0, onCall: 3, wrapUp: 0, notReady: 1 }
        q.ewtSeconds = null
        tile.queue = q
        verify(!findChild(tile, "closed").visible)
        compare(stat(tile, "ewtSeconds").text, "–")
        compare(stat(tile, "agentsNeeded").level, "") // 4 working, 4 needed
        delete q.forecast
        tile.queue = q
        compare(stat(tile, "agentsNeeded").text, "–")
    }

    function test_longest_wait_ticks_into_amber() {
        // 59 s at the last update: the tile turns amber by itself when the minute is reached.
        var q = TestServer.readJson("levels.json").cases[4].queue  // waiting 1, 59.999 s
        q.longestWaitMs = 59000
        var tile = make({ queue: q, elapsedMs: 0 })
        compare(tile.longestWaitText, "0:59")
        compare(tile.longestWaitLevel, "green")
        tile.elapsedMs = 999
        compare(tile.longestWaitText, "0:59")
        compare(tile.longestWaitLevel, "green")
        tile.elapsedMs = 1000
        compare(tile.longestWaitText, "1:00")
        compare(tile.longestWaitLevel, "amber")
        tile.elapsedMs = 61000
        compare(tile.longestWaitText, "2:00")
        compare(tile.level, "red")
    }

    function test_pulse_when_red() {
        var q = TestServer.readJson("levels.json").cases[3].queue  // waiting 6: red
        var tile = make({ queue: q })
        var pulse = findChild(tile, "pulse")
        verify(pulse.visible)
        // The glow fades in and out: its opacity changes while the queue stays red.
        var first = pulse.opacity
        tryVerify(() => Math.abs(pulse.opacity - first) > 0.2, 2000)
        tile.queue = Object.assign({}, q, { waiting: 1 })
        verify(!pulse.visible)
    }
}
