pragma Singleton
import QtQuick

// Colours and sizes shared by every view, so the agent window and the wallboard agree.
QtObject {
    readonly property color background: "#0f1419"
    readonly property color tile: "#1b232c"
    readonly property color text: "#e8edf2"
    readonly property color dim: "#8a99a8"
    // Signal colours: borders, dots, figures and text on the dark grounds (each passes
    // WCAG AA as text on background and tile, tests/qml: contrast audit).
    readonly property color green: "#2e9d5b"
    readonly property color amber: "#d99a1e"
    readonly property color red: "#f87171"
    readonly property color blue: "#60a5fa"
    readonly property color purple: "#c084fc"
    // The agent window's smallest size: nothing may be cut off there, in any language
    // (tests/qml/agent: test_5_nothingCutOff).
    readonly property int agentMinWidth: 960
    readonly property int agentMinHeight: 640
    // The supervisor console's smallest size (tests/qml/supervisor: test_8_everyTabReadable).
    readonly property int supervisorMinWidth: 1280
    readonly property int supervisorMinHeight: 800

    // A wallboard queue tile at unit 1: margins 12+12, title 40, spacing 4, four rows of
    // figures (57 + 26) with 2 between, and the border's room (QueueTile). Two rows of
    // tiles and a row of agents fit 1080 p.
    readonly property int queueTileHeight: 24 + 40 + 4 + 4 * (57 + 26) + 3 * 2 + 8

    // A wallboard agent card at 1080 p (the grid is laid out with it).
    readonly property int agentCardWidth: 400
    readonly property int agentCardHeight: 110

    // Grounds for white text (chips, banners, the ticker): white on each passes AA.
    readonly property color greenFill: "#15803d"
    readonly property color amberFill: "#8a5a00"
    readonly property color redFill: "#b91c1c"
    readonly property color blueFill: "#1d4ed8"

    // The controls' palette (Fusion style, qml/look.cpp): every view root and window calls
    // paint(palette), and controls inherit it. Text on each ground passes WCAG AA.
    function paint(p) {
        p.window = background
        p.windowText = text
        p.base = "#141b22"
        p.alternateBase = tile
        p.text = text
        p.placeholderText = dim
        p.button = "#26323f"
        p.buttonText = text
        p.brightText = "#ffffff"
        p.highlight = "#2563eb"
        p.highlightedText = "#ffffff"
        p.link = "#60a5fa"
        p.toolTipBase = tile
        p.toolTipText = text
        p.light = "#3a4756"
        p.midlight = "#303c4a"
        p.mid = "#2a3542"
        p.dark = "#0b0f13"
        p.shadow = "#000000"
        p.disabled.windowText = "#6b7785"
        p.disabled.text = "#6b7785"
        p.disabled.buttonText = "#6b7785"
        p.disabled.button = "#1d2630"
    }

    function stateColor(state) {
        switch (state) {
        case "ready": return green
        case "ringing": case "on_call": return blue
        case "wrap_up": return purple
        case "not_ready": return amber
        default: return "#555"
        }
    }
    // How a call ended, for today's calls.
    function causeLabel(cause) {
        switch (cause) {
        case "agent_hangup": return qsTr("hung up")
        case "caller_hangup": return qsTr("caller hung up")
        case "transferred": return qsTr("transferred")
        case "rejected": return qsTr("rejected")
        case "no_answer": return qsTr("not answered")
        case "withdrawn": return qsTr("withdrawn")
        case "agent_lost": return qsTr("connection lost")
        default: return cause || ""
        }
    }
    function stateLabel(state) {
        switch (state) {
        case "ready": return qsTr("Ready")
        case "ringing": return qsTr("Ringing")
        case "on_call": return qsTr("On call")
        case "wrap_up": return qsTr("Wrap-up")
        case "not_ready": return qsTr("Not ready")
        default: return qsTr("Logged out")
        }
    }
    function duration(ms) {
        if (ms === undefined || ms === null || isNaN(ms)) return "–"
        var s = Math.max(0, Math.round(ms / 1000))
        var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60
        var mm = (h > 0 && m < 10 ? "0" : "") + m
        return (h > 0 ? h + ":" : "") + mm + ":" + (sec < 10 ? "0" : "") + sec
    }
    function percent(r) {
        return (r === undefined || r === null) ? "–" : Math.round(r * 100) + "%"
    }
    // green / amber / red for a value against its thresholds
    function level(value, amber, red, higherIsWorse) {
        var name = levelName(value, amber, red, higherIsWorse)
        return name === "" ? tile : levelColor(name)
    }

    // The threshold rule, shared with resources/web/wallboard.html (keep them equal):
    // a threshold is the first value of its colour. Counts and waits: value >= red is red,
    // value >= amber is amber. Service level (higher is better): value <= red is red,
    // value <= amber is amber. No value (null: nothing to measure yet) is "".
    function levelName(value, amber, red, higherIsWorse) {
        if (value === undefined || value === null || isNaN(value)) return ""
        if (higherIsWorse)
            return value >= red ? "red" : value >= amber ? "amber" : "green"
        return value <= red ? "red" : value <= amber ? "amber" : "green"
    }
    function levelColor(name) {
        return name === "red" ? red : name === "amber" ? amber : name === "green" ? green : dim
    }
    // A waiting time as the wallboard shows it: whole seconds, cut down (never rounded up),
    // so "1:00" appears exactly when a 60 s threshold is reached.
    function waitDuration(ms) {
        if (ms === undefined || ms === null || isNaN(ms)) return "–"
        return duration(Math.floor(Math.max(0, ms) / 1000) * 1000)
    }
    // Per-queue colours from the server's thresholds (protocol.md section 5; defaults when
    // absent). elapsedMs ticks the longest wait on between two stats events.
    function queueLevels(q, elapsedMs) {
        var th = (q && q.thresholds) || {}
        var w = th.waiting || {}, lw = th.longestWaitSeconds || {}, sl = th.serviceLevel || {}
        var waitMs = q && q.waiting > 0 ? (q.longestWaitMs || 0) + Math.max(0, elapsedMs || 0) : 0
        var r = {
            waitMs: waitMs,
            waiting: levelName(q ? q.waiting : null, w.amber !== undefined ? w.amber : 3, w.red !== undefined ? w.red : 6, true),
            longestWait: levelName(Math.floor(waitMs / 1000), lw.amber !== undefined ? lw.amber : 60, lw.red !== undefined ? lw.red : 120, true),
            serviceLevel: levelName(q && q.today ? q.today.serviceLevel : null, sl.amber !== undefined ? sl.amber : 0.8, sl.red !== undefined ? sl.red : 0.6, false)
        }
        var all = [r.waiting, r.longestWait, r.serviceLevel]
        r.overall = all.indexOf("red") >= 0 ? "red" : all.indexOf("amber") >= 0 ? "amber" : "green"
        return r
    }
}
