import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Window
import Acdesk.Core

// The wallboard: queue tiles that turn amber/red at the server's thresholds, an agent
// grid with time in state, broadcasts as a ticker, a clock and the connection state.
// Everything scales with the window height (`unit` is 1 at 1080 p), and pages rotate
// every `pageSeconds` when the queues or agents do not fit.
//
// Tests feed it without a server through feed.applyStats(); the application starts the
// feed (app/guimain.cpp). Kiosk mode (--kiosk): the cursor hides after `cursorHideMs`
// without mouse movement, and the window closes only through `quitKeys`.
ApplicationWindow {
    id: window
    Component.onCompleted: Theme.paint(palette)
    width: 1920
    height: 1080
    visible: true
    color: Theme.background
    title: qsTr("Acdesk wallboard")

    property alias feed: feed
    property bool kiosk: false
    property string quitKeys: "Ctrl+Alt+Q"
    property int cursorHideMs: 5000
    property int pageSeconds: 10
    property int tickerSeconds: 600
    /** At most this many rows of queue tiles per page; fewer when they would leave no room
     *  for a row of agents (long German labels take two lines on a small screen). */
    property int rowsPerPage: 2

    readonly property real unit: Math.max(0.4, height / 1080)
    // Two columns from 720 p to 4K: a tile's four figure columns keep their 22 px labels whole.
    readonly property int columns: Math.max(1, Math.min(Math.floor(width / (880 * unit)),
                                                        Math.max(1, feed.queues.count)))
    readonly property real tileWidth: (width - 32 * unit - (columns - 1) * 12 * unit) / columns
    // The room for tiles when the agent grid keeps one row.
    readonly property real tileSpaceMin: height - 32 * unit - header.height - 12 * unit
        - (tickerBar.visible ? tickerBar.height + 12 * unit : 0)
        - (feed.agents.count > 0 ? (Theme.agentCardHeight + 8 + 12) * unit : 0)
    readonly property int tileRows: Math.max(1, Math.min(rowsPerPage,
        Math.floor((tileSpaceMin + 12 * unit) / (Theme.queueTileHeight * unit + 12 * unit))))
    readonly property int tilesPerPage: columns * tileRows
    readonly property int pageCount: Math.max(1, Math.ceil(feed.queues.count / tilesPerPage))
    // `pageTick` counts page turns; queue and agent pages each take it modulo their count.
    property int pageTick: 0
    readonly property int page: pageTick % pageCount
    // Agent cards grow (up to twice) while all agents still fit the area the tiles leave.
    readonly property real agentUnit: cardUnit(feed.agents.count, agentArea.width, agentArea.height)
    readonly property int agentColumns: Math.max(1, Math.floor((agentArea.width + 8 * agentUnit) / ((Theme.agentCardWidth + 8) * agentUnit)))
    readonly property int agentRows: Math.max(1, Math.floor((agentArea.height + 8 * agentUnit) / ((Theme.agentCardHeight + 8) * agentUnit)))
    // The queue tiles grow into the height the agent grid does not need (up to three rows
    // of agents), so few queues get big figures, readable from across the room; never
    // smaller than `unit`, never wider than their column allows.
    readonly property int tileRowsShown: Math.max(1, Math.ceil(Math.min(feed.queues.count - page * tilesPerPage, tilesPerPage) / columns))
    readonly property int agentRowsWanted: feed.agents.count === 0 ? 0
        : Math.min(3, Math.ceil(feed.agents.count / Math.max(1, Math.floor((width - 24 * unit) / ((Theme.agentCardWidth + 8) * unit)))))
    readonly property real tileSpace: height - 32 * unit - header.height - 12 * unit
        - (tickerBar.visible ? tickerBar.height + 12 * unit : 0)
        - agentRowsWanted * (Theme.agentCardHeight + 8) * unit - (agentRowsWanted > 0 ? 12 * unit : 0)
    readonly property real tileUnit: Math.max(unit, Math.min(3 * unit,
              (tileSpace - (tileRowsShown - 1) * 12 * unit) / tileRowsShown / Theme.queueTileHeight,
              tileWidth / 900))
    readonly property int agentsPerPage: agentColumns * agentRows
    readonly property int agentPageCount: Math.max(1, Math.ceil(feed.agents.count / agentsPerPage))
    readonly property int agentPage: pageTick % agentPageCount
    property double now: Date.now()
    readonly property double elapsedMs: feed.receivedAtMs > 0 ? Math.max(0, now - feed.receivedAtMs) : 0
    property double tickerUntil: 0
    property var redQueues: ({})
    property bool cursorHidden: false
    property bool quitRequested: false
    /** The short alert when a queue turns red: off unless switched on (--alert-sound),
     *  silent during quiet hours ("18:00-08:00", --quiet-hours). */
    property alias alertSound: alarm.enabled
    property alias quietHours: alarm.quietHours
    property alias alarm: alarm

    /** A queue turned red (for the first time since it was not red): the pulse starts. */
    signal queueWentRed(string queueId)

    function tick() {
        now = Date.now()
        checkAlerts()
    }
    // Red transitions across all queues, shown or not, so a queue on another page that
    // goes red still raises the alert (and its sound, WallboardAlarm).
    function checkAlerts() {
        var next = {}
        for (var i = 0; i < feed.queues.count; ++i) {
            var q = feed.queues.get(i)
            if (Theme.queueLevels(q, elapsedMs).overall === "red") {
                next[q.id] = true
                if (!redQueues[q.id])
                    queueWentRed(q.id)
            }
        }
        redQueues = next
    }
    function cardUnit(count, w, h) {
        for (var s = 2 * unit; s > unit; s -= 0.05 * unit) {
            var perRow = Math.max(1, Math.floor((w + 8 * s) / ((Theme.agentCardWidth + 8) * s)))
            if (Math.ceil(count / perRow) * (Theme.agentCardHeight + 8) * s - 8 * s <= h)
                return s
        }
        return unit
    }
    function statusText(s) {
        switch (s) {
        case "online": return qsTr("live")
        case "reconnecting": return qsTr("reconnecting")
        case "connecting": return qsTr("connecting")
        default: return qsTr("offline")
        }
    }

    WallboardAlarm { id: alarm }
    onQueueWentRed: function(queueId) { alarm.queueTurnedRed(queueId) }

    WallboardFeed {
        id: feed
        onStatsChanged: window.tick()
        onMessageChanged: window.tickerUntil = Date.now() + window.tickerSeconds * 1000
    }

    Timer { objectName: "clockTimer"; interval: 1000; running: true; repeat: true; onTriggered: window.tick() }
    Timer {
        objectName: "pageTimer"
        interval: Math.max(1, window.pageSeconds) * 1000
        running: window.pageCount > 1 || window.agentPageCount > 1
        repeat: true
        onTriggered: window.pageTick = (window.pageTick + 1) % 1000000
    }

    Shortcut {
        sequence: window.quitKeys
        context: Qt.ApplicationShortcut
        onActivated: { window.quitRequested = true; Qt.quit() }
    }
    onClosing: (close) => { if (window.kiosk && !window.quitRequested) close.accepted = false }

    ColumnLayout {
        id: content
        objectName: "content"
        anchors.fill: parent
        anchors.margins: 16 * window.unit
        spacing: 12 * window.unit
        opacity: feed.live || feed.receivedAtMs === 0 ? 1 : 0.45

        RowLayout {
            id: header
            Layout.fillWidth: true
            spacing: 16 * window.unit
            Label { text: "Acdesk"; color: Theme.text; font.pixelSize: 34 * window.unit; font.bold: true }
            Rectangle {
                objectName: "connectionState"
                radius: 6 * window.unit
                color: feed.live ? Theme.greenFill : feed.status === "offline" ? Theme.redFill : Theme.amberFill
                implicitWidth: connLabel.implicitWidth + 20 * window.unit
                implicitHeight: connLabel.implicitHeight + 8 * window.unit
                Label { id: connLabel; anchors.centerIn: parent; color: "white"; font.pixelSize: 24 * window.unit
                    text: window.statusText(feed.status) }
            }
            Label {
                objectName: "pageLabel"
                visible: window.pageCount > 1
                color: Theme.dim; font.pixelSize: 24 * window.unit
                text: qsTr("page %1 of %2").arg(window.page + 1).arg(window.pageCount)
            }
            Item { Layout.fillWidth: true }
            Label { color: Theme.dim; font.pixelSize: 24 * window.unit
                text: Qt.formatDate(new Date(window.now), Qt.locale().dateFormat(Locale.ShortFormat)) }
            Label { objectName: "clock"; color: Theme.text; font.pixelSize: 40 * window.unit; font.bold: true
                text: Qt.formatTime(new Date(window.now), "hh:mm:ss") }
        }

        // Broadcasts: one line; scrolls like a ticker when it is wider than the screen.
        Rectangle {
            id: tickerBar
            objectName: "ticker"
            readonly property string text: feed.message.text || ""
            readonly property string severity: feed.message.severity || "info"
            Layout.fillWidth: true
            Layout.preferredHeight: 50 * window.unit
            visible: text !== "" && window.now < window.tickerUntil
            radius: 6 * window.unit
            clip: true
            color: severity === "alert" ? Theme.redFill : severity === "warning" ? Theme.amberFill : Theme.tile
            Label {
                id: tickerText
                objectName: "tickerText"
                readonly property bool scrolls: implicitWidth > tickerBar.width - 24 * window.unit
                anchors.verticalCenter: parent.verticalCenter
                x: 12 * window.unit
                text: tickerBar.text
                color: tickerBar.severity === "info" ? Theme.text : "white"
                font.pixelSize: 30 * window.unit
                font.bold: tickerBar.severity !== "info"
                NumberAnimation on x {
                    running: tickerText.scrolls && tickerBar.visible
                    loops: Animation.Infinite
                    from: tickerBar.width
                    to: -tickerText.implicitWidth
                    duration: Math.max(1, (tickerBar.width + tickerText.implicitWidth) / (120 * window.unit)) * 1000
                    onRunningChanged: if (!running) tickerText.x = 12 * window.unit
                }
            }
        }

        GridLayout {
            id: queueGrid
            objectName: "queueGrid"
            Layout.fillWidth: true
            columns: window.columns
            columnSpacing: 12 * window.unit
            rowSpacing: 12 * window.unit
            // The model keeps the tiles alive across updates: only their data changes. Tiles
            // of other pages are hidden, and a layout leaves hidden items out.
            Repeater {
                id: tiles
                model: feed.queues
                QueueTile {
                    required property int index
                    required property var model
                    visible: index >= window.page * window.tilesPerPage
                             && index < (window.page + 1) * window.tilesPerPage
                    objectName: "tile_" + (queue.id || "")
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    Layout.alignment: Qt.AlignTop
                    unit: window.tileUnit
                    queue: model
                    elapsedMs: window.elapsedMs
                }
            }
        }
        Label {
            objectName: "noQueues"
            visible: feed.queues.count === 0
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            color: Theme.dim; font.pixelSize: 32 * window.unit
            text: feed.receivedAtMs === 0 ? qsTr("Waiting for statistics…") : qsTr("No queues to show")
        }

        Item {
            id: agentArea
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            Flow {
                anchors.fill: parent
                spacing: 8 * window.unit
                // The feed holds the agents a wallboard shows (logged in); a Flow leaves the
                // hidden ones of other pages out.
                Repeater {
                    model: feed.agents
                    AgentCard {
                        required property int index
                        required property var model
                        visible: index >= window.agentPage * window.agentsPerPage
                                 && index < (window.agentPage + 1) * window.agentsPerPage
                        agent: model
                        now: window.now
                        unit: window.agentUnit
                    }
                }
            }
        }
    }

    Rectangle {
        objectName: "reconnectOverlay"
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: overlayColumn.implicitHeight + 24 * window.unit
        visible: !feed.live
        color: feed.status === "offline" && feed.receivedAtMs === 0 ? Theme.tile : Theme.redFill
        Column {
            id: overlayColumn
            anchors.centerIn: parent
            width: parent.width - 48 * window.unit
            spacing: 8 * window.unit
            Label {
                anchors.horizontalCenter: parent.horizontalCenter
                color: "white"; font.pixelSize: 28 * window.unit; font.bold: true
                text: feed.status === "offline" && feed.receivedAtMs === 0 ? qsTr("Not connected")
                    : feed.receivedAtMs === 0 ? qsTr("Connecting to the server…")
                    : qsTr("Connection to the server lost – reconnecting…")
            }
            // Why it cannot connect, in plain words: the connection doctor.
            Button {
                objectName: "wallboardTestConnection"
                anchors.horizontalCenter: parent.horizontalCenter
                visible: feed.url !== ""
                enabled: !doctor.running
                text: doctor.running ? qsTr("Testing…") : qsTr("Test connection")
                onClicked: doctor.start(feed.url)
            }
            Repeater {
                model: doctor.steps
                Label {
                    required property var modelData
                    width: overlayColumn.width
                    wrapMode: Text.WordWrap
                    horizontalAlignment: Text.AlignHCenter
                    color: "white"; font.pixelSize: 24 * window.unit
                    text: (modelData.ok ? "✓ " : "✗ ") + modelData.title + ": " + modelData.detail
                          + (!modelData.ok && modelData.fix ? " – " + modelData.fix : "")
                }
            }
        }
        ConnectionDoctor { id: doctor }
    }

    // Kiosk: hide the cursor after a few seconds without movement; any movement shows it.
    MouseArea {
        objectName: "cursorArea"
        anchors.fill: parent
        enabled: window.kiosk
        hoverEnabled: true
        acceptedButtons: Qt.NoButton
        cursorShape: window.kiosk && window.cursorHidden ? Qt.BlankCursor : Qt.ArrowCursor
        onPositionChanged: { window.cursorHidden = false; cursorTimer.restart() }
    }
    Timer {
        id: cursorTimer
        objectName: "cursorTimer"
        interval: window.cursorHideMs
        running: window.kiosk
        onTriggered: window.cursorHidden = true
    }


}
