#!/usr/bin/env bash
# The service's memory after its first load and after each of three full
# reloads (a 'T' notification from no origin makes every process reload), for
# each binary given: VmRSS and its peak VmHWM.
#   pg_virtualenv -t -v 15 -o fsync=off bench/load/rss_after_reloads.sh BIN [BIN...]
# TRAINEES (default 100000) and PROJECTS (2000) size the synthetic data; the
# first binary migrates and seeds.
set -euo pipefail
export KAKEHASHI_DATABASE_URL="dbname=${PGDATABASE:-postgres}"
first=$1
"$first" migrate >/dev/null
"$first" seed --synthetic --trainees "${TRAINEES:-100000}" --projects "${PROJECTS:-2000}" --seed 1 >/dev/null
for bin in "$@"; do
  log=$(mktemp)
  "$bin" serve --listen 127.0.0.1:0 > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q '"msg":"listening"' "$log" && break; sleep 0.1; done
  port=$(grep -o '"port":[0-9]*' "$log" | head -1 | cut -d: -f2)
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
  sleep 1
  echo "$bin first load: $(grep -E 'VmRSS|VmHWM' /proc/$pid/status | tr -s ' ' | tr '\n' ' ')"
  for i in 1 2 3; do
    psql -q -c "NOTIFY kakehashi_changes, 'T'"
    for _ in $(seq 300); do
      [ "$(grep -c '"matching index loaded"' "$log")" -gt "$i" ] && break
      sleep 0.1
    done
    sleep 2
    echo "$bin after reload $i: $(grep -E 'VmRSS|VmHWM' /proc/$pid/status | tr -s ' ' | tr '\n' ' ')"
  done
  kill $pid; wait $pid 2>/dev/null || true; rm -f "$log"
done
