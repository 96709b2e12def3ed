<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AgentCard</name>
    <message numerus="yes">
        <location filename="../qml/AgentCard.qml" line="30"/>
        <source>%n call(s)</source>
        <translation><numerusform>%n Anruf</numerusform><numerusform>%n Anrufe</numerusform></translation>
    </message>
</context>
<context>
    <name>AgentDesk</name>
    <message>
        <location filename="../qml/AgentDesk.qml" line="39"/>
        <source>Connection lost – reconnecting…</source>
        <translation>Verbindung verloren – verbinde neu…</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="59"/>
        <source>then: %1</source>
        <translation>danach: %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="62"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="69"/>
        <source>Not ready</source>
        <translation>Nicht bereit</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="75"/>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="79"/>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="107"/>
        <source>Incoming call on %1</source>
        <translation>Anruf auf %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="108"/>
        <source>Incoming call – %1</source>
        <translation>Anruf – %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="112"/>
        <source>waited %1</source>
        <translation>wartete %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="116"/>
        <source>Accept (Ctrl+Enter)</source>
        <translation>Annehmen (Strg+Enter)</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="117"/>
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="137"/>
        <source>On hold</source>
        <translation>Gehalten</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="137"/>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="139"/>
        <source>muted</source>
        <translation>stumm</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="141"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="141"/>
        <source>Hold</source>
        <translation>Halten</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="142"/>
        <source>Unmute</source>
        <translation>Stumm aus</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="142"/>
        <source>Mute</source>
        <translation>Stumm</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="143"/>
        <source>Keypad</source>
        <translation>Tastenfeld</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="144"/>
        <source>Transfer…</source>
        <translation>Weiterleiten…</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="145"/>
        <source>Hang up (Ctrl+H)</source>
        <translation>Auflegen (Strg+H)</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="181"/>
        <source>Wrap-up – %1</source>
        <translation>Nachbearbeitung – %1</translation>
    </message>
    <message>
        <source>DTMF</source>
        <translation>DTMF</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="194"/>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <source>Transfer to</source>
        <translation>Weiterleiten an</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Weiterleiten</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Auflegen</translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation>Nachbearbeitung</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="184"/>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="185"/>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="193"/>
        <source>Outbound call</source>
        <translation>Ausgehender Anruf</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="195"/>
        <source>Dial</source>
        <translation>Wählen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="207"/>
        <source>My queues</source>
        <translation>Meine Warteschlangen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="211"/>
        <source>%1 waiting, longest %2</source>
        <translation>%1 wartend, längste %2</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="218"/>
        <source>Today&apos;s calls</source>
        <translation>Heutige Anrufe</translation>
    </message>
</context>
<context>
    <name>AgentLogin</name>
    <message>
        <location filename="../qml/AgentLogin.qml" line="32"/>
        <location filename="../qml/AgentLogin.qml" line="50"/>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <location filename="../qml/AgentLogin.qml" line="33"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../qml/AgentLogin.qml" line="36"/>
        <source>Agent ID</source>
        <translation>Agenten-ID</translation>
    </message>
    <message>
        <location filename="../qml/AgentLogin.qml" line="39"/>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <location filename="../qml/AgentLogin.qml" line="42"/>
        <source>Station (phone extension)</source>
        <translation>Station (Nebenstelle)</translation>
    </message>
    <message>
        <location filename="../qml/AgentLogin.qml" line="45"/>
        <source>Stay logged in</source>
        <translation>Angemeldet bleiben</translation>
    </message>
    <message>
        <location filename="../qml/AgentLogin.qml" line="50"/>
        <source>Signing in…</source>
        <translation>Melde an…</translation>
    </message>
</context>
<context>
    <name>AgentTransferDialog</name>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="25"/>
        <source>Transfer call</source>
        <translation>Anruf weiterleiten</translation>
    </message>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="27"/>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="27"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="27"/>
        <location filename="../qml/AgentTransferDialog.qml" line="33"/>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="33"/>
        <source>Agent ID</source>
        <translation>Agenten-ID</translation>
    </message>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="35"/>
        <source>Transfer</source>
        <translation>Weiterleiten</translation>
    </message>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="42"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>AgentView</name>
    <message>
        <location filename="../qml/AgentView.qml" line="30"/>
        <source>Incoming call</source>
        <translation>Eingehender Anruf</translation>
    </message>
