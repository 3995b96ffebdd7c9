#!/usr/bin/env bash
# Where the database's CPU goes in a 100k-row import, by ablation: the rows of
# one import (exported from it) COPYed by psql into the empty tables of a fresh
# database inside BEGIN ... ROLLBACK, with one change made first in the same
# transaction; the backend's user+system CPU (clock ticks, from /proc) of each
# step. Session 12's method (bench/README.md), as a script.
#   pg_virtualenv -t -v 15 -o fsync=off bench/load/import_ablation.sh build/bench/service/kakehashi \
#     [variant.sql ...]
# Each variant file is SQL run in the transaction before the COPYs ("base" is
# the schema as migrated). REPEAT=3 runs each variant that many times,
# alternating the variants.
# FORMATS=1 compares text with binary COPY instead (session 16): the rows
# exported both ways, the variants "text" and "binary", the consent check
# trigger disabled in both (the binary rows carry the source's consent time).
set -euo pipefail
BIN=$1
shift
ROWS=${ROWS:-100000}
REPEAT=${REPEAT:-3}
export KAKEHASHI_RATE_LIMIT=0
work=$(mktemp -d)
server=
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
here=$(dirname "$0")
python3 "$here/make_csv.py" "$ROWS" > "$work/rows.csv"
createdb ablation_source
createdb ablation
for db in ablation_source ablation; do KAKEHASHI_DATABASE_URL="dbname=$db" "$BIN" migrate >/dev/null; done
export KAKEHASHI_DATABASE_URL="dbname=ablation_source"
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
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.1; done
curl -s -o /dev/null -w 'import: HTTP %{http_code}\n' -H "Authorization: Bearer $key" \
  -H 'Content-Type: text/csv' --data-binary @"$work/rows.csv" "http://127.0.0.1:$port/v1/trainees/import"
kill $server; wait $server 2>/dev/null || true; server=
# The rows as the import wrote them; the consent time as 'now' (the
# transaction's start, as the import writes it).
profile="id, seq, organization_id, alias, country, city, timezone, program, japanese, english,
  certifications, available_from, hours_per_week, rate_amount, rate_currency, domains, engagement,
  consent_matching, consent_share_abroad, consent_recorded_at, status, work_start, work_end,
  work_days, bill_rate_multiplier, japanese_certified, japanese_exam_date, bjt_score, skill_ids,
  skill_levels, skill_years"
now_text="CASE WHEN consent_recorded_at IS NULL THEN NULL ELSE 'now' END,"
exported=${profile/consent_recorded_at,/$now_text}
personal="trainee_id, organization_id, full_name, email, phone, gender, district"
psql -qd ablation_source -c "COPY (SELECT ${exported//$'\n'/ } FROM trainees ORDER BY seq) TO STDOUT" > "$work/trainees.tsv"
psql -qd ablation_source -c "COPY (SELECT p.${personal//, /, p.} FROM trainee_personal p JOIN trainees t ON t.id = p.trainee_id ORDER BY t.seq) TO STDOUT" > "$work/personal.tsv"
if [ -n "${FORMATS:-}" ]; then
  psql -qd ablation_source -c "COPY (SELECT ${profile//$'\n'/ } FROM trainees ORDER BY seq) TO STDOUT (FORMAT binary)" > "$work/trainees.bin"
  psql -qd ablation_source -c "COPY (SELECT p.${personal//, /, p.} FROM trainee_personal p JOIN trainees t ON t.id = p.trainee_id ORDER BY t.seq) TO STDOUT (FORMAT binary)" > "$work/personal.bin"
  ls -l "$work"/*.tsv "$work"/*.bin  # the rows' sizes, both ways
fi
psql -qd ablation_source -c "\\copy (SELECT id, name, kind, country FROM organizations) TO '$work/orgs.tsv'"
psql -qd ablation -c "\\copy organizations (id, name, kind, country) FROM '$work/orgs.tsv'"
echo "base" > "$work/base.sql"
variants=("$work/base.sql" "$@")
if [ -n "${FORMATS:-}" ]; then
  for f in text binary; do
    echo "ALTER TABLE trainees DISABLE TRIGGER trainees_check_consent_insert;" > "$work/$f.sql"
  done
  variants=("$work/text.sql" "$work/binary.sql")
fi
# The rows' files and COPY options for a variant: binary for "binary".
source_of() { if [ "$1" = binary ]; then echo "$work/$2.bin' (FORMAT binary)"; else echo "$work/$2.tsv'"; fi; }
# Each step's CPU ticks (10 ms, user + system) from /proc. (This host's
# virtual CPUs count no instructions: perf stat reports them as not supported.)
mark() { echo "\\! awk '{print \$14 + \$15}' /proc/\$BACKEND/stat > $work/t$1"; }
done_step() { echo "\\! awk '{print \$14 + \$15}' /proc/\$BACKEND/stat > $work/u$1"; }
ticks() { echo $(($(cat "$work/u$1") - $(cat "$work/t$1"))); }
printf '%-24s %9s %9s %9s\n' variant trainees personal analyze
for _ in $(seq 1 "$REPEAT"); do
  for v in "${variants[@]}"; do
    name=$(basename "$v" .sql)
    psql -qtAd ablation -v ON_ERROR_STOP=1 >/dev/null <<SQL
SELECT pg_backend_pid() AS pid \gset
\setenv BACKEND :pid
BEGIN;
$( [ "$name" = base ] || cat "$v" )
$(mark 1)
\copy trainees (${profile//$'\n'/ }) FROM '$(source_of "$name" trainees)
$(done_step 1)
$(mark 2)
\copy trainee_personal ($personal) FROM '$(source_of "$name" personal)
$(done_step 2)
$(mark 3)
ANALYZE trainees (id, seq, organization_id, status, consent_matching, skill_ids, japanese);
$(done_step 3)
ROLLBACK;
SQL
    printf '%-24s %9s %9s %9s\n' "$name" "$(ticks 1)" "$(ticks 2)" "$(ticks 3)"
  done
done
# PLANS=file.sql: the plans of those statements after the rows are committed
# without ANALYZE (stage "none"), then after ANALYZE at a statistics target
# of 10, then at the default, 100 (autovacuum off on both tables meanwhile).
[ -n "${PLANS:-}" ] || exit 0
psql -qd ablation -v ON_ERROR_STOP=1 <<SQL
ALTER TABLE trainees SET (autovacuum_enabled = off);
ALTER TABLE trainee_personal SET (autovacuum_enabled = off);
BEGIN;
\copy trainees (${profile//$'\n'/ }) FROM '$work/trainees.tsv'
\copy trainee_personal ($personal) FROM '$work/personal.tsv'
COMMIT;
SQL
# (STAGES="10 100" leaves out the first: without statistics, a skill filter's
# page ran for minutes.)
for stage in ${STAGES:-none 10 100}; do
  echo "=== plans: $stage"
  case $stage in
    10) psql -qd ablation -c "SET default_statistics_target = 10; ANALYZE trainees (id, seq, organization_id, status, consent_matching, skill_ids, japanese)" ;;
    100) psql -qd ablation -c "ANALYZE trainees (id, seq, organization_id, status, consent_matching, skill_ids, japanese)" ;;
  esac
  psql -qd ablation -f "$PLANS"
done
