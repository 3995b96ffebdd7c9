#!/usr/bin/env bash
# Cold trainee reads beside two peers, in one run: GET /v1/trainees/{id} on
# kakehashi (each round on a fresh process, so every read misses the document
# cache), on Express + node-postgres and on FastAPI + asyncpg (bench/peers/;
# each reads the trainees row alone and returns it as JSON), and GET /healthz
# of kakehashi as the ceiling. 100k synthetic trainees; each read with its
# training organization's own key (as a coordinator reads them), every
# trainee once per round in a shuffled order.
#   pg_virtualenv -t -v 15 -o fsync=off bench/load/cold_reads_vs_peers.sh [build/release/service/kakehashi]
# With more binaries (OLD NEW), each round measures each in turn on the same
# data and peers; the second is named kakehashi#2, and so on (same schema).
#   ROUNDS=3 DURATION=2s CONNECTIONS=32 PEER_WORKERS=2
# Needs wrk, node with bench/peers/express's packages (npm ci there), and
# Debian's python3-fastapi python3-uvicorn python3-asyncpg python3-uvloop
# python3-httptools. Prints one line per measurement, then the medians.
set -euo pipefail
BIN=$(realpath "${1:-build/release/service/kakehashi}")
BINS=("$BIN")
for extra in "${@:2}"; do BINS+=("$(realpath "$extra")"); done
here=$(cd "$(dirname "$0")" && pwd)
peers=$(cd "$here/../peers" && pwd)
DURATION=${DURATION:-2s}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-3}
export PEER_WORKERS=${PEER_WORKERS:-2}
export KAKEHASHI_RATE_LIMIT=0
export KAKEHASHI_DATABASE_URL="dbname=${PGDATABASE:-postgres}"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
[ -d "$peers/express/node_modules" ] || (cd "$peers/express" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

"$BIN" migrate >/dev/null
"$BIN" seed --synthetic --trainees "${TRAINEES:-100000}" --projects 200 --seed 1 >/dev/null
# Every trainee, each read with its own organization's key: one organization's
# third of them would wrap around within a round once reads pass ~16k/s.
for org in $(psql -qtAc "SELECT DISTINCT organization_id FROM trainees"); do
  echo "$org $("$BIN" keys create --organization "$org" --label load)"
done > "$work/keys"
psql -qtAc "SELECT id || ' ' || organization_id FROM trainees ORDER BY random()" |
  awk 'NR == FNR { key[$1] = $2; next } { print $1, key[$2] }' "$work/keys" - > "$work/ids"
export KH_IDS="$work/ids"
psql -qtAc "SELECT count(*) FROM trainees" >/dev/null  # the table in shared buffers for everyone

wait_http() { until curl -sf "http://127.0.0.1:$1/healthz" >/dev/null; do sleep 0.1; done; }
measure() {  # name port lua|-
  local name=$1 port=$2 script=$3 out
  if [ "$script" = - ]; then
    out=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port/healthz")
  else
    out=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$here/$script" "http://127.0.0.1:$port")
  fi
  local rps p50 p99 bad
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '%-28s %10s req/s  p50 %8s  p99 %8s%s\n' "$name" "$rps" "$p50" "$p99" "${bad:+  NON-2XX $bad}"
  # A run that completed no request (a peer not answering yet) is not a
  # figure: a median over it would understate that peer (session 11: FastAPI
  # answered nothing in two of three rounds, and its median read 0).
  if awk -v r="${rps:-0}" 'BEGIN { exit !(r + 0 > 0) }'; then
    echo "$name $rps" >> "$work/figures"
  else
    echo "    ($name answered nothing in this round: left out of its median)"
  fi
}

# The peers run for the whole test; kakehashi restarts each round.
PORT=18081 node "$peers/express/server.mjs" & pids+=($!)
(cd "$peers" && PORT=18082 /usr/bin/python3 fastapi_asyncpg.py) & pids+=($!)
wait_http 18081; wait_http 18082
# The peers' pools and prepared statements warmed once before any round, as
# a peer that has been serving would be (kakehashi gets no such pass: its
# rounds measure a fresh process).
for port in 18081 18082; do
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -s "$here/get_trainee_seq.lua" "http://127.0.0.1:$port" >/dev/null
done

for round in $(seq "$ROUNDS"); do
  for i in "${!BINS[@]}"; do
    name=kakehashi; [ "$i" -gt 0 ] && name="kakehashi#$((i + 1))"
    "${BINS[$i]}" serve --listen 127.0.0.1:0 > "$work/serve.log" 2>&1 &
    server=$!; pids+=($server)
    for _ in $(seq 100); do grep -q '"msg":"listening"' "$work/serve.log" && break; sleep 0.1; done
    port=$(grep -o '"port":[0-9]*' "$work/serve.log" | head -1 | cut -d: -f2)
    until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
    measure "$name cold GET trainee" "$port" get_trainee_seq.lua
    misses=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^trainee_document_cache_total/ {printf "%s %s  ", $1, $2}')
    echo "    ($misses)"
    measure "$name GET /healthz" "$port" -
    kill "$server"; wait "$server" 2>/dev/null || true
  done
  measure "express+pg GET trainee" 18081 get_trainee_seq.lua
  measure "fastapi+asyncpg GET trainee" 18082 get_trainee_seq.lua
done

echo "== medians of $ROUNDS rounds"
python3 - "$work/figures" <<'PY'
import statistics, sys, collections
by = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, rps = line.rsplit(" ", 1)
    by[name].append(float(rps))
med = {k: statistics.median(v) for k, v in by.items()}
for k, v in med.items():
    print(f"{k:28s} {v:10.0f} req/s")
peers = [k for k in ("express+pg GET trainee", "fastapi+asyncpg GET trainee") if k in med]
if not peers:
    sys.exit("no peer answered in any round")
best = max(med[k] for k in peers)
for k in med:
    if k.endswith(" cold GET trainee"):
        print(f"{k.split()[0]} / best peer: {med[k] / best:.2f}")
PY
