#!/usr/bin/env bash
# The service's memory once its matching index is loaded (nothing cached yet):
# VmRSS and its peak VmHWM, for each binary given, alternated, twice.
#   pg_virtualenv -t -v 15 -o fsync=off bench/load/rss_after_load.sh BIN [BIN...]
# TRAINEES (default 100000) and PROJECTS (2000) size the synthetic data.
set -euo pipefail
export KAKEHASHI_DATABASE_URL="dbname=${PGDATABASE:-postgres}"
first=$1
"$first" migrate >/dev/null
"$first" seed --synthetic --trainees "${TRAINEES:-100000}" --projects "${PROJECTS:-2000}" --seed 1 >/dev/null
for round in 1 2; do
  for bin in "$@"; do
    log=$(mktemp)
    "$bin" serve --listen 127.0.0.1:0 > "$log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do grep -q '"msg":"listening"' "$log" && break; sleep 0.1; done
    port=$(grep -o '"port":[0-9]*' "$log" | head -1 | cut -d: -f2)
    until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
    sleep 1
    echo "round $round $bin: $(grep -E 'VmRSS|VmHWM' /proc/$pid/status | tr -s ' ' | tr '\n' ' ')"
    kill $pid; wait $pid 2>/dev/null || true; rm -f "$log"
  done
done
