// acdesk_loadgen: a load generator that is not the bottleneck. One thread, one epoll set,
// raw non-blocking Linux sockets and a minimal WebSocket client (RFC 6455: handshake,
// masked text frames out, unmasked frames in, ping/pong, fragments). No Qt, no event
// loop per connection. Every received message is timestamped (CLOCK_MONOTONIC) and may
// be logged with --log.
//
// Modes:
//   fanout  N wallboards log in (or, with --peer, just connect) and subscribe to stats;
//           a gateway sends gw.arrive ROUNDS times; per round the time from the send
//           until each wallboard has the stats event showing the new waiting count.
//   offer   N agents log in and go ready; a gateway sends gw.arrive at RATE calls/s for
//           a bounded count; latency gw.arrive sent -> call.offer received at the agent.
//           With --cycle an agent accepts and hangs up at once, so it is ready for the
//           next call (the whole life of a call: arrive, offer, accept, hang-up, record)
//           and CALLS may exceed N. With --storm M, M more agents (STORM-PREFIX0 ..) log in
//           all at once when the arrivals start: the time until all are in, and the offer
//           latency of the calls that arrived meanwhile.
//   idle    N wallboards connect and log in, then hold (memory per idle connection).
//   agents  N agents log in (with --station, %d becoming the agent's number) and go ready,
//           then hold: the SIP benchmark's agents, whose phones answer the offers.
// With --pid the server's CPU time (utime+stime from /proc/PID/stat) over the measured
// phase is reported.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace {

int64_t nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

struct Options
{
    std::string mode = "fanout";
    std::string host = "127.0.0.1";
    int port = 8080;
    int clients = 1000;
    int sources = 8; // source addresses 127.0.0.2 .. 127.0.0.(1+sources)
    int concurrency = 256;
    std::string user = "tv1";
    std::string secret = "pwtv";
    std::string gwUser = "pbx";
    std::string gwSecret = "pwpbx";
    std::string agentPrefix = "a";
    std::string agentSecret = "pw";
    std::string queue = "q";
    std::string station; // agents: "sip:a%d@HOST:PORT", %d replaced by the agent's index
    int rounds = 20;
    int gapMs = 300;
    double rate = 100;
    int calls = 500;
    double hold = 0;
    bool peer = false;
    bool cycle = false;
    int storm = 0;
    std::string stormPrefix = "s";
    std::string stormSecret = "pw";
    int pid = 0;
    std::string log;
    double timeout = 120;
};

enum class State { Connecting, Handshake, Open, Closed };
enum class Role { Wallboard, Agent, Gateway };

struct Conn
{
    int fd = -1;
    int index = 0;
    Role role = Role::Wallboard;
    State state = State::Connecting;
    std::string in;
    std::string out;
    std::string message; // fragments of the message being received
    bool loggedIn = false;
    bool ready = false; // subscribed (wallboard) / ready (agent) / logged in (gateway)
    int lastRound = -1; // fan-out: last round whose stats this connection has
    bool storm = false; // offer: one of the login storm's agents
};

Options opt;
std::vector<Conn> conns;
int epfd = -1;
FILE *logFile = nullptr;
uint32_t rng = 2463534242u;
int openCount = 0, readyCount = 0, closedCount = 0, inFlight = 0;
int nextToOpen = 0;
int openLimit = 0; // connections [0, openLimit) are opened by runUntil

uint32_t xorshift()
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

[[noreturn]] void die(const char *what)
{
    std::perror(what);
    std::exit(2);
}

void watch(Conn &c)
{
    epoll_event ev{};
    ev.events =
        EPOLLIN | EPOLLRDHUP | (c.out.empty() && c.state != State::Connecting ? 0u : EPOLLOUT);
    ev.data.u32 = uint32_t(c.index);
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &ev) < 0)
        die("epoll_ctl mod");
}

void closeConn(Conn &c)
{
    if (c.state == State::Closed)
        return;
    if (c.state != State::Open)
        --inFlight;
    c.state = State::Closed;
    ::close(c.fd);
    ++closedCount;
}

