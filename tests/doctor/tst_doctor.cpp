// Tests of `acdesk doctor` (the real binary, ACDESK_BINARY) against real network parts on
// loopback, all started here: the acdesk server (plain and with bad certificates), Debian's
// tinyproxy (one allowing CONNECT to the server, one refusing it), Debian's nginx as a
// TLS-terminating reverse proxy with the shipped resources/deploy/nginx-acdesk.conf, and a
// relay that breaks the WebSocket upgrade the way inspecting firewalls do.
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#ifdef ACDESK_DOCTOR_CORE
#include "clientconnection.h"
#include "connectiondoctor.h"
#include <QSettings>
#include <QSignalSpy>
#endif

#include <functional>
#include <memory>

namespace {

bool waitFor(const std::function<bool()> &pred, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    QTimer wake; // re-checks even when nothing arrives
    wake.start(20);
    while (!pred()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

bool portOpen(quint16 port)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    return s.waitForConnected(200);
}

QString sourceDir()
{
    return QStringLiteral(ACDESK_SOURCE_DIR);
}

QProcessEnvironment cleanEnv()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY",
                             "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"})
        env.remove(QString::fromLatin1(name));
    env.remove(QStringLiteral("DISPLAY"));
    env.insert(QStringLiteral("ACDESK_LANG"), QStringLiteral("en"));
    return env;
}

/** @brief A child process that stays up for the test (server, proxy, nginx). */
struct Child
{
    QProcess process;
    QByteArray out;
    QString name;

    void start(const QString &program, const QStringList &args)
    {
        process.setProcessEnvironment(cleanEnv());
        process.setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(&process, &QProcess::readyRead, &process,
                         [this] { out += process.readAll(); });
        process.start(program, args);
    }
    bool waitForPort(quint16 port)
    {
        const bool up = waitFor(
            [&] { return process.state() == QProcess::NotRunning || portOpen(port); }, 20000);
        if (!up || process.state() == QProcess::NotRunning) {
            qWarning() << name << "did not start:" << out;
            return false;
        }
        return true;
    }
    ~Child()
    {
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            if (!process.waitForFinished(5000)) {
                process.kill();
                process.waitForFinished(5000);
            }
        }
    }
};

/** @brief `acdesk server --headless` on a free loopback port. */
struct Server : Child
{
    QTemporaryDir data;
    quint16 port = 0;

    bool start(const QStringList &extra = {})
    {
        name = QStringLiteral("acdesk server");
        Child::start(qEnvironmentVariable("ACDESK_BINARY"),
                     QStringList{QStringLiteral("server"), QStringLiteral("--headless"),
                                 QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                 QStringLiteral("--data"), data.path()} +
                         extra);
        static const QRegularExpression ready(
            QStringLiteral("acdesk server listening on 127\\.0\\.0\\.1:(\\d+)"));
        QRegularExpressionMatch m;
        waitFor(
            [&] {
                m = ready.match(QString::fromUtf8(out));
                return m.hasMatch() || process.state() == QProcess::NotRunning;
            },
            20000);
        if (!m.hasMatch()) {
            qWarning() << "server did not start:" << out;
            return false;
        }
        port = quint16(m.captured(1).toUInt());
        return true;
    }
};

/** @brief What breaks the upgrade: strip the Upgrade header, answer 400, or say nothing. */
enum class RelayMode { StripUpgrade, Answer400, Stall };

/**
 * @brief A TCP relay to the server that passes everything but the WebSocket upgrade, like
 * the old firewalls that inspect port 80.
 */
class Relay : public QObject
{
public:
    Relay(quint16 upstream, RelayMode mode)
        : m_upstream(upstream)
        , m_mode(mode)
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *c = m_server.nextPendingConnection())
                accept(c);
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    /** @brief Connections it took so far. */
    int accepted = 0;

