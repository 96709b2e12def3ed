#pragma once

// Opening hours of a queue: weekly intervals in the configured time zone and holidays.
// Everything is computed from instants (ms since the epoch) through QTimeZone, so a
// change to or from daylight saving time needs no special case: "08:00-18:00" means the
// local wall clock on every day, however long that day is.

#include <QDate>
#include <QList>
#include <QTimeZone>

#include <array>
#include <optional>

namespace acdesk::engine {

/** @brief A day's open interval in minutes after local midnight: [from, to); to <= 1440. */
struct OpenInterval
{
    int fromMinute = 0;
    int toMinute = 0;
    bool operator==(const OpenInterval &o) const
    {
        return fromMinute == o.fromMinute && toMinute == o.toMinute;
    }
};

/**
 * @brief Weekly hours and holidays. A schedule that is not limited is open around the
 * clock (the default, as before opening hours existed). A holiday closes the whole local
 * day: one-off dates ("2026-12-24") and yearly ones ("12-25").
 */
struct OpeningHours
{
    bool limited = false;
    /** @brief Index 0 = Monday ... 6 = Sunday (Qt::DayOfWeek - 1); sorted, not overlapping. */
    std::array<QList<OpenInterval>, 7> week;
    QList<QDate> dates;
    /** @brief Yearly holidays as (month, day). */
    QList<std::pair<int, int>> yearly;

    /** @brief True when the queue is open at @p ms in time zone @p tz. */
    bool openAt(qint64 ms, const QTimeZone &tz) const;
    /**
     * @brief The first instant after @p ms at which openAt() changes, or -1 when it never
     * does (not limited, or closed or open on every day of the next year).
     */
    qint64 nextChange(qint64 ms, const QTimeZone &tz) const;
    bool operator==(const OpeningHours &o) const
    {
        return limited == o.limited && week == o.week && dates == o.dates && yearly == o.yearly;
    }
    bool operator!=(const OpeningHours &o) const { return !(*this == o); }
};

} // namespace acdesk::engine
