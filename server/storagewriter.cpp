#include "storagewriter.h"

#include <QLoggingCategory>
#include <QPointer>

namespace acdesk::server {

StorageWriter::StorageWriter(QObject *parent)
    : QObject(parent)
{}

StorageWriter::~StorageWriter()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join(); // run() writes what is queued before it returns
}

bool StorageWriter::open(const QString &dir, QString *error)
{
    m_thread = std::thread([this, dir] { run(dir); });
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return m_opened || !m_openError.isEmpty(); });
    if (!m_opened && error)
        *error = m_openError;
    return m_opened;
}

quint64 StorageWriter::submit(Batch batch)
{
    const quint64 ticket = ++m_submitted;
    {
        std::lock_guard lock(m_mutex);
        m_queue.emplace_back(ticket, std::move(batch));
    }
    m_wake.notify_one();
    return ticket;
}

void StorageWriter::setWritesHeld(bool held)
{
    {
        std::lock_guard lock(m_mutex);
        m_writesHeld = held;
    }
    m_wake.notify_all();
}

void StorageWriter::drain()
{
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return (m_queue.empty() && !m_busy) || !m_opened; });
}

void StorageWriter::run(QString dir)
{
    // The connection belongs to this thread (Qt SQL connections do not move).
    Storage storage;
    QString error;
    if (!storage.open(dir, &error)) {
        std::lock_guard lock(m_mutex);
        m_openError = error.isEmpty() ? QStringLiteral("cannot open the database") : error;
        m_idle.notify_all();
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        m_opened = true;
    }
    m_idle.notify_all();
    for (;;) {
        // Group commit: every batch queued by now goes into one transaction (one write of
        // the log and one lock instead of one per engine step; under load that is most of
        // the writer's cost).
        std::deque<std::pair<quint64, Batch>> next;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
            if (m_queue.empty())
                break; // stopping, and everything is written
            m_busy = true;
            m_wake.wait(lock, [this] { return !m_writesHeld || m_stop; });
            next.swap(m_queue);
        }
        storage.begin();
        for (const auto &[ticket, batch] : next) {
            for (const engine::CallRecord &r : batch.legs)
                storage.saveLeg(r);
            for (const StateLogEntry &s : batch.states)
                storage.logState(s);
        }
        const bool ok = storage.commit();
        const quint64 ticket = next.back().first;
        QMetaObject::invokeMethod(
            this,
            [this, ticket, ok] {
                m_durable = std::max(m_durable, ticket);
                m_healthy = ok;
                Q_EMIT written(ticket);
            },
            Qt::QueuedConnection);
        {
            std::lock_guard lock(m_mutex);
            m_busy = false;
        }
        m_idle.notify_all();
    }
    {
        std::lock_guard lock(m_mutex);
        m_opened = false;
    }
    m_idle.notify_all();
}

} // namespace acdesk::server
