#include "sipgateway.h"

#include "clientconnection.h"
#include "protocol/requests.h"
#include "protocol/results.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <cmath>

Q_DECLARE_LOGGING_CATEGORY(lcSip)

namespace acdesk::sip {

SipGateway::SipGateway(const server::SipConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_connection(new client::ClientConnection(this))
{
    connect(m_connection, &client::ClientConnection::eventReceived, this, &SipGateway::onEvent);
    connect(m_connection, &client::ClientConnection::loginFailed, this,
            [](const QString &message) { qCWarning(lcSip) << "gateway login failed:" << message; });
    m_announceTimer.setInterval(1000);
    connect(&m_announceTimer, &QTimer::timeout, this, &SipGateway::announcePlaces);
}

SipGateway::~SipGateway()
{
    m_core.stop();
}

bool SipGateway::start(const QUrl &server, const QString &user, const QString &secret,
                       QString *error)
{
    CoreSettings s;
    QString host;
    quint16 port = 0;
    server::parseListen(m_config.listen, &host, &port);
    s.listenHost = host;
    s.listenPort = port;
    s.address = m_config.address;
    s.trusted = m_config.trusted;
    s.rtpPortMin = m_config.rtpPortMin;
    s.rtpPortMax = m_config.rtpPortMax;
    s.rtpTimeoutMs = m_config.rtpTimeoutSeconds * 1000;
    s.maxInvitesPerSecond = m_config.maxInvitesPerSecond;
    s.realm = m_config.realm;
    s.phones = m_config.phones;
    s.journal = m_journal;
    s.announcement = builtInAnnouncement();
    s.music = builtInMusic();
    for (auto it = m_config.queues.cbegin(); it != m_config.queues.cend(); ++it) {
        auto load = [&](const QString &path, QHash<QString, Prompt> &into) {
            if (path.isEmpty())
                return true;
            auto samples = std::make_shared<QVector<qint16>>();
            const QString why = server::readPromptWav(path, samples.get());
            if (!why.isEmpty()) {
                *error = QStringLiteral("%1: %2").arg(path, why);
                return false;
            }
            into.insert(it.key(), samples);
            return true;
        };
        if (!load(it->announcement, s.queueAnnouncement) || !load(it->music, s.queueMusic))
            return false;
    }
    auto post = [this](std::function<void()> f) {
        QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection);
    };
    if (!m_core.start(s, this, post, error))
        return false;
    m_connection->open(server, QStringLiteral("gateway"), user, secret);
    return true;
}

void SipGateway::stop()
{
    m_core.stop();
    m_connection->close();
}

QString SipGateway::boundAddress() const
{
    return m_core.boundAddress();
}

void SipGateway::send(QJsonObject request)
{
    const QString type = request.value(QLatin1String("type")).toString();
    m_connection->request(std::move(request), [type](const client::ClientConnection::Reply &r) {
        if (!r.ok())
            qCInfo(lcSip) << type << "refused:" << r.errorCode << r.errorMessage;
    });
}

// --- phones -> server ------------------------------------------------------------------

void SipGateway::incoming(const QString &call, const QString &dialed, const QString &number,
                          const QString &name)
{
    if (m_connection->status() != client::ClientConnection::Status::Online) {
        m_core.reject(call, 503, QStringLiteral("Service Unavailable"));
        return;
    }
    m_asking.insert(call, false);
    proto::GwArriveRequest request;
    request.call = call;
    request.dialed = dialed;
    request.caller = {number.isEmpty() ? QStringLiteral("anonymous") : number, name.left(256)};
    request.data = {{QStringLiteral("channel"), QStringLiteral("sip")}};
    m_connection->request(request.toJson(), [this, call](const client::ClientConnection::Reply &r) {
        const bool gone = m_asking.take(call);
        if (r.ok()) {
            m_known.insert(call);
            if (gone) {
                callerGone(call); // hung up while the server was asked
                return;
            }
            auto result = proto::GwArriveResult::fromJson(r.result);
            const auto *arrived = std::get_if<proto::GwArriveResult>(&result);
            m_core.accept(call, arrived ? arrived->queue : QString());
            // The first place announcement after the queue's greeting, then at intervals.
            if (arrived && arrived->position && m_config.announcePositionSeconds > 0) {
                m_announceDue.insert(call, QDateTime::currentMSecsSinceEpoch() + 4000);
                m_announceTimer.start();
            }
        } else if (r.errorCode == QLatin1String("not_found")) {
            m_core.reject(call, 404, QStringLiteral("Not Found"));
        } else if (r.errorCode == QLatin1String("invalid_state")) {
            // joinEmpty "refuse": the caller hears the announcement, then the line ends.
            m_core.refuse(call, {});
        } else {
            qCWarning(lcSip) << "gw.arrive refused:" << r.errorCode << r.errorMessage;
            m_core.reject(call, 503, QStringLiteral("Service Unavailable"));
        }
    });
}

void SipGateway::callerGone(const QString &call)
{
    m_announceDue.remove(call);
    if (m_asking.contains(call)) {
        m_asking[call] = true;
        return;
    }
    if (!m_known.remove(call))
        return;
    send(proto::GwHangupRequest{call, proto::HangupSide::Caller}.toJson());
}

void SipGateway::phoneAnswered(const QString &call, const QString &agent)
{
    Q_UNUSED(agent)
    send(proto::GwAnsweredRequest{call}.toJson());
}

void SipGateway::phoneGone(const QString &call, const QString &agent)
{
    Q_UNUSED(agent)
    if (!m_known.contains(call))
        return;
    send(proto::GwHangupRequest{call, proto::HangupSide::Agent}.toJson());
}

void SipGateway::consultGone(const QString &call)
{
    if (m_known.contains(call))
        send(proto::GwHangupRequest{call, proto::HangupSide::Consult}.toJson());
}

void SipGateway::ringFailed(const QString &call, const QString &agent, const QString &cause)
{
    send(proto::GwRingFailedRequest{call, agent, cause}.toJson());
}

void SipGateway::digits(const QString &call, const QString &digits)
{
    if (!m_known.contains(call))
        return;
    send(proto::GwDigitsRequest{call, digits}.toJson());
}

// --- server -> phones ------------------------------------------------------------------

void SipGateway::onEvent(const proto::ServerMessage &event)
{
    if (const auto *snapshot = std::get_if<proto::SnapshotEvent>(&event)) {
        // After a (re)login: the server's live calls of this gateway are the truth. Ours that
        // it forgot end on the phones; its calls that we do not hold (this gateway restarted)
        // end in the server with the caller's hang-up, so no record stays open.
        QStringList live;
        for (const proto::Call &c : snapshot->calls.value_or(QList<proto::Call>())) {
            live.append(c.id);
            if (!m_known.contains(c.id) && !m_asking.contains(c.id)) {
                m_known.insert(c.id);
                callerGone(c.id);
            }
        }
        for (auto it = m_known.begin(); it != m_known.end();)
            it = live.contains(*it) ? std::next(it) : m_known.erase(it);
        m_core.keepOnly(live);
        Q_EMIT online();
    } else if (const auto *ring = std::get_if<proto::GwRingEvent>(&event)) {
        bool appAnswer = false;
        const QString uri = stationUri(ring->station, &appAnswer);
        if (!uri.isEmpty() && !appAnswer)
            m_core.ring(ring->call, ring->agent, uri, false);
    } else if (const auto *cancel = std::get_if<proto::GwCancelEvent>(&event)) {
        m_core.cancel(cancel->call);
    } else if (const auto *consult = std::get_if<proto::GwConsultEvent>(&event)) {
        if (consult->agent.isEmpty()) {
            const QString uri = numberUri(consult->number);
            if (uri.isEmpty()) {
                qCWarning(lcSip) << "cannot consult" << consult->number << "(no trunk)";
                send(proto::GwHangupRequest{consult->call, proto::HangupSide::Consult}.toJson());
                return;
            }
            m_core.consult(consult->call, {}, {}, uri);
        } else {
            m_core.consult(consult->call, consult->agent, stationUri(consult->station), {});
        }
    } else if (const auto *complete = std::get_if<proto::GwCompleteEvent>(&event)) {
        const bool number = complete->agent.isEmpty();
        if (number)
            m_known.remove(complete->call); // the server forgets it; the phones end it
        m_core.complete(complete->call, number);
    } else if (const auto *end = std::get_if<proto::GwConsultEndEvent>(&event)) {
        m_core.consultEnd(end->call);
    } else if (const auto *conference = std::get_if<proto::GwConferenceEvent>(&event)) {
        m_core.conference(conference->call);
    } else if (const auto *bridge = std::get_if<proto::GwBridgeEvent>(&event)) {
        m_core.bridge(bridge->call, bridge->agent, stationUri(bridge->station));
    } else if (const auto *release = std::get_if<proto::GwReleaseEvent>(&event)) {
        m_core.release(release->call, release->agent);
    } else if (const auto *drop = std::get_if<proto::GwDropEvent>(&event)) {
        m_known.remove(drop->call);
        m_core.drop(drop->call);
    } else if (const auto *hold = std::get_if<proto::GwHoldEvent>(&event)) {
        m_core.hold(hold->call, true);
    } else if (const auto *resume = std::get_if<proto::GwResumeEvent>(&event)) {
        m_core.hold(resume->call, false);
    } else if (const auto *mute = std::get_if<proto::GwMuteEvent>(&event)) {
        m_core.mute(mute->call, true);
    } else if (const auto *unmute = std::get_if<proto::GwUnmuteEvent>(&event)) {
        m_core.mute(unmute->call, false);
    } else if (const auto *dtmf = std::get_if<proto::GwDtmfEvent>(&event)) {
        m_core.dtmf(dtmf->call, dtmf->digits);
    } else if (const auto *transfer = std::get_if<proto::GwTransferEvent>(&event)) {
        m_known.remove(transfer->call); // the server forgets it; the phones end it
        const QString uri = numberUri(transfer->number);
        if (uri.isEmpty())
            m_core.drop(transfer->call);
        else
            m_core.transfer(transfer->call, uri);
    } else if (const auto *queued = std::get_if<proto::GwCallbackQueuedEvent>(&event)) {
        // The caller will be called back: "we will call you back", then its line ends; the
        // server keeps the call in line and sends gw.dial when an agent takes it.
        m_known.remove(queued->call);
        m_announceDue.remove(queued->call);
        m_core.leave(queued->call, spoken({QStringLiteral("callback_confirm")}));
    } else if (const auto *exit = std::get_if<proto::GwExitEvent>(&event)) {
        // Closed or waited too long: forward where the queue says, else say why and end.
        m_known.remove(exit->call);
        m_announceDue.remove(exit->call);
        const QString uri = numberUri(exit->number);
        if (uri.isEmpty())
            m_core.leave(exit->call, spoken({exit->cause == QLatin1String("closed")
                                                 ? QStringLiteral("closed")
                                                 : QStringLiteral("max_wait")}));
        else
            m_core.transfer(exit->call, uri);
    } else if (const auto *dial = std::get_if<proto::GwDialEvent>(&event)) {
        const QString agentUri = stationUri(dial->station);
        const QString uri = numberUri(dial->number);
        if (agentUri.isEmpty() || uri.isEmpty()) {
            qCWarning(lcSip) << "cannot dial" << dial->number << "for" << dial->agent
                             << "(no station or no trunk)";
            send(proto::GwHangupRequest{dial->call, proto::HangupSide::Caller}.toJson());
            return;
        }
        m_known.insert(dial->call);
        m_core.dial(dial->call, dial->agent, agentUri, uri);
    }
}

Prompt SipGateway::spoken(const QStringList &names)
{
    auto out = std::make_shared<QVector<qint16>>();
    for (const QString &name : names) {
        Prompt p = m_prompts.value(name);
        if (!p) {
            auto samples = std::make_shared<QVector<qint16>>();
            const QString path =
                QStringLiteral(":/acdesk/prompts/%1/%2.wav").arg(m_config.language, name);
            const QString why = server::readPromptWav(path, samples.get());
            if (!why.isEmpty()) {
                qCWarning(lcSip) << "prompt" << path << why;
                continue;
            }
            m_prompts.insert(name, p = samples);
        }
        if (!out->isEmpty())
            out->append(QVector<qint16>(1200, 0)); // 150 ms between the parts
        out->append(*p);
    }
    return out;
}

Prompt SipGateway::placePrompt(const proto::GwArriveResult &place)
{
    const auto number = [](int n) {
        return QStringLiteral("n%1").arg(n);
    };
    QStringList parts;
    const int position = place.position.value_or(0);
    if (position <= 20)
        parts << QStringLiteral("position") << number(position) << QStringLiteral("in_queue");
    else
        parts << QStringLiteral("position_more");
    if (place.ewtSeconds) {
        const int minutes = int(std::lround(*place.ewtSeconds / 60.0));
        parts << QStringLiteral("wait");
        if (*place.ewtSeconds < 60)
            parts << QStringLiteral("wait_under");
        else if (minutes <= 1)
            parts << QStringLiteral("wait_one");
        else if (minutes <= 20)
            parts << QStringLiteral("wait_about") << number(minutes) << QStringLiteral("minutes");
        else
            parts << QStringLiteral("wait_long");
    }
    const QString key = place.callbackKey;
    if (key.size() == 1) {
        parts << QStringLiteral("callback_offer")
              << (key == QLatin1String("*")   ? QStringLiteral("key_star")
                  : key == QLatin1String("#") ? QStringLiteral("key_hash")
                                              : number(key.toInt()));
    }
    return spoken(parts);
}

void SipGateway::announcePlaces()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QStringList due;
    for (auto it = m_announceDue.begin(); it != m_announceDue.end(); ++it) {
        if (it.value() <= now) {
            it.value() = now + qint64(m_config.announcePositionSeconds) * 1000;
            due.append(it.key());
        }
    }
    // Asked after the walk: an offline connection answers at once, and the answer changes
    // m_announceDue.
    for (const QString &call : qAsConst(due)) {
        m_connection->request(
            proto::GwPositionRequest{call}.toJson(),
            [this, call](const client::ClientConnection::Reply &r) {
                auto result = proto::GwArriveResult::fromJson(r.result);
                const auto *place = std::get_if<proto::GwArriveResult>(&result);
                if (!r.ok() || !place || place->position.value_or(0) <= 0) {
                    m_announceDue.remove(call); // with an agent, or gone: no more places
                    return;
                }
                qCInfo(lcSip) << "announcing place" << *place->position << "to" << call;
                m_core.announce(call, placePrompt(*place));
            });
    }
    if (m_announceDue.isEmpty())
        m_announceTimer.stop();
}

