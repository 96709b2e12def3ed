#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

class QSslSocket;

namespace acdesk::server {

class Listener;

/** @brief WebSocket close codes the server sends (RFC 6455 section 7.4). */
namespace closecode {
constexpr quint16 Normal = 1000;
constexpr quint16 GoingAway = 1001;
constexpr quint16 ProtocolError = 1002;
constexpr quint16 Unsupported = 1003;
constexpr quint16 BadPayload = 1007;
constexpr quint16 PolicyViolated = 1008;
constexpr quint16 TooBig = 1009;
} // namespace closecode

/**
 * @brief One accepted connection on the server's port: an HTTP request head, then either
 * the answer to a GET or a WebSocket session (RFC 6455, server side).
 *
 * Plain connections are raw non-blocking descriptors in the listener's epoll set rather
 * than QTcpSockets (issue 7, measured in docs/benchmarks.md): an idle peer holds no
 * buffers at all, where a QTcpSocket keeps a 16 KiB read chunk for reuse, and a message
 * leaves with one sendmsg() of the frame header and the shared payload, without a copy,
 * a UTF-16 round trip or a notifier toggle per recipient. TLS connections use QSslSocket
 * as the byte pipe under the same framing.
 *
 * Calls made by the server (send, ping, close, abort) never call back into it: a peer that
 * fails while sending is reported closed on a later turn of the event loop.
 */
class Peer
{
public:
    /** @brief What the server hears from a WebSocket peer. */
    class Handler
    {
    public:
        /** @brief A complete text message, valid UTF-8. */
        virtual void peerText(Peer *peer, const QByteArray &utf8) = 0;
        /** @brief The answer to ping(). */
        virtual void peerPong(Peer *peer) = 0;
        /** @brief The connection is gone; the peer is deleted after this returns. */
        virtual void peerClosed(Peer *peer) = 0;

    protected:
        ~Handler() = default;
    };

    ~Peer();
    Peer(const Peer &) = delete;
    Peer &operator=(const Peer &) = delete;

    /** @brief Who hears this peer's messages; @p context is the handler's own. */
    void setHandler(Handler *handler, void *context)
    {
        m_handler = handler;
        m_context = context;
    }
    void *context() const { return m_context; }
    /** @brief The remote address, as text. */
    const QString &address() const { return m_address; }

    /** @brief Sends one text frame whose payload is @p head followed by @p tail. */
    void sendText(QByteArrayView head, QByteArrayView tail = {});
    /** @brief Sends a ping; the answer arrives as Handler::peerPong(). */
    void ping();
    /** @brief Starts the closing handshake; the peer closes when the client answers. */
    void close(quint16 code, const QString &reason);
    /** @brief Drops the connection at once. */
    void abort();
    /** @brief Bytes accepted by send calls but not yet handed to the kernel. */
    qint64 bytesToWrite() const;

private:
    friend class Listener;
    enum class State : quint8 { Head, Http, Open, Closing, Dead };

    Peer(Listener *listener, int fd, QSslSocket *ssl, QString address);
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

    Listener *m_listener;
    int m_fd;          // plain connections; -1 with TLS
    QSslSocket *m_ssl; // TLS connections
    QString m_address;
    Handler *m_handler = nullptr;
    void *m_context = nullptr;
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

} // namespace acdesk::server
