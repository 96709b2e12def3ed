#!/usr/bin/env python3
"""Fills i18n/acdesk_de.ts from the German glossary below (run after lupdate).

Keeping the translations here, next to their English source, makes review easy; an
untranslated string makes the script fail so German never silently falls behind."""
import html
import re
import sys

DE = {
    # wallboard (issue 6)
    "no agents logged in": "keine Agenten angemeldet", "offered %1": "angeboten %1",
    "service level %1 s": "Servicelevel %1 s", "reconnecting": "verbinde neu",
    "connecting": "verbinde", "Waiting for statistics…": "Warte auf Statistiken…",
    "No queues to show": "Keine Warteschlangen anzuzeigen", "Not connected": "Nicht verbunden",
    "Connecting to the server…": "Verbinde mit dem Server…",
    "Key sequence that quits the wallboard (kiosk: the only way).":
        "Tastenkombination, die das Wallboard beendet (im Kioskmodus der einzige Weg).",
    "Seconds per page when the queues do not fit.":
        "Sekunden pro Seite, wenn nicht alle Warteschlangen auf den Bildschirm passen.",
    # agent window (issue 5)
    "System language": "Systemsprache", "Keypad": "Tastenfeld", "Transfer…": "Weiterleiten…",
    "Hang up (Ctrl+H)": "Auflegen (Strg+H)", "Wrap-up – %1": "Nachbearbeitung – %1",
    "Stay logged in": "Angemeldet bleiben", "Transfer call": "Anruf weiterleiten",
    "Cancel": "Abbrechen", "Incoming call": "Eingehender Anruf",
    "Agent id to sign in with.": "Agenten-ID für die automatische Anmeldung.",
    "Agent password.": "Passwort des Agenten.", "Station (phone extension).": "Station (Nebenstelle).",
    "%1 waiting, longest %2": "%1 wartend, längste %2",
    "AHT": "AHT", "ASA": "ASA",
    "Accept (Ctrl+Enter)": "Annehmen (Strg+Enter)",
    "Acdesk ACD server (WebSocket API v1).": "Acdesk-ACD-Server (WebSocket-API v1).",
    "Acdesk agent": "Acdesk Agent",
    "Acdesk agent – %1": "Acdesk Agent – %1",
    "Acdesk demo: a server with simulated calls and agents, plus an agent and a wallboard window.":
        "Acdesk-Demo: ein Server mit simulierten Anrufen und Agenten, dazu ein Agenten- und ein Wallboard-Fenster.",
    "Acdesk wallboard": "Acdesk Wallboard",
    "Address and port, e.g. 0.0.0.0:8080.": "Adresse und Port, z. B. 0.0.0.0:8080.",
    "Agent": "Agent", "Agent ID": "Agenten-ID", "Connected": "Verbunden",
    "Connection lost – reconnecting…": "Verbindung verloren – verbinde neu…",
    "Connection to the server lost – reconnecting…": "Verbindung zum Server verloren – verbinde neu…",
    "DTMF": "DTMF",
    "Data directory (database). Default: %1": "Datenverzeichnis (Datenbank). Standard: %1",
    "Dial": "Wählen", "Done": "Fertig",
    "Extra CA certificates (PEM).": "Zusätzliche CA-Zertifikate (PEM).",
    "Fullscreen kiosk mode.": "Vollbild-Kioskmodus.",
    "Hang up": "Auflegen", "Hold": "Halten",
    "Incoming call on %1": "Anruf auf %1", "Incoming call – %1": "Anruf – %1",
    "JSON config file.": "JSON-Konfigurationsdatei.",
    "Logged out": "Abgemeldet",
    "Logging rules, e.g. \"acdesk.*.debug=true\" (see QLoggingCategory).":
        "Protokollregeln, z. B. \"acdesk.*.debug=true\" (siehe QLoggingCategory).",
    "Mean caller patience in seconds (default 90).": "Mittlere Geduld der Anrufer in Sekunden (Standard 90).",
    "Mean talk time in seconds (default 120).": "Mittlere Gesprächsdauer in Sekunden (Standard 120).",
    "Mute": "Stumm", "My queues": "Meine Warteschlangen",
    "Not connected to the server; please try again in a moment.":
        "Keine Verbindung zum Server; bitte gleich noch einmal versuchen.",
    "Not ready": "Nicht bereit", "Notes": "Notizen", "Number": "Nummer",
    "Number of simulated agents.": "Anzahl simulierter Agenten.",
    "On call": "Im Gespräch", "On hold": "Gehalten", "Outbound call": "Ausgehender Anruf",
    "Password": "Passwort", "Queue": "Warteschlange",
    "Queues to show (comma-separated).": "Anzuzeigende Warteschlangen (durch Kommas getrennt).",
    "Ready": "Bereit", "Reject": "Ablehnen", "Resume": "Fortsetzen", "Ringing": "Klingelt",
    "Run without windows.": "Ohne Fenster laufen.",
    "Seed of the simulator (repeatable runs).": "Startwert des Simulators (wiederholbare Läufe).",
    "Send": "Senden", "Server": "Server",
    "Server URL (ws:// or wss://).": "Server-URL (ws:// oder wss://).",
    "Sign in": "Anmelden", "Sign out": "Abmelden", "Signing in…": "Melde an…",
    "Simulated calls per hour (Poisson arrivals).": "Simulierte Anrufe pro Stunde (Poisson-Ankünfte).",
    "Station (phone extension)": "Station (Nebenstelle)",
    "TLS certificate (PEM).": "TLS-Zertifikat (PEM).", "TLS private key (PEM).": "Privater TLS-Schlüssel (PEM).",
    "The connection to the server was lost.": "Die Verbindung zum Server ist verloren gegangen.",
    "The server did not answer in time.": "Der Server hat nicht rechtzeitig geantwortet.",
    "There is no call for this.": "Dafür gibt es keinen Anruf.",
    "Today's calls": "Heutige Anrufe", "Transfer": "Weiterleiten", "Transfer to": "Weiterleiten an",
    "Unmute": "Stumm aus", "Wallboard id.": "Wallboard-ID.", "Wallboard secret.": "Wallboard-Geheimnis.",
    "Wrap-up": "Nachbearbeitung",
    "You logged in somewhere else; this window was signed out.":
        "Sie haben sich anderswo angemeldet; dieses Fenster wurde abgemeldet.",
    "abandon rate": "Abbruchquote", "abandoned": "abgebrochen", "answered": "angenommen",
    "live": "live", "longest wait": "längste Wartezeit", "mode": "Modus", "muted": "stumm",
    "not ready": "nicht bereit", "offline": "offline", "on call": "im Gespräch",
    "page %1 of %2": "Seite %1 von %2", "ready": "bereit", "service level": "Servicelevel",
    "then: %1": "danach: %1", "waited %1": "wartete %1", "waiting": "wartend",
    "wrap-up": "Nachbearbeitung",
}
PLURAL = {"%n call(s)": ("%n Anruf", "%n Anrufe")}

path = sys.argv[1] if len(sys.argv) > 1 else "i18n/acdesk_de.ts"
text = open(path, encoding="utf-8").read()
missing = []

def fill(m):
    source = html.unescape(m.group(1))
    rest = m.group(2)
    if source in PLURAL:
        forms = "".join(f"<numerusform>{html.escape(f, quote=False)}</numerusform>" for f in PLURAL[source])
        return f"<source>{m.group(1)}</source>{rest}<translation>{forms}</translation>"
    if source not in DE:
        missing.append(source)
        return m.group(0)
    return f"<source>{m.group(1)}</source>{rest}<translation>{html.escape(DE[source], quote=False)}</translation>"

text = re.sub(r"<source>(.*?)</source>(\s*(?:<comment>.*?</comment>\s*)?)<translation[^>]*>.*?</translation>",
              fill, text, flags=re.S)
text = text.replace('<TS version="2.1">', '<TS version="2.1" language="de_DE">', 1)
open(path, "w", encoding="utf-8").write(text)
if missing:
    sys.exit("untranslated: " + "; ".join(missing))
