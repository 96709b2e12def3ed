#pragma once

// Real SIP on loopback for the `sip` tests: baresip as a phone (auto-answer or not, a sine
// from `ausine` as its microphone, `sndfile` recording what it hears, `ctrl_tcp` to drive
// it), SIPp for scripted peers, and a Goertzel filter to check what was heard.

#include "../server/servertestutil.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUdpSocket>

#include <cmath>

namespace acdesk::test {

/** @brief A port P with UDP P, TCP P and TCP P+1 free (baresip's SIP, SIP/TCP, SIP/TLS). */
inline quint16 freeSipPort()
{
    for (int attempt = 0; attempt < 50; ++attempt) {
        QUdpSocket udp;
        if (!udp.bind(QHostAddress::LocalHost, 0))
            continue;
        const quint16 p = udp.localPort();
        if (p > 65000)
            continue;
        QTcpServer tcp;
        QTcpServer tls;
        if (tcp.listen(QHostAddress::LocalHost, p) && tls.listen(QHostAddress::LocalHost, p + 1))
            return p;
    }
    return 0;
}

/** @brief A free TCP port (ctrl_tcp). */
inline quint16 freeTcpPort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

/** @brief Power of @p freq in @p samples relative to their whole energy (0..1, ~1 for a pure tone).
 */
inline double toneRatio(const qint16 *samples, int n, double freq, double rate = 8000)
{
    if (n <= 0)
        return 0;
    const double w = 2 * M_PI * freq / rate;
    const double coeff = 2 * std::cos(w);
    double s1 = 0, s2 = 0, energy = 0;
    for (int i = 0; i < n; ++i) {
        const double x = samples[i];
        const double s0 = x + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
        energy += x * x;
    }
    const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    return energy < 1e3 ? 0 : 2 * power / (n * energy);
}

/** @brief The first 100 ms window (its index) from @p from on where @p freq dominates, or -1. */
inline int firstToneWindow(const QVector<qint16> &s, double freq, double threshold, int from = 0)
{
    constexpr int W = 800;
    for (int i = from; (i + 1) * W <= s.size(); ++i)
        if (toneRatio(s.constData() + i * W, W, freq) > threshold)
            return i;
    return -1;
}

/**
 * @brief How well @p prompt (speech) appears somewhere in @p heard: the best Pearson
 * correlation of their loudness envelopes (10 ms windows). A spoken prompt played through
 * G.711 matches its source above 0.9; music or another prompt stays well below.
 * Only the middle 80 % of the prompt is looked for: a recording may start late or end
 * with the BYE.
 */
inline double promptMatch(const QVector<qint16> &heard, const QVector<qint16> &prompt)
{
    const auto envelope = [](const QVector<qint16> &s) {
        QVector<double> e;
        for (int i = 0; i + 80 <= s.size(); i += 80) {
            double sum = 0;
            for (int j = i; j < i + 80; ++j)
                sum += double(s[j]) * s[j];
            e.append(std::sqrt(sum / 80));
        }
        return e;
    };
    const QVector<double> h = envelope(heard), whole = envelope(prompt);
    const QVector<double> p = whole.mid(whole.size() / 10, whole.size() * 8 / 10);
    const int n = int(p.size());
    double pm = 0;
    for (double v : p)
        pm += v / n;
    double best = -1;
    for (int off = 0; off + n <= h.size(); ++off) {
        double hm = 0;
        for (int i = 0; i < n; ++i)
            hm += h[off + i] / n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; ++i) {
            const double x = h[off + i] - hm, y = p[i] - pm;
            sxy += x * y;
            sxx += x * x;
            syy += y * y;
        }
        if (sxx > 0 && syy > 0)
            best = std::max(best, sxy / std::sqrt(sxx * syy));
    }
    return best;
}

/** @brief Samples of a 16-bit mono WAV file (what sndfile writes). */
inline QVector<qint16> readWav(const QString &path)
{
    QFile f(path);
    QVector<qint16> out;
    if (!f.open(QIODevice::ReadOnly))
        return out;
    const QByteArray data = f.readAll();
    const qsizetype at = data.indexOf("data");
    if (at < 0)
        return out;
    const QByteArray pcm = data.mid(at + 8);
    if (pcm.size() < 2)
        return out; // just opened by the phone: nothing recorded yet (memcpy of null: UB)
    out.resize(pcm.size() / 2);
    memcpy(out.data(), pcm.constData(), size_t(out.size()) * 2);
    return out;
}

