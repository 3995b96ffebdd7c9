#!/usr/bin/env bash
# A/B load test of two release binaries on one database, run in turn: GET
# /healthz (the server alone) and GET /v1/trainees?limit=10 with a training
# provider's key (one autocommit read per request, so it pays for naming its
# session), and the second binary again with KAKEHASHI_DB_NAME_READS=false.
#   pg_virtualenv -t -v 15 -o fsync=off bench/load/naming_ab.sh OLD_BIN NEW_BIN
# Needs wrk. Figures: docs/operations.md, "The request on its database session".
set -euo pipefail
OLD=$1
NEW=$2
export KAKEHASHI_RATE_LIMIT=0
export KAKEHASHI_DATABASE_URL="dbname=${PGDATABASE:-postgres}"
"$NEW" migrate >/dev/null
"$NEW" seed --synthetic --trainees 20000 --projects 100 --seed 1 >/dev/null
org=$(psql -qtAc "SELECT organization_id FROM trainees GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
KEY=$("$NEW" keys create --organization "$org" --label load)
run() {
  local bin=$1 label=$2 log; log=$(mktemp)
  "$bin" serve --listen 127.0.0.1:0 > "$log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do grep -q '"msg":"listening"' "$log" && break; sleep 0.1; done
  local port; port=$(grep -o '"port":[0-9]*' "$log" | head -1 | cut -d: -f2)
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
  wrk -t1 -c16 -d2s "http://127.0.0.1:$port/healthz" >/dev/null
  echo "$label healthz: $(wrk -t1 -c16 -d8s --latency "http://127.0.0.1:$port/healthz" | grep -E 'Requests/sec|99%' | tr -s ' ' | tr '\n' ' ')"
  echo "$label list:    $(wrk -t1 -c16 -d8s --latency -H "Authorization: Bearer $KEY" "http://127.0.0.1:$port/v1/trainees?limit=10" | grep -E 'Requests/sec|99%|Non-2xx' | tr -s ' ' | tr '\n' ' ')"
  kill $pid; wait $pid 2>/dev/null || true; rm -f "$log"
}
for round in 1 2; do run "$OLD" "baseline r$round"; run "$NEW" "observ.  r$round"; KAKEHASHI_DB_NAME_READS=false run "$NEW" "no-reads r$round"; done
