#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

namespace acdesk::server {

/**
 * @brief Password hashes as "pbkdf2-sha256$ITERATIONS$SALT$HASH" (base64 parts).
 *
 * PBKDF2 comes from Qt (QPasswordDigestor), so nothing hand-rolled touches secrets.
 */
namespace password {
/** @brief Default work factor for new hashes. */
constexpr int DefaultIterations = 60000;
/** @brief Hashes @p plain with a fresh random salt. */
QString hash(const QString &plain, int iterations = DefaultIterations);
/** @brief Whether @p encoded is a hash string this module understands. */
bool isHash(const QString &encoded);
/** @brief Constant-time check of @p plain against @p encoded. */
bool verify(const QString &plain, const QString &encoded);
} // namespace password

/** @brief Random session tokens; only their SHA-256 is ever stored. */
namespace token {
/** @brief 256 random bits from the system generator, base64url. */
QString generate();
/** @brief The hex SHA-256 under which a token is stored. */
QByteArray digest(const QString &token);
} // namespace token

/** @brief Compares two byte arrays without leaking where they differ. */
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

/**
 * @brief Slows down password guessing: after a few failures a user or address
 * must wait, doubling with each further failure (capped).
 */
class LoginThrottle
{
public:
    /** @brief Milliseconds until @p key may try again (0: now). */
    qint64 retryAfterMs(const QString &key, qint64 nowMs) const;
    /** @brief Records a failed attempt. */
    void failed(const QString &key, qint64 nowMs);
    /** @brief Forgets failures after a success. */
    void succeeded(const QString &key) { m_entries.remove(key); }

private:
    struct Entry
    {
        int failures = 0;
        qint64 blockedUntilMs = 0;
        qint64 lastFailureMs = 0;
    };
    QHash<QString, Entry> m_entries;
};

} // namespace acdesk::server
