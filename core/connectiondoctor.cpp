// The connection doctor's steps (docs/deploy.md): name resolution, proxy, TCP, TLS, the
// upgrade and a ping, each with what it saw and the fix. About 1,000 lines in one file: the
// steps run in order on one blocking socket and share its state; each is a short function.
#include "connectiondoctor.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QHostInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QPointer>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslError>
#include <QSslSocket>
#include <QTcpSocket>

#include <optional>

namespace acdesk::client {

namespace {

constexpr qsizetype MaxHead = 16 * 1024;

struct HttpHead
{
    QByteArray statusLine;
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers; // as received
    QByteArray value(const QByteArray &name) const
    {
        for (const auto &h : headers)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        return {};
    }
    bool has(const QByteArray &name) const
    {
        for (const auto &h : headers)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        return false;
    }
};

HttpHead parseHead(const QByteArray &head)
{
    HttpHead h;
    const QList<QByteArray> lines = head.split('\n');
    h.statusLine = lines.value(0).trimmed();
    const QList<QByteArray> parts = h.statusLine.split(' ');
    if (parts.size() >= 2 && parts[0].startsWith("HTTP/"))
        h.status = parts[1].toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            h.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    return h;
}

bool hasToken(const QByteArray &value, const QByteArray &token)
{
    for (const QByteArray &part : value.split(','))
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

struct Frame
{
    int opcode = 0;
    QByteArray payload;
};

enum class ReadResult { Ok, Timeout, Closed };

/** Reads into @p buffer until @p done says enough, the deadline passes or the peer closes. */
ReadResult readUntil(QTcpSocket *socket, QByteArray &buffer, const QElapsedTimer &clock,
                     int timeoutMs, const std::function<bool()> &done)
{
    for (;;) {
        buffer += socket->readAll();
        if (done())
            return ReadResult::Ok;
        if (socket->state() != QAbstractSocket::ConnectedState)
            return ReadResult::Closed;
        const qint64 left = timeoutMs - clock.elapsed();
        if (left <= 0)
            return ReadResult::Timeout;
        if (!socket->waitForReadyRead(int(left))) {
            buffer += socket->readAll();
            if (done())
                return ReadResult::Ok;
            if (socket->state() != QAbstractSocket::ConnectedState ||
                socket->error() == QAbstractSocket::RemoteHostClosedError)
                return ReadResult::Closed;
            if (clock.elapsed() >= timeoutMs)
                return ReadResult::Timeout;
        }
    }
}

/** Takes one complete WebSocket frame off the front of @p buffer, if there is one. */
std::optional<Frame> takeFrame(QByteArray &buffer)
{
    if (buffer.size() < 2)
        return std::nullopt;
    const auto *b = reinterpret_cast<const uchar *>(buffer.constData());
    const bool masked = (b[1] & 0x80) != 0;
    quint64 length = b[1] & 0x7f;
    qsizetype offset = 2;
    if (length == 126) {
        if (buffer.size() < 4)
            return std::nullopt;
        length = (quint64(b[2]) << 8) | b[3];
        offset = 4;
    } else if (length == 127) {
        if (buffer.size() < 10)
            return std::nullopt;
        length = 0;
        for (int i = 0; i < 8; ++i)
            length = (length << 8) | b[2 + i];
        offset = 10;
    }
    if (length > quint64(64 * 1024 * 1024))
        length = 64 * 1024 * 1024; // a broken peer; never allocate more
    const qsizetype maskOffset = offset;
    if (masked)
        offset += 4;
    if (quint64(buffer.size()) < quint64(offset) + length)
        return std::nullopt;
    Frame f;
    f.opcode = b[0] & 0x0f;
    f.payload = buffer.mid(offset, qsizetype(length));
    if (masked)
        for (qsizetype i = 0; i < f.payload.size(); ++i)
            f.payload[i] = char(f.payload[i] ^ buffer[maskOffset + (i % 4)]);
    buffer.remove(0, offset + qsizetype(length));
    return f;
}

/** A client frame (always masked, as RFC 6455 requires of clients). */
QByteArray clientFrame(int opcode, const QByteArray &payload)
{
    QByteArray out;
    out.append(char(0x80 | opcode));
    // Control frames and our small payloads stay below 126 bytes.
    out.append(char(0x80 | (payload.size() & 0x7f)));
    const quint32 mask = QRandomGenerator::global()->generate();
    QByteArray maskBytes(4, Qt::Uninitialized);
    for (int i = 0; i < 4; ++i)
        maskBytes[i] = char((mask >> (8 * i)) & 0xff);
    out += maskBytes;
    for (qsizetype i = 0; i < payload.size(); ++i)
        out.append(char(payload[i] ^ maskBytes[i % 4]));
    return out;
}

/** A host for an authority or Host header: IPv6 addresses in brackets. */
QByteArray bracketed(const QString &host)
{
    if (host.contains(QLatin1Char(':')))
        return QByteArray('[' + host.toUtf8() + ']');
    return host.toUtf8();
}

QString commonNames(const QSslCertificate &c)
{
    QStringList names = c.subjectInfo(QSslCertificate::CommonName);
    if (names.isEmpty())
        return c.subjectDisplayName();
    return names.join(QStringLiteral(", "));
}

QString certificateNames(const QSslCertificate &c)
{
    QStringList names;
    const auto alt = c.subjectAlternativeNames();
    for (auto it = alt.cbegin(); it != alt.cend(); ++it)
        if (!names.contains(it.value()))
            names << it.value();
    if (names.isEmpty())
        names = c.subjectInfo(QSslCertificate::CommonName);
    return names.join(QStringLiteral(", "));
}

QString protocolName(QSsl::SslProtocol p)
{
    switch (p) {
    case QSsl::TlsV1_2:
        return QStringLiteral("TLS 1.2");
    case QSsl::TlsV1_3:
        return QStringLiteral("TLS 1.3");
    case QSsl::DtlsV1_2:
        return QStringLiteral("DTLS 1.2");
    default:
        return QStringLiteral("TLS (old version)");
    }
}

/** The diagnosis of one URL, step by step; a failing step ends it (except TLS trust). */
class DoctorRun
{
    Q_DECLARE_TR_FUNCTIONS(ConnectionDoctor)
public:
    DoctorRun(const DoctorOptions &options, std::function<void(const DoctorStep &)> onStep,
              const std::atomic<bool> *cancel)
        : m_o(options)
        , m_onStep(std::move(onStep))
        , m_cancel(cancel)
    {}

    QList<DoctorStep> run(const QUrl &url);

private:
    bool add(const QString &id, bool ok, const QString &detail, const QString &fix = {})
    {
        DoctorStep s{id, ok, detail, fix, m_stepClock.elapsed()};
        if (m_rttMs >= 0 && id == QLatin1String("rtt"))
            s.ms = m_rttMs;
        m_steps.append(s);
        if (m_onStep)
            m_onStep(s);
        m_stepClock.restart();
        return ok && !(m_cancel && m_cancel->load());
    }
    QString secs() const { return QString::number(m_o.timeoutMs / 1000.0, 'g', 3); }
    bool chooseProxy();
    bool resolve();
    bool connectTcp();
    bool tunnel();
    bool handshakeTls();
    bool upgrade();
    bool hello();
    bool roundTrip();
    QString inspectedSentence() const
    {
        return tr("The network between here and the server inspects plain WebSocket traffic.");
    }
    QString inspectedFix() const
    {
        return tr("Use wss:// on port 443: TLS hides the upgrade from the inspecting firewall "
                  "or proxy (run the server with --tls-cert/--tls-key, or nginx in front).");
    }

    DoctorOptions m_o;
    std::function<void(const DoctorStep &)> m_onStep;
    const std::atomic<bool> *m_cancel;
    QList<DoctorStep> m_steps;
    QElapsedTimer m_stepClock;
    QUrl m_url;
    bool m_tls = false;
    QString m_host;
    quint16 m_port = 0;
    QByteArray m_target; // path and query
    QNetworkProxy m_proxy{QNetworkProxy::NoProxy};
    QString m_proxySource;
    QHostAddress m_address; // what we connect to: the server or the proxy
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer; // bytes after the upgrade response
    QByteArray m_subprotocol;
    qint64 m_rttMs = -1;
};

QList<DoctorStep> DoctorRun::run(const QUrl &url)
{
    m_stepClock.start();
    m_url = url;
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() ||
        (scheme != QLatin1String("ws") && scheme != QLatin1String("wss"))) {
        add(QStringLiteral("url"), false, tr("\"%1\" is not a WebSocket URL.").arg(url.toString()),
            tr("Give the server as ws://HOST:PORT/ws or wss://HOST/ws."));
        return m_steps;
    }
    m_tls = scheme == QLatin1String("wss");
    m_host = url.host();
    m_port = quint16(url.port(m_tls ? 443 : 80));
    m_target = url.path(QUrl::FullyEncoded).toUtf8();
    if (m_target.isEmpty() || m_target == "/")
        m_target = "/ws";
    if (url.hasQuery())
        m_target += '?' + url.query(QUrl::FullyEncoded).toUtf8();

    if (!chooseProxy())
        return m_steps;
    if (!resolve() || !connectTcp() || !tunnel())
        return m_steps;
    if (m_tls && !handshakeTls())
        return m_steps;
    if (upgrade() && hello())
        roundTrip();
    if (m_socket) {
        if (m_socket->state() == QAbstractSocket::ConnectedState) {
            m_socket->write(clientFrame(0x8, QByteArray("\x03\xe8", 2))); // close, 1000
            m_socket->waitForBytesWritten(200);
        }
        m_socket->abort();
    }
    return m_steps;
}

bool DoctorRun::chooseProxy()
{
    if (m_o.proxy.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0) {
        m_proxySource = tr("--proxy none");
        return true;
    }
    if (!m_o.proxy.isEmpty()) {
        const QUrl p = QUrl::fromUserInput(m_o.proxy);
        if (!p.isValid() || p.host().isEmpty() ||
            (p.scheme() != QLatin1String("http") && p.scheme() != QLatin1String("https"))) {
            add(QStringLiteral("proxy"), false,
                tr("\"%1\" is not an HTTP proxy address.").arg(m_o.proxy),
                tr("Give the proxy as --proxy http://HOST:PORT."));
            return false;
        }
        m_proxy = QNetworkProxy(QNetworkProxy::HttpProxy, p.host(), quint16(p.port(3128)),
                                p.userName(), p.password());
        m_proxySource = tr("--proxy");
        return true;
    }
    // As browsers do: ws:// goes through the http proxy, wss:// through the https proxy.
    QUrl query;
    query.setScheme(m_tls ? QStringLiteral("https") : QStringLiteral("http"));
    query.setHost(m_host);
    query.setPort(m_port);
    const QList<QNetworkProxy> proxies =
        QNetworkProxyFactory::systemProxyForQuery(QNetworkProxyQuery(query));
    for (const QNetworkProxy &p : proxies) {
        if (p.type() == QNetworkProxy::HttpProxy) {
            m_proxy = p;
            m_proxySource = tr("the system's proxy settings");
            return true;
        }
    }
    m_proxySource = tr("the system's proxy settings");
    return true;
}

bool DoctorRun::resolve()
{
    const bool viaProxy = m_proxy.type() == QNetworkProxy::HttpProxy;
    const QString name = viaProxy ? m_proxy.hostName() : m_host;
    if (m_address.setAddress(name))
        return add(QStringLiteral("resolve"), true,
                   viaProxy ? tr("The proxy %1 is given as an IP address; the proxy resolves %2.")
                                  .arg(name, m_host)
                            : tr("%1 is an IP address; nothing to resolve.").arg(name));
    const QHostInfo info = QHostInfo::fromName(name);
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty())
        return add(
            QStringLiteral("resolve"), false,
            viaProxy
                ? tr("The proxy's name %1 cannot be resolved: %2.").arg(name, info.errorString())
                : tr("The name %1 cannot be resolved: %2.").arg(name, info.errorString()),
            tr("Check the spelling of the name and the DNS settings (/etc/resolv.conf), "
               "or use the server's IP address."));
    // Prefer IPv4 like most clients do on dual-stack hosts without global IPv6.
    m_address = info.addresses().first();
    for (const QHostAddress &a : info.addresses())
        if (a.protocol() == QAbstractSocket::IPv4Protocol) {
            m_address = a;
            break;
        }
    QStringList all;
    for (const QHostAddress &a : info.addresses())
        all << a.toString();
    return add(QStringLiteral("resolve"), true,
               viaProxy ? tr("The proxy %1 resolves to %2; the proxy resolves %3.")
                              .arg(name, all.join(QStringLiteral(", ")), m_host)
                        : tr("%1 resolves to %2.").arg(name, all.join(QStringLiteral(", "))));
}

bool DoctorRun::connectTcp()
{
    const bool viaProxy = m_proxy.type() == QNetworkProxy::HttpProxy;
    const quint16 port = viaProxy ? m_proxy.port() : m_port;
    if (QSslSocket::supportsSsl())
        m_socket = std::make_unique<QSslSocket>();
    else
        m_socket = std::make_unique<QTcpSocket>();
    m_socket->setProxy(QNetworkProxy::NoProxy); // the doctor talks to the proxy itself
    m_stepClock.restart();                      // loading the TLS library is not part of connecting
    QElapsedTimer t;
    t.start();
    m_socket->connectToHost(m_address, port);
    const QString where =
        QStringLiteral("%1:%2")
            .arg(m_address.protocol() == QAbstractSocket::IPv6Protocol
                     ? QString(QLatin1Char('[') + m_address.toString() + QLatin1Char(']'))
                     : m_address.toString())
            .arg(port);
    if (m_socket->waitForConnected(m_o.timeoutMs))
        return add(QStringLiteral("tcp"), true,
                   viaProxy
                       ? tr("Connected to the proxy at %1 in %2 ms.").arg(where).arg(t.elapsed())
                       : tr("Connected to %1 in %2 ms.").arg(where).arg(t.elapsed()));
    const auto error = m_socket->error();
    if (error == QAbstractSocket::ConnectionRefusedError)
        return add(
            QStringLiteral("tcp"), false,
            viaProxy
                ? tr("The proxy at %1 refused the connection: nothing listens there.").arg(where)
                : tr("%1 refused the connection: nothing listens on port %2, or a "
                     "firewall rejects it.")
                      .arg(where)
                      .arg(port),
            viaProxy ? tr("Check the proxy address and port (--proxy or http_proxy).")
                     : tr("Start the server (systemctl status acdesk-server), check the port "
                          "in the URL, and open TCP port %1 on the server's firewall.")
                           .arg(port));
    if (error == QAbstractSocket::SocketTimeoutError ||
        m_socket->state() != QAbstractSocket::UnconnectedState)
        return add(QStringLiteral("tcp"), false,
                   tr("No answer from %1 within %2 s: a firewall drops the packets, or the host "
                      "is down.")
                       .arg(where, secs()),
                   viaProxy ? tr("Check that the proxy runs and that this machine may reach it.")
                            : tr("Open TCP port %1 on the firewalls between here and the server, "
                                 "or use wss:// on port 443, which most networks allow.")
                                  .arg(port));
    return add(QStringLiteral("tcp"), false,
               tr("Cannot connect to %1: %2.").arg(where, m_socket->errorString()),
               tr("Check the network connection and the address in the URL."));
}

bool DoctorRun::tunnel()
{
    if (m_proxy.type() != QNetworkProxy::HttpProxy)
        return add(QStringLiteral("proxy"), true,
                   tr("No proxy (%1): the connection is direct.").arg(m_proxySource));
    const QString proxyName = QStringLiteral("%1:%2").arg(m_proxy.hostName()).arg(m_proxy.port());
    const QByteArray authority = bracketed(m_host) + ':' + QByteArray::number(m_port);
    QByteArray request = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
    if (!m_proxy.user().isEmpty())
        request += "Proxy-Authorization: Basic " +
                   (m_proxy.user() + QLatin1Char(':') + m_proxy.password()).toUtf8().toBase64() +
                   "\r\n";
    request += "\r\n";
    m_socket->write(request);
    QByteArray buffer;
    QElapsedTimer clock;
    clock.start();
    const ReadResult r = readUntil(m_socket.get(), buffer, clock, m_o.timeoutMs, [&] {
        return buffer.contains("\r\n\r\n") || buffer.size() > MaxHead;
    });
    if (r != ReadResult::Ok)
        return add(QStringLiteral("proxy"), false,
                   r == ReadResult::Timeout
                       ? tr("The proxy %1 (from %2) did not answer CONNECT %3 within %4 s.")
                             .arg(proxyName, m_proxySource, QString::fromUtf8(authority), secs())
                       : tr("The proxy %1 (from %2) closed the connection without answering "
                            "CONNECT %3.")
                             .arg(proxyName, m_proxySource, QString::fromUtf8(authority)),
                   tr("Check that %1 is an HTTP proxy that supports CONNECT.").arg(proxyName));
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    const HttpHead head = parseHead(buffer.left(end));
    if (head.status >= 200 && head.status < 300)
        return add(QStringLiteral("proxy"), true,
                   tr("The proxy %1 (from %2) opened a tunnel to %3: %4.")
                       .arg(proxyName, m_proxySource, QString::fromUtf8(authority),
                            QString::fromUtf8(head.statusLine)));
    QString detail = tr("The proxy %1 (from %2) refused CONNECT %3: %4.")
                         .arg(proxyName, m_proxySource, QString::fromUtf8(authority),
                              QString::fromUtf8(head.statusLine));
    if (head.has("Server"))
        detail +=
            QLatin1Char(' ') + tr("The proxy is %1.").arg(QString::fromUtf8(head.value("Server")));
    if (head.status == 407)
        return add(QStringLiteral("proxy"), false, detail,
                   tr("The proxy wants credentials: give them as --proxy "
                      "http://USER:PASSWORD@HOST:PORT or in the system's proxy settings."));
    if (head.status >= 500) // the proxy accepted CONNECT but could not reach the server
        return add(QStringLiteral("proxy"), false,
                   detail + QLatin1Char(' ') +
                       tr("The proxy could not reach %1.").arg(QString::fromUtf8(authority)),
                   tr("Check that the server runs and listens on port %1, and that the proxy "
                      "may reach it through its firewall.")
                       .arg(m_port));
    if (m_port == 443)
        return add(QStringLiteral("proxy"), false, detail,
                   tr("Ask the proxy's administrator to allow CONNECT to %1.")
                       .arg(QString::fromUtf8(authority)));
    return add(QStringLiteral("proxy"), false, detail,
               tr("Ask the proxy's administrator to allow CONNECT to port %1 (tinyproxy: "
                  "\"ConnectPort %1\"; Squid: add it to SSL_ports), or use wss:// on port 443, "
                  "which proxies allow by default.")
                   .arg(m_port));
}

bool DoctorRun::handshakeTls()
{
    auto *ssl = qobject_cast<QSslSocket *>(m_socket.get());
    if (!ssl)
        return add(QStringLiteral("tls"), false,
                   tr("This program has no TLS support (no OpenSSL found)."),
                   tr("Install the OpenSSL library (Debian: libssl3)."));
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    if (!m_o.caFile.isEmpty()) {
        const QList<QSslCertificate> ca = QSslCertificate::fromPath(m_o.caFile);
        if (ca.isEmpty())
            return add(QStringLiteral("tls"), false,
                       tr("No certificate could be read from %1.").arg(m_o.caFile),
                       tr("Give --ca a PEM file with the issuing CA certificate."));
        conf.addCaCertificates(ca);
    }
    ssl->setSslConfiguration(conf);
    ssl->setPeerVerifyName(m_host);
    QList<QSslError> errors;
    const QMetaObject::Connection onErrors = QObject::connect(
        ssl, &QSslSocket::sslErrors, ssl, [ssl, &errors](const QList<QSslError> &e) {
            errors = e;
            // Go on to see the rest; the verdict comes from the collected errors.
            ssl->ignoreSslErrors();
        });
    ssl->startClientEncryption();
    const bool encrypted = ssl->waitForEncrypted(m_o.timeoutMs);
    QObject::disconnect(onErrors);
    if (!encrypted) {
        const bool timeout = ssl->error() == QAbstractSocket::SocketTimeoutError;
        return add(
            QStringLiteral("tls"), false,
            timeout
                ? tr("No TLS answer from %1:%2 within %3 s.").arg(m_host).arg(m_port).arg(secs())
                : tr("The TLS handshake with %1:%2 failed: %3.")
                      .arg(m_host)
                      .arg(m_port)
                      .arg(ssl->errorString()),
            tr("Port %1 may not speak TLS: use ws:// for a plain port, or the server's "
               "TLS port (443, --tls-cert/--tls-key, or nginx) for wss://.")
                .arg(m_port));
    }
    const QSslCertificate leaf = ssl->peerCertificate();
    QStringList chain;
    for (const QSslCertificate &c : ssl->peerCertificateChain())
        chain << QStringLiteral("CN=") + commonNames(c);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 daysLeft = now.daysTo(leaf.expiryDate());
    const QString expiry = leaf.expiryDate().toUTC().toString(QStringLiteral("yyyy-MM-dd"));
    const QString facts =
        tr("%1, %2; chain: %3.")
            .arg(protocolName(ssl->sessionProtocol()), ssl->sessionCipher().name(),
                 chain.join(QStringLiteral(" \u2190 ")));

    QStringList problems;
    QStringList fixes;
    bool untrusted = false;
    for (const QSslError &e : std::as_const(errors)) {
        switch (e.error()) {
        case QSslError::CertificateExpired:
            // No %n plurals: the command line may run without any translation loaded.
            problems << (-daysLeft == 1
                             ? tr("The server's certificate expired yesterday (on %1).").arg(expiry)
                             : tr("The server's certificate expired %1 days ago (on %2).")
                                   .arg(-daysLeft)
                                   .arg(expiry));
            fixes << tr("Renew the certificate (Let's Encrypt: certbot renew), then restart the "
                        "server or reload nginx.");
            break;
        case QSslError::CertificateNotYetValid:
            problems << tr("The server's certificate is not valid before %1.")
                            .arg(leaf.effectiveDate().toUTC().toString(
                                QStringLiteral("yyyy-MM-dd HH:mm")));
            fixes << tr("Check the clock of this computer and of the server.");
            break;
        case QSslError::HostNameMismatch:
            problems
                << tr("The certificate is for %1, not for %2.").arg(certificateNames(leaf), m_host);
            fixes << tr("Connect with a name the certificate carries, or get a certificate whose "
                        "subjectAltName includes %1.")
                         .arg(m_host);
            break;
        case QSslError::SelfSignedCertificate:
        case QSslError::SelfSignedCertificateInChain:
        case QSslError::UnableToGetLocalIssuerCertificate:
        case QSslError::UnableToGetIssuerCertificate:
        case QSslError::UnableToVerifyFirstCertificate:
        case QSslError::CertificateUntrusted:
            if (!untrusted)
                problems << tr("The certificate chain is not trusted: %1.").arg(e.errorString());
            if (!untrusted)
                fixes << tr(
                    "Use a certificate from a public CA (Let's Encrypt), or trust the "
                    "issuing CA: --ca FILE, or copy it to /usr/local/share/ca-certificates/ "
                    "and run update-ca-certificates.");
            untrusted = true;
            break;
        default:
            problems << e.errorString() + QLatin1Char('.');
            break;
        }
    }
    if (!problems.isEmpty()) {
        problems.removeDuplicates();
        fixes.removeDuplicates();
        add(QStringLiteral("tls"), false,
            problems.join(QLatin1Char(' ')) + QLatin1Char(' ') + facts + QLatin1Char(' ') +
                tr("(The remaining steps run anyway, to find further problems.)"),
            fixes.join(QLatin1Char(' ')));
        return !(m_cancel && m_cancel->load());
    }
    const QString valid =
        daysLeft == 1 ? tr("Certificate valid for %1; expires tomorrow (%2).").arg(m_host, expiry)
                      : tr("Certificate valid for %1; expires in %2 days (%3).")
                            .arg(m_host)
                            .arg(daysLeft)
                            .arg(expiry);
    return add(QStringLiteral("tls"), true, facts + QLatin1Char(' ') + valid,
               daysLeft < 21 ? tr("Renew the certificate soon (Let's Encrypt: certbot renew).")
                             : QString());
}

bool DoctorRun::upgrade()
{
    QByteArray nonce(16, Qt::Uninitialized);
    for (qsizetype i = 0; i < nonce.size(); ++i)
        nonce[i] = char(QRandomGenerator::global()->bounded(256));
    const QByteArray key = nonce.toBase64();
    const bool defaultPort = m_port == (m_tls ? 443 : 80);
    const QByteArray hostHeader =
        bracketed(m_host) +
        (defaultPort ? QByteArray() : QByteArray(':' + QByteArray::number(m_port)));
    const QByteArray request = "GET " + m_target + " HTTP/1.1\r\nHost: " + hostHeader +
                               "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                               "Sec-WebSocket-Key: " +
                               key +
                               "\r\nSec-WebSocket-Version: 13\r\n"
                               "Sec-WebSocket-Protocol: acdesk.v1\r\n"
                               "User-Agent: acdesk-doctor/" ACDESK_VERSION "\r\n\r\n";
    m_socket->write(request);
    QByteArray buffer;
    QElapsedTimer clock;
    clock.start();
    const ReadResult r = readUntil(m_socket.get(), buffer, clock, m_o.timeoutMs, [&] {
        return buffer.contains("\r\n\r\n") || buffer.size() > MaxHead;
    });
    const QString target = QString::fromUtf8(m_target);
    if (r != ReadResult::Ok) {
        const QString what = r == ReadResult::Timeout
                                 ? tr("No answer to the WebSocket upgrade (GET %1) within %2 s, "
                                      "although TCP works.")
                                       .arg(target, secs())
                                 : tr("The connection was closed without an answer to the "
                                      "WebSocket upgrade (GET %1), although TCP works.")
                                       .arg(target);
        if (!m_tls)
            return add(QStringLiteral("upgrade"), false,
                       what + QLatin1Char(' ') + inspectedSentence(), inspectedFix());
        return add(QStringLiteral("upgrade"), false, what,
                   tr("Check the reverse proxy in front of the server: it must pass the Upgrade "
                      "and Connection headers (see nginx-acdesk.conf in the examples), and the "
                      "server's log."));
    }
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    const HttpHead head = parseHead(buffer.left(end));
    m_buffer = buffer.mid(end + 4);
    const QByteArray expectedAccept =
        QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                 QCryptographicHash::Sha1)
            .toBase64();
    const bool upgraded = head.status == 101 &&
                          head.value("Upgrade").compare("websocket", Qt::CaseInsensitive) == 0 &&
                          hasToken(head.value("Connection"), "upgrade");
    if (upgraded && head.value("Sec-WebSocket-Accept") == expectedAccept) {
        m_subprotocol = head.value("Sec-WebSocket-Protocol");
        return add(
            QStringLiteral("upgrade"), true,
            tr("GET %1 was answered with \"%2\".").arg(target, QString::fromUtf8(head.statusLine)));
    }
    // Show what came back: the status line and the headers that tell who answered.
    QStringList shown;
    for (const char *name : {"Server", "Via", "Upgrade", "Connection", "Content-Type", "Location",
                             "Sec-WebSocket-Accept"}) {
        if (head.has(name))
            shown << QString::fromLatin1(name) + QStringLiteral(": ") +
                         QString::fromUtf8(head.value(name));
    }
    if (!head.has("Upgrade"))
        shown << tr("no Upgrade header");
    const QByteArray body = m_buffer.left(200).trimmed();
    QString detail =
        tr("GET %1 was answered with \"%2\" instead of \"101 Switching Protocols\" "
           "(%3).")
            .arg(target, QString::fromUtf8(head.statusLine), shown.join(QStringLiteral("; ")));
    if (!body.isEmpty() && !body.startsWith('<'))
        detail += QLatin1Char(' ') + tr("Body: \"%1\".").arg(QString::fromUtf8(body).simplified());

