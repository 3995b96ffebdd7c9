#!/usr/bin/env bash
# Every load figure of issue #14 in one run, printed as one table (and written
# to build/bench/figures.md): each row's script runs on its own database of one
# throw-away cluster, one after another, against the same release build.
#   scripts/dev bench load            (builds build/bench, then runs this in pg_virtualenv)
#   pg_virtualenv -t -v 15 -o fsync=off bench/all.sh build/bench
# QUICK=1: smaller data (20k trainees; 60k × 1.2k for growth) and shorter runs, to try
# the script; its figures are not the table's. Needs wrk, python3, node (the
# Express peer) and Debian's FastAPI packages (bench/load/cold_reads_vs_peers.sh);
# the SciPy row runs where ../shared/tools/with-scipy exists, else says so.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(realpath "${1:-$ROOT/build/bench}")
BIN=$BUILD/service/kakehashi
LOAD=$ROOT/bench/load
OUT=$BUILD/bench-logs
mkdir -p "$OUT"
if [ "${QUICK:-0}" = 1 ]; then N=20000; P=400; GN=60000; GP=1200; D=3s; else N=100000; P=2000; GN=300000; GP=6000; D=10s; fi
export KAKEHASHI_RATE_LIMIT=0

log() { printf '\033[1;34m[bench]\033[0m %s\n' "$*" >&2; }
run() {  # name command... : on a fresh database, output in $OUT/name.log
  local name=$1; shift
  log "$name"
  createdb "kh_$name"
  PGDATABASE="kh_$name" "$@" > "$OUT/$name.log" 2>&1 || log "$name failed (see $OUT/$name.log)"
  dropdb --if-exists "kh_$name"
}

ka=""
trap '[ -n "$ka" ] && kill $ka 2>/dev/null' EXIT
"$BUILD/bench/keepalive_reply" 18099 2 & ka=$!
sleep 0.3
log "ceiling: fixed keep-alive reply"
wrk -t2 -c32 -d"$D" --latency http://127.0.0.1:18099/ > "$OUT/ceiling.log" 2>&1
kill $ka; ka=""

buffers() {  # [size]: the cluster restarted with shared_buffers = size, or as configured
  pg_ctlcluster "$PGVERSION" regress stop -m fast || { log "could not stop the cluster"; exit 1; }
  if [ -n "${1:-}" ]; then
    pg_ctlcluster "$PGVERSION" regress start -- -o "-c shared_buffers=$1"
  else
    pg_ctlcluster "$PGVERSION" regress start
  fi || { log "could not start the cluster"; exit 1; }
  SHARED_BUFFERS=$(psql -Atc 'SHOW shared_buffers')
  if [ -n "${1:-}" ] && [ "$SHARED_BUFFERS" != "$1" ]; then
    log "shared_buffers is $SHARED_BUFFERS, not $1"
    exit 1
  fi
  log "shared_buffers: $SHARED_BUFFERS"
}

run matching env TRAINEES=$N PROJECTS=$P DURATION=$D "$LOAD/matching.sh" "$BIN"
# The growth rows with the server's buffers sized for the 300k database (329 MB),
# as a server holding it would be: a 300k round read 21.3k blocks into them at
# the 128 MB default and 7.6k at 1 GB (bench/README.md, session 27). Every other
# row on the cluster's own setting: a plain COPY into a fresh table (the import
# row's reference) measured faster there (0.33-0.37 s against 0.39-0.46 s).
buffers 1GB
run growth env TRAINEES=$GN PROJECTS=$GP ROUNDS_ONLY=1 "$LOAD/matching.sh" "$BIN"
echo "shared_buffers: $SHARED_BUFFERS" >> "$OUT/growth.log"
# The growth row's ratio from medians: each size's `stable` round four times, the sizes
# alternated, every run on a fresh copy of one seeded database (single rounds varied by
# a fifth on a shared host within the hour: session 24).
run growth_median env SIZES="$N:$P $GN:$GP" "$LOAD/growth_ab.sh" "$BIN" "$BIN" 2
echo "shared_buffers: $SHARED_BUFFERS" >> "$OUT/growth_median.log"
buffers
run cold_reads env TRAINEES=$N DURATION=2s ROUNDS=3 "$LOAD/cold_reads_vs_peers.sh" "$BIN"
run under_writes env TRAINEES=$N PROJECTS=$P DURATION=$D "$LOAD/candidates_under_writes.sh" "$BIN" "$BIN"
run import env ROWS=$N "$LOAD/import_bench.sh" "$BIN"
run memory env TRAINEES=$N PROJECTS=$P "$LOAD/rss_after_load.sh" "$BIN"
if [ -x "$ROOT/../shared/tools/with-scipy" ]; then
  log "lsa"
  "$ROOT/../shared/tools/with-scipy" python3 "$ROOT/bench/lsa_vs_scipy.py" "$BUILD/bench/lsa_tool" 5 > "$OUT/lsa.log" 2>&1
else
  echo "no SciPy here (../shared/tools/with-scipy)" > "$OUT/lsa.log"
fi

python3 "$ROOT/bench/table.py" "$OUT" "$N" "$P" "$GN" "$GP" | tee "$BUILD/figures.md"
