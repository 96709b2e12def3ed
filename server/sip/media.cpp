#include "media.h"

#include <rem_g711.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace acdesk::sip {

namespace {

constexpr double Rate = 8000;
constexpr double Pi = 3.14159265358979323846;

// A soft bell: the fundamental with a little octave and a quick attack, decaying
// exponentially. Added into @p out at @p start (seconds).
void addNote(QVector<double> &out, double start, double length, double freq, double level,
             double decay)
{
    const int first = int(start * Rate);
    const int count = int(length * Rate);
    for (int i = 0; i < count && first + i < out.size(); ++i) {
        const double t = i / Rate;
        const double attack = std::min(1.0, t / 0.01);
        const double release = std::min(1.0, (length - t) / 0.03); // no click at the end
        const double env = attack * release * std::exp(-t * decay);
        out[first + i] +=
            level * env * (std::sin(2 * Pi * freq * t) + 0.2 * std::sin(4 * Pi * freq * t));
    }
}

Prompt toPrompt(const QVector<double> &mix)
{
    auto samples = std::make_shared<QVector<qint16>>(mix.size());
    for (qsizetype i = 0; i < mix.size(); ++i)
        (*samples)[i] = qint16(std::lround(std::clamp(mix[i], -1.0, 1.0) * 32767));
    return samples;
}

} // namespace

Prompt builtInAnnouncement()
{
    static const Prompt prompt = [] {
        QVector<double> mix(int(1.6 * Rate), 0.0);
        const std::array<double, 3> notes = {659.25, 523.25, 392.00}; // E5 C5 G4
        for (std::size_t i = 0; i < notes.size(); ++i)
            addNote(mix, 0.45 * double(i), 0.7, notes[i], 0.35, 3.0);
        return toPrompt(mix);
    }();
    return prompt;
}

Prompt builtInMusic()
{
    static const Prompt prompt = [] {
        // Four chords of eight quavers each at 120 bpm: 8 s, the last note fading out
        // before the loop starts again.
        const std::array<std::array<double, 4>, 4> chords = {{
            {261.63, 329.63, 392.00, 523.25}, // C
            {220.00, 261.63, 329.63, 440.00}, // A minor
            {174.61, 220.00, 261.63, 349.23}, // F
            {196.00, 246.94, 293.66, 392.00}, // G
        }};
        QVector<double> mix(int(8 * Rate), 0.0);
        for (std::size_t c = 0; c < chords.size(); ++c) {
            for (int n = 0; n < 8; ++n) {
                const int step = n < 4 ? n : 7 - n; // up and down again
                addNote(mix, 2.0 * double(c) + 0.25 * n, 0.45, chords[c][std::size_t(step)], 0.18,
                        4.0);
            }
        }
        return toPrompt(mix);
    }();
    return prompt;
}

std::uint8_t encodeSample(std::int16_t sample, PayloadType pt)
{
    return pt == Pcma ? g711_pcm2alaw(sample) : g711_pcm2ulaw(sample);
}

std::int16_t decodeSample(std::uint8_t byte, PayloadType pt)
{
    return pt == Pcma ? g711_alaw2pcm(byte) : g711_ulaw2pcm(byte);
}

void transcode(std::uint8_t *bytes, std::size_t n, PayloadType from, PayloadType to)
{
    if (from == to)
        return;
    // One table per direction, built once: a byte maps to a byte.
    static const auto tables = [] {
        std::array<std::array<std::uint8_t, 256>, 2> t{};
        for (int b = 0; b < 256; ++b) {
            t[0][std::size_t(b)] = g711_pcm2alaw(g711_ulaw2pcm(std::uint8_t(b)));
            t[1][std::size_t(b)] = g711_pcm2ulaw(g711_alaw2pcm(std::uint8_t(b)));
        }
        return t;
    }();
    const auto &table = tables[from == Pcmu ? 0 : 1];
    for (std::size_t i = 0; i < n; ++i)
        bytes[i] = table[bytes[i]];
}

std::uint8_t silence(PayloadType pt)
{
    return encodeSample(0, pt);
}

} // namespace acdesk::sip