private:
    void accept(QTcpSocket *client)
    {
        ++accepted;
        auto head = std::make_shared<QByteArray>();
        QPointer<QTcpSocket> up;
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
        connect(client, &QTcpSocket::readyRead, client, [=]() mutable {
            if (up) {
                up->write(client->readAll());
                return;
            }
            *head += client->readAll();
            const qsizetype end = head->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            if (m_mode == RelayMode::Stall)
                return; // swallow the request; keep the connection open
            if (m_mode == RelayMode::Answer400) {
                client->write("HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n"
                              "Content-Length: 0\r\nConnection: close\r\n\r\n");
                client->disconnectFromHost();
                return;
            }
            QList<QByteArray> lines = head->left(end).split('\n');
            lines.removeIf([](const QByteArray &l) { return l.toLower().startsWith("upgrade:"); });
            const QByteArray request = lines.join('\n') + head->mid(end);
            up = new QTcpSocket(client);
            connect(up, &QTcpSocket::readyRead, client, [client, up] {
                if (up)
                    client->write(up->readAll());
            });
            connect(up, &QTcpSocket::disconnected, client,
                    [client] { client->disconnectFromHost(); });
            up->connectToHost(QHostAddress::LocalHost, m_upstream);
            up->write(request);
        });
    }

    QTcpServer m_server;
    quint16 m_upstream;
    RelayMode m_mode;
};

struct DoctorResult
{
    int exitCode = -1;
    QByteArray out;
    QJsonArray steps;

    QJsonObject step(const QString &name) const
    {
        for (const QJsonValue &v : steps)
            if (v.toObject().value(QStringLiteral("step")).toString() == name)
                return v.toObject();
        return {};
    }
    bool allOk() const
    {
        for (const QJsonValue &v : steps)
            if (!v.toObject().value(QStringLiteral("ok")).toBool())
                return false;
        return !steps.isEmpty();
    }
    QStringList names() const
    {
        QStringList n;
        for (const QJsonValue &v : steps)
            n << v.toObject().value(QStringLiteral("step")).toString();
        return n;
    }
};

/** Runs the doctor; the event loop keeps spinning so that in-process relays work. */
DoctorResult runDoctor(const QStringList &args, bool json = true,
                       const QProcessEnvironment &env = cleanEnv())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("ACDESK_BINARY"),
            QStringList{QStringLiteral("doctor")} + args +
                (json ? QStringList{QStringLiteral("--json")} : QStringList{}));
    DoctorResult r;
    if (!waitFor([&] { return p.state() == QProcess::NotRunning; }, 60000)) {
        p.kill();
        p.waitForFinished();
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    if (json)
        r.steps = QJsonDocument::fromJson(r.out).array();
    // Printed so that docs/deploy.md can quote real output.
    qInfo().noquote() << "acdesk doctor" << args.join(QLatin1Char(' ')) << "->" << r.exitCode
                      << "\n" + QString::fromUtf8(r.out);
    return r;
}

QString field(const QJsonObject &o, const char *name)
{
    return o.value(QLatin1String(name)).toString();
}

} // namespace

