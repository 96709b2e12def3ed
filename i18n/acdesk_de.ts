<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AgentCard</name>
    <message numerus="yes">
        <location filename="../qml/AgentCard.qml" line="21"/>
        <source>%n call(s)</source>
        <translation><numerusform>%n Anruf</numerusform><numerusform>%n Anrufe</numerusform></translation>
    </message>
</context>
<context>
    <name>AgentDesk</name>
    <message>
        <location filename="../qml/AgentDesk.qml" line="36"/>
        <source>Connection lost – reconnecting…</source>
        <translation>Verbindung verloren – verbinde neu…</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="56"/>
        <source>then: %1</source>
        <translation>danach: %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="59"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="66"/>
        <source>Not ready</source>
        <translation>Nicht bereit</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="68"/>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="86"/>
        <source>Incoming call on %1</source>
        <translation>Anruf auf %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="87"/>
        <source>Incoming call – %1</source>
        <translation>Anruf – %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="91"/>
        <source>waited %1</source>
        <translation>wartete %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="95"/>
        <source>Accept (Ctrl+Enter)</source>
        <translation>Annehmen (Strg+Enter)</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="96"/>
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="116"/>
        <source>On hold</source>
        <translation>Gehalten</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="116"/>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="118"/>
        <source>muted</source>
        <translation>stumm</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="120"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="120"/>
        <source>Hold</source>
        <translation>Halten</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="121"/>
        <source>Unmute</source>
        <translation>Stumm aus</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="121"/>
        <source>Mute</source>
        <translation>Stumm</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="122"/>
        <source>DTMF</source>
        <translation>DTMF</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="124"/>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="125"/>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="125"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="125"/>
        <location filename="../qml/AgentDesk.qml" line="160"/>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="126"/>
        <source>Transfer to</source>
        <translation>Weiterleiten an</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="127"/>
        <source>Transfer</source>
        <translation>Weiterleiten</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="129"/>
        <source>Hang up</source>
        <translation>Auflegen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="147"/>
        <source>Wrap-up</source>
        <translation>Nachbearbeitung</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="150"/>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="151"/>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="159"/>
        <source>Outbound call</source>
        <translation>Ausgehender Anruf</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="161"/>
        <source>Dial</source>
        <translation>Wählen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="173"/>
        <source>My queues</source>
        <translation>Meine Warteschlangen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="177"/>
        <source>%1 waiting, longest %2</source>
        <translation>%1 wartend, längste %2</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="184"/>
        <source>Today&apos;s calls</source>
        <translation>Heutige Anrufe</translation>
    </message>
</context>
<context>
    <name>AgentLogin</name>
    <message>
        <location filename="../qml/AgentLogin.qml" line="16"/>
        <location filename="../qml/AgentLogin.qml" line="29"/>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <location filename="../qml/AgentLogin.qml" line="17"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../qml/AgentLogin.qml" line="19"/>
        <source>Agent ID</source>
        <translation>Agenten-ID</translation>
    </message>
    <message>
        <location filename="../qml/AgentLogin.qml" line="21"/>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <location filename="../qml/AgentLogin.qml" line="24"/>
        <source>Station (phone extension)</source>
        <translation>Station (Nebenstelle)</translation>
    </message>
    <message>
        <location filename="../qml/AgentLogin.qml" line="29"/>
        <source>Signing in…</source>
        <translation>Melde an…</translation>
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
        <location filename="../qml/QueueTile.qml" line="38"/>
        <source>waiting</source>
        <translation>wartend</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="39"/>
        <source>longest wait</source>
        <translation>längste Wartezeit</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="40"/>
        <source>service level</source>
        <translation>Servicelevel</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="41"/>
        <source>abandon rate</source>
        <translation>Abbruchquote</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="42"/>
        <source>ready</source>
        <translation>bereit</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="43"/>
        <source>on call</source>
        <translation>im Gespräch</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="44"/>
        <source>wrap-up</source>
        <translation>Nachbearbeitung</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="45"/>
        <source>not ready</source>
        <translation>nicht bereit</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="46"/>
        <source>answered</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="47"/>
        <source>abandoned</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="48"/>
        <source>ASA</source>
        <translation>ASA</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="49"/>
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
        <location filename="../qml/WallboardWindow.qml" line="16"/>
        <source>Acdesk wallboard</source>
        <translation>Acdesk Wallboard</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="46"/>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="46"/>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="49"/>
        <source>page %1 of %2</source>
        <translation>Seite %1 von %2</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="95"/>
        <source>Connection to the server lost – reconnecting…</source>
        <translation>Verbindung zum Server verloren – verbinde neu…</translation>
    </message>