    if (upgraded) // 101 with a wrong accept key: something in between rewrote the handshake
        return add(QStringLiteral("upgrade"), false,
                   detail + QLatin1Char(' ') +
                       tr("The Sec-WebSocket-Accept key is wrong: something between here and the "
                          "server rewrote the handshake."),
                   m_tls ? tr("Check the reverse proxy in front of the server.") : inspectedFix());
    if (head.status == 404 && body.contains("WebSocket endpoint is /ws"))
        return add(QStringLiteral("upgrade"), false,
                   detail + QLatin1Char(' ') + tr("The server's WebSocket endpoint is /ws."),
                   tr("Use the path /ws: %1://%2:%3/ws.")
                       .arg(m_tls ? QStringLiteral("wss") : QStringLiteral("ws"), m_host)
                       .arg(m_port));
    if (head.status == 403 && body.contains("origin"))
        return add(QStringLiteral("upgrade"), false, detail,
                   tr("The server only accepts listed origins: add this one to "
                      "server.allowedOrigins in its config."));
    if (head.status == 502 || head.status == 503 || head.status == 504)
        return add(QStringLiteral("upgrade"), false,
                   detail + QLatin1Char(' ') +
                       tr("A reverse proxy answered, but it cannot reach the Acdesk server."),
                   tr("Start the server (systemctl status acdesk-server) and check that the "
                      "reverse proxy's proxy_pass points to its address and port."));
    if ((head.status == 301 || head.status == 302 || head.status == 307 || head.status == 308) &&
        head.has("Location"))
        return add(QStringLiteral("upgrade"), false, detail,
                   tr("The server redirects to %1: use that address (https:// becomes wss://).")
                       .arg(QString::fromUtf8(head.value("Location"))));
    if (!m_tls)
        return add(QStringLiteral("upgrade"), false,
                   detail + QLatin1Char(' ') + inspectedSentence(), inspectedFix());
    return add(QStringLiteral("upgrade"), false,
               detail + QLatin1Char(' ') +
                   tr("Something in front of the server refused the upgrade."),
               tr("Make the reverse proxy pass the Upgrade and Connection headers to the server "
                  "(see nginx-acdesk.conf in the examples)."));
}

