#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QThread>
#include <QUrl>
#include <QVariantList>
#include <QVariantMap>

#ifdef ACDESK_NO_QML
#define QML_ELEMENT
#else
#include <QtQml/qqmlregistration.h>
#endif

#include <atomic>
#include <functional>
#include <memory>

namespace acdesk::client {

/** @brief One step of a diagnosis: passed or failed, a sentence for people and the fix. */
struct DoctorStep
{
    /** Stable id: url, resolve, tcp, proxy, tls, upgrade, subprotocol, hello, rtt, twin. */
    QString step;
    bool ok = false;
    QString detail;
    QString fix; // empty when there is nothing to do
    qint64 ms = 0;
};

/** @brief What to diagnose and how. */
struct DoctorOptions
{
    QUrl url;
    /** An explicit HTTP proxy (http://[user:pass@]host:port); "none" means direct. Empty:
     *  the system's proxy (http_proxy, https_proxy, no_proxy). */
    QString proxy;
    QString caFile; // extra trusted CA certificates (PEM)
    int timeoutMs = 5000;
    int wssPort = 443;
    bool tryTwin = true; // for ws:// also try wss:// on wssPort
};

/**
 * @brief The connection doctor: checks step by step whether a WebSocket connection to an
 * Acdesk server works (name resolution, TCP, proxy CONNECT, TLS, the HTTP upgrade, the
 * subprotocol, the server's hello, a ping round trip) and says for each failure what is
 * wrong and how to fix it.
 *
 * The steps talk HTTP and WebSocket by hand on blocking sockets, so that the doctor sees
 * exactly what a firewall or proxy answered; QML and widgets use start(), which runs them
 * in a worker thread; the command line calls diagnose() directly.
 */
class ConnectionDoctor : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool running READ running NOTIFY runningChanged)
    Q_PROPERTY(bool passed READ passed NOTIFY stepsChanged)
    Q_PROPERTY(QVariantList steps READ steps NOTIFY stepsChanged)
    Q_PROPERTY(
        int timeoutSeconds READ timeoutSeconds WRITE setTimeoutSeconds NOTIFY timeoutSecondsChanged)
public:
    explicit ConnectionDoctor(QObject *parent = nullptr);
    ~ConnectionDoctor() override;

    /** @brief Runs every step on blocking sockets in the calling thread. */
    static QList<DoctorStep> diagnose(const DoctorOptions &options,
                                      const std::function<void(const DoctorStep &)> &onStep = {},
                                      const std::atomic<bool> *cancel = nullptr);
    /** @brief A step as a map {step, ok, detail, fix, ms} (for QML and JSON). */
    static QVariantMap toVariant(const DoctorStep &step);
    /** @brief The translated title of a step id ("tcp" → "TCP connect"). */
    static QString title(const QString &step);

    /** @brief Starts a diagnosis in a worker thread; ignored while one runs. */
    Q_INVOKABLE void start(const QString &url, const QString &proxy = {},
                           const QString &caFile = {});
    /** @brief Same with every option. */
    void startWith(const DoctorOptions &options);

    /** @brief True while a diagnosis runs. */
    bool running() const { return m_thread != nullptr; }
    /** @brief True when the last diagnosis finished and every step passed. */
    bool passed() const;
    /** @brief The steps so far, each a map {step, title, ok, detail, fix, ms}. */
    QVariantList steps() const;
    /** @brief Seconds each step may take (default 5). */
    int timeoutSeconds() const { return m_timeoutSeconds; }
    void setTimeoutSeconds(int seconds);

Q_SIGNALS:
    /** @brief A diagnosis started or ended. */
    void runningChanged();
    /** @brief A step was added or the list was cleared. */
    void stepsChanged();
    /** @brief The diagnosis ended; @p passed is true when every step passed. */
    void finished(bool passed);
    void timeoutSecondsChanged();

private:
    void addStep(const DoctorStep &step);
    void onThreadFinished();

    QList<DoctorStep> m_steps;
    QThread *m_thread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    int m_timeoutSeconds = 5;
    bool m_done = false;
};

} // namespace acdesk::client