</context>
<context>
    <name>AgentWindow</name>
    <message>
        <location filename="../qml/AgentWindow.qml" line="12"/>
        <source>Acdesk agent – %1</source>
        <translation>Acdesk Agent – %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentWindow.qml" line="12"/>
        <source>Acdesk agent</source>
        <translation>Acdesk Agent</translation>
    </message>
</context>
<context>
    <name>QueueTile</name>
    <message>
        <location filename="../qml/QueueTile.qml" line="91"/>
        <source>waiting</source>
        <translation>wartend</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="92"/>
        <source>longest wait</source>
        <translation>längste Wartezeit</translation>
    </message>
    <message>
        <source>service level</source>
        <translation>Servicelevel</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="77"/>
        <source>no agents logged in</source>
        <translation>keine Agenten angemeldet</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="81"/>
        <source>offered %1</source>
        <translation>angeboten %1</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="93"/>
        <source>service level %1 s</source>
        <translation>Servicelevel %1 s</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="95"/>
        <source>abandon rate</source>
        <translation>Abbruchquote</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="96"/>
        <source>ready</source>
        <translation>bereit</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="97"/>
        <source>on call</source>
        <translation>im Gespräch</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="98"/>
        <source>wrap-up</source>
        <translation>Nachbearbeitung</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="99"/>
        <source>not ready</source>
        <translation>nicht bereit</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="100"/>
        <source>answered</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="101"/>
        <source>abandoned</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="102"/>
        <source>ASA</source>
        <translation>ASA</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="103"/>
        <source>AHT</source>
        <translation>AHT</translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <location filename="../qml/Theme.qml" line="27"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="28"/>
        <source>Ringing</source>
        <translation>Klingelt</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="29"/>
        <source>On call</source>
        <translation>Im Gespräch</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="30"/>
        <source>Wrap-up</source>
        <translation>Nachbearbeitung</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="31"/>
        <source>Not ready</source>
        <translation>Nicht bereit</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="32"/>
        <source>Logged out</source>
        <translation>Abgemeldet</translation>
    </message>
</context>
<context>
    <name>WallboardWindow</name>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="21"/>
        <source>Acdesk wallboard</source>
        <translation>Acdesk Wallboard</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="76"/>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="77"/>
        <source>reconnecting</source>
        <translation>verbinde neu</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="78"/>
        <source>connecting</source>
        <translation>verbinde</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="79"/>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="130"/>
        <source>page %1 of %2</source>
        <translation>Seite %1 von %2</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="201"/>
        <source>Waiting for statistics…</source>
        <translation>Warte auf Statistiken…</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="201"/>
        <source>No queues to show</source>
        <translation>Keine Warteschlangen anzuzeigen</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="234"/>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="235"/>
        <source>Connecting to the server…</source>
        <translation>Verbinde mit dem Server…</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="236"/>
        <source>Connection to the server lost – reconnecting…</source>
        <translation>Verbindung zum Server verloren – verbinde neu…</translation>
    </message>