bool DoctorRun::hello()
{
    // The subprotocol is reported on its own, but a missing one does not stop the rest.
    if (m_subprotocol == "acdesk.v1")
        add(QStringLiteral("subprotocol"), true,
            tr("The server selected the subprotocol acdesk.v1."));
    else if (m_subprotocol.isEmpty())
        add(QStringLiteral("subprotocol"), false,
            tr("The server selected no subprotocol although acdesk.v1 was offered."),
            tr("Update the Acdesk server, and make sure a reverse proxy passes the "
               "Sec-WebSocket-Protocol header."));
    else
        add(QStringLiteral("subprotocol"), false,
            tr("The server selected the subprotocol \"%1\" instead of acdesk.v1.")
                .arg(QString::fromUtf8(m_subprotocol)),
            tr("Check that the URL points to an Acdesk server."));

    QElapsedTimer clock;
    clock.start();
    std::optional<Frame> frame;
    const ReadResult r = readUntil(m_socket.get(), m_buffer, clock, m_o.timeoutMs, [&] {
        frame = takeFrame(m_buffer);
        return frame.has_value();
    });
    if (r != ReadResult::Ok)
        return add(QStringLiteral("hello"), false,
                   r == ReadResult::Timeout
                       ? tr("No hello from the server within %1 s after the upgrade.").arg(secs())
                       : tr("The connection was closed before the server's hello arrived."),
                   m_tls ? tr("Check the server's log; a reverse proxy must not buffer the "
                              "WebSocket stream (nginx: proxy_buffering off).")
                         : inspectedFix());
    if (frame->opcode == 0x8) {
        const QByteArray p = frame->payload;
        const int code = p.size() >= 2 ? (uchar(p[0]) << 8) | uchar(p[1]) : 1005;
        return add(QStringLiteral("hello"), false,
                   tr("The server closed the WebSocket instead of saying hello (code %1%2).")
                       .arg(code)
                       .arg(p.size() > 2
                                ? QString(QStringLiteral(", ") + QString::fromUtf8(p.mid(2)))
                                : QString()),
                   tr("Check the server's log."));
    }
    const QJsonObject o = QJsonDocument::fromJson(frame->payload).object();
    if (frame->opcode != 0x1 || o.value(QLatin1String("type")).toString() != QLatin1String("hello"))
        return add(QStringLiteral("hello"), false,
                   tr("The first message was not a hello: \"%1\".")
                       .arg(QString::fromUtf8(frame->payload.left(80))),
                   tr("Check that the URL points to an Acdesk server."));
    return add(QStringLiteral("hello"), true,
               tr("hello from %1 (protocol %2) %3 ms after the upgrade.")
                   .arg(o.value(QLatin1String("server")).toString())
                   .arg(o.value(QLatin1String("protocol")).toInt())
                   .arg(clock.elapsed()));
}

