// Peer for scripts/bench-fanout.sh: the same fan-out workload on Node's `ws`.
// Every text message containing "gw.arrive" is one state change: the server broadcasts
// one stats-like JSON (padded to PAYLOAD_BYTES, the size of Acdesk's stats event) to every
// other client, serialized once. Usage: node ws-broadcast.js PORT [PAYLOAD_BYTES]
'use strict';
const { WebSocketServer, WebSocket } = require('ws');

const port = Number(process.argv[2] || 8090);
const payloadBytes = Number(process.argv[3] || 1000);
let waiting = 0;
let seq = 0;

const wss = new WebSocketServer({ host: '127.0.0.1', port, backlog: 511, perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    if (!data.toString().includes('gw.arrive')) return;
    waiting += 1;
    seq += 1;
    const head = `{"type":"stats","seq":${seq},"queues":[{"id":"q","waiting":${waiting}}],"pad":"`;
    const pad = 'x'.repeat(Math.max(0, payloadBytes - head.length - 2));
    const buf = Buffer.from(head + pad + '"}');
    for (const client of wss.clients) {
      if (client !== ws && client.readyState === WebSocket.OPEN) client.send(buf, { binary: false });
    }
  });
});
wss.on('listening', () => console.log(`ws peer listening on 127.0.0.1:${port}`));
