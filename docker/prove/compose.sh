#!/usr/bin/env bash
# Proves docker/compose.yaml on this machine: every service healthy, requests
# through HAProxy answered by every replica, and a replica stopped under a
# request loop without a failed request. Run from the repository's root after
# building the images (docs/operations.md, "Verified"):
#   docker/prove/compose.sh            # podman-compose (ENGINE=podman)
#   ENGINE=docker COMPOSE="docker compose" docker/prove/compose.sh
# Traffic goes to 127.0.0.1:8080 only; every loop is bounded. Leaves the stack
# running: `$COMPOSE -f docker/compose.yaml down -v` removes it.
set -euo pipefail
ENGINE=${ENGINE:-podman}
COMPOSE=${COMPOSE:-podman-compose}
LOOP_SECONDS=${LOOP_SECONDS:-30}
CONCURRENCY=${CONCURRENCY:-4}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { printf '\n== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }
cid() { $ENGINE ps -aq --filter "label=com.docker.compose.service=$1" | head -1; }
health() {
  # Podman runs checks from systemd timers; without systemd, run one (it updates the status).
  if [ "$ENGINE" = podman ]; then $ENGINE healthcheck run "$1" >/dev/null 2>&1 || true; fi
  $ENGINE inspect --format '{{.State.Health.Status}}' "$1"
}

say "up"
$COMPOSE -f docker/compose.yaml up -d >"$work/up.log" 2>&1 || { cat "$work/up.log"; exit 1; }

say "health: every service healthy (120 s at most)"
services="db kakehashi-1 kakehashi-2 kakehashi-3 lb"
for _ in $(seq 60); do
  all=yes
  for s in $services; do [ "$(health "$(cid "$s")")" = healthy ] || all=no; done
  [ $all = yes ] && break
  sleep 2
done
for s in $services migrate; do
  printf '%-12s %s\n' "$s" "$($ENGINE inspect --format '{{.State.Status}} exit={{.State.ExitCode}} health={{.State.Health.Status}}' "$(cid "$s")")"
done
[ "$all" = yes ] || { echo "not every service is healthy"; exit 1; }
curl -fsS http://127.0.0.1:8080/readyz; echo

say "spread: 3000 requests through the balancer, by the replica that logged each"
node -e '
const http = require("node:http"); const fs = require("node:fs");
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 }); const ids = []; let n = 0, bad = 0;
(function next() {
  if (n++ === 3000) { agent.destroy(); fs.writeFileSync(process.argv[1], ids.join("\n") + "\n");
    console.log(JSON.stringify({ requests: 3000, failed: bad })); return; }
  http.get("http://127.0.0.1:8080/healthz", { agent }, (r) => { r.resume();
    r.on("end", () => { if (r.statusCode !== 200) bad++; ids.push(r.headers["x-request-id"]); next(); }); })
   .on("error", () => { bad++; next(); });
})();' "$work/ids"
for n in 1 2 3; do
  printf 'kakehashi-%s answered %s\n' $n "$($ENGINE logs "$(cid kakehashi-$n)" 2>&1 | grep -F -c -f "$work/ids" || true)"
done

say "stop: kakehashi-2 stopped 5 s into a ${LOOP_SECONDS} s loop of $CONCURRENCY keep-alive clients"
victim=$(cid kakehashi-2)
node "$here/request-loop.mjs" http://127.0.0.1:8080/healthz "$LOOP_SECONDS" "$CONCURRENCY" "$work/loop-ids" >"$work/loop.json" &
loop=$!
sleep 5
t0=$(date +%s.%N)
$ENGINE stop -t 20 "$victim" >/dev/null   # compose's stop_grace_period (podman-compose would use 10 s)
t1=$(date +%s.%N)
wait $loop
printf 'stop took %.1f s; exit code %s\n' "$(awk "BEGIN{print $t1 - $t0}")" "$($ENGINE inspect --format '{{.State.ExitCode}}' "$victim")"
$ENGINE logs "$victim" 2>&1 | grep -E '"msg":"(draining|stopped)' || true
echo "loop: $(cat "$work/loop.json")"
for n in 1 2 3; do
  printf 'kakehashi-%s answered %s of the loop\n' $n "$($ENGINE logs "$(cid kakehashi-$n)" 2>&1 | grep -F -c -f "$work/loop-ids" || true)"
done
failed=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).failed)' "$work/loop.json")
say "restart kakehashi-2"
$ENGINE start "$victim" >/dev/null
if [ "$failed" = 0 ]; then echo "PASS: no failed request"; else echo "FAIL: $failed failed requests"; exit 1; fi
