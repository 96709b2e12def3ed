#pragma once

// Audio of the SIP gateway: the built-in prompts and G.711 conversion. Everything is
// 8 kHz mono 16-bit, the rate of G.711, so no resampling is ever needed.

#include <QVector>

#include <cstdint>
#include <memory>

namespace acdesk::sip {

/** @brief A prompt: 8 kHz mono samples, shared read-only between calls. */
using Prompt = std::shared_ptr<const QVector<qint16>>;

/** @brief The built-in announcement: a three-note chime (E5, C5, G4), about 1.6 s. */
Prompt builtInAnnouncement();
/**
 * @brief The built-in music on hold: a soft arpeggio over C, A minor, F and G (about 8 s,
 * loops seamlessly); it starts with C4 (261.63 Hz), which tests listen for.
 */
Prompt builtInMusic();

/** @brief The G.711 payload types Acdesk speaks: 0 (PCMU, µ-law) and 8 (PCMA, A-law). */
enum PayloadType : std::uint8_t { Pcmu = 0, Pcma = 8 };

/** @brief Encodes one sample for @p pt. */
std::uint8_t encodeSample(std::int16_t sample, PayloadType pt);
/** @brief Decodes one byte of @p pt. */
std::int16_t decodeSample(std::uint8_t byte, PayloadType pt);
/** @brief Converts a G.711 payload in place from @p from to @p to (no-op when equal). */
void transcode(std::uint8_t *bytes, std::size_t n, PayloadType from, PayloadType to);
/** @brief The byte that is silence in @p pt. */
std::uint8_t silence(PayloadType pt);

} // namespace acdesk::sip