bool DoctorRun::roundTrip()
{
    const QByteArray payload =
        "acdesk-doctor-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    QElapsedTimer clock;
    clock.start();
    m_socket->write(clientFrame(0x9, payload));
    bool closed = false;
    const ReadResult r = readUntil(m_socket.get(), m_buffer, clock, m_o.timeoutMs, [&] {
        while (std::optional<Frame> f = takeFrame(m_buffer)) {
            if (f->opcode == 0x8)
                closed = true;
            if (closed || (f->opcode == 0xA && f->payload == payload))
                return true;
        }
        return false;
    });
    if (r != ReadResult::Ok || closed)
        return add(
            QStringLiteral("rtt"), false,
            r == ReadResult::Timeout ? tr("No answer to a WebSocket ping within %1 s.").arg(secs())
                                     : tr("The connection was closed during the ping."),
            m_tls ? tr("Check the reverse proxy's read timeouts (nginx: proxy_read_timeout).")
                  : inspectedFix());
    m_rttMs = clock.elapsed();
    return add(QStringLiteral("rtt"), true, tr("Round trip (WebSocket ping) %1 ms.").arg(m_rttMs));
}

} // namespace

ConnectionDoctor::ConnectionDoctor(QObject *parent)
    : QObject(parent)
{}

ConnectionDoctor::~ConnectionDoctor()
{
    if (m_thread) {
        m_cancel->store(true);
        m_thread->wait();
        delete m_thread;
    }
}