class TestDoctor : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Server m_server; // plain ws
    QString m_tinyproxy;
    QString m_nginx;
    std::unique_ptr<Child> m_nginxProcess;
    quint16 m_nginxPort = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    static bool run(const QString &program, const QStringList &args, const QString &cwd)
    {
        QProcess p;
        p.setWorkingDirectory(cwd);
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        if (!p.waitForFinished(60000) || p.exitCode() != 0) {
            qWarning() << program << args << "failed:" << p.readAll();
            return false;
        }
        return true;
    }

    std::unique_ptr<Child> startTinyproxy(quint16 connectPort, quint16 *port)
    {
        *port = freePort();
        const QString conf = path(QStringLiteral("tinyproxy-%1.conf").arg(*port));
        QFile f(conf);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(QStringLiteral("Port %1\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\n"
                               "MaxClients 20\nLogLevel Info\nConnectPort %2\n")
                    .arg(*port)
                    .arg(connectPort)
                    .toUtf8());
        f.close();
        auto child = std::make_unique<Child>();
        child->name = QStringLiteral("tinyproxy");
        child->start(m_tinyproxy, {QStringLiteral("-d"), QStringLiteral("-c"), conf});
        if (!child->waitForPort(*port))
            return {};
        return child;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFile::exists(qEnvironmentVariable("ACDESK_BINARY")));
        QVERIFY(m_dir.isValid());
        QVERIFY(m_server.start());
        const QStringList sbin{QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/sbin"),
                               QStringLiteral("/usr/bin")};
        m_tinyproxy = QStandardPaths::findExecutable(QStringLiteral("tinyproxy"));
        if (m_tinyproxy.isEmpty())
            m_tinyproxy = QStandardPaths::findExecutable(QStringLiteral("tinyproxy"), sbin);
        m_nginx = QStandardPaths::findExecutable(QStringLiteral("nginx"));
        if (m_nginx.isEmpty())
            m_nginx = QStandardPaths::findExecutable(QStringLiteral("nginx"), sbin);

        // A test CA and three server certificates: good, expired (valid in January 2020
        // only) and one for another name. `openssl ca` takes start and end dates, which
        // OpenSSL 3.0's `x509 -req` cannot.
        const QString script = QStringLiteral(R"(set -e
EC="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 $EC -keyout ca.key -out ca.pem -days 3650 -subj "/CN=Acdesk Test CA" 2>/dev/null
mkdir -p newcerts; : > index.txt; echo 1000 > serial
cat > ca.cnf <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
new_certs_dir = newcerts
serial = serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[ any ]
commonName = supplied
CNF
openssl req $EC -keyout good.key -out good.csr -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
openssl ca -batch -notext -config ca.cnf -cert ca.pem -keyfile ca.key -in good.csr -out good.pem -days 365 2>/dev/null
openssl req $EC -keyout expired.key -out expired.csr -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
openssl ca -batch -notext -config ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem -startdate 20200101000000Z -enddate 20200201000000Z 2>/dev/null
openssl req $EC -keyout wrong.key -out wrong.csr -subj "/CN=wrong.example" -addext "subjectAltName=DNS:wrong.example" 2>/dev/null
openssl ca -batch -notext -config ca.cnf -cert ca.pem -keyfile ca.key -in wrong.csr -out wrong.pem -days 365 2>/dev/null
)");
        QVERIFY(run(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script}, m_dir.path()));

        if (!m_nginx.isEmpty())
            QVERIFY(startNginx());
    }

    void cleanupTestCase() { m_nginxProcess.reset(); }

    void direct()
    {
        const quint16 closed = freePort();
        DoctorResult r = runDoctor({QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_server.port),
                                    QStringLiteral("--wss-port"), QString::number(closed)});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.names(), QStringList({"resolve", "tcp", "proxy", "upgrade", "subprotocol",
                                         "hello", "rtt", "twin"}));
        QVERIFY(r.allOk());
        QVERIFY(field(r.step("resolve"), "detail").contains("127.0.0.1 is an IP address"));
        QVERIFY(field(r.step("proxy"), "detail").startsWith("No proxy"));
        QVERIFY(field(r.step("upgrade"), "detail").contains("101 Switching Protocols"));
        QVERIFY(field(r.step("subprotocol"), "detail").contains("acdesk.v1"));
        QVERIFY(field(r.step("hello"), "detail").contains("hello from acdesk/"));
        QVERIFY(field(r.step("rtt"), "detail").startsWith("Round trip"));
        QVERIFY(field(r.step("twin"), "detail").contains("its TLS twin does not"));
        QVERIFY(field(r.step("twin"), "detail").contains("refused the connection"));
        for (const QJsonValue &v : r.steps) {
            QVERIFY(v.toObject().contains("ms"));
            QVERIFY(v.toObject().contains("fix"));
        }

        // The human form: one line per step, then the summary.
        r = runDoctor({QStringLiteral("ws://localhost:%1").arg(m_server.port),
                       QStringLiteral("--wss-port"), QString::number(closed)},
                      false);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("PASS  Name resolution: localhost resolves to"));
        QVERIFY(r.out.contains("PASS  WebSocket upgrade: GET /ws was answered"));
        QVERIFY(r.out.contains("All 8 steps passed."));
    }

