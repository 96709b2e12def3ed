#include "qttransport.h"

#include <QHostAddress>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>

namespace acdesk::server {

namespace {

constexpr char HeadTimerName[] = "acdeskRequestHead";

QString addressOf(const QHostAddress &address)
{
    bool mapped = false;
    const QHostAddress v4(address.toIPv4Address(&mapped));
    return mapped ? v4.toString() : address.toString();
}

// The timer that bounds the request head; readyRead is connected to it, so removing it
// also stops reading the head.
qint64 unsent(QTcpSocket *socket)
{
    const auto *ssl = qobject_cast<QSslSocket *>(socket);
    return socket->bytesToWrite() + (ssl ? ssl->encryptedBytesToWrite() : 0);
}

QTimer *headTimer(QTcpSocket *socket)
{
    return socket->findChild<QTimer *>(QLatin1String(HeadTimerName), Qt::FindDirectChildrenOnly);
}

void endHead(QTcpSocket *socket)
{
    if (QTimer *timer = headTimer(socket)) {
        QObject::disconnect(socket, nullptr, timer, nullptr);
        timer->stop();
        timer->deleteLater();
    }
}

} // namespace

// ---------------------------------------------------------------------------------------
// QtPeer

QtPeer::QtPeer(QtTransport *transport, QWebSocket *socket)
    : Peer(addressOf(socket->peerAddress()))
    , m_transport(transport)
    , m_socket(socket)
{}

QtPeer::~QtPeer()
{
    if (m_socket) {
        m_socket->disconnect();
        m_socket->abort();
        delete m_socket.data(); // never inside one of its own signals (see buryDead)
    }
}

void QtPeer::sendText(QByteArrayView head, QByteArrayView tail)
{
    if (!m_dead && m_socket)
        m_socket->sendTextMessage(m_transport->utf16(head, tail));
}

void QtPeer::ping()
{
    if (!m_dead && m_socket)
        m_socket->ping();
}

void QtPeer::close(quint16 code, const QString &reason)
{
    if (m_dead || !m_socket)
        return;
    // QWebSocket sends the close frame and closes the TCP connection once it is flushed;
    // a client that stops reading is dropped after the closing-handshake time.
    QWebSocket *socket = m_socket;
    QTimer::singleShot(Transport::CloseHandshakeMs, socket, [socket] { socket->abort(); });
    socket->close(QWebSocketProtocol::CloseCode(code), reason);
}

void QtPeer::abort()
{
    if (!m_dead && m_socket)
        m_socket->abort(); // `disconnected` marks the peer dead; buried on a later turn
    m_transport->died(this);
}

qint64 QtPeer::bytesToWrite() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

// ---------------------------------------------------------------------------------------
// QtTransport

QtTransport::QtTransport(QObject *parent)
    : Transport(parent)
    , m_ws(QStringLiteral("Acdesk"), QWebSocketServer::NonSecureMode)
{
    m_bury.setSingleShot(true);
    m_bury.setInterval(0);
    connect(&m_bury, &QTimer::timeout, this, &QtTransport::buryDead);
    connect(&m_ws, &QWebSocketServer::newConnection, this, &QtTransport::upgraded);
    m_ws.setSupportedSubprotocols({QStringLiteral("acdesk.v1")});
    // Upgrades are taken as soon as they are announced; the cap only guards a burst.
    m_ws.setMaxPendingConnections(1 << 20);
}

QtTransport::~QtTransport()
{
    // The server goes first; nobody is told about these any more. The listening socket
    // goes before the peers so that its sockets' `destroyed` finds no server to resume.
    delete std::exchange(m_tcp, nullptr);
    for (QtPeer *peer : qAsConst(m_peers))
        delete peer;
}

QTcpServer *QtTransport::makePlainServer()
{
    return new QTcpServer(this);
}

void QtTransport::accepted(QTcpSocket *socket)
{
    if (m_open >= m_options.maxConnections) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    ++m_open;
    connect(socket, &QObject::destroyed, this, [this] {
        --m_open;
        updateAccepting();
    });
    // After an HTTP answer, and for a WebSocket once QWebSocketServer let it go.
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // QWebSocket answers every ping by itself and its socket buffers without a bound: a
    // client that pings but never reads is dropped at the backstop, checked before each
    // read is processed (this connection comes before QWebSocket's own).
    connect(socket, &QTcpSocket::readyRead, this, [socket] {
        if (unsent(socket) > MaxUnsentBytes)
            socket->abort();
    });
    // A head that never ends must not fill memory: the buffer holds one head at most.
    socket->setReadBufferSize(MaxRequestHead + 4);
    auto *timer = new QTimer(socket);
    timer->setObjectName(QLatin1String(HeadTimerName));
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, socket, &QTcpSocket::abort);
    connect(socket, &QTcpSocket::readyRead, timer, [this, socket] { readHead(socket); });
    timer->start(m_options.handshakeTimeoutMs);
    if (socket->bytesAvailable() > 0)
        readHead(socket);
}

