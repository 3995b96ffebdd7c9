-- The last per-row check of a bulk import (issue 14, session 10) becomes one
-- per statement, keeping what it guaranteed; the skills' repeat check stops
-- running a sort per row.
--
-- trainee_personal.trainee_id loses its foreign key; in its place:
--
-- * insert: every new row names an existing trainee of the same organization
--   (0096's organization check, now with the existence), checked by one join
--   over the statement's rows; the trainees named are locked as the key
--   locked them (FOR KEY SHARE: not deleted before this commits) — except
--   those this transaction inserted itself, which nobody else can see, let
--   alone delete (an import's own rows: no lock at all, and one hash join
--   instead of 100k key checks, each an index probe in random order).
-- * a personal row does not move to another trainee (the service never does).
-- * delete of trainees: their personal rows go with them (the cascade), and
--   with those their fingerprints and flags (0060's cascades).
-- * a trainee's id does not change while personal data names it.
ALTER TABLE trainee_personal DROP CONSTRAINT trainee_personal_trainee_id_fkey;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM trainee_personal p
             WHERE NOT EXISTS (SELECT 1 FROM trainees t WHERE t.id = p.trainee_id)) THEN
    RAISE EXCEPTION 'personal data names a trainee that does not exist';
  END IF;
END $$;

-- One probe of trainees per new row. A trainee this transaction did not
-- insert itself is then locked, and the rows checked again after the lock
-- (a delete that committed in between is seen); a trainee_id repeats nowhere
-- in the statement (the primary key), so counts compare.
CREATE FUNCTION trainee_personal_check_trainee() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n_rows bigint;
  held bigint;
  others bigint;
BEGIN
  SELECT count(*), count(t.id) FILTER (WHERE t.organization_id = c.organization_id),
         count(t.id) FILTER (WHERE t.xmin <> pg_current_xact_id()::xid)
    INTO n_rows, held, others
    FROM changed c LEFT JOIN trainees t ON t.id = c.trainee_id;
  IF others > 0 THEN
    PERFORM 1 FROM changed c JOIN trainees t ON t.id = c.trainee_id
    WHERE t.xmin <> pg_current_xact_id()::xid
    FOR KEY SHARE OF t;
    SELECT count(*) INTO held
      FROM changed c JOIN trainees t ON t.id = c.trainee_id
     WHERE t.organization_id = c.organization_id;
  END IF;
  IF held <> n_rows THEN
    RAISE EXCEPTION 'personal data must name an existing trainee of its organization'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
-- Replaces 0096's insert check (the organization), which this one includes.
DROP TRIGGER trainee_personal_check_organization_insert ON trainee_personal;
CREATE TRIGGER trainee_personal_check_trainee_insert AFTER INSERT ON trainee_personal
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
  EXECUTE FUNCTION trainee_personal_check_trainee();

CREATE FUNCTION trainee_personal_keep_trainee() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'personal data does not move to another trainee'
    USING ERRCODE = 'foreign_key_violation';
END $$;
CREATE TRIGGER trainee_personal_keep_trainee BEFORE UPDATE OF trainee_id ON trainee_personal
  FOR EACH ROW WHEN (OLD.trainee_id IS DISTINCT FROM NEW.trainee_id)
  EXECUTE FUNCTION trainee_personal_keep_trainee();

CREATE FUNCTION trainees_delete_personal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM trainee_personal WHERE trainee_id IN (SELECT id FROM gone);
  RETURN NULL;
END $$;
CREATE TRIGGER trainees_delete_personal AFTER DELETE ON trainees
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
  EXECUTE FUNCTION trainees_delete_personal();

CREATE FUNCTION trainees_keep_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM trainee_personal WHERE trainee_id = OLD.id) THEN
    RAISE EXCEPTION 'trainee % is named by personal data', OLD.id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER trainees_keep_id BEFORE UPDATE OF id ON trainees
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION trainees_keep_id();

-- 0096's organization check, the same rule, probing each organization the
-- statement names once rather than once per row (100k probes: 0.11 s).
CREATE OR REPLACE FUNCTION trainees_check_organization() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM organizations
  WHERE id IN (SELECT DISTINCT organization_id FROM changed) FOR KEY SHARE;
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT organization_id FROM changed) c
             WHERE NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = c.organization_id)) THEN
    RAISE EXCEPTION 'a trainee names an organization that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;

-- 0070's skill checks, the same rules, in one pass over the statement's
-- skills (two passes and a sort per row were some 0.4 s of a 100k-row
-- import): the distinct skills named, each probed once, and whether any row
-- lists them out of order. Rows write them in ascending order (the service
-- always does), and a strictly ascending list repeats nothing; only a row out
-- of order (or, to be safe, one whose bounds the comparison misreads) is
-- counted one by one.
CREATE OR REPLACE FUNCTION trainees_check_skills() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing bigint;
  unordered boolean;
BEGIN
  SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM skills k WHERE k.id = u.id)),
         coalesce(bool_or(u.unordered), false)
    INTO missing, unordered
    FROM (SELECT s.id,
                 bool_or(n > 1 AND (c.skill_ids[array_lower(c.skill_ids, 1) + n::integer - 2]
                                    >= s.id) IS NOT FALSE) AS unordered
            FROM changed c, unnest(c.skill_ids) WITH ORDINALITY AS s(id, n)
           GROUP BY s.id) u;
  IF missing > 0 THEN
    RAISE EXCEPTION 'a trainee names a skill that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF unordered AND EXISTS (
       SELECT 1
         FROM (SELECT DISTINCT c.skill_ids
                 FROM changed c, unnest(c.skill_ids) WITH ORDINALITY AS s(id, n)
                WHERE n > 1
                  AND (c.skill_ids[array_lower(c.skill_ids, 1) + n::integer - 2] >= s.id)
                      IS NOT FALSE) out_of_order
        WHERE (SELECT count(DISTINCT x) FROM unnest(out_of_order.skill_ids) x)
              <> cardinality(out_of_order.skill_ids)) THEN
    RAISE EXCEPTION 'a trainee names a skill twice'
      USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NULL;
END $$;