/** @brief baresip as a phone in its own config directory. */
struct Phone
{
    QTemporaryDir dir;
    QProcess process;
    QByteArray log;
    quint16 sipPort = 0;
    quint16 ctrlPort = 0;
    QString codecs = QStringLiteral("PCMU,PCMA"); // set before start(): what the phone offers

    /**
     * @brief Starts baresip for user @p user, its microphone a sine of @p freq Hz. Extra
     * lines go into the account (e.g. ";auth_pass=...").
     */
    bool start(const QString &user, int freq, bool autoAnswer, const QString &account = {})
    {
        QObject::connect(&process, &QProcess::readyRead, &process,
                         [this] { log += process.readAll(); });
        // A free port is free when it is picked, not always when baresip binds it: a test
        // running beside this one may take it in between ("Address already in use", seen
        // in CI). Then the phone starts again on other ports.
        for (int attempt = 0; attempt < 5; ++attempt) {
            if (startOnce(user, freq, autoAnswer, account))
                return true;
            if (!log.contains("Address already in use"))
                return false;
            process.kill();
            process.waitForFinished(5000);
            log.clear();
        }
        return false;
    }

    bool startOnce(const QString &user, int freq, bool autoAnswer, const QString &account)
    {
        sipPort = freeSipPort();
        ctrlPort = freeTcpPort();
        const QString config =
            QStringLiteral("poll_method epoll\n"
                           "sip_listen 127.0.0.1:%1\n"
                           "net_interface 127.0.0.1\n"
                           "audio_player aubridge,nil%1\n"
                           "audio_alert aubridge,nil%1\n"
                           "audio_source ausine,%2\n"
                           "ausrc_srate 48000\nauplay_srate 48000\n"
                           "ausrc_channels 2\nauplay_channels 2\n"

                           "rtp_ports 40000-49999\n"
                           "module_path /usr/lib/baresip/modules\n"
                           "module g711.so\nmodule ausine.so\nmodule aubridge.so\n"
                           "module sndfile.so\n"
                           "module_app account.so\nmodule_app menu.so\nmodule_app ctrl_tcp.so\n"
                           "ctrl_tcp_listen 127.0.0.1:%3\n"
                           "snd_path %4\n")
                .arg(sipPort)
                .arg(freq)
                .arg(ctrlPort)
                .arg(dir.path());
        QFile c(dir.filePath(QStringLiteral("config")));
        c.open(QIODevice::WriteOnly);
        c.write(config.toUtf8());
        c.close();
        QFile a(dir.filePath(QStringLiteral("accounts")));
        a.open(QIODevice::WriteOnly);
        // Registering phones name their registrar in ";registrar=PORT" (removed here): the
        // address of record then points at it and baresip registers every minute.
        QString params = account;
        QString aor = QStringLiteral("127.0.0.1");
        static const QRegularExpression reg(QStringLiteral(";registrar=(\\d+)"));
        const QRegularExpressionMatch m = reg.match(params);
        QString regint = QStringLiteral(";regint=0");
        if (m.hasMatch()) {
            aor += QLatin1Char(':') + m.captured(1);
            regint = QStringLiteral(";regint=60");
            params.remove(m.capturedStart(), m.capturedLength());
        }
        a.write(QStringLiteral("<sip:%1@%2>%3;answermode=%4;audio_codecs=%5%6\n")
                    .arg(user, aor, regint,
                         autoAnswer ? QStringLiteral("auto") : QStringLiteral("manual"), codecs,
                         params)
                    .toUtf8());
        a.close();
        process.setProcessChannelMode(QProcess::MergedChannels);
        // stdbuf: baresip prints with stdio, which a pipe would hold back.
        process.start(QStringLiteral("stdbuf"), {QStringLiteral("-oL"), QStringLiteral("baresip"),
                                                 QStringLiteral("-f"), dir.path()});
        // Ready, or given up (a port in use ends baresip at once).
        waitFor(
            [&] {
                return log.contains("baresip is ready") || log.contains("init failed") ||
                       process.state() == QProcess::NotRunning;
            },
            10000);
        return log.contains("baresip is ready");
    }

