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

CREATE TABLE contact_fingerprints (
  trainee_id      uuid NOT NULL REFERENCES trainee_personal (trainee_id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  kind            text NOT NULL CHECK (kind IN ('email', 'phone')),
  digest          bytea NOT NULL CHECK (length(digest) = 32),
  PRIMARY KEY (trainee_id, kind)
);
CREATE INDEX contact_fingerprints_digest ON contact_fingerprints (kind, digest);

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

-- Normal forms: an email in lower case without a "+tag" in its local part; a
-- phone as digits only, an international "00" dropped and a national trunk
-- "0" read as Bangladesh's +880 (the programme's trainees); under 7 digits is
-- no number.
CREATE FUNCTION contact_email_key(email text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN e IS NULL OR e = '' THEN NULL
              ELSE regexp_replace(e, '\+[^@]*@', '@') END
  FROM (SELECT lower(btrim(email)) AS e) s
$$;

CREATE FUNCTION contact_phone_key(phone text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN length(n) < 7 THEN NULL ELSE n END
  FROM (SELECT CASE WHEN d LIKE '00%' THEN substr(d, 3)
                    WHEN d LIKE '0%' THEN '880' || substr(d, 2)
                    ELSE d END AS n
        FROM (SELECT regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') AS d) s) t
$$;

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
  IF NOT fresh THEN
    DELETE FROM duplicate_flags WHERE trainee_a = ANY (ids) OR trainee_b = ANY (ids);
    DELETE FROM contact_fingerprints WHERE trainee_id = ANY (ids);
  END IF;
  INSERT INTO contact_fingerprints (trainee_id, organization_id, kind, digest)
  SELECT p.trainee_id, p.organization_id, v.kind,
         hmac(convert_to(v.value, 'UTF8'), decode(k, 'hex'), 'sha256')
  FROM trainee_personal p
  CROSS JOIN LATERAL (VALUES ('email', contact_email_key(p.email)),
                             ('phone', contact_phone_key(p.phone))) v (kind, value)
  WHERE p.trainee_id = ANY (ids) AND v.value IS NOT NULL;
  INSERT INTO duplicate_flags (trainee_a, trainee_b, organization_a, organization_b, kind)
  SELECT least(mine.trainee_id, other.trainee_id), greatest(mine.trainee_id, other.trainee_id),
         CASE WHEN mine.trainee_id < other.trainee_id THEN mine.organization_id
              ELSE other.organization_id END,
         CASE WHEN mine.trainee_id < other.trainee_id THEN other.organization_id
              ELSE mine.organization_id END,
         mine.kind
  FROM contact_fingerprints mine
  JOIN contact_fingerprints other
    ON other.kind = mine.kind AND other.digest = mine.digest
   AND other.organization_id <> mine.organization_id
  WHERE mine.trainee_id = ANY (ids)
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

-- True when a trainee flagged as the same person (through another
-- organization) holds an approved placement: such a trainee is not matchable
-- (not in rounds, not among candidates).
CREATE FUNCTION trainee_placed_elsewhere(t uuid) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT EXISTS (
    SELECT 1 FROM duplicate_flags f
    JOIN matches m ON m.state = 'approved'
                  AND m.trainee_id = CASE WHEN f.trainee_a = t THEN f.trainee_b ELSE f.trainee_a END
    WHERE f.trainee_a = t OR f.trainee_b = t)
$$;

-- Retention erases trainees' personal data with an 'erasure' audit event.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_kind_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_kind_check
  CHECK (kind IN ('transition', 'round', 'personal_data_read', 'consent', 'erasure'));

-- The reports read stage times from the audit trail by trainee.
CREATE INDEX audit_events_transitions ON audit_events (trainee_id, to_state, at)
  WHERE kind = 'transition';
