#include "listener.h"

#include "peer.h"

#include <QCryptographicHash>
#include <QFile>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>

#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcListener, "acdesk.server.listener")

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

struct RequestHead
{
    QByteArray method;
    QByteArray path; // without the query
    QByteArray target;
    QHash<QByteArray, QByteArray> headers; // lower-case names
};

std::optional<RequestHead> parseHead(const QByteArray &head)
{
    const QList<QByteArray> lines = head.split('\n');
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

bool headerHasToken(const QByteArray &value, const QByteArray &token)
{
    for (const QByteArray &part : value.split(','))
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

// Hands accepted descriptors over as they are: no QTcpSocket for plain connections.
class PlainServer : public QTcpServer
{
public:
    PlainServer(std::function<void(int)> adopt, QObject *parent)
        : QTcpServer(parent)
        , m_adopt(std::move(adopt))
    {}

protected:
    void incomingConnection(qintptr fd) override { m_adopt(int(fd)); }

private:
    std::function<void(int)> m_adopt;
};

QString peerAddress(int fd)
{
    sockaddr_storage storage{};
    socklen_t size = sizeof storage;
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&storage), &size) != 0)
        return {};
    QHostAddress address(reinterpret_cast<const sockaddr *>(&storage));
    bool mapped = false;
    const QHostAddress v4(address.toIPv4Address(&mapped));
    return mapped ? v4.toString() : address.toString();
}

} // namespace

Listener::Listener(QObject *parent)
    : QObject(parent)
{
    m_clock.start();
    m_sweep.setInterval(250);
    connect(&m_sweep, &QTimer::timeout, this, &Listener::sweepDeadlines);
    m_bury.setSingleShot(true);
    m_bury.setInterval(0);
    connect(&m_bury, &QTimer::timeout, this, &Listener::buryDead);
}

Listener::~Listener()
{
    // The server goes first; nobody is told about these any more.
    // m_peers also holds the dead ones that are not buried yet.
    for (Peer *peer : qAsConst(m_peers))
        delete peer;
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool Listener::listen(const Options &options, QString *error)
{
    m_options = options;
    // Every connection is a descriptor: take what the hard limit allows, and stay below it,
    // because at the limit accept() fails and Qt retries it in a loop at 100 % CPU.
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
        const int usable = int(qMin<rlim_t>(limit.rlim_cur, 1 << 30)) - 64;
        if (m_options.maxConnections > usable) {
            qCWarning(lcListener).nospace() << "maxConnections lowered to " << usable
                                            << ": the descriptor limit is " << limit.rlim_cur;
            m_options.maxConnections = qMax(1, usable);
        }
    }
    m_tls = !options.tlsCertFile.isEmpty();
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) {
        *error = QStringLiteral("epoll_create1: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    m_epollNotifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
    connect(m_epollNotifier, &QSocketNotifier::activated, this, &Listener::onEpoll);
    if (m_tls) {
        QFile certFile(options.tlsCertFile);
        QFile keyFile(options.tlsKeyFile);
        if (!certFile.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read TLS certificate %1: %2")
                         .arg(options.tlsCertFile, certFile.errorString());
            return false;
        }
        if (!keyFile.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read TLS key %1: %2")
                         .arg(options.tlsKeyFile, keyFile.errorString());
            return false;
        }
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll());
        const QByteArray keyPem = keyFile.readAll();
        QSslKey key(keyPem, QSsl::Rsa);
        if (key.isNull())
            key = QSslKey(keyPem, QSsl::Ec);
        if (chain.isEmpty() || key.isNull()) {
            *error = QStringLiteral("TLS certificate or key is not valid PEM");
            return false;
        }
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificateChain(chain);
        ssl.setPrivateKey(key);
        ssl.setProtocol(QSsl::TlsV1_2OrLater);
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        auto *sslServer = new QSslServer(this);
        sslServer->setSslConfiguration(ssl);
        sslServer->setHandshakeTimeout(options.handshakeTimeoutMs);
        m_tcp = sslServer;
        connect(sslServer, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = m_tcp->nextPendingConnection())
                adoptTls(socket);
            updateAccepting();
        });
    } else {
        m_tcp = new PlainServer([this](int fd) { adopt(fd); }, this);
    }
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

