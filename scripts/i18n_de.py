#!/usr/bin/env python3
"""Fills i18n/acdesk_de.ts from the German glossary below (run after lupdate).

Keeping the translations here, next to their English source, makes review easy; an
untranslated string makes the script fail so German never silently falls behind."""
import html
import re
import sys

DE = {
    # connection doctor (issue 8)
    "The network between here and the server inspects plain WebSocket traffic.":
        "Das Netz zwischen hier und dem Server untersucht unverschlüsselten WebSocket-Verkehr.",
    "Use wss:// on port 443: TLS hides the upgrade from the inspecting firewall or proxy (run the server with --tls-cert/--tls-key, or nginx in front).":
        "wss:// auf Port 443 verwenden: TLS verbirgt das Upgrade vor der prüfenden Firewall oder dem Proxy (Server mit --tls-cert/--tls-key starten oder nginx davorschalten).",
    "\"%1\" is not a WebSocket URL.": "„%1“ ist keine WebSocket-URL.",
    "Give the server as ws://HOST:PORT/ws or wss://HOST/ws.":
        "Den Server als ws://HOST:PORT/ws oder wss://HOST/ws angeben.",
    "--proxy none": "--proxy none",
    "\"%1\" is not an HTTP proxy address.": "„%1“ ist keine HTTP-Proxy-Adresse.",
    "Give the proxy as --proxy http://HOST:PORT.": "Den Proxy als --proxy http://HOST:PORT angeben.",
    "--proxy": "--proxy",
    "the system's proxy settings": "Proxy-Einstellungen des Systems",
    "The proxy %1 is given as an IP address; the proxy resolves %2.":
        "Der Proxy %1 ist als IP-Adresse angegeben; der Proxy löst %2 auf.",
    "%1 is an IP address; nothing to resolve.": "%1 ist eine IP-Adresse; nichts aufzulösen.",
    "The proxy's name %1 cannot be resolved: %2.": "Der Name des Proxys %1 lässt sich nicht auflösen: %2.",
    "The name %1 cannot be resolved: %2.": "Der Name %1 lässt sich nicht auflösen: %2.",
    "Check the spelling of the name and the DNS settings (/etc/resolv.conf), or use the server's IP address.":
        "Schreibweise des Namens und DNS-Einstellungen (/etc/resolv.conf) prüfen oder die IP-Adresse des Servers verwenden.",
    "The proxy %1 resolves to %2; the proxy resolves %3.":
        "Der Proxy %1 hat die Adresse %2; der Proxy löst %3 auf.",
    "%1 resolves to %2.": "%1 hat die Adresse %2.",
    "Connected to the proxy at %1 in %2 ms.": "Verbunden mit dem Proxy %1 in %2 ms.",
    "Connected to %1 in %2 ms.": "Verbunden mit %1 in %2 ms.",
    "The proxy at %1 refused the connection: nothing listens there.":
        "Der Proxy %1 hat die Verbindung abgelehnt: dort lauscht nichts.",
    "%1 refused the connection: nothing listens on port %2, or a firewall rejects it.":
        "%1 hat die Verbindung abgelehnt: auf Port %2 lauscht nichts, oder eine Firewall weist sie ab.",
    "Check the proxy address and port (--proxy or http_proxy).":
        "Adresse und Port des Proxys prüfen (--proxy oder http_proxy).",
    "Start the server (systemctl status acdesk-server), check the port in the URL, and open TCP port %1 on the server's firewall.":
        "Den Server starten (systemctl status acdesk-server), den Port in der URL prüfen und TCP-Port %1 in der Firewall des Servers öffnen.",
    "No answer from %1 within %2 s: a firewall drops the packets, or the host is down.":
        "Keine Antwort von %1 innerhalb von %2 s: eine Firewall verwirft die Pakete, oder der Rechner ist aus.",
    "Check that the proxy runs and that this machine may reach it.":
        "Prüfen, ob der Proxy läuft und dieser Rechner ihn erreichen darf.",
    "Open TCP port %1 on the firewalls between here and the server, or use wss:// on port 443, which most networks allow.":
        "TCP-Port %1 in den Firewalls zwischen hier und dem Server öffnen oder wss:// auf Port 443 verwenden, den die meisten Netze erlauben.",
    "Cannot connect to %1: %2.": "Keine Verbindung zu %1: %2.",
    "Check the network connection and the address in the URL.":
        "Netzwerkverbindung und Adresse in der URL prüfen.",
    "No proxy (%1): the connection is direct.": "Kein Proxy (%1): die Verbindung ist direkt.",
    "The proxy %1 (from %2) did not answer CONNECT %3 within %4 s.":
        "Der Proxy %1 (aus %2) hat CONNECT %3 nicht innerhalb von %4 s beantwortet.",
    "The proxy %1 (from %2) closed the connection without answering CONNECT %3.":
        "Der Proxy %1 (aus %2) hat die Verbindung geschlossen, ohne CONNECT %3 zu beantworten.",
    "Check that %1 is an HTTP proxy that supports CONNECT.":
        "Prüfen, ob %1 ein HTTP-Proxy ist, der CONNECT unterstützt.",
    "The proxy %1 (from %2) opened a tunnel to %3: %4.":
        "Der Proxy %1 (aus %2) hat einen Tunnel zu %3 geöffnet: %4.",
    "The proxy %1 (from %2) refused CONNECT %3: %4.":
        "Der Proxy %1 (aus %2) hat CONNECT %3 abgelehnt: %4.",
    "The proxy is %1.": "Der Proxy ist %1.",
    "The proxy could not reach %1.": "Der Proxy konnte %1 nicht erreichen.",
    "Check that the server runs and listens on port %1, and that the proxy may reach it through its firewall.":
        "Prüfen, ob der Server läuft und auf Port %1 lauscht und ob der Proxy ihn durch seine Firewall erreichen darf.",
    "Ask the proxy's administrator to allow CONNECT to %1.":
        "Den Administrator des Proxys bitten, CONNECT zu %1 zu erlauben.",
    "The proxy wants credentials: give them as --proxy http://USER:PASSWORD@HOST:PORT or in the system's proxy settings.":
        "Der Proxy verlangt Zugangsdaten: als --proxy http://BENUTZER:PASSWORT@HOST:PORT oder in den Proxy-Einstellungen des Systems angeben.",
    "Ask the proxy's administrator to allow CONNECT to port %1 (tinyproxy: \"ConnectPort %1\"; Squid: add it to SSL_ports), or use wss:// on port 443, which proxies allow by default.":
        "Den Administrator des Proxys bitten, CONNECT zu Port %1 zu erlauben (tinyproxy: „ConnectPort %1“; Squid: in SSL_ports aufnehmen), oder wss:// auf Port 443 verwenden, den Proxys standardmäßig erlauben.",
    "This program has no TLS support (no OpenSSL found).":
        "Dieses Programm hat keine TLS-Unterstützung (kein OpenSSL gefunden).",
    "Install the OpenSSL library (Debian: libssl3).": "Die OpenSSL-Bibliothek installieren (Debian: libssl3).",
    "No certificate could be read from %1.": "Aus %1 ließ sich kein Zertifikat lesen.",
    "Give --ca a PEM file with the issuing CA certificate.":
        "--ca eine PEM-Datei mit dem Zertifikat der ausstellenden CA übergeben.",
    "No TLS answer from %1:%2 within %3 s.": "Keine TLS-Antwort von %1:%2 innerhalb von %3 s.",
    "The TLS handshake with %1:%2 failed: %3.": "Der TLS-Handshake mit %1:%2 ist fehlgeschlagen: %3.",
    "Port %1 may not speak TLS: use ws:// for a plain port, or the server's TLS port (443, --tls-cert/--tls-key, or nginx) for wss://.":
        "Port %1 spricht vielleicht kein TLS: für einen unverschlüsselten Port ws:// verwenden, für wss:// den TLS-Port des Servers (443, --tls-cert/--tls-key oder nginx).",
    "%1, %2; chain: %3.": "%1, %2; Kette: %3.",
    "The server's certificate expired yesterday (on %1).":
        "Das Zertifikat des Servers ist gestern abgelaufen (am %1).",
    "The server's certificate expired %1 days ago (on %2).":
        "Das Zertifikat des Servers ist vor %1 Tagen abgelaufen (am %2).",
    "Renew the certificate (Let's Encrypt: certbot renew), then restart the server or reload nginx.":
        "Das Zertifikat erneuern (Let's Encrypt: certbot renew), dann den Server neu starten oder nginx neu laden.",
    "The server's certificate is not valid before %1.": "Das Zertifikat des Servers gilt erst ab %1.",
    "Check the clock of this computer and of the server.": "Die Uhr dieses Rechners und des Servers prüfen.",
    "The certificate is for %1, not for %2.": "Das Zertifikat gilt für %1, nicht für %2.",
    "Connect with a name the certificate carries, or get a certificate whose subjectAltName includes %1.":
        "Mit einem Namen verbinden, den das Zertifikat enthält, oder ein Zertifikat besorgen, dessen subjectAltName %1 enthält.",
    "The certificate chain is not trusted: %1.": "Der Zertifikatskette wird nicht vertraut: %1.",
    "Use a certificate from a public CA (Let's Encrypt), or trust the issuing CA: --ca FILE, or copy it to /usr/local/share/ca-certificates/ and run update-ca-certificates.":
        "Ein Zertifikat einer öffentlichen CA (Let's Encrypt) verwenden oder der ausstellenden CA vertrauen: --ca DATEI, oder sie nach /usr/local/share/ca-certificates/ kopieren und update-ca-certificates ausführen.",
    "(The remaining steps run anyway, to find further problems.)":
        "(Die übrigen Schritte laufen trotzdem, um weitere Probleme zu finden.)",
    "Certificate valid for %1; expires tomorrow (%2).": "Zertifikat gültig für %1; läuft morgen ab (%2).",
    "Certificate valid for %1; expires in %2 days (%3).":
        "Zertifikat gültig für %1; läuft in %2 Tagen ab (%3).",
    "Renew the certificate soon (Let's Encrypt: certbot renew).":
        "Das Zertifikat bald erneuern (Let's Encrypt: certbot renew).",
    "No answer to the WebSocket upgrade (GET %1) within %2 s, although TCP works.":
        "Keine Antwort auf das WebSocket-Upgrade (GET %1) innerhalb von %2 s, obwohl TCP funktioniert.",
    "The connection was closed without an answer to the WebSocket upgrade (GET %1), although TCP works.":
        "Die Verbindung wurde ohne Antwort auf das WebSocket-Upgrade (GET %1) geschlossen, obwohl TCP funktioniert.",
    "Check the reverse proxy in front of the server: it must pass the Upgrade and Connection headers (see nginx-acdesk.conf in the examples), and the server's log.":
        "Den Reverse-Proxy vor dem Server prüfen: er muss die Header Upgrade und Connection weitergeben (siehe nginx-acdesk.conf in den Beispielen); außerdem das Protokoll des Servers.",
    "GET %1 was answered with \"%2\".": "GET %1 wurde mit „%2“ beantwortet.",
    "no Upgrade header": "kein Upgrade-Header",
    "GET %1 was answered with \"%2\" instead of \"101 Switching Protocols\" (%3).":
        "GET %1 wurde mit „%2“ statt „101 Switching Protocols“ beantwortet (%3).",
    "Body: \"%1\".": "Inhalt: „%1“.",
    "The Sec-WebSocket-Accept key is wrong: something between here and the server rewrote the handshake.":
        "Der Sec-WebSocket-Accept-Schlüssel ist falsch: etwas zwischen hier und dem Server hat den Handshake verändert.",
    "Check the reverse proxy in front of the server.": "Den Reverse-Proxy vor dem Server prüfen.",
    "The server's WebSocket endpoint is /ws.": "Der WebSocket-Endpunkt des Servers ist /ws.",
    "Use the path /ws: %1://%2:%3/ws.": "Den Pfad /ws verwenden: %1://%2:%3/ws.",
    "The server only accepts listed origins: add this one to server.allowedOrigins in its config.":
        "Der Server akzeptiert nur aufgeführte Origins: diesen in server.allowedOrigins seiner Konfiguration aufnehmen.",
    "A reverse proxy answered, but it cannot reach the Acdesk server.":
        "Ein Reverse-Proxy hat geantwortet, erreicht aber den Acdesk-Server nicht.",
    "Start the server (systemctl status acdesk-server) and check that the reverse proxy's proxy_pass points to its address and port.":
        "Den Server starten (systemctl status acdesk-server) und prüfen, ob proxy_pass des Reverse-Proxys auf seine Adresse und seinen Port zeigt.",
    "The server redirects to %1: use that address (https:// becomes wss://).":
        "Der Server leitet auf %1 um: diese Adresse verwenden (aus https:// wird wss://).",
    "Something in front of the server refused the upgrade.":
        "Etwas vor dem Server hat das Upgrade abgelehnt.",
    "Make the reverse proxy pass the Upgrade and Connection headers to the server (see nginx-acdesk.conf in the examples).":
        "Den Reverse-Proxy die Header Upgrade und Connection an den Server weitergeben lassen (siehe nginx-acdesk.conf in den Beispielen).",
    "The server selected the subprotocol acdesk.v1.": "Der Server hat das Subprotokoll acdesk.v1 gewählt.",
    "The server selected no subprotocol although acdesk.v1 was offered.":
        "Der Server hat kein Subprotokoll gewählt, obwohl acdesk.v1 angeboten wurde.",
    "Update the Acdesk server, and make sure a reverse proxy passes the Sec-WebSocket-Protocol header.":
        "Den Acdesk-Server aktualisieren und sicherstellen, dass ein Reverse-Proxy den Header Sec-WebSocket-Protocol weitergibt.",
    "The server selected the subprotocol \"%1\" instead of acdesk.v1.":
        "Der Server hat das Subprotokoll „%1“ statt acdesk.v1 gewählt.",
    "Check that the URL points to an Acdesk server.": "Prüfen, ob die URL auf einen Acdesk-Server zeigt.",
    "No hello from the server within %1 s after the upgrade.":
        "Kein hello vom Server innerhalb von %1 s nach dem Upgrade.",
    "The connection was closed before the server's hello arrived.":
        "Die Verbindung wurde geschlossen, bevor das hello des Servers ankam.",
    "Check the server's log; a reverse proxy must not buffer the WebSocket stream (nginx: proxy_buffering off).":
        "Das Protokoll des Servers prüfen; ein Reverse-Proxy darf den WebSocket-Datenstrom nicht puffern (nginx: proxy_buffering off).",
    "The server closed the WebSocket instead of saying hello (code %1%2).":
        "Der Server hat den WebSocket geschlossen, statt hello zu senden (Code %1%2).",
    "Check the server's log.": "Das Protokoll des Servers prüfen.",
    "The first message was not a hello: \"%1\".": "Die erste Nachricht war kein hello: „%1“.",
    "hello from %1 (protocol %2) %3 ms after the upgrade.":
        "hello von %1 (Protokoll %2) %3 ms nach dem Upgrade.",
    "No answer to a WebSocket ping within %1 s.": "Keine Antwort auf einen WebSocket-Ping innerhalb von %1 s.",
    "The connection was closed during the ping.": "Die Verbindung wurde während des Pings geschlossen.",
    "Check the reverse proxy's read timeouts (nginx: proxy_read_timeout).":
        "Die Lese-Timeouts des Reverse-Proxys prüfen (nginx: proxy_read_timeout).",
    "Round trip (WebSocket ping) %1 ms.": "Umlaufzeit (WebSocket-Ping) %1 ms.",
    "Both work: %1 and its TLS twin %2.": "Beide funktionieren: %1 und sein TLS-Zwilling %2.",
    "%1 works while %2 does not.": "%1 funktioniert, %2 nicht.",
    "Connect to %1.": "Mit %1 verbinden.",
    "%1 failed at \"%2\": %3": "%1 scheitert bei „%2“: %3",
    "%1 works; its TLS twin does not (fine on this network).":
        "%1 funktioniert, sein TLS-Zwilling nicht (in diesem Netz kein Problem).",
    "Neither %1 nor its TLS twin works.": "Weder %1 noch sein TLS-Zwilling funktioniert.",
    "URL": "URL", "Name resolution": "Namensauflösung", "TCP connect": "TCP-Verbindung",
    "Proxy": "Proxy", "TLS handshake": "TLS-Handshake", "WebSocket upgrade": "WebSocket-Upgrade",
    "Subprotocol": "Subprotokoll", "Server hello": "hello des Servers", "Round trip": "Umlaufzeit",
    "ws:// or wss://": "ws:// oder wss://",
    "Checks the connection to an Acdesk server step by step: name resolution, TCP, proxy, TLS, the WebSocket upgrade, the server's hello and the round trip. Exit code 0 when every step passes, 1 otherwise.":
        "Prüft die Verbindung zu einem Acdesk-Server Schritt für Schritt: Namensauflösung, TCP, Proxy, TLS, das WebSocket-Upgrade, das hello des Servers und die Umlaufzeit. Rückgabewert 0, wenn jeder Schritt gelingt, sonst 1.",
    "The server, e.g. ws://acd.example.com:8080/ws or wss://acd.example.com/ws.":
        "Der Server, z. B. ws://acd.example.com:8080/ws oder wss://acd.example.com/ws.",
    "HTTP proxy to use, http://[USER:PASSWORD@]HOST:PORT, or \"none\". Default: the system's (http_proxy, https_proxy).":
        "Zu verwendender HTTP-Proxy, http://[BENUTZER:PASSWORT@]HOST:PORT, oder „none“. Standard: der des Systems (http_proxy, https_proxy).",
    "Extra CA certificates to trust (PEM).": "Zusätzliche vertrauenswürdige CA-Zertifikate (PEM).",
    "Print the steps as a JSON array of {step, ok, detail, fix, ms}.":
        "Die Schritte als JSON-Array aus {step, ok, detail, fix, ms} ausgeben.",
    "Seconds each step may take (default 5).": "Sekunden, die jeder Schritt dauern darf (Standard 5).",
    "Port of the wss:// twin tried for a ws:// URL (default 443).":
        "Port des wss://-Zwillings, der bei einer ws://-URL mitgeprüft wird (Standard 443).",
    "Usage: acdesk doctor URL [--proxy URL] [--ca FILE] [--json] [--timeout S] [--wss-port PORT]":
        "Aufruf: acdesk doctor URL [--proxy URL] [--ca DATEI] [--json] [--timeout S] [--wss-port PORT]",
    "--timeout takes seconds (0 to 600), --wss-port a port.":
        "--timeout erwartet Sekunden (0 bis 600), --wss-port einen Port.",
    "Checking %1": "Prüfe %1", "PASS": "OK", "FAIL": "FEHLER", "%1 ms": "%1 ms", "Fix:": "Abhilfe:",
    "All %1 steps passed.": "Alle %1 Schritte erfolgreich.",
    "%1 of %2 steps failed.": "%1 von %2 Schritten fehlgeschlagen.",
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
    "SIP address and port (wins over sip.listen).": "SIP-Adresse und -Port (hat Vorrang vor sip.listen).",
    "Acdesk SIP gateway: connects a phone system to an Acdesk server.":
        "Acdesk-SIP-Gateway: verbindet eine Telefonanlage mit einem Acdesk-Server.",
    "Server URL, e.g. wss://acd.example/ws.": "Server-URL, z. B. wss://acd.example/ws.",
    "Gateway id.": "Gateway-ID.",
    "Gateway secret.": "Gateway-Geheimnis.",
    "Config file with the \"sip\" object.": "Konfigurationsdatei mit dem Objekt „sip“.",
    "Extra CA certificates (PEM) for wss://.": "Zusätzliche CA-Zertifikate (PEM) für wss://.",
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
    "You were logged out by a supervisor.": "Sie wurden von einer Teamleitung abgemeldet.",
    "Testing…": "Teste…",
    "Session token of an earlier wallboard login (instead of --user/--secret).":
        "Sitzungstoken einer früheren Wallboard-Anmeldung (statt --user/--secret).",
    "Test connection": "Verbindung testen",
    "HTTP proxy (http://HOST:PORT); default: the system's, \"none\" for a direct connection.":
        "HTTP-Proxy (http://HOST:PORT); Standard: der des Systems, \"none\" für eine direkte Verbindung.",
    # supervisor console (issue 9)
    "offered": "angeboten",
    "Message to agents and wallboards": "Nachricht an Agenten und Wallboards",
    "e.g. Network outage in Berlin – expect more calls": "z. B. Netzstörung in Berlin – mit mehr Anrufen rechnen",
    "%1 of %2 characters": "%1 von %2 Zeichen",
    "Severity": "Dringlichkeit",
    "Info": "Info",
    "Warning": "Warnung",
    "Alert": "Alarm",
    "Agents": "Agenten",
    "disconnected": "Verbindung getrennt",
    "Not ready…": "Nicht bereit…",
    "Log out": "Abmelden",
    "No agents configured": "Keine Agenten eingerichtet",
    "Set agent ready?": "Agent auf bereit setzen?",
    "Set agent not ready?": "Agent auf nicht bereit setzen?",
    "Log agent out?": "Agent abmelden?",
    "%1 will be offered calls at once.": "%1 bekommt sofort Anrufe angeboten.",
    "%1 will receive no calls until set ready again.": "%1 bekommt keine Anrufe, bis wieder auf bereit gesetzt.",
    "%1 will be logged out. The agent's application stays open but signed off.":
        "%1 wird abgemeldet. Die Anwendung des Agenten bleibt offen, aber abgemeldet.",
    "Reason": "Grund",
    "Supervisor (no reason)": "Supervisor (ohne Grund)",
    "Confirm": "Bestätigen",
    "From": "Von",
    "To": "Bis",
    "Hourly": "Stündlich",
    "Loading…": "Wird geladen…",
    "Show report": "Bericht anzeigen",
    "CSV file": "CSV-Datei",
    "Export CSV": "CSV exportieren",
    "Queues per day": "Warteschlangen pro Tag",
    "No calls in this period.": "Keine Anrufe in diesem Zeitraum.",
    "Choose the days and press Show report.": "Tage wählen und „Bericht anzeigen“ drücken.",
    "Day": "Tag",
    "Offered": "Angeboten",
    "Answered": "Angenommen",
    "Abandoned": "Abgebrochen",
    "Short": "Kurz",
    "Service level": "Servicelevel",
    "Abandon rate": "Abbruchquote",
    "Reachability": "Erreichbarkeit",
    "Longest wait": "Längste Wartezeit",
    "Calls per hour": "Anrufe pro Stunde",
    "All queues": "Alle Warteschlangen",
    "Agents per day": "Agenten pro Tag",
    "Logged in": "Angemeldet",
    "Talk": "Gespräch",
    "Not ready by reason": "Nicht bereit nach Grund",
    "Calls handled": "Bearbeitete Anrufe",
    "Supervisor sign in": "Supervisor-Anmeldung",
    "Supervisor ID": "Supervisor-ID",
    "Acdesk supervisor": "Acdesk Supervisor",
    "Acdesk supervisor – %1": "Acdesk Supervisor – %1",
    "Broadcast from %1: %2": "Rundruf von %1: %2",
    "Floor": "Übersicht",
    "Waiting calls (%1)": "Wartende Anrufe (%1)",
    "Broadcast": "Rundruf",
    "Abandoned callers (%1)": "Abgebrochene Anrufer (%1)",
    "Reports": "Berichte",
    "ringing": "klingelt",
    "queued": "wartet",
    "No calls are waiting.": "Keine wartenden Anrufe.",
    "%1 – %2 waiting": "%1 – %2 wartend",
    "Caller": "Anrufer",
    "Wait": "Wartezeit",
    "Priority": "Priorität",
    "State": "Status",
    "Hotline": "Hotline",
    "Attached data": "Anrufdaten",
    "Callers who hung up before an answer, today": "Anrufer, die heute vor der Annahme aufgelegt haben",
    "Show called back": "Zurückgerufene zeigen",
    "Refresh": "Aktualisieren",
    "No abandoned callers.": "Keine abgebrochenen Anrufe.",
    "Name": "Name",
    "Waited": "Gewartet",
    "Hung up": "Aufgelegt um",
    "Called back by": "Zurückgerufen von",
    "short": "kurz",
    "%1 at %2": "%1 um %2",
    "Called back": "Zurückgerufen",
    "Mark called back": "Als zurückgerufen markieren",
    "%1 is set ready.": "%1 ist auf bereit gesetzt.",
    "%1 is set not ready.": "%1 ist auf nicht bereit gesetzt.",
    "%1 is logged out.": "%1 ist abgemeldet.",
    "Message sent.": "Nachricht gesendet.",
    "Marked as called back.": "Als zurückgerufen markiert.",
    "Already called back by %1.": "Bereits zurückgerufen von %1.",
    "Load a report first.": "Zuerst einen Bericht laden.",
    "Could not write %1: %2": "%1 konnte nicht geschrieben werden: %2",
    "Saved %1 and %2.": "%1 und %2 gespeichert.",
    "Supervisor id to sign in with.": "Supervisor-ID für die Anmeldung.",
    "Supervisor password.": "Supervisor-Passwort.",
    "Tab to show first: floor, calls, broadcast, worklist, reports.":
        "Zuerst gezeigter Reiter: floor, calls, broadcast, worklist, reports.",
    "Tab to show first: floor, calls, broadcast, worklist, reports, audit, admin.":
        "Zuerst gezeigter Reiter: floor, calls, broadcast, worklist, reports, audit, admin.",
    # acdesk report (issue 9, command line)
    "Day and range reports from a server's stored call records.":
        "Tages- und Zeitraumberichte aus den gespeicherten Anrufdaten eines Servers.",
    "First day (YYYY-MM-DD), default today.": "Erster Tag (JJJJ-MM-TT), Standard heute.",
    "Last day (YYYY-MM-DD), default FROM.": "Letzter Tag (JJJJ-MM-TT), Standard FROM.",
    "csv (default).": "csv (Standard).",
    "queues (default) or agents.": "queues (Standard) oder agents.",
    "queues (default), agents or audit.": "queues (Standard), agents oder audit.",
    "Add a row per hour.": "Eine Zeile pro Stunde hinzufügen.",
    "Data directory of the server.": "Datenverzeichnis des Servers.",
    "The server's config file (queues, time zone).": "Die Konfigurationsdatei des Servers (Warteschlangen, Zeitzone).",
    "Directory for the gateway's list of live calls (ended with BYE after a crash). Default: %1": "Verzeichnis für die Liste der laufenden Gespräche des Gateways (nach einem Absturz mit BYE beendet). Standard: %1",
    "Usage: acdesk passwd\n\nReads a password (without echo on a terminal, else one line from stdin) and prints its hash for \"passwordHash\" in the config file.\n": "Aufruf: acdesk passwd\n\nLiest ein Passwort (am Terminal ohne Anzeige, sonst eine Zeile von stdin) und gibt seinen Hash für \"passwordHash\" in der Konfigurationsdatei aus.\n",
    "Password: ": "Passwort: ",
    "Again: ": "Wiederholen: ",
    "acdesk: the passwords differ; nothing printed\n": "acdesk: die Passwörter sind verschieden; nichts ausgegeben\n",
    "acdesk: empty password\n": "acdesk: leeres Passwort\n",
    "Queues": "Warteschlangen",
    "Hotlines": "Hotlines",
    "Not-ready reasons": "Pausengründe",
    "Dispositions": "Abschlusscodes",
    "Supervisors": "Supervisoren",
    "Wallboards": "Wallboards",
    "Gateways": "Gateways",
    "ID": "ID",
    "Queues (queue or queue:penalty, comma-separated)": "Warteschlangen (Warteschlange oder Warteschlange:Malus, durch Kommas getrennt)",
    "Skills (skill=level, comma-separated)": "Fähigkeiten (Fähigkeit=Stufe, durch Kommas getrennt)",
    "Penalty": "Malus",
    "Strategy": "Strategie",
    "Service level target (seconds)": "Servicelevel-Ziel (Sekunden)",
    "Offer timeout (seconds)": "Klingelzeit (Sekunden)",
    "Wrap-up (seconds)": "Nachbearbeitung (Sekunden)",
    "Maximum wait (seconds)": "Höchste Wartezeit (Sekunden)",
    "Overflow to": "Überlauf nach",
    "When nobody is logged in": "Wenn niemand angemeldet ist",
    "Waiting calls: amber from": "Wartende Anrufe: gelb ab",
    "Waiting calls: red from": "Wartende Anrufe: rot ab",
    "Longest wait: amber from (seconds)": "Längste Wartezeit: gelb ab (Sekunden)",
    "Longest wait: red from (seconds)": "Längste Wartezeit: rot ab (Sekunden)",
    "Service level: amber below": "Servicelevel: gelb unter",
    "Service level: red below": "Servicelevel: rot unter",
    "Escalation (after seconds=max penalty, comma-separated)": "Eskalation (nach Sekunden=höchster Malus, durch Kommas getrennt)",
    "Required skills (skill=level)": "Benötigte Fähigkeiten (Fähigkeit=Stufe)",
    "Code": "Code",
    "Label": "Bezeichnung",
    "Administrator": "Administrator",
    "Agent %1 is added and can log in at once.": "Agent %1 kommt hinzu und kann sich sofort anmelden.",
    "Agent %1 is removed: no more offers; a call in progress is finished first, then the agent is signed out.": "Agent %1 wird entfernt: keine Angebote mehr; ein laufendes Gespräch wird zu Ende geführt, danach wird der Agent abgemeldet.",
    "Agent %1 changes: calls in progress go on; the next offers follow the new queues and skills.": "Agent %1 ändert sich: laufende Gespräche gehen weiter; die nächsten Angebote folgen den neuen Warteschlangen und Fähigkeiten.",
    "Queue %1 is added.": "Warteschlange %1 kommt hinzu.",
    "Queue %1 is removed: its waiting callers move to its overflow queue (refused if it has none).": "Warteschlange %1 wird entfernt: ihre wartenden Anrufer wechseln in die Überlauf-Warteschlange (abgelehnt, wenn es keine gibt).",
    "Queue %1 changes: applies to the next decision; waiting calls keep their place.": "Warteschlange %1 ändert sich: gilt ab der nächsten Entscheidung; wartende Anrufe behalten ihren Platz.",
    "%1 %2 is added or changed.": "%1 %2 kommt hinzu oder ändert sich.",
    "%1 %2 is removed; its sessions are signed out.": "%1 %2 wird entfernt; seine Sitzungen werden abgemeldet.",
    "Nothing changes.": "Nichts ändert sich.",
    "No call is dropped and no other session is signed out.": "Kein Anruf wird getrennt und keine andere Sitzung abgemeldet.",
    "Add": "Hinzufügen",
    "Remove": "Entfernen",
    "New password (at least 8 characters)": "Neues Passwort (mindestens 8 Zeichen)",
    "Set password": "Passwort setzen",
    "Saving…": "Speichert…",
    "Save…": "Speichern…",
    "Revert": "Verwerfen",
    "Apply this change now?": "Diese Änderung jetzt übernehmen?",
    "Apply": "Übernehmen",
    "Action, e.g. agent.forceState": "Aktion, z. B. agent.forceState",
    "Who, e.g. supervisor/boss": "Wer, z. B. supervisor/boss",
    "Whom, e.g. 1001": "Wen, z. B. 1001",
    "Show": "Anzeigen",
    "No entries for these days and filters.": "Keine Einträge für diese Tage und Filter.",
    "Audit log": "Protokoll",
    "Administration": "Verwaltung",
    "Only administrators (supervisors with \"admin\": true in the config) change the configuration here.": "Nur Administratoren (Supervisoren mit \"admin\": true in der Konfiguration) ändern hier die Konfiguration.",
    "The change is applied.": "Die Änderung ist übernommen.",
    "The change is applied; %1 take effect at the next restart.": "Die Änderung ist übernommen; %1 wirken erst beim nächsten Neustart.",
    "The password of %1 is changed; its sessions are signed out.": "Das Passwort von %1 ist geändert; seine Sitzungen sind abgemeldet.",
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