QList<DoctorStep> ConnectionDoctor::diagnose(const DoctorOptions &options,
                                             const std::function<void(const DoctorStep &)> &onStep,
                                             const std::atomic<bool> *cancel)
{
    QList<DoctorStep> steps = DoctorRun(options, onStep, cancel).run(options.url);
    const bool tryTwin =
        options.tryTwin &&
        options.url.scheme().compare(QLatin1String("ws"), Qt::CaseInsensitive) == 0 &&
        !options.url.host().isEmpty() && !(cancel && cancel->load());
    if (!tryTwin)
        return steps;
    QElapsedTimer clock;
    clock.start();
    QUrl twin = options.url;
    twin.setScheme(QStringLiteral("wss"));
    twin.setPort(options.wssPort == 443 ? -1 : options.wssPort);
    const QList<DoctorStep> twinSteps = DoctorRun(options, {}, cancel).run(twin);
    bool plainOk = true;
    for (const DoctorStep &s : std::as_const(steps))
        plainOk = plainOk && s.ok;
    const DoctorStep *twinFailure = nullptr;
    for (const DoctorStep &s : twinSteps)
        if (!s.ok) {
            twinFailure = &s;
            break;
        }
    const QString plainUrl = options.url.toString();
    const QString twinUrl = twin.toString();
    DoctorStep t;
    t.step = QStringLiteral("twin");
    t.ok = plainOk || !twinFailure;
    if (!twinFailure && plainOk)
        t.detail = tr("Both work: %1 and its TLS twin %2.").arg(plainUrl, twinUrl);
    else if (!twinFailure) {
        t.detail = tr("%1 works while %2 does not.").arg(twinUrl, plainUrl) + QLatin1Char(' ') +
                   tr("Acdesk clients given %1 switch to %2 by themselves and remember it.")
                       .arg(plainUrl, twinUrl);
        t.fix = tr("Nothing to do; to skip the failed first try, connect to %1.").arg(twinUrl);
    } else {
        const QString why = tr("%1 failed at \"%2\": %3")
                                .arg(twinUrl, title(twinFailure->step), twinFailure->detail);
        if (plainOk) {
            t.detail = tr("%1 works; its TLS twin does not (fine on this network).").arg(plainUrl) +
                       QLatin1Char(' ') + why;
        } else {
            t.detail =
                tr("Neither %1 nor its TLS twin works.").arg(plainUrl) + QLatin1Char(' ') + why;
            t.fix = twinFailure->fix;
        }
    }
    t.ms = clock.elapsed();
    steps.append(t);
    if (onStep)
        onStep(t);
    return steps;
}

