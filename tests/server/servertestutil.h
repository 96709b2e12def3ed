#pragma once

// Shared helpers of the server tests: a WebSocket test client that collects messages,
// and a tiny HTTP(S) GET over a raw socket. Waiting spins the event loop (waitFor below),
// so the same helpers work against an in-process server and a child process.

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <functional>

namespace acdesk::test {

/**
 * @brief Spins the event loop until @p pred holds. Unlike QTest::qWaitFor it does not sleep
 * 10 ms between rounds, which would add up to tens of ms per request/reply round trip
 * with the server in the same thread.
 */
inline bool waitFor(const std::function<bool()> &pred, int timeoutMs = 5000)
{
    if (pred())
        return true;
    QDeadlineTimer deadline(timeoutMs);
    QTimer wake; // re-checks even when nothing arrives
    wake.start(qBound(1, timeoutMs, 20));
    while (!deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        if (pred())
            return true;
    }
    return pred();
}

inline QString dataFile(const QString &name)
{
    return qEnvironmentVariable("ACDESK_TEST_DATA") + QStringLiteral("/server/") + name;
}

inline QByteArray readDataFile(const QString &name)
{
    QFile f(dataFile(name));
    if (!f.open(QIODevice::ReadOnly))
        qWarning("cannot read %s", qPrintable(f.fileName()));
    return f.readAll();
}

/** @brief A WebSocket client that keeps every message it receives, in order. */
struct Client
{
    QWebSocket ws;
    QList<QJsonObject> received; // everything, never consumed (for order checks)
    QList<QJsonObject> pending;  // not yet taken by next()/take()
    qint64 nextId = 1;
    bool closed = false;
    bool failed = false; // a socket or TLS error
    int closeCode = -1;

    explicit Client(const QString &origin = {})
        : ws(origin)
    {
        QObject::connect(&ws, &QWebSocket::textMessageReceived, &ws, [this](const QString &t) {
            const QJsonObject o = QJsonDocument::fromJson(t.toUtf8()).object();
            received.append(o);
            pending.append(o);
        });
        QObject::connect(&ws, &QWebSocket::disconnected, &ws, [this] {
            closed = true;
            closeCode = int(ws.closeCode());
        });
        QObject::connect(&ws, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), &ws,
                         [this](QAbstractSocket::SocketError) { failed = true; });
        QObject::connect(&ws, &QWebSocket::sslErrors, &ws,
                         [this](const QList<QSslError> &) { failed = true; });
    }

    /** @brief Connects and waits for `hello`. */
    bool open(const QString &baseUrl, int timeoutMs = 5000)
    {
        ws.open(QUrl(baseUrl + QStringLiteral("/ws")));
        static_cast<void>(
            waitFor([&] { return !pending.isEmpty() || failed || closed; }, timeoutMs));
        return !take(QStringLiteral("hello"), 0).isEmpty();
    }

    void sendRaw(const QByteArray &text) { ws.sendTextMessage(QString::fromUtf8(text)); }

    /** @brief Sends @p request with a fresh integer id; returns the id. */
    qint64 send(QJsonObject request)
    {
        const qint64 id = nextId++;
        request.insert(QStringLiteral("id"), id);
        sendRaw(QJsonDocument(request).toJson(QJsonDocument::Compact));
        return id;
    }

    /** @brief The reply (`ok` or `error`) carrying re == @p id; empty object on timeout. */
    QJsonObject reply(const QJsonValue &id, int timeoutMs = 5000)
    {
        return take(
            [&](const QJsonObject &o) {
                return o.value(QStringLiteral("re")) == id &&
                       (o.value(QStringLiteral("type")) == QLatin1String("ok") ||
                        o.value(QStringLiteral("type")) == QLatin1String("error"));
            },
            timeoutMs);
    }

    /** @brief Sends and waits for the reply. */
    QJsonObject request(const QJsonObject &r, int timeoutMs = 5000)
    {
        return reply(send(r), timeoutMs);
    }

    /** @brief The error code of the reply, or "ok", or "" on timeout. */
    QString code(const QJsonObject &r, int timeoutMs = 5000)
    {
        const QJsonObject o = request(r, timeoutMs);
        if (o.value(QStringLiteral("type")) == QLatin1String("ok"))
            return QStringLiteral("ok");
        return o.value(QStringLiteral("code")).toString();
    }

    /** @brief Takes the first pending message matching @p pred, waiting for it. */
    QJsonObject take(const std::function<bool(const QJsonObject &)> &pred, int timeoutMs = 5000)
    {
        QJsonObject found;
        static_cast<void>(waitFor(
            [&] {
                for (qsizetype i = 0; i < pending.size(); ++i) {
                    if (pred(pending[i])) {
                        found = pending.takeAt(i);
                        return true;
                    }
                }
                return false;
            },
            timeoutMs));
        return found;
    }

