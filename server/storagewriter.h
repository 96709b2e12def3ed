#pragma once

#include "storage.h"

#include <QObject>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace acdesk::server {

/**
 * @brief Writes the engine's call-leg records and agent state log on a thread of its own,
 * on a database connection of its own, in the order they were submitted.
 *
 * The event loop hands over a batch per engine step and goes on: an offer never waits for
 * the disk. What must be durable before anyone sees it (a leg that was answered or ended,
 * and the statistics that count it) waits for written() instead (Server, "durable before
 * it counts", docs/architecture.md).
 */
class StorageWriter : public QObject
{
    Q_OBJECT
public:
    /** @brief The writes of one engine step. */
    struct Batch
    {
        std::vector<engine::CallRecord> legs;
        std::vector<StateLogEntry> states;
        bool empty() const { return legs.empty() && states.empty(); }
    };

    explicit StorageWriter(QObject *parent = nullptr);
    /** @brief Writes what is queued, then stops the thread. */
    ~StorageWriter() override;

    /**
     * @brief Opens DIR/acdesk.sqlite (already created and migrated by the server's own
     * connection) on the writer's thread; false with @p error on failure.
     */
    bool open(const QString &dir, QString *error);
    /** @brief Queues @p batch; returns its ticket (1, 2, ...). */
    quint64 submit(Batch batch);
    /** @brief The ticket of the last batch submitted (0: none). */
    quint64 submitted() const { return m_submitted; }
    /** @brief The ticket of the last batch written (as far as written() has told). */
    quint64 durable() const { return m_durable; }
    /** @brief Blocks until every submitted batch is written (shutdown). */
    void drain();
    /** @brief False after a batch failed, until one succeeds again. */
    bool healthy() const { return m_healthy; }
    /**
     * @brief Tests: a disk that does not answer. While held, the writer waits before each
     * batch (outside any transaction), as long as a write to a stalled disk would.
     */
    void setWritesHeld(bool held);

Q_SIGNALS:
    /** @brief Batches up to @p ticket are committed (or failed, logged by Storage). */
    void written(quint64 ticket);

private:
    void run(QString dir);

    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    std::deque<std::pair<quint64, Batch>> m_queue; // guarded by m_mutex
    bool m_stop = false;                           // guarded by m_mutex
    bool m_busy = false;                           // guarded by m_mutex
    bool m_opened = false;                         // guarded by m_mutex
    QString m_openError;                           // guarded by m_mutex
    bool m_writesHeld = false;                     // guarded by m_mutex
    quint64 m_submitted = 0;                       // event loop only
    quint64 m_durable = 0;                         // event loop only
    bool m_healthy = true;                         // event loop only
};

} // namespace acdesk::server
