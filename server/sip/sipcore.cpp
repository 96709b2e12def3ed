// The SIP side of the gateway on libre's own thread: dialogs, SDP, RTP relay, prompts and
// the dialog journal's feed. About 1,400 lines in one file on purpose for now: everything
// here runs on libre's thread and shares its handlers and state, which a split would have
// to expose across files; docs/telephony.md describes its parts. The next split is the
// media relay (RTP sockets, prompt playback) into a file of its own.
#include "sipcore.h"

#include "config.h"
#include "dialogjournal.h"

#include <re.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QPair>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <future>
#include <map>
#include <thread>
#include <vector>

Q_LOGGING_CATEGORY(lcSip, "acdesk.sip")

namespace acdesk::sip {

namespace {

constexpr int FrameSamples = 160; // 20 ms at 8 kHz
constexpr uint64_t TickMs = 20;

QString qstr(const pl &p)
{
    return p.p ? QString::fromUtf8(p.p, int(p.l)) : QString();
}

QString addressOf(const sa &a)
{
    char buf[64] = {};
    sa_ntop(&a, buf, sizeof buf);
    return QString::fromLatin1(buf);
}

qint64 nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// libre keeps one event loop per process here; a second core would share its state.
std::atomic_bool s_inUse{false};

} // namespace

struct Call;

/** @brief One SIP dialog with its RTP socket: the caller's, or an agent's phone. */
struct Leg
{
    enum class Role { Caller, Agent };
    SipCore::Impl *core = nullptr;
    Call *call = nullptr;
    Role role = Role::Caller;
    QString agent;           // agent legs; empty for a transfer target
    bool autoAnswer = false; // rung for an app accept or a dial: bridges without phoneAnswered
    bool consulted = false;  // the consulted party of a consultation (an agent or a number)
    QVector<qint16> inbox;   // conference: decoded audio not mixed yet
    bool cancelled = false;  // ended by us: no report
    bool established = false;
    sipsess *sess = nullptr;
    struct rtp_sock *rtp = nullptr;
    sdp_session *sdp = nullptr;
    sdp_media *media = nullptr;
    sa remote{};
    bool haveRemote = false;
    PayloadType pt = Pcmu;
    bool codecKnown = false;
    int telPt = -1;
    uint32_t ts = QRandomGenerator::global()->generate();
    bool marker = true;
    uint64_t lastRtpMs = 0;
    // receive statistics (RFC 3550 A.1 and A.8)
    bool seqInit = false;
    uint16_t maxSeq = 0;
    double jitter = 0; // in timestamp units
    qint64 lastTransit = 0;
    // telephone-event: the last event timestamp reported, in and out
    uint32_t lastEventTs = 0;
    bool eventSeen = false;
    uint32_t forwardedEventInTs = 0;
    uint32_t forwardedEventOutTs = 0;

    ~Leg()
    {
        // The session first: it sends BYE or CANCEL and calls nothing of ours after this.
        mem_deref(sess);
        mem_deref(rtp);
        mem_deref(sdp);
    }
};

/** @brief A call as the gateway holds it: the caller and the agent phones rung for it. */
struct Call
{
    // Held with a consult leg: the caller hears music, the agent and the consulted party
    // each other. Conference: the three hear the other two, mixed on the 20 ms tick.
    enum class Mode { Asking, Waiting, Bridged, Held, Refusing, Outbound, Conference };
    QString id;
    QString queue;
    Mode mode = Mode::Asking;
    std::unique_ptr<Leg> caller;
    std::vector<std::unique_ptr<Leg>> agents;
    Leg *active = nullptr;  // the connected agent (or transfer target) leg
    Leg *consult = nullptr; // the consulted party's leg (ringing or answered)
    bool known = false;     // the server queued it (or made it): keepOnly may end it
    bool muted = false;
    QString callerNumber;
    QString callerName;
    QString outboundUri; // dial: called once the agent's phone answered
    Prompt prompt;       // what the caller hears while not bridged
    qsizetype promptPos = 0;
    bool loopPrompt = false;
    QString dtmfQueue; // digits still to send to the caller
    int dtmfStep = 0;
    uint32_t dtmfTs = 0;
};

struct SipCore::Impl
{
    SipCore *q = nullptr;
    CoreSettings settings;
    CoreListener *listener = nullptr;
    Poster poster;
    std::thread thread;
    mqueue *mq = nullptr;
    struct ::sip *stack = nullptr;
    sipsess_sock *sessSock = nullptr;
    sip_lsnr *lsnr = nullptr;
    dnsc *dns = nullptr;
    tmr tick{};
    tmr housekeeping{};
    uint64_t nextTickMs = 0;
    sa bindAddr{};
    QString advertise;
    QString bound;
    std::map<QString, std::unique_ptr<Call>> calls;
    std::vector<QPair<QHostAddress, int>> trusted;
    double inviteTokens = 0;
    uint64_t inviteRefillMs = 0;
    quint64 serial = 0;
    QString idPrefix;
    QByteArray nonceKey = QByteArray::number(QRandomGenerator::system()->generate64(), 16);
    DialogJournal journal;
    struct Target
    {
        QByteArray uri;
        QList<QByteArray> route;
    };
    QHash<QByteArray, Target> invitedBy; // Call-ID of an INVITE we got -> its Contact

    // --- reports to the listener's thread ---

    template<typename F>
    void report(F f)
    {
        CoreListener *l = listener;
        poster([l, f] { f(l); });
    }

    // --- lifetime ---

    QString open()
    {
        int err = libre_init();
        if (err)
            return QStringLiteral("libre_init: %1").arg(QString::fromLocal8Bit(strerror(err)));
        // libre refuses descriptors above its table size (1024 by default); this process
        // also holds every WebSocket connection, and each call leg has an RTP socket.
        rlimit limit{};
        getrlimit(RLIMIT_NOFILE, &limit);
        fd_setsize(int(std::min<rlim_t>(limit.rlim_cur, 1 << 20)));
        for (const QString &cidr : qAsConst(settings.trusted))
            trusted.push_back(QHostAddress::parseSubnet(cidr));

        QString host = settings.listenHost;
        if (server::isWildcard(QHostAddress(host))) {
            // SIP puts the address into Contact and SDP: a wildcard cannot go there.
            if (!settings.address.isEmpty()) {
                host = settings.address;
            } else {
                sa def{};
                if (net_default_source_addr_get(AF_INET, &def) == 0)
                    host = addressOf(def);
                else
                    host = QStringLiteral("127.0.0.1");
            }
        }
        advertise = settings.address.isEmpty() ? host : settings.address;
        const QByteArray hostUtf8 = host.toUtf8();
        sa laddr{};
        if (sa_set_str(&laddr, hostUtf8.constData(), settings.listenPort))
            return QStringLiteral("\"%1\" is not an IP address").arg(host);
        sa_cpy(&bindAddr, &laddr);
        sa_set_port(&bindAddr, 0);

        sa nsv[8];
        uint32_t nsn = 8;
        char domain[64] = {};
        if (dns_srv_get(domain, sizeof domain, nsv, &nsn) == 0 && nsn > 0)
            dnsc_alloc(&dns, nullptr, nsv, nsn);

        // The last argument is what the trace handler gets.
        err = sip_alloc(&stack, dns, 32, 32, 32, "acdesk/" ACDESK_VERSION, nullptr, this);
        // TCP on the same port as UDP, also when port 0 was asked: then the port UDP got
        // may be taken for TCP by someone else, and another one is tried.
        for (int attempt = 0; !err; ++attempt) {
            sa_set_port(&laddr, settings.listenPort);
            err = sip_transp_add(stack, SIP_TRANSP_UDP, &laddr);
            if (err)
                break;
            sa udp{};
            sip_transp_laddr(stack, &udp, SIP_TRANSP_UDP, nullptr);
            sa_set_port(&laddr, sa_port(&udp));
            err = sip_transp_add(stack, SIP_TRANSP_TCP, &laddr);
            if (!err || settings.listenPort != 0 || attempt == 20)
                break;
            sip_transp_flush(stack);
            err = 0;
        }
        if (!err)
            err = sipsess_listen(&sessSock, stack, 32, &Impl::onInvite, this);
        if (!err)
            err = sip_listen(&lsnr, stack, true, &Impl::onRequest, this);
        if (!err)
            err = mqueue_alloc(&mq, &Impl::onCommand, this);
        if (err)
            return QStringLiteral("cannot listen on %1:%2: %3")
                .arg(host)
                .arg(settings.listenPort)
                .arg(QString::fromLocal8Bit(strerror(err)));
        bound = QStringLiteral("%1:%2").arg(host).arg(sa_port(&laddr));
        idPrefix = QStringLiteral("sip-%1-").arg(QDateTime::currentMSecsSinceEpoch());
        inviteTokens = settings.maxInvitesPerSecond;
        inviteRefillMs = tmr_jiffies();
        nextTickMs = tmr_jiffies() + TickMs;
        tmr_start(&tick, TickMs, &Impl::onTick, this);
        tmr_start(&housekeeping, 1000, &Impl::onHousekeeping, this);
        return openJournal();
    }