QString SipGateway::stationUri(const QString &station, bool *appAnswer) const
{
    if (appAnswer)
        *appAnswer = false;
    if (station.isEmpty())
        return {};
    if (station.startsWith(QLatin1String("sip:"))) {
        // ";answer=app": a headset user who answers in the client; the phone is called only
        // on call.accept, with auto-answer headers. The parameter is ours, not the phone's.
        QString uri = station;
        static const QString param = QStringLiteral(";answer=app");
        if (uri.contains(param)) {
            uri.remove(param);
            if (appAnswer)
                *appAnswer = true;
        }
        return uri;
    }
    // A softphone registered with Acdesk under this name, else an extension of the PBX
    // behind the trunk.
    const QString registered = m_core.registeredContact(station);
    return registered.isEmpty() ? numberUri(station) : registered;
}

QString SipGateway::numberUri(const QString &number) const
{
    if (number.startsWith(QLatin1String("sip:")))
        return number;
    if (m_config.trunk.isEmpty() || number.isEmpty())
        return {};
    QString clean = number;
    clean.remove(QRegularExpression(QStringLiteral("[^0-9A-Za-z+*#._-]")));
    return QStringLiteral("sip:%1@%2").arg(clean, m_config.trunk.mid(4));
}

QByteArray SipGateway::metricsText() const
{
    const CoreMetrics &m = m_core.metrics();
    QByteArray out;
    auto metric = [&out](const char *name, const char *type, const char *help) {
        out += QByteArray("# HELP acdesk_") + name + ' ' + help + "\n# TYPE acdesk_" + name + ' ' +
               type + '\n';
    };
    auto value = [&out](const char *name, const char *labels, double v) {
        out += QByteArray("acdesk_") + name + labels + ' ' + QByteArray::number(v, 'g', 15) + '\n';
    };
    metric("sip_calls", "gauge", "SIP calls held by the gateway, by state.");
    value("sip_calls", "{state=\"waiting\"}", m.waiting);
    value("sip_calls", "{state=\"bridged\"}", m.bridged);
    value("sip_calls", "{state=\"held\"}", m.held);
    metric("sip_agent_legs_ringing", "gauge", "Agent phones ringing.");
    value("sip_agent_legs_ringing", "", m.ringing);
    metric("sip_invites_total", "counter", "INVITEs received.");
    value("sip_invites_total", "", double(m.invites));
    metric("sip_invites_rejected_total", "counter", "INVITEs answered with an error.");
    value("sip_invites_rejected_total", "", double(m.invitesRejected));
    metric("sip_phones_registered", "gauge", "Softphones registered with Acdesk.");
    value("sip_phones_registered", "", m.registered);
    metric("rtp_packets_relayed_total", "counter", "RTP packets relayed between legs.");
    value("rtp_packets_relayed_total", "{direction=\"caller_to_agent\"}", double(m.packetsToAgent));
    value("rtp_packets_relayed_total", "{direction=\"agent_to_caller\"}",
          double(m.packetsToCaller));
    metric("rtp_packets_lost_total", "counter", "RTP packets missing (sequence gaps).");
    value("rtp_packets_lost_total", "{direction=\"from_caller\"}", double(m.lostFromCaller));
    value("rtp_packets_lost_total", "{direction=\"from_agent\"}", double(m.lostFromAgent));
    metric("rtp_jitter_seconds", "gauge", "Interarrival jitter (RFC 3550), worst live leg.");
    value("rtp_jitter_seconds", "{direction=\"from_caller\"}", m.jitterFromCallerUs / 1e6);
    value("rtp_jitter_seconds", "{direction=\"from_agent\"}", m.jitterFromAgentUs / 1e6);
    return out;
}

} // namespace acdesk::sip
