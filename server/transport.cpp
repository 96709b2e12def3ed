#include "transport.h"

#include "epolltransport.h"
#include "qttransport.h"

#include <QFile>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>

#include <sys/resource.h>

Q_LOGGING_CATEGORY(lcTransport, "acdesk.server.transport")

namespace acdesk::server {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 400:
        return "Bad Request";
    case 426:
        return "Upgrade Required";
    case 431:
        return "Request Header Fields Too Large";
    case 503:
        return "Service Unavailable";
    default:
        return "Error";
    }
}

HttpResponse text(int status, const char *body)
{
    return {status, "text/plain; charset=utf-8", body};
}

} // namespace

QStringList Transport::names()
{
    return {QStringLiteral("qt"), QStringLiteral("epoll")};
}

std::unique_ptr<Transport> Transport::create(const QString &name)
{
    if (name == QLatin1String("qt"))
        return std::make_unique<QtTransport>();
    if (name == QLatin1String("epoll"))
        return std::make_unique<EpollTransport>();
    return nullptr;
}

bool Transport::RequestHead::isUpgrade() const
{
    return hasToken("connection", "upgrade") &&
           headers.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0;
}

bool Transport::RequestHead::hasToken(const QByteArray &name, const QByteArray &token) const
{
    for (const QByteArray &part : headers.value(name).split(','))
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

std::optional<Transport::RequestHead> Transport::parseHead(QByteArrayView headBytes)
{
    const QList<QByteArray> lines = headBytes.toByteArray().split('\n');
    if (lines.isEmpty())
        return std::nullopt;
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1."))
        return std::nullopt;
    RequestHead r;
    r.method = requestLine[0];
    r.target = requestLine[1];
    const qsizetype q = r.target.indexOf('?');
    r.path = q < 0 ? r.target : r.target.left(q);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty())
            break;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return std::nullopt;
        r.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    return r;
}

std::optional<HttpResponse> Transport::refusal(const RequestHead &head) const
{
    if (!head.isUpgrade()) {
        if (head.method != "GET" && head.method != "HEAD")
            return text(405, "only GET is served\n");
        return m_http ? m_http(head.target) : text(404, "not found\n");
    }
    if (head.path != "/ws")
        return text(404, "WebSocket endpoint is /ws\n");
    const QByteArray origin = head.headers.value("origin");
    if (!origin.isEmpty() && !m_options.allowedOrigins.isEmpty() &&
        !m_options.allowedOrigins.contains(QString::fromUtf8(origin))) {
        qCInfo(lcTransport) << "refused WebSocket from origin" << origin;
        return text(403, "origin not allowed\n");
    }
    if (head.method != "GET" || head.headers.value("sec-websocket-version") != "13")
        return text(426, "WebSocket version 13 only\n");
    if (QByteArray::fromBase64(head.headers.value("sec-websocket-key")).size() != 16)
        return text(400, "bad Sec-WebSocket-Key\n");
    return std::nullopt;
}

QByteArray Transport::httpAnswer(const HttpResponse &response, bool headOnly)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' +
                     reasonPhrase(response.status) + "\r\nContent-Type: " + response.contentType +
                     "\r\nContent-Length: " + QByteArray::number(response.body.size()) +
                     "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n" +
                     (response.status == 426 ? "Sec-WebSocket-Version: 13\r\n" : "") +
                     "Connection: close\r\n\r\n";
    if (!headOnly)
        out += response.body;
    return out;
}

namespace {

std::optional<QSslConfiguration> tlsConfiguration(const Transport::Options &options, QString *error)
{
    QFile certFile(options.tlsCertFile);
    QFile keyFile(options.tlsKeyFile);
    if (!certFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read TLS certificate %1: %2")
                     .arg(options.tlsCertFile, certFile.errorString());
        return std::nullopt;
    }
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read TLS key %1: %2")
                     .arg(options.tlsKeyFile, keyFile.errorString());
        return std::nullopt;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll());
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Rsa);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Ec);
    if (chain.isEmpty() || key.isNull()) {
        *error = QStringLiteral("TLS certificate or key is not valid PEM");
        return std::nullopt;
    }
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setLocalCertificateChain(chain);
    ssl.setPrivateKey(key);
    ssl.setProtocol(QSsl::TlsV1_2OrLater);
    ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    return ssl;
}

// Every connection is a descriptor: take what the hard limit allows, and stay below it,
// because at the limit accept() fails and Qt retries it in a loop at 100 % CPU.
void fitDescriptorLimit(Transport::Options *options)
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return;
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
    const int usable = int(qMin<rlim_t>(limit.rlim_cur, 1 << 30)) - 64;
    if (options->maxConnections > usable) {
        qCWarning(lcTransport).nospace() << "maxConnections lowered to " << usable
                                         << ": the descriptor limit is " << limit.rlim_cur;
        options->maxConnections = qMax(1, usable);
    }
}

} // namespace

bool Transport::listen(const Options &options, QString *error)
{
    m_options = options;
    fitDescriptorLimit(&m_options);
    m_tls = !options.tlsCertFile.isEmpty();
    if (!prepare(error))
        return false;
    if (m_tls) {
        const std::optional<QSslConfiguration> ssl = tlsConfiguration(options, error);
        if (!ssl)
            return false;
        auto *sslServer = new QSslServer(this);
        sslServer->setSslConfiguration(*ssl);
        sslServer->setHandshakeTimeout(options.handshakeTimeoutMs);
        m_tcp = sslServer;
    } else {
        m_tcp = makePlainServer();
    }
    // QSslServer announces a connection after its TLS handshake, QTcpServer at once (a
    // transport's own QTcpServer may take descriptors before there is a socket).
    connect(m_tcp, &QTcpServer::pendingConnectionAvailable, this, [this] {
        while (QTcpSocket *socket = m_tcp->nextPendingConnection())
            accepted(socket);
        updateAccepting();
    });
    // The default backlog of 50 drops SYNs during reconnect storms (all TVs and agents
    // coming back after a server restart); the kernel caps it at somaxconn anyway.
    m_tcp->setListenBacklogSize(1024);
    m_tcp->setMaxPendingConnections(1024);
    if (!m_tcp->listen(QHostAddress(options.host), options.port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(options.host)
                     .arg(options.port)
                     .arg(m_tcp->errorString());
        return false;
    }
    return true;
}

quint16 Transport::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

void Transport::close()
{
    if (m_tcp)
        m_tcp->close();
}

void Transport::updateAccepting()
{
    if (!m_tcp)
        return;
    // At the descriptor limit Qt's accept loop spins; stop accepting before that.
    if (openConnections() >= m_options.maxConnections)
        m_tcp->pauseAccepting();
    else
        m_tcp->resumeAccepting();
}

} // namespace acdesk::server