QVariantMap ConnectionDoctor::toVariant(const DoctorStep &step)
{
    return {{QStringLiteral("step"), step.step}, {QStringLiteral("title"), title(step.step)},
            {QStringLiteral("ok"), step.ok},     {QStringLiteral("detail"), step.detail},
            {QStringLiteral("fix"), step.fix},   {QStringLiteral("ms"), step.ms}};
}

QString ConnectionDoctor::title(const QString &step)
{
    if (step == QLatin1String("url"))
        return tr("URL");
    if (step == QLatin1String("resolve"))
        return tr("Name resolution");
    if (step == QLatin1String("tcp"))
        return tr("TCP connect");
    if (step == QLatin1String("proxy"))
        return tr("Proxy");
    if (step == QLatin1String("tls"))
        return tr("TLS handshake");
    if (step == QLatin1String("upgrade"))
        return tr("WebSocket upgrade");
    if (step == QLatin1String("subprotocol"))
        return tr("Subprotocol");
    if (step == QLatin1String("hello"))
        return tr("Server hello");
    if (step == QLatin1String("rtt"))
        return tr("Round trip");
    if (step == QLatin1String("twin"))
        return tr("ws:// or wss://");
    return step;
}

void ConnectionDoctor::start(const QString &url, const QString &proxy, const QString &caFile)
{
    DoctorOptions o;
    o.url = QUrl::fromUserInput(url.contains(QLatin1String("://")) ? url
                                                                   : QStringLiteral("ws://") + url);
    o.proxy = proxy;
    o.caFile = caFile;
    o.timeoutMs = m_timeoutSeconds * 1000;
    startWith(o);
}

