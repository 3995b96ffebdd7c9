#!/usr/bin/env bash
# The cost of contact fingerprints (migration 0060) on a bulk insert: ROWS
# trainee_personal rows in one statement (as an import's COPY), without and
# with the duplicates key, each in a transaction rolled back.
#   pg_virtualenv -t -v 15 -o fsync=off bench/load/fingerprint_bench.sh [build/release/service/kakehashi]
set -euo pipefail
BIN=${1:-build/release/service/kakehashi}
ROWS=${ROWS:-50000}
export KAKEHASHI_DATABASE_URL="dbname=${PGDATABASE:-postgres}"
"$BIN" migrate >/dev/null
psql -q -v rows="$ROWS" <<'SQL'
INSERT INTO organizations (name, kind, country) VALUES ('Bench A', 'training_provider', 'BD');
CREATE TEMP TABLE ids AS SELECT gen_random_uuid() AS id, g FROM generate_series(1, :rows) g;
INSERT INTO trainees (id, organization_id, alias)
  SELECT id, (SELECT id FROM organizations WHERE name = 'Bench A'), 'KH-B' || g FROM ids;
\timing on
\echo without the key
BEGIN;
INSERT INTO trainee_personal (trainee_id, organization_id, full_name, email, phone)
  SELECT id, (SELECT id FROM organizations WHERE name = 'Bench A'), 'n', 'x' || g || '@example.com',
         '0171' || lpad(g::text, 7, '0') FROM ids;
ROLLBACK;
\echo with the key
SET kakehashi.contact_key = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';
BEGIN;
INSERT INTO trainee_personal (trainee_id, organization_id, full_name, email, phone)
  SELECT id, (SELECT id FROM organizations WHERE name = 'Bench A'), 'n', 'x' || g || '@example.com',
         '0171' || lpad(g::text, 7, '0') FROM ids;
ROLLBACK;
SQL