void flush(Conn &c)
{
    while (!c.out.empty()) {
        const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            closeConn(c);
            return;
        }
        c.out.erase(0, size_t(n));
    }
    watch(c);
}

void sendFrame(Conn &c, int opcode, std::string_view payload)
{
    std::string &o = c.out;
    o.push_back(char(0x80 | opcode));
    const size_t n = payload.size();
    if (n < 126) {
        o.push_back(char(0x80 | n));
    } else if (n < 65536) {
        o.push_back(char(0x80 | 126));
        o.push_back(char(n >> 8));
        o.push_back(char(n & 0xff));
    } else {
        o.push_back(char(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            o.push_back(char((uint64_t(n) >> (8 * i)) & 0xff));
    }
    const uint32_t key = xorshift();
    unsigned char mask[4];
    std::memcpy(mask, &key, 4);
    o.append(reinterpret_cast<const char *>(mask), 4);
    const size_t start = o.size();
    o.append(payload);
    for (size_t i = 0; i < n; ++i)
        o[start + i] = char(o[start + i] ^ mask[i & 3]);
    flush(c);
}

void sendText(Conn &c, const std::string &json)
{
    sendFrame(c, 1, json);
}

// The top-level "type" of a compact JSON object (keys inside nested objects and strings
// are skipped by tracking depth).
std::string_view topType(std::string_view m)
{
    int depth = 0;
    bool inStr = false;
    for (size_t i = 0; i < m.size(); ++i) {
        const char ch = m[i];
        if (inStr) {
            if (ch == '\\')
                ++i;
            else if (ch == '"')
                inStr = false;
            continue;
        }
        if (ch == '{' || ch == '[') {
            ++depth;
        } else if (ch == '}' || ch == ']') {
            --depth;
        } else if (ch == '"') {
            if (depth == 1 && m.compare(i, 8, "\"type\":\"") == 0) {
                const size_t s = i + 8;
                const size_t e = m.find('"', s);
                return e == std::string_view::npos ? std::string_view() : m.substr(s, e - s);
            }
            inStr = true;
        }
    }
    return {};
}

long numberAfter(std::string_view m, std::string_view key)
{
    size_t p = 0;
    while ((p = m.find(key, p)) != std::string_view::npos) {
        p += key.size();
        if (p < m.size() && m[p] >= '0' && m[p] <= '9')
            return std::strtol(m.data() + p, nullptr, 10);
    }
    return -1;
}

// ---- measurement state ----------------------------------------------------------------
int gatewayIndex = -1;
int round = -1; // fan-out: current round (number of arrives sent - 1)
int64_t roundSentNs = 0;
int roundReceived = 0;
std::vector<double> lastLatencyMs, firstLatencyMs, spreadMs;
int64_t roundFirstNs = 0, roundLastNs = 0;
long statsBytes = 0;
long baseWaiting = -1; // waiting count in the first stats event (a reused server)
long delivered = 0;
long statsAll = 0; // every stats event during the rounds (Acdesk's 5 s periodic ones too)
std::vector<int64_t> arriveSentNs; // offer: per call
std::vector<double> offerMs;
std::vector<int64_t> offerArriveNs; // offer: when the call of each offerMs entry was sent
int offersSeen = 0;
int stormBase = -1; // index of the first storm connection
int stormLoggedIn = 0;
int64_t stormStartNs = 0, stormEndNs = 0;

void onMessage(Conn &c, std::string_view m)
{
    const int64_t t = nowNs();
    const std::string_view type = topType(m);
    if (logFile)
        std::fprintf(logFile, "%" PRId64 " %d %.*s %zu\n", t, c.index, int(type.size()),
                     type.data(), m.size());
    if (opt.peer) {
        // Peers have no login: every open connection counts as subscribed.
        if (type != "stats")
            return;
    }
    if (type == "ok" && !c.loggedIn) {
        c.loggedIn = true;
        if (c.storm && ++stormLoggedIn == opt.storm)
            stormEndNs = t;
        if (c.role == Role::Wallboard && opt.mode == "fanout") {
            sendText(c, "{\"type\":\"stats.subscribe\",\"id\":2,\"queues\":[\"*\"]}");
        } else if (c.role == Role::Agent) {
            sendText(c, "{\"type\":\"agent.setState\",\"id\":2,\"state\":\"ready\"}");
        } else {
            c.ready = true;
            ++readyCount;
        }
        return;
    }
    if (type == "error") {
        std::fprintf(stderr, "loadgen: connection %d: %.*s\n", c.index,
                     int(std::min<size_t>(m.size(), 300)), m.data());
        return;
    }
    if (c.role == Role::Agent && type == "agent.state" && !c.ready &&
        m.find("\"state\":\"ready\"") != std::string_view::npos) {
        c.ready = true;
        ++readyCount;
        return;
    }
    if (c.role == Role::Agent && type == "call.offer") {
        const size_t p = m.find("\"lgc");
        if (p != std::string_view::npos) {
            const long id = std::strtol(m.data() + p + 4, nullptr, 10);
            if (id >= 0 && size_t(id) < arriveSentNs.size() && arriveSentNs[size_t(id)] > 0) {
                offerMs.push_back(double(t - arriveSentNs[size_t(id)]) / 1e6);
                offerArriveNs.push_back(arriveSentNs[size_t(id)]);
                ++offersSeen;
                const std::string call =
                    "lgc" + std::to_string(id) + "x" + std::to_string(getpid());
                sendText(c, "{\"type\":\"call.accept\",\"call\":\"" + call + "\"}");
                if (opt.cycle)
                    sendText(c, "{\"type\":\"call.hangup\",\"call\":\"" + call + "\"}");
            }
        }
        return;
    }
    if (c.role == Role::Wallboard && type == "stats") {
        if (!c.ready) {
            c.ready = true;
            ++readyCount;
            statsBytes = long(m.size());
            if (baseWaiting < 0)
                baseWaiting = numberAfter(m, "\"waiting\":");
        }
        if (round >= 0)
            ++statsAll;
        if (round < 0 || c.lastRound >= round)
            return;
        // The stats of this round show one more caller waiting than before it.
        const long waiting = numberAfter(m, "\"waiting\":");
        if (waiting != baseWaiting + round + 1)
            return;
        c.lastRound = round;
        ++delivered;
        statsBytes = long(m.size());
        if (roundReceived == 0)
            roundFirstNs = t;
        roundLastNs = t;
        ++roundReceived;
    }
}

void onReadable(Conn &c)
{
    char buf[65536];
    for (;;) {
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n == 0) {
            closeConn(c);
            return;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            closeConn(c);
            return;
        }
        c.in.append(buf, size_t(n));
        if (size_t(n) < sizeof buf)
            break;
    }
    if (c.state == State::Handshake) {
        const size_t end = c.in.find("\r\n\r\n");
        if (end == std::string::npos)
            return;
        if (c.in.compare(0, 12, "HTTP/1.1 101") != 0) {
            std::fprintf(stderr, "loadgen: handshake refused: %.40s\n", c.in.c_str());
            closeConn(c);
            return;
        }
        c.in.erase(0, end + 4);
        c.state = State::Open;
        --inFlight;
        ++openCount;
        if (opt.peer) {
            if (c.role == Role::Wallboard || c.role == Role::Gateway) {
                c.ready = true;
                ++readyCount;
            }
        } else if (c.role == Role::Gateway) {
            sendText(c, "{\"type\":\"login\",\"id\":1,\"role\":\"gateway\",\"user\":\"" +
                            opt.gwUser + "\",\"secret\":\"" + opt.gwSecret + "\"}");
        } else if (c.role == Role::Agent) {
            std::string station;
            if (!opt.station.empty()) {
                station = opt.station;
                const size_t at = station.find("%d");
                if (at != std::string::npos)
                    station.replace(at, 2, std::to_string(c.index));
                station = ",\"station\":\"" + station + "\"";
            }
            const std::string user = c.storm ? opt.stormPrefix + std::to_string(c.index - stormBase)
                                             : opt.agentPrefix + std::to_string(c.index);
            sendText(c, "{\"type\":\"login\",\"id\":1,\"role\":\"agent\",\"user\":\"" + user +
                            "\",\"secret\":\"" + (c.storm ? opt.stormSecret : opt.agentSecret) +
                            "\"" + station + "}");
        } else {
            sendText(c, "{\"type\":\"login\",\"id\":1,\"role\":\"wallboard\",\"user\":\"" +
                            opt.user + "\",\"secret\":\"" + opt.secret + "\"}");
        }
    }
    size_t pos = 0;
    const auto *d = reinterpret_cast<const unsigned char *>(c.in.data());
    while (c.state == State::Open) {
        const size_t avail = c.in.size() - pos;
        if (avail < 2)
            break;
        const bool fin = d[pos] & 0x80;
        const int opcode = d[pos] & 0x0f;
        uint64_t len = d[pos + 1] & 0x7f;
        size_t hdr = 2;
        if (len == 126) {
            if (avail < 4)
                break;
            len = (uint64_t(d[pos + 2]) << 8) | d[pos + 3];
            hdr = 4;
        } else if (len == 127) {
            if (avail < 10)
                break;
            len = 0;
            for (int i = 0; i < 8; ++i)
                len = (len << 8) | d[pos + 2 + size_t(i)];
            hdr = 10;
        }
        if (avail < hdr + len)
            break;
        const std::string_view payload(c.in.data() + pos + hdr, size_t(len));
        pos += hdr + size_t(len);
        if (opcode == 9) {
            sendFrame(c, 10, payload);
        } else if (opcode == 8) {
            closeConn(c);
        } else if (opcode == 1 || opcode == 2 || opcode == 0) {
            if (fin && c.message.empty()) {
                onMessage(c, payload);
            } else {
                c.message.append(payload);
                if (fin) {
                    const std::string whole = std::move(c.message);
                    c.message.clear();
                    onMessage(c, whole);
                }
            }
        }
    }
    c.in.erase(0, pos);
}

void startConnect(int index, Role role)
{
    Conn &c = conns[size_t(index)];
    c.index = index;
    c.role = role;
    c.storm = stormBase >= 0 && index >= stormBase;
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0)
        die("socket (raise ulimit -n)");
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(c.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    if (opt.sources > 0) {
        sockaddr_in src{};
        src.sin_family = AF_INET;
        src.sin_addr.s_addr = htonl((127u << 24) | uint32_t(2 + index % opt.sources));
        if (::bind(c.fd, reinterpret_cast<sockaddr *>(&src), sizeof src) < 0)
            die("bind source address");
    }
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(uint16_t(opt.port));
    inet_pton(AF_INET, opt.host.c_str(), &dst.sin_addr);
    if (::connect(c.fd, reinterpret_cast<sockaddr *>(&dst), sizeof dst) < 0 && errno != EINPROGRESS)
        die("connect");
    epoll_event ev{};
    ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
    ev.data.u32 = uint32_t(index);
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, c.fd, &ev) < 0)
        die("epoll_ctl add");
    ++inFlight;
}

