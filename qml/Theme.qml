pragma Singleton
import QtQuick

// Colours and sizes shared by every view, so the agent window and the wallboard agree.
QtObject {
    readonly property color background: "#0f1419"
    readonly property color tile: "#1b232c"
    readonly property color text: "#e8edf2"
    readonly property color dim: "#8a99a8"
    readonly property color green: "#2e9d5b"
    readonly property color amber: "#d99a1e"
    readonly property color red: "#d6453d"
    readonly property color blue: "#3b82f6"
    readonly property color purple: "#a855f7"

    function stateColor(state) {
        switch (state) {
        case "ready": return green
        case "ringing": case "on_call": return blue
        case "wrap_up": return purple
        case "not_ready": return amber
        default: return "#555"
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
        if (value === undefined || value === null) return tile
        if (higherIsWorse)
            return value >= red ? this.red : value >= amber ? this.amber : green
        return value <= red ? this.red : value <= amber ? this.amber : green
    }
}