    void close()
    {
        tmr_cancel(&tick);
        tmr_cancel(&housekeeping);
        calls.clear(); // BYE and CANCEL go out now
        lsnr = static_cast<sip_lsnr *>(mem_deref(lsnr));
        sessSock = static_cast<sipsess_sock *>(mem_deref(sessSock));
        if (stack)
            sip_close(stack, false);
        stack = static_cast<struct ::sip *>(mem_deref(stack));
        mq = static_cast<mqueue *>(mem_deref(mq));
        dns = static_cast<dnsc *>(mem_deref(dns));
        libre_close();
    }

    static void onCommand(int, void *data, void *)
    {
        auto *command = static_cast<std::function<void()> *>(data);
        (*command)();
        delete command;
    }

    // --- inbound INVITE ---

    static bool onRequest(const sip_msg *msg, void *arg)
    {
        auto *self = static_cast<Impl *>(arg);
        if (!pl_strcmp(&msg->met, "REGISTER")) {
            self->registerPhone(msg);
            return true;
        }
        if (!pl_strcmp(&msg->met, "OPTIONS")) {
            // PBXs qualify their trunks with OPTIONS; answer like a live peer.
            sip_treplyf(nullptr, nullptr, self->stack, msg, false, 200, "OK",
                        "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\nContent-Length: 0\r\n\r\n");
            return true;
        }
        return false;
    }

    // --- registrar: softphones of an office without a PBX (RFC 3261 section 10) ---

    // A nonce that proves itself: its time and an HMAC of it under a per-run key, so the
    // registrar keeps no state per challenge. Valid for five minutes.
    QByteArray nonce(qint64 nowS) const
    {
        const QByteArray t = QByteArray::number(nowS, 16);
        return t + '.' +
               QMessageAuthenticationCode::hash(t, nonceKey, QCryptographicHash::Sha256)
                   .toHex()
                   .left(24);
    }

    bool nonceValid(const QByteArray &n, qint64 nowS) const
    {
        bool ok = false;
        const qint64 t = n.left(n.indexOf('.')).toLongLong(&ok, 16);
        return ok && nowS - t >= 0 && nowS - t <= 300 && n == nonce(t);
    }

    void registerPhone(const sip_msg *msg)
    {
        const QString user = qstr(msg->to.uri.user);
        const QByteArray ha1Hex = settings.phones.value(user);
        const qint64 nowS = QDateTime::currentSecsSinceEpoch();
        bool authorised = false;
        if (!ha1Hex.isEmpty()) {
            const sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION);
            httpauth_digest_resp resp{};
            const QByteArray ha1 = QByteArray::fromHex(ha1Hex);
            authorised =
                h && httpauth_digest_response_decode(&resp, &h->val) == 0 &&
                qstr(resp.username) == user && qstr(resp.realm) == settings.realm &&
                nonceValid(QByteArray(resp.nonce.p, int(resp.nonce.l)), nowS) &&
                httpauth_digest_response_auth(
                    &resp, &msg->met, reinterpret_cast<const uint8_t *>(ha1.constData())) == 0;
        }
        if (!authorised) {
            // Unknown users get the same challenge: the answer does not tell who exists.
            const QByteArray realm = settings.realm.toUtf8();
            const QByteArray n = nonce(nowS);
            sip_treplyf(nullptr, nullptr, stack, msg, false, 401, "Unauthorized",
                        "WWW-Authenticate: Digest realm=\"%s\", nonce=\"%s\", algorithm=MD5\r\n"
                        "Content-Length: 0\r\n\r\n",
                        realm.constData(), n.constData());
            return;
        }
        int expires = 3600;
        if (pl_isset(&msg->expires))
            expires = int(pl_u32(&msg->expires));
        QString contact;
        const sip_hdr *c = sip_msg_hdr(msg, SIP_HDR_CONTACT);
        sip_addr addr{};
        if (c && sip_addr_decode(&addr, &c->val) == 0) {
            contact = qstr(addr.auri);
            pl value{};
            if (msg_param_decode(&addr.params, "expires", &value) == 0)
                expires = int(pl_u32(&value));
        }
        expires = std::clamp(expires, 0, 3600);
        {
            std::lock_guard<std::mutex> lock(q->m_bindingsMutex);
            if (contact.isEmpty() || expires == 0)
                q->m_bindings.remove(user);
            else
                q->m_bindings.insert(user, {contact, nowUs() / 1000 + expires * 1000LL});
            q->m_metrics.registered = int(q->m_bindings.size());
        }
        qCInfo(lcSip) << "REGISTER" << user << contact << "for" << expires << "s";
        const QByteArray contactUtf8 = contact.toUtf8();
        if (contact.isEmpty() || expires == 0)
            sip_treplyf(nullptr, nullptr, stack, msg, false, 200, "OK",
                        "Content-Length: 0\r\n\r\n");
        else
            sip_treplyf(nullptr, nullptr, stack, msg, false, 200, "OK",
                        "Contact: <%s>;expires=%d\r\nContent-Length: 0\r\n\r\n",
                        contactUtf8.constData(), expires);
    }

    bool takeInviteToken()
    {
        const uint64_t now = tmr_jiffies();
        inviteTokens = std::min<double>(settings.maxInvitesPerSecond,
                                        inviteTokens + double(now - inviteRefillMs) *
                                                           settings.maxInvitesPerSecond / 1000.0);
        inviteRefillMs = now;
        if (inviteTokens < 1)
            return false;
        inviteTokens -= 1;
        return true;
    }

    bool isTrusted(const sa &src) const
    {
        const QHostAddress a(addressOf(src));
        return std::any_of(trusted.begin(), trusted.end(),
                           [&](const QPair<QHostAddress, int> &s) { return a.isInSubnet(s); });
    }

