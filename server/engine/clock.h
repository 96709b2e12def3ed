#pragma once

#include <QtGlobal>

namespace acdesk::engine {

/** @brief Source of wall-clock time for the engine (ms since the Unix epoch, UTC). */
class Clock
{
public:
    /** @brief Virtual destructor: clocks are used through this interface. */
    virtual ~Clock();
    /** @brief Current time in ms since the Unix epoch, UTC. */
    virtual qint64 nowMs() const = 0;
};

/** @brief The real clock (QDateTime::currentMSecsSinceEpoch). */
class SystemClock : public Clock
{
public:
    /** @brief Current system time. */
    qint64 nowMs() const override;
};

/** @brief A clock that only moves when told to; tests run whole days with it in milliseconds. */
class ManualClock : public Clock
{
public:
    /** @brief Starts at the given time (ms since epoch). */
    explicit ManualClock(qint64 startMs = 0)
        : m_now(startMs)
    {}
    /** @brief The time set last. */
    qint64 nowMs() const override { return m_now; }
    /** @brief Jumps to an absolute time. */
    void setNow(qint64 ms) { m_now = ms; }
    /** @brief Moves the time forward by ms. */
    void advance(qint64 ms) { m_now += ms; }

private:
    qint64 m_now;
};

} // namespace acdesk::engine
