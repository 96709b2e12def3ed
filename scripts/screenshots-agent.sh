#!/usr/bin/env bash
# Screenshots of the agent window for the docs, from a real window under xvfb-run:
#   scripts/screenshots-agent.sh [BUILD_DIR]   (default: build; builds nothing)
# Writes docs/screenshots/agent-{login,idle,incoming,call}.png, and with ACDESK_LANG=de
# agent-{...}-de.png. A server runs on a free
# loopback port with a small config; a stdlib-only Python WebSocket client plays supervisor
# (sets the agent ready) and gateway (brings in a call, picks up the desk phone). The app's
# screenshot hook (ACDESK_SCREENSHOT, ACDESK_SCREENSHOT_DELAY) grabs the window and quits.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
BIN="$BUILD/app/acdesk"
OUT="$ROOT/docs/screenshots"
[[ -x "$BIN" ]] || { echo "no $BIN; build first" >&2; exit 1; }
mkdir -p "$OUT"
TMP=$(mktemp -d)
SERVER_PID=""
cleanup() { [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$TMP/acdesk.json" <<JSON
{"timeZone": "Europe/Berlin",
 "queues": [{"id": "support", "name": "Support", "wrapUpSeconds": 600, "offerTimeoutSeconds": 120},
            {"id": "sales", "name": "Sales", "wrapUpSeconds": 600, "offerTimeoutSeconds": 120}],
 "agents": [{"id": "1001", "name": "Anna Berg", "password": "anna", "queues": ["support", "sales"]}],
 "supervisors": [{"id": "boss", "name": "Team Lead", "password": "boss"}],
 "gateways": [{"id": "pbx", "secret": "pbx"}],
 "hotlines": [{"number": "+4930123450", "name": "VIP hotline", "queue": "support", "priority": 5,
               "screenPop": {"url": "https://crm.example/search?phone={caller.number}", "open": "manual"}}],
 "reasons": [{"code": "break", "label": "Break"}, {"code": "meeting", "label": "Meeting"}],
 "dispositions": [{"code": "solved", "label": "Solved"}, {"code": "callback", "label": "Call back"}]}
JSON

start_server() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP/data"
  "$BIN" server --headless --config "$TMP/acdesk.json" --data "$TMP/data" --listen "127.0.0.1:$PORT" \
    > "$TMP/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do grep -q listening "$TMP/server.log" && return; sleep 0.1; done
  echo "server did not start" >&2; cat "$TMP/server.log" >&2; exit 1
}

# helper MODE: ready | incoming | call — waits for agent 1001 to sign in, then acts.
helper() {
  python3 - "$PORT" "$1" <<'PY' &
import base64, json, os, socket, struct, sys, time
port, mode = int(sys.argv[1]), sys.argv[2]
class WS:
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % key).encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf: self.buf += self.s.recv(4096)
        self.buf = self.buf.split(b"\r\n\r\n", 1)[1]
        self.id = 0
    def _frame(self, op, data):
        mask = os.urandom(4); n = len(data)
        head = bytes([0x80 | op]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n))
        self.s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))
    def _need(self, n):
        while len(self.buf) < n: self.buf += self.s.recv(65536)
    def recv(self):
        while True:
            self._need(2); op, n = self.buf[0] & 15, self.buf[1] & 127; off = 2
            if n == 126: self._need(4); n = struct.unpack(">H", self.buf[2:4])[0]; off = 4
            elif n == 127: self._need(10); n = struct.unpack(">Q", self.buf[2:10])[0]; off = 10
            self._need(off + n); data = self.buf[off:off + n]; self.buf = self.buf[off + n:]
            if op == 9: self._frame(10, data)
            elif op == 1: return json.loads(data)
            elif op == 8: sys.exit("closed")
    def request(self, **msg):
        self.id += 1; msg["id"] = self.id; self._frame(1, json.dumps(msg).encode())
        while True:
            m = self.recv()
            if m.get("re") == self.id: return m
sup = WS(); sup.recv(); sup.request(type="login", role="supervisor", user="boss", secret="boss")
for _ in range(300):
    if sup.request(type="supervisor.setAgentState", agent="1001", state="ready")["type"] == "ok": break
    time.sleep(0.1)
if mode == "ready": time.sleep(30); sys.exit()
time.sleep(0.5)
gw = WS(); gw.recv(); gw.request(type="login", role="gateway", user="pbx", secret="pbx")
gw.request(type="gw.arrive", call="pbx-4711", dialed="+4930123450",
           caller={"number": "+49 171 5550123", "name": "Erika Mustermann"},
           data={"customer": "K-10442", "contract": "Premium"})
if mode == "call":
    time.sleep(1.0)
    gw.request(type="gw.answered", call="pbx-4711")
time.sleep(30)
PY
  HELPER_PID=$!
}

shot() { # NAME DELAY_MS ARGS...
  local name=$1 delay=$2; shift 2
  ACDESK_LANG=${ACDESK_LANG:-en} ACDESK_SCREENSHOT="$TMP/$name" ACDESK_SCREENSHOT_DELAY=$delay \
    xvfb-run -a -s "-screen 0 1280x800x24" "$BIN" agent --server "ws://127.0.0.1:$PORT/ws" "$@" >/dev/null
  local suffix=""
  [[ "${ACDESK_LANG:-en}" == en ]] || suffix="-$ACDESK_LANG"
  cp "$TMP/$name-1.png" "$OUT/agent-$name$suffix.png"
  echo "wrote $OUT/agent-$name$suffix.png"
}

export XDG_CONFIG_HOME="$TMP/config" # fresh remembered settings
LOGIN=(--user 1001 --password anna --station 201)
start_server; shot login 2500
start_server; helper ready; shot idle 4000 "${LOGIN[@]}"; kill "$HELPER_PID" 2>/dev/null || true
start_server; helper incoming; shot incoming 5000 "${LOGIN[@]}"; kill "$HELPER_PID" 2>/dev/null || true
start_server; helper call; shot call 7000 "${LOGIN[@]}"; kill "$HELPER_PID" 2>/dev/null || true
