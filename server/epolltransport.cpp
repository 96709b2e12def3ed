#include "epolltransport.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>

#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcEpoll, "acdesk.server.epoll")

namespace acdesk::server {

namespace {

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

EpollTransport::EpollTransport(QObject *parent)
    : Transport(parent)
{
    m_clock.start();
    m_sweep.setInterval(250);
    connect(&m_sweep, &QTimer::timeout, this, &EpollTransport::sweepDeadlines);
    m_bury.setSingleShot(true);
    m_bury.setInterval(0);
    connect(&m_bury, &QTimer::timeout, this, &EpollTransport::buryDead);
}

EpollTransport::~EpollTransport()
{
    // The server goes first; nobody is told about these any more.
    // m_peers also holds the dead ones that are not buried yet.
    for (EpollPeer *peer : qAsConst(m_peers))
        delete peer;
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool EpollTransport::prepare(QString *error)
{
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) {
        *error = QStringLiteral("epoll_create1: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    m_epollNotifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
    connect(m_epollNotifier, &QSocketNotifier::activated, this, &EpollTransport::onEpoll);
    return true;
}

QTcpServer *EpollTransport::makePlainServer()
{
    return new PlainServer([this](int fd) { adopt(fd); }, this);
}

void EpollTransport::adopt(int fd)
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
    auto *peer = new EpollPeer(this, fd, nullptr, peerAddress(fd));
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.ptr = peer;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) != 0) {
        qCWarning(lcEpoll) << "epoll_ctl:" << strerror(errno);
        delete peer;
        return;
    }
    add(peer);
}

void EpollTransport::accepted(QTcpSocket *socket)
{
    auto *ssl = qobject_cast<QSslSocket *>(socket);
    if (!ssl || m_peers.size() >= m_options.maxConnections) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    ssl->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    auto *peer = new EpollPeer(this, -1, ssl, socket->peerAddress().toString());
    connect(ssl, &QSslSocket::readyRead, ssl, [peer, ssl] { peer->received(ssl->readAll()); });
    connect(ssl, &QSslSocket::disconnected, ssl, [peer] { peer->terminate(); });
    add(peer);
    if (ssl->bytesAvailable() > 0)
        peer->received(ssl->readAll());
}

void EpollTransport::add(EpollPeer *peer)
{
    m_peers.insert(peer);
    // The time until the request head is complete; the login timeout follows it.
    setDeadline(peer, m_options.handshakeTimeoutMs);
    updateAccepting();
}

void EpollTransport::onEpoll()
{
    // Level-triggered: what is left for later is reported again on the next turn, so one
    // batch per turn keeps timers and TLS peers from waiting behind a busy floor.
    epoll_event events[256];
    const int n = ::epoll_wait(m_epoll, events, 256, 0);
    for (int i = 0; i < n; ++i) {
        auto *peer = static_cast<EpollPeer *>(events[i].data.ptr);
        if (peer->m_state == EpollPeer::State::Dead)
            continue; // died earlier in this batch; buried on the next turn
        if (events[i].events & EPOLLOUT)
            peer->onWritable();
        if (peer->m_state != EpollPeer::State::Dead &&
            (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
            peer->onReadable();
    }
}

void EpollTransport::updateEvents(EpollPeer *peer)
{
    if (peer->m_fd < 0)
        return;
    epoll_event ev{};
    ev.events = (peer->m_readClosed ? 0u : quint32(EPOLLIN | EPOLLRDHUP)) |
                (peer->m_watchingWrites ? quint32(EPOLLOUT) : 0u);
    ev.data.ptr = peer;
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, peer->m_fd, &ev);
}

void EpollTransport::setDeadline(EpollPeer *peer, qint64 afterMs)
{
    peer->m_deadlineMs = nowMs() + afterMs;
    m_deadlines.insert(peer);
    if (!m_sweep.isActive())
        m_sweep.start();
}

void EpollTransport::sweepDeadlines()
{
    const qint64 now = nowMs();
    const QList<EpollPeer *> timed = m_deadlines.values();
    for (EpollPeer *peer : timed) {
        const bool waiting = peer->m_state == EpollPeer::State::Head ||
                             peer->m_state == EpollPeer::State::Http ||
                             peer->m_state == EpollPeer::State::Closing;
        if (!waiting)
            m_deadlines.remove(peer);
        else if (peer->m_deadlineMs <= now)
            peer->terminate();
    }
    if (m_deadlines.isEmpty())
        m_sweep.stop();
}

void EpollTransport::died(EpollPeer *peer)
{
    // terminate() runs once per peer (it checks for Dead); each peer is buried once.
    m_deadlines.remove(peer);
    m_dead.append(peer);
    m_bury.start();
}

void EpollTransport::buryDead()
{
    // Later than the death itself: whoever made the peer fail may still be using it.
    const QList<EpollPeer *> dead = std::exchange(m_dead, {});
    for (EpollPeer *peer : dead) {
        m_peers.remove(peer);
        if (peer->m_handler)
            peer->m_handler->peerClosed(peer);
        delete peer;
    }
    updateAccepting();
}

void EpollTransport::onHead(EpollPeer *peer, QByteArrayView headBytes)
{
    const std::optional<RequestHead> head = parseHead(headBytes);
    if (!head) {
        peer->respondAndClose(
            httpAnswer({400, "text/plain; charset=utf-8", "bad request\n"}, false));
        return;
    }
    if (const std::optional<HttpResponse> answer = refusal(*head)) {
        peer->respondAndClose(httpAnswer(*answer, head->method == "HEAD"));
        return;
    }
    const QByteArray key = head->headers.value("sec-websocket-key");
    // RFC 6455 section 4.2.2: the accept value proves the server read this handshake.
    const QByteArray accept =
        QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                 QCryptographicHash::Sha1)
            .toBase64();
    QByteArray response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                          accept + "\r\n";
    if (head->hasToken("sec-websocket-protocol", "acdesk.v1"))
        response += "Sec-WebSocket-Protocol: acdesk.v1\r\n";
    response += "\r\n";
    peer->m_state = EpollPeer::State::Open;
    m_deadlines.remove(peer);
    peer->write(response);
    if (peer->m_state == EpollPeer::State::Open)
        Q_EMIT newConnection(peer);
}

} // namespace acdesk::server
