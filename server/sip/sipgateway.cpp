#include "sipgateway.h"

#include "clientconnection.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QRegularExpression>

Q_DECLARE_LOGGING_CATEGORY(lcSip)

namespace acdesk::sip {

namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

} // namespace

SipGateway::SipGateway(const server::SipConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_connection(new client::ClientConnection(this))
{
    connect(m_connection, &client::ClientConnection::eventReceived, this, &SipGateway::onEvent);
    connect(m_connection, &client::ClientConnection::loginFailed, this,
            [](const QString &message) { qCWarning(lcSip) << "gateway login failed:" << message; });
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
    QJsonObject caller{
        {QStringLiteral("number"), number.isEmpty() ? QStringLiteral("anonymous") : number}};
    if (!name.isEmpty())
        caller.insert(QStringLiteral("name"), name.left(256));
    const QJsonObject request{
        {QStringLiteral("type"), QStringLiteral("gw.arrive")},
        {QStringLiteral("call"), call},
        {QStringLiteral("dialed"), dialed},
        {QStringLiteral("caller"), caller},
        {QStringLiteral("data"), QJsonObject{{QStringLiteral("channel"), QStringLiteral("sip")}}}};
    m_connection->request(request, [this, call](const client::ClientConnection::Reply &r) {
        const bool gone = m_asking.take(call);
        if (r.ok()) {
            m_known.insert(call);
            if (gone) {
                callerGone(call); // hung up while the server was asked
                return;
            }
            m_core.accept(call, r.message.value(QLatin1String("queue")).toString());
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
    if (m_asking.contains(call)) {
        m_asking[call] = true;
        return;
    }
    if (!m_known.remove(call))
        return;
    send({{QStringLiteral("type"), QStringLiteral("gw.hangup")},
          {QStringLiteral("call"), call},
          {QStringLiteral("side"), QStringLiteral("caller")}});
}

void SipGateway::phoneAnswered(const QString &call, const QString &agent)
{
    Q_UNUSED(agent)
    send({{QStringLiteral("type"), QStringLiteral("gw.answered")}, {QStringLiteral("call"), call}});
}

void SipGateway::phoneGone(const QString &call, const QString &agent)
{
    Q_UNUSED(agent)
    if (!m_known.contains(call))
        return;
    send({{QStringLiteral("type"), QStringLiteral("gw.hangup")},
          {QStringLiteral("call"), call},
          {QStringLiteral("side"), QStringLiteral("agent")}});
}

void SipGateway::ringFailed(const QString &call, const QString &agent, const QString &cause)
{
    send({{QStringLiteral("type"), QStringLiteral("gw.ringFailed")},
          {QStringLiteral("call"), call},
          {QStringLiteral("agent"), agent},
          {QStringLiteral("cause"), cause}});
}

void SipGateway::digits(const QString &call, const QString &digits)
{
    if (!m_known.contains(call))
        return;
    send({{QStringLiteral("type"), QStringLiteral("gw.digits")},
          {QStringLiteral("call"), call},
          {QStringLiteral("digits"), digits}});
}

// --- server -> phones ------------------------------------------------------------------

void SipGateway::onEvent(const QString &type, const QJsonObject &e)
{
    const QString call = str(e, "call");
    if (type == QLatin1String("snapshot")) {
        // After a (re)login: the server's live calls of this gateway are the truth. Ours that
        // it forgot end on the phones; its calls that we do not hold (this gateway restarted)
        // end in the server with the caller's hang-up, so no record stays open.
        QStringList live;
        const QJsonArray calls = e.value(QLatin1String("calls")).toArray();
        for (const QJsonValue &v : calls) {
            const QString id = v.toObject().value(QLatin1String("id")).toString();
            live.append(id);
            if (!m_known.contains(id) && !m_asking.contains(id)) {
                m_known.insert(id);
                callerGone(id);
            }
        }
        for (auto it = m_known.begin(); it != m_known.end();)
            it = live.contains(*it) ? std::next(it) : m_known.erase(it);
        m_core.keepOnly(live);
        Q_EMIT online();
    } else if (type == QLatin1String("gw.ring")) {
        bool appAnswer = false;
        const QString uri = stationUri(str(e, "station"), &appAnswer);
        if (!uri.isEmpty() && !appAnswer)
            m_core.ring(call, str(e, "agent"), uri, false);
    } else if (type == QLatin1String("gw.cancel")) {
        m_core.cancel(call);
    } else if (type == QLatin1String("gw.bridge")) {
        m_core.bridge(call, str(e, "agent"), stationUri(str(e, "station")));
    } else if (type == QLatin1String("gw.release")) {
        m_core.release(call, str(e, "agent"));
    } else if (type == QLatin1String("gw.drop")) {
        m_known.remove(call);
        m_core.drop(call);
    } else if (type == QLatin1String("gw.hold") || type == QLatin1String("gw.resume")) {
        m_core.hold(call, type == QLatin1String("gw.hold"));
    } else if (type == QLatin1String("gw.mute") || type == QLatin1String("gw.unmute")) {
        m_core.mute(call, type == QLatin1String("gw.mute"));
    } else if (type == QLatin1String("gw.dtmf")) {
        m_core.dtmf(call, str(e, "digits"));
    } else if (type == QLatin1String("gw.transfer")) {
        m_known.remove(call); // the server forgets it; the phones end it
        const QString uri = numberUri(str(e, "number"));
        if (uri.isEmpty())
            m_core.drop(call);
        else
            m_core.transfer(call, uri);
    } else if (type == QLatin1String("gw.dial")) {
        const QString agentUri = stationUri(str(e, "station"));
        const QString uri = numberUri(str(e, "number"));
        if (agentUri.isEmpty() || uri.isEmpty()) {
            qCWarning(lcSip) << "cannot dial" << str(e, "number") << "for" << str(e, "agent")
                             << "(no station or no trunk)";
            send({{QStringLiteral("type"), QStringLiteral("gw.hangup")},
                  {QStringLiteral("call"), call},
                  {QStringLiteral("side"), QStringLiteral("caller")}});
            return;
        }
        m_known.insert(call);
        m_core.dial(call, str(e, "agent"), agentUri, uri);
    }
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
