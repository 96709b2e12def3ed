#include "epolltransport.h"

#include <QSslSocket>
#include <QtEndian>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace acdesk::server {

namespace {

// RFC 6455 opcodes
constexpr quint8 OpContinuation = 0x0;
constexpr quint8 OpText = 0x1;
constexpr quint8 OpBinary = 0x2;
constexpr quint8 OpClose = 0x8;
constexpr quint8 OpPing = 0x9;
constexpr quint8 OpPong = 0xA;

constexpr qsizetype ReadChunk = 64 * 1024;

bool isControl(quint8 opcode)
{
    return opcode & 0x8;
}

} // namespace

EpollPeer::EpollPeer(EpollTransport *transport, int fd, QSslSocket *ssl, QString address)
    : Peer(std::move(address))
    , m_transport(transport)
    , m_fd(fd)
    , m_ssl(ssl)
{}

EpollPeer::~EpollPeer()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (m_ssl) {
        m_ssl->disconnect();
        m_ssl->abort();
        m_ssl->deleteLater();
    }
}

// ---------------------------------------------------------------------------------------
// input

void EpollPeer::onReadable()
{
    // One read per readiness event keeps the loop fair between busy and quiet peers.
    static thread_local QByteArray chunk(ReadChunk, Qt::Uninitialized);
    const ssize_t n = ::recv(m_fd, chunk.data(), size_t(chunk.size()), 0);
    if (n > 0) {
        received(QByteArrayView(chunk.constData(), n));
        return;
    }
    if (n == 0 && m_state == State::Http && !m_out.isEmpty()) {
        // A client that half-closed after its request still gets the whole answer.
        m_readClosed = true;
        m_transport->updateEvents(this);
        return;
    }
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        terminate();
}

void EpollPeer::received(QByteArrayView data)
{
    if (m_state == State::Dead || m_state == State::Http)
        return; // after a GET answer nothing more is read
    if (m_in.isEmpty()) {
        // The common case: whole frames, parsed straight from the read chunk.
        const qsizetype used = process(data);
        if (used < data.size() && m_state != State::Dead)
            m_in = data.sliced(used).toByteArray();
        return;
    }
    m_in.append(data);
    const qsizetype used = process(m_in);
    if (used >= m_in.size() || m_state == State::Dead)
        m_in = QByteArray(); // an idle peer keeps no buffer
    else
        m_in.remove(0, used);
}

qsizetype EpollPeer::process(QByteArrayView data)
{
    qsizetype used = 0;
    if (m_state == State::Head) {
        const qsizetype end = data.indexOf(QByteArrayView("\r\n\r\n"));
        if (end < 0 || end > Transport::MaxRequestHead) {
            if (data.size() >= Transport::MaxRequestHead)
                respondAndClose(EpollTransport::httpAnswer(
                    {431, "text/plain; charset=utf-8", "request head too large\n"}, false));
            return 0;
        }
        used = end + 4;
        m_transport->onHead(this, data.first(end));
    }
    if (m_state == State::Open || m_state == State::Closing)
        used += processFrames(data.sliced(used));
    else
        used = data.size();
    return used;
}

qsizetype EpollPeer::processFrames(QByteArrayView data)
{
    const qint64 maxMessage = m_transport->m_options.maxMessageBytes;
    qsizetype pos = 0;
    while (m_state == State::Open || m_state == State::Closing) {
        const qsizetype avail = data.size() - pos;
        if (avail < 2)
            break;
        const auto *p = reinterpret_cast<const uchar *>(data.data() + pos);
        const bool fin = p[0] & 0x80;
        const quint8 opcode = p[0] & 0x0F;
        const bool masked = p[1] & 0x80;
        quint64 length = p[1] & 0x7F;
        qsizetype headerSize = 2;
        if (length == 126) {
            if (avail < 4)
                break;
            length = qFromBigEndian<quint16>(p + 2);
            headerSize = 4;
        } else if (length == 127) {
            if (avail < 10)
                break;
            length = qFromBigEndian<quint64>(p + 2);
            headerSize = 10;
        }
        // No extension is negotiated, so reserved bits are errors; clients must mask.
        if ((p[0] & 0x70) || !masked) {
            close(closecode::ProtocolError, QStringLiteral("unmasked frame or reserved bits"));
            return data.size();
        }
        if (length > quint64(maxMessage) ||
            (opcode == OpContinuation && qint64(m_message.size() + length) > maxMessage)) {
            close(closecode::TooBig,
                  QStringLiteral("message larger than %1 bytes").arg(maxMessage));
            return data.size();
        }
        if (avail < headerSize + 4 + qsizetype(length))
            break;
        const uchar *mask = p + headerSize;
        QByteArray payload(reinterpret_cast<const char *>(mask + 4), qsizetype(length));
        char *out = payload.data();
        for (qsizetype i = 0; i < payload.size(); ++i)
            out[i] = char(out[i] ^ mask[i & 3]);
        pos += headerSize + 4 + qsizetype(length);
        handleFrame(opcode, fin, std::move(payload));
    }
    return m_state == State::Dead ? data.size() : pos;
}

