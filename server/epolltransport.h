#pragma once

#include "transport.h"

#include <QElapsedTimer>
#include <QList>
#include <QSet>
#include <QTimer>

class QSocketNotifier;
class QSslSocket;
class QTcpServer;
class QTcpSocket;

namespace acdesk::server {

class EpollTransport;

/**
 * @brief One accepted connection of the EpollTransport: an HTTP request head, then either
 * the answer to a GET or a WebSocket session (RFC 6455, server side).
 *
 * Plain connections are raw non-blocking descriptors in the transport's epoll set rather
 * than QTcpSockets (issue 7, measured in docs/benchmarks.md): an idle peer holds no
 * buffers at all, where a QTcpSocket keeps a 16 KiB read chunk for reuse, and a message
 * leaves with one sendmsg() of the frame header and the shared payload, without a copy,
 * a UTF-16 round trip or a notifier toggle per recipient. TLS connections use QSslSocket
 * as the byte pipe under the same framing.
 */
class EpollPeer final : public Peer
{
public:
    ~EpollPeer() override;

    void sendText(QByteArrayView head, QByteArrayView tail = {}) override;
    void ping() override;
    /** @brief Starts the closing handshake; the peer closes when the client answers. */
    void close(quint16 code, const QString &reason) override;
    void abort() override;
    qint64 bytesToWrite() const override;

private:
    friend class EpollTransport;
    enum class State : quint8 { Head, Http, Open, Closing, Dead };

    EpollPeer(EpollTransport *transport, int fd, QSslSocket *ssl, QString address);
    void onReadable();
    void onWritable();
    void received(QByteArrayView data);
    qsizetype process(QByteArrayView data);
    qsizetype processFrames(QByteArrayView data);
    void handleFrame(quint8 opcode, bool fin, QByteArray payload);
    void deliver(quint8 opcode, const QByteArray &message);
    void sendFrame(quint8 opcode, QByteArrayView head, QByteArrayView tail = {});
    void write(QByteArrayView a, QByteArrayView b = {}, QByteArrayView c = {});
    void respondAndClose(const QByteArray &bytes);
    void closeWhenFlushed(qint64 deadlineMs);
    void terminate();

    EpollTransport *m_transport;
    int m_fd;                // plain connections; -1 with TLS
    QSslSocket *m_ssl;       // TLS connections
    QByteArray m_in;         // bytes of an incomplete head or frame
    QByteArray m_out;        // bytes the kernel did not take yet (plain only)
    QByteArray m_message;    // fragments of an unfinished message
    qint64 m_deadlineMs = 0; // for the request head and the closing handshake
    State m_state = State::Head;
    quint8 m_fragmentOpcode = 0;
    bool m_watchingWrites = false; // EPOLLOUT is in the epoll set
    bool m_readClosed = false;     // EOF seen while an HTTP answer is still going out
    bool m_closeWhenFlushed = false;
};

/**
 * @brief The transport for large sites (`--transport epoll`): RFC 6455 by hand on one epoll
 * set.
 *
 * QWebSocketServer costs a QTcpSocket and a QWebSocket per connection (see EpollPeer for
 * what that costs). Here a QTcpServer accepts the descriptors, one epoll set watches them
 * all behind a single QSocketNotifier (Qt's own dispatcher polls every notifier on every
 * turn), and each connection is an EpollPeer. With TLS a QSslServer accepts and does the
 * TLS handshake; the peer then reads and writes through the QSslSocket.
 */
class EpollTransport final : public Transport
{
    Q_OBJECT
public:
    explicit EpollTransport(QObject *parent = nullptr);
    ~EpollTransport() override;

    int openConnections() const override { return int(m_peers.size()); }

private:
    friend class EpollPeer;
    bool prepare(QString *error) override;
    QTcpServer *makePlainServer() override;
    void accepted(QTcpSocket *socket) override; // TLS only: plain ones are adopted as descriptors
    void adopt(int fd);
    void add(EpollPeer *peer);
    void onEpoll();
    void onHead(EpollPeer *peer, QByteArrayView head);
    void updateEvents(EpollPeer *peer);
    void setDeadline(EpollPeer *peer, qint64 afterMs);
    void sweepDeadlines();
    void died(EpollPeer *peer);
    void buryDead();
    qint64 nowMs() const { return m_clock.elapsed(); }

    int m_epoll = -1;
    QSocketNotifier *m_epollNotifier = nullptr;
    QSet<EpollPeer *> m_peers;     // every open connection, handshaking or upgraded
    QSet<EpollPeer *> m_deadlines; // peers in their request head or closing handshake
    QList<EpollPeer *> m_dead;     // closed, deleted on the next turn of the event loop
    QTimer m_sweep;
    QTimer m_bury;
    QElapsedTimer m_clock;
};

} // namespace acdesk::server