#ifdef ACDESK_DOCTOR_CORE
    void inProcessApi()
    {
        // What a "Test connection" button uses: start() returns at once, steps arrive in
        // this thread, finished() carries the verdict.
        acdesk::client::ConnectionDoctor doctor;
        QSignalSpy finished(&doctor, &acdesk::client::ConnectionDoctor::finished);
        doctor.start(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_server.port),
                     QStringLiteral("none"));
        QVERIFY(doctor.running());
        QVERIFY(waitFor([&] { return finished.count() == 1; }, 30000));
        QVERIFY(!doctor.running());
        const QVariantList steps = doctor.steps();
        QVERIFY(steps.size() >= 7);
        const QVariantMap hello = steps.at(5).toMap();
        QCOMPARE(hello.value(QStringLiteral("step")).toString(), QStringLiteral("hello"));
        QVERIFY(hello.value(QStringLiteral("ok")).toBool());
        QCOMPARE(hello.value(QStringLiteral("title")).toString(), QStringLiteral("Server hello"));
        // The twin on port 443 may or may not exist here; the plain steps decide.
        for (int i = 0; i < 7; ++i)
            QVERIFY2(steps.at(i).toMap().value(QStringLiteral("ok")).toBool(),
                     qPrintable(steps.at(i).toMap().value(QStringLiteral("detail")).toString()));
        QCOMPARE(finished.first().first().toBool(), doctor.passed());
    }

    // A client given ws:// behind a firewall that breaks the upgrade finds wss on the TLS
    // port (nginx here, 443 in an office) by itself, says so, and starts there next time.
    void clientFallsBackToWssAndRemembers()
    {
        if (!m_nginxProcess)
            QSKIP("nginx is not installed (scripts/setup-deps.sh installs it)");
        using acdesk::client::ClientConnection;
        QStandardPaths::setTestModeEnabled(true); // QSettings below ~/.qttest
        QSettings().remove(QStringLiteral("connection"));
        Relay relay(m_server.port, RelayMode::StripUpgrade);
        const QUrl plain(QStringLiteral("ws://127.0.0.1:%1/ws").arg(relay.port()));
        const QUrl wss(QStringLiteral("wss://127.0.0.1:%1/ws").arg(m_nginxPort));
        {
            ClientConnection c;
            c.setBackoff(50, 200);
            c.setFallbackPort(m_nginxPort);
            QVERIFY(c.addCaCertificates(path(QStringLiteral("ca.pem"))));
            QSignalSpy moved(&c, &ClientConnection::urlChanged);
            c.open(plain, QStringLiteral("wallboard"), QStringLiteral("tv1"),
                   QStringLiteral("demotv1"));
            QCOMPARE(c.url(), plain);
            QVERIFY(!c.onFallback());
            QVERIFY(waitFor([&] { return c.status() == ClientConnection::Status::Online; }, 20000));
            QCOMPARE(c.url(), wss);
            QVERIFY(c.onFallback());
            QVERIFY(moved.count() >= 2); // open, then the switch
            QCOMPARE(relay.accepted, 1); // one try through the firewall was enough
            c.close();
        }
        // Remembered: the next start goes to wss at once; the firewall sees nobody.
        {
            ClientConnection c;
            c.setFallbackPort(m_nginxPort);
            QVERIFY(c.addCaCertificates(path(QStringLiteral("ca.pem"))));
            c.open(plain, QStringLiteral("wallboard"), QStringLiteral("tv1"),
                   QStringLiteral("demotv1"));
            QCOMPARE(c.url(), wss);
            QVERIFY(waitFor([&] { return c.status() == ClientConnection::Status::Online; }, 20000));
            QCOMPARE(relay.accepted, 1);
            c.close();
        }
        // Without a firewall in the way plain ws:// stays, and nothing is remembered for it.
        {
            const QUrl direct(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_server.port));
            ClientConnection c;
            c.setFallbackPort(m_nginxPort);
            c.open(direct, QStringLiteral("wallboard"), QStringLiteral("tv1"),
                   QStringLiteral("demotv1"));
            QVERIFY(waitFor([&] { return c.status() == ClientConnection::Status::Online; }, 20000));
            QCOMPARE(c.url(), direct);
            QVERIFY(!c.onFallback());
            c.close();
        }
        QSettings().remove(QStringLiteral("connection"));
    }