    static void onInvite(const sip_msg *msg, void *arg)
    {
        auto *self = static_cast<Impl *>(arg);
        self->q->m_metrics.invites++;
        auto refuse = [&](uint16_t code, const char *reason, const char *headers = "") {
            self->q->m_metrics.invitesRejected++;
            sip_treplyf(nullptr, nullptr, self->stack, msg, false, code, reason,
                        "%sContent-Length: 0\r\n\r\n", headers);
        };
        if (!self->takeInviteToken())
            return refuse(503, "Service Unavailable", "Retry-After: 5\r\n");
        if (!self->isTrusted(msg->src))
            return refuse(403, "Forbidden");
        if (!mbuf_get_left(msg->mb))
            return refuse(488, "Not Acceptable Here"); // no offer: late offer is not supported

        auto call = std::make_unique<Call>();
        call->id = self->idPrefix + QString::number(++self->serial);
        call->caller = std::make_unique<Leg>();
        Leg *leg = call->caller.get();
        leg->core = self;
        leg->call = call.get();
        leg->role = Leg::Role::Caller;
        if (!self->prepareMedia(*leg) || sdp_decode(leg->sdp, msg->mb, true) != 0 ||
            !self->pickCodec(*leg))
            return refuse(488, "Not Acceptable Here");
        const int err = sipsess_accept(&leg->sess, self->sessSock, msg, 180, "Ringing", "acdesk",
                                       "application/sdp", nullptr, nullptr, nullptr, false,
                                       &Impl::onOffer, &Impl::onAnswer, &Impl::onEstablished,
                                       nullptr, nullptr, &Impl::onClose, leg, "%s", "");
        if (err) {
            qCWarning(lcSip) << "cannot accept INVITE:" << strerror(err);
            return refuse(500, "Server Internal Error");
        }
        const QString callId = call->id;
        const QString dialed = qstr(msg->uri.user);
        const QString number = qstr(msg->from.uri.user);
        const QString name = qstr(msg->from.dname).remove(QLatin1Char('"'));
        qCInfo(lcSip) << "INVITE" << callId << "to" << dialed << "from" << number
                      << addressOf(msg->src);
        call->callerNumber = number;
        call->callerName = name;
        self->calls.emplace(callId, std::move(call));
        self->report([=](CoreListener *l) { l->incoming(callId, dialed, number, name); });
    }

    // --- the dialog journal: BYE for the dialogs a killed run left on the phones ---

    QString openJournal()
    {
        if (settings.journal.isEmpty())
            return {};
        QList<JournalDialog> left;
        QString error;
        if (!journal.open(settings.journal, &left, &error))
            return QStringLiteral("cannot write the dialog journal %1").arg(error);
        // libre keeps no tags that we could read; what it sends and receives has them.
        sip_set_trace_handler(stack, &Impl::onTrace);
        if (!left.isEmpty())
            qCInfo(lcSip) << "ending" << left.size() << "dialogs left open by the last run";
        for (const JournalDialog &d : qAsConst(left))
            byeLeftOver(d);
        return {};
    }

    void byeLeftOver(const JournalDialog &d)
    {
        // The next hop: the first route (loose routing) or the target itself.
        const QByteArray next = d.route.isEmpty() ? d.target : d.route.first();
        pl nextPl{};
        pl_set_str(&nextPl, next.constData());
        sip_addr addr{};
        uri nextUri{};
        if (d.route.isEmpty() ? uri_decode(&nextUri, &nextPl) != 0
                              : sip_addr_decode(&addr, &nextPl) != 0) {
            journal.end(d.callId);
            return;
        }
        if (!d.route.isEmpty())
            nextUri = addr.uri;
        QByteArray headers;
        for (const QByteArray &r : d.route)
            headers += "Route: " + r + "\r\n";
        // Our own BYE goes through onTrace, which ends the dialog in the journal.
        const int err = sip_requestf(
            nullptr, stack, true, "BYE", d.target.constData(), &nextUri, nullptr, nullptr,
            &Impl::onLeftOverBye, nullptr,
            "%sTo: %s\r\nFrom: %s\r\nCall-ID: %s\r\nCSeq: %u BYE\r\nContent-Length: 0\r\n\r\n",
            headers.constData(), d.remote.constData(), d.local.constData(), d.callId.constData(),
            d.cseq + 1);
        if (err) {
            qCWarning(lcSip) << "cannot end dialog" << d.callId << strerror(err);
            journal.end(d.callId);
        }
    }

    static void onLeftOverBye(int err, const sip_msg *msg, void *)
    {
        if (msg && msg->scode < 200)
            return;
        qCInfo(lcSip) << "BYE for a dialog of the last run:"
                      << (msg ? QString::number(msg->scode)
                              : QString::fromLocal8Bit(strerror(err)));
    }

    static void onTrace(bool tx, enum sip_transp, const sa *, const sa *, const uint8_t *pkt,
                        size_t len, void *arg)
    {
        auto *self = static_cast<Impl *>(arg);
        const QByteArray head =
            QByteArray::fromRawData(reinterpret_cast<const char *>(pkt), int(qMin<size_t>(len, 8)));
        // Decoding costs: only what opens, ends or counts in a dialog is looked at.
        if (!head.startsWith("SIP/2.0 ") && !tx && !head.startsWith("INVITE ") &&
            !head.startsWith("BYE "))
            return;
        mbuf *mb = mbuf_alloc(len);
        sip_msg *msg = nullptr;
        if (mb && mbuf_write_mem(mb, pkt, len) == 0) {
            mb->pos = 0;
            if (sip_msg_decode(&msg, mb) == 0)
                self->trace(tx, *msg);
        }
        mem_deref(msg);
        mem_deref(mb);
    }

    static QByteArray contactOf(const sip_msg &msg)
    {
        const sip_hdr *h = sip_msg_hdr(&msg, SIP_HDR_CONTACT);
        sip_addr addr{};
        if (!h || sip_addr_decode(&addr, &h->val) != 0)
            return {};
        return QByteArray(addr.auri.p, int(addr.auri.l));
    }

    static bool collectRoute(const sip_hdr *h, const sip_msg *, void *arg)
    {
        static_cast<QList<QByteArray> *>(arg)->append(QByteArray(h->val.p, int(h->val.l)));
        return false; // all of them
    }

    static QList<QByteArray> recordRouteOf(const sip_msg &msg)
    {
        QList<QByteArray> route;
        sip_msg_hdr_apply(&msg, true, SIP_HDR_RECORD_ROUTE, &Impl::collectRoute, &route);
        return route;
    }

    void trace(bool tx, const sip_msg &msg)
    {
        const QByteArray callId(msg.callid.p, int(msg.callid.l));
        const bool invite = !pl_strcmp(&msg.cseq.met, "INVITE");
        if (msg.req) {
            if (!pl_strcmp(&msg.met, "BYE"))
                journal.end(callId);
            else if (tx && pl_strcmp(&msg.met, "ACK") && pl_strcmp(&msg.met, "CANCEL"))
                journal.sent(callId, msg.cseq.num);
            else if (!tx && invite) {
                if (invitedBy.size() > 10000) // never answered: cannot happen, but stay bounded
                    invitedBy.clear();
                invitedBy.insert(callId, {contactOf(msg), recordRouteOf(msg)});
            }
            return;
        }
        if (!invite || msg.scode < 200)
            return;
        JournalDialog d;
        d.callId = callId;
        if (tx) {
            // Our final answer to an INVITE: a 2xx confirms the dialog (the peer is From).
            const Target t = invitedBy.take(callId);
            if (msg.scode >= 300 || t.uri.isEmpty())
                return;
            d.local = QByteArray(msg.to.val.p, int(msg.to.val.l));
            d.remote = QByteArray(msg.from.val.p, int(msg.from.val.l));
            d.target = t.uri;
            d.route = t.route;
        } else {
            // A phone's or the trunk's 2xx to our INVITE (the peer is To).
            if (msg.scode >= 300)
                return;
            d.local = QByteArray(msg.from.val.p, int(msg.from.val.l));
            d.remote = QByteArray(msg.to.val.p, int(msg.to.val.l));
            d.target = contactOf(msg);
            const QList<QByteArray> rr = recordRouteOf(msg);
            d.route = QList<QByteArray>(rr.rbegin(), rr.rend());
            d.cseq = msg.cseq.num;
        }
        if (!d.target.isEmpty())
            journal.confirm(d);
    }

    // --- media set-up ---

