<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AgentCard</name>
    <message numerus="yes">
        <location filename="../qml/AgentCard.qml" line="36"/>
        <source>%n call(s)</source>
        <translation>
            <numerusform>%n Anruf</numerusform>
            <numerusform>%n Anrufe</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AgentDesk</name>
    <message>
        <location filename="../qml/AgentDesk.qml" line="73"/>
        <source>Connection lost – reconnecting…</source>
        <translation>Verbindung verloren – verbinde neu…</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="103"/>
        <source>then: %1</source>
        <translation>danach: %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="44"/>
        <location filename="../qml/AgentDesk.qml" line="106"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="28"/>
        <source>Accept the offered call</source>
        <translation>Angebotenen Anruf annehmen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="29"/>
        <source>Reject the offered call</source>
        <translation>Angebotenen Anruf ablehnen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="31"/>
        <source>Hold or resume</source>
        <translation>Halten oder fortsetzen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="32"/>
        <source>Mute or unmute</source>
        <translation>Stumm schalten oder aufheben</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="33"/>
        <location filename="../qml/AgentDesk.qml" line="238"/>
        <source>Transfer or consult…</source>
        <translation>Weiterleiten oder Rückfrage…</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="34"/>
        <source>Complete the transfer to the consulted party</source>
        <translation>Weiterleitung an den Rückfragepartner abschließen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="36"/>
        <source>Conference: the caller joins the consultation</source>
        <translation>Konferenz: der Anrufer kommt zur Rückfrage dazu</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="38"/>
        <source>Back to the caller (end the consultation)</source>
        <translation>Zurück zum Anrufer (Rückfrage beenden)</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="40"/>
        <source>Keypad (DTMF)</source>
        <translation>Tastenfeld (DTMF)</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="41"/>
        <source>Open the customer record</source>
        <translation>Kundenakte öffnen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="43"/>
        <source>Dial a number</source>
        <translation>Nummer wählen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="45"/>
        <source>Not ready (first reason)</source>
        <translation>Nicht bereit (erster Grund)</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="47"/>
        <source>Show or hide these keys</source>
        <translation>Diese Tasten zeigen oder ausblenden</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="114"/>
        <source>Not ready</source>
        <translation>Nicht bereit</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="121"/>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="125"/>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="169"/>
        <source>%1 asks you about this caller (consultation)</source>
        <translation>%1 hat eine Rückfrage zu diesem Anrufer</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="170"/>
        <source>Call back %1 – the caller asked to be called back</source>
        <translation>Rückruf an %1 – der Anrufer hat um Rückruf gebeten</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="171"/>
        <source>Incoming call on %1</source>
        <translation>Anruf auf %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="172"/>
        <source>Incoming call – %1</source>
        <translation>Anruf – %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="176"/>
        <source>waited %1</source>
        <translation>wartete %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="180"/>
        <source>Accept (Ctrl+Enter)</source>
        <translation>Annehmen (Strg+Enter)</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="181"/>
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="183"/>
        <location filename="../qml/AgentDesk.qml" line="240"/>
        <source>Customer record (Ctrl+O)</source>
        <translation>Kundenakte (Strg+O)</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="203"/>
        <source>On hold</source>
        <translation>Gehalten</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="203"/>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="205"/>
        <source>muted</source>
        <translation>stumm</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="211"/>
        <location filename="../qml/AgentDesk.qml" line="215"/>
        <source>Conference with %1 and the caller</source>
        <translation>Konferenz mit %1 und dem Anrufer</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="212"/>
        <source>%1 consults you; the caller is on hold</source>
        <translation>Rückfrage von %1; der Anrufer wartet</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="213"/>
        <source>Calling %1… The caller is on hold.</source>
        <translation>%1 wird gerufen… Der Anrufer wartet.</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="214"/>
        <source>Talking with %1. The caller is on hold.</source>
        <translation>Gespräch mit %1. Der Anrufer wartet.</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="220"/>
        <source>Complete transfer (Ctrl+E)</source>
        <translation>Weiterleiten (Strg+E)</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="222"/>
        <source>Conference (Ctrl+J)</source>
        <translation>Konferenz (Strg+J)</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="224"/>
        <source>Back to caller (Ctrl+B)</source>
        <translation>Zurück zum Anrufer (Strg+B)</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="229"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="229"/>
        <source>Hold</source>
        <translation>Halten</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="231"/>
        <source>Unmute</source>
        <translation>Stumm aus</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="231"/>
        <source>Mute</source>
        <translation>Stumm</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="232"/>
        <source>Keypad</source>
        <translation>Tastenfeld</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="305"/>
        <source>No call right now. The next caller rings here.</source>
        <translation>Gerade kein Anruf. Der nächste Anrufer klingelt hier.</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="306"/>
        <source>No call. Choose Ready to take calls.</source>
        <translation>Kein Anruf. Mit „Bereit“ nehmen Sie Anrufe an.</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="391"/>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="402"/>
        <source>Ctrl</source>
        <translation>Strg</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="402"/>
        <source>Enter</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="408"/>
        <source>Esc closes this list.</source>
        <translation>Esc schließt diese Liste.</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="233"/>
        <source>Hang up (Ctrl+H)</source>
        <translation>Auflegen (Strg+H)</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="276"/>
        <source>Wrap-up – %1</source>
        <translation>Nachbearbeitung – %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="314"/>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="30"/>
        <source>Hang up</source>
        <translation>Auflegen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="281"/>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="282"/>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="313"/>
        <source>Outbound call</source>
        <translation>Ausgehender Anruf</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="315"/>
        <source>Dial</source>
        <translation>Wählen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="332"/>
        <source>My queues</source>
        <translation>Meine Warteschlangen</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="350"/>
        <source>%1 waiting, longest %2</source>
        <translation>%1 wartend, längste %2</translation>
    </message>
    <message>
        <location filename="../qml/AgentDesk.qml" line="354"/>
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
    <message>
        <location filename="../qml/AgentLogin.qml" line="65"/>
        <source>Testing…</source>
        <translation>Teste…</translation>
    </message>
    <message>
        <location filename="../qml/AgentLogin.qml" line="65"/>
        <source>Test connection</source>
        <translation>Verbindung testen</translation>
    </message>
