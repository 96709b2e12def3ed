#pragma once

// The SIP dialogs the gateway holds, kept in a file as they open and end, so that a gateway
// that was killed (or a server with its in-process gateway) ends them with BYE when it
// starts again: no phone keeps a dead call until its own timeout. Plain Qt, no libre: the
// core feeds it what it sends and receives.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

namespace acdesk::sip {

/** @brief What it takes to send BYE in a dialog without the stack's own state. */
struct JournalDialog
{
    QByteArray callId;
    QByteArray local;        // our side as in From/To, with our tag
    QByteArray remote;       // the peer's side, with its tag
    QByteArray target;       // the peer's Contact URI: the BYE's Request-URI
    QList<QByteArray> route; // route set, in the order a request carries it
    quint32 cseq = 0;        // the highest CSeq we sent in the dialog

    bool operator==(const JournalDialog &o) const
    {
        return callId == o.callId && local == o.local && remote == o.remote && target == o.target &&
               route == o.route && cseq == o.cseq;
    }
};

/**
 * @brief An append-only file of JSON lines ({"open": {...}} or {"end": CALL-ID}) with the
 * live dialogs in memory; rewritten when it holds mostly ended dialogs. One thread only.
 */
class DialogJournal
{
public:
    DialogJournal() = default;
    ~DialogJournal();
    DialogJournal(const DialogJournal &) = delete;
    DialogJournal &operator=(const DialogJournal &) = delete;

    /**
     * @brief Opens (or creates) @p path. The dialogs a previous run left open are returned
     * in @p left and stay in the journal until end() is called for them. A torn last line
     * (killed while writing) is skipped.
     */
    bool open(const QString &path, QList<JournalDialog> *left, QString *error);
    bool isOpen() const { return m_fd >= 0; }
    /** @brief A dialog was confirmed (or refreshed by a re-INVITE). */
    void confirm(const JournalDialog &dialog);
    /** @brief We sent a request with @p cseq in the dialog (the BYE must count past it). */
    void sent(const QByteArray &callId, quint32 cseq);
    /** @brief The dialog ended (BYE either way). */
    void end(const QByteArray &callId);
    bool contains(const QByteArray &callId) const { return m_live.contains(callId); }
    int size() const { return int(m_live.size()); }

private:
    void append(const QByteArray &line);
    void compact();
    QString m_path;
    int m_fd = -1;
    QHash<QByteArray, JournalDialog> m_live;
    qint64 m_lines = 0; // lines in the file now
};

} // namespace acdesk::sip
