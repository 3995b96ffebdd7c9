#!/usr/bin/env bash
# Candidates pages while trainee profiles change (~10 writes/s through the API),
# for two builds side by side in one run (old, new, old, new), with a run
# without writes as the ceiling. 100k synthetic trainees, 2k open projects.
#   pg_virtualenv -t -v 15 -o fsync=off bench/load/candidates_under_writes.sh OLD_BIN NEW_BIN
# Needs wrk. Prints wrk's req/s and latency percentiles per run.
set -euo pipefail
OLD=$1
NEW=$2
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
RATE=${RATE:-10}
export KAKEHASHI_RATE_LIMIT=0
export KAKEHASHI_DATABASE_URL="dbname=${PGDATABASE:-postgres}"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server="" writer=""
cleanup() { kill $writer $server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$NEW" migrate >/dev/null
"$NEW" seed --synthetic --trainees "${TRAINEES:-100000}" --projects "${PROJECTS:-2000}" --seed 1 >/dev/null
export KH_KEY=$("$NEW" keys create --admin --label load)
psql -qtAc "SELECT id FROM projects WHERE status = 'open'" > "$work/ids"
psql -qtAc "SELECT id FROM trainees WHERE status = 'active' AND consent_matching ORDER BY random() LIMIT 20000" > "$work/trainees"
export KH_IDS="$work/ids"

serve() {  # binary -> sets $server and $port
  "$1" serve --listen 127.0.0.1:0 > "$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do grep -q '"msg":"listening"' "$work/serve.log" && break; sleep 0.1; done
  port=$(grep -o '"port":[0-9]*' "$work/serve.log" | head -1 | cut -d: -f2)
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
}
measure() {  # label
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$here/get_candidates.lua" \
    "http://127.0.0.1:$port" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|errors" | sed "s|^|$1: |"
}
for round in 1 2; do
  for which in old new; do
    bin=$OLD; [ $which = new ] && bin=$NEW
    serve "$bin"
    # Warm: every open project's first page read once (a random 5 s alone
    # leaves projects unread on a slow machine, and their first reads would
    # be counted as if writes had caused them), then 5 s of the load itself.
    python3 "$here/candidates_first_pass.py" "$port" "$KH_KEY" "$KH_IDS" 1000000 4 >/dev/null
    wrk -t2 -c"$CONNECTIONS" -d5s -s "$here/get_candidates.lua" "http://127.0.0.1:$port" >/dev/null
    [ $round = 1 ] && measure "round $round $which, no writes"
    python3 "$here/trainee_writer.py" "$port" "$KH_KEY" "$work/trainees" "$RATE" &
    writer=$!
    sleep 2
    measure "round $round $which, $RATE writes/s"
    kill $writer; wait $writer 2>/dev/null || true; writer=""
    kill $server; wait $server 2>/dev/null || true; server=""
  done
done