quint16 Listener::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

bool Listener::isTls() const
{
    return m_tls;
}

void Listener::close()
{
    if (m_tcp)
        m_tcp->close();
}

void Listener::updateAccepting()
{
    // At the descriptor limit Qt's accept loop spins; stop accepting before that.
    if (m_peers.size() >= m_options.maxConnections)
        m_tcp->pauseAccepting();
    else
        m_tcp->resumeAccepting();
}

void Listener::adopt(int fd)
{
    // QTcpServer accepts the whole backlog in one go, paused or not: what is over the cap
    // is refused here, before it can use up the descriptors the server needs itself.
    if (m_peers.size() >= m_options.maxConnections) {
        ::close(fd);
        return;
    }
    const int flags = ::fcntl(fd, F_GETFL);
    const int one = 1;
    // Every message is written whole, so Nagle's algorithm could only delay it.
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 ||
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
        ::close(fd);
        return;
    }
    auto *peer = new Peer(this, fd, nullptr, peerAddress(fd));
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.ptr = peer;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) != 0) {
        qCWarning(lcListener) << "epoll_ctl:" << strerror(errno);
        delete peer;
        return;
    }
    add(peer);
}

void Listener::adoptTls(QTcpSocket *socket)
{
    auto *ssl = qobject_cast<QSslSocket *>(socket);
    if (!ssl || m_peers.size() >= m_options.maxConnections) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    ssl->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    auto *peer = new Peer(this, -1, ssl, socket->peerAddress().toString());
    connect(ssl, &QSslSocket::readyRead, ssl, [peer, ssl] { peer->received(ssl->readAll()); });
    connect(ssl, &QSslSocket::disconnected, ssl, [peer] { peer->terminate(); });
    add(peer);
    if (ssl->bytesAvailable() > 0)
        peer->received(ssl->readAll());
}

void Listener::add(Peer *peer)
{
    m_peers.insert(peer);
    // The time until the request head is complete; the login timeout follows it.
    setDeadline(peer, m_options.handshakeTimeoutMs);
    updateAccepting();
}

