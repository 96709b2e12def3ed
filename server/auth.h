#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

namespace acdesk::server {

/**
 * @brief Password hashes: Argon2id for every new one ("$argon2id$v=19$m=…,t=…,p=1$SALT$HASH",
 * libsodium's crypto_pwhash_str), and the older "pbkdf2-sha256$ITERATIONS$SALT$HASH"
 * (QPasswordDigestor), still accepted and upgraded at the next successful login. Nothing
 * hand-rolled touches secrets.
 */
namespace password {
/** @brief Work factors of new hashes: OWASP's Argon2id minimum (19 MiB, 2 passes, 1 lane). */
constexpr int Argon2MemoryKiB = 19456;
constexpr int Argon2Passes = 2;
/** @brief Work factor of PBKDF2 hashes made by older versions (and tests of the upgrade). */
constexpr int Pbkdf2Iterations = 60000;
/** @brief An Argon2id hash of @p plain with a fresh random salt. */
QString hash(const QString &plain);
/** @brief A PBKDF2 hash (the older format, for tests and tools). */
QString hashPbkdf2(const QString &plain, int iterations = Pbkdf2Iterations);
/**
 * @brief Whether @p encoded is a hash this module understands, with bounded work factors
 * (a hash from a config file must not make one login cost a gigabyte).
 */
bool isHash(const QString &encoded);
/** @brief Constant-time check of @p plain against @p encoded. */
bool verify(const QString &plain, const QString &encoded);
/** @brief True when @p encoded is not an Argon2id hash with today's work factors. */
bool needsUpgrade(const QString &encoded);
/**
 * @brief A plain secret from the config file against what was typed, in constant time:
 * both are hashed first, so the time depends neither on where nor whether they differ.
 */
bool matchesPlain(const QString &typed, const QString &plain);
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