void QtTransport::readHead(QTcpSocket *socket)
{
    // Peeked, not read: QWebSocketServer reads the same bytes again.
    const QByteArray data = socket->peek(MaxRequestHead + 4);
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0 || end > MaxRequestHead) {
        if (data.size() >= MaxRequestHead)
            answer(socket, {431, "text/plain; charset=utf-8", "request head too large\n"}, false);
        return;
    }
    const std::optional<RequestHead> head = parseHead(QByteArrayView(data).first(end));
    if (!head) {
        answer(socket, {400, "text/plain; charset=utf-8", "bad request\n"}, false);
        return;
    }
    if (const std::optional<HttpResponse> refused = refusal(*head)) {
        answer(socket, *refused, head->method == "HEAD");
        return;
    }
    endHead(socket);
    socket->setReadBufferSize(0);
    m_ws.handleConnection(socket);
}

void QtTransport::answer(QTcpSocket *socket, const HttpResponse &response, bool headOnly)
{
    endHead(socket);
    QTimer::singleShot(HttpAnswerMs, socket, &QTcpSocket::abort);
    socket->write(httpAnswer(response, headOnly));
    socket->disconnectFromHost(); // after what is written; then `disconnected`
}

void QtTransport::upgraded()
{
    while (QWebSocket *socket = m_ws.nextPendingConnection()) {
        socket->setMaxAllowedIncomingMessageSize(quint64(m_options.maxMessageBytes));
        socket->setMaxAllowedIncomingFrameSize(quint64(m_options.maxMessageBytes));
        auto *peer = new QtPeer(this, socket);
        m_peers.insert(peer);
        connect(socket, &QWebSocket::textMessageReceived, this, [peer](const QString &message) {
            if (!peer->m_dead && peer->m_handler)
                peer->m_handler->peerText(peer, message.toUtf8());
        });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [peer] {
            peer->close(closecode::Unsupported, QStringLiteral("binary frames are not supported"));
        });
        connect(socket, &QWebSocket::pong, this, [peer] {
            if (!peer->m_dead && peer->m_handler)
                peer->m_handler->peerPong(peer);
        });
        connect(socket, &QWebSocket::disconnected, this, [this, peer] { died(peer); });
        Q_EMIT newConnection(peer);
    }
}

void QtTransport::died(QtPeer *peer)
{
    if (std::exchange(peer->m_dead, true))
        return;
    m_dead.append(peer);
    m_bury.start();
}

void QtTransport::buryDead()
{
    // Later than the death itself: whoever made the peer fail may still be using it.
    const QList<QtPeer *> dead = std::exchange(m_dead, {});
    for (QtPeer *peer : dead) {
        m_peers.remove(peer);
        if (peer->m_handler)
            peer->m_handler->peerClosed(peer);
        delete peer;
    }
}

QString QtTransport::utf16(QByteArrayView head, QByteArrayView tail)
{
    // QWebSocket takes text as QString only. An event goes to many recipients with the
    // same body and a per-connection prefix (its seq), so the body is converted once.
    if (tail.isEmpty())
        return QString::fromUtf8(head);
    if (tail != QByteArrayView(m_lastTail)) {
        m_lastTail = tail.toByteArray();
        m_lastTailUtf16 = QString::fromUtf8(m_lastTail);
    }
    return QString::fromUtf8(head) + m_lastTailUtf16;
}

} // namespace acdesk::server
