// Around the config file: writing it safely (temporary file, fsync, rename), changing an
// account's secret in it, the demo configuration, prompt files and listen addresses. The
// validator itself is config.cpp.
#include "config.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace acdesk::server {

QString readPromptWav(const QString &path, QVector<qint16> *samples)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read (%1)").arg(f.errorString());
    const QByteArray data = f.read(64 * 1024 * 1024);
    auto u32 = [&](qsizetype at) {
        return quint32(quint8(data[at])) | quint32(quint8(data[at + 1])) << 8 |
               quint32(quint8(data[at + 2])) << 16 | quint32(quint8(data[at + 3])) << 24;
    };
    auto u16 = [&](qsizetype at) {
        return quint16(quint8(data[at]) | quint8(data[at + 1]) << 8);
    };
    const QString wanted = QStringLiteral("must be a WAV file of 8000 Hz, mono, 16-bit PCM "
                                          "(convert with: sox IN -r 8000 -c 1 -b 16 OUT.wav)");
    if (data.size() < 12 || !data.startsWith("RIFF") || data.mid(8, 4) != "WAVE")
        return wanted;
    bool format = false;
    for (qsizetype at = 12; at + 8 <= data.size();) {
        const QByteArray id = data.mid(at, 4);
        const qsizetype size = qsizetype(u32(at + 4));
        const qsizetype body = at + 8;
        if (size > data.size() - body)
            return wanted;
        if (id == "fmt ") {
            if (size < 16 || u16(body) != 1 || u16(body + 2) != 1 || u32(body + 4) != 8000 ||
                u16(body + 14) != 16)
                return wanted;
            format = true;
        } else if (id == "data") {
            if (!format)
                return wanted;
            if (size < 1600)
                return QStringLiteral("shorter than 0.1 s");
            if (samples) {
                samples->resize(size / 2);
                for (qsizetype i = 0; i < size / 2; ++i)
                    (*samples)[i] = qint16(u16(body + 2 * i));
            }
            return {};
        }
        at = body + size + (size & 1);
    }
    return wanted;
}

bool isWildcard(const QHostAddress &address)
{
    return address == QHostAddress(QHostAddress::AnyIPv4) ||
           address == QHostAddress(QHostAddress::AnyIPv6) ||
           address == QHostAddress(QHostAddress::Any);
}

bool parseListen(const QString &text, QString *host, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    QString h = text.left(colon);
    if (h.startsWith(QLatin1Char('[')) && h.endsWith(QLatin1Char(']')))
        h = h.mid(1, h.size() - 2);
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    if (!ok || p > 65535 || h.isEmpty())
        return false;
    *host = h;
    *port = quint16(p);
    return true;
}

Config demoConfig()
{
    QFile f(QStringLiteral(":/acdesk/demo-config.json"));
    f.open(QIODevice::ReadOnly);
    ConfigResult r = parseConfig(f.readAll(), QStringLiteral("demo-config.json"));
    Q_ASSERT(r.config);
    Config c = *r.config;
    c.sourceFile.clear();
    return c;
}

QString writeFileAtomically(const QString &path, const QByteArray &data)
{
    const QByteArray tmp = QFile::encodeName(path + QStringLiteral(".new"));
    const int fd = ::open(tmp.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return QStringLiteral("%1: %2").arg(QString::fromLocal8Bit(tmp),
                                            QString::fromLocal8Bit(strerror(errno)));
    // Keep the old file's permissions: it may be readable by a configuration tool.
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) == 0)
        ::fchmod(fd, st.st_mode & 07777);
    const bool written =
        ::write(fd, data.constData(), size_t(data.size())) == data.size() && ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!written) {
        ::unlink(tmp.constData());
        return QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(strerror(err)));
    }
    QFile::remove(path + QStringLiteral(".bak"));
    QFile::copy(path, path + QStringLiteral(".bak"));
    if (::rename(tmp.constData(), QFile::encodeName(path).constData()) != 0) {
        const int renameErr = errno;
        ::unlink(tmp.constData());
        return QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(strerror(renameErr)));
    }
    return {};
}

QString writeAccountHash(const QString &path, const QString &list, const QString &user,
                         const QString &hash, QByteArray *written)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("%1: %2").arg(path, f.errorString());
    const QByteArray before = f.readAll();
    f.close();
    // The file as it is now, which may hold edits not applied yet: they stay as they are.
    const ConfigResult now = parseConfig(before, path);
    if (!now.config)
        return now.error;
    QJsonObject root = QJsonDocument::fromJson(before).object();
    QJsonArray accounts = root.value(list).toArray();
    bool found = false;
    for (qsizetype i = 0; i < accounts.size(); ++i) {
        QJsonObject o = accounts[i].toObject();
        if (o.value(QStringLiteral("id")).toString() != user)
            continue;
        o.remove(QStringLiteral("password"));
        o.remove(QStringLiteral("secret"));
        o.insert(QStringLiteral("passwordHash"), hash);
        accounts[i] = o;
        found = true;
    }
    if (!found)
        return QStringLiteral("%1: $.%2: no account \"%3\" (the file changed since the server "
                              "read it)")
            .arg(path, list, user);
    root.insert(list, accounts);
    const QByteArray after = QJsonDocument(root).toJson(QJsonDocument::Indented);
    const ConfigResult check = parseConfig(after, path);
    if (!check.config)
        return check.error;
    if (written)
        *written = after;
    return writeFileAtomically(path, after);
}

QString demoLoginsText()
{
    const Config c = demoConfig();
    QString out;
    for (const Account &a : c.agents)
        out += QStringLiteral("  agent      %1 / %2 (%3)\n").arg(a.id, a.secret, a.name);
    for (const Account &a : c.supervisors)
        out += QStringLiteral("  supervisor %1 / %2\n").arg(a.id, a.secret);
    for (const Account &a : c.wallboards)
        out += QStringLiteral("  wallboard  %1 / %2\n").arg(a.id, a.secret);
    return out;
}

} // namespace acdesk::server
