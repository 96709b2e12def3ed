#include "screenpop.h"

#include "types.h"

#include <QUrl>

#include <cmath>

namespace acdesk::engine {

namespace {

const QString kData = QStringLiteral("data.");

bool knownName(const QString &name)
{
    static const QStringList names{QStringLiteral("call.id"),      QStringLiteral("caller.number"),
                                   QStringLiteral("caller.name"),  QStringLiteral("hotline.number"),
                                   QStringLiteral("hotline.name"), QStringLiteral("queue"),
                                   QStringLiteral("agent")};
    if (names.contains(name))
        return true;
    return name.startsWith(kData) && name.size() > kData.size() && !name.endsWith(u'.') &&
           !name.contains(QStringLiteral(".."));
}

// A data value as text: strings as they are, numbers and booleans as JSON writes them.
QString dataText(const QVariantMap &data, const QString &path)
{
    const QStringList keys = path.split(u'.');
    QVariant v = QVariant(data);
    for (const QString &k : keys) {
        if (v.typeId() != QMetaType::QVariantMap)
            return {};
        v = v.toMap().value(k);
    }
    switch (v.typeId()) {
    case QMetaType::QString:
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
        return v.toString();
    case QMetaType::Double: {
        const double d = v.toDouble();
        // Whole numbers as JSON shows them (12345, not 12345.0 or 1.2345e+04).
        if (d == std::floor(d) && std::abs(d) < 9007199254740992.0)
            return QString::number(qint64(d));
        return QString::number(d, 'g', 17);
    }
    default:
        return {};
    }
}

QString valueOf(const QString &name, const Call &c)
{
    if (name == QLatin1String("call.id"))
        return c.id;
    if (name == QLatin1String("caller.number"))
        return c.callerNumber;
    if (name == QLatin1String("caller.name"))
        return c.callerName;
    if (name == QLatin1String("hotline.number"))
        return c.hotlineNumber;
    if (name == QLatin1String("hotline.name"))
        return c.hotlineName;
    if (name == QLatin1String("queue"))
        return c.queue;
    if (name == QLatin1String("agent"))
        return c.agent;
    return dataText(c.data, name.mid(kData.size()));
}

} // namespace

QString screenPopOpenName(ScreenPopOpen open)
{
    switch (open) {
    case ScreenPopOpen::Offer:
        return QStringLiteral("offer");
    case ScreenPopOpen::Manual:
        return QStringLiteral("manual");
    case ScreenPopOpen::Accept:
        break;
    }
    return QStringLiteral("accept");
}

std::optional<ScreenPopOpen> screenPopOpenFromName(const QString &name)
{
    for (ScreenPopOpen o : {ScreenPopOpen::Accept, ScreenPopOpen::Offer, ScreenPopOpen::Manual})
        if (screenPopOpenName(o) == name)
            return o;
    return std::nullopt;
}

QString screenPopTemplateError(const QString &url)
{
    const bool https = url.startsWith(QLatin1String("https://"));
    if (!https && !url.startsWith(QLatin1String("http://")))
        return QStringLiteral("must start with http:// or https://");
    const qsizetype hostStart = https ? 8 : 7;
    qsizetype hostEnd = hostStart;
    while (hostEnd < url.size() && !QStringLiteral("/?#").contains(url.at(hostEnd)))
        ++hostEnd;
    if (url.mid(hostStart, hostEnd - hostStart).contains(u'{'))
        return QStringLiteral("the host must be written out, not a placeholder");
    QString probe; // the template with every placeholder as "x", for QUrl's check
    for (qsizetype i = 0; i < url.size(); ++i) {
        if (url.at(i) == u'}')
            return QStringLiteral("\"}\" without \"{\" at character %1").arg(i + 1);
        if (url.at(i) != u'{') {
            probe.append(url.at(i));
            continue;
        }
        const qsizetype end = url.indexOf(u'}', i);
        if (end < 0)
            return QStringLiteral("\"{\" without \"}\" at character %1").arg(i + 1);
        const QString name = url.mid(i + 1, end - i - 1);
        if (!knownName(name))
            return QStringLiteral("unknown placeholder {%1} (known: {call.id}, {caller.number}, "
                                  "{caller.name}, {hotline.number}, {hotline.name}, {queue}, "
                                  "{agent}, {data.KEY})")
                .arg(name);
        probe.append(u'x');
        i = end;
    }
    const QUrl parsed(probe, QUrl::StrictMode);
    if (!parsed.isValid() || parsed.host().isEmpty())
        return QStringLiteral("is not a valid URL: %1").arg(parsed.errorString());
    return {};
}

QString expandScreenPop(const QString &url, const Call &call)
{
    QString out;
    out.reserve(url.size() + 32);
    for (qsizetype i = 0; i < url.size(); ++i) {
        const qsizetype end = url.at(i) == u'{' ? url.indexOf(u'}', i) : -1;
        if (end < 0) {
            out.append(url.at(i));
            continue;
        }
        // One pass: a value that itself contains "{caller.number}" stays text.
        out.append(QString::fromLatin1(
            QUrl::toPercentEncoding(valueOf(url.mid(i + 1, end - i - 1), call))));
        i = end;
    }
    return out;
}

} // namespace acdesk::engine