void Listener::onEpoll()
{
    // Level-triggered: what is left for later is reported again on the next turn, so one
    // batch per turn keeps timers and TLS peers from waiting behind a busy floor.
    epoll_event events[256];
    const int n = ::epoll_wait(m_epoll, events, 256, 0);
    for (int i = 0; i < n; ++i) {
        auto *peer = static_cast<Peer *>(events[i].data.ptr);
        if (peer->m_state == Peer::State::Dead)
            continue; // died earlier in this batch; buried on the next turn
        if (events[i].events & EPOLLOUT)
            peer->onWritable();
        if (peer->m_state != Peer::State::Dead &&
            (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
            peer->onReadable();
    }
}

void Listener::updateEvents(Peer *peer)
{
    if (peer->m_fd < 0)
        return;
    epoll_event ev{};
    ev.events = (peer->m_readClosed ? 0u : quint32(EPOLLIN | EPOLLRDHUP)) |
                (peer->m_watchingWrites ? quint32(EPOLLOUT) : 0u);
    ev.data.ptr = peer;
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, peer->m_fd, &ev);
}

void Listener::setDeadline(Peer *peer, qint64 afterMs)
{
    peer->m_deadlineMs = nowMs() + afterMs;
    m_deadlines.insert(peer);
    if (!m_sweep.isActive())
        m_sweep.start();
}

void Listener::sweepDeadlines()
{
    const qint64 now = nowMs();
    const QList<Peer *> timed = m_deadlines.values();
    for (Peer *peer : timed) {
        const bool waiting = peer->m_state == Peer::State::Head ||
                             peer->m_state == Peer::State::Http ||
                             peer->m_state == Peer::State::Closing;
        if (!waiting)
            m_deadlines.remove(peer);
        else if (peer->m_deadlineMs <= now)
            peer->terminate();
    }
    if (m_deadlines.isEmpty())
        m_sweep.stop();
}

void Listener::died(Peer *peer)
{
    // terminate() runs once per peer (it checks for Dead); each peer is buried once.
    m_deadlines.remove(peer);
    m_dead.append(peer);
    m_bury.start();
}

void Listener::buryDead()
{
    // Later than the death itself: whoever made the peer fail may still be using it.
    const QList<Peer *> dead = std::exchange(m_dead, {});
    for (Peer *peer : dead) {
        m_peers.remove(peer);
        if (peer->m_handler)
            peer->m_handler->peerClosed(peer);
        delete peer;
    }
    updateAccepting();
}

void Listener::onHead(Peer *peer, QByteArrayView headBytes)
{
    const std::optional<RequestHead> head = parseHead(headBytes.toByteArray());
    if (!head) {
        answerHttp(peer, {400, "text/plain; charset=utf-8", "bad request\n"});
        return;
    }
    const bool upgrade =
        headerHasToken(head->headers.value("connection"), "upgrade") &&
        head->headers.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0;
    if (!upgrade) {
        if (head->method != "GET" && head->method != "HEAD") {
            answerHttp(peer, {405, "text/plain; charset=utf-8", "only GET is served\n"});
            return;
        }
        HttpResponse response{404, "text/plain; charset=utf-8", "not found\n"};
        if (m_http)
            response = m_http(head->target);
        answerHttp(peer, response, head->method == "HEAD");
        return;
    }
    if (head->path != "/ws") {
        answerHttp(peer, {404, "text/plain; charset=utf-8", "WebSocket endpoint is /ws\n"});
        return;
    }
    const QByteArray origin = head->headers.value("origin");
    if (!origin.isEmpty() && !m_options.allowedOrigins.isEmpty() &&
        !m_options.allowedOrigins.contains(QString::fromUtf8(origin))) {
        qCInfo(lcListener) << "refused WebSocket from origin" << origin;
        answerHttp(peer, {403, "text/plain; charset=utf-8", "origin not allowed\n"});
        return;
    }
    if (head->method != "GET" || head->headers.value("sec-websocket-version") != "13") {
        answerHttp(peer, {426, "text/plain; charset=utf-8", "WebSocket version 13 only\n"});
        return;
    }
    const QByteArray key = head->headers.value("sec-websocket-key");
    if (QByteArray::fromBase64(key).size() != 16) {
        answerHttp(peer, {400, "text/plain; charset=utf-8", "bad Sec-WebSocket-Key\n"});
        return;
    }
    // RFC 6455 section 4.2.2: the accept value proves the server read this handshake.
    const QByteArray accept =
        QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                 QCryptographicHash::Sha1)
            .toBase64();
    QByteArray response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                          accept + "\r\n";
    if (headerHasToken(head->headers.value("sec-websocket-protocol"), "acdesk.v1"))
        response += "Sec-WebSocket-Protocol: acdesk.v1\r\n";
    response += "\r\n";
    peer->m_state = Peer::State::Open;
    m_deadlines.remove(peer);
    peer->write(response);
    if (peer->m_state == Peer::State::Open)
        Q_EMIT newConnection(peer);
}

void Listener::answerHttp(Peer *peer, const HttpResponse &response, bool head)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' +
                     reasonPhrase(response.status) + "\r\nContent-Type: " + response.contentType +
                     "\r\nContent-Length: " + QByteArray::number(response.body.size()) +
                     "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n" +
                     (response.status == 426 ? "Sec-WebSocket-Version: 13\r\n" : "") +
                     "Connection: close\r\n\r\n";
    if (!head)
        out += response.body;
    peer->respondAndClose(out);
}

} // namespace acdesk::server
