#pragma once

// The telephony half of the SIP gateway: SIP dialogs, SDP and the RTP relay, on libre
// (Debian's libre-dev, the stack of baresip) in a thread of its own that runs libre's
// event loop. Nothing here knows the WebSocket API: SipGateway turns its reports into gw.*
// requests and the server's gw.* events into its commands. Commands may be called from any
// thread; reports arrive through the poster given at start (the gateway's thread).

#include "media.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

namespace acdesk::sip {

/** @brief What the core needs to run; all of it from the `sip` config object. */
struct CoreSettings
{
    QString listenHost = QStringLiteral("0.0.0.0");
    quint16 listenPort = 5060;
    QString address;     // in SDP and Contact; empty: listen host or the default route's
    QStringList trusted; // CIDR
    quint16 rtpPortMin = 10000;
    quint16 rtpPortMax = 20000;
    int rtpTimeoutMs = 60000;
    int maxInvitesPerSecond = 50;
    Prompt announcement; // defaults for queues without their own
    Prompt music;
    QHash<QString, Prompt> queueAnnouncement;
    QHash<QString, Prompt> queueMusic;
    QString realm = QStringLiteral("acdesk");
    QHash<QString, QByteArray> phones; // registrar: user -> HA1 (32 hex digits)
    QString journal; // file of the live dialogs (ended with BYE after a crash); empty: none
};

/** @brief What happened on the phone side; called on the poster's thread. */
class CoreListener
{
public:
    virtual ~CoreListener() = default;
    /** @brief An INVITE to @p dialed was accepted for now (180 sent): ask the server. */
    virtual void incoming(const QString &call, const QString &dialed, const QString &number,
                          const QString &name) = 0;
    /** @brief The caller's leg ended (BYE, CANCEL, no RTP) before the server ended it. */
    virtual void callerGone(const QString &call) = 0;
    /** @brief The agent's phone picked up a ringing offer. */
    virtual void phoneAnswered(const QString &call, const QString &agent) = 0;
    /** @brief A connected agent phone hung up (BYE or no RTP). */
    virtual void phoneGone(const QString &call, const QString &agent) = 0;
    /** @brief Ringing an agent's phone failed: @p cause "busy" or "unreachable". */
    virtual void ringFailed(const QString &call, const QString &agent, const QString &cause) = 0;
    /** @brief The caller pressed keys (RFC 4733 telephone-event). */
    virtual void digits(const QString &call, const QString &digits) = 0;
    /** @brief The consulted party's leg ended (hung up, or the number was not reached). */
    virtual void consultGone(const QString &call) = 0;
};

/** @brief Counters for /metrics, updated by the core's thread. */
struct CoreMetrics
{
    std::atomic<int> waiting{0}; // caller answered, not bridged (announcement, music)
    std::atomic<int> ringing{0}; // agent legs ringing
    std::atomic<int> bridged{0}; // caller and agent connected
    std::atomic<int> held{0};    // on hold (music)
    std::atomic<quint64> invites{0};
    std::atomic<quint64> invitesRejected{0}; // 403, 404, 488, 503
    std::atomic<quint64> packetsToAgent{0};  // relayed caller -> agent
    std::atomic<quint64> packetsToCaller{0}; // relayed agent -> caller
    std::atomic<quint64> lostFromCaller{0};  // sequence gaps on caller legs
    std::atomic<quint64> lostFromAgent{0};
    std::atomic<int> jitterFromCallerUs{0}; // RFC 3550 interarrival jitter, worst live leg
    std::atomic<int> jitterFromAgentUs{0};
    std::atomic<int> registered{0}; // softphones with a live registration
};

/** @brief The libre side of the gateway. */
class SipCore
{
public:
    using Poster = std::function<void(std::function<void()>)>;

    SipCore();
    ~SipCore();
    SipCore(const SipCore &) = delete;
    SipCore &operator=(const SipCore &) = delete;