</context>
<context>
    <name>AgentTransferDialog</name>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="27"/>
        <source>Transfer or consult</source>
        <translation>Weiterleiten oder Rückfrage</translation>
    </message>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="29"/>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="29"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="29"/>
        <location filename="../qml/AgentTransferDialog.qml" line="36"/>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="36"/>
        <source>Agent ID</source>
        <translation>Agenten-ID</translation>
    </message>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="38"/>
        <source>Transfer</source>
        <translation>Weiterleiten</translation>
    </message>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="45"/>
        <source>Consult first</source>
        <translation>Erst Rückfrage</translation>
    </message>
    <message>
        <location filename="../qml/AgentTransferDialog.qml" line="52"/>
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
        <location filename="../qml/AgentWindow.qml" line="17"/>
        <source>Acdesk agent – %1</source>
        <translation>Acdesk Agent – %1</translation>
    </message>
    <message>
        <location filename="../qml/AgentWindow.qml" line="17"/>
        <source>Acdesk agent</source>
        <translation>Acdesk Agent</translation>
    </message>
    <message>
        <location filename="../qml/AgentWindow.qml" line="57"/>
        <source>Do not disturb is on: no desktop notifications</source>
        <translation>„Bitte nicht stören“ ist an: keine Desktop-Benachrichtigungen</translation>
    </message>
    <message>
        <location filename="../qml/AgentWindow.qml" line="62"/>
        <source>Sound and notifications…</source>
        <translation>Ton und Benachrichtigungen…</translation>
    </message>
    <message>
        <location filename="../qml/AgentWindow.qml" line="78"/>
        <source>Ring tone</source>
        <translation>Klingelton</translation>
    </message>
    <message>
        <location filename="../qml/AgentWindow.qml" line="88"/>
        <source>Volume</source>
        <translation>Lautstärke</translation>
    </message>
    <message>
        <location filename="../qml/AgentWindow.qml" line="96"/>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <location filename="../qml/AgentWindow.qml" line="106"/>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <location filename="../qml/AgentWindow.qml" line="109"/>
        <source>Desktop notifications while the window is in the background</source>
        <translation>Desktop-Benachrichtigungen, während das Fenster im Hintergrund ist</translation>
    </message>
    <message>
        <location filename="../qml/AgentWindow.qml" line="113"/>
        <source>Test</source>
        <translation>Testen</translation>
    </message>
    <message>
        <location filename="../qml/AgentWindow.qml" line="114"/>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>ConnectionDoctor</name>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="247"/>
        <source>The network between here and the server inspects plain WebSocket traffic.</source>
        <translation>Das Netz zwischen hier und dem Server untersucht unverschlüsselten WebSocket-Verkehr.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="251"/>
        <source>Use wss:// on port 443: TLS hides the upgrade from the inspecting firewall or proxy (run the server with --tls-cert/--tls-key, or nginx in front).</source>
        <translation>wss:// auf Port 443 verwenden: TLS verbirgt das Upgrade vor der prüfenden Firewall oder dem Proxy (Server mit --tls-cert/--tls-key starten oder nginx davorschalten).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="281"/>
        <source>&quot;%1&quot; is not a WebSocket URL.</source>
        <translation>„%1“ ist keine WebSocket-URL.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="282"/>
        <source>Give the server as ws://HOST:PORT/ws or wss://HOST/ws.</source>
        <translation>Den Server als ws://HOST:PORT/ws oder wss://HOST/ws angeben.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="315"/>
        <source>--proxy none</source>
        <translation>--proxy none</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="323"/>
        <source>&quot;%1&quot; is not an HTTP proxy address.</source>
        <translation>„%1“ ist keine HTTP-Proxy-Adresse.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="324"/>
        <source>Give the proxy as --proxy http://HOST:PORT.</source>
        <translation>Den Proxy als --proxy http://HOST:PORT angeben.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="329"/>
        <source>--proxy</source>
        <translation>--proxy</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="342"/>
        <location filename="../core/connectiondoctor.cpp" line="346"/>
        <source>the system&apos;s proxy settings</source>
        <translation>Proxy-Einstellungen des Systems</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="356"/>
        <source>The proxy %1 is given as an IP address; the proxy resolves %2.</source>
        <translation>Der Proxy %1 ist als IP-Adresse angegeben; der Proxy löst %2 auf.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="358"/>
        <source>%1 is an IP address; nothing to resolve.</source>
        <translation>%1 ist eine IP-Adresse; nichts aufzulösen.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="364"/>
        <source>The proxy&apos;s name %1 cannot be resolved: %2.</source>
        <translation>Der Name des Proxys %1 lässt sich nicht auflösen: %2.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="365"/>
        <source>The name %1 cannot be resolved: %2.</source>
        <translation>Der Name %1 lässt sich nicht auflösen: %2.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="366"/>
        <source>Check the spelling of the name and the DNS settings (/etc/resolv.conf), or use the server&apos;s IP address.</source>
        <translation>Schreibweise des Namens und DNS-Einstellungen (/etc/resolv.conf) prüfen oder die IP-Adresse des Servers verwenden.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="379"/>
        <source>The proxy %1 resolves to %2; the proxy resolves %3.</source>
        <translation>Der Proxy %1 hat die Adresse %2; der Proxy löst %3 auf.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="381"/>
        <source>%1 resolves to %2.</source>
        <translation>%1 hat die Adresse %2.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="406"/>
        <source>Connected to the proxy at %1 in %2 ms.</source>
        <translation>Verbunden mit dem Proxy %1 in %2 ms.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="407"/>
        <source>Connected to %1 in %2 ms.</source>
        <translation>Verbunden mit %1 in %2 ms.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="413"/>
        <source>The proxy at %1 refused the connection: nothing listens there.</source>
        <translation>Der Proxy %1 hat die Verbindung abgelehnt: dort lauscht nichts.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="414"/>
        <source>%1 refused the connection: nothing listens on port %2, or a firewall rejects it.</source>
        <translation>%1 hat die Verbindung abgelehnt: auf Port %2 lauscht nichts, oder eine Firewall weist sie ab.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="418"/>
        <source>Check the proxy address and port (--proxy or http_proxy).</source>
        <translation>Adresse und Port des Proxys prüfen (--proxy oder http_proxy).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="419"/>
        <source>Start the server (systemctl status acdesk-server), check the port in the URL, and open TCP port %1 on the server&apos;s firewall.</source>
        <translation>Den Server starten (systemctl status acdesk-server), den Port in der URL prüfen und TCP-Port %1 in der Firewall des Servers öffnen.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="425"/>
        <source>No answer from %1 within %2 s: a firewall drops the packets, or the host is down.</source>
        <translation>Keine Antwort von %1 innerhalb von %2 s: eine Firewall verwirft die Pakete, oder der Rechner ist aus.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="428"/>
        <source>Check that the proxy runs and that this machine may reach it.</source>
        <translation>Prüfen, ob der Proxy läuft und dieser Rechner ihn erreichen darf.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="429"/>
        <source>Open TCP port %1 on the firewalls between here and the server, or use wss:// on port 443, which most networks allow.</source>
        <translation>TCP-Port %1 in den Firewalls zwischen hier und dem Server öffnen oder wss:// auf Port 443 verwenden, den die meisten Netze erlauben.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="433"/>
        <source>Cannot connect to %1: %2.</source>
        <translation>Keine Verbindung zu %1: %2.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="434"/>
        <source>Check the network connection and the address in the URL.</source>
        <translation>Netzwerkverbindung und Adresse in der URL prüfen.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="441"/>
        <source>No proxy (%1): the connection is direct.</source>
        <translation>Kein Proxy (%1): die Verbindung ist direkt.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="460"/>
        <source>The proxy %1 (from %2) did not answer CONNECT %3 within %4 s.</source>
        <translation>Der Proxy %1 (aus %2) hat CONNECT %3 nicht innerhalb von %4 s beantwortet.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="462"/>
        <source>The proxy %1 (from %2) closed the connection without answering CONNECT %3.</source>
        <translation>Der Proxy %1 (aus %2) hat die Verbindung geschlossen, ohne CONNECT %3 zu beantworten.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="465"/>
        <source>Check that %1 is an HTTP proxy that supports CONNECT.</source>
        <translation>Prüfen, ob %1 ein HTTP-Proxy ist, der CONNECT unterstützt.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="470"/>
        <source>The proxy %1 (from %2) opened a tunnel to %3: %4.</source>
        <translation>Der Proxy %1 (aus %2) hat einen Tunnel zu %3 geöffnet: %4.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="473"/>
        <source>The proxy %1 (from %2) refused CONNECT %3: %4.</source>
        <translation>Der Proxy %1 (aus %2) hat CONNECT %3 abgelehnt: %4.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="478"/>
        <source>The proxy is %1.</source>
        <translation>Der Proxy ist %1.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="481"/>
        <source>The proxy wants credentials: give them as --proxy http://USER:PASSWORD@HOST:PORT or in the system&apos;s proxy settings.</source>
        <translation>Der Proxy verlangt Zugangsdaten: als --proxy http://BENUTZER:PASSWORT@HOST:PORT oder in den Proxy-Einstellungen des Systems angeben.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="486"/>
        <source>The proxy could not reach %1.</source>
        <translation>Der Proxy konnte %1 nicht erreichen.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="487"/>
        <source>Check that the server runs and listens on port %1, and that the proxy may reach it through its firewall.</source>
        <translation>Prüfen, ob der Server läuft und auf Port %1 lauscht und ob der Proxy ihn durch seine Firewall erreichen darf.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="492"/>
        <source>Ask the proxy&apos;s administrator to allow CONNECT to %1.</source>
        <translation>Den Administrator des Proxys bitten, CONNECT zu %1 zu erlauben.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="495"/>
        <source>Ask the proxy&apos;s administrator to allow CONNECT to port %1 (tinyproxy: &quot;ConnectPort %1&quot;; Squid: add it to SSL_ports), or use wss:// on port 443, which proxies allow by default.</source>
        <translation>Den Administrator des Proxys bitten, CONNECT zu Port %1 zu erlauben (tinyproxy: „ConnectPort %1“; Squid: in SSL_ports aufnehmen), oder wss:// auf Port 443 verwenden, den Proxys standardmäßig erlauben.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="506"/>
        <source>This program has no TLS support (no OpenSSL found).</source>
        <translation>Dieses Programm hat keine TLS-Unterstützung (kein OpenSSL gefunden).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="507"/>
        <source>Install the OpenSSL library (Debian: libssl3).</source>
        <translation>Die OpenSSL-Bibliothek installieren (Debian: libssl3).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="513"/>
        <source>No certificate could be read from %1.</source>
        <translation>Aus %1 ließ sich kein Zertifikat lesen.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="514"/>
        <source>Give --ca a PEM file with the issuing CA certificate.</source>
        <translation>--ca eine PEM-Datei mit dem Zertifikat der ausstellenden CA übergeben.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="534"/>
        <source>No TLS answer from %1:%2 within %3 s.</source>
        <translation>Keine TLS-Antwort von %1:%2 innerhalb von %3 s.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="535"/>
        <source>The TLS handshake with %1:%2 failed: %3.</source>
        <translation>Der TLS-Handshake mit %1:%2 ist fehlgeschlagen: %3.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="539"/>
        <source>Port %1 may not speak TLS: use ws:// for a plain port, or the server&apos;s TLS port (443, --tls-cert/--tls-key, or nginx) for wss://.</source>
        <translation>Port %1 spricht vielleicht kein TLS: für einen unverschlüsselten Port ws:// verwenden, für wss:// den TLS-Port des Servers (443, --tls-cert/--tls-key oder nginx).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="551"/>
        <source>%1, %2; chain: %3.</source>
        <translation>%1, %2; Kette: %3.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="563"/>
        <source>The server&apos;s certificate expired yesterday (on %1).</source>
        <translation>Das Zertifikat des Servers ist gestern abgelaufen (am %1).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="564"/>
        <source>The server&apos;s certificate expired %1 days ago (on %2).</source>
        <translation>Das Zertifikat des Servers ist vor %1 Tagen abgelaufen (am %2).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="567"/>
        <source>Renew the certificate (Let&apos;s Encrypt: certbot renew), then restart the server or reload nginx.</source>
        <translation>Das Zertifikat erneuern (Let&apos;s Encrypt: certbot renew), dann den Server neu starten oder nginx neu laden.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="571"/>
        <source>The server&apos;s certificate is not valid before %1.</source>
        <translation>Das Zertifikat des Servers gilt erst ab %1.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="574"/>
        <source>Check the clock of this computer and of the server.</source>
        <translation>Die Uhr dieses Rechners und des Servers prüfen.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="578"/>
        <source>The certificate is for %1, not for %2.</source>
        <translation>Das Zertifikat gilt für %1, nicht für %2.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="579"/>
        <source>Connect with a name the certificate carries, or get a certificate whose subjectAltName includes %1.</source>
        <translation>Mit einem Namen verbinden, den das Zertifikat enthält, oder ein Zertifikat besorgen, dessen subjectAltName %1 enthält.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="590"/>
        <source>The certificate chain is not trusted: %1.</source>
        <translation>Der Zertifikatskette wird nicht vertraut: %1.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="592"/>
        <source>Use a certificate from a public CA (Let&apos;s Encrypt), or trust the issuing CA: --ca FILE, or copy it to /usr/local/share/ca-certificates/ and run update-ca-certificates.</source>
        <translation>Ein Zertifikat einer öffentlichen CA (Let&apos;s Encrypt) verwenden oder der ausstellenden CA vertrauen: --ca DATEI, oder sie nach /usr/local/share/ca-certificates/ kopieren und update-ca-certificates ausführen.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="608"/>
        <source>(The remaining steps run anyway, to find further problems.)</source>
        <translation>(Die übrigen Schritte laufen trotzdem, um weitere Probleme zu finden.)</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="613"/>
        <source>Certificate valid for %1; expires tomorrow (%2).</source>
        <translation>Zertifikat gültig für %1; läuft morgen ab (%2).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="614"/>
        <source>Certificate valid for %1; expires in %2 days (%3).</source>
        <translation>Zertifikat gültig für %1; läuft in %2 Tagen ab (%3).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="619"/>
        <source>Renew the certificate soon (Let&apos;s Encrypt: certbot renew).</source>
        <translation>Das Zertifikat bald erneuern (Let&apos;s Encrypt: certbot renew).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="650"/>
        <source>No answer to the WebSocket upgrade (GET %1) within %2 s, although TCP works.</source>
        <translation>Keine Antwort auf das WebSocket-Upgrade (GET %1) innerhalb von %2 s, obwohl TCP funktioniert.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="653"/>
        <source>The connection was closed without an answer to the WebSocket upgrade (GET %1), although TCP works.</source>
        <translation>Die Verbindung wurde ohne Antwort auf das WebSocket-Upgrade (GET %1) geschlossen, obwohl TCP funktioniert.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="660"/>
        <source>Check the reverse proxy in front of the server: it must pass the Upgrade and Connection headers (see nginx-acdesk.conf in the examples), and the server&apos;s log.</source>
        <translation>Den Reverse-Proxy vor dem Server prüfen: er muss die Header Upgrade und Connection weitergeben (siehe nginx-acdesk.conf in den Beispielen); außerdem das Protokoll des Servers.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="678"/>
        <source>GET %1 was answered with &quot;%2&quot;.</source>
        <translation>GET %1 wurde mit „%2“ beantwortet.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="689"/>
        <source>no Upgrade header</source>
        <translation>kein Upgrade-Header</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="692"/>
        <source>GET %1 was answered with &quot;%2&quot; instead of &quot;101 Switching Protocols&quot; (%3).</source>
        <translation>GET %1 wurde mit „%2“ statt „101 Switching Protocols“ beantwortet (%3).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="696"/>
        <source>Body: &quot;%1&quot;.</source>
        <translation>Inhalt: „%1“.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="701"/>
        <source>The Sec-WebSocket-Accept key is wrong: something between here and the server rewrote the handshake.</source>
        <translation>Der Sec-WebSocket-Accept-Schlüssel ist falsch: etwas zwischen hier und dem Server hat den Handshake verändert.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="703"/>
        <source>Check the reverse proxy in front of the server.</source>
        <translation>Den Reverse-Proxy vor dem Server prüfen.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="706"/>
        <source>The server&apos;s WebSocket endpoint is /ws.</source>
        <translation>Der WebSocket-Endpunkt des Servers ist /ws.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="707"/>
        <source>Use the path /ws: %1://%2:%3/ws.</source>
        <translation>Den Pfad /ws verwenden: %1://%2:%3/ws.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="712"/>
        <source>The server only accepts listed origins: add this one to server.allowedOrigins in its config.</source>
        <translation>Der Server akzeptiert nur aufgeführte Origins: diesen in server.allowedOrigins seiner Konfiguration aufnehmen.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="717"/>
        <source>A reverse proxy answered, but it cannot reach the Acdesk server.</source>
        <translation>Ein Reverse-Proxy hat geantwortet, erreicht aber den Acdesk-Server nicht.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="718"/>
        <source>Start the server (systemctl status acdesk-server) and check that the reverse proxy&apos;s proxy_pass points to its address and port.</source>
        <translation>Den Server starten (systemctl status acdesk-server) und prüfen, ob proxy_pass des Reverse-Proxys auf seine Adresse und seinen Port zeigt.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="723"/>
        <source>The server redirects to %1: use that address (https:// becomes wss://).</source>
        <translation>Der Server leitet auf %1 um: diese Adresse verwenden (aus https:// wird wss://).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="730"/>
        <source>Something in front of the server refused the upgrade.</source>
        <translation>Etwas vor dem Server hat das Upgrade abgelehnt.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="731"/>
        <source>Make the reverse proxy pass the Upgrade and Connection headers to the server (see nginx-acdesk.conf in the examples).</source>
        <translation>Den Reverse-Proxy die Header Upgrade und Connection an den Server weitergeben lassen (siehe nginx-acdesk.conf in den Beispielen).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="740"/>
        <source>The server selected the subprotocol acdesk.v1.</source>
        <translation>Der Server hat das Subprotokoll acdesk.v1 gewählt.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="743"/>
        <source>The server selected no subprotocol although acdesk.v1 was offered.</source>
        <translation>Der Server hat kein Subprotokoll gewählt, obwohl acdesk.v1 angeboten wurde.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="744"/>
        <source>Update the Acdesk server, and make sure a reverse proxy passes the Sec-WebSocket-Protocol header.</source>
        <translation>Den Acdesk-Server aktualisieren und sicherstellen, dass ein Reverse-Proxy den Header Sec-WebSocket-Protocol weitergibt.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="748"/>
        <source>The server selected the subprotocol &quot;%1&quot; instead of acdesk.v1.</source>
        <translation>Der Server hat das Subprotokoll „%1“ statt acdesk.v1 gewählt.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="750"/>
        <location filename="../core/connectiondoctor.cpp" line="783"/>
        <source>Check that the URL points to an Acdesk server.</source>
        <translation>Prüfen, ob die URL auf einen Acdesk-Server zeigt.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="762"/>
        <source>No hello from the server within %1 s after the upgrade.</source>
        <translation>Kein hello vom Server innerhalb von %1 s nach dem Upgrade.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="763"/>
        <source>The connection was closed before the server&apos;s hello arrived.</source>
        <translation>Die Verbindung wurde geschlossen, bevor das hello des Servers ankam.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="764"/>
        <source>Check the server&apos;s log; a reverse proxy must not buffer the WebSocket stream (nginx: proxy_buffering off).</source>
        <translation>Das Protokoll des Servers prüfen; ein Reverse-Proxy darf den WebSocket-Datenstrom nicht puffern (nginx: proxy_buffering off).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="771"/>
        <source>The server closed the WebSocket instead of saying hello (code %1%2).</source>
        <translation>Der Server hat den WebSocket geschlossen, statt hello zu senden (Code %1%2).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="776"/>
        <source>Check the server&apos;s log.</source>
        <translation>Das Protokoll des Servers prüfen.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="781"/>
        <source>The first message was not a hello: &quot;%1&quot;.</source>
        <translation>Die erste Nachricht war kein hello: „%1“.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="785"/>
        <source>hello from %1 (protocol %2) %3 ms after the upgrade.</source>
        <translation>hello von %1 (Protokoll %2) %3 ms nach dem Upgrade.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="811"/>
        <source>No answer to a WebSocket ping within %1 s.</source>
        <translation>Keine Antwort auf einen WebSocket-Ping innerhalb von %1 s.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="812"/>
        <source>The connection was closed during the ping.</source>
        <translation>Die Verbindung wurde während des Pings geschlossen.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="813"/>
        <source>Check the reverse proxy&apos;s read timeouts (nginx: proxy_read_timeout).</source>
        <translation>Die Lese-Timeouts des Reverse-Proxys prüfen (nginx: proxy_read_timeout).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="816"/>
        <source>Round trip (WebSocket ping) %1 ms.</source>
        <translation>Umlaufzeit (WebSocket-Ping) %1 ms.</translation>
    </message>
</context>
<context>
    <name>QueueTile</name>
    <message>
        <location filename="../qml/QueueTile.qml" line="100"/>
        <source>waiting</source>
        <translation>wartend</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="101"/>
        <source>longest wait</source>
        <translation>längste Wartezeit</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="77"/>
        <source>no agents logged in</source>
        <translation>keine Agenten angemeldet</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="86"/>
        <source>closed</source>
        <translation>geschlossen</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="90"/>
        <source>offered %1</source>
        <translation>angeboten %1</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="102"/>
        <source>service level %1 s</source>
        <translation>Servicelevel %1 s</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="105"/>
        <source>abandon rate</source>
        <translation>Abbruchquote</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="106"/>
        <source>ready</source>
        <translation>bereit</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="107"/>
        <source>on call</source>
        <translation>im Gespräch</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="108"/>
        <source>wrap-up</source>
        <translation>Nachbearbeitung</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="109"/>
        <source>not ready</source>
        <translation>nicht bereit</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="110"/>
        <source>answered</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="111"/>
        <source>abandoned</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="112"/>
        <source>ASA</source>
        <translation>ASA</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="113"/>
        <source>AHT</source>
        <translation>AHT</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="114"/>
        <source>estimated wait</source>
        <translation>erw. Wartezeit</translation>
    </message>
    <message>
        <location filename="../qml/QueueTile.qml" line="118"/>
        <source>agents needed</source>
        <translation>Agenten benötigt</translation>
    </message>
</context>
<context>
    <name>SupervisorAdmin</name>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="20"/>
        <source>Agents</source>
        <translation>Agenten</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="21"/>
        <source>Queues</source>
        <translation>Warteschlangen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="22"/>
        <source>Hotlines</source>
        <translation>Hotlines</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="23"/>
        <source>Not-ready reasons</source>
        <translation>Pausengründe</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="24"/>
        <source>Dispositions</source>
        <translation>Abschlusscodes</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="25"/>
        <source>Supervisors</source>
        <translation>Supervisoren</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="26"/>
        <source>Wallboards</source>
        <translation>Wallboards</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="27"/>
        <source>Gateways</source>
        <translation>Gateways</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="40"/>
        <location filename="../qml/SupervisorAdmin.qml" line="46"/>
        <location filename="../qml/SupervisorAdmin.qml" line="73"/>
        <location filename="../qml/SupervisorAdmin.qml" line="77"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="41"/>
        <location filename="../qml/SupervisorAdmin.qml" line="47"/>
        <location filename="../qml/SupervisorAdmin.qml" line="65"/>
        <location filename="../qml/SupervisorAdmin.qml" line="74"/>
        <location filename="../qml/SupervisorAdmin.qml" line="78"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="42"/>
        <source>Queues (queue or queue:penalty, comma-separated)</source>
        <translation>Warteschlangen (Warteschlange oder Warteschlange:Malus, durch Kommas getrennt)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="43"/>
        <source>Skills (skill=level, comma-separated)</source>
        <translation>Fähigkeiten (Fähigkeit=Stufe, durch Kommas getrennt)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="44"/>
        <source>Penalty</source>
        <translation>Malus</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="48"/>
        <source>Strategy</source>
        <translation>Strategie</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="49"/>
        <source>Service level target (seconds)</source>
        <translation>Servicelevel-Ziel (Sekunden)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="50"/>
        <source>Offer timeout (seconds)</source>
        <translation>Klingelzeit (Sekunden)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="51"/>
        <source>Wrap-up (seconds)</source>
        <translation>Nachbearbeitung (Sekunden)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="52"/>
        <source>Maximum wait (seconds)</source>
        <translation>Höchste Wartezeit (Sekunden)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="53"/>
        <source>Overflow to</source>
        <translation>Überlauf nach</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="54"/>
        <source>When nobody is logged in</source>
        <translation>Wenn niemand angemeldet ist</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="55"/>
        <source>Waiting calls: amber from</source>
        <translation>Wartende Anrufe: gelb ab</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="56"/>
        <source>Waiting calls: red from</source>
        <translation>Wartende Anrufe: rot ab</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="57"/>
        <source>Longest wait: amber from (seconds)</source>
        <translation>Längste Wartezeit: gelb ab (Sekunden)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="58"/>
        <source>Longest wait: red from (seconds)</source>
        <translation>Längste Wartezeit: rot ab (Sekunden)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="59"/>
        <source>Service level: amber below</source>
        <translation>Servicelevel: gelb unter</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="60"/>
        <source>Service level: red below</source>
        <translation>Servicelevel: rot unter</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="61"/>
        <source>Escalation (after seconds=max penalty, comma-separated)</source>
        <translation>Eskalation (nach Sekunden=höchster Malus, durch Kommas getrennt)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="62"/>
        <source>Required skills (skill=level)</source>
        <translation>Benötigte Fähigkeiten (Fähigkeit=Stufe)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="64"/>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="66"/>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="67"/>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="70"/>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="71"/>
        <source>Label</source>
        <translation>Bezeichnung</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="75"/>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="197"/>
        <source>Agent %1 is added and can log in at once.</source>
        <translation>Agent %1 kommt hinzu und kann sich sofort anmelden.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="198"/>
        <source>Agent %1 is removed: no more offers; a call in progress is finished first, then the agent is signed out.</source>
        <translation>Agent %1 wird entfernt: keine Angebote mehr; ein laufendes Gespräch wird zu Ende geführt, danach wird der Agent abgemeldet.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="199"/>
        <source>Agent %1 changes: calls in progress go on; the next offers follow the new queues and skills.</source>
        <translation>Agent %1 ändert sich: laufende Gespräche gehen weiter; die nächsten Angebote folgen den neuen Warteschlangen und Fähigkeiten.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="201"/>
        <source>Queue %1 is added.</source>
        <translation>Warteschlange %1 kommt hinzu.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="202"/>
        <source>Queue %1 is removed: its waiting callers move to its overflow queue (refused if it has none).</source>
        <translation>Warteschlange %1 wird entfernt: ihre wartenden Anrufer wechseln in die Überlauf-Warteschlange (abgelehnt, wenn es keine gibt).</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="203"/>
        <source>Queue %1 changes: applies to the next decision; waiting calls keep their place.</source>
        <translation>Warteschlange %1 ändert sich: gilt ab der nächsten Entscheidung; wartende Anrufe behalten ihren Platz.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="205"/>
        <source>%1 %2 is added or changed.</source>
        <translation>%1 %2 kommt hinzu oder ändert sich.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="206"/>
        <source>%1 %2 is removed; its sessions are signed out.</source>
        <translation>%1 %2 wird entfernt; seine Sitzungen werden abgemeldet.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="210"/>
        <source>Nothing changes.</source>
        <translation>Nichts ändert sich.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="211"/>
        <source>No call is dropped and no other session is signed out.</source>
        <translation>Kein Anruf wird getrennt und keine andere Sitzung abgemeldet.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="276"/>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="277"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="344"/>
        <source>New password (at least 8 characters)</source>
        <translation>Neues Passwort (mindestens 8 Zeichen)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="348"/>
        <source>Set password</source>
        <translation>Passwort setzen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="375"/>
        <source>Saving…</source>
        <translation>Speichert…</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="375"/>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="381"/>
        <source>Revert</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="394"/>
        <source>Apply this change now?</source>
        <translation>Diese Änderung jetzt übernehmen?</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="402"/>
        <source>Apply</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAdmin.qml" line="403"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>SupervisorAudit</name>
    <message>
        <location filename="../qml/SupervisorAudit.qml" line="25"/>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAudit.qml" line="27"/>
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAudit.qml" line="29"/>
        <source>Action, e.g. agent.forceState</source>
        <translation>Aktion, z. B. agent.forceState</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAudit.qml" line="30"/>
        <source>Who, e.g. supervisor/boss</source>
        <translation>Wer, z. B. supervisor/boss</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAudit.qml" line="31"/>
        <source>Whom, e.g. 1001</source>
        <translation>Wen, z. B. 1001</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAudit.qml" line="32"/>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorAudit.qml" line="63"/>
        <source>No entries for these days and filters.</source>
        <translation>Keine Einträge für diese Tage und Filter.</translation>
    </message>
</context>
<context>
    <name>SupervisorBarChart</name>
    <message>
        <location filename="../qml/SupervisorBarChart.qml" line="12"/>
        <source>offered</source>
        <translation>angeboten</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorBarChart.qml" line="13"/>
        <source>answered</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorBarChart.qml" line="14"/>
        <source>abandoned</source>
        <translation>abgebrochen</translation>
    </message>
</context>
<context>
    <name>SupervisorBroadcast</name>
    <message>
        <location filename="../qml/SupervisorBroadcast.qml" line="17"/>
        <source>Message to agents and wallboards</source>
        <translation>Nachricht an Agenten und Wallboards</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorBroadcast.qml" line="24"/>
        <source>e.g. Network outage in Berlin – expect more calls</source>
        <translation>z. B. Netzstörung in Berlin – mit mehr Anrufen rechnen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorBroadcast.qml" line="28"/>
        <source>%1 of %2 characters</source>
        <translation>%1 von %2 Zeichen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorBroadcast.qml" line="32"/>
        <source>Severity</source>
        <translation>Dringlichkeit</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorBroadcast.qml" line="35"/>
        <source>Info</source>
        <translation>Info</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorBroadcast.qml" line="36"/>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorBroadcast.qml" line="37"/>
        <source>Alert</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorBroadcast.qml" line="51"/>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
</context>
<context>
    <name>SupervisorFloor</name>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="50"/>
        <source>Agents</source>
        <translation>Agenten</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="86"/>
        <source>disconnected</source>
        <translation>Verbindung getrennt</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/SupervisorFloor.qml" line="88"/>
        <source>%n call(s)</source>
        <translation>
            <numerusform>%n Anruf</numerusform>
            <numerusform>%n Anrufe</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="94"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="100"/>
        <source>Not ready…</source>
        <translation>Nicht bereit…</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="106"/>
        <source>Log out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="116"/>
        <source>No agents configured</source>
        <translation>Keine Agenten eingerichtet</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="131"/>
        <source>Set agent ready?</source>
        <translation>Agent auf bereit setzen?</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="132"/>
        <source>Set agent not ready?</source>
        <translation>Agent auf nicht bereit setzen?</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="133"/>
        <source>Log agent out?</source>
        <translation>Agent abmelden?</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="143"/>
        <source>%1 will be offered calls at once.</source>
        <translation>%1 bekommt sofort Anrufe angeboten.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="144"/>
        <source>%1 will receive no calls until set ready again.</source>
        <translation>%1 bekommt keine Anrufe, bis wieder auf bereit gesetzt.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="145"/>
        <source>%1 will be logged out. The agent&apos;s application stays open but signed off.</source>
        <translation>%1 wird abgemeldet. Die Anwendung des Agenten bleibt offen, aber abgemeldet.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="147"/>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="157"/>
        <source>Supervisor (no reason)</source>
        <translation>Supervisor (ohne Grund)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="167"/>
        <source>Confirm</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorFloor.qml" line="168"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>SupervisorReports</name>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="51"/>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="54"/>
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="61"/>
        <source>Hourly</source>
        <translation>Stündlich</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="66"/>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="66"/>
        <source>Show report</source>
        <translation>Bericht anzeigen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="76"/>
        <source>CSV file</source>
        <translation>CSV-Datei</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="81"/>
        <source>Export CSV</source>
        <translation>CSV exportieren</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="87"/>
        <source>Queues per day</source>
        <translation>Warteschlangen pro Tag</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="89"/>
        <source>No calls in this period.</source>
        <translation>Keine Anrufe in diesem Zeitraum.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="89"/>
        <source>Choose the days and press Show report.</source>
        <translation>Tage wählen und „Bericht anzeigen“ drücken.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="97"/>
        <location filename="../qml/SupervisorReports.qml" line="154"/>
        <source>Day</source>
        <translation>Tag</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="98"/>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="99"/>
        <source>Offered</source>
        <translation>Angeboten</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="100"/>
        <source>Answered</source>
        <translation>Angenommen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="101"/>
        <source>Abandoned</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="102"/>
        <source>Short</source>
        <translation>Kurz</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="103"/>
        <source>Service level</source>
        <translation>Servicelevel</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="104"/>
        <source>ASA</source>
        <translation>ASA</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="105"/>
        <source>AHT</source>
        <translation>AHT</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="106"/>
        <source>Abandon rate</source>
        <translation>Abbruchquote</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="107"/>
        <source>Reachability</source>
        <translation>Erreichbarkeit</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="108"/>
        <source>Longest wait</source>
        <translation>Längste Wartezeit</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="111"/>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="112"/>
        <source>Timed out</source>
        <translation>Max. Wartezeit</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="113"/>
        <source>Callback requests</source>
        <translation>Rückrufwünsche</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="114"/>
        <source>Called back</source>
        <translation>Zurückgerufen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="115"/>
        <source>Callbacks failed</source>
        <translation>Rückruf gescheitert</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="122"/>
        <source>Calls per hour</source>
        <translation>Anrufe pro Stunde</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="129"/>
        <source>All queues</source>
        <translation>Alle Warteschlangen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="147"/>
        <source>Agents per day</source>
        <translation>Agenten pro Tag</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="155"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="156"/>
        <source>Logged in</source>
        <translation>Angemeldet</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="157"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="158"/>
        <source>Talk</source>
        <translation>Gespräch</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="159"/>
        <source>Wrap-up</source>
        <translation>Nachbearbeitung</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="160"/>
        <source>Not ready</source>
        <translation>Nicht bereit</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="161"/>
        <source>Not ready by reason</source>
        <translation>Nicht bereit nach Grund</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorReports.qml" line="162"/>
        <source>Calls handled</source>
        <translation>Bearbeitete Anrufe</translation>
    </message>
</context>
<context>
    <name>SupervisorView</name>
    <message>
        <location filename="../qml/SupervisorView.qml" line="42"/>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="43"/>
        <source>reconnecting</source>
        <translation>verbinde neu</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="44"/>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="45"/>
        <source>connecting</source>
        <translation>verbinde</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="58"/>
        <source>Supervisor sign in</source>
        <translation>Supervisor-Anmeldung</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="59"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="62"/>
        <source>Supervisor ID</source>
        <translation>Supervisor-ID</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="65"/>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="72"/>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="72"/>
        <source>Signing in…</source>
        <translation>Melde an…</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="91"/>
        <source>Acdesk supervisor</source>
        <translation>Acdesk Supervisor</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="110"/>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="128"/>
        <source>Broadcast from %1: %2</source>
        <translation>Rundruf von %1: %2</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="138"/>
        <source>Floor</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="139"/>
        <source>Waiting calls (%1)</source>
        <translation>Wartende Anrufe (%1)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="140"/>
        <source>Broadcast</source>
        <translation>Rundruf</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="143"/>
        <source>Abandoned callers (%1)</source>
        <translation>Abgebrochene Anrufer (%1)</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="145"/>
        <source>Reports</source>
        <translation>Berichte</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="146"/>
        <source>Audit log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="147"/>
        <source>Administration</source>
        <translation>Verwaltung</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorView.qml" line="170"/>
        <source>Only administrators (supervisors with &quot;admin&quot;: true in the config) change the configuration here.</source>
        <translation>Nur Administratoren (Supervisoren mit &quot;admin&quot;: true in der Konfiguration) ändern hier die Konfiguration.</translation>
    </message>
</context>
<context>
    <name>SupervisorWaitingCalls</name>
    <message>
        <location filename="../qml/SupervisorWaitingCalls.qml" line="22"/>
        <source>ringing</source>
        <translation>klingelt</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWaitingCalls.qml" line="22"/>
        <source>queued</source>
        <translation>wartet</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWaitingCalls.qml" line="23"/>
        <source>%1, call back</source>
        <translation>%1, Rückruf</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWaitingCalls.qml" line="36"/>
        <source>No calls are waiting.</source>
        <translation>Keine wartenden Anrufe.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWaitingCalls.qml" line="53"/>
        <source>%1 – %2 waiting</source>
        <translation>%1 – %2 wartend</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWaitingCalls.qml" line="61"/>
        <source>Caller</source>
        <translation>Anrufer</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWaitingCalls.qml" line="62"/>
        <source>Wait</source>
        <translation>Wartezeit</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWaitingCalls.qml" line="63"/>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWaitingCalls.qml" line="64"/>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWaitingCalls.qml" line="65"/>
        <source>Hotline</source>
        <translation>Hotline</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWaitingCalls.qml" line="66"/>
        <source>Attached data</source>
        <translation>Anrufdaten</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWaitingCalls.qml" line="69"/>
        <source>Call back</source>
        <translation>Zurückrufen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWaitingCalls.qml" line="73"/>
        <source>Customer record</source>
        <translation>Kundenakte</translation>
    </message>
</context>
<context>
    <name>SupervisorWindow</name>
    <message>
        <location filename="../qml/SupervisorWindow.qml" line="14"/>
        <source>Acdesk supervisor – %1</source>
        <translation>Acdesk Supervisor – %1</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWindow.qml" line="14"/>
        <source>Acdesk supervisor</source>
        <translation>Acdesk Supervisor</translation>
    </message>
</context>
<context>
    <name>SupervisorWorklist</name>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="24"/>
        <source>Callers who hung up before an answer, today</source>
        <translation>Anrufer, die heute vor der Annahme aufgelegt haben</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="29"/>
        <source>Show called back</source>
        <translation>Zurückgerufene zeigen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="32"/>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="38"/>
        <source>No abandoned callers.</source>
        <translation>Keine abgebrochenen Anrufe.</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="46"/>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="46"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="46"/>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="46"/>
        <source>Waited</source>
        <translation>Gewartet</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="47"/>
        <source>Hung up</source>
        <translation>Aufgelegt um</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="47"/>
        <source>Short</source>
        <translation>Kurz</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="47"/>
        <source>Called back by</source>
        <translation>Zurückgerufen von</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="80"/>
        <source>short</source>
        <translation>kurz</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="85"/>
        <source>%1 at %2</source>
        <translation>%1 um %2</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="90"/>
        <source>Called back</source>
        <translation>Zurückgerufen</translation>
    </message>
    <message>
        <location filename="../qml/SupervisorWorklist.qml" line="90"/>
        <source>Mark called back</source>
        <translation>Als zurückgerufen markieren</translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <location filename="../qml/Theme.qml" line="72"/>
        <source>hung up</source>
        <translation>aufgelegt</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="73"/>
        <source>caller hung up</source>
        <translation>Anrufer hat aufgelegt</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="74"/>
        <source>transferred</source>
        <translation>weitergeleitet</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="75"/>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="76"/>
        <source>not answered</source>
        <translation>nicht angenommen</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="77"/>
        <source>withdrawn</source>
        <translation>zurückgezogen</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="78"/>
        <source>connection lost</source>
        <translation>Verbindung verloren</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="84"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="85"/>
        <source>Ringing</source>
        <translation>Klingelt</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="86"/>
        <source>On call</source>
        <translation>Im Gespräch</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="87"/>
        <source>Wrap-up</source>
        <translation>Nachbearbeitung</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="88"/>
        <source>Not ready</source>
        <translation>Nicht bereit</translation>
    </message>
    <message>
        <location filename="../qml/Theme.qml" line="89"/>
        <source>Logged out</source>
        <translation>Abgemeldet</translation>
    </message>
</context>
<context>
    <name>WallboardWindow</name>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="22"/>
        <source>Acdesk wallboard</source>
        <translation>Acdesk Wallboard</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="104"/>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="105"/>
        <source>reconnecting</source>
        <translation>verbinde neu</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="106"/>
        <source>connecting</source>
        <translation>verbinde</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="107"/>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="162"/>
        <source>page %1 of %2</source>
        <translation>Seite %1 von %2</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="237"/>
        <source>Waiting for statistics…</source>
        <translation>Warte auf Statistiken…</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="237"/>
        <source>No queues to show</source>
        <translation>Keine Warteschlangen anzuzeigen</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="280"/>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="281"/>
        <source>Connecting to the server…</source>
        <translation>Verbinde mit dem Server…</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="282"/>
        <source>Connection to the server lost – reconnecting…</source>
        <translation>Verbindung zum Server verloren – verbinde neu…</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="290"/>
        <source>Testing…</source>
        <translation>Teste…</translation>
    </message>
    <message>
        <location filename="../qml/WallboardWindow.qml" line="290"/>
        <source>Test connection</source>
        <translation>Verbindung testen</translation>
    </message>
</context>
<context>
    <name>acdesk::client::AgentAlerts</name>
    <message>
        <location filename="../core/agentalerts.cpp" line="68"/>
        <source>%1 asks you about this caller</source>
        <translation>%1 hat eine Rückfrage zu diesem Anrufer</translation>
    </message>
    <message>
        <location filename="../core/agentalerts.cpp" line="70"/>
        <source>The caller asked to be called back</source>
        <translation>Der Anrufer möchte zurückgerufen werden</translation>
    </message>
    <message>
        <location filename="../core/agentalerts.cpp" line="72"/>
        <source>on %1</source>
        <translation>auf %1</translation>
    </message>
    <message>
        <location filename="../core/agentalerts.cpp" line="74"/>
        <source>in queue %1</source>
        <translation>in Warteschlange %1</translation>
    </message>
    <message>
        <location filename="../core/agentalerts.cpp" line="76"/>
        <source>Incoming call: %1</source>
        <translation>Eingehender Anruf: %1</translation>
    </message>
    <message>
        <location filename="../core/agentalerts.cpp" line="78"/>
        <source>Accept</source>
        <translation>Annehmen</translation>
    </message>
    <message>
        <location filename="../core/agentalerts.cpp" line="79"/>
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <location filename="../core/agentalerts.cpp" line="115"/>
        <source>Desk phone</source>
        <translation>Tischtelefon</translation>
    </message>
    <message>
        <location filename="../core/agentalerts.cpp" line="117"/>
        <source>Chime</source>
        <translation>Gong</translation>
    </message>
    <message>
        <location filename="../core/agentalerts.cpp" line="119"/>
        <source>No sound</source>
        <translation>Kein Ton</translation>
    </message>
    <message>
        <location filename="../core/agentalerts.cpp" line="125"/>
        <source>System default</source>
        <translation>Systemstandard</translation>
    </message>
    <message>
        <location filename="../core/agentalerts.cpp" line="187"/>
        <source>Message from %1</source>
        <translation>Nachricht von %1</translation>
    </message>
</context>
<context>
    <name>acdesk::client::AgentSession</name>
    <message>
        <location filename="../core/agentsession.cpp" line="154"/>
        <source>There is no call for this.</source>
        <translation>Dafür gibt es keinen Anruf.</translation>
    </message>
    <message>
        <location filename="../core/agentsession.cpp" line="220"/>
        <location filename="../core/agentsession.cpp" line="236"/>
        <source>Unknown transfer target &quot;%1&quot;.</source>
        <translation>Unbekanntes Weiterleitungsziel „%1“.</translation>
    </message>
    <message>
        <location filename="../core/agentsession.cpp" line="299"/>
        <source>Connected through %1: this network blocks plain WebSocket, so Acdesk uses TLS on port 443 (remembered for next time).</source>
        <translation>Verbunden über %1: Dieses Netz sperrt einfaches WebSocket, daher nutzt Acdesk TLS auf Port 443 (für das nächste Mal gemerkt).</translation>
    </message>
    <message>
        <location filename="../core/agentsession.cpp" line="351"/>
        <source>You were logged out by a supervisor.</source>
        <translation>Sie wurden von einer Teamleitung abgemeldet.</translation>
    </message>
    <message>
        <location filename="../core/agentsession.cpp" line="379"/>
        <source>Your colleague declined the consultation. The caller is on hold.</source>
        <translation>Die Rückfrage wurde abgelehnt. Der Anrufer wartet.</translation>
    </message>
    <message>
        <location filename="../core/agentsession.cpp" line="382"/>
        <source>Nobody answered the consultation. The caller is on hold.</source>
        <translation>Niemand hat die Rückfrage angenommen. Der Anrufer wartet.</translation>
    </message>
    <message>
        <location filename="../core/agentsession.cpp" line="386"/>
        <source>The consultation ended.</source>
        <translation>Die Rückfrage ist beendet.</translation>
    </message>
</context>
<context>
    <name>acdesk::client::ClientConnection</name>
    <message>
        <location filename="../core/clientconnection.cpp" line="256"/>
        <location filename="../core/clientconnection.cpp" line="470"/>
        <source>The server did not answer in time.</source>
        <translation>Der Server hat nicht rechtzeitig geantwortet.</translation>
    </message>
    <message>
        <location filename="../core/clientconnection.cpp" line="289"/>
        <source>The connection to the server was lost.</source>
        <translation>Die Verbindung zum Server ist verloren gegangen.</translation>
    </message>
    <message>
        <location filename="../core/clientconnection.cpp" line="295"/>
        <source>You logged in somewhere else; this window was signed out.</source>
        <translation>Sie haben sich anderswo angemeldet; dieses Fenster wurde abgemeldet.</translation>
    </message>
    <message>
        <location filename="../core/clientconnection.cpp" line="377"/>
        <source>The server answered the login in a form this client does not understand: %1</source>
        <translation>Der Server hat die Anmeldung in einer Form beantwortet, die dieses Programm nicht versteht: %1</translation>
    </message>
    <message>
        <location filename="../core/clientconnection.cpp" line="426"/>
        <source>Not connected to the server; please try again in a moment.</source>
        <translation>Keine Verbindung zum Server; bitte gleich noch einmal versuchen.</translation>
    </message>
</context>
<context>
    <name>acdesk::client::ConnectionDoctor</name>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="866"/>
        <source>Both work: %1 and its TLS twin %2.</source>
        <translation>Beide funktionieren: %1 und sein TLS-Zwilling %2.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="868"/>
        <source>%1 works while %2 does not.</source>
        <translation>%1 funktioniert, %2 nicht.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="869"/>
        <source>Acdesk clients given %1 switch to %2 by themselves and remember it.</source>
        <translation>Acdesk-Clients mit %1 wechseln von selbst zu %2 und merken es sich.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="871"/>
        <source>Nothing to do; to skip the failed first try, connect to %1.</source>
        <translation>Nichts zu tun; um den fehlschlagenden ersten Versuch zu sparen, mit %1 verbinden.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="873"/>
        <source>%1 failed at &quot;%2&quot;: %3</source>
        <translation>%1 scheitert bei „%2“: %3</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="876"/>
        <source>%1 works; its TLS twin does not (fine on this network).</source>
        <translation>%1 funktioniert, sein TLS-Zwilling nicht (in diesem Netz kein Problem).</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="880"/>
        <source>Neither %1 nor its TLS twin works.</source>
        <translation>Weder %1 noch sein TLS-Zwilling funktioniert.</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="901"/>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="903"/>
        <source>Name resolution</source>
        <translation>Namensauflösung</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="905"/>
        <source>TCP connect</source>
        <translation>TCP-Verbindung</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="907"/>
        <source>Proxy</source>
        <translation>Proxy</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="909"/>
        <source>TLS handshake</source>
        <translation>TLS-Handshake</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="911"/>
        <source>WebSocket upgrade</source>
        <translation>WebSocket-Upgrade</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="913"/>
        <source>Subprotocol</source>
        <translation>Subprotokoll</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="915"/>
        <source>Server hello</source>
        <translation>hello des Servers</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="917"/>
        <source>Round trip</source>
        <translation>Umlaufzeit</translation>
    </message>
    <message>
        <location filename="../core/connectiondoctor.cpp" line="919"/>
        <source>ws:// or wss://</source>
        <translation>ws:// oder wss://</translation>
    </message>
</context>
<context>
    <name>acdesk::client::SupervisorSession</name>
    <message>
        <location filename="../core/supervisorsession.cpp" line="131"/>
        <source>The change is applied.</source>
        <translation>Die Änderung ist übernommen.</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="132"/>
        <source>The change is applied; %1 take effect at the next restart.</source>
        <translation>Die Änderung ist übernommen; %1 wirken erst beim nächsten Neustart.</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="144"/>
        <source>The password of %1 is changed; its sessions are signed out.</source>
        <translation>Das Passwort von %1 ist geändert; seine Sitzungen sind abgemeldet.</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="154"/>
        <location filename="../core/supervisorsession.cpp" line="376"/>
        <source>Dates are written as YYYY-MM-DD.</source>
        <translation>Datumsangaben bitte als JJJJ-MM-TT schreiben.</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="269"/>
        <source>An agent can be set ready or not ready, not &quot;%1&quot;.</source>
        <translation>Ein Agent kann bereit oder nicht bereit gesetzt werden, nicht „%1“.</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="277"/>
        <source>%1 is set ready.</source>
        <translation>%1 ist auf bereit gesetzt.</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="278"/>
        <source>%1 is set not ready.</source>
        <translation>%1 ist auf nicht bereit gesetzt.</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="284"/>
        <source>%1 is logged out.</source>
        <translation>%1 ist abgemeldet.</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="290"/>
        <source>The caller will be called back and keeps the place in the queue.</source>
        <translation>Der Anrufer wird zurückgerufen und behält seinen Platz in der Warteschlange.</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="298"/>
        <source>Message sent.</source>
        <translation>Nachricht gesendet.</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="310"/>
        <source>Marked as called back.</source>
        <translation>Als zurückgerufen markiert.</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="322"/>
        <source>Already called back by %1.</source>
        <translation>Bereits zurückgerufen von %1.</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="432"/>
        <source>Load a report first.</source>
        <translation>Zuerst einen Bericht laden.</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="443"/>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../core/supervisorsession.cpp" line="449"/>
        <source>Saved %1 and %2.</source>
        <translation>%1 und %2 gespeichert.</translation>
    </message>
</context>
<context>
    <name>doctor</name>
    <message>
        <location filename="../app/doctor.cpp" line="34"/>
        <source>Checks the connection to an Acdesk server step by step: name resolution, TCP, proxy, TLS, the WebSocket upgrade, the server&apos;s hello and the round trip. Exit code 0 when every step passes, 1 otherwise.</source>
        <translation>Prüft die Verbindung zu einem Acdesk-Server Schritt für Schritt: Namensauflösung, TCP, Proxy, TLS, das WebSocket-Upgrade, das hello des Servers und die Umlaufzeit. Rückgabewert 0, wenn jeder Schritt gelingt, sonst 1.</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="40"/>
        <source>mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="43"/>
        <source>The server, e.g. ws://acd.example.com:8080/ws or wss://acd.example.com/ws.</source>
        <translation>Der Server, z. B. ws://acd.example.com:8080/ws oder wss://acd.example.com/ws.</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="47"/>
        <source>HTTP proxy to use, http://[USER:PASSWORD@]HOST:PORT, or &quot;none&quot;. Default: the system&apos;s (http_proxy, https_proxy).</source>
        <translation>Zu verwendender HTTP-Proxy, http://[BENUTZER:PASSWORT@]HOST:PORT, oder „none“. Standard: der des Systems (http_proxy, https_proxy).</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="54"/>
        <source>Extra CA certificates to trust (PEM).</source>
        <translation>Zusätzliche vertrauenswürdige CA-Zertifikate (PEM).</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="58"/>
        <source>Print the steps as a JSON array of {step, ok, detail, fix, ms}.</source>
        <translation>Die Schritte als JSON-Array aus {step, ok, detail, fix, ms} ausgeben.</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="63"/>
        <source>Seconds each step may take (default 5).</source>
        <translation>Sekunden, die jeder Schritt dauern darf (Standard 5).</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="67"/>
        <source>Port of the wss:// twin tried for a ws:// URL (default 443).</source>
        <translation>Port des wss://-Zwillings, der bei einer ws://-URL mitgeprüft wird (Standard 443).</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="77"/>
        <source>Usage: acdesk doctor URL [--proxy URL] [--ca FILE] [--json] [--timeout S] [--wss-port PORT]</source>
        <translation>Aufruf: acdesk doctor URL [--proxy URL] [--ca DATEI] [--json] [--timeout S] [--wss-port PORT]</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="87"/>
        <source>--timeout takes seconds (0 to 600), --wss-port a port.</source>
        <translation>--timeout erwartet Sekunden (0 bis 600), --wss-port einen Port.</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="103"/>
        <source>Checking %1</source>
        <translation>Prüfe %1</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="112"/>
        <source>PASS</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="113"/>
        <source>FAIL</source>
        <translation>FEHLER</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="115"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="117"/>
        <source>Fix:</source>
        <translation>Abhilfe:</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="136"/>
        <source>All %1 steps passed.</source>
        <translation>Alle %1 Schritte erfolgreich.</translation>
    </message>
    <message>
        <location filename="../app/doctor.cpp" line="139"/>
        <source>%1 of %2 steps failed.</source>
        <translation>%1 von %2 Schritten fehlgeschlagen.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/guimain.cpp" line="124"/>
        <location filename="../app/replaymain.cpp" line="25"/>
        <location filename="../app/reportmain.cpp" line="42"/>
        <location filename="../app/servermain.cpp" line="80"/>
        <location filename="../app/sipgatewaymain.cpp" line="29"/>
        <source>mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="127"/>
        <source>Server URL (ws:// or wss://).</source>
        <translation>Server-URL (ws:// oder wss://).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="130"/>
        <source>Fullscreen kiosk mode.</source>
        <translation>Vollbild-Kioskmodus.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="132"/>
        <source>Wallboard id.</source>
        <translation>Wallboard-ID.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="135"/>
        <source>Wallboard secret.</source>
        <translation>Wallboard-Geheimnis.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="139"/>
        <source>Session token of an earlier wallboard login (instead of --user/--secret).</source>
        <translation>Sitzungstoken einer früheren Wallboard-Anmeldung (statt --user/--secret).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="145"/>
        <source>Queues to show (comma-separated).</source>
        <translation>Anzuzeigende Warteschlangen (durch Kommas getrennt).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="148"/>
        <source>Extra CA certificates (PEM).</source>
        <translation>Zusätzliche CA-Zertifikate (PEM).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="152"/>
        <source>Key sequence that quits the wallboard (kiosk: the only way).</source>
        <translation>Tastenkombination, die das Wallboard beendet (im Kioskmodus der einzige Weg).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="157"/>
        <source>Seconds per page when the queues do not fit.</source>
        <translation>Sekunden pro Seite, wenn nicht alle Warteschlangen auf den Bildschirm passen.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="161"/>
        <source>A short sound when a queue turns red: on or off (default off).</source>
        <translation>Ein kurzer Ton, wenn eine Warteschlange rot wird: on oder off (Vorgabe off).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="166"/>
        <source>No alert sound during these hours, e.g. 18:00-08:00 (local time).</source>
        <translation>Kein Warnton in diesen Stunden, z. B. 18:00-08:00 (Ortszeit).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="174"/>
        <source>Draw without the GPU: less memory, more CPU while something moves.</source>
        <translation>Ohne Grafikprozessor zeichnen: weniger Speicher, mehr CPU, solange sich etwas bewegt.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="178"/>
        <source>Agent id to sign in with.</source>
        <translation>Agenten-ID für die automatische Anmeldung.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="181"/>
        <source>Agent password.</source>
        <translation>Passwort des Agenten.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="185"/>
        <source>Station (phone extension).</source>
        <translation>Station (Nebenstelle).</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="191"/>
        <source>Supervisor id to sign in with.</source>
        <translation>Supervisor-ID für die Anmeldung.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="194"/>
        <source>Supervisor password.</source>
        <translation>Supervisor-Passwort.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="198"/>
        <source>Tab to show first: floor, calls, broadcast, worklist, reports, audit, admin.</source>
        <translation>Zuerst gezeigter Reiter: floor, calls, broadcast, worklist, reports, audit, admin.</translation>
    </message>
    <message>
        <location filename="../app/guimain.cpp" line="203"/>
        <source>HTTP proxy (http://HOST:PORT); default: the system&apos;s, &quot;none&quot; for a direct connection.</source>
        <translation>HTTP-Proxy (http://HOST:PORT); Standard: der des Systems, &quot;none&quot; für eine direkte Verbindung.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="75"/>
        <source>Acdesk demo: a server with simulated calls and agents, plus an agent and a wallboard window.</source>
        <translation>Acdesk-Demo: ein Server mit simulierten Anrufen und Agenten, dazu ein Agenten- und ein Wallboard-Fenster.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="77"/>
        <source>Acdesk ACD server (WebSocket API v1).</source>
        <translation>Acdesk-ACD-Server (WebSocket-API v1).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="82"/>
        <source>JSON config file.</source>
        <translation>JSON-Konfigurationsdatei.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="86"/>
        <source>Data directory (database). Default: %1</source>
        <translation>Datenverzeichnis (Datenbank). Standard: %1</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="91"/>
        <source>Address and port, e.g. 0.0.0.0:8080.</source>
        <translation>Adresse und Port, z. B. 0.0.0.0:8080.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="94"/>
        <source>TLS certificate (PEM).</source>
        <translation>TLS-Zertifikat (PEM).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="97"/>
        <source>TLS private key (PEM).</source>
        <translation>Privater TLS-Schlüssel (PEM).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="101"/>
        <source>WebSocket transport: qt (QWebSocketServer, the default) or epoll (for thousands of connections).</source>
        <translation>WebSocket-Transport: qt (QWebSocketServer, Standard) oder epoll (für Tausende Verbindungen).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="106"/>
        <source>Run without windows.</source>
        <translation>Ohne Fenster laufen.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="109"/>
        <source>Simulated calls per hour (Poisson arrivals).</source>
        <translation>Simulierte Anrufe pro Stunde (Poisson-Ankünfte).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="113"/>
        <source>Number of simulated agents.</source>
        <translation>Anzahl simulierter Agenten.</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="116"/>
        <source>Mean caller patience in seconds (default 90).</source>
        <translation>Mittlere Geduld der Anrufer in Sekunden (Standard 90).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="120"/>
        <source>Mean talk time in seconds (default 120).</source>
        <translation>Mittlere Gesprächsdauer in Sekunden (Standard 120).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="124"/>
        <source>Seed of the simulator (repeatable runs).</source>
        <translation>Startwert des Simulators (wiederholbare Läufe).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="128"/>
        <location filename="../app/sipgatewaymain.cpp" line="54"/>
        <source>Logging rules, e.g. &quot;acdesk.*.debug=true&quot; (see QLoggingCategory).</source>
        <translation>Protokollregeln, z. B. &quot;acdesk.*.debug=true&quot; (siehe QLoggingCategory).</translation>
    </message>
    <message>
        <location filename="../app/servermain.cpp" line="133"/>
        <location filename="../app/sipgatewaymain.cpp" line="46"/>
        <source>SIP address and port (wins over sip.listen).</source>
        <translation>SIP-Adresse und -Port (hat Vorrang vor sip.listen).</translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="38"/>
        <source>Day and range reports from a server&apos;s stored call records.</source>
        <translation>Tages- und Zeitraumberichte aus den gespeicherten Anrufdaten eines Servers.</translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="45"/>
        <source>First day (YYYY-MM-DD), default today.</source>
        <translation>Erster Tag (JJJJ-MM-TT), Standard heute.</translation>
    </message>
    <message>
        <location filename="../app/replaymain.cpp" line="20"/>
        <source>What-if replay: the stored calls of a period go through the ACD again with another configuration; prints its figures beside the recorded ones.</source>
        <translation>Was-wäre-wenn: Die gespeicherten Anrufe eines Zeitraums laufen mit einer anderen Konfiguration noch einmal durch die ACD; die Kennzahlen stehen neben den aufgezeichneten.</translation>
    </message>
    <message>
        <location filename="../app/replaymain.cpp" line="28"/>
        <source>First day (YYYY-MM-DD), default yesterday.</source>
        <translation>Erster Tag (JJJJ-MM-TT), Vorgabe gestern.</translation>
    </message>
    <message>
        <location filename="../app/replaymain.cpp" line="32"/>
        <location filename="../app/reportmain.cpp" line="49"/>
        <source>Last day (YYYY-MM-DD), default FROM.</source>
        <translation>Letzter Tag (JJJJ-MM-TT), Standard FROM.</translation>
    </message>
    <message>
        <location filename="../app/replaymain.cpp" line="36"/>
        <source>The configuration to try (queues, agents, hours).</source>
        <translation>Die zu erprobende Konfiguration (Warteschlangen, Agenten, Zeiten).</translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="52"/>
        <source>csv (default).</source>
        <translation>csv (Standard).</translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="56"/>
        <source>queues (default), agents or audit.</source>
        <translation>queues (Standard), agents oder audit.</translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="59"/>
        <source>Add a row per hour.</source>
        <translation>Eine Zeile pro Stunde hinzufügen.</translation>
    </message>
    <message>
        <location filename="../app/replaymain.cpp" line="40"/>
        <location filename="../app/reportmain.cpp" line="62"/>
        <source>Data directory of the server.</source>
        <translation>Datenverzeichnis des Servers.</translation>
    </message>
    <message>
        <location filename="../app/reportmain.cpp" line="66"/>
        <source>The server&apos;s config file (queues, time zone).</source>
        <translation>Die Konfigurationsdatei des Servers (Warteschlangen, Zeitzone).</translation>
    </message>
    <message>
        <location filename="../app/sipgatewaymain.cpp" line="25"/>
        <source>Acdesk SIP gateway: connects a phone system to an Acdesk server.</source>
        <translation>Acdesk-SIP-Gateway: verbindet eine Telefonanlage mit einem Acdesk-Server.</translation>
    </message>
    <message>
        <location filename="../app/sipgatewaymain.cpp" line="32"/>
        <source>Server URL, e.g. wss://acd.example/ws.</source>
        <translation>Server-URL, z. B. wss://acd.example/ws.</translation>
    </message>
    <message>
        <location filename="../app/sipgatewaymain.cpp" line="35"/>
        <source>Gateway id.</source>
        <translation>Gateway-ID.</translation>
    </message>
    <message>
        <location filename="../app/sipgatewaymain.cpp" line="38"/>
        <source>Gateway secret.</source>
        <translation>Gateway-Geheimnis.</translation>
    </message>
    <message>
        <location filename="../app/sipgatewaymain.cpp" line="42"/>
        <source>Config file with the &quot;sip&quot; object.</source>
        <translation>Konfigurationsdatei mit dem Objekt „sip“.</translation>
    </message>
    <message>
        <location filename="../app/sipgatewaymain.cpp" line="50"/>
        <source>Extra CA certificates (PEM) for wss://.</source>
        <translation>Zusätzliche CA-Zertifikate (PEM) für wss://.</translation>
    </message>
    <message>
        <location filename="../app/sipgatewaymain.cpp" line="62"/>
        <source>Directory for the gateway&apos;s list of live calls (ended with BYE after a crash). Default: %1</source>
        <translation>Verzeichnis für die Liste der laufenden Gespräche des Gateways (nach einem Absturz mit BYE beendet). Standard: %1</translation>
    </message>
    <message>
        <location filename="../app/passwdmain.cpp" line="48"/>
        <source>Usage: acdesk passwd

Reads a password (without echo on a terminal, else one line from stdin) and prints its hash for &quot;passwordHash&quot; in the config file.
</source>
        <translation>Aufruf: acdesk passwd

Liest ein Passwort (am Terminal ohne Anzeige, sonst eine Zeile von stdin) und gibt seinen Hash für &quot;passwordHash&quot; in der Konfigurationsdatei aus.
</translation>
    </message>
    <message>
        <location filename="../app/passwdmain.cpp" line="57"/>
        <source>Password: </source>
        <translation>Passwort: </translation>
    </message>
    <message>
        <location filename="../app/passwdmain.cpp" line="60"/>
        <source>Again: </source>
        <translation>Wiederholen: </translation>
    </message>
    <message>
        <location filename="../app/passwdmain.cpp" line="62"/>
        <source>acdesk: the passwords differ; nothing printed
</source>
        <translation>acdesk: die Passwörter sind verschieden; nichts ausgegeben
</translation>
    </message>
    <message>
        <location filename="../app/passwdmain.cpp" line="69"/>
        <source>acdesk: empty password
</source>
        <translation>acdesk: leeres Passwort
</translation>
    </message>
</context>
</TS>