    QJsonObject take(const QString &type, int timeoutMs = 5000)
    {
        return take([&](const QJsonObject &o) { return o.value(QStringLiteral("type")) == type; },
                    timeoutMs);
    }

    /** @brief Whether a message of @p type is pending (no waiting). */
    bool has(const QString &type) const
    {
        for (const QJsonObject &o : pending)
            if (o.value(QStringLiteral("type")) == type)
                return true;
        return false;
    }

    /** @brief Logs in and consumes the ok reply and the snapshot; returns the ok reply. */
    QJsonObject login(const QString &role, const QString &user, const QString &secret,
                      const QString &station = {})
    {
        QJsonObject r{{QStringLiteral("type"), QStringLiteral("login")},
                      {QStringLiteral("role"), role},
                      {QStringLiteral("user"), user},
                      {QStringLiteral("secret"), secret}};
        if (!station.isEmpty())
            r.insert(QStringLiteral("station"), station);
        const QJsonObject ok = request(r);
        if (ok.value(QStringLiteral("type")) == QLatin1String("ok"))
            take(QStringLiteral("snapshot"));
        return ok;
    }

    bool waitClosed(int timeoutMs = 5000)
    {
        return waitFor([&] { return closed; }, timeoutMs);
    }
};

/** @brief One HTTP response read from a raw socket. */
struct HttpResult
{
    int status = 0;
    QByteArray head;
    QByteArray body;
};

/** @brief GET over plain TCP, or TLS when @p ssl is given; spins the event loop. */
inline HttpResult httpGet(quint16 port, const QByteArray &path,
                          const QSslConfiguration *ssl = nullptr, const QByteArray &extra = {})
{
    QSslSocket socket;
    if (ssl) {
        socket.setSslConfiguration(*ssl);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
        socket.setPeerVerifyName(QStringLiteral("localhost"));
        if (!waitFor([&] { return socket.isEncrypted(); }, 5000))
            return {};
    } else {
        socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        if (!waitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000))
            return {};
    }
    socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n");
    QByteArray data;
    QObject::connect(&socket, &QIODevice::readyRead, &socket, [&] { data += socket.readAll(); });
    static_cast<void>(
        waitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, 5000));
    data += socket.readAll();
    HttpResult r;
    const qsizetype end = data.indexOf("\r\n\r\n");
    r.head = data.left(end);
    r.body = end < 0 ? QByteArray() : data.mid(end + 4);
    const QList<QByteArray> statusLine = r.head.split(' ');
    r.status = statusLine.size() > 1 ? statusLine[1].toInt() : 0;
    return r;
}

/** @brief A JSON object from pairs: P({{"queue", "support"}}). */
inline QJsonObject P(std::initializer_list<QPair<QString, QJsonValue>> pairs)
{
    return QJsonObject(pairs);
}

/** @brief The `type` of a message. */
inline QString typeOf(const QJsonObject &o)
{
    return o.value(QStringLiteral("type")).toString();
}

/** @brief A request: @p params with its `type`. */
inline QJsonObject req(const QString &type, const QJsonObject &params = {})
{
    QJsonObject o = params;
    o.insert(QStringLiteral("type"), type);
    return o;
}

// No display at all: the server must not need one.
QProcessEnvironment headlessEnv()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QString());
    return env;
}

/** @brief One `acdesk server` child process. */
struct ServerProcess
{
    QProcess process;
    QByteArray out;
    quint16 port = 0;

    bool start(const QStringList &extra)
    {
        process.setProcessEnvironment(headlessEnv());
        QObject::connect(&process, &QProcess::readyReadStandardOutput, &process,
                         [this] { out += process.readAllStandardOutput(); });
        process.start(qEnvironmentVariable("ACDESK_BINARY"),
                      QStringList{QStringLiteral("server"), QStringLiteral("--headless"),
                                  QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")} +
                          extra);
        static const QRegularExpression ready(
            QStringLiteral("acdesk server listening on 127\\.0\\.0\\.1:(\\d+)\\n"));
        QRegularExpressionMatch m;
        static_cast<void>(waitFor(
            [&] {
                m = ready.match(QString::fromUtf8(out));
                return m.hasMatch() || process.state() == QProcess::NotRunning;
            },
            20000));
        if (!m.hasMatch()) {
            qWarning() << "server did not start:" << out << process.readAllStandardError();
            return false;
        }
        port = quint16(m.captured(1).toUInt());
        return true;
    }

    QString url() const { return QStringLiteral("ws://127.0.0.1:%1").arg(port); }

    ~ServerProcess()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
};

} // namespace acdesk::test