    /**
     * @brief Binds UDP and TCP and starts the thread. @p post runs a report on the
     * listener's thread. False with @p error when the address cannot be bound.
     */
    bool start(const CoreSettings &settings, CoreListener *listener, Poster post, QString *error);
    /** @brief Ends every call with BYE/CANCEL, then stops the thread. */
    void stop();
    /** @brief "HOST:PORT" as bound (the real port when 0 was asked). */
    QString boundAddress() const;
    /**
     * @brief Where a softphone registered as @p user can be reached now ("sip:…" contact),
     * or empty. Any thread.
     */
    QString registeredContact(const QString &user) const;
    /** @brief The counters. */
    const CoreMetrics &metrics() const { return m_metrics; }

    // Commands, in the words of the gw.* events; unknown calls are ignored.
    /** @brief The server queued the call: answer it, announcement then music. */
    void accept(const QString &call, const QString &queue);
    /** @brief The server refused the call: answer, announcement, hang up. */
    void refuse(const QString &call, const QString &queue);
    /** @brief The call leaves the ACD (gw.exit, a callback): @p prompt (default: the
     * queue's announcement), then hang up. */
    void leave(const QString &call, const Prompt &prompt = {});
    /** @brief A waiting caller hears @p prompt (its place and wait), then music again. */
    void announce(const QString &call, const Prompt &prompt);
    /** @brief Final answer without a session (404, 403, 503, ...). */
    void reject(const QString &call, int code, const QString &reason);
    /**
     * @brief Rings @p uri for @p agent. With @p autoAnswer the INVITE carries the auto-answer
     * headers and the answer bridges without phoneAnswered (the agent accepted in the app).
     */
    void ring(const QString &call, const QString &agent, const QString &uri, bool autoAnswer);
    /** @brief Stops every ringing agent leg of the call. */
    void cancel(const QString &call);
    /** @brief Connects the caller to @p agent's answered leg (or rings it, auto-answer). */
    void bridge(const QString &call, const QString &agent, const QString &uri);
    /** @brief Hangs up @p agent's phone; the caller hears music and waits for the next agent. */
    void release(const QString &call, const QString &agent);
    /** @brief Ends every leg of the call. */
    void drop(const QString &call);
    /** @brief Hold (music to the caller) or resume. */
    void hold(const QString &call, bool on);
    /** @brief Mutes the agent towards the caller, or unmutes. */
    void mute(const QString &call, bool on);
    /** @brief Sends RFC 4733 digits to the caller. */
    void dtmf(const QString &call, const QString &digits);
    /** @brief Calls @p uri and connects the caller to it; agent legs end. */
    void transfer(const QString &call, const QString &uri);
    /** @brief Outbound: rings the agent (auto-answer), then calls @p uri and bridges. */
    void dial(const QString &call, const QString &agent, const QString &agentUri,
              const QString &uri);
    /**
     * @brief A consultation: @p agent's phone (answered after ring(), else rung to answer by
     * itself at @p agentUri) or the number at @p numberUri talks with the call's agent; the
     * caller keeps the music of hold.
     */
    void consult(const QString &call, const QString &agent, const QString &agentUri,
                 const QString &numberUri);
    /** @brief The caller talks with the consulted party; the agent's phone hangs up. With
     * @p forgotten (a number) only the phones end the call from now on. */
    void complete(const QString &call, bool forgotten);
    /** @brief Ends the consulted party's leg, ringing or answered. */
    void consultEnd(const QString &call);
    /** @brief The caller, the agent and the consulted party hear each other (mixed). */
    void conference(const QString &call);
    /** @brief Ends every call whose id is not in @p live (after a resync with the server). */
    void keepOnly(const QStringList &live);

    struct Impl; // libre's side, in sipcore.cpp

private:
    void post(std::function<void(Impl &)> command);
    std::unique_ptr<Impl> d;
    CoreMetrics m_metrics;
    struct Binding
    {
        QString contact;
        qint64 expiresMs = 0; // steady clock
    };
    mutable std::mutex m_bindingsMutex; // the registrar writes, the gateway's thread reads
    QHash<QString, Binding> m_bindings;
};

} // namespace acdesk::sip