#endif

    void refused()
    {
        const quint16 closed = freePort();
        const DoctorResult r = runDoctor({QStringLiteral("ws://127.0.0.1:%1/ws").arg(closed),
                                          QStringLiteral("--wss-port"), QString::number(closed)});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.names(), QStringList({"resolve", "tcp", "twin"}));
        const QJsonObject tcp = r.step("tcp");
        QVERIFY(!tcp.value("ok").toBool());
        QVERIFY(field(tcp, "detail").contains("refused the connection: nothing listens"));
        QVERIFY(field(tcp, "fix").contains("Start the server"));
        QVERIFY(field(r.step("twin"), "detail").startsWith("Neither"));
    }

    void badUrl()
    {
        const DoctorResult r = runDoctor({QStringLiteral("http://127.0.0.1/")});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(field(r.step("url"), "fix"),
                 QStringLiteral("Give the server as ws://HOST:PORT/ws or wss://HOST/ws."));
    }

    void throughTinyproxy()
    {
        if (m_tinyproxy.isEmpty())
            QSKIP("tinyproxy is not installed (scripts/setup-deps.sh installs it)");
        quint16 proxyPort = 0;
        const auto proxy = startTinyproxy(m_server.port, &proxyPort);
        QVERIFY(proxy);
        const QString proxyUrl = QStringLiteral("http://127.0.0.1:%1").arg(proxyPort);
        DoctorResult r = runDoctor({QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_server.port),
                                    QStringLiteral("--proxy"), proxyUrl});
        // The twin (port 443 through the same proxy) is refused by the proxy: still exit 0.
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.allOk());
        QVERIFY(field(r.step("tcp"), "detail").startsWith("Connected to the proxy at 127.0.0.1"));
        QVERIFY(field(r.step("proxy"), "detail")
                    .contains(QStringLiteral("The proxy 127.0.0.1:%1 (from --proxy) opened a "
                                             "tunnel to 127.0.0.1:%2: HTTP/1.")
                                  .arg(proxyPort)
                                  .arg(m_server.port)));
        QVERIFY(field(r.step("hello"), "detail").contains("hello from acdesk/"));

        // The same proxy from the system's settings (http_proxy for ws://).
        QProcessEnvironment env = cleanEnv();
        env.insert(QStringLiteral("http_proxy"), proxyUrl);
        r = runDoctor({QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_server.port)}, true, env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(field(r.step("proxy"), "detail").contains("(from the system's proxy settings)"));
    }

    void proxyRefusesConnect()
    {
        if (m_tinyproxy.isEmpty())
            QSKIP("tinyproxy is not installed (scripts/setup-deps.sh installs it)");
        quint16 proxyPort = 0;
        const auto proxy = startTinyproxy(1, &proxyPort); // CONNECT only to port 1
        QVERIFY(proxy);
        const DoctorResult r = runDoctor({QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_server.port),
                                          QStringLiteral("--proxy"),
                                          QStringLiteral("http://127.0.0.1:%1").arg(proxyPort)});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject step = r.step("proxy");
        QVERIFY(!step.value("ok").toBool());
        QVERIFY2(field(step, "detail")
                     .contains(QStringLiteral("refused CONNECT 127.0.0.1:%1: HTTP/1.1 403 Access "
                                              "violation.")
                                   .arg(m_server.port)),
                 qPrintable(field(step, "detail")));
        QVERIFY(field(step, "detail").contains("The proxy is tinyproxy/"));
        QVERIFY(
            field(step, "fix")
                .contains(QStringLiteral("allow CONNECT to port %1 (tinyproxy: \"ConnectPort %1\"")
                              .arg(m_server.port)));
        QVERIFY(field(step, "fix").contains("use wss:// on port 443"));
    }

    void proxyCannotReach()
    {
        if (m_tinyproxy.isEmpty())
            QSKIP("tinyproxy is not installed (scripts/setup-deps.sh installs it)");
        const quint16 closed = freePort();
        quint16 proxyPort = 0;
        const auto proxy = startTinyproxy(closed, &proxyPort);
        QVERIFY(proxy);
        const DoctorResult r = runDoctor({QStringLiteral("ws://127.0.0.1:%1/ws").arg(closed),
                                          QStringLiteral("--proxy"),
                                          QStringLiteral("http://127.0.0.1:%1").arg(proxyPort)});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject step = r.step("proxy");
        QVERIFY2(
            field(step, "detail")
                .endsWith(QStringLiteral("The proxy could not reach 127.0.0.1:%1.").arg(closed)),
            qPrintable(field(step, "detail")));
        QVERIFY(field(step, "fix").startsWith("Check that the server runs and listens on port"));
    }

    void behindNginx()
    {
        if (!m_nginxProcess)
            QSKIP("nginx is not installed (scripts/setup-deps.sh installs it)");
        const QString ca = path(QStringLiteral("ca.pem"));
        DoctorResult r = runDoctor(
            {QStringLiteral("wss://localhost:%1/ws").arg(m_nginxPort), QStringLiteral("--ca"), ca});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.names(), QStringList({"resolve", "tcp", "proxy", "tls", "upgrade", "subprotocol",
                                         "hello", "rtt"}));
        const QString tls = field(r.step("tls"), "detail");
        QVERIFY2(tls.contains(QRegularExpression(QStringLiteral("^TLS 1\\.[23], "))),
                 qPrintable(tls));
        QVERIFY(tls.contains("chain: CN=localhost"));
        QVERIFY(tls.contains("Certificate valid for localhost; expires in 36"));
        QVERIFY(field(r.step("hello"), "detail").contains("hello from acdesk/"));

        // ws:// directly to the server, with nginx standing in for port 443: both work.
        r = runDoctor({QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_server.port),
                       QStringLiteral("--wss-port"), QString::number(m_nginxPort),
                       QStringLiteral("--ca"), ca});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(field(r.step("twin"), "detail"),
                 QStringLiteral("Both work: ws://127.0.0.1:%1/ws and its TLS twin "
                                "wss://127.0.0.1:%2/ws.")
                     .arg(m_server.port)
                     .arg(m_nginxPort));

        // Without the CA the chain is not trusted.
        r = runDoctor({QStringLiteral("wss://localhost:%1/ws").arg(m_nginxPort)});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(field(r.step("tls"), "detail").startsWith("The certificate chain is not trusted"));
        QVERIFY(field(r.step("tls"), "fix").contains("--ca FILE"));
        QVERIFY(r.step("hello").value("ok").toBool()); // the rest still ran
    }

    void upgradeBlocked_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("answer");
        QTest::newRow("Upgrade header stripped")
            << int(RelayMode::StripUpgrade) << QStringLiteral("answered with \"HTTP/1.1 404");
        QTest::newRow("400 to the upgrade")
            << int(RelayMode::Answer400)
            << QStringLiteral("answered with \"HTTP/1.1 400 Bad Request\" instead of \"101 "
                              "Switching Protocols\" (Connection: close; Content-Type: text/html; "
                              "no Upgrade header)");
        QTest::newRow("upgrade stalls")
            << int(RelayMode::Stall)
            << QStringLiteral("No answer to the WebSocket upgrade (GET /ws) within 2 s, although "
                              "TCP works.");
    }

    void upgradeBlocked()
    {
        QFETCH(int, mode);
        QFETCH(QString, answer);
        Relay relay(m_server.port, RelayMode(mode));
        // The twin goes to nginx when it runs, else to a closed port.
        const quint16 wssPort = m_nginxProcess ? m_nginxPort : freePort();
        const DoctorResult r = runDoctor({QStringLiteral("ws://127.0.0.1:%1/ws").arg(relay.port()),
                                          QStringLiteral("--wss-port"), QString::number(wssPort),
                                          QStringLiteral("--ca"), path(QStringLiteral("ca.pem")),
                                          QStringLiteral("--timeout"), QStringLiteral("2")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.step("tcp").value("ok").toBool());
        const QJsonObject up = r.step("upgrade");
        QVERIFY(!up.value("ok").toBool());
        QVERIFY2(field(up, "detail").contains(answer), qPrintable(field(up, "detail")));
        QVERIFY(
            field(up, "detail")
                .endsWith(
                    "The network between here and the server inspects plain WebSocket traffic."));
        QVERIFY(field(up, "fix").startsWith("Use wss:// on port 443"));
        const QJsonObject twin = r.step("twin");
        if (m_nginxProcess) {
            QVERIFY(twin.value("ok").toBool());
            QCOMPARE(field(twin, "detail"),
                     QStringLiteral("wss://127.0.0.1:%1/ws works while ws://127.0.0.1:%2/ws does "
                                    "not. Acdesk clients given ws://127.0.0.1:%2/ws switch to "
                                    "wss://127.0.0.1:%1/ws by themselves and remember it.")
                         .arg(wssPort)
                         .arg(relay.port()));
            QCOMPARE(field(twin, "fix"),
                     QStringLiteral("Nothing to do; to skip the failed first try, connect to "
                                    "wss://127.0.0.1:%1/ws.")
                         .arg(wssPort));
        } else {
            QVERIFY(!twin.value("ok").toBool());
        }
    }

    void expiredCertificate()
    {
        Server tlsServer;
        QVERIFY(
            tlsServer.start({QStringLiteral("--tls-cert"), path(QStringLiteral("expired.pem")),
                             QStringLiteral("--tls-key"), path(QStringLiteral("expired.key"))}));
        const DoctorResult r =
            runDoctor({QStringLiteral("wss://localhost:%1/ws").arg(tlsServer.port),
                       QStringLiteral("--ca"), path(QStringLiteral("ca.pem"))});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject tls = r.step("tls");
        QVERIFY(!tls.value("ok").toBool());
        QVERIFY2(
            field(tls, "detail")
                .contains(QRegularExpression(QStringLiteral(
                    "^The server's certificate expired \\d+ days ago \\(on 2020-02-01\\)\\."))),
            qPrintable(field(tls, "detail")));
        QCOMPARE(field(tls, "fix"),
                 QStringLiteral("Renew the certificate (Let's Encrypt: certbot renew), then "
                                "restart the server or reload nginx."));
        QVERIFY(r.step("hello").value("ok").toBool());
    }

    void wrongHostCertificate()
    {
        Server tlsServer;
        QVERIFY(tlsServer.start({QStringLiteral("--tls-cert"), path(QStringLiteral("wrong.pem")),
                                 QStringLiteral("--tls-key"), path(QStringLiteral("wrong.key"))}));
        const DoctorResult r =
            runDoctor({QStringLiteral("wss://localhost:%1/ws").arg(tlsServer.port),
                       QStringLiteral("--ca"), path(QStringLiteral("ca.pem"))});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject tls = r.step("tls");
        QVERIFY(!tls.value("ok").toBool());
        QVERIFY2(field(tls, "detail")
                     .startsWith("The certificate is for wrong.example, not for localhost."),
                 qPrintable(field(tls, "detail")));
        QVERIFY(field(tls, "fix").contains("subjectAltName includes localhost"));
    }

private:
    bool startNginx()
    {
        // The shipped example, with test ports, certificates and log paths.
        QFile shipped(sourceDir() + QStringLiteral("/resources/deploy/nginx-acdesk.conf"));
        if (!shipped.open(QIODevice::ReadOnly))
            return false;
        QString site = QString::fromUtf8(shipped.readAll());
        m_nginxPort = freePort();
        const quint16 httpPort = freePort();
        const QList<QPair<QString, QString>> replace{
            {QStringLiteral("listen [::]:80;"), QString()},
            {QStringLiteral("listen [::]:443 ssl;"), QString()},
            {QStringLiteral("listen 80;"), QStringLiteral("listen 127.0.0.1:%1;").arg(httpPort)},
            {QStringLiteral("listen 443 ssl;"),
             QStringLiteral("listen 127.0.0.1:%1 ssl;").arg(m_nginxPort)},
            {QStringLiteral("/etc/letsencrypt/live/acd.example.com/fullchain.pem"),
             path(QStringLiteral("good.pem"))},
            {QStringLiteral("/etc/letsencrypt/live/acd.example.com/privkey.pem"),
             path(QStringLiteral("good.key"))},
            {QStringLiteral("http://127.0.0.1:8080"),
             QStringLiteral("http://127.0.0.1:%1").arg(m_server.port)},
        };
        for (const auto &[from, to] : replace) {
            if (!site.contains(from)) {
                qWarning() << "nginx-acdesk.conf no longer contains" << from;
                return false;
            }
            site.replace(from, to);
        }
        QFile siteFile(path(QStringLiteral("nginx-site.conf")));
        if (!siteFile.open(QIODevice::WriteOnly))
            return false;
        siteFile.write(site.toUtf8());
        siteFile.close();
        const QString d = m_dir.path();
        const QString mainConf =
            QStringLiteral("worker_processes 1;\npid %1/nginx.pid;\nerror_log %1/nginx-error.log "
                           "info;\nevents { worker_connections 64; }\nhttp {\n"
                           "  access_log %1/nginx-access.log;\n"
                           "  client_body_temp_path %1/nginx-tmp/body;\n"
                           "  proxy_temp_path %1/nginx-tmp/proxy;\n"
                           "  fastcgi_temp_path %1/nginx-tmp/fastcgi;\n"
                           "  uwsgi_temp_path %1/nginx-tmp/uwsgi;\n"
                           "  scgi_temp_path %1/nginx-tmp/scgi;\n"
                           "  include %1/nginx-site.conf;\n}\n")
                .arg(d);
        QDir(d).mkpath(QStringLiteral("nginx-tmp"));
        QFile mainFile(path(QStringLiteral("nginx.conf")));
        if (!mainFile.open(QIODevice::WriteOnly))
            return false;
        mainFile.write(mainConf.toUtf8());
        mainFile.close();
        m_nginxProcess = std::make_unique<Child>();
        m_nginxProcess->name = QStringLiteral("nginx");
        m_nginxProcess->start(m_nginx,
                              {QStringLiteral("-e"), path(QStringLiteral("nginx-error.log")),
                               QStringLiteral("-c"), path(QStringLiteral("nginx.conf")),
                               QStringLiteral("-p"), d + QLatin1Char('/'), QStringLiteral("-g"),
                               QStringLiteral("daemon off;")});
        if (!m_nginxProcess->waitForPort(m_nginxPort)) {
            QFile log(path(QStringLiteral("nginx-error.log")));
            if (log.open(QIODevice::ReadOnly))
                qWarning() << log.readAll();
            m_nginxProcess.reset();
            return false;
        }
        return true;
    }
};

QTEST_GUILESS_MAIN(TestDoctor)
#include "tst_doctor.moc"
