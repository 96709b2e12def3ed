#!/usr/bin/env python3
"""Checks a Qt Linguist file (.ts) for completeness: every current message has a
finished, non-empty translation whose placeholders (%1..%99, %L1, %n) are those of the
source. The .ts files are the source of the translations; edit them with Qt Linguist (or
any editor, or Weblate) after `lupdate qml core app -ts i18n/acdesk_de.ts`.

Usage: check_ts.py FILE.ts ...   exit status 1 and one line per problem when incomplete."""
import re
import sys
import xml.etree.ElementTree as ET

PLACEHOLDER = re.compile(r"%L?\d{1,2}|%n")


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text or ""))


def problems(path):
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = translation.get("type") if translation is not None else "missing"
            if kind in ("vanished", "obsolete"):
                continue  # no longer in the sources; lupdate -no-obsolete drops them
            source = message.findtext("source")
            where = f"{path}: {name}: {source!r}"
            if kind in ("unfinished", "missing"):
                yield f"{where}: not translated"
                continue
            forms = [f.text for f in translation.iter("numerusform")] or [translation.text]
            for form in forms:
                if not (form or "").strip():
                    yield f"{where}: empty translation"
                # %n may be left out of a singular form ("one call"); the rest must match
                elif [p for p in placeholders(form) if p != "%n"] != [
                        p for p in placeholders(source) if p != "%n"]:
                    yield f"{where}: placeholders {placeholders(form)} differ from the source's"


found = [p for path in sys.argv[1:] for p in problems(path)]
for line in found:
    print(line)
sys.exit(1 if found else 0)