</context>
<context>
    <name>acdesk::client::AgentSession</name>
    <message>
        <location filename="../core/agentsession.cpp" line="107"/>
        <source>There is no call for this.</source>
        <translation>Dafür gibt es keinen Anruf.</translation>
    </message>
</context>
<context>
    <name>acdesk::client::ClientConnection</name>
    <message>
        <location filename="../core/clientconnection.cpp" line="187"/>
        <location filename="../core/clientconnection.cpp" line="370"/>
        <source>The server did not answer in time.</source>
        <translation>Der Server hat nicht rechtzeitig geantwortet.</translation>
    </message>
    <message>
        <location filename="../core/clientconnection.cpp" line="218"/>
        <source>The connection to the server was lost.</source>
        <translation>Die Verbindung zum Server ist verloren gegangen.</translation>
    </message>
    <message>
        <location filename="../core/clientconnection.cpp" line="224"/>
        <source>You logged in somewhere else; this window was signed out.</source>
        <translation>Sie haben sich anderswo angemeldet; dieses Fenster wurde abgemeldet.</translation>
    </message>
    <message>
        <location filename="../core/clientconnection.cpp" line="327"/>
        <source>Not connected to the server; please try again in a moment.</source>
        <translation>Keine Verbindung zum Server; bitte gleich noch einmal versuchen.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/guimain.cpp" line="86"/>
        <location filename="../app/servermain.cpp" line="66"/>
        <source>mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="88"/>
        <source>Server URL (ws:// or wss://).</source>
        <translation>Server-URL (ws:// oder wss://).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="91"/>
        <source>Fullscreen kiosk mode.</source>
        <translation>Vollbild-Kioskmodus.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="93"/>
        <source>Wallboard id.</source>
        <translation>Wallboard-ID.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="96"/>
        <source>Wallboard secret.</source>
        <translation>Wallboard-Geheimnis.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="99"/>
        <source>Queues to show (comma-separated).</source>
        <translation>Anzuzeigende Warteschlangen (durch Kommas getrennt).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="102"/>
        <source>Extra CA certificates (PEM).</source>
        <translation>Zusätzliche CA-Zertifikate (PEM).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="60"/>
        <source>Acdesk demo: a server with simulated calls and agents, plus an agent and a wallboard window.</source>
        <translation>Acdesk-Demo: ein Server mit simulierten Anrufen und Agenten, dazu ein Agenten- und ein Wallboard-Fenster.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="63"/>
        <source>Acdesk ACD server (WebSocket API v1).</source>
        <translation>Acdesk-ACD-Server (WebSocket-API v1).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="68"/>
        <source>JSON config file.</source>
        <translation>JSON-Konfigurationsdatei.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="72"/>
        <source>Data directory (database). Default: %1</source>
        <translation>Datenverzeichnis (Datenbank). Standard: %1</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="77"/>
        <source>Address and port, e.g. 0.0.0.0:8080.</source>
        <translation>Adresse und Port, z. B. 0.0.0.0:8080.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="80"/>
        <source>TLS certificate (PEM).</source>
        <translation>TLS-Zertifikat (PEM).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="83"/>
        <source>TLS private key (PEM).</source>
        <translation>Privater TLS-Schlüssel (PEM).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="86"/>
        <source>Run without windows.</source>
        <translation>Ohne Fenster laufen.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="89"/>
        <source>Simulated calls per hour (Poisson arrivals).</source>
        <translation>Simulierte Anrufe pro Stunde (Poisson-Ankünfte).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="93"/>
        <source>Number of simulated agents.</source>
        <translation>Anzahl simulierter Agenten.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="96"/>
        <source>Mean caller patience in seconds (default 90).</source>
        <translation>Mittlere Geduld der Anrufer in Sekunden (Standard 90).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="100"/>
        <source>Mean talk time in seconds (default 120).</source>
        <translation>Mittlere Gesprächsdauer in Sekunden (Standard 120).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="104"/>
        <source>Seed of the simulator (repeatable runs).</source>
        <translation>Startwert des Simulators (wiederholbare Läufe).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="108"/>
        <source>Logging rules, e.g. &quot;acdesk.*.debug=true&quot; (see QLoggingCategory).</source>
        <translation>Protokollregeln, z. B. "acdesk.*.debug=true" (siehe QLoggingCategory).</translation>
    </message>
</context>
</TS>
