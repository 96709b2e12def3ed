#!/usr/bin/env bash
# Runs a test with a PulseAudio server of its own: one null sink (acdesk_test) whose
# monitor the test records, reached through PULSE_SERVER; nothing of the machine's audio
# is used or needed. Usage: with-pulseaudio.sh TEST [ARGS...]
set -euo pipefail
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
export HOME="$dir" XDG_RUNTIME_DIR="$dir/run" XDG_CONFIG_HOME="$dir/config"
mkdir -p "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME"
pulseaudio -n --daemonize=no --exit-idle-time=-1 --use-pid-file=no \
  -L "module-null-sink sink_name=acdesk_test" \
  -L "module-native-protocol-unix socket=$dir/native auth-anonymous=1" \
  -L "module-always-sink" >"$dir/pulse.log" 2>&1 &
pid=$!
export PULSE_SERVER="unix:$dir/native"
# Ready when it answers: a bounded poll on that condition (pulseaudio in the foreground has
# no readiness signal; pactl fails at once while the socket is not up yet).
for _ in $(seq 100); do
  pactl info >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/pulse.log"; exit 1; }
  sleep 0.1
done
pactl set-default-sink acdesk_test
"$@"
