-- The parts of the contact-fingerprint trigger (migration 0060) on 100k synthetic rows, each
-- timed by psql: bench/README "Import, session 17". Run in a throw-away cluster (pg_virtualenv).
CREATE EXTENSION IF NOT EXISTS pgcrypto;
DROP TABLE IF EXISTS p, fp, fp2, fp3;
CREATE TABLE p AS SELECT gen_random_uuid() AS trainee_id, '00000000-0000-0000-0000-000000000001'::uuid AS organization_id,
  'trainee' || g || '+x@example.com' AS email, '+880 17' || lpad((g*7919 % 100000000)::text, 8, '0') AS phone
FROM generate_series(1, 100000) g;
SET kakehashi.contact_key = 'a3f1c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
\timing on
\echo 1 normal forms
SELECT sum(length(e)+length(n)) FROM (SELECT trainee_id, nullif(regexp_replace(lower(btrim(email)), '\+[^@]*@', '@'), '') AS e,
   CASE WHEN d LIKE '00%' THEN substr(d, 3) WHEN d LIKE '0%' THEN '880' || substr(d, 2) ELSE d END AS n
   FROM (SELECT trainee_id, email, regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') AS d FROM p) x) y;
\echo 2 with hmac
SELECT sum(length(a)+length(b)) FROM (SELECT hmac(convert_to(e, 'UTF8'), decode(current_setting('kakehashi.contact_key'), 'hex'), 'sha256') a,
   hmac(convert_to(CASE WHEN length(n) >= 7 THEN n END, 'UTF8'), decode(current_setting('kakehashi.contact_key'), 'hex'), 'sha256') b
 FROM (SELECT trainee_id, nullif(regexp_replace(lower(btrim(email)), '\+[^@]*@', '@'), '') AS e,
   CASE WHEN d LIKE '00%' THEN substr(d, 3) WHEN d LIKE '0%' THEN '880' || substr(d, 2) ELSE d END AS n
   FROM (SELECT trainee_id, email, regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') AS d FROM p) x) y) z;
\echo 3 insert with hmac into indexed
CREATE TABLE fp (trainee_id uuid PRIMARY KEY, organization_id uuid, email bytea, phone bytea);
CREATE INDEX ON fp (email); CREATE INDEX ON fp (phone);
INSERT INTO fp SELECT trainee_id, organization_id, hmac(convert_to(email, 'UTF8'), '\x01'::bytea, 'sha256'), hmac(convert_to(phone, 'UTF8'), '\x01'::bytea, 'sha256') FROM p;
\echo 3b insert precomputed into indexed
CREATE TABLE fp2 (trainee_id uuid PRIMARY KEY, organization_id uuid, email bytea, phone bytea);
CREATE INDEX ON fp2 (email); CREATE INDEX ON fp2 (phone);
INSERT INTO fp2 SELECT * FROM fp;
\echo 3c insert precomputed, no index
CREATE TABLE fp3 (trainee_id uuid, organization_id uuid, email bytea, phone bytea);
INSERT INTO fp3 SELECT * FROM fp;
ANALYZE fp;
\echo 4 join
SELECT count(*) FROM fp mine JOIN fp other ON other.email = mine.email AND other.organization_id <> mine.organization_id;

-- Random against time-ordered uuid keys, 100k rows each.
DROP TABLE IF EXISTS r, s, t1, t2, t3;
CREATE TABLE r AS SELECT gen_random_uuid() AS id, g FROM generate_series(1, 100000) g;
-- v7-like: 6 bytes of a counter-ish timestamp prefix then random
CREATE TABLE s AS SELECT (lpad(to_hex(1700000000000 + g/50), 12, '0') || substr(replace(gen_random_uuid()::text, '-', ''), 13))::uuid AS id, g FROM generate_series(1, 100000) g;
\timing on
\echo R random pk
CREATE TABLE t1 (id uuid PRIMARY KEY, g int); INSERT INTO t1 SELECT * FROM r;
\echo S v7 pk
CREATE TABLE t2 (id uuid PRIMARY KEY, g int); INSERT INTO t2 SELECT * FROM s;
\echo N no pk
CREATE TABLE t3 (id uuid, g int); INSERT INTO t3 SELECT * FROM r;
