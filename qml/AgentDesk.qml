import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQml.Models
import Acdesk.Core

Rectangle {
    id: root
    objectName: "agentDesk"
    color: Theme.background
    required property AgentSession session
    property var now: new Date()
    readonly property var offer: session.offer
    readonly property var call: session.activeCall
    // A consultation on the active call: mine (I consult) or a colleague's (I am consulted).
    readonly property var consult: root.call.consult || ({})
    readonly property bool consulting: root.consult.by !== undefined && root.consult.by === session.agentId
    readonly property bool consulted: root.consult.by !== undefined && root.consult.by !== session.agentId
    readonly property string consultParty: root.consult.agent || (root.consult.to ? root.consult.to.number || "" : "")
    property string language: ""
    signal signOut()
    signal languageSelected(string code)

    Timer { interval: 1000; running: true; repeat: true; onTriggered: root.now = new Date() }

    // Every call action has a key; the same list feeds the shortcuts and the help (F1).
    readonly property var keys: [
        { seq: "Ctrl+Return", text: qsTr("Accept the offered call"), when: () => root.offer.id !== undefined, run: () => session.accept() },
        { seq: "Ctrl+D", text: qsTr("Reject the offered call"), when: () => root.offer.id !== undefined, run: () => session.reject() },
        { seq: "Ctrl+H", text: qsTr("Hang up"), when: () => root.call.id !== undefined, run: () => session.hangup() },
        { seq: "Ctrl+P", text: qsTr("Hold or resume"), when: () => root.call.id !== undefined, run: () => session.toggleHold() },
        { seq: "Ctrl+M", text: qsTr("Mute or unmute"), when: () => root.call.id !== undefined, run: () => session.toggleMute() },
        { seq: "Ctrl+T", text: qsTr("Transfer or consult…"), when: () => root.call.id !== undefined && !root.call.consult, run: () => transferDialog.open() },
        { seq: "Ctrl+E", text: qsTr("Complete the transfer to the consulted party"),
          when: () => root.consulting && root.consult.state !== "ringing", run: () => session.completeTransfer() },
        { seq: "Ctrl+J", text: qsTr("Conference: the caller joins the consultation"),
          when: () => root.consulting && root.consult.state === "talking", run: () => session.conference() },
        { seq: "Ctrl+B", text: qsTr("Back to the caller (end the consultation)"),
          when: () => root.consulting, run: () => session.cancelConsult() },
        { seq: "Ctrl+K", text: qsTr("Keypad (DTMF)"), when: () => root.call.id !== undefined, run: () => keypadToggle.toggle() },
        { seq: "Ctrl+O", text: qsTr("Open the customer record"),
          when: () => root.call.screenPop !== undefined || root.offer.screenPop !== undefined, run: () => session.openScreenPop() },
        { seq: "Ctrl+L", text: qsTr("Dial a number"), when: () => true, run: () => number.forceActiveFocus() },
        { seq: "Ctrl+R", text: qsTr("Ready"), when: () => true, run: () => session.setReady() },
        { seq: "Ctrl+N", text: qsTr("Not ready (first reason)"), when: () => session.reasons.count > 0,
          run: () => session.setNotReady(session.reasons.get(0).code) },
        { seq: "F1", text: qsTr("Show or hide these keys"), when: () => true, run: () => keyHelp.visible ? keyHelp.close() : keyHelp.open() }
    ]
    Instantiator {
        model: root.keys
        delegate: Shortcut {
            required property var modelData
            sequence: modelData.seq
            enabled: modelData.when()
            onActivated: modelData.run()
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 10

        // reconnect banner
        Rectangle {
            objectName: "reconnectBanner"
            Layout.fillWidth: true
            visible: session.status !== "online"
            height: 32
            color: Theme.redFill
            radius: 4
            Label { anchors.centerIn: parent; color: "white"
                text: qsTr("Connection lost – reconnecting…") }
        }

        // the connection's wss fallback, said once it is in use
        Label {
            objectName: "connectionNote"
            Layout.fillWidth: true
            visible: text !== ""
            text: session.connectionNote
            color: Theme.dim
            wrapMode: Text.Wrap
        }

        // status bar
        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            Rectangle { width: 16; height: 16; radius: 8; color: Theme.stateColor(session.state) }
            Label {
                objectName: "stateLabel"
                color: Theme.text; font.pixelSize: 20
                text: Theme.stateLabel(session.state) + (session.reason ? " (" + session.reason + ")" : "")
            }
            Label {
                color: Theme.dim; font.pixelSize: 20
                text: Theme.duration(root.now - session.since)
            }
            Label {
                visible: session.pending.state !== undefined
                color: Theme.amber
                text: qsTr("then: %1").arg(Theme.stateLabel(session.pending.state || ""))
            }
            Item { Layout.fillWidth: true }
            Button { objectName: "readyButton"; text: qsTr("Ready"); onClicked: session.setReady() }
            ComboBox {
                id: reasonBox
                implicitContentWidthPolicy: ComboBox.WidestTextWhenCompleted
                model: session.reasons
                textRole: "label"
                valueRole: "code"
            }
            Button { objectName: "notReadyButton"; text: qsTr("Not ready")
                onClicked: session.setNotReady(reasonBox.currentValue) }
            ComboBox {
                id: languageBox
                objectName: "languageBox"
                implicitContentWidthPolicy: ComboBox.WidestTextWhenCompleted
                // "" follows the system language
                model: [qsTr("System language"), "English", "Deutsch"]
                currentIndex: ["", "en", "de"].indexOf(root.language)
                onActivated: function(i) { root.languageSelected(["", "en", "de"][i]) }
            }
            Button { objectName: "signOutButton"; text: qsTr("Sign out"); onClicked: root.signOut() }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 12

            // The call: offer, call, wrap-up, outbound dialling.
            Item {
                Layout.fillWidth: true
                Layout.fillHeight: true
                // A Column, not a layout: its panels come and go, and Qt 6.4's nested
                // layouts missed those changes (a panel stayed 0 wide).
                Column {
                    objectName: "workArea"
                    width: parent.width
                    spacing: 10

            // incoming call
            Rectangle {
                objectName: "offerPanel"
                width: parent.width
                visible: root.offer.id !== undefined
                implicitHeight: offerCol.implicitHeight + 24
                radius: 8
                color: Theme.tile
                border.color: Theme.blue
                border.width: 3
                // The ring: a flashing border (the ground stays, so the text keeps its contrast;
                // the window also raises itself, rings and asks the desktop for attention).
                SequentialAnimation on border.color {
                    running: root.offer.id !== undefined
                    loops: Animation.Infinite
                    ColorAnimation { to: Theme.text; duration: 400 }
                    ColorAnimation { to: Theme.blue; duration: 400 }
                    onStopped: offerPanel.border.color = Theme.blue
                }
                id: offerPanel
                ColumnLayout {
                    id: offerCol
                    anchors.fill: parent
                    anchors.margins: 12
                    Label { color: Theme.blue; font.pixelSize: 16
                        text: root.offer.consult ? qsTr("%1 asks you about this caller (consultation)").arg(root.offer.consult.by)
                            : root.offer.callback ? qsTr("Call back %1 – the caller asked to be called back").arg(root.offer.callback.number)
                            : root.offer.hotline ? qsTr("Incoming call on %1").arg(root.offer.hotline.name)
                                                 : qsTr("Incoming call – %1").arg(root.offer.queue || "") }
                    Label { color: Theme.text; font.pixelSize: 28
                        text: (root.offer.caller ? (root.offer.caller.name || root.offer.caller.number) : "") }
                    Label { color: Theme.dim
                        text: root.offer.caller ? root.offer.caller.number + " · " + qsTr("waited %1").arg(Theme.duration(root.offer.waitedMs)) : "" }
                    Label { color: Theme.dim; visible: text !== ""
                        text: root.offer.data ? Object.keys(root.offer.data).map(k => k + ": " + root.offer.data[k]).join("   ") : "" }
                    RowLayout {
                        Button { objectName: "acceptButton"; text: qsTr("Accept (Ctrl+Enter)"); onClicked: session.accept() }
                        Button { objectName: "rejectButton"; text: qsTr("Reject"); onClicked: session.reject() }
                        Button { objectName: "offerRecordButton"; visible: root.offer.screenPop !== undefined
                            text: qsTr("Customer record (Ctrl+O)"); onClicked: session.openScreenPop() }
                    }
                }
            }

            // active call
            Rectangle {
                objectName: "callPanel"
                width: parent.width
                visible: root.call.id !== undefined
                implicitHeight: callCol.implicitHeight + 24
                radius: 8
                color: Theme.tile
                ColumnLayout {
                    id: callCol
                    anchors.fill: parent
                    anchors.margins: 12
                    Label { color: Theme.text; font.pixelSize: 24
                        text: root.call.caller ? (root.call.caller.name || root.call.caller.number) + "  " + root.call.caller.number : "" }
                    Label { color: Theme.dim
                        text: (root.call.state === "held" ? qsTr("On hold") : qsTr("Connected"))
                              + " · " + Theme.duration(root.now - Date.parse(root.call.answeredAt || root.call.arrivedAt))
                              + (root.call.muted ? " · " + qsTr("muted") : "") }
                    // The consultation, as each side sees it.
                    Label { objectName: "consultStatus"; color: Theme.blue; font.pixelSize: 16
                        Layout.fillWidth: true; wrapMode: Text.Wrap
                        visible: root.call.consult !== undefined
                        text: root.consulted
                              ? (root.consult.state === "conference" ? qsTr("Conference with %1 and the caller").arg(root.consult.by)
                                                                     : qsTr("%1 consults you; the caller is on hold").arg(root.consult.by))
                              : root.consult.state === "ringing" ? qsTr("Calling %1… The caller is on hold.").arg(root.consultParty)
                              : root.consult.state === "talking" ? qsTr("Talking with %1. The caller is on hold.").arg(root.consultParty)
                              : qsTr("Conference with %1 and the caller").arg(root.consultParty) }
                    Label { objectName: "consultNote"; color: Theme.amber; Layout.fillWidth: true; wrapMode: Text.Wrap
                        visible: text !== "" && root.call.consult === undefined; text: session.consultNote }
                    RowLayout {
                        visible: root.consulting
                        Button { objectName: "completeTransferButton"; text: qsTr("Complete transfer (Ctrl+E)")
                            enabled: root.consult.state !== "ringing"; onClicked: session.completeTransfer() }
                        Button { objectName: "conferenceButton"; text: qsTr("Conference (Ctrl+J)")
                            enabled: root.consult.state === "talking"; onClicked: session.conference() }
                        Button { objectName: "cancelConsultButton"; text: qsTr("Back to caller (Ctrl+B)"); onClicked: session.cancelConsult() }
                    }
                    // Two rows, so that the longer German labels fit beside the queues.
                    RowLayout {
                        Button { objectName: "holdButton"; visible: !root.call.consult
                            text: root.call.state === "held" ? qsTr("Resume") : qsTr("Hold"); onClicked: session.toggleHold() }
                        Button { objectName: "muteButton"; visible: !root.consulted
                            text: root.call.muted ? qsTr("Unmute") : qsTr("Mute"); onClicked: session.toggleMute() }
                        Button { objectName: "keypadButton"; visible: !root.call.consult; text: qsTr("Keypad"); checkable: true; id: keypadToggle }
                        Button { objectName: "hangupButton"; text: qsTr("Hang up (Ctrl+H)"); onClicked: session.hangup() }
                    }
                    RowLayout {
                        visible: !root.call.consult || root.call.screenPop !== undefined
                        Button { id: transferButton; objectName: "transferButton"; visible: !root.call.consult
                            text: qsTr("Transfer or consult…"); onClicked: transferDialog.open() }
                        Button { id: recordButton; objectName: "recordButton"; visible: root.call.screenPop !== undefined
                            text: qsTr("Customer record (Ctrl+O)"); onClicked: session.openScreenPop() }
                    }
                    // DTMF keypad: each key is sent at once, as on a phone
                    Grid {
                        objectName: "dtmfKeypad"
                        visible: keypadToggle.checked
                        columns: 3
                        spacing: 4
                        Repeater {
                            model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"]
                            Button {
                                required property string modelData
                                objectName: "dtmf_" + modelData
                                text: modelData
                                width: 48
                                onClicked: session.dtmf(modelData)
                            }
                        }
                    }
                }
            }

            // wrap-up
            Rectangle {
                objectName: "wrapUpPanel"
                width: parent.width
                visible: session.state === "wrap_up"
                implicitHeight: wrapCol.implicitHeight + 24
                radius: 8
                color: Theme.tile
                border.color: Theme.purple
                ColumnLayout {
                    id: wrapCol
                    anchors.fill: parent
                    anchors.margins: 12
                    Label { objectName: "wrapUpTime"; color: Theme.text
                        text: qsTr("Wrap-up – %1").arg(Theme.duration(root.now - session.since)) }
                    RowLayout {
                        Layout.fillWidth: true
                        ComboBox { id: disposition; model: session.dispositions; textRole: "label"; valueRole: "code"
                            implicitContentWidthPolicy: ComboBox.WidestTextWhenCompleted }
                        TextField { id: notes; Layout.fillWidth: true; Layout.minimumWidth: 160; placeholderText: qsTr("Notes") }
                        Button { objectName: "endWrapUpButton"; text: qsTr("Done")
                            onClicked: { session.endWrapUp(disposition.currentValue, notes.text); notes.text = "" } }
                    }
                }
            }

                // no call: what the agent is waiting for
                Rectangle {
                    objectName: "idlePanel"
                    width: parent.width
                    visible: root.offer.id === undefined && root.call.id === undefined && session.state !== "wrap_up"
                    implicitHeight: idleText.implicitHeight + 32
                    radius: 8
                    color: Theme.tile
                    Label {
                        id: idleText
                        anchors.left: parent.left
                        anchors.right: parent.right
                        anchors.verticalCenter: parent.verticalCenter
                        anchors.margins: 16
                        wrapMode: Text.Wrap
                        color: Theme.dim
                        font.pixelSize: 18
                        text: session.state === "ready" ? qsTr("No call right now. The next caller rings here.")
                                                        : qsTr("No call. Choose Ready to take calls.")
                    }
                }

                // dial pad
                RowLayout {
                    width: parent.width
                    Label { color: Theme.dim; text: qsTr("Outbound call") }
                    TextField { id: number; Layout.fillWidth: true; Layout.maximumWidth: 260; placeholderText: qsTr("Number") }
                    Button { text: qsTr("Dial"); enabled: number.text !== ""; onClicked: session.dial(number.text) }
                }
                Label { objectName: "deskError"; color: Theme.red; text: session.lastError; visible: text !== ""
                    width: parent.width; wrapMode: Text.Wrap }
                Label { color: Theme.amber; visible: session.message.text !== undefined; text: session.message.text || ""
                    width: parent.width; wrapMode: Text.Wrap }
                }
            }

            // My queues and today's calls, beside the call.
            ColumnLayout {
                objectName: "sideArea"
                Layout.fillHeight: true
                Layout.fillWidth: false // its rows fill it; it does not grow
                // about a third of the window, the call gets the rest
                Layout.preferredWidth: Math.min(480, Math.max(300, root.width * 0.36))
                spacing: 8
                Label { color: Theme.dim; font.pixelSize: 16; text: qsTr("My queues") }
                Repeater {
                    model: session.queues
                    Rectangle {
                        required property string name
                        required property int waiting
                        required property double longestWaitMs
                        Layout.fillWidth: true
                        implicitHeight: queueRow.implicitHeight + 16
                        radius: 6
                        color: Theme.tile
                        RowLayout {
                            id: queueRow
                            anchors.fill: parent
                            anchors.margins: 8
                            Label { text: name; color: Theme.text; font.bold: true; Layout.fillWidth: true
                                elide: Text.ElideRight }
                            Label { color: waiting > 0 ? Theme.amber : Theme.dim
                                text: qsTr("%1 waiting, longest %2").arg(waiting).arg(Theme.duration(longestWaitMs)) }
                        }
                    }
                }
                Label { color: Theme.dim; font.pixelSize: 16; text: qsTr("Today's calls"); Layout.topMargin: 8 }
                ListView {
                    objectName: "historyList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    spacing: 4
                    model: session.history
                    delegate: Label {
                        required property string endedAt
                        required property var caller
                        required property var queue
                        required property string cause
                        width: ListView.view.width
                        wrapMode: Text.Wrap
                        color: Theme.text
                        text: new Date(endedAt).toLocaleTimeString(Qt.locale(), "HH:mm") + "  "
                              + (caller.name || caller.number) + " · " + (queue || "") + " · " + Theme.causeLabel(cause)
                    }
                }
            }
        }
    }

    AgentTransferDialog { id: transferDialog; session: root.session }

    // The keys, listed (F1).
    Popup {
        id: keyHelp
        objectName: "keyHelp"
        anchors.centerIn: parent
        modal: true
        focus: true
        padding: 20
        background: Rectangle { color: Theme.tile; radius: 8; border.color: Theme.dim }
        ColumnLayout {
            spacing: 6
            Label { text: qsTr("Keyboard shortcuts"); color: Theme.text; font.pixelSize: 20; font.bold: true }
            GridLayout {
                columns: 2
                columnSpacing: 24
                rowSpacing: 4
                Repeater {
                    model: root.keys.length * 2
                    Label {
                        required property int index
                        objectName: index % 2 ? "keyText" + (index >> 1) : "keySeq" + (index >> 1)
                        readonly property var key: root.keys[index >> 1]
                        text: index % 2 ? key.text : key.seq.replace("Ctrl", qsTr("Ctrl")).replace("Return", qsTr("Enter"))
                        color: index % 2 ? Theme.text : Theme.blue
                        font.bold: index % 2 === 0
                    }
                }
            }
            Label { text: qsTr("Esc closes this list."); color: Theme.dim }
        }
    }
}
