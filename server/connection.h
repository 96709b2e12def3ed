#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace acdesk::server {

/** @brief Per-connection state the server keeps; plain data, the Server acts on it. */
struct Connection
{
    class Peer *peer = nullptr; // owned by the Transport; null once the connection closed
    quint64 serial = 0;         // identifies the connection in callbacks that may outlive it
    QString address;
    bool authenticated = false;
    bool loginPending = false;      // a password check is running on the thread pool
    QList<QByteArray> heldMessages; // arrived while the check ran; handled after it, in order
    QString role;                   // "agent", "supervisor", "wallboard", "gateway"
    QString user;
    QString name;
    QByteArray tokenDigest;
    quint64 seq = 0;
    std::unique_ptr<QTimer> loginTimer;
    int unansweredPings = 0;
    bool closing = false;

    // token bucket (contract section 1)
    double tokens = 0;
    qint64 refilledAtMs = 0;
    qint64 overLimitSinceMs = -1;
    qint64 lastRefusedMs = -1;

    bool statsSubscribed = false;
    QStringList statsQueues; // resolved queue ids
    QByteArray statsGroup;   // connections with the same queue set share one serialization
    qint64 connectedAtMs = 0;
};

} // namespace acdesk::server