void EpollPeer::handleFrame(quint8 opcode, bool fin, QByteArray payload)
{
    if (isControl(opcode) && (!fin || payload.size() > 125)) {
        close(closecode::ProtocolError, QStringLiteral("fragmented or long control frame"));
        return;
    }
    switch (opcode) {
    case OpText:
    case OpBinary:
        if (m_fragmentOpcode) {
            close(closecode::ProtocolError, QStringLiteral("new message inside a fragmented one"));
            return;
        }
        if (fin) {
            deliver(opcode, payload);
        } else {
            m_fragmentOpcode = opcode;
            m_message = std::move(payload);
        }
        return;
    case OpContinuation:
        if (!m_fragmentOpcode) {
            close(closecode::ProtocolError, QStringLiteral("continuation without a message"));
            return;
        }
        m_message.append(payload);
        if (fin) {
            const quint8 messageOpcode = std::exchange(m_fragmentOpcode, 0);
            deliver(messageOpcode, std::exchange(m_message, QByteArray()));
        }
        return;
    case OpPing:
        if (m_state == State::Open)
            sendFrame(OpPong, payload);
        return;
    case OpPong:
        if (m_state == State::Open && m_handler)
            m_handler->peerPong(this);
        return;
    case OpClose:
        if (payload.size() == 1) {
            close(closecode::ProtocolError, QStringLiteral("close frame with a one-byte payload"));
            return;
        }
        if (m_state == State::Open) {
            // Answer with the client's code; the server closes the TCP connection first.
            sendFrame(OpClose, QByteArrayView(payload).first(qMin<qsizetype>(2, payload.size())));
            if (m_state == State::Dead)
                return; // the answer could not be sent
            m_state = State::Closing;
        }
        closeWhenFlushed(Transport::CloseHandshakeMs);
        return;
    default:
        close(closecode::ProtocolError, QStringLiteral("unknown opcode"));
        return;
    }
}

void EpollPeer::deliver(quint8 opcode, const QByteArray &message)
{
    if (m_state != State::Open)
        return; // after our close frame, data is ignored (RFC 6455 section 5.5.1)
    if (opcode == OpBinary) {
        close(closecode::Unsupported, QStringLiteral("binary frames are not supported"));
        return;
    }
    if (!QByteArrayView(message).isValidUtf8()) {
        close(closecode::BadPayload, QStringLiteral("text frame is not valid UTF-8"));
        return;
    }
    if (m_handler)
        m_handler->peerText(this, message);
}

// ---------------------------------------------------------------------------------------
// output

void EpollPeer::sendText(QByteArrayView head, QByteArrayView tail)
{
    if (m_state == State::Open)
        sendFrame(OpText, head, tail);
}

void EpollPeer::ping()
{
    if (m_state == State::Open)
        sendFrame(OpPing, {});
}

void EpollPeer::close(quint16 code, const QString &reason)
{
    if (m_state != State::Open)
        return;
    char payload[125];
    qToBigEndian<quint16>(code, payload);
    const QByteArray text = reason.toUtf8().left(123);
    std::memcpy(payload + 2, text.constData(), size_t(text.size()));
    sendFrame(OpClose, QByteArrayView(payload, 2 + text.size()));
    if (m_state == State::Dead)
        return;
    if (m_ssl)
        m_ssl->flush(); // the frame is on its way even if the server exits next (shutdown)
    m_state = State::Closing;
    // The client answers with its own close frame; one that never does is dropped.
    m_transport->setDeadline(this, Transport::CloseHandshakeMs);
}

