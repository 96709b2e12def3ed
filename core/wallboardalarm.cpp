#include "wallboardalarm.h"

#include <QRegularExpression>

namespace acdesk::client {

WallboardAlarm::WallboardAlarm(QObject *parent)
    : QObject(parent)
{
    m_sound.setSource(QUrl(QStringLiteral("qrc:/sounds/alert.wav")));
    m_sound.setVolume(0.7f);
}

void WallboardAlarm::setEnabled(bool on)
{
    if (on == m_enabled)
        return;
    m_enabled = on;
    Q_EMIT changed();
}

bool WallboardAlarm::setQuietHours(const QString &text)
{
    if (text.isEmpty()) {
        m_quietText.clear();
        m_quietFrom = m_quietTo = QTime();
        Q_EMIT changed();
        return true;
    }
    static const QRegularExpression re(QStringLiteral("^(\\d\\d:\\d\\d)-(\\d\\d:\\d\\d)$"));
    const QRegularExpressionMatch m = re.match(text);
    const QTime from = QTime::fromString(m.captured(1), QStringLiteral("HH:mm"));
    const QTime to = QTime::fromString(m.captured(2), QStringLiteral("HH:mm"));
    if (!m.hasMatch() || !from.isValid() || !to.isValid() || from == to)
        return false;
    m_quietText = text;
    m_quietFrom = from;
    m_quietTo = to;
    Q_EMIT changed();
    return true;
}

void WallboardAlarm::setVolume(double volume)
{
    m_sound.setVolume(float(qBound(0.0, volume, 1.0)));
    Q_EMIT changed();
}

bool WallboardAlarm::quietAt(const QTime &at) const
{
    if (!m_quietFrom.isValid())
        return false;
    if (m_quietFrom < m_quietTo)
        return at >= m_quietFrom && at < m_quietTo;
    return at >= m_quietFrom || at < m_quietTo; // across midnight
}

bool WallboardAlarm::queueTurnedRed(const QString &)
{
    if (!m_enabled || quietAt(QTime::currentTime()))
        return false;
    // A second queue turning red while it sounds does not restart it: one alert at a time.
    if (!m_sound.isPlaying())
        m_sound.play();
    ++m_sounded;
    Q_EMIT soundedChanged();
    return true;
}

} // namespace acdesk::client
