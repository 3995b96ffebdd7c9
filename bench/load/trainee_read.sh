#!/usr/bin/env bash
# Load test: GET /v1/trainees/{id} over 100k synthetic trainees, beside the
# fixed reply of GET /healthz, in one run on this machine.
#   pg_virtualenv -v 15 -o fsync=off bench/load/trainee_read.sh [build/release/service/kakehashi]
#   WARM=1 ... (read every trainee once first: the document cache's steady state)
# Needs wrk (apt-get install wrk). Prints wrk's summaries.
set -euo pipefail
BIN=${1:-build/release/service/kakehashi}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-32}
# A load test is one key at full speed: no per-key rate limit.
export KAKEHASHI_RATE_LIMIT=${KAKEHASHI_RATE_LIMIT:-0}
export KAKEHASHI_DATABASE_URL="dbname=${PGDATABASE:-postgres}"
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
"$BIN" migrate >/dev/null
"$BIN" seed --synthetic --trainees "${TRAINEES:-100000}" --projects 200 --seed 1 >/dev/null
export KH_KEY=$("$BIN" keys create --admin --label load)
psql -qtAc "SELECT id FROM trainees" > "$work/ids"
export KH_IDS="$work/ids"
"$BIN" serve --listen 127.0.0.1:0 ${SERVE_ARGS:-} > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q '"msg":"listening"' "$work/serve.log" && break; sleep 0.1; done
port=$(grep -o '"port":[0-9]*' "$work/serve.log" | head -1 | cut -d: -f2)
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done  # index loaded
here=$(dirname "$0")
# WARM=1: first read every trainee once, in order (a service that has been
# up a while has its working set in the document cache); otherwise a short
# warm-up of random reads, so the rounds measure a cold-ish cache.
if [ "${WARM:-0}" = 1 ]; then
  echo "== warm-up: every trainee once (${WARMUP:-30s})"
  wrk -t1 -c"$CONNECTIONS" -d"${WARMUP:-30s}" -s "$here/get_trainee_seq.lua" "http://127.0.0.1:$port" | grep -E "requests in"
else
  echo "== warm-up (${WARMUP:-3s})"; wrk -t1 -c"$CONNECTIONS" -d"${WARMUP:-3s}" -s "$here/get_trainee.lua" "http://127.0.0.1:$port" >/dev/null
fi
curl -s "http://127.0.0.1:$port/metrics" | grep '^trainee_document_cache_entries'

for round in 1 2; do
  echo "== round $round: GET /healthz (fixed reply, same server)"
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port/healthz" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|errors"
  echo "== round $round: GET /v1/trainees/{id} (100k trainees)"
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$here/get_trainee.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|errors"
done
echo "== document cache"
curl -s "http://127.0.0.1:$port/metrics" | grep '^trainee_document_cache'
