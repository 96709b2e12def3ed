#pragma once

#include "config.h"
#include "protocol/results.h"
#include "protocol/servermessages.h"
#include "sipcore.h"

#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>

#include <memory>

namespace acdesk::client {
class ClientConnection;
}

namespace acdesk::sip {

/**
 * @brief The SIP gateway: a gateway client of the public WebSocket API (protocol section
 * 8) on one side, SipCore's phones on the other. It runs in-process beside `acdesk server`
 * when the config has a `sip` object, connected to its own server over loopback, or alone
 * as `acdesk sip-gateway` on another machine. Either way the server sees just a gateway:
 * gw.arrive / gw.answered / gw.hangup / gw.ringFailed / gw.digits in, gw.* events out.
 */
class SipGateway : public QObject, private CoreListener
{
    Q_OBJECT
public:
    explicit SipGateway(const server::SipConfig &config, QObject *parent = nullptr);
    ~SipGateway() override;

    /**
     * @brief Loads the prompts, binds SIP and logs in to @p server as gateway @p user.
     * False with @p error ("FILE: $.sip...: reason" for prompts) when it cannot start.
     */
    bool start(const QUrl &server, const QString &user, const QString &secret, QString *error);
    /**
     * @brief Where the gateway keeps its live dialogs (before start()): the ones a killed
     * run left are ended with BYE at the next start. Empty: not kept.
     */
    void setDialogJournal(const QString &path) { m_journal = path; }
    /** @brief Ends every call and logs out. */
    void stop();
    /** @brief "HOST:PORT" of SIP as bound. */
    QString boundAddress() const;
    /** @brief Prometheus lines for /metrics (acdesk_sip_*, acdesk_rtp_*). */
    QByteArray metricsText() const;
    /** @brief The WebSocket client (TLS settings, tests). */
    client::ClientConnection *connection() const { return m_connection; }

Q_SIGNALS:
    /** @brief Logged in to the server (again): calls are reconciled with its snapshot. */
    void online();

private:
    void incoming(const QString &call, const QString &dialed, const QString &number,
                  const QString &name) override;
    void callerGone(const QString &call) override;
    void phoneAnswered(const QString &call, const QString &agent) override;
    void phoneGone(const QString &call, const QString &agent) override;
    void ringFailed(const QString &call, const QString &agent, const QString &cause) override;
    void digits(const QString &call, const QString &digits) override;
    void consultGone(const QString &call) override;

    void onEvent(const proto::ServerMessage &event);
    void send(QJsonObject request);
    /** @brief A station as a SIP URI; @p appAnswer when it asked to ring only on accept. */
    QString stationUri(const QString &station, bool *appAnswer = nullptr) const;
    /** @brief An external number as a URI through the trunk (or a SIP URI as it is). */
    QString numberUri(const QString &number) const;
    /** @brief The spoken prompts @p names (resources/prompts/LANG/NAME.wav) in a row. */
    Prompt spoken(const QStringList &names);
    /** @brief "You are number N in the queue. Your estimated waiting time is ... To be
     * called back, press K." from a gw.arrive / gw.position result. */
    Prompt placePrompt(const proto::GwArriveResult &place);
    /** @brief Asks the server for the places of the callers due and announces them. */
    void announcePlaces();

    server::SipConfig m_config;
    QString m_journal;
    SipCore m_core;
    client::ClientConnection *m_connection = nullptr;
    QHash<QString, bool> m_asking;        // gw.arrive in flight -> caller already gone
    QSet<QString> m_known;                // calls the server holds for this gateway
    QHash<QString, Prompt> m_prompts;     // loaded spoken prompts by name
    QHash<QString, qint64> m_announceDue; // waiting caller -> next place announcement (ms)
    QTimer m_announceTimer;
};

} // namespace acdesk::sip
