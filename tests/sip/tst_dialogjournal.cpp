// The SIP gateway's dialog journal: what one run writes is what the next run gets back to
// end with BYE, with the CSeq past our last request; torn lines are skipped; the file stays
// small however many calls pass through it.
#include "dialogjournal.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using acdesk::sip::DialogJournal;
using acdesk::sip::JournalDialog;

namespace {

JournalDialog dialog(int n)
{
    JournalDialog d;
    d.callId = "call-" + QByteArray::number(n) + "@127.0.0.1";
    d.local = "<sip:100@127.0.0.1:5070>;tag=ours" + QByteArray::number(n);
    d.remote = "\"Caller\" <sip:0171@127.0.0.1>;tag=theirs" + QByteArray::number(n);
    d.target = "sip:caller@127.0.0.1:5062";
    d.route = {"<sip:proxy.example;lr>"};
    d.cseq = 0;
    return d;
}

QList<JournalDialog> reopen(const QString &path)
{
    DialogJournal j;
    QList<JournalDialog> left;
    QString error;
    if (!j.open(path, &left, &error))
        qWarning() << error;
    std::sort(left.begin(), left.end(),
              [](const JournalDialog &a, const JournalDialog &b) { return a.callId < b.callId; });
    return left;
}

} // namespace

class TestDialogJournal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void whatIsLeftOpenComesBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("state/sip-dialogs.journal"));
        {
            DialogJournal j;
            QList<JournalDialog> left;
            QString error;
            QVERIFY2(j.open(path, &left, &error), qPrintable(error));
            QVERIFY(left.isEmpty());
            j.confirm(dialog(1));
            j.confirm(dialog(2));
            j.confirm(dialog(3));
            j.sent(dialog(2).callId, 7);
            j.sent(dialog(2).callId, 5); // an older CSeq does not count back
            j.end(dialog(3).callId);
            // A re-INVITE's answer carries no CSeq of ours: the one we had stays.
            j.confirm(dialog(2));
            QCOMPARE(j.size(), 2);
        } // no clean end: like a SIGKILL, the file holds what was written
        const QList<JournalDialog> left = reopen(path);
        QCOMPARE(left.size(), 2);
        QCOMPARE(left[0], dialog(1));
        JournalDialog two = dialog(2);
        two.cseq = 7;
        QCOMPARE(left[1], two);
        // Still open until ended: a second crash before the BYEs were sent keeps them.
        QCOMPARE(reopen(path).size(), 2);
    }

    void aTornLastLineIsSkipped()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("j"));
        {
            DialogJournal j;
            QList<JournalDialog> left;
            QString error;
            QVERIFY(j.open(path, &left, &error));
            j.confirm(dialog(1));
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        f.write("{\"open\": {\"callId\": \"call-2@127");
        f.close();
        const QList<JournalDialog> left = reopen(path);
        QCOMPARE(left.size(), 1);
        QCOMPARE(left[0], dialog(1));
    }

    void theFileStaysSmall()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("j"));
        DialogJournal j;
        QList<JournalDialog> left;
        QString error;
        QVERIFY(j.open(path, &left, &error));
        j.confirm(dialog(0)); // one long call through it all
        for (int i = 1; i <= 20000; ++i) {
            j.confirm(dialog(i));
            j.end(dialog(i).callId);
        }
        QVERIFY2(QFileInfo(path).size() < 1001 * 250,
                 qPrintable(QString::number(QFileInfo(path).size())));
        const QList<JournalDialog> back = reopen(path);
        QCOMPARE(back.size(), 1);
        QCOMPARE(back[0], dialog(0));
    }
};

QTEST_GUILESS_MAIN(TestDialogJournal)
#include "tst_dialogjournal.moc"