    bool prepareMedia(Leg &leg)
    {
        if (rtp_listen(&leg.rtp, IPPROTO_UDP, &bindAddr, settings.rtpPortMin, settings.rtpPortMax,
                       false, &Impl::onRtp, nullptr, &leg) != 0) {
            qCWarning(lcSip) << "no free RTP port in" << settings.rtpPortMin << "-"
                             << settings.rtpPortMax;
            return false;
        }
        sa laddr{};
        const QByteArray adv = advertise.toUtf8();
        sa_set_str(&laddr, adv.constData(), 0);
        const uint16_t port = sa_port(rtp_local(leg.rtp));
        if (sdp_session_alloc(&leg.sdp, &laddr) != 0 ||
            sdp_media_add(&leg.media, leg.sdp, "audio", port, "RTP/AVP") != 0)
            return false;
        int err = sdp_format_add(nullptr, leg.media, false, "0", "PCMU", 8000, 1, nullptr, nullptr,
                                 nullptr, false, nullptr);
        err |= sdp_format_add(nullptr, leg.media, false, "8", "PCMA", 8000, 1, nullptr, nullptr,
                              nullptr, false, nullptr);
        err |= sdp_format_add(nullptr, leg.media, false, "101", "telephone-event", 8000, 1, nullptr,
                              nullptr, nullptr, false, "0-15");
        return err == 0;
    }

    // After the remote SDP is decoded: the first G.711 format of the remote's list, the
    // telephone-event type, and where to send.
    bool pickCodec(Leg &leg)
    {
        leg.codecKnown = false;
        for (le *e = list_head(sdp_media_format_lst(leg.media, false)); e; e = e->next) {
            const auto *fmt = static_cast<const sdp_format *>(e->data);
            if (!fmt->sup)
                continue;
            if (!str_casecmp(fmt->name, "PCMU") || !str_casecmp(fmt->name, "PCMA")) {
                leg.pt = str_casecmp(fmt->name, "PCMU") ? Pcma : Pcmu;
                leg.codecKnown = true;
                break;
            }
        }
        const sdp_format *te = sdp_media_rformat(leg.media, "telephone-event");
        leg.telPt = te ? te->pt : -1;
        qCDebug(lcSip) << (leg.role == Leg::Role::Caller ? "caller" : "agent") << "leg of"
                       << (leg.call ? leg.call->id : QString()) << "codec" << int(leg.pt)
                       << "telephone-event" << leg.telPt;
        const sa *raddr = sdp_media_raddr(leg.media);
        if (raddr && sa_isset(raddr, SA_ALL)) {
            sa_cpy(&leg.remote, raddr);
            leg.haveRemote = true;
        }
        return leg.codecKnown;
    }

    static int onOffer(mbuf **descp, const sip_msg *msg, void *arg)
    {
        // A re-INVITE (a phone's own hold, a new address): take its SDP and answer.
        auto *leg = static_cast<Leg *>(arg);
        int err = sdp_decode(leg->sdp, msg->mb, true);
        if (!err)
            err = sdp_encode(descp, leg->sdp, false);
        if (!err)
            leg->core->pickCodec(*leg);
        return err;
    }

    static int onAnswer(const sip_msg *msg, void *arg)
    {
        auto *leg = static_cast<Leg *>(arg);
        const int err = sdp_decode(leg->sdp, msg->mb, false);
        if (!err && !leg->core->pickCodec(*leg))
            return EPROTO;
        return err;
    }

    static void onProgress(const sip_msg *, void *) {} // 180/183 from a phone: nothing to do

    static void onEstablished(const sip_msg *, void *arg)
    {
        auto *leg = static_cast<Leg *>(arg);
        leg->established = true;
        leg->lastRtpMs = tmr_jiffies();
        if (leg->role == Leg::Role::Agent)
            leg->core->agentAnswered(*leg);
        else if (leg->call->mode == Call::Mode::Outbound) {
            // The dialled party answered: for a callback that is "reached" (gw.answered).
            leg->core->setMode(*leg->call, Call::Mode::Bridged);
            const QString callId = leg->call->id;
            leg->core->report([=](CoreListener *l) { l->phoneAnswered(callId, {}); });
        }
    }

    static void onClose(int err, const sip_msg *msg, void *arg)
    {
        auto *leg = static_cast<Leg *>(arg);
        leg->core->legClosed(*leg, err, msg);
    }

    // --- call logic ---

    Call *find(const QString &id)
    {
        const auto it = calls.find(id);
        return it == calls.end() ? nullptr : it->second.get();
    }

    void setMode(Call &call, Call::Mode mode)
    {
        call.mode = mode;
        if (call.caller)
            call.caller->marker = true; // a new source: tell the receiver's jitter buffer
        if (call.active)
            call.active->marker = true;
        if (call.consult)
            call.consult->marker = true;
        for (Leg *leg : {call.caller.get(), call.active, call.consult})
            if (leg)
                leg->inbox.clear();
    }

    void play(Call &call, const Prompt &prompt, bool loop)
    {
        call.prompt = prompt;
        call.promptPos = 0;
        call.loopPrompt = loop;
        if (call.caller)
            call.caller->marker = true;
    }

    Prompt musicOf(const Call &call) const
    {
        return settings.queueMusic.value(call.queue, settings.music);
    }

    Prompt announcementOf(const Call &call) const
    {
        return settings.queueAnnouncement.value(call.queue, settings.announcement);
    }

    void answerCaller(Call &call)
    {
        mbuf *desc = nullptr;
        if (sdp_encode(&desc, call.caller->sdp, false) == 0)
            sipsess_answer(call.caller->sess, 200, "OK", desc, "%s", "");
        mem_deref(desc);
    }

    void accept(const QString &id, const QString &queue)
    {
        Call *call = find(id);
        if (!call || call->mode != Call::Mode::Asking)
            return;
        call->queue = queue;
        call->known = true;
        answerCaller(*call);
        setMode(*call, Call::Mode::Waiting);
        play(*call, announcementOf(*call), false);
    }

    void refuse(const QString &id, const QString &queue)
    {
        Call *call = find(id);
        if (!call || call->mode != Call::Mode::Asking)
            return;
        call->queue = queue;
        answerCaller(*call);
        setMode(*call, Call::Mode::Refusing);
        play(*call, announcementOf(*call), false);
    }

    // gw.exit without a number: whatever the call was doing, the caller hears the
    // announcement and the line ends (Refusing hangs up when the prompt is over).
    void leave(const QString &id, const Prompt &prompt)
    {
        Call *call = find(id);
        if (!call || !call->caller)
            return;
        call->known = false;
        if (call->mode == Call::Mode::Asking)
            answerCaller(*call);
        setMode(*call, Call::Mode::Refusing);
        play(*call, prompt ? prompt : announcementOf(*call), false);
    }

    void announce(const QString &id, const Prompt &prompt)
    {
        Call *call = find(id);
        if (call && call->caller && call->mode == Call::Mode::Waiting && prompt)
            play(*call, prompt, false); // music follows when it is over
    }

    void reject(const QString &id, int code, const QString &reason)
    {
        Call *call = find(id);
        if (!call)
            return;
        if (call->mode == Call::Mode::Asking) {
            q->m_metrics.invitesRejected++;
            const QByteArray r = reason.toUtf8();
            sipsess_reject(call->caller->sess, uint16_t(code), r.constData(), "%s", "");
        }
        calls.erase(id);
    }

    std::unique_ptr<Leg> newLeg(Call &call, Leg::Role role, const QString &agent)
    {
        auto leg = std::make_unique<Leg>();
        leg->core = this;
        leg->call = &call;
        leg->role = role;
        leg->agent = agent;
        return leg;
    }

