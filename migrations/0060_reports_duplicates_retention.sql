-- Programme reports, duplicates across organizations, retention (issue 17).

-- Optional demographic fields, for aggregate reports only. They are personal
-- data: they live with the name and contacts and go with them on erasure.
ALTER TABLE trainee_personal
  ADD COLUMN gender text CHECK (gender IN ('female', 'male', 'other')),
  ADD COLUMN district text CHECK (length(btrim(district)) BETWEEN 1 AND 100
                                  AND district = btrim(district));

-- Contact fingerprints: HMAC-SHA256 of the normalised email and phone under a
-- server key (the `kakehashi.contact_key` setting of the service's pool
-- connections, KAKEHASHI_CONTACT_HASH_KEY). Compared across organizations, so
-- no plain contact data crosses tenants. Derived from personal data, so erased
-- with it (the cascade from trainee_personal).
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- One row per trainee: a bulk import pays one foreign-key check per trainee
-- (the organization is trainee_personal's, copied, not checked again).
CREATE TABLE contact_fingerprints (
  trainee_id      uuid PRIMARY KEY REFERENCES trainee_personal (trainee_id) ON DELETE CASCADE,
  organization_id uuid NOT NULL,
  email           bytea CHECK (length(email) = 32),
  phone           bytea CHECK (length(phone) = 32)
);
CREATE INDEX contact_fingerprints_email ON contact_fingerprints (email);
CREATE INDEX contact_fingerprints_phone ON contact_fingerprints (phone);

-- A possible duplicate: two trainees of different organizations share a
-- fingerprint. One row per pair (a < b) and kind; administrators read them.
CREATE TABLE duplicate_flags (
  id             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  trainee_a      uuid NOT NULL REFERENCES trainee_personal (trainee_id) ON DELETE CASCADE,
  trainee_b      uuid NOT NULL REFERENCES trainee_personal (trainee_id) ON DELETE CASCADE,
  organization_a uuid NOT NULL REFERENCES organizations (id),
  organization_b uuid NOT NULL REFERENCES organizations (id),
  kind           text NOT NULL CHECK (kind IN ('email', 'phone')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (trainee_a, trainee_b, kind),
  CHECK (trainee_a < trainee_b),
  CHECK (organization_a <> organization_b)
);
CREATE INDEX duplicate_flags_b ON duplicate_flags (trainee_b);

-- Recomputes the fingerprints and flags of these trainees from their personal
-- rows. Without a key (psql, a migration) nothing is fingerprinted.
CREATE FUNCTION refingerprint_contacts(ids uuid[], fresh boolean) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  k text := nullif(current_setting('kakehashi.contact_key', true), '');
BEGIN
  IF k IS NULL OR cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  -- The ids are a set (IN (SELECT unnest(ids))), not = ANY (ids): a
  -- parameter array is searched linearly for every row (50k rows: 50k x 50k).
  IF NOT fresh THEN
    DELETE FROM duplicate_flags
    WHERE trainee_a IN (SELECT unnest(ids)) OR trainee_b IN (SELECT unnest(ids));
    DELETE FROM contact_fingerprints WHERE trainee_id IN (SELECT unnest(ids));
  END IF;
  -- Normal forms: an email in lower case without a "+tag" in its local
  -- part; a phone as digits only, an international "00" dropped and a
  -- national trunk "0" read as Bangladesh's +880 (the programme's trainees);
  -- under 7 digits is no number. Written inline: SQL functions here were
  -- not inlined and cost several times the rest of a bulk import.
  INSERT INTO contact_fingerprints (trainee_id, organization_id, email, phone)
  SELECT trainee_id, organization_id,
         hmac(convert_to(e, 'UTF8'), decode(k, 'hex'), 'sha256'),  -- NULL stays NULL
         hmac(convert_to(CASE WHEN length(n) >= 7 THEN n END, 'UTF8'), decode(k, 'hex'), 'sha256')
  FROM (SELECT trainee_id, organization_id,
               nullif(regexp_replace(lower(btrim(email)), '\+[^@]*@', '@'), '') AS e,
               CASE WHEN d LIKE '00%' THEN substr(d, 3)
                    WHEN d LIKE '0%' THEN '880' || substr(d, 2) ELSE d END AS n
        FROM (SELECT trainee_id, organization_id, email,
                     regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') AS d
              FROM trainee_personal WHERE trainee_id IN (SELECT unnest(ids))) digits) normal;
  -- A bulk import can multiply the table within this transaction; planned
  -- on the old statistics, the joins below can become nested loops over
  -- every pair. Fresh statistics give them the digest indexes.
  IF cardinality(ids) > 1000 THEN
    ANALYZE contact_fingerprints;
  END IF;
  INSERT INTO duplicate_flags (trainee_a, trainee_b, organization_a, organization_b, kind)
  SELECT least(a, b), greatest(a, b),
         CASE WHEN a < b THEN org_a ELSE org_b END, CASE WHEN a < b THEN org_b ELSE org_a END, kind
  FROM (SELECT mine.trainee_id AS a, other.trainee_id AS b, mine.organization_id AS org_a,
               other.organization_id AS org_b, 'email' AS kind
        FROM contact_fingerprints mine
        JOIN contact_fingerprints other
          ON other.email = mine.email AND other.organization_id <> mine.organization_id
        WHERE mine.trainee_id IN (SELECT unnest(ids))
        UNION ALL
        SELECT mine.trainee_id, other.trainee_id, mine.organization_id, other.organization_id,
               'phone'
        FROM contact_fingerprints mine
        JOIN contact_fingerprints other
          ON other.phone = mine.phone AND other.organization_id <> mine.organization_id
        WHERE mine.trainee_id IN (SELECT unnest(ids))) pairs
  ON CONFLICT DO NOTHING;
END $$;

-- Once per statement, so a bulk import (COPY) fingerprints its rows in a few
-- set-based statements rather than a few per row.
CREATE FUNCTION trainee_personal_fingerprint_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refingerprint_contacts(ARRAY(SELECT trainee_id FROM added), true);
  RETURN NULL;
END $$;
CREATE TRIGGER trainee_personal_fingerprint_insert AFTER INSERT ON trainee_personal
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT
  EXECUTE FUNCTION trainee_personal_fingerprint_insert();

CREATE FUNCTION trainee_personal_fingerprint_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refingerprint_contacts(
    ARRAY(SELECT n.trainee_id FROM after_rows n JOIN before_rows o USING (trainee_id)
          WHERE n.email IS DISTINCT FROM o.email OR n.phone IS DISTINCT FROM o.phone),
    false);
  RETURN NULL;
END $$;
CREATE TRIGGER trainee_personal_fingerprint_update AFTER UPDATE ON trainee_personal
  REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows FOR EACH STATEMENT
  EXECUTE FUNCTION trainee_personal_fingerprint_update();

-- The trainees flagged as the same person as one (through another
-- organization) who holds an approved placement: they are not matchable (not
-- in rounds, not among candidates). A set, so a query over many trainees
-- builds it once and probes a hash (100k trainees: 35 ms; a function asked
-- per trainee: 900 ms); it is as large as the flags whose other side is placed.
CREATE FUNCTION trainees_placed_elsewhere() RETURNS SETOF uuid
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT f.trainee_a FROM duplicate_flags f
  JOIN matches m ON m.trainee_id = f.trainee_b AND m.state = 'approved'
  UNION
  SELECT f.trainee_b FROM duplicate_flags f
  JOIN matches m ON m.trainee_id = f.trainee_a AND m.state = 'approved'
$$;

-- Retention erases trainees' personal data with an 'erasure' audit event
-- (the kinds before it: 0004, 0006, 0031's 'skill_proposal', 0040's 'account').
ALTER TABLE audit_events DROP CONSTRAINT audit_events_kind_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_kind_check
  CHECK (kind IN ('transition', 'round', 'personal_data_read', 'consent', 'account',
                  'skill_proposal', 'erasure'));

-- The reports read stage times from the audit trail by trainee.
CREATE INDEX audit_events_transitions ON audit_events (trainee_id, to_state, at)
  WHERE kind = 'transition';