void onWritable(Conn &c)
{
    if (c.state == State::Connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            std::fprintf(stderr, "loadgen: connect %d: %s\n", c.index, std::strerror(err));
            closeConn(c);
            return;
        }
        c.state = State::Handshake;
        c.out = "GET /ws HTTP/1.1\r\nHost: " + opt.host + ":" + std::to_string(opt.port) +
                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: acdesk.v1\r\n\r\n";
    }
    flush(c);
}

// Runs the event loop until pred() or the deadline; opens pending connections as the
// concurrency window allows.
template<typename Pred>
bool runUntil(Pred pred, double seconds)
{
    const int64_t deadline = nowNs() + int64_t(seconds * 1e9);
    epoll_event events[512];
    while (!pred()) {
        while (nextToOpen < openLimit && inFlight < opt.concurrency) {
            startConnect(nextToOpen, nextToOpen == gatewayIndex ? Role::Gateway
                                     : opt.mode == "offer" || opt.mode == "agents"
                                         ? Role::Agent
                                         : Role::Wallboard);
            ++nextToOpen;
        }
        const int64_t left = deadline - nowNs();
        if (left <= 0)
            return false;
        const int n = epoll_wait(epfd, events, 512, int(std::min<int64_t>(left / 1000000 + 1, 5)));
        if (n < 0 && errno != EINTR)
            die("epoll_wait");
        for (int i = 0; i < n; ++i) {
            Conn &c = conns[events[i].data.u32];
            if (c.state == State::Closed)
                continue;
            if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
                onReadable(c);
            if (c.state != State::Closed && (events[i].events & EPOLLOUT))
                onWritable(c);
        }
    }
    return true;
}