    QString uri(const QString &user = QStringLiteral("agent")) const
    {
        return QStringLiteral("sip:%1@127.0.0.1:%2").arg(user).arg(sipPort);
    }

    bool waitLog(const char *needle, int timeoutMs = 10000, int count = 1)
    {
        return waitFor([&] { return log.count(needle) >= count; }, timeoutMs);
    }

    /** @brief Sends a ctrl_tcp command (netstring JSON) and waits for its response. */
    bool command(const QString &cmd, const QString &params = {})
    {
        QTcpSocket s;
        s.connectToHost(QStringLiteral("127.0.0.1"), ctrlPort);
        if (!waitFor([&] { return s.state() == QAbstractSocket::ConnectedState; }, 5000))
            return false;
        const QByteArray json = QJsonDocument(QJsonObject{{QStringLiteral("command"), cmd},
                                                          {QStringLiteral("params"), params},
                                                          {QStringLiteral("token"), cmd}})
                                    .toJson(QJsonDocument::Compact);
        s.write(QByteArray::number(json.size()) + ':' + json + ',');
        QByteArray reply;
        QObject::connect(&s, &QIODevice::readyRead, &s, [&] { reply += s.readAll(); });
        return waitFor([&] { return reply.contains("\"response\":true"); }, 5000);
    }

    /** @brief The newest recording of what the phone heard (sndfile's *-dec.wav). */
    QString heardFile() const
    {
        const QStringList files =
            QDir(dir.path()).entryList({QStringLiteral("*-dec.wav")}, QDir::Files, QDir::Time);
        return files.isEmpty() ? QString() : dir.filePath(files.first());
    }

    /** @brief Seconds of audio heard so far in the newest call. */
    double heardSeconds() const
    {
        const QString f = heardFile();
        return f.isEmpty() ? 0 : double(QFileInfo(f).size() - 44) / 16000.0;
    }

    /** @brief Whether the call ended from the other side (CANCEL or BYE). */
    bool waitEnded(int timeoutMs = 10000)
    {
        return waitFor(
            [&] { return log.contains("session closed") || log.contains("terminated (duration"); },
            timeoutMs);
    }

    ~Phone()
    {
        if (QTest::currentTestFailed()) {
            QFile dump(QDir::temp().filePath(QStringLiteral("acdesk-phone-%1.log").arg(sipPort)));
            if (dump.open(QIODevice::WriteOnly))
                dump.write(log);
            qWarning().noquote() << "phone" << sipPort << "log in" << dump.fileName();
        }
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            if (!process.waitForFinished(3000))
                process.kill();
            process.waitForFinished(3000);
        }
    }
};

/** @brief One `acdesk server` with a `sip` section; the SIP port from its second line. */
struct SipServer
{
    QTemporaryDir dir;
    ServerProcess server;
    quint16 sipPort = 0;

    bool start(const QByteArray &configJson)
    {
        // The gateway logs to stderr: keep it with stdout, shown when a test fails.
        server.process.setProcessChannelMode(QProcess::MergedChannels);
        QFile f(dir.filePath(QStringLiteral("acdesk.json")));
        f.open(QIODevice::WriteOnly);
        f.write(configJson);
        f.close();
        if (!server.start({QStringLiteral("--config"), f.fileName(), QStringLiteral("--data"),
                           dir.filePath(QStringLiteral("data")), QStringLiteral("--log"),
                           QStringLiteral("acdesk.sip.debug=true")}))
            return false;
        static const QRegularExpression sipLine(
            QStringLiteral("acdesk sip listening on 127\\.0\\.0\\.1:(\\d+)\\n"));
        QRegularExpressionMatch m;
        waitFor(
            [&] {
                m = sipLine.match(QString::fromUtf8(server.out));
                return m.hasMatch();
            },
            5000);
        sipPort = quint16(m.captured(1).toUInt());
        return sipPort != 0;
    }

    QString hotline(const QString &number) const
    {
        return QStringLiteral("sip:%1@127.0.0.1:%2").arg(number).arg(sipPort);
    }

    QString url() const { return server.url(); }

    ~SipServer()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << "server log:\n" << server.out.right(4000);
    }
};

} // namespace acdesk::test
