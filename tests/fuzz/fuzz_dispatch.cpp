// libFuzzer target: one client message through the server's whole request path, in a
// logged-in session of each role (agent, supervisor, wallboard, gateway). The server is
// real and in this process: its listener, framing, envelope and role checks, handlers,
// engine and SQLite storage (on /dev/shm, so fsyncs cost nothing). Each session is a real
// loopback WebSocket; after the input it sends a sentinel request and waits for the
// answer, so every input is processed before the next one and a server that stops
// answering (a stall) is a finding like a crash. Before that, the same bytes go raw onto a
// fresh connection (as the request head, or as frames after the handshake), which fuzzes
// the transport's HTTP and RFC 6455 parsing: QWebSocketServer's by default, the epoll
// transport's (server/epollpeer.cpp, server/epolltransport.cpp) with ACDESK_TRANSPORT=epoll;
// scripts/sanitize.sh runs both.
#include "config.h"
#include "server.h"

#include <QByteArrayView>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace acdesk;

namespace {

struct Session
{
    const char *role;
    const char *user;
    const char *secret;
    int fd = -1;
    QByteArray in; // server bytes not looked at yet
};

Session sessions[] = {{"agent", "a1", "pw1", -1, {}},
                      {"supervisor", "boss", "pwboss", -1, {}},
                      {"wallboard", "tv1", "pwtv", -1, {}},
                      {"gateway", "pbx", "pwpbx", -1, {}}};
server::Server *theServer = nullptr;
quint64 sentinel = 0;

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_dispatch: %s\n", what);
    __builtin_trap();
}

// A masked client text frame (a zero mask key: the server cannot tell and must not care).
QByteArray frame(QByteArrayView payload)
{
    QByteArray f;
    f.append(char(0x81));
    const qsizetype n = payload.size();
    if (n < 126) {
        f.append(char(0x80 | n));
    } else {
        f.append(char(0x80 | 126));
        f.append(char(n >> 8));
        f.append(char(n & 0xFF));
    }
    f.append(4, '\0');
    f.append(payload);
    return f;
}

void sendAll(Session &s, const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(s.fd, bytes.constData() + done, size_t(bytes.size() - done),
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0)
            done += n;
        else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return; // closed by the server; the wait below notices
        else
            QCoreApplication::processEvents(); // let the server read
    }
}

// Runs the server until @p marker arrived on the session; false if the server closed it.
// @p before gets the bytes just before the marker.
bool waitFor(Session &s, const QByteArray &marker, QByteArray *before = nullptr)
{
    QElapsedTimer t;
    t.start();
    char buf[65536];
    for (;;) {
        const qsizetype found = s.in.indexOf(marker);
        if (found >= 0) {
            if (before)
                *before = s.in.left(found).right(200);
            s.in.remove(0, found + marker.size());
            return true;
        }
        QCoreApplication::processEvents();
        const ssize_t n = ::recv(s.fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0)
            s.in.append(buf, n);
        else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            return false;
        if (t.elapsed() > 10000)
            fail("the server did not answer within 10 s");
        // Keep only what a marker split across reads needs.
        if (s.in.size() > 1 << 20)
            s.in = s.in.right(marker.size());
    }
}

const QByteArray Upgrade = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                           "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: acdesk.v1\r\n\r\n";