double cpuSeconds(int pid)
{
    if (pid <= 0)
        return 0;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = std::fopen(path, "r");
    if (!f)
        return 0;
    char buf[2048];
    const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = 0;
    const char *p = std::strrchr(buf, ')');
    if (!p)
        return 0;
    // Fields after ")": state(3) ... utime(14) stime(15).
    unsigned long utime = 0, stime = 0;
    int field = 2;
    for (const char *q = p + 1; *q && field < 15; ++q) {
        if (*q == ' ') {
            ++field;
            if (field == 14)
                utime = std::strtoul(q + 1, nullptr, 10);
            else if (field == 15)
                stime = std::strtoul(q + 1, nullptr, 10);
        }
    }
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

double selfCpuSeconds()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, size_t(p / 100.0 * double(v.size())));
    return v[i];
}

void usage()
{
    std::fprintf(stderr,
                 "usage: acdesk_loadgen MODE [--port P] [--host H] [--clients N] [--sources K]\n"
                 "  MODE fanout|offer|idle|agents (--station FMT); --rounds R --gap-ms MS "
                 "(fanout), --rate CPS --calls N\n"
                 "  (offer), --hold S (idle), --peer, --pid SERVER_PID, --log FILE, --user U\n"
                 "  --secret S --gw-user U --gw-secret S --agent-prefix P --agent-secret S\n"
                 "  --queue Q --concurrency C --timeout S; offer: --cycle, --storm M\n"
                 "  --storm-prefix P --storm-secret S\n");
    std::exit(2);
}