    // Starts an INVITE for @p leg to @p uri; false when it could not even be sent.
    bool invite(Leg &leg, const QString &uri, const QString &fromNumber, const QString &fromName,
                bool autoAnswer)
    {
        if (!prepareMedia(leg))
            return false;
        mbuf *offer = nullptr;
        if (sdp_encode(&offer, leg.sdp, true) != 0)
            return false;
        QString number = fromNumber;
        number.remove(QRegularExpression(QStringLiteral("[^0-9A-Za-z+*#._-]")));
        if (number.isEmpty())
            number = QStringLiteral("anonymous");
        const QByteArray to = uri.toUtf8();
        const QByteArray from = QStringLiteral("sip:%1@%2").arg(number, advertise).toUtf8();
        QString name = fromName;
        name.remove(QLatin1Char('"')).remove(QLatin1Char('\\'));
        const QByteArray display = name.toUtf8();
        // Common phones answer by themselves with one of these (Polycom, Yealink, Snom,
        // Grandstream, baresip); only sent when the agent already accepted in the app.
        const QByteArray headers =
            autoAnswer ? QByteArrayLiteral("Call-Info: <sip:acdesk>;answer-after=0\r\n"
                                           "Alert-Info: <http://acdesk/>;info=alert-autoanswer\r\n")
                       : QByteArray();
        leg.autoAnswer = autoAnswer;
        const int err = sipsess_connect(
            &leg.sess, sessSock, to.constData(), display.isEmpty() ? nullptr : display.constData(),
            from.constData(), "acdesk", nullptr, 0, "application/sdp", offer, nullptr, nullptr,
            false, &Impl::onOffer, &Impl::onAnswer, &Impl::onProgress, &Impl::onEstablished,
            nullptr, nullptr, &Impl::onClose, &leg, "%s", headers.constData());
        mem_deref(offer);
        if (err)
            qCWarning(lcSip) << "cannot call" << uri << strerror(err);
        return err == 0;
    }

    void ring(const QString &id, const QString &agent, const QString &uri, bool autoAnswer)
    {
        Call *call = find(id);
        if (!call || !call->caller)
            return;
        auto leg = newLeg(*call, Leg::Role::Agent, agent);
        // Rung while an agent talks on the call: a consultation (the caller keeps music).
        leg->consulted = call->active && call->active->established && call->active->agent != agent;
        if (leg->consulted)
            call->consult = leg.get();
        const bool sent = invite(*leg, uri, call->callerNumber, call->callerName, autoAnswer);
        if (!sent) {
            const QString callId = call->id;
            if (call->consult == leg.get())
                call->consult = nullptr;
            report([=](CoreListener *l) {
                autoAnswer ? l->phoneGone(callId, agent)
                           : l->ringFailed(callId, agent, QStringLiteral("unreachable"));
            });
            return;
        }
        call->agents.push_back(std::move(leg));
    }

    // gw.consult: the consulted agent's phone (answered, or rung to answer by itself) or
    // the number (called now) talks with the call's agent; the caller keeps music.
    void consult(const QString &id, const QString &agent, const QString &agentUri,
                 const QString &numberUri)
    {
        Call *call = find(id);
        if (!call || !call->caller)
            return;
        if (call->consult && call->consult->established)
            return; // the phone answered already: it talks with the agent
        if (!agent.isEmpty()) {
            if (call->consult) // rung by gw.ring, accepted in the app: ring it to answer
                removeLeg(*call, *call->consult);
            if (!agentUri.isEmpty())
                ring(id, agent, agentUri, true);
            return;
        }
        auto leg = newLeg(*call, Leg::Role::Agent, {});
        leg->consulted = true;
        const QString from = call->active ? call->active->agent : QString();
        if (!invite(*leg, numberUri, from, {}, false)) {
            report([=](CoreListener *l) { l->consultGone(id); });
            return;
        }
        call->consult = leg.get();
        call->agents.push_back(std::move(leg));
    }

    // gw.complete: the caller talks with the consulted party; the agent's phone hangs up.
    void complete(const QString &id, bool forgotten)
    {
        Call *call = find(id);
        if (!call || !call->consult)
            return;
        Leg *target = call->consult;
        if (call->active)
            removeLeg(*call, *call->active);
        call->consult = nullptr;
        target->consulted = false;
        call->active = target;
        call->muted = false;
        if (forgotten)
            call->known = false; // a number: the server forgot the call, the phones end it
        setMode(*call, Call::Mode::Bridged);
    }

    // gw.consultEnd: the consulted party's leg ends, ringing or answered.
    void consultEnd(const QString &id)
    {
        Call *call = find(id);
        if (!call || !call->consult)
            return;
        removeLeg(*call, *call->consult);
        if (call->mode == Call::Mode::Conference)
            setMode(*call, Call::Mode::Bridged);
    }

    // gw.conference: mixing starts with the next tick.
    void conference(const QString &id)
    {
        Call *call = find(id);
        if (call && call->consult && call->active)
            setMode(*call, Call::Mode::Conference);
    }

    void cancel(const QString &id)
    {
        Call *call = find(id);
        if (!call)
            return;
        auto &legs = call->agents;
        legs.erase(std::remove_if(legs.begin(), legs.end(),
                                  [](const std::unique_ptr<Leg> &l) { return !l->established; }),
                   legs.end());
    }

    void bridge(const QString &id, const QString &agent, const QString &uri)
    {
        Call *call = find(id);
        if (!call)
            return;
        for (const auto &leg : call->agents) {
            if (leg->agent == agent && leg->established) {
                call->active = leg.get();
                setMode(*call, Call::Mode::Bridged);
                return;
            }
        }
        // Accepted in the app: the phone was not picked up. Ring it again, now asking it to
        // answer by itself; the answer bridges.
        cancel(id);
        if (!uri.isEmpty())
            ring(id, agent, uri, true);
    }

    void agentAnswered(Leg &leg)
    {
        Call &call = *leg.call;
        if (leg.consulted || (call.active && call.active != &leg && call.active->established &&
                              !leg.agent.isEmpty())) {
            // The consulted party answered (a colleague's phone rung while an agent talks,
            // or the number): the agent and it hear each other, the caller keeps music.
            leg.consulted = true;
            call.consult = &leg;
            setMode(call, call.mode);
            if (!leg.autoAnswer && !leg.agent.isEmpty()) {
                const QString callId = call.id;
                const QString agent = leg.agent;
                report([=](CoreListener *l) { l->phoneAnswered(callId, agent); });
            }
            return;
        }
        // The first phone to answer wins; the others stop ringing.
        auto &legs = call.agents;
        legs.erase(std::remove_if(legs.begin(), legs.end(),
                                  [&](const std::unique_ptr<Leg> &l) {
                                      return l.get() != &leg && !l->established &&
                                             l->agent != QString();
                                  }),
                   legs.end());
        if (call.mode == Call::Mode::Outbound && !call.caller) {
            // The agent's phone is up: now call the number.
            auto remote = newLeg(call, Leg::Role::Caller, {});
            call.active = &leg;
            if (!invite(*remote, call.outboundUri, leg.agent, {}, false)) {
                const QString callId = call.id;
                report([=](CoreListener *l) { l->callerGone(callId); });
                calls.erase(callId);
                return;
            }
            call.caller = std::move(remote);
            return;
        }
        call.active = &leg;
        // A held call stays held when its agent's phone answers again; a transfer target
        // (no agent) ends the music the caller heard while it rang.
        if (call.mode != Call::Mode::Held || leg.agent.isEmpty())
            setMode(call, Call::Mode::Bridged);
        if (!leg.autoAnswer && !leg.agent.isEmpty()) {
            const QString callId = call.id;
            const QString agent = leg.agent;
            report([=](CoreListener *l) { l->phoneAnswered(callId, agent); });
        }
    }

