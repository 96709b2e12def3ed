import QtQuick
import QtTest
import Acdesk.Views
import AcdeskTest

// The wallboard against a real in-process server (demo configuration): it logs in as
// wallboard tv1, shows the server's queues and figures, shows the reconnect overlay when
// the server goes away and hides it when the server is back.
TestCase {
    id: testCase
    name: "WallboardLive"
    when: windowShown

    Component { id: windowComponent; WallboardWindow { } }

    function cleanupTestCase() { TestServer.stop() }

    function test_live_then_reconnect() {
        verify(TestServer.start())
        var win = createTemporaryObject(windowComponent, testCase, { width: 1280, height: 720 })
        verify(win)
        var overlay = findChild(win.contentItem, "reconnectOverlay")
        verify(overlay.visible)
        TestServer.fastReconnect(win.feed)
        win.feed.start(TestServer.url, "tv1", "demotv1")
        tryCompare(win.feed, "live", true, 10000)
        tryVerify(() => win.feed.queues.count === 2, 5000)
        verify(!overlay.visible)
        compare(findChild(win.contentItem, "connectionState").color, Theme.greenFill)
        var support = findChild(win.contentItem, "tile_support")
        verify(support)
        compare(findChild(support, "title").text, "Support")
        compare(findChild(support, "stat_waiting").text, "0")
        // A caller arrives (no agent is logged in): the tile shows it within a stats update.
        verify(TestServer.arrive("support"))
        // (figures are re-created with each update: look them up again)
        tryVerify(() => findChild(support, "stat_waiting").text === "1", 5000)
        var w = win.feed.queues.find("support")
        compare(w.waiting, 1)
        compare(w.today.offered, 1)
        compare(support.queue.thresholds.waiting.amber, 3)
        tryVerify(() => support.longestWaitText !== "0:00", 3000)

        // The server goes away: overlay; it comes back on the same port: live again.
        TestServer.stop()
        tryCompare(overlay, "visible", true, 5000)
        verify(win.feed.status === "reconnecting" || win.feed.status === "connecting", win.feed.status)
        verify(TestServer.start())
        tryCompare(win.feed, "live", true, 10000)
        verify(!overlay.visible)
        // The restarted server rebuilt today from its stored records.
        tryVerify(() => win.feed.queues.count === 2, 5000)
    }
}
