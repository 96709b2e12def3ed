#pragma once

// Takes the place of the desktop's browser for https:// links (screen-pop): the real
// QDesktopServices::openUrl path, routed by setUrlHandler to this object, which records
// what was opened. Lives as long as a test needs it; list it in the test's SOURCES (moc).

#include <QDesktopServices>
#include <QObject>
#include <QStringList>
#include <QUrl>

class BrowserStandIn : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QStringList opened READ opened NOTIFY openedChanged)
public:
    explicit BrowserStandIn(QObject *parent = nullptr)
        : QObject(parent)
    {
        QDesktopServices::setUrlHandler(QStringLiteral("https"), this, "open");
    }
    ~BrowserStandIn() override { QDesktopServices::unsetUrlHandler(QStringLiteral("https")); }

    /** @brief Each URL asked for, fully encoded, in order. */
    QStringList opened() const { return m_opened; }
    void clear()
    {
        m_opened.clear();
        Q_EMIT openedChanged();
    }

Q_SIGNALS:
    void openedChanged();

public Q_SLOTS:
    void open(const QUrl &url)
    {
        m_opened.append(url.toString(QUrl::FullyEncoded));
        Q_EMIT openedChanged();
    }

private:
    QStringList m_opened;
};