    void legClosed(Leg &leg, int err, const sip_msg *msg)
    {
        Call &call = *leg.call;
        const QString callId = call.id;
        if (leg.role == Leg::Role::Caller) {
            // The caller (or, outbound, the called party) hung up, cancelled or timed out.
            const bool known = call.known || call.mode == Call::Mode::Asking;
            const bool refused = call.mode == Call::Mode::Refusing;
            qCInfo(lcSip) << "caller leg of" << callId << "ended" << (err ? strerror(err) : "");
            if (known && !refused)
                report([=](CoreListener *l) { l->callerGone(callId); });
            calls.erase(callId);
            return;
        }
        const QString agent = leg.agent;
        if (leg.consulted || (&leg == call.consult)) {
            // The consulted party hung up (or a number could not be reached).
            removeLeg(call, leg);
            if (call.mode == Call::Mode::Conference)
                setMode(call, Call::Mode::Bridged);
            report([=](CoreListener *l) { l->consultGone(callId); });
            return;
        }
        if (!leg.established) {
            const uint16_t code = msg && !msg->req ? msg->scode : 0;
            const bool busy = code == 486 || code == 600 || code == 603 || code == 480;
            qCInfo(lcSip) << "ringing" << agent << "for" << callId << "failed:" << code
                          << (err ? strerror(err) : "");
            const bool app = leg.autoAnswer;
            removeLeg(call, leg);
            if (agent.isEmpty()) {
                // A transfer target that did not answer: the caller's call ends.
                calls.erase(callId);
                return;
            }
            report([=](CoreListener *l) {
                app ? l->phoneGone(callId, agent)
                    : l->ringFailed(callId, agent,
                                    busy ? QStringLiteral("busy") : QStringLiteral("unreachable"));
            });
            return;
        }
        if (agent.isEmpty()) {
            // A transfer target hung up: the server forgot the call, the gateway ends it.
            calls.erase(callId);
            return;
        }
        const bool wasActive = call.active == &leg;
        removeLeg(call, leg);
        if (wasActive)
            report([=](CoreListener *l) { l->phoneGone(callId, agent); });
    }

    void removeLeg(Call &call, Leg &leg)
    {
        if (call.active == &leg)
            call.active = nullptr;
        if (call.consult == &leg)
            call.consult = nullptr;
        auto &legs = call.agents;
        legs.erase(std::remove_if(legs.begin(), legs.end(),
                                  [&](const std::unique_ptr<Leg> &l) { return l.get() == &leg; }),
                   legs.end());
    }

    void release(const QString &id, const QString &agent)
    {
        Call *call = find(id);
        if (!call)
            return;
        auto &legs = call->agents;
        legs.erase(std::remove_if(legs.begin(), legs.end(),
                                  [&](const std::unique_ptr<Leg> &l) { return l->agent == agent; }),
                   legs.end());
        call->active = nullptr;
        call->muted = false;
        setMode(*call, Call::Mode::Waiting);
        play(*call, musicOf(*call), true);
    }

    void drop(const QString &id)
    {
        Call *call = find(id);
        if (!call)
            return;
        if (call->mode == Call::Mode::Asking && call->caller)
            sipsess_reject(call->caller->sess, 480, "Temporarily Unavailable", "%s", "");
        calls.erase(id);
    }

    void hold(const QString &id, bool on)
    {
        Call *call = find(id);
        if (!call || (call->mode != Call::Mode::Bridged && call->mode != Call::Mode::Held))
            return;
        setMode(*call, on ? Call::Mode::Held : Call::Mode::Bridged);
        if (on)
            play(*call, musicOf(*call), true);
    }

    void mute(const QString &id, bool on)
    {
        if (Call *call = find(id))
            call->muted = on;
    }

    void dtmf(const QString &id, const QString &digits)
    {
        qCDebug(lcSip) << "DTMF" << digits << "to the caller of" << id;
        if (Call *call = find(id))
            call->dtmfQueue += digits;
    }

    void transfer(const QString &id, const QString &uri)
    {
        Call *call = find(id);
        if (!call || !call->caller)
            return;
        // The server forgets the call: from now on only the phones end it.
        call->known = false;
        call->agents.clear();
        call->active = nullptr;
        setMode(*call, Call::Mode::Held);
        play(*call, musicOf(*call), true);
        auto leg = newLeg(*call, Leg::Role::Agent, {});
        if (!invite(*leg, uri, call->callerNumber, call->callerName, false)) {
            calls.erase(id);
            return;
        }
        call->agents.push_back(std::move(leg));
    }

    void dial(const QString &id, const QString &agent, const QString &agentUri, const QString &uri)
    {
        if (Call *old = find(id)) {
            // A callback taken while its caller still hears the goodbye announcement:
            // that line ends now, the agent's call to the customer goes ahead.
            if (old->mode != Call::Mode::Refusing)
                return;
            calls.erase(id);
        }
        auto call = std::make_unique<Call>();
        call->id = id;
        call->known = true;
        call->mode = Call::Mode::Outbound;
        call->outboundUri = uri;
        auto leg = newLeg(*call, Leg::Role::Agent, agent);
        if (!invite(*leg, agentUri, QStringLiteral("acdesk"), QStringLiteral("Acdesk"), true)) {
            report([=](CoreListener *l) { l->callerGone(id); });
            return;
        }
        call->agents.push_back(std::move(leg));
        calls.emplace(id, std::move(call));
    }

    void keepOnly(const QStringList &live)
    {
        for (auto it = calls.begin(); it != calls.end();) {
            if (it->second->known && !live.contains(it->first)) {
                qCInfo(lcSip) << "ending" << it->first << "unknown to the server";
                it = calls.erase(it);
            } else {
                ++it;
            }
        }
    }

    // --- RTP ---

    static void onRtp(const sa *src, const rtp_header *hdr, mbuf *mb, void *arg)
    {
        auto *leg = static_cast<Leg *>(arg);
        leg->core->receive(*leg, *src, *hdr, mb);
    }

    void updateStats(Leg &leg, const rtp_header &hdr)
    {
        if (!leg.seqInit) {
            leg.seqInit = true;
            leg.maxSeq = hdr.seq;
            leg.lastTransit = nowUs() * 8 / 1000 - qint64(hdr.ts);
            return;
        }
        const uint16_t delta = uint16_t(hdr.seq - leg.maxSeq);
        if (delta > 0 && delta < 3000) {
            if (delta > 1) {
                (leg.role == Leg::Role::Caller ? q->m_metrics.lostFromCaller
                                               : q->m_metrics.lostFromAgent) += delta - 1;
            }
            leg.maxSeq = hdr.seq;
        }
        const qint64 transit = nowUs() * 8 / 1000 - qint64(hdr.ts);
        const double d = double(std::llabs(transit - leg.lastTransit));
        leg.lastTransit = transit;
        leg.jitter += (d - leg.jitter) / 16.0;
    }

