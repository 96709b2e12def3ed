#include "schedule.h"

#include <QDateTime>

#include <algorithm>

namespace acdesk::engine {

namespace {

bool holiday(const OpeningHours &h, const QDate &d)
{
    return h.dates.contains(d) || h.yearly.contains(std::make_pair(d.month(), d.day()));
}

// The instant of local minute @p minute of @p date; a wall time that a spring-forward
// skips maps to the first instant after the gap (QDateTime's rule), 1440 to next midnight.
qint64 instant(const QDate &date, int minute, const QTimeZone &tz)
{
    if (minute >= 1440)
        return QDateTime(date.addDays(1), QTime(0, 0), tz).toMSecsSinceEpoch();
    return QDateTime(date, QTime(minute / 60, minute % 60), tz).toMSecsSinceEpoch();
}

} // namespace

bool OpeningHours::openAt(qint64 ms, const QTimeZone &tz) const
{
    if (!limited)
        return true;
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(ms, tz);
    const QDate date = local.date();
    if (holiday(*this, date))
        return false;
    const QTime t = local.time();
    const int minute = t.hour() * 60 + t.minute();
    for (const OpenInterval &i : week[std::size_t(date.dayOfWeek() - 1)])
        if (minute >= i.fromMinute && minute < i.toMinute)
            return true;
    return false;
}

qint64 OpeningHours::nextChange(qint64 ms, const QTimeZone &tz) const
{
    if (!limited)
        return -1;
    const bool now = openAt(ms, tz);
    const QDate today = QDateTime::fromMSecsSinceEpoch(ms, tz).date();
    // Every change happens at an interval's edge or at a midnight (holidays); the first
    // candidate after ms where the state differs is the change. Candidates are checked in
    // time order day by day, so the scan stops at the first day that has one.
    for (int d = 0; d <= 366; ++d) {
        const QDate date = today.addDays(d);
        QList<qint64> candidates{instant(date, 0, tz)};
        for (const OpenInterval &i : week[std::size_t(date.dayOfWeek() - 1)]) {
            candidates << instant(date, i.fromMinute, tz) << instant(date, i.toMinute, tz);
        }
        std::sort(candidates.begin(), candidates.end());
        for (qint64 c : candidates)
            if (c > ms && openAt(c, tz) != now)
                return c;
    }
    return -1;
}

} // namespace acdesk::engine