void parse(int argc, char **argv)
{
    if (argc < 2)
        usage();
    opt.mode = argv[1];
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc)
                usage();
            return argv[++i];
        };
        if (a == "--port")
            opt.port = std::stoi(val());
        else if (a == "--host")
            opt.host = val();
        else if (a == "--clients")
            opt.clients = std::stoi(val());
        else if (a == "--sources")
            opt.sources = std::stoi(val());
        else if (a == "--concurrency")
            opt.concurrency = std::stoi(val());
        else if (a == "--user")
            opt.user = val();
        else if (a == "--secret")
            opt.secret = val();
        else if (a == "--gw-user")
            opt.gwUser = val();
        else if (a == "--gw-secret")
            opt.gwSecret = val();
        else if (a == "--agent-prefix")
            opt.agentPrefix = val();
        else if (a == "--agent-secret")
            opt.agentSecret = val();
        else if (a == "--queue")
            opt.queue = val();
        else if (a == "--rounds")
            opt.rounds = std::stoi(val());
        else if (a == "--gap-ms")
            opt.gapMs = std::stoi(val());
        else if (a == "--rate")
            opt.rate = std::stod(val());
        else if (a == "--calls")
            opt.calls = std::stoi(val());
        else if (a == "--station")
            opt.station = val();
        else if (a == "--hold")
            opt.hold = std::stod(val());
        else if (a == "--peer")
            opt.peer = true;
        else if (a == "--cycle")
            opt.cycle = true;
        else if (a == "--storm")
            opt.storm = std::stoi(val());
        else if (a == "--storm-prefix")
            opt.stormPrefix = val();
        else if (a == "--storm-secret")
            opt.stormSecret = val();
        else if (a == "--pid")
            opt.pid = std::stoi(val());
        else if (a == "--log")
            opt.log = val();
        else if (a == "--timeout")
            opt.timeout = std::stod(val());
        else
            usage();
    }
}