</context>
<context>
    <name>acdesk::client::AgentSession</name>
    <message>
        <location filename="../core/agentsession.cpp" line="111"/>
        <source>There is no call for this.</source>
        <translation>Dafür gibt es keinen Anruf.</translation>
    </message>
    <message>
        <location filename="../core/agentsession.cpp" line="247"/>
        <source>You were logged out by a supervisor.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>acdesk::client::ClientConnection</name>
    <message>
        <location filename="../core/clientconnection.cpp" line="187"/>
        <location filename="../core/clientconnection.cpp" line="371"/>
        <source>The server did not answer in time.</source>
        <translation>Der Server hat nicht rechtzeitig geantwortet.</translation>
    </message>
    <message>
        <location filename="../core/clientconnection.cpp" line="219"/>
        <source>The connection to the server was lost.</source>
        <translation>Die Verbindung zum Server ist verloren gegangen.</translation>
    </message>
    <message>
        <location filename="../core/clientconnection.cpp" line="225"/>
        <source>You logged in somewhere else; this window was signed out.</source>
        <translation>Sie haben sich anderswo angemeldet; dieses Fenster wurde abgemeldet.</translation>
    </message>
    <message>
        <location filename="../core/clientconnection.cpp" line="328"/>
        <source>Not connected to the server; please try again in a moment.</source>
        <translation>Keine Verbindung zum Server; bitte gleich noch einmal versuchen.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/guimain.cpp" line="107"/>
        <location filename="../app/reportmain.cpp" line="25"/>
        <location filename="../app/servermain.cpp" line="65"/>
        <source>mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="110"/>
        <source>Server URL (ws:// or wss://).</source>
        <translation>Server-URL (ws:// oder wss://).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="113"/>
        <source>Fullscreen kiosk mode.</source>
        <translation>Vollbild-Kioskmodus.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="115"/>
        <source>Wallboard id.</source>
        <translation>Wallboard-ID.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="118"/>
        <source>Wallboard secret.</source>
        <translation>Wallboard-Geheimnis.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="122"/>
        <source>Queues to show (comma-separated).</source>
        <translation>Anzuzeigende Warteschlangen (durch Kommas getrennt).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="125"/>
        <source>Extra CA certificates (PEM).</source>
        <translation>Zusätzliche CA-Zertifikate (PEM).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="129"/>
        <source>Key sequence that quits the wallboard (kiosk: the only way).</source>
        <translation>Tastenkombination, die das Wallboard beendet (im Kioskmodus der einzige Weg).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="134"/>
        <source>Seconds per page when the queues do not fit.</source>
        <translation>Sekunden pro Seite, wenn nicht alle Warteschlangen auf den Bildschirm passen.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="138"/>
        <source>Agent id to sign in with.</source>
        <translation>Agenten-ID für die automatische Anmeldung.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="141"/>
        <source>Agent password.</source>
        <translation>Passwort des Agenten.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="144"/>
        <source>Station (phone extension).</source>
        <translation>Station (Nebenstelle).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="60"/>
        <source>Acdesk demo: a server with simulated calls and agents, plus an agent and a wallboard window.</source>
        <translation>Acdesk-Demo: ein Server mit simulierten Anrufen und Agenten, dazu ein Agenten- und ein Wallboard-Fenster.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="62"/>
        <source>Acdesk ACD server (WebSocket API v1).</source>
        <translation>Acdesk-ACD-Server (WebSocket-API v1).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="67"/>
        <source>JSON config file.</source>
        <translation>JSON-Konfigurationsdatei.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="71"/>
        <source>Data directory (database). Default: %1</source>
        <translation>Datenverzeichnis (Datenbank). Standard: %1</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="76"/>
        <source>Address and port, e.g. 0.0.0.0:8080.</source>
        <translation>Adresse und Port, z. B. 0.0.0.0:8080.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="79"/>
        <source>TLS certificate (PEM).</source>
        <translation>TLS-Zertifikat (PEM).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="82"/>
        <source>TLS private key (PEM).</source>
        <translation>Privater TLS-Schlüssel (PEM).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="85"/>
        <source>Run without windows.</source>
        <translation>Ohne Fenster laufen.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="88"/>
        <source>Simulated calls per hour (Poisson arrivals).</source>
        <translation>Simulierte Anrufe pro Stunde (Poisson-Ankünfte).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="92"/>
        <source>Number of simulated agents.</source>
        <translation>Anzahl simulierter Agenten.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="95"/>
        <source>Mean caller patience in seconds (default 90).</source>
        <translation>Mittlere Geduld der Anrufer in Sekunden (Standard 90).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="99"/>
        <source>Mean talk time in seconds (default 120).</source>
        <translation>Mittlere Gesprächsdauer in Sekunden (Standard 120).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="103"/>
        <source>Seed of the simulator (repeatable runs).</source>
        <translation>Startwert des Simulators (wiederholbare Läufe).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="107"/>
        <source>Logging rules, e.g. &quot;acdesk.*.debug=true&quot; (see QLoggingCategory).</source>
        <translation>Protokollregeln, z. B. "acdesk.*.debug=true" (siehe QLoggingCategory).</translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="21"/>
        <source>Day and range reports from a server&apos;s stored call records.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="28"/>
        <source>First day (YYYY-MM-DD), default today.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="32"/>
        <source>Last day (YYYY-MM-DD), default FROM.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="35"/>
        <source>csv (default).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="38"/>
        <source>queues (default) or agents.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="41"/>
        <source>Add a row per hour.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="44"/>
        <source>Data directory of the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="48"/>
        <source>The server&apos;s config file (queues, time zone).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