void ConnectionDoctor::startWith(const DoctorOptions &options)
{
    if (m_thread)
        return;
    m_steps.clear();
    m_done = false;
    Q_EMIT stepsChanged();
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    QPointer<ConnectionDoctor> self(this);
    auto cancel = m_cancel;
    // Blocking sockets in a worker thread keep the steps readable and the window responsive;
    // each step comes back to this thread as a queued call.
    m_thread = QThread::create([self, options, cancel] {
        ConnectionDoctor::diagnose(
            options,
            [self](const DoctorStep &step) {
                if (self)
                    QMetaObject::invokeMethod(
                        self.data(),
                        [self, step] {
                            if (self)
                                self->addStep(step);
                        },
                        Qt::QueuedConnection);
            },
            cancel.get());
    });
    connect(m_thread, &QThread::finished, this, &ConnectionDoctor::onThreadFinished);
    m_thread->start();
    Q_EMIT runningChanged();
}

void ConnectionDoctor::addStep(const DoctorStep &step)
{
    m_steps.append(step);
    Q_EMIT stepsChanged();
}

void ConnectionDoctor::onThreadFinished()
{
    m_thread->deleteLater();
    m_thread = nullptr;
    m_done = true;
    Q_EMIT runningChanged();
    Q_EMIT stepsChanged();
    Q_EMIT finished(passed());
}

bool ConnectionDoctor::passed() const
{
    if (!m_done || m_steps.isEmpty())
        return false;
    for (const DoctorStep &s : m_steps)
        if (!s.ok)
            return false;
    return true;
}

QVariantList ConnectionDoctor::steps() const
{
    QVariantList list;
    for (const DoctorStep &s : m_steps)
        list << toVariant(s);
    return list;
}

void ConnectionDoctor::setTimeoutSeconds(int seconds)
{
    seconds = qBound(1, seconds, 120);
    if (seconds == m_timeoutSeconds)
        return;
    m_timeoutSeconds = seconds;
    Q_EMIT timeoutSecondsChanged();
}

} // namespace acdesk::client