// Call ids are "lgc<N>x<PID>": unique across runs against one server; strtol reads N.
std::string arriveJson(long id)
{
    return "{\"type\":\"gw.arrive\",\"id\":" + std::to_string(id + 100) + ",\"call\":\"lgc" +
           std::to_string(id) + "x" + std::to_string(getpid()) + "\",\"queue\":\"" + opt.queue +
           "\",\"caller\":{\"number\":\"+49301234\",\"name\":\"Load\"}}";
}

} // namespace

int main(int argc, char **argv)
{
    parse(argc, argv);
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if (!opt.log.empty())
        logFile = std::fopen(opt.log.c_str(), "w");
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0)
        die("epoll_create1");

    const bool needGateway = opt.mode != "idle" && opt.mode != "agents";
    const int total = opt.clients + (needGateway ? 1 : 0);
    conns.resize(size_t(total + (opt.mode == "offer" ? opt.storm : 0)));
    gatewayIndex = needGateway ? opt.clients : -1;
    openLimit = total;
    // Agents are named PREFIX0 .. PREFIX(N-1) after their connection index.
    const int64_t t0 = nowNs();
    if (!runUntil([&] { return readyCount + closedCount >= total; }, opt.timeout) ||
        readyCount < total) {
        std::fprintf(stderr, "loadgen: only %d of %d connections ready (%d closed) after %.0f s\n",
                     readyCount, total, closedCount, opt.timeout);
        return 1;
    }
    const double setupS = double(nowNs() - t0) / 1e9;
    std::printf("setup: %d connections ready in %.2f s (%.0f/s)\n", total, setupS, total / setupS);
    std::fflush(stdout);

    if (opt.mode == "idle" || opt.mode == "agents") {
        std::printf("READY %d\n", total);
        std::fflush(stdout);
        runUntil([] { return false; }, opt.hold);
        std::printf("RESULT %s clients=%d closed=%d\n", opt.mode.c_str(), total, closedCount);
        return closedCount == 0 ? 0 : 1;
    }

    Conn &gw = conns[size_t(gatewayIndex)];
    if (opt.mode == "fanout") {
        // Let the initial stats events drain, then measure ROUNDS state changes.
        runUntil([] { return false; }, 0.5);
        if (baseWaiting < 0)
            baseWaiting = 0; // a peer sends no stats before the first change
        const double cpu0 = cpuSeconds(opt.pid);
        const double self0 = selfCpuSeconds();
        const int64_t w0 = nowNs();
        int64_t busyNs = 0;
        int timedOut = 0;
        for (int r = 0; r < opt.rounds; ++r) {
            round = r;
            roundReceived = 0;
            roundSentNs = nowNs();
            sendText(gw, arriveJson(r));
            if (!runUntil([] { return roundReceived >= opt.clients; }, 10))
                ++timedOut;
            if (roundReceived == 0)
                continue;
            lastLatencyMs.push_back(double(roundLastNs - roundSentNs) / 1e6);
            firstLatencyMs.push_back(double(roundFirstNs - roundSentNs) / 1e6);
            spreadMs.push_back(double(roundLastNs - roundFirstNs) / 1e6);
            busyNs += roundLastNs - roundFirstNs;
            runUntil([] { return false; }, opt.gapMs / 1000.0);
        }
        const double wallS = double(nowNs() - w0) / 1e9;
        const double cpu = cpuSeconds(opt.pid) - cpu0;
        std::printf(
            "RESULT fanout clients=%d rounds=%d bytes=%ld delivered=%ld timed_out_rounds=%d "
            "last_p50_ms=%.2f last_p99_ms=%.2f first_p50_ms=%.2f spread_p50_ms=%.2f "
            "spread_p99_ms=%.2f burst_msgs_per_s=%.0f server_cpu_s=%.3f "
            "msgs_per_cpu_s=%.0f cpu_us_per_msg=%.2f stats_all=%ld cpu_us_per_stats_all=%.2f "
            "loadgen_cpu_s=%.3f wall_s=%.1f closed=%d\n",
            opt.clients, opt.rounds, statsBytes, delivered, timedOut, percentile(lastLatencyMs, 50),
            percentile(lastLatencyMs, 99), percentile(firstLatencyMs, 50), percentile(spreadMs, 50),
            percentile(spreadMs, 99), busyNs > 0 ? double(delivered) / (double(busyNs) / 1e9) : 0,
            cpu, cpu > 0 ? double(delivered) / cpu : 0,
            delivered > 0 ? cpu * 1e6 / double(delivered) : 0, statsAll,
            statsAll > 0 ? cpu * 1e6 / double(statsAll) : 0, selfCpuSeconds() - self0, wallS,
            closedCount);
        return timedOut == 0 && closedCount == 0 ? 0 : 1;
    }

    // offer: arrivals paced at RATE; without --cycle one call per agent at most (agents
    // keep talking).
    arriveSentNs.assign(size_t(opt.calls), 0);
    const double cpu0 = cpuSeconds(opt.pid);
    const int64_t start = nowNs();
    const int all = total + opt.storm;
    if (opt.storm > 0) {
        // The 9 o'clock storm: every storm agent connects and logs in at once.
        stormBase = total;
        stormStartNs = start;
        openLimit = all;
        opt.concurrency = std::max(opt.concurrency, opt.storm + 16);
    }
    const int64_t step = int64_t(1e9 / opt.rate);
    int sent = 0;
    while (sent < opt.calls) {
        const int64_t due = start + step * sent;
        while (sent < opt.calls && nowNs() >= start + step * sent) {
            arriveSentNs[size_t(sent)] = nowNs();
            sendText(gw, arriveJson(sent));
            ++sent;
        }
        const double waitS = std::max(0.0, double(due + step - nowNs()) / 1e9);
        runUntil([&] { return nowNs() >= start + step * sent; }, std::min(waitS, 0.05));
    }
    runUntil([] { return offersSeen >= opt.calls && stormLoggedIn >= opt.storm; }, 120);
    const double cpu = cpuSeconds(opt.pid) - cpu0;
    // Offers of the calls that arrived while the storm was logging in.
    std::vector<double> during;
    for (size_t i = 0; i < offerMs.size(); ++i)
        if (opt.storm > 0 && offerArriveNs[i] >= stormStartNs &&
            (stormEndNs == 0 || offerArriveNs[i] <= stormEndNs))
            during.push_back(offerMs[i]);
    std::printf("RESULT offer agents=%d rate=%.0f calls=%d offers=%d p50_ms=%.3f p99_ms=%.3f "
                "p999_ms=%.3f max_ms=%.3f server_cpu_s=%.3f cpu_us_per_call=%.1f storm=%d "
                "storm_logged_in=%d storm_s=%.3f storm_offers=%zu storm_p50_ms=%.3f "
                "storm_p99_ms=%.3f closed=%d\n",
                opt.clients, opt.rate, opt.calls, offersSeen, percentile(offerMs, 50),
                percentile(offerMs, 99), percentile(offerMs, 99.9), percentile(offerMs, 100), cpu,
                offersSeen > 0 ? cpu * 1e6 / offersSeen : 0, opt.storm, stormLoggedIn,
                stormEndNs > 0 ? double(stormEndNs - stormStartNs) / 1e9 : 0, during.size(),
                percentile(during, 50), percentile(during, 99), closedCount);
    return offersSeen == opt.calls && stormLoggedIn >= opt.storm && closedCount == 0 ? 0 : 1;
}
