#!/usr/bin/env bash
# Load test for matching, with 100k synthetic trainees and 2k open projects:
#  - the first read of 500 projects' candidates (every ranking a miss);
#  - GET /v1/projects/{id}/candidates?limit=20 beside GET /healthz, in one run
#    (ROUNDS_ONLY=1 leaves the first pass and the wrk runs out);
#  - one stable matching round over all of them, end to end (HTTP request to
#    stored proposed matches), then a max_score round.
#   pg_virtualenv -v 15 -o fsync=off bench/load/matching.sh [build/release/service/kakehashi]
# Needs wrk (apt-get install wrk).
set -euo pipefail
BIN=${1:-build/release/service/kakehashi}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
# A load test is one key at full speed: no per-key rate limit.
export KAKEHASHI_RATE_LIMIT=${KAKEHASHI_RATE_LIMIT:-0}
export KAKEHASHI_DATABASE_URL="dbname=${PGDATABASE:-postgres}"
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
"$BIN" migrate >/dev/null
"$BIN" seed --synthetic --trainees "${TRAINEES:-100000}" --projects "${PROJECTS:-2000}" --seed 1 >/dev/null
# Settled, as a database in service is: vacuumed, analysed and checkpointed, so
# that autovacuum and the checkpointer do not work on the fresh rows during the
# measurements (bench/README.md, session 27).
psql -qc "VACUUM (FREEZE, ANALYZE)" -c CHECKPOINT
export KH_KEY=$("$BIN" keys create --admin --label load)
psql -qtAc "SELECT id FROM projects WHERE status = 'open'" > "$work/ids"
export KH_IDS="$work/ids"
"$BIN" serve --listen 127.0.0.1:0 ${SERVE_ARGS:-} > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q '"msg":"listening"' "$work/serve.log" && break; sleep 0.1; done
port=$(grep -o '"port":[0-9]*' "$work/serve.log" | head -1 | cut -d: -f2)
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
grep -o '"msg":"matching index loaded"[^}]*' "$work/serve.log" || true
here=$(dirname "$0")
# The first read of 500 projects' candidates, while every ranking is a miss.
echo "== first pass: candidates of 500 projects, cache cold"
python3 "$here/candidates_first_pass.py" "$port" "$KH_KEY" "$KH_IDS" 500 4
# ROUNDS_ONLY=1 (the growth row of bench/all.sh): the rounds alone.
[ "${ROUNDS_ONLY:-0}" = 1 ] || echo "== warm-up"
# Every open project's first page read once, then 5 s of the load itself.
[ "${ROUNDS_ONLY:-0}" = 1 ] || python3 "$here/candidates_first_pass.py" "$port" "$KH_KEY" "$KH_IDS" 1000000 4 >/dev/null
[ "${ROUNDS_ONLY:-0}" = 1 ] || wrk -t2 -c"$CONNECTIONS" -d5s -s "$here/get_candidates.lua" "http://127.0.0.1:$port" >/dev/null
for round in $([ "${ROUNDS_ONLY:-0}" = 1 ] || echo 1 2); do
  echo "== round $round: GET /healthz (fixed reply, same server)"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port/healthz" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|errors"
  echo "== round $round: GET /v1/projects/{id}/candidates?limit=20 (2k projects, 100k trainees)"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$here/get_candidates.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|errors"
done
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }  # utime + stime
for algorithm in stable max_score; do
  psql -qtAc "DELETE FROM matches" >/dev/null  # each round starts from every seat free
  echo "== POST /v1/matching-rounds {algorithm: $algorithm} over every open project"
  cpu_before=$(cpu_ticks)
  curl -s -o "$work/round.json" -w "HTTP %{http_code}, %{time_total} s end to end\n" \
    -H "Authorization: Bearer $KH_KEY" -H "Content-Type: application/json" \
    -d "{\"algorithm\":\"$algorithm\"}" "http://127.0.0.1:$port/v1/matching-rounds"
  # The server's CPU time over the round (all its threads): on a shared
  # machine a steadier figure than the wall time.
  echo "server CPU $(( $(cpu_ticks) - cpu_before )) ticks of 1/$(getconf CLK_TCK) s"
  python3 -c "import json,sys; r=json.load(open('$work/round.json')); s=r['statistics']; print('assigned', s['assigned'], 'of', s['seats'], 'seats;', 'available', s['available_trainees'], 'considered', s['considered_trainees'], 'passes', s['shortlist_passes'], 'stability', s.get('stability')); print('timings ms', {k: round(v, 1) for k, v in r['timings'].items()})"
  psql -qtAc "SELECT 'proposed matches stored: ' || count(*) FROM matches WHERE state = 'proposed'"
done
