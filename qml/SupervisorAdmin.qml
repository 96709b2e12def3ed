import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Acdesk.Core

// Administration (supervisors with "admin": true): the office's configuration as the
// server runs it, edited in forms per section and sent back whole (admin.config.put). The
// server validates with the same rules as the file; a refused field shows the reason right
// under it. Before anything is sent, a confirmation says what the change does to live work.
Item {
    id: page
    required property SupervisorSession session
    property string section: "agents"
    property int selected: -1
    property var draft: ({})
    property int revision: 0 // bumped on every edit: the draft is changed in place
    property bool dirty: false

    readonly property var sections: [
        { key: "agents", label: qsTr("Agents"), role: "agent" },
        { key: "queues", label: qsTr("Queues") },
        { key: "hotlines", label: qsTr("Hotlines") },
        { key: "reasons", label: qsTr("Not-ready reasons") },
        { key: "dispositions", label: qsTr("Dispositions") },
        { key: "supervisors", label: qsTr("Supervisors"), role: "supervisor" },
        { key: "wallboards", label: qsTr("Wallboards"), role: "wallboard" },
        { key: "gateways", label: qsTr("Gateways"), role: "gateway" }
    ]
    readonly property var strategies: ["longest_idle", "round_robin", "ring_all", "fewest_calls",
                                       "least_talk_time", "skills", "linear", "random"]

    // What each section's form edits: key (dotted for nested objects), label, kind.
    //   text, number, choice (choices), bool, list (agent queues "support, sales:5"),
    //   map ("english=3, french=1"), rules (escalation "30=5, 60=10").
    // Fields do not depend on the draft (their editors would be made anew on each edit);
    // choices naming "queues" are looked up when shown.
    function fieldsOf(s) {
        switch (s) {
        case "agents": return [
            { key: "id", label: qsTr("ID"), kind: "text" },
            { key: "name", label: qsTr("Name"), kind: "text" },
            { key: "queues", label: qsTr("Queues (queue or queue:penalty, comma-separated)"), kind: "list" },
            { key: "skills", label: qsTr("Skills (skill=level, comma-separated)"), kind: "map" },
            { key: "penalty", label: qsTr("Penalty"), kind: "number" }]
        case "queues": return [
            { key: "id", label: qsTr("ID"), kind: "text" },
            { key: "name", label: qsTr("Name"), kind: "text" },
            { key: "strategy", label: qsTr("Strategy"), kind: "choice", choices: strategies },
            { key: "slSeconds", label: qsTr("Service level target (seconds)"), kind: "number" },
            { key: "offerTimeoutSeconds", label: qsTr("Offer timeout (seconds)"), kind: "number" },
            { key: "wrapUpSeconds", label: qsTr("Wrap-up (seconds)"), kind: "number" },
            { key: "maxWaitSeconds", label: qsTr("Maximum wait (seconds)"), kind: "number" },
            { key: "overflowTo", label: qsTr("Overflow to"), kind: "choice", choices: "queues+none" },
            { key: "joinEmpty", label: qsTr("When nobody is logged in"), kind: "choice", choices: ["join", "overflow", "refuse"] },
            { key: "thresholds.waiting.amber", label: qsTr("Waiting calls: amber from"), kind: "number" },
            { key: "thresholds.waiting.red", label: qsTr("Waiting calls: red from"), kind: "number" },
            { key: "thresholds.longestWaitSeconds.amber", label: qsTr("Longest wait: amber from (seconds)"), kind: "number" },
            { key: "thresholds.longestWaitSeconds.red", label: qsTr("Longest wait: red from (seconds)"), kind: "number" },
            { key: "thresholds.serviceLevel.amber", label: qsTr("Service level: amber below"), kind: "number" },
            { key: "thresholds.serviceLevel.red", label: qsTr("Service level: red below"), kind: "number" },
            { key: "escalation", label: qsTr("Escalation (after seconds=max penalty, comma-separated)"), kind: "rules" },
            { key: "requiredSkills", label: qsTr("Required skills (skill=level)"), kind: "map" }]
        case "hotlines": return [
            { key: "number", label: qsTr("Number"), kind: "text" },
            { key: "name", label: qsTr("Name"), kind: "text" },
            { key: "queue", label: qsTr("Queue"), kind: "choice", choices: "queues" },
            { key: "priority", label: qsTr("Priority"), kind: "number" }]
        case "reasons":
        case "dispositions": return [
            { key: "code", label: qsTr("Code"), kind: "text" },
            { key: "label", label: qsTr("Label"), kind: "text" }]
        case "supervisors": return [
            { key: "id", label: qsTr("ID"), kind: "text" },
            { key: "name", label: qsTr("Name"), kind: "text" },
            { key: "admin", label: qsTr("Administrator"), kind: "bool" }]
        default: return [
            { key: "id", label: qsTr("ID"), kind: "text" },
            { key: "name", label: qsTr("Name"), kind: "text" }]
        }
    }

    function choicesOf(f) {
        page.revision
        const queueIds = (draft.queues || []).map(q => q.id)
        if (f.choices === "queues")
            return queueIds
        if (f.choices === "queues+none")
            return [""].concat(queueIds)
        return f.choices || []
    }
    function reset() {
        draft = JSON.parse(JSON.stringify(session.adminConfig || {}))
        revision++
        dirty = false
        if (selected >= entries().length || selected < 0)
            selected = entries().length > 0 ? 0 : -1
    }
    function entries() { page.revision; return draft[section] || [] }
    function nameOf(e) { return e.id || e.number || e.code || "" }
    function sectionInfo() { return sections.filter(s => s.key === section)[0] }

    function getKey(obj, key) {
        return key.split(".").reduce((o, k) => o === undefined || o === null ? undefined : o[k], obj)
    }
    function setKey(obj, key, value) {
        const parts = key.split(".")
        let o = obj
        for (let i = 0; i < parts.length - 1; ++i) {
            if (o[parts[i]] === undefined || typeof o[parts[i]] !== "object")
                o[parts[i]] = {}
            o = o[parts[i]]
        }
        if (value === undefined)
            delete o[parts[parts.length - 1]]
        else
            o[parts[parts.length - 1]] = value
    }
    // Field value <-> text of its editor.
    function toText(f, v) {
        if (v === undefined || v === null)
            return ""
        switch (f.kind) {
        case "list": return v.map(m => typeof m === "string" ? m : m.queue + ":" + m.penalty).join(", ")
        case "map": return Object.keys(v).map(k => k + "=" + v[k]).join(", ")
        case "rules": return v.map(r => r.afterSeconds + "=" + r.maxPenalty).join(", ")
        default: return String(v)
        }
    }
    function fromText(f, t) {
        t = t.trim()
        if (t === "")
            return undefined // optional: the server's default
        const items = t.split(",").map(x => x.trim()).filter(x => x !== "")
        switch (f.kind) {
        case "number": return isNaN(Number(t)) ? t : Number(t) // the server says what is wrong
        case "list": return items.map(x => x.indexOf(":") < 0 ? x
                                                             : { queue: x.split(":")[0].trim(), penalty: Number(x.split(":")[1]) })
        case "map": {
            const m = {}
            items.forEach(x => { m[x.split("=")[0].trim()] = Number(x.split("=")[1]) })
            return m
        }
        case "rules": return items.map(x => ({ afterSeconds: Number(x.split("=")[0]), maxPenalty: Number(x.split("=")[1]) }))
        default: return t
        }
    }
    function setField(f, value) {
        const list = draft[section]
        if (!list || selected < 0)
            return
        setKey(list[selected], f.key, value)
        revision++
        dirty = true
    }
    function pathOf(key) { return "$." + section + "[" + selected + "]." + key }
    function errorFor(key) {
        const e = session.adminError
        return e && e.path === pathOf(key) ? e.reason : ""
    }
    function addEntry() {
        if (!draft[section])
            draft[section] = []
        const fresh = section === "reasons" || section === "dispositions" ? { code: "new" }
                    : section === "hotlines" ? { number: "", queue: (draft.queues || [{ id: "" }])[0].id }
                    : { id: "new" }
        if (sectionInfo().role)
            fresh[section === "wallboards" || section === "gateways" ? "secret" : "password"] = ""
        draft[section].push(fresh)
        selected = draft[section].length - 1
        revision++
        dirty = true
    }
    function removeEntry() {
        if (selected < 0)
            return
        draft[section].splice(selected, 1)
        selected = -1
        revision++
        dirty = true
    }

    // What the change does to live work, in words, from the differences per section.
    function consequences() {
        page.revision
        const out = []
        const before = session.adminConfig || {}
        sections.forEach(s => {
            const was = before[s.key] || [], now = draft[s.key] || []
            const ids = x => x.map(nameOf)
            const added = ids(now).filter(i => ids(was).indexOf(i) < 0)
            const removed = ids(was).filter(i => ids(now).indexOf(i) < 0)
            const changed = now.filter(e => {
                const old = was.filter(w => nameOf(w) === nameOf(e))[0]
                return old && JSON.stringify(old) !== JSON.stringify(e)
            }).map(nameOf)
            if (s.key === "agents") {
                added.forEach(i => out.push(qsTr("Agent %1 is added and can log in at once.").arg(i)))
                removed.forEach(i => out.push(qsTr("Agent %1 is removed: no more offers; a call in progress is finished first, then the agent is signed out.").arg(i)))
                changed.forEach(i => out.push(qsTr("Agent %1 changes: calls in progress go on; the next offers follow the new queues and skills.").arg(i)))
            } else if (s.key === "queues") {
                added.forEach(i => out.push(qsTr("Queue %1 is added.").arg(i)))
                removed.forEach(i => out.push(qsTr("Queue %1 is removed: its waiting callers move to its overflow queue (refused if it has none).").arg(i)))
                changed.forEach(i => out.push(qsTr("Queue %1 changes: applies to the next decision; waiting calls keep their place.").arg(i)))
            } else {
                added.concat(changed).forEach(i => out.push(qsTr("%1 %2 is added or changed.").arg(s.label).arg(i)))
                removed.forEach(i => out.push(qsTr("%1 %2 is removed; its sessions are signed out.").arg(s.label).arg(i)))
            }
        })
        if (out.length === 0)
            out.push(qsTr("Nothing changes."))
        out.push(qsTr("No call is dropped and no other session is signed out."))
        return out.join("\n")
    }

    Component.onCompleted: reset()
    Connections {
        target: page.session
        function onAdminChanged() { if (!page.dirty) page.reset() }
        function onAdminErrorChanged() {
            // Show the entry the server complains about.
            const m = /^\$\.(\w+)\[(\d+)\]/.exec(page.session.adminError.path || "")
            if (m) {
                page.section = m[1]
                page.selected = Number(m[2])
            } else if (!page.session.adminSaving && (page.session.adminError.code || "") === "") {
                page.dirty = false
                page.reset()
            }
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 12

        ListView {
            objectName: "adminSections"
            Layout.preferredWidth: 200
            Layout.fillHeight: true
            model: page.sections
            delegate: ItemDelegate {
                required property var modelData
                width: ListView.view.width
                objectName: "section_" + modelData.key
                text: modelData.label
                highlighted: page.section === modelData.key
                onClicked: {
                    page.section = modelData.key
                    page.selected = page.entries().length > 0 ? 0 : -1
                }
            }
        }

        ColumnLayout {
            Layout.preferredWidth: 260
            Layout.maximumWidth: 260
            Layout.fillWidth: false
            Layout.fillHeight: true
            ListView {
                objectName: "adminEntries"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: page.entries()
                delegate: ItemDelegate {
                    required property var modelData
                    required property int index
                    width: ListView.view.width
                    objectName: "entry_" + page.nameOf(modelData)
                    text: page.nameOf(modelData) + (modelData.name ? " – " + modelData.name : modelData.label ? " – " + modelData.label : "")
                    highlighted: page.selected === index
                    onClicked: page.selected = index
                }
            }
            RowLayout {
                Button { objectName: "adminAdd"; text: qsTr("Add"); onClicked: page.addEntry() }
                Button { objectName: "adminRemove"; text: qsTr("Remove"); enabled: page.selected >= 0; onClicked: page.removeEntry() }
            }
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 6
            ScrollView {
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                ColumnLayout {
                    width: Math.min(page.width - 480, 640)
                    visible: page.selected >= 0
                    spacing: 4
                    Repeater {
                        model: page.selected >= 0 ? page.fieldsOf(page.section) : []
                        delegate: ColumnLayout {
                            id: row
                            required property var modelData
                            readonly property var value: page.getKey(page.entries()[page.selected] || {}, modelData.key)
                            Layout.fillWidth: true
                            spacing: 2
                            Label { text: row.modelData.label; color: Theme.dim }
                            TextField {
                                objectName: "field_" + row.modelData.key
                                visible: row.modelData.kind !== "choice" && row.modelData.kind !== "bool"
                                Layout.fillWidth: true
                                text: page.toText(row.modelData, row.value)
                                onEditingFinished: if (text !== page.toText(row.modelData, row.value))
                                                       page.setField(row.modelData, page.fromText(row.modelData, text))
                            }
                            ComboBox {
                                objectName: "choice_" + row.modelData.key
                                visible: row.modelData.kind === "choice"
                                Layout.fillWidth: true
                                model: row.modelData.kind === "choice" ? page.choicesOf(row.modelData) : []
                                currentIndex: Math.max(0, page.choicesOf(row.modelData).indexOf(row.value === undefined ? "" : row.value))
                                onActivated: page.setField(row.modelData, currentText === "" ? undefined : currentText)
                            }
                            CheckBox {
                                objectName: "check_" + row.modelData.key
                                visible: row.modelData.kind === "bool"
                                checked: row.value === true
                                onToggled: page.setField(row.modelData, checked)
                            }
                            // The validator's word on this field, right under it.
                            Label {
                                objectName: "error_" + row.modelData.key
                                visible: text !== ""
                                text: page.errorFor(row.modelData.key)
                                color: Theme.red
                                wrapMode: Text.WordWrap
                                Layout.fillWidth: true
                            }
                        }
                    }
                    // Accounts: a new password (the running one is never shown).
                    RowLayout {
                        visible: !!page.sectionInfo().role && page.selected >= 0
                        Layout.fillWidth: true
                        TextField {
                            id: newPassword
                            objectName: "newPassword"
                            Layout.fillWidth: true
                            echoMode: TextInput.Password
                            placeholderText: qsTr("New password (at least 8 characters)")
                        }
                        Button {
                            objectName: "setPassword"
                            text: qsTr("Set password")
                            enabled: newPassword.text.length >= 8
                            onClicked: {
                                const e = page.entries()[page.selected]
                                if (page.dirty && e && !(page.session.adminConfig[page.section] || []).some(x => x.id === e.id)) {
                                    // not saved yet: the password goes with the new account
                                    page.setField({ key: page.section === "wallboards" || page.section === "gateways" ? "secret" : "password" }, newPassword.text)
                                } else {
                                    page.session.resetPassword(page.sectionInfo().role, e.id, newPassword.text)
                                }
                                newPassword.text = ""
                            }
                        }
                    }
                }
            }
            Label {
                objectName: "adminErrorLabel"
                Layout.fillWidth: true
                visible: text !== ""
                text: page.session.adminError.message || ""
                color: Theme.red
                wrapMode: Text.WordWrap
            }
            RowLayout {
                Button {
                    objectName: "adminSave"
                    text: page.session.adminSaving ? qsTr("Saving…") : qsTr("Save…")
                    enabled: page.dirty && !page.session.adminSaving && page.session.live
                    onClicked: confirm.open()
                }
                Button {
                    objectName: "adminRevert"
                    text: qsTr("Revert")
                    enabled: page.dirty
                    onClicked: page.reset()
                }
            }
        }
    }

    Dialog {
        id: confirm
        objectName: "adminConfirm"
        anchors.centerIn: parent
        modal: true
        title: qsTr("Apply this change now?")
        Label {
            objectName: "adminConsequences"
            text: confirm.visible ? page.consequences() : ""
            wrapMode: Text.WordWrap
            width: Math.min(page.width - 120, 640)
        }
        footer: DialogButtonBox {
            Button { objectName: "adminConfirmOk"; text: qsTr("Apply"); DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole }
            Button { objectName: "adminConfirmCancel"; text: qsTr("Cancel"); DialogButtonBox.buttonRole: DialogButtonBox.RejectRole }
        }
        onAccepted: page.session.saveAdminConfig(page.draft)
    }
}
