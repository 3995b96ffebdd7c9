#!/usr/bin/env bash
# What migration 0111's unique key (email_key(): width, NFC, lower) costs a
# bulk import against the lower(email) key it replaced: 100k personal rows
# (2 % of emails not ASCII) COPYed into trainee_personal inside BEGIN ...
# ROLLBACK, the key dropped and made anew in the old or the new form first,
# alternated; the COPY's time from psql's \timing.
#   pg_virtualenv -t -v 15 -o fsync=off bench/load/email_key_cost.sh build/test/service/kakehashi
set -euo pipefail
BIN=$1
ROWS=${ROWS:-100000}
REPEAT=${REPEAT:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
createdb email_key_cost
export PGDATABASE=email_key_cost
KAKEHASHI_DATABASE_URL="dbname=email_key_cost" "$BIN" migrate >/dev/null
psql -q <<SQL
INSERT INTO organizations (id, name, kind, country)
VALUES ('00000000-0000-4000-8000-000000000001', 'Bench Academy', 'training_provider', 'BD');
INSERT INTO trainees (id, organization_id, alias)
SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
       '00000000-0000-4000-8000-000000000001', 'KH-' || lpad(to_hex(n), 10, '0')
FROM generate_series(1, $ROWS) n;
SQL
psql -qc "COPY (SELECT t.id, t.organization_id, 'Trainee ' || t.seq,
                CASE WHEN t.seq % 50 = 0 THEN 'René.' || t.seq || '@example.fr'
                     ELSE 'Trainee.' || t.seq || '@Example.com' END
                FROM trainees t ORDER BY t.seq) TO STDOUT" > "$work/personal.tsv"
old="CREATE UNIQUE INDEX trainee_personal_email_key ON trainee_personal (organization_id, (lower(email) COLLATE \"C\"))"
new="CREATE UNIQUE INDEX trainee_personal_email_key ON trainee_personal (organization_id, (email_key(email) COLLATE \"C\")) WHERE NOT email_key_shared"
for i in $(seq "$REPEAT"); do
  for variant in old new; do
    index=$old
    [ "$variant" = new ] && index=$new
    ms=$(psql -qX <<SQL | grep -o 'Time: [0-9.]*' | tail -1 | cut -d' ' -f2
BEGIN;
DROP INDEX trainee_personal_email_key;
$index;
\timing on
\copy trainee_personal (trainee_id, organization_id, full_name, email) FROM '$work/personal.tsv'
\timing off
ROLLBACK;
SQL
)
    echo "$variant $ms"
  done
done | tee "$work/times"
for variant in old new; do
  printf '%s median: ' "$variant"
  grep "^$variant " "$work/times" | cut -d' ' -f2 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] " ms"}'
done
