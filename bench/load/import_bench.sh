#!/usr/bin/env bash
# Import throughput: 100k CSV rows through POST /v1/trainees/import, next to
# psql \copy of the same file into a plain table (the ingest floor), and the
# latency of list pages while the table holds them.
#   pg_virtualenv -v 15 -o fsync=off bench/load/import_bench.sh [build/release/service/kakehashi]
# Several binaries (e.g. before and after a change) are measured side by side
# in one run, each importing into a database of its own on the same cluster,
# each followed by its own psql \copy; name them alternately to repeat:
#   pg_virtualenv -t -v 15 -o fsync=off bench/load/import_bench.sh old/kakehashi new/kakehashi \
#     old/kakehashi new/kakehashi
# ROWS=20000 for a quick try; LIST=0 skips the list-page latency (measured
# against the last binary).
set -euo pipefail
[ $# -gt 0 ] || set -- build/release/service/kakehashi
ROWS=${ROWS:-100000}
# A load test is one key at full speed: no per-key rate limit.
export KAKEHASHI_RATE_LIMIT=${KAKEHASHI_RATE_LIMIT:-0}
work=$(mktemp -d)
server=
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
here=$(dirname "$0")
python3 "$here/make_csv.py" "$ROWS" > "$work/rows.csv"
echo "rows: $ROWS ($(du -h "$work/rows.csv" | cut -f1))"
run=0
for BIN in "$@"; do
  run=$((run + 1))
  db=${PGDATABASE:-postgres}
  if [ $# -gt 1 ]; then
    db=import_bench_$run
    createdb "$db"
    echo "== $BIN"
  fi
  export KAKEHASHI_DATABASE_URL="dbname=$db"
  if [ -n "$server" ]; then kill "$server"; wait "$server" 2>/dev/null || true; fi
  "$BIN" migrate >/dev/null
  admin=$("$BIN" keys create --admin --label bench)
  "$BIN" serve --listen 127.0.0.1:0 > "$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do grep -q '"msg":"listening"' "$work/serve.log" && break; sleep 0.1; done
  port=$(grep -o '"port":[0-9]*' "$work/serve.log" | head -1 | cut -d: -f2)
  org=$(curl -s -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d '{"name":"Bench Academy","kind":"training_provider","country":"BD"}' "http://127.0.0.1:$port/v1/organizations" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  key=$(curl -s -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d '{"label":"bench"}' \
    "http://127.0.0.1:$port/v1/organizations/$org/api-keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.1; done  # index loaded
  # CPU seconds the import took in the service and in its database sessions
  # (user + system, from /proc): on a shared host they vary less than the
  # wall-clock time does.
  sessions=$(psql -d "$db" -qtAc "SELECT pid FROM pg_stat_activity WHERE datname = '$db' AND pid <> pg_backend_pid()")
  cpu_of() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
  service_cpu=$(cpu_of "$server"); database_cpu=$(cpu_of $sessions)
  faults=$(awk '{print $10}' "/proc/$server/stat")  # minor page faults so far
  start=$(date +%s.%N)
  curl -s -o "$work/import.json" -w 'import: HTTP %{http_code}\n' -H "Authorization: Bearer $key" \
    -H 'Content-Type: text/csv' --data-binary @"$work/rows.csv" "http://127.0.0.1:$port/v1/trainees/import"
  end=$(date +%s.%N)
  python3 -c "print(f'kakehashi import: {($end-$start):.2f} s, {$ROWS/($end-$start):,.0f} rows/s')"
  hz=$(getconf CLK_TCK)
  python3 -c "print(f'cpu: service {($(cpu_of "$server") - $service_cpu) / $hz:.2f} s, database sessions {($(cpu_of $sessions) - $database_cpu) / $hz:.2f} s')"
  # Fresh pages cost the service a fault each (a third of its CPU at 100k rows
  # in session 24): the import's faults and the peak resident size.
  echo "service memory: $(( $(awk '{print $10}' "/proc/$server/stat") - faults )) minor faults, $(grep VmHWM "/proc/$server/status" | tr -s ' \t' ' ')"
  grep -E '"msg":"(import|matching index loaded)"' "$work/serve.log"  # the phases
  psql -d "$db" -qtAc "SELECT 'stored: ' || count(*) || ' trainees' FROM trainees"
  # The floor, right after each import (so a ratio compares neighbours in
  # time on a busy host): the same file into a plain table, no checks.
  psql -d "$db" -qc "CREATE TABLE copy_floor (full_name text, email text, country text, city text,
    timezone text, program text, skills text, japanese text, english text, available_from date,
    hours_per_week int, rate_amount numeric, rate_currency text, domains text, engagement text,
    consent_matching bool, consent_share_abroad bool)"
  start=$(date +%s.%N)
  psql -d "$db" -qc "\\copy copy_floor FROM '$work/rows.csv' WITH (FORMAT csv, HEADER true)"
  end=$(date +%s.%N)
  python3 -c "print(f'psql \\\\copy (plain table): {($end-$start):.2f} s, {$ROWS/($end-$start):,.0f} rows/s')"
  # What the service kept once the import's rows were freed (off its answer's path).
  echo "service memory after: $(grep VmRSS "/proc/$server/status" | tr -s ' \t' ' ')"
done
[ "${LIST:-1}" = 1 ] || exit 0
echo "list page latency (GET /v1/trainees?limit=50, wrk -c4 -d10s):"
cat > "$work/list.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $key"
LUA
# A short warm-up first: right after the import autovacuum is still at work.
wrk -t1 -c4 -d5s -s "$work/list.lua" "http://127.0.0.1:$port/v1/trainees?limit=50" >/dev/null
for query in "limit=50" "limit=50&skill=python" "limit=50&skill=pytorch&min_level=3&jlpt_min=N3"; do
  echo "== GET /v1/trainees?$query"
  wrk -t1 -c4 -d10s --latency -s "$work/list.lua" "http://127.0.0.1:$port/v1/trainees?$query" \
    | grep -E "Requests/sec|50%|99%"
done
