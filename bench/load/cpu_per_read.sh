#!/usr/bin/env bash
# CPU spent by the service per trainee read, for binaries compared side by
# side: a fixed sequence of reads (every trainee once, all cache misses, then
# every trainee again, all hits) over one keep-alive connection, and the
# server's own CPU time for it (perf stat task-clock), or with CALLGRIND=1 its
# instruction count (valgrind: the same count on a busy or a quiet machine).
# Wall-clock req/s on a shared 2-core machine swings by ±15% between runs of
# one binary; these two do not.
#   pg_virtualenv -t -v 15 -o fsync=off bench/load/cpu_per_read.sh OLD_BIN NEW_BIN OLD_BIN NEW_BIN ...
#   TRAINEES=20000 (default), CALLGRIND=1 (instructions; use TRAINEES=5000)
# Needs perf (linux-perf) or valgrind, python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TRAINEES=${TRAINEES:-20000}
export KAKEHASHI_RATE_LIMIT=0
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
server=
n=0
for bin in "$@"; do
  n=$((n + 1))
  # One database per distinct binary: its migrations are its own.
  db=cpu_$(sha256sum "$bin" | cut -c1-12)
  export KAKEHASHI_DATABASE_URL="dbname=$db"
  if ! psql -qtAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    createdb "$db"
    "$bin" migrate >/dev/null
    "$bin" seed --synthetic --trainees "$TRAINEES" --projects 50 --seed 1 >/dev/null
    "$bin" keys create --admin --label load > "$work/$db.key"
    psql -d "$db" -qtAc "SELECT id FROM trainees ORDER BY md5(id::text)" > "$work/$db.ids"
  fi
  wrap=()
  [ "${CALLGRIND:-0}" = 1 ] && wrap=(valgrind --tool=callgrind --instr-atstart=no
    "--callgrind-out-file=$work/cg.$n" "--log-file=$work/cg.$n.log")
  "${wrap[@]}" "$bin" serve --listen 127.0.0.1:0 > "$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 600); do grep -q '"msg":"listening"' "$work/serve.log" && break; sleep 0.1; done
  port=$(grep -o '"port":[0-9]*' "$work/serve.log" | head -1 | cut -d: -f2)
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.1; done
  if [ "${CALLGRIND:-0}" = 1 ]; then
    callgrind_control -i on "$server" >/dev/null
  else
    perf stat -e task-clock,context-switches -p "$server" -o "$work/stat" & stat=$!
  fi
  python3 "$here/read_each_twice.py" "$port" "$work/$db.key" "$work/$db.ids"
  reads=$((2 * $(wc -l < "$work/$db.ids")))
  if [ "${CALLGRIND:-0}" = 1 ]; then
    callgrind_control -i off "$server" >/dev/null
    kill "$server"; wait "$server" || true
    ir=$(grep -o 'Collected : [0-9]*' "$work/cg.$n.log" | awk '{print $3}')
    echo "$bin: $reads reads, $((ir / reads)) instructions per read"
  else
    kill -INT $stat; wait $stat || true
    kill "$server"; wait "$server" || true
    ms=$(awk '/task-clock/ {print $1}' "$work/stat" | tr -d ,)
    cs=$(awk '/context-switches/ {print $1}' "$work/stat" | tr -d ,)
    echo "$bin: $reads reads, $(python3 -c "print(f'{$ms * 1000 / $reads:.1f}')") µs CPU and $(( cs / reads )) context switches per read"
  fi
done
