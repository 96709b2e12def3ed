#!/usr/bin/env python3
"""Makes the SIP gateway's spoken prompts (English and German) with espeak-ng.

The prompts are synthesised, not recorded, so the project owns them: run this script
again after changing a text (needs Debian's espeak-ng) and commit resources/prompts/.
Output: 8 kHz, 16-bit, mono WAV, silence trimmed, as the gateway plays them.
"""
import audioop
import io
import pathlib
import subprocess
import sys
import wave

NUMBERS = {
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
           "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
           "seventeen", "eighteen", "nineteen", "twenty"],
    "de": ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun",
           "zehn", "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn",
           "achtzehn", "neunzehn", "zwanzig"],
}
PHRASES = {
    "en": {
        "position": "You are number",
        "position_more": "You are number twenty or higher in the queue.",
        "in_queue": "in the queue.",
        "wait": "Your estimated waiting time is",
        "wait_under": "less than one minute.",
        "wait_one": "about one minute.",
        "wait_about": "about",
        "minutes": "minutes.",
        "wait_long": "more than twenty minutes.",
        "callback_offer": "To be called back instead of waiting, press",
        "key_star": "star.",
        "key_hash": "hash.",
        "callback_confirm": "Thank you. We will call you back. Goodbye.",
        "closed": "We are closed at the moment. Please call again during our opening hours.",
        "max_wait": "Sorry, nobody can take your call at the moment. Please call again later.",
    },
    "de": {
        "position": "Sie sind an Stelle",
        "position_more": "Sie sind an Stelle zwanzig oder später in der Warteschlange.",
        "in_queue": "in der Warteschlange.",
        "wait": "Ihre voraussichtliche Wartezeit beträgt",
        "wait_under": "weniger als eine Minute.",
        "wait_one": "etwa eine Minute.",
        "wait_about": "etwa",
        "minutes": "Minuten.",
        "wait_long": "mehr als zwanzig Minuten.",
        "callback_offer": "Für einen Rückruf statt zu warten, drücken Sie die",
        "key_star": "Sterntaste.",
        "key_hash": "Rautetaste.",
        "callback_confirm": "Vielen Dank. Wir rufen Sie zurück. Auf Wiederhören.",
        "closed": "Wir sind zurzeit nicht erreichbar. Bitte rufen Sie zu unseren Öffnungszeiten wieder an.",
        "max_wait": "Leider kann gerade niemand Ihren Anruf annehmen. Bitte rufen Sie später wieder an.",
    },
}
VOICES = {"en": "en-us", "de": "de"}


def speak(lang, text):
    raw = subprocess.run(["espeak-ng", "-v", VOICES[lang], "-s", "155", "--stdout", text],
                         check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(raw)) as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        frames, rate = w.readframes(w.getnframes()), w.getframerate()
    frames, _ = audioop.ratecv(frames, 2, 1, rate, 8000, None)
    # Trim silence (10 ms windows below -40 dBFS) at both ends, keep 40 ms.
    win = 160
    loud = [i for i in range(0, len(frames), win) if audioop.rms(frames[i:i + win], 2) > 330]
    if loud:
        frames = frames[max(0, loud[0] - 2 * win):loud[-1] + 3 * win]
    return frames


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "resources/prompts")
    for lang in ("en", "de"):
        d = out / lang
        d.mkdir(parents=True, exist_ok=True)
        texts = dict(PHRASES[lang])
        for n in range(0, 21):
            texts["n%d" % n] = NUMBERS[lang][n]
        for name, text in sorted(texts.items()):
            with wave.open(str(d / (name + ".wav")), "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(8000)
                w.writeframes(speak(lang, text))


if __name__ == "__main__":
    main()