    void receive(Leg &leg, const sa &src, const rtp_header &hdr, mbuf *mb)
    {
        leg.lastRtpMs = tmr_jiffies();
        if (!leg.haveRemote || !sa_cmp(&src, &leg.remote, SA_ALL)) {
            // Symmetric RTP: answer where the packets come from (NAT, a phone's other NIC).
            sa_cpy(&leg.remote, &src);
            leg.haveRemote = true;
        }
        updateStats(leg, hdr);
        Call &call = *leg.call;
        const size_t n = mbuf_get_left(mb);
        if (call.mode == Call::Mode::Conference) {
            if (leg.telPt >= 0 && hdr.pt == leg.telPt && n >= 4)
                telephoneEvent(leg, hdr, mbuf_buf(mb), n, nullptr); // the caller's keys
            else if ((hdr.pt == Pcmu || hdr.pt == Pcma) && n > 0 && n <= 1500)
                collect(leg, PayloadType(hdr.pt), mbuf_buf(mb), n);
            return;
        }
        // Bridged: caller and agent. Held with an answered consultation: the agent and the
        // consulted party (the caller hears music).
        const bool consulting = call.mode == Call::Mode::Held && call.consult &&
                                call.consult->established && call.active;
        Leg *other = nullptr;
        if (consulting && &leg == call.active)
            other = call.consult;
        else if (consulting && &leg == call.consult)
            other = call.active;
        else if (call.mode == Call::Mode::Bridged)
            other = leg.role == Leg::Role::Caller ? call.active : call.caller.get();
        if (&leg != call.active && leg.role == Leg::Role::Agent && &leg != call.consult)
            other = nullptr; // a phone still ringing for the call, or one being hung up
        const bool bridged = other && other->haveRemote && other->codecKnown;
        if (leg.telPt >= 0 && hdr.pt == leg.telPt) {
            if (n >= 4)
                telephoneEvent(leg, hdr, mbuf_buf(mb), n, bridged ? other : nullptr);
            return;
        }
        if (!bridged || (hdr.pt != Pcmu && hdr.pt != Pcma) || n == 0 || n > 1500)
            return;
        // In place: the received buffer still holds its RTP header in front of the
        // payload, room enough for ours, so relaying costs no allocation and no copy.
        uint8_t *payload = mbuf_buf(mb);
        if (&leg == call.active && call.muted)
            memset(payload, silence(PayloadType(hdr.pt)), n);
        transcode(payload, n, PayloadType(hdr.pt), other->pt);
        rtp_send(other->rtp, &other->remote, false, other->marker, other->pt, other->ts, mb);
        other->marker = false;
        other->ts += uint32_t(n);
        (leg.role == Leg::Role::Caller ? q->m_metrics.packetsToAgent
                                       : q->m_metrics.packetsToCaller)++;
    }

    void send(Leg &leg, uint8_t pt, const uint8_t *payload, size_t n, uint32_t advance)
    {
        mbuf *mb = mbuf_alloc(RTP_HEADER_SIZE + n);
        if (!mb)
            return;
        mb->pos = RTP_HEADER_SIZE;
        mbuf_write_mem(mb, payload, n);
        mb->pos = RTP_HEADER_SIZE;
        rtp_send(leg.rtp, &leg.remote, false, leg.marker, pt, leg.ts, mb);
        mem_deref(mb);
        leg.marker = false;
        leg.ts += advance;
    }

    void telephoneEvent(Leg &leg, const rtp_header &hdr, const uint8_t *p, size_t n, Leg *other)
    {
        static const char digits[] = "0123456789*#ABCD";
        const uint8_t event = p[0];
        const bool end = p[1] & 0x80;
        if (leg.role == Leg::Role::Caller && end && event < 16 &&
            !(leg.eventSeen && leg.lastEventTs == hdr.ts)) {
            // The end packet comes three times: report the digit once.
            leg.eventSeen = true;
            leg.lastEventTs = hdr.ts;
            const QString callId = leg.call->id;
            const QString digit = QString(QLatin1Char(digits[event]));
            report([=](CoreListener *l) { l->digits(callId, digit); });
        }
        if (!other || other->telPt < 0)
            return;
        if (other->forwardedEventInTs != hdr.ts) {
            other->forwardedEventInTs = hdr.ts;
            other->forwardedEventOutTs = other->ts;
            other->marker = true;
        }
        const uint32_t saved = other->ts;
        other->ts = other->forwardedEventOutTs;
        send(*other, uint8_t(other->telPt), p, n, 0);
        other->ts = saved;
    }

    // --- the 20 ms clock: prompts and outgoing digits ---

    static void onTick(void *arg)
    {
        auto *self = static_cast<Impl *>(arg);
        self->nextTickMs += TickMs;
        const uint64_t now = tmr_jiffies();
        if (self->nextTickMs + 10 * TickMs < now)
            self->nextTickMs = now; // after a long stall do not burst to catch up
        tmr_start(&self->tick, self->nextTickMs > now ? self->nextTickMs - now : 0, &Impl::onTick,
                  self);
        std::vector<QString> finished;
        for (auto &entry : self->calls) {
            Call &call = *entry.second;
            if (self->tickCall(call))
                finished.push_back(call.id);
        }
        for (const QString &id : finished)
            self->calls.erase(id);
    }

    // True when the call is over (a refused caller heard the announcement).
    bool tickCall(Call &call)
    {
        Leg *caller = call.caller.get();
        if (!caller || !caller->haveRemote || !caller->codecKnown || !caller->sess)
            return false;
        if (!call.dtmfQueue.isEmpty() && caller->telPt >= 0)
            sendDigitStep(call, *caller);
        if (call.mode == Call::Mode::Conference) {
            mix(call);
            return false;
        }
        const bool playing = call.mode == Call::Mode::Waiting || call.mode == Call::Mode::Held ||
                             call.mode == Call::Mode::Refusing;
        if (!playing || !call.prompt)
            return false;
        const QVector<qint16> &samples = *call.prompt;
        uint8_t frame[FrameSamples];
        for (int i = 0; i < FrameSamples; ++i) {
            qint16 s = 0;
            if (call.promptPos < samples.size())
                s = samples[call.promptPos++];
            frame[i] = encodeSample(s, caller->pt);
        }
        send(*caller, caller->pt, frame, FrameSamples, FrameSamples);
        if (call.promptPos >= samples.size()) {
            if (call.mode == Call::Mode::Refusing)
                return true;
            if (call.loopPrompt)
                call.promptPos = 0;
            else
                play(call, musicOf(call), true); // the announcement is over: music
        }
        return false;
    }

    // Conference: a leg's decoded audio waits for the tick; a little more than two frames
    // are kept (jitter), older audio is dropped so the delay cannot grow.
    void collect(Leg &leg, PayloadType pt, const uint8_t *payload, size_t n)
    {
        const bool silent = &leg == leg.call->active && leg.call->muted;
        for (size_t i = 0; i < n; ++i)
            leg.inbox.append(silent ? 0 : decodeSample(payload[i], pt));
        const qsizetype keep = 3 * FrameSamples;
        if (leg.inbox.size() > keep)
            leg.inbox.remove(0, leg.inbox.size() - keep);
    }

    // One 20 ms frame for each of the three: the sum of the other two, clipped.
    void mix(Call &call)
    {
        Leg *legs[3] = {call.caller.get(), call.active, call.consult};
        qint32 in[3][FrameSamples] = {};
        for (int k = 0; k < 3; ++k) {
            Leg *leg = legs[k];
            if (!leg)
                continue;
            const qsizetype take = std::min<qsizetype>(FrameSamples, leg->inbox.size());
            for (qsizetype i = 0; i < take; ++i)
                in[k][i] = leg->inbox[i];
            leg->inbox.remove(0, take);
        }
        for (int k = 0; k < 3; ++k) {
            Leg *leg = legs[k];
            if (!leg || !leg->haveRemote || !leg->codecKnown || !leg->established)
                continue;
            uint8_t frame[FrameSamples];
            for (int i = 0; i < FrameSamples; ++i) {
                const qint32 sum = in[(k + 1) % 3][i] + in[(k + 2) % 3][i];
                frame[i] = encodeSample(qint16(std::clamp(sum, -32768, 32767)), leg->pt);
            }
            send(*leg, leg->pt, frame, FrameSamples, FrameSamples);
        }
    }

