#!/usr/bin/env bash
# SIP relay benchmark (issue 14): SIPp callers (G.711 µ-law audio made from SIPp's
# g711a.pcap, 28 s per call) dial a hotline of `acdesk server` with a `sip` section; the
# agents' phones are one SIPp UAS that answers every INVITE and echoes RTP (-rtp_echo). For each level of concurrent calls,
# a fresh server: the calls ramp up, then a 10 s window measures the server's CPU per
# relayed packet, the packet loss and the worst leg's interarrival jitter (from /metrics);
# then, the calls still up, a second load generator measures the offer latency (gw.arrive
# -> call.offer, 100 calls/s on another queue) on the same server.
#
# The peer, measured on the same load in the same run: Kamailio in front of rtpengine
# (Debian's rtpengine-daemon in userspace, no kernel forwarding) relaying the same streams
# between the same SIPp callers and phone (PEER=0 to skip; it installs kamailio and
# rtpengine-daemon with apt-get when missing).
#
# Usage: [LEVELS="100 200 300 400"] [PEER=1] bash scripts/bench-sip.sh
source "$(dirname "$0")/bench-lib.sh"
LEVELS=${LEVELS:-100 200 300 400}
PEER=${PEER:-1}
CALL_SECONDS=28
WINDOW=10
SIPP_PIDS=()
sipp_cleanup() {
  for p in "${SIPP_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap 'sipp_cleanup; cleanup' EXIT
command -v sipp >/dev/null || { echo "bench-sip: sipp is missing (apt-get install sip-tester)" >&2; exit 1; }
if [[ $PEER == 1 ]] && ! command -v rtpengine >/dev/null || ! command -v kamailio >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kamailio \
    rtpengine-daemon >/dev/null
fi
bench_build

# cpu_s PID: the process's user+system CPU seconds.
cpu_s() {
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}

# metric PORT NAME_WITH_LABELS: one value from /metrics.
metric() {
  curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m {print $2}'
}

free_udp_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_phones PORT: SIPp answering every INVITE and echoing RTP; sets PHONE_PID.
start_phones() {
  sipp -sn uas -i 127.0.0.1 -p "$1" -mp "$(free_udp_port)" -rtp_echo -nostdin \
    >"$WORK/phones-$1.log" 2>&1 &
  PHONE_PID=$!
  SIPP_PIDS+=("$PHONE_PID")
}

# The callers' audio: SIPp's A-law recording made mu-law (no relay transcodes), and the
# scenario pointing at it.
python3 -W ignore "$ROOT/bench/sip/ulaw_pcap.py" /usr/share/sip-tester/g711a.pcap "$WORK/g711u.pcap" 4
sed "s|PCAP_FILE|$WORK/g711u.pcap|g" "$ROOT/bench/sip/uac_pcap.xml" >"$WORK/uac.xml"

# start_callers TARGET_PORT LEVEL: SIPp callers keeping LEVEL calls up; sets CALLER_PID.
start_callers() {
  local rate
  rate=$(python3 -c "print(max(1, round($2 / $CALL_SECONDS, 2)))")
  sipp -sf "$WORK/uac.xml" -s 100 -i 127.0.0.1 -mp "$(free_udp_port)" \
    -r "$rate" -rp 1000 -l "$2" -m $(( $2 * 3 )) -nostdin \
    "127.0.0.1:$1" >"$WORK/callers-$1.log" 2>&1 &
  CALLER_PID=$!
  SIPP_PIDS+=("$CALLER_PID")
}

table=$WORK/table.md
{
  echo "| relay | concurrent calls | packets relayed/s | server CPU µs per packet | loss % | worst jitter ms | offer p99 ms during load |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
} >"$table"

for level in $LEVELS; do
  # --- Acdesk ---
  port=$(free_port)
  sip_port=$(free_udp_port)
  phones=$(free_udp_port)
  python3 "$ROOT/bench/loadgen/make_config.py" "$WORK/config.json" --agents 200 \
    --sip-agents $(( level + 50 )) --sip-port "$sip_port"
  start_acdesk "$port" "$WORK/config.json" "$WORK/data-$level"
  for _ in $(seq 100); do grep -q "acdesk sip listening" "$WORK/acdesk-$port.log" && break; sleep 0.1; done
  start_phones "$phones"
  "$LOADGEN" agents --port "$port" --clients $(( level + 50 )) --agent-prefix s --agent-secret pw \
    --station "sip:s%d@127.0.0.1:$phones" --hold 100000 --timeout 120 >"$WORK/agents.log" 2>&1 &
  SIPP_PIDS+=("$!")
  for _ in $(seq 600); do grep -q '^READY' "$WORK/agents.log" && break; sleep 0.1; done
  start_callers "$sip_port" "$level"
  # Ramp up: until LEVEL calls are bridged (at most 2 call durations).
  for _ in $(seq $(( CALL_SECONDS * 20 ))); do
    b=$(metric "$port" 'acdesk_sip_calls{state="bridged"}')
    [[ ${b%.*} -ge $(( level * 95 / 100 )) ]] && break
    sleep 0.1
  done
  c0=$(cpu_s "$SERVER_PID")
  r0=$(( $(metric "$port" 'acdesk_rtp_packets_relayed_total{direction="caller_to_agent"}') + \
         $(metric "$port" 'acdesk_rtp_packets_relayed_total{direction="agent_to_caller"}') ))
  l0=$(( $(metric "$port" 'acdesk_rtp_packets_lost_total{direction="from_caller"}') + \
         $(metric "$port" 'acdesk_rtp_packets_lost_total{direction="from_agent"}') ))
  sleep "$WINDOW"
  c1=$(cpu_s "$SERVER_PID")
  bridged=$(metric "$port" 'acdesk_sip_calls{state="bridged"}')
  r1=$(( $(metric "$port" 'acdesk_rtp_packets_relayed_total{direction="caller_to_agent"}') + \
         $(metric "$port" 'acdesk_rtp_packets_relayed_total{direction="agent_to_caller"}') ))
  l1=$(( $(metric "$port" 'acdesk_rtp_packets_lost_total{direction="from_caller"}') + \
         $(metric "$port" 'acdesk_rtp_packets_lost_total{direction="from_agent"}') ))
  # Then, with the calls still up, the offer latency on the other queue (its CPU is not
  # in the window above, as the peer has no such work).
  offer=$("$LOADGEN" offer --port "$port" --clients 200 --rate 100 --calls 200 --agent-prefix a \
    --agent-secret pw --timeout 60 | grep '^RESULT' || true)
  jitter=$(python3 -c "print(round(1000 * max($(metric "$port" 'acdesk_rtp_jitter_seconds{direction="from_caller"}'), $(metric "$port" 'acdesk_rtp_jitter_seconds{direction="from_agent"}')), 2))")
  secs=$(python3 -c "print($WINDOW)")
  row=$(python3 -c "
r = $r1 - $r0; l = $l1 - $l0; c = $c1 - $c0
print('| Acdesk | %s | %.0f | %.2f | %.3f | %s | %s |' % ('${bridged%.*}', r / $secs, 1e6 * c / max(r, 1), 100.0 * l / max(r + l, 1), '$jitter', '$(field p99_ms "$offer")'))")
  echo "$row" | tee -a "$table" >&2
  [[ -n ${BENCH_LOGS:-} ]] && mkdir -p "$BENCH_LOGS/$level" && cp "$WORK"/*.log "$BENCH_LOGS/$level/"
  sipp_cleanup
  SIPP_PIDS=()
  stop_server

  # --- the peer: Kamailio + rtpengine (userspace) on the same load ---
  [[ $PEER == 1 ]] || continue
  kport=$(free_udp_port)
  ngport=$(free_udp_port)
  phones=$(free_udp_port)
  sed "s/KPORT/$kport/; s/NGPORT/$ngport/; s/PHONES/$phones/" "$ROOT/bench/sip/kamailio.cfg" \
    >"$WORK/kamailio.cfg"
  cliport=$(free_port)
  rtpengine --interface=127.0.0.1 --listen-ng="127.0.0.1:$ngport" --listen-cli="127.0.0.1:$cliport" \
    --port-min=20000 \
    --port-max=59999 --table=-1 --foreground --log-stderr --log-level=3 \
    --pidfile="$WORK/rtpengine.pid" >"$WORK/rtpengine.log" 2>&1 &
  RTPENGINE_PID=$!
  SIPP_PIDS+=("$RTPENGINE_PID")
  kamailio -f "$WORK/kamailio.cfg" -DD -E -P "$WORK/kamailio.pid" -w "$WORK" \
    >"$WORK/kamailio.log" 2>&1 &
  KAMAILIO_PID=$!
  SIPP_PIDS+=("$KAMAILIO_PID")
  sleep 1
  start_phones "$phones"
  start_callers "$kport" "$level"
  # Ramp up like above: rtpengine counts its sessions; wait for the callers' SIPp instead.
  sleep $(( CALL_SECONDS + 5 ))
  kam_cpu() { local t=0; for p in $(pgrep -P "$KAMAILIO_PID") "$KAMAILIO_PID"; do
      t=$(python3 -c "print($t + $(cpu_s "$p"))"); done; echo "$t"; }
  # rtpengine's own count of relayed packets, from its CLI.
  relayed() {
    exec 3<>"/dev/tcp/127.0.0.1/$cliport" && echo "list totals" >&3 &&
      timeout 2 cat <&3 | sed -n 's/^ *Total relayed packets *: *\([0-9]*\).*/\1/p' | head -1
    exec 3>&- || true
  }
  p0=$(relayed)
  c0=$(python3 -c "print($(cpu_s "$RTPENGINE_PID") + $(kam_cpu))")
  sleep "$WINDOW"
  c1=$(python3 -c "print($(cpu_s "$RTPENGINE_PID") + $(kam_cpu))")
  p1=$(relayed)
  row=$(python3 -c "
r = (${p1:-0} - ${p0:-0}); c = $c1 - $c0
print('| Kamailio + rtpengine | %s | %.0f | %.2f | — | — | — |' % ('$level', r / $secs, 1e6 * c / max(r, 1)))")
  echo "$row" | tee -a "$table" >&2
  sipp_cleanup
  SIPP_PIDS=()
done

cat "$table"
append_doc "SIP relay: concurrent G.711 calls through the server" \
  "bash scripts/bench-sip.sh (LEVELS=\"$LEVELS\")" "$table" \
  "CPU per packet = the server's whole CPU time (signalling, engine, storage, relay) over the window divided by the RTP packets it relayed in that window (both directions; no transcoding, as for the peer). Loss = sequence gaps on the packets the server received. Jitter = RFC 3550 interarrival jitter of the worst live leg at the end of the window (it includes SIPp's own sending jitter on this loaded 2-core machine)."
