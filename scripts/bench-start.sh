#!/usr/bin/env bash
# Server start time with many accounts (issue 15): process start → "listening", for a
# config of ACCOUNTS agents with plain passwords, the same with Argon2id hashes, and the
# same office without accounts as the floor measured in the same run (the peer). Runs
# alternate between the three configs, RUNS times each; the table gives medians.
#   bash scripts/bench-start.sh               ACCOUNTS=1000 RUNS=7
#   ACDESK_BINARY=build/app/acdesk bash scripts/bench-start.sh   (no build-bench)
source "$(dirname "$0")/bench-lib.sh"
ACCOUNTS=${ACCOUNTS:-1000}
RUNS=${RUNS:-7}
[[ -z "${ACDESK_BINARY:-}" ]] && bench_build

hash=$(echo "bench password" | "$ACDESK" passwd)
python3 - "$WORK" "$ACCOUNTS" "$hash" <<'PY'
import json, sys
work, n, h = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def office(agents):
    return {"timeZone": "UTC", "queues": [{"id": "q"}], "agents": agents,
            "supervisors": [{"id": "boss", "password": "pwboss"}]}
json.dump(office([]), open(work + "/none.json", "w"))
json.dump(office([{"id": "a%d" % i, "password": "pw%d" % i, "queues": ["q"]}
                  for i in range(n)]), open(work + "/plain.json", "w"))
json.dump(office([{"id": "a%d" % i, "passwordHash": h, "queues": ["q"]}
                  for i in range(n)]), open(work + "/hashed.json", "w"))
PY

declare -A times
for run in $(seq "$RUNS"); do
  for kind in none plain hashed; do
    port=$(free_port)
    data=$WORK/data-$kind
    s=$(date +%s%N)
    "$ACDESK" server --headless --listen "127.0.0.1:$port" --data "$data" \
      --config "$WORK/$kind.json" >"$WORK/start-$kind.log" 2>&1 &
    SERVER_PID=$!; SERVER_PIDS+=("$SERVER_PID")
    for _ in $(seq 20000); do grep -q 'listening on' "$WORK/start-$kind.log" && break; sleep 0.002; done
    e=$(date +%s%N)
    times[$kind]+="$(( (e - s) / 1000000 )) "
    stop_server
  done
done

median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
table=$WORK/table.md
floor=$(median "${times[none]}")
{
  echo "| config | accounts | start → listening ms, median of $RUNS | all runs ms | ratio to no accounts |"
  echo "|---|---:|---:|---|---:|"
  for kind in none plain hashed; do
    m=$(median "${times[$kind]}")
    n=$ACCOUNTS; [[ $kind == none ]] && n=0
    printf '| %s | %s | %s | %s | %s |\n' "$kind" "$n" "$m" "${times[$kind]}" \
      "$(python3 -c "print(f'{$m / max($floor, 1):.2f}')")"
  done
} >"$table"
cat "$table"
append_doc "Start time with $ACCOUNTS accounts (issue 15)" \
  "ACCOUNTS=$ACCOUNTS RUNS=$RUNS bash scripts/bench-start.sh" "$table" \
  "plain: each agent with its own plain password; hashed: each with an Argon2id passwordHash (one hash for all, which changes nothing at start). Nothing is hashed or verified at start any more; before issue 15 every plain secret was checked against its stored PBKDF2 hash at start (about 80 ms each: 17 s for 200 accounts, as the issue measured). Goal: well under a second with 1,000 accounts."
