#include "auth.h"

#include <QCryptographicHash>
#include <QPasswordDigestor>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStringList>

#include <sodium.h>

#include <optional>

namespace acdesk::server {

namespace {
constexpr int KeyBytes = 32;
constexpr QByteArray::Base64Options B64 = QByteArray::Base64Encoding;

QByteArray randomBytes(int count)
{
    QByteArray out(count, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(out.data()),
                                         reinterpret_cast<quint32 *>(out.data() + count));
    return out;
}

QByteArray derive(const QString &plain, const QByteArray &salt, int iterations)
{
    return QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, plain.toUtf8(), salt,
                                              iterations, KeyBytes);
}
} // namespace

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

namespace password {

namespace {

bool sodiumReady()
{
    static const bool ready = sodium_init() >= 0; // thread-safe, idempotent
    return ready;
}

// The parameters of an Argon2id string, or nothing when it is not one.
struct Argon2Params
{
    qint64 memoryKiB = 0;
    qint64 passes = 0;
};

std::optional<Argon2Params> argon2Params(const QString &encoded)
{
    static const QRegularExpression re(
        QStringLiteral("^\\$argon2id\\$v=19\\$m=(\\d{1,9}),t=(\\d{1,4}),p=1\\$[A-Za-z0-9+/"
                       "]{11,}\\$[A-Za-z0-9+/]{16,}$"));
    const QRegularExpressionMatch m = re.match(encoded);
    if (!m.hasMatch() || encoded.size() >= int(crypto_pwhash_STRBYTES))
        return std::nullopt;
    return Argon2Params{m.captured(1).toLongLong(), m.captured(2).toLongLong()};
}

bool isPbkdf2(const QString &encoded)
{
    const QStringList parts = encoded.split(QLatin1Char('$'));
    bool ok = false;
    return parts.size() == 4 && parts[0] == QLatin1String("pbkdf2-sha256") &&
           parts[1].toInt(&ok) > 0 && ok && parts[1].toInt() <= 10'000'000 && !parts[2].isEmpty() &&
           QByteArray::fromBase64(parts[3].toLatin1()).size() == KeyBytes;
}

} // namespace

QString hash(const QString &plain)
{
    const QByteArray utf8 = plain.toUtf8();
    char out[crypto_pwhash_STRBYTES];
    if (!sodiumReady() ||
        crypto_pwhash_str_alg(out, utf8.constData(), quint64(utf8.size()), Argon2Passes,
                              size_t(Argon2MemoryKiB) * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return {}; // out of memory: no hash, so nothing verifies against it
    return QString::fromLatin1(out);
}

QString hashPbkdf2(const QString &plain, int iterations)
{
    const QByteArray salt = randomBytes(16);
    return QStringLiteral("pbkdf2-sha256$%1$%2$%3")
        .arg(iterations)
        .arg(QString::fromLatin1(salt.toBase64(B64)),
             QString::fromLatin1(derive(plain, salt, iterations).toBase64(B64)));
}

bool isHash(const QString &encoded)
{
    if (isPbkdf2(encoded))
        return true;
    const auto p = argon2Params(encoded);
    // Up to 256 MiB and 16 passes: generous for any real policy, bounded for a login.
    return p && p->memoryKiB >= 8 && p->memoryKiB <= 262144 && p->passes >= 1 && p->passes <= 16;
}

bool matchesPlain(const QString &typed, const QString &plain)
{
    return constantTimeEquals(QCryptographicHash::hash(typed.toUtf8(), QCryptographicHash::Sha256),
                              QCryptographicHash::hash(plain.toUtf8(), QCryptographicHash::Sha256));
}

bool verify(const QString &plain, const QString &encoded)
{
    if (!isHash(encoded))
        return false;
    if (encoded.startsWith(QLatin1Char('$'))) {
        const QByteArray utf8 = plain.toUtf8();
        const QByteArray str = encoded.toLatin1();
        return sodiumReady() && crypto_pwhash_str_verify(str.constData(), utf8.constData(),
                                                         quint64(utf8.size())) == 0;
    }
    const QStringList parts = encoded.split(QLatin1Char('$'));
    const QByteArray salt = QByteArray::fromBase64(parts[2].toLatin1());
    const QByteArray expected = QByteArray::fromBase64(parts[3].toLatin1());
    return constantTimeEquals(derive(plain, salt, parts[1].toInt()), expected);
}

bool needsUpgrade(const QString &encoded)
{
    const auto p = argon2Params(encoded);
    return !p || p->memoryKiB != Argon2MemoryKiB || p->passes != Argon2Passes;
}

} // namespace password

namespace token {

QString generate()
{
    return QString::fromLatin1(
        randomBytes(32).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QByteArray digest(const QString &tokenText)
{
    return QCryptographicHash::hash(tokenText.toUtf8(), QCryptographicHash::Sha256).toHex();
}

} // namespace token

namespace {
constexpr int FreeFailures = 5;
constexpr qint64 BaseDelayMs = 1000;
constexpr qint64 MaxDelayMs = 5 * 60 * 1000;
constexpr qint64 ForgetAfterMs = 15 * 60 * 1000;
} // namespace

qint64 LoginThrottle::retryAfterMs(const QString &key, qint64 nowMs) const
{
    const auto it = m_entries.constFind(key);
    if (it == m_entries.cend())
        return 0;
    return qMax<qint64>(0, it->blockedUntilMs - nowMs);
}

void LoginThrottle::failed(const QString &key, qint64 nowMs)
{
    Entry &e = m_entries[key];
    if (nowMs - e.lastFailureMs > ForgetAfterMs)
        e.failures = 0;
    e.lastFailureMs = nowMs;
    ++e.failures;
    if (e.failures >= FreeFailures) {
        const int doublings = qMin(e.failures - FreeFailures, 20);
        e.blockedUntilMs = nowMs + qMin(MaxDelayMs, BaseDelayMs << doublings);
    }
    // Bounded memory under a spray of random user names.
    if (m_entries.size() > 100000) {
        for (auto i = m_entries.begin(); i != m_entries.end();)
            i = (nowMs - i->lastFailureMs > ForgetAfterMs) ? m_entries.erase(i) : std::next(i);
    }
}

} // namespace acdesk::server
