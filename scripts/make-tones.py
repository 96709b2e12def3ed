#!/usr/bin/env python3
"""Makes the sounds of the agent's desk and the wallboard (resources/sounds/*.wav) from
nothing but arithmetic: 16 kHz mono 16-bit; a ring tone is one cycle (the desk loops it).

Run: python3 scripts/make-tones.py   (the files are committed; only needed to change them)
"""
import math
import os
import struct
import wave

RATE = 16000
OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "sounds")


def tone(parts, seconds):
    """parts: (start, end, [(freq, amp)], decay) spans; silence elsewhere."""
    n = int(seconds * RATE)
    out = [0.0] * n
    for start, end, freqs, decay in parts:
        a, b = int(start * RATE), int(end * RATE)
        for i in range(a, b):
            t = (i - a) / RATE
            # 10 ms fades: no clicks at the edges
            edge = min(1.0, t / 0.01, (b - i) / RATE / 0.01)
            env = edge * (math.exp(-t * decay) if decay else 1.0)
            out[i] += env * sum(amp * math.sin(2 * math.pi * f * t) for f, amp in freqs)
    return out


def write(name, samples):
    os.makedirs(OUT, exist_ok=True)
    with wave.open(os.path.join(OUT, name), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", int(max(-1, min(1, s)) * 32000)) for s in samples))


# "classic": the double ring of a desk phone (400 + 450 Hz, 0.4 s on, 0.2 off, 0.4 on).
write("ring-classic.wav", tone([(0.0, 0.4, [(400, 0.4), (450, 0.4)], 0),
                                (0.6, 1.0, [(400, 0.4), (450, 0.4)], 0)], 2.4))
# "chime": two soft bell strokes (a fifth apart), for quieter offices.
write("ring-chime.wav", tone([(0.0, 0.9, [(880, 0.5), (1760, 0.15)], 4),
                              (0.45, 1.4, [(1318.5, 0.45), (2637, 0.1)], 4)], 2.4))
# "alert": the wallboard's three rising beeps when a queue turns red (about 0.8 s, played once).
write("alert.wav", tone([(0.0, 0.18, [(660, 0.6)], 0), (0.25, 0.43, [(880, 0.6)], 0),
                         (0.5, 0.78, [(1100, 0.6)], 0)], 0.9))
