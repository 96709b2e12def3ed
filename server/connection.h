#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace acdesk::server {

struct Connection;

/**
 * @brief A frame (or a close) that waits before it is sent: while a request is dispatched
 * (holds nest), or until the writes its connection was told of are on disk.
 */
struct HeldOutput
{
    Connection *connection = nullptr;
    QByteArray text;
    quint16 closeCode = 0; // non-zero: close the connection instead
    QString closeReason;
};

/** @brief Per-connection state the server keeps; plain data, the Server acts on it. */
struct Connection
{
    class Peer *peer = nullptr; // owned by the Transport; null once the connection closed
    quint64 serial = 0;         // identifies the connection in callbacks that may outlive it
    QString address;
    bool authenticated = false;
    bool busy = false;              // a password check runs, or a report waits for the records
    QList<QByteArray> heldMessages; // arrived while the check ran; handled after it, in order
    QString role;                   // "agent", "supervisor", "wallboard", "gateway"
    QString user;
    QString name;
    QByteArray tokenDigest;
    quint64 seq = 0;
    std::unique_ptr<QTimer> loginTimer;
    int unansweredPings = 0;
    bool closing = false;
    // "ok" means durable: after a request that wrote something, nothing more goes to this
    // client until the writer has committed that batch (Server::releaseOutput).
    quint64 outputTicket = 0;
    QList<HeldOutput> waitingOutput;

    // token bucket (contract section 1)
    double tokens = 0;
    qint64 refilledAtMs = 0;
    qint64 overLimitSinceMs = -1;
    qint64 lastRefusedMs = -1;

    QStringList statsQueues; // resolved queue ids
    QByteArray statsGroup;   // connections with the same queue set share one serialization
    qint64 connectedAtMs = 0;
};

} // namespace acdesk::server
