// libFuzzer target: the SIP gateway's input path. Each input goes as one UDP datagram to a
// live SipCore (libre's parser, then the gateway's INVITE, OPTIONS, dialog and SDP
// handling); a listener answers every new call in turn with accept (announcement, music),
// 404 or refuse, so those paths run too. After each input an OPTIONS must still be answered
// within 5 s: a stall is a finding like a crash.
#include "sipcore.h"

#include <QByteArray>
#include <QString>

#include <arpa/inet.h>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using acdesk::sip::SipCore;

struct Listener : acdesk::sip::CoreListener
{
    SipCore *core = nullptr;
    std::atomic<int> calls{0};

    void incoming(const QString &call, const QString &, const QString &, const QString &) override
    {
        switch (calls++ % 3) {
        case 0:
            core->accept(call, QStringLiteral("q"));
            break;
        case 1:
            core->reject(call, 404, QStringLiteral("Not Found"));
            break;
        default:
            core->refuse(call, {});
        }
    }
    void callerGone(const QString &) override {}
    void phoneAnswered(const QString &, const QString &) override {}
    void phoneGone(const QString &, const QString &) override {}
    void ringFailed(const QString &, const QString &, const QString &) override {}
    void digits(const QString &, const QString &) override {}
    void consultGone(const QString &) override {}
};

SipCore *g_core = nullptr;
Listener g_listener;
int g_socket = -1;
sockaddr_in g_target{};
unsigned g_sentinel = 0;

void startCore()
{
    g_core = new SipCore;
    g_listener.core = g_core;
    acdesk::sip::CoreSettings s;
    s.listenHost = QStringLiteral("127.0.0.1");
    s.listenPort = 0;
    s.trusted = {QStringLiteral("127.0.0.0/8")};
    s.rtpPortMin = 41000;
    s.rtpPortMax = 41999;
    s.maxInvitesPerSecond = 10000;
    s.announcement = acdesk::sip::builtInAnnouncement();
    s.music = acdesk::sip::builtInMusic();
    // The dialog journal reads every message sent and received: fuzzed with the rest.
    s.journal = QStringLiteral("/tmp/acdesk-fuzz-sip-%1.journal").arg(getpid());
    QString error;
    // Reports run on the libre thread here: the listener only posts commands back.
    if (!g_core->start(
            s, &g_listener, [](std::function<void()> f) { f(); }, &error))
        __builtin_trap();
    const QString bound = g_core->boundAddress();
    g_target.sin_family = AF_INET;
    g_target.sin_port = htons(quint16(bound.mid(bound.lastIndexOf(QLatin1Char(':')) + 1).toUInt()));
    inet_pton(AF_INET, "127.0.0.1", &g_target.sin_addr);
    g_socket = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in me{};
    me.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &me.sin_addr);
    ::bind(g_socket, reinterpret_cast<sockaddr *>(&me), sizeof me);
}

// An OPTIONS with a fresh branch; true once its 200 OK is back.
bool alive()
{
    sockaddr_in me{};
    socklen_t len = sizeof me;
    getsockname(g_socket, reinterpret_cast<sockaddr *>(&me), &len);
    const QByteArray branch = "z9hG4bK-alive-" + QByteArray::number(++g_sentinel);
    const QByteArray options =
        "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" +
        QByteArray::number(ntohs(me.sin_port)) + ";branch=" + branch +
        "\r\nFrom: <sip:fuzz@127.0.0.1>;tag=f\r\nTo: <sip:127.0.0.1>\r\nCall-ID: alive-" +
        QByteArray::number(g_sentinel) +
        "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    ::sendto(g_socket, options.constData(), size_t(options.size()), 0,
             reinterpret_cast<sockaddr *>(&g_target), sizeof g_target);
    char buf[65536];
    for (int waited = 0; waited < 5000;) {
        pollfd p{g_socket, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) {
            waited += 100;
            continue;
        }
        const ssize_t n = ::recv(g_socket, buf, sizeof buf, 0);
        if (n > 0 && QByteArray::fromRawData(buf, int(n)).contains(branch) &&
            std::strncmp(buf, "SIP/2.0 200", 11) == 0)
            return true;
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_core)
        startCore();
    ::sendto(g_socket, data, size, 0, reinterpret_cast<sockaddr *>(&g_target), sizeof g_target);
    if (!alive())
        __builtin_trap(); // the gateway stopped answering: a stall
    return 0;
}