    // RFC 4733: each digit 100 ms (five packets of one event), three end packets, 60 ms gap.
    void sendDigitStep(Call &call, Leg &caller)
    {
        static const QString keys = QStringLiteral("0123456789*#");
        const int event = int(keys.indexOf(call.dtmfQueue.at(0)));
        const int step = call.dtmfStep++;
        if (step == 0)
            call.dtmfTs = caller.ts;
        if (step < 8 && event >= 0) {
            const bool end = step >= 5;
            const uint16_t duration = uint16_t(std::min(step + 1, 5) * FrameSamples);
            const uint8_t payload[4] = {uint8_t(event), uint8_t((end ? 0x80 : 0) | 10),
                                        uint8_t(duration >> 8), uint8_t(duration & 0xff)};
            const uint32_t saved = caller.ts;
            caller.ts = call.dtmfTs;
            caller.marker = step == 0;
            send(caller, uint8_t(caller.telPt), payload, sizeof payload, 0);
            caller.ts = saved;
        }
        if (step >= 10) {
            call.dtmfQueue.remove(0, 1);
            call.dtmfStep = 0;
        }
    }

    // --- once a second: RTP timeouts and gauges ---

    static void onHousekeeping(void *arg)
    {
        auto *self = static_cast<Impl *>(arg);
        tmr_start(&self->housekeeping, 1000, &Impl::onHousekeeping, self);
        self->checkTimeouts();
        self->updateGauges();
    }

    void checkTimeouts()
    {
        const uint64_t now = tmr_jiffies();
        auto silent = [&](const Leg *leg) {
            return leg && leg->established &&
                   now - leg->lastRtpMs > uint64_t(settings.rtpTimeoutMs);
        };
        std::vector<QString> ended;
        for (auto &entry : calls) {
            Call &call = *entry.second;
            if (silent(call.caller.get())) {
                qCInfo(lcSip) << "no RTP from the caller of" << call.id << "- ending it";
                if (call.known)
                    report([id = call.id](CoreListener *l) { l->callerGone(id); });
                ended.push_back(call.id);
                continue;
            }
            if (silent(call.active)) {
                qCInfo(lcSip) << "no RTP from the agent phone of" << call.id;
                const QString agent = call.active->agent;
                removeLeg(call, *call.active);
                if (call.known && !agent.isEmpty())
                    report([id = call.id, agent](CoreListener *l) { l->phoneGone(id, agent); });
                else
                    ended.push_back(call.id);
            }
        }
        for (const QString &id : ended)
            calls.erase(id);
    }

    void updateGauges()
    {
        int waiting = 0, ringing = 0, bridged = 0, held = 0;
        double jitterCaller = 0, jitterAgent = 0;
        for (auto &entry : calls) {
            const Call &call = *entry.second;
            waiting += call.mode == Call::Mode::Waiting;
            bridged += call.mode == Call::Mode::Bridged || call.mode == Call::Mode::Conference;
            held += call.mode == Call::Mode::Held;
            for (const auto &leg : call.agents) {
                ringing += !leg->established;
                if (leg->established)
                    jitterAgent = std::max(jitterAgent, leg->jitter);
            }
            if (call.caller)
                jitterCaller = std::max(jitterCaller, call.caller->jitter);
        }
        CoreMetrics &m = q->m_metrics;
        m.waiting = waiting;
        m.ringing = ringing;
        m.bridged = bridged;
        m.held = held;
        m.jitterFromCallerUs = int(jitterCaller * 125); // 8 kHz units -> µs
        m.jitterFromAgentUs = int(jitterAgent * 125);
    }
};

// --------------------------------------------------------------------------------------

SipCore::SipCore()
    : d(std::make_unique<Impl>())
{
    d->q = this;
}

SipCore::~SipCore()
{
    stop();
}

bool SipCore::start(const CoreSettings &settings, CoreListener *listener, Poster post,
                    QString *error)
{
    if (s_inUse.exchange(true)) {
        *error = QStringLiteral("only one SIP gateway per process");
        return false;
    }
    d->settings = settings;
    d->listener = listener;
    d->poster = std::move(post);
    std::promise<QString> opened;
    std::future<QString> result = opened.get_future();
    d->thread = std::thread([this, &opened] {
        const QString why = d->open();
        if (!why.isEmpty()) {
            d->close();
            opened.set_value(why);
            return;
        }
        opened.set_value({});
        re_main(nullptr);
        d->close();
    });
    *error = result.get();
    if (!error->isEmpty()) {
        d->thread.join();
        s_inUse = false;
        return false;
    }
    return true;
}

void SipCore::stop()
{
    if (!d->thread.joinable())
        return;
    post([](Impl &impl) {
        impl.calls.clear();
        re_cancel();
    });
    d->thread.join();
    s_inUse = false;
}

QString SipCore::registeredContact(const QString &user) const
{
    std::lock_guard<std::mutex> lock(m_bindingsMutex);
    const auto it = m_bindings.constFind(user);
    if (it == m_bindings.constEnd() || it->expiresMs < nowUs() / 1000)
        return {};
    return it->contact;
}

QString SipCore::boundAddress() const
{
    return d->bound;
}

void SipCore::post(std::function<void(Impl &)> command)
{
    if (!d->mq)
        return;
    Impl *impl = d.get();
    auto *fn = new std::function<void()>([impl, command = std::move(command)] { command(*impl); });
    if (mqueue_push(d->mq, 0, fn) != 0)
        delete fn;
}

void SipCore::accept(const QString &call, const QString &queue)
{
    post([=](Impl &i) { i.accept(call, queue); });
}
void SipCore::refuse(const QString &call, const QString &queue)
{
    post([=](Impl &i) { i.refuse(call, queue); });
}
void SipCore::leave(const QString &call, const Prompt &prompt)
{
    post([=](Impl &i) { i.leave(call, prompt); });
}
void SipCore::announce(const QString &call, const Prompt &prompt)
{
    post([=](Impl &i) { i.announce(call, prompt); });
}
void SipCore::reject(const QString &call, int code, const QString &reason)
{
    post([=](Impl &i) { i.reject(call, code, reason); });
}
void SipCore::ring(const QString &call, const QString &agent, const QString &uri, bool autoAnswer)
{
    post([=](Impl &i) { i.ring(call, agent, uri, autoAnswer); });
}
void SipCore::cancel(const QString &call)
{
    post([=](Impl &i) { i.cancel(call); });
}
void SipCore::bridge(const QString &call, const QString &agent, const QString &uri)
{
    post([=](Impl &i) { i.bridge(call, agent, uri); });
}
void SipCore::release(const QString &call, const QString &agent)
{
    post([=](Impl &i) { i.release(call, agent); });
}
void SipCore::drop(const QString &call)
{
    post([=](Impl &i) { i.drop(call); });
}
void SipCore::hold(const QString &call, bool on)
{
    post([=](Impl &i) { i.hold(call, on); });
}
void SipCore::mute(const QString &call, bool on)
{
    post([=](Impl &i) { i.mute(call, on); });
}
void SipCore::dtmf(const QString &call, const QString &digits)
{
    post([=](Impl &i) { i.dtmf(call, digits); });
}
void SipCore::transfer(const QString &call, const QString &uri)
{
    post([=](Impl &i) { i.transfer(call, uri); });
}
void SipCore::dial(const QString &call, const QString &agent, const QString &agentUri,
                   const QString &uri)
{
    post([=](Impl &i) { i.dial(call, agent, agentUri, uri); });
}
void SipCore::consult(const QString &call, const QString &agent, const QString &agentUri,
                      const QString &numberUri)
{
    post([=](Impl &i) { i.consult(call, agent, agentUri, numberUri); });
}
void SipCore::complete(const QString &call, bool forgotten)
{
    post([=](Impl &i) { i.complete(call, forgotten); });
}
void SipCore::consultEnd(const QString &call)
{
    post([=](Impl &i) { i.consultEnd(call); });
}
void SipCore::conference(const QString &call)
{
    post([=](Impl &i) { i.conference(call); });
}
void SipCore::keepOnly(const QStringList &live)
{
    post([=](Impl &i) { i.keepOnly(live); });
}

} // namespace acdesk::sip