void openSocket(Session &s)
{
    if (s.fd >= 0)
        ::close(s.fd);
    s.in.clear();
    s.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(theServer->port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // A closed connection leaves no TIME_WAIT behind (a reset instead of a FIN): a
    // connection per input would otherwise run out of local ports within a minute.
    const linger hard{1, 0};
    ::setsockopt(s.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    // libFuzzer's timeout alarm interrupts system calls; an interrupted connect goes on
    // in the background and reports EISCONN once it is through.
    int rc = ::connect(s.fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    while (rc != 0 && (errno == EINTR || errno == EALREADY || errno == EINPROGRESS)) {
        pollfd p{s.fd, POLLOUT, 0};
        ::poll(&p, 1, 100);
        rc = ::connect(s.fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
        if (rc != 0 && errno == EISCONN)
            rc = 0;
    }
    if (rc != 0)
        fail(qPrintable(QStringLiteral("cannot connect to the server: %1")
                            .arg(QString::fromLocal8Bit(strerror(errno)))));
}

void connectSession(Session &s)
{
    openSocket(s);
    sendAll(s, Upgrade);
    if (!waitFor(s, "\"type\":\"hello\""))
        fail("no hello after the handshake");
    const QByteArray login =
        QByteArray("{\"type\":\"login\",\"id\":\"login\",\"role\":\"") + s.role + "\",\"user\":\"" +
        s.user + "\",\"secret\":\"" + s.secret +
        (QByteArrayView(s.role) == "agent" ? "\",\"station\":\"101\"}" : "\"}");
    sendAll(s, frame(login));
    if (!waitFor(s, "\"type\":\"snapshot\""))
        fail("login failed");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    qputenv("QT_NO_GLIB", "1");
    qputenv("QT_LOGGING_RULES", "*.info=false;*.warning=false");
    new QCoreApplication(*argc, *argv);
    QFile file(QStringLiteral(ACDESK_TEST_DATA "/server/api.json"));
    if (!file.open(QIODevice::ReadOnly))
        fail("cannot read tests/data/server/api.json");
    server::ConfigResult parsed = server::parseConfig(file.readAll(), file.fileName());
    if (!parsed.config)
        fail("the test config does not parse");
    server::Config config = *parsed.config;
    // The fuzzer sends thousands of requests a second and does not answer pings.
    config.limits.requestsPerSecond = 1e9;
    config.limits.requestBurst = 1000000000;
    config.limits.pingSeconds = 3600;
    config.limits.loginTimeoutSeconds = 3600;
    static QTemporaryDir dir(QFile::exists(QStringLiteral("/dev/shm"))
                                 ? QStringLiteral("/dev/shm/acdesk-fuzz-XXXXXX")
                                 : QString());
    server::ServerOptions options;
    options.dataDir = dir.path();
    options.listen = QStringLiteral("127.0.0.1:0");
    theServer = new server::Server(config, options);
    QString error;
    if (!theServer->start(&error))
        fail(qPrintable(error));
    for (Session &s : sessions)
        connectSession(s);
    return 0;
}

namespace {

// The same bytes on the wire as they are, on a fresh connection: as the HTTP request head
// (odd first byte), or as WebSocket frames after a good handshake. Then the client
// half-closes; whatever the bytes were, the server must answer or close, and then close.
void wire(QByteArrayView input)
{
    static Session raw{"", "", "", -1, {}};
    openSocket(raw);
    if (!(input.front() & 1)) {
        sendAll(raw, Upgrade);
        if (!waitFor(raw, "\"type\":\"hello\""))
            fail("no hello after the handshake");
    }
    sendAll(raw, input.toByteArray());
    ::shutdown(raw.fd, SHUT_WR);
    if (waitFor(raw, QByteArray(1, '\0') + "never sent by the server" + QByteArray(1, '\0')))
        fail("impossible");
    ::close(raw.fd);
    raw.fd = -1;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    if (size == 0 || size > 8192)
        return 0;
    wire(input);
    // Bytes that are not UTF-8 close a session in the framing (wire() covers that); the
    // dispatch path starts at a valid text message.
    if (!input.isValidUtf8())
        return 0;
    for (Session &s : sessions) {
        const QByteArray id = "s" + QByteArray::number(++sentinel);
        sendAll(s, frame(input) +
                       frame(QByteArray("{\"type\":\"fuzz.sentinel\",\"id\":\"" + id + "\"}")));
        // Every request with an id gets an answer, so the sentinel's comes after the
        // input's, whatever the input did.
        QByteArray answer;
        if (!waitFor(s, "\"re\":\"" + id + "\"", &answer)) {
            connectSession(s); // the input closed the session
            continue;
        }
        // The sentinel is an unknown type: "unknown_type" while logged in, otherwise
        // "not_authenticated" (the input logged the session out). Keys are sorted, so
        // the code comes before "re".
        if (answer.contains("\"code\":\"not_authenticated\""))
            connectSession(s);
    }
    return 0;
}
