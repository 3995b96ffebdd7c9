#!/usr/bin/env bash
# The growth row ("how rounds grow", issue 14) for two builds side by side:
# each size seeded once into a template database, then every run on a fresh
# copy of it, the builds alternated (which goes first alternates too), one
# `stable` round each, end to end (HTTP request to stored proposals) and the
# server's CPU over the round. One line per run; medians are left to the
# reader (bench/README.md, "How rounds grow, session 10").
#   pg_virtualenv -t -v 15 -o fsync=off -o shared_buffers=1GB bench/load/growth_ab.sh OLD_BIN NEW_BIN [RUNS]
# SIZES (default "100000:2000 300000:6000") lists trainees:projects.
set -euo pipefail
OLD=$1
NEW=$2
RUNS=${3:-2}
SIZES=${SIZES:-"100000:2000 300000:6000"}
export KAKEHASHI_RATE_LIMIT=0
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT
for size in $SIZES; do
  n=${size%:*}
  p=${size#*:}
  createdb "growth_$n"
  # Seeded by the old build: a build refuses a database with migrations it
  # does not know, and each run's copy is migrated by its own build first.
  KAKEHASHI_DATABASE_URL="dbname=growth_$n" "$OLD" migrate >/dev/null
  KAKEHASHI_DATABASE_URL="dbname=growth_$n" "$OLD" seed --synthetic --trainees "$n" \
    --projects "$p" --seed 1 >/dev/null
  # Settled, as a database in service is: vacuumed (hint bits set, pages all
  # visible) and analysed, so no copy's first reads write its pages again.
  psql -d "growth_$n" -qc "VACUUM (FREEZE, ANALYZE)"
done
tick=$(getconf CLK_TCK)
one() {  # label binary trainees
  local db="run_$$_$RANDOM"
  # FILE_COPY: the template's files copied, not written through the WAL (the
  # default), and checkpointed before the service starts, not during the round.
  createdb -S FILE_COPY -T "growth_$3" "$db"
  export KAKEHASHI_DATABASE_URL="dbname=$db"
  "$2" migrate >/dev/null
  psql -qc CHECKPOINT
  local key
  key=$("$2" keys create --admin --label growth)
  "$2" serve --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 600); do grep -q '"msg":"listening"' "$work/serve.log" && break; sleep 0.1; done
  local port
  port=$(grep -o '"port":[0-9]*' "$work/serve.log" | head -1 | cut -d: -f2)
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
  local before after wall
  before=$(awk '{print $14 + $15}' "/proc/$server/stat")
  wall=$(curl -s -o "$work/round.json" -w "%{time_total}" -H "Authorization: Bearer $key" \
    -H "Content-Type: application/json" -d '{"algorithm":"stable"}' \
    "http://127.0.0.1:$port/v1/matching-rounds")
  after=$(awk '{print $14 + $15}' "/proc/$server/stat")
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=
  dropdb "$db"
  python3 - "$1" "$3" "$wall" "$(( after - before ))" "$tick" "$work/round.json" <<'EOF'
import json, sys
label, n, wall, ticks, tick, path = sys.argv[1:]
r = json.load(open(path))
s = r["statistics"]
t = r["timings"]
print(f"{label} {n} stable end_to_end_s {float(wall):.3f} server_cpu_s {int(ticks) / int(tick):.2f} "
      f"blocking_pairs {s.get('stability', {}).get('blocking_pairs')} "
      f"timings_ms {json.dumps({k: round(v) for k, v in t.items()})}", flush=True)
EOF
}
for run in $(seq "$RUNS"); do
  for size in $SIZES; do
    n=${size%:*}
    if [ $((run % 2)) = 1 ]; then
      one old "$OLD" "$n"
      one new "$NEW" "$n"
    else
      one new "$NEW" "$n"
      one old "$OLD" "$n"
    fi
  done
done
