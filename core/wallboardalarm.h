#pragma once

#include <QObject>
#include <QSoundEffect>
#include <QTime>
#include <QtQml/qqmlregistration.h>

namespace acdesk::client {

/**
 * @brief The wallboard's short alert when a queue turns red: off unless switched on,
 * silent during quiet hours (e.g. "18:00-08:00", local time; across midnight allowed).
 * The tiles decide what red is (Theme.queueLevels); this only decides whether to sound.
 */
class WallboardAlarm : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool enabled READ enabled WRITE setEnabled NOTIFY changed)
    /** @brief "HH:MM-HH:MM" or empty (never quiet); anything else is refused (valid false). */
    Q_PROPERTY(QString quietHours READ quietHours WRITE setQuietHours NOTIFY changed)
    Q_PROPERTY(double volume READ volume WRITE setVolume NOTIFY changed)
    /** @brief Alerts sounded since start (for the tests and the status line). */
    Q_PROPERTY(int sounded READ sounded NOTIFY soundedChanged)
public:
    explicit WallboardAlarm(QObject *parent = nullptr);

    bool enabled() const { return m_enabled; }
    void setEnabled(bool on);
    QString quietHours() const { return m_quietText; }
    /** @brief False (and nothing changed) when @p text is not "HH:MM-HH:MM" or empty. */
    bool setQuietHours(const QString &text);
    double volume() const { return m_sound.volume(); }
    void setVolume(double volume);
    int sounded() const { return m_sounded; }

    /** @brief Whether @p at falls in the quiet hours. */
    bool quietAt(const QTime &at) const;
    /** @brief A queue turned red: sounds once unless off or quiet; true when it sounded. */
    Q_INVOKABLE bool queueTurnedRed(const QString &queue);

Q_SIGNALS:
    void changed();
    void soundedChanged();

private:
    QSoundEffect m_sound;
    bool m_enabled = false;
    QString m_quietText;
    QTime m_quietFrom;
    QTime m_quietTo;
    int m_sounded = 0;
};

} // namespace acdesk::client