void EpollPeer::abort()
{
    terminate();
}

qint64 EpollPeer::bytesToWrite() const
{
    if (m_ssl)
        return m_ssl->bytesToWrite() + m_ssl->encryptedBytesToWrite();
    return m_out.size();
}

void EpollPeer::sendFrame(quint8 opcode, QByteArrayView head, QByteArrayView tail)
{
    // Server frames are not masked: two to ten header bytes, then the payload.
    const quint64 length = quint64(head.size() + tail.size());
    uchar header[10];
    qsizetype headerSize = 2;
    header[0] = uchar(0x80 | opcode);
    if (length < 126) {
        header[1] = uchar(length);
    } else if (length <= 0xFFFF) {
        header[1] = 126;
        qToBigEndian<quint16>(quint16(length), header + 2);
        headerSize = 4;
    } else {
        header[1] = 127;
        qToBigEndian<quint64>(length, header + 2);
        headerSize = 10;
    }
    write(QByteArrayView(reinterpret_cast<const char *>(header), headerSize), head, tail);
}

void EpollPeer::write(QByteArrayView a, QByteArrayView b, QByteArrayView c)
{
    if (m_state == State::Dead)
        return;
    if (bytesToWrite() > Transport::MaxUnsentBytes) {
        terminate();
        return;
    }
    if (m_ssl) {
        // One write, so that the three parts become one TLS record.
        m_ssl->write(a.toByteArray() + b + c);
        return;
    }
    if (!m_out.isEmpty()) {
        m_out.append(a).append(b).append(c);
        return;
    }
    iovec parts[3] = {{const_cast<char *>(a.data()), size_t(a.size())},
                      {const_cast<char *>(b.data()), size_t(b.size())},
                      {const_cast<char *>(c.data()), size_t(c.size())}};
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = 3;
    ssize_t sent = ::sendmsg(m_fd, &message, MSG_NOSIGNAL);
    if (sent < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            terminate();
            return;
        }
        sent = 0;
    }
    // What the kernel did not take waits for the descriptor to become writable.
    qsizetype skip = qsizetype(sent);
    for (QByteArrayView part : {a, b, c}) {
        if (skip >= part.size()) {
            skip -= part.size();
            continue;
        }
        m_out.append(part.sliced(skip));
        skip = 0;
    }
    if (!m_out.isEmpty() && !m_watchingWrites) {
        m_watchingWrites = true;
        m_transport->updateEvents(this);
    }
}

void EpollPeer::onWritable()
{
    while (!m_out.isEmpty()) {
        const ssize_t sent = ::send(m_fd, m_out.constData(), size_t(m_out.size()), MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                return;
            terminate();
            return;
        }
        m_out.remove(0, sent);
    }
    m_out = QByteArray();
    m_watchingWrites = false;
    m_transport->updateEvents(this);
    if (m_closeWhenFlushed)
        terminate();
}

void EpollPeer::respondAndClose(const QByteArray &bytes)
{
    m_state = State::Http;
    write(bytes);
    closeWhenFlushed(Transport::HttpAnswerMs);
}

void EpollPeer::closeWhenFlushed(qint64 deadlineMs)
{
    if (m_state == State::Dead)
        return;
    if (m_ssl) {
        m_ssl->disconnectFromHost(); // writes what is buffered, then `disconnected`
    } else if (m_out.isEmpty()) {
        terminate();
        return;
    } else {
        m_closeWhenFlushed = true;
    }
    // A client that stops reading must not keep the connection (and its slot) forever.
    m_transport->setDeadline(this, deadlineMs);
}

void EpollPeer::terminate()
{
    if (m_state == State::Dead)
        return;
    m_state = State::Dead;
    m_in = QByteArray();
    m_out = QByteArray();
    m_message = QByteArray();
    if (m_fd >= 0) {
        ::shutdown(m_fd, SHUT_RDWR);
        ::close(m_fd); // also leaves the epoll set
        m_fd = -1;
    }
    if (m_ssl)
        m_ssl->abort();
    m_transport->died(this);
}

} // namespace acdesk::server
