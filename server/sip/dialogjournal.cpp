#include "dialogjournal.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace acdesk::sip {

namespace {

QString str(const QByteArray &b)
{
    return QString::fromUtf8(b);
}

QByteArray bytes(const QJsonValue &v)
{
    return v.toString().toUtf8();
}

QJsonObject toJson(const JournalDialog &d)
{
    QJsonArray route;
    for (const QByteArray &r : d.route)
        route.append(str(r));
    return {{QStringLiteral("callId"), str(d.callId)}, {QStringLiteral("local"), str(d.local)},
            {QStringLiteral("remote"), str(d.remote)}, {QStringLiteral("target"), str(d.target)},
            {QStringLiteral("route"), route},          {QStringLiteral("cseq"), qint64(d.cseq)}};
}

JournalDialog fromJson(const QJsonObject &o)
{
    JournalDialog d;
    d.callId = bytes(o.value(QStringLiteral("callId")));
    d.local = bytes(o.value(QStringLiteral("local")));
    d.remote = bytes(o.value(QStringLiteral("remote")));
    d.target = bytes(o.value(QStringLiteral("target")));
    const QJsonArray route = o.value(QStringLiteral("route")).toArray();
    for (const QJsonValue &r : route)
        d.route.append(bytes(r));
    d.cseq = quint32(o.value(QStringLiteral("cseq")).toDouble());
    return d;
}

QByteArray line(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace

DialogJournal::~DialogJournal()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool DialogJournal::open(const QString &path, QList<JournalDialog> *left, QString *error)
{
    m_path = path;
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile in(path);
    if (in.open(QIODevice::ReadOnly)) {
        while (!in.atEnd()) {
            const QJsonObject o = QJsonDocument::fromJson(in.readLine()).object();
            if (o.contains(QStringLiteral("open"))) {
                const JournalDialog d = fromJson(o.value(QStringLiteral("open")).toObject());
                if (!d.callId.isEmpty() && !d.target.isEmpty())
                    m_live.insert(d.callId, d);
            } else if (o.contains(QStringLiteral("end"))) {
                m_live.remove(bytes(o.value(QStringLiteral("end"))));
            }
        }
    }
    *left = m_live.values();
    compact();
    if (m_fd < 0)
        *error = QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(strerror(errno)));
    return m_fd >= 0;
}

void DialogJournal::confirm(const JournalDialog &dialog)
{
    JournalDialog d = dialog;
    const auto it = m_live.constFind(d.callId);
    if (it != m_live.cend()) {
        d.cseq = qMax(d.cseq, it->cseq); // a re-INVITE's answer knows nothing of our CSeq
        if (*it == d)
            return; // a retransmitted 200 OK
    }
    m_live.insert(d.callId, d);
    append(line({{QStringLiteral("open"), toJson(d)}}));
}

void DialogJournal::sent(const QByteArray &callId, quint32 cseq)
{
    auto it = m_live.find(callId);
    if (it == m_live.end() || it->cseq >= cseq)
        return;
    it->cseq = cseq;
    append(line({{QStringLiteral("open"), toJson(*it)}}));
}

void DialogJournal::end(const QByteArray &callId)
{
    if (m_live.remove(callId))
        append(line({{QStringLiteral("end"), str(callId)}}));
}

void DialogJournal::append(const QByteArray &text)
{
    if (m_fd < 0)
        return;
    // No fsync: what a killed process wrote is in the page cache and survives it; a
    // power cut ends the phones' calls anyway.
    if (::write(m_fd, text.constData(), size_t(text.size())) != text.size())
        return;
    // Mostly ended dialogs: write the live ones afresh, so the file stays small.
    if (++m_lines > 1000 + 4 * qint64(m_live.size()))
        compact();
}

void DialogJournal::compact()
{
    const QString tmp = m_path + QStringLiteral(".new");
    QByteArray text;
    for (const JournalDialog &d : qAsConst(m_live))
        text += line({{QStringLiteral("open"), toJson(d)}});
    const QByteArray tmpPath = QFile::encodeName(tmp);
    const int fd = ::open(tmpPath.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    const bool written = ::write(fd, text.constData(), size_t(text.size())) == text.size();
    if (!written || ::rename(tmpPath.constData(), QFile::encodeName(m_path).constData()) != 0) {
        ::close(fd);
        ::unlink(tmpPath.constData());
        return;
    }
    ::fcntl(fd, F_SETFL, O_APPEND);
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = fd;
    m_lines = m_live.size();
}

} // namespace acdesk::sip
