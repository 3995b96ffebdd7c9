-- Two of the three foreign-key checks a bulk import paid per row (issue 14)
-- become one set-based check per statement, keeping what they guaranteed:
--
-- * trainees.organization_id names an organization: checked over the
--   statement's new rows at once, the organizations they name locked as a
--   foreign key locks them (FOR KEY SHARE: not deleted before this commits);
--   an organization that trainees name is not deleted nor renumbered.
-- * trainee_personal.organization_id: it is, and now must be, its trainee's
--   organization (which the trainee's check above holds to an existing one),
--   checked once per statement by a join. The service always wrote it so.
--
-- trainee_personal.trainee_id keeps its foreign key (its cascade is how a
-- trainee's personal data goes with it).
ALTER TABLE trainees DROP CONSTRAINT trainees_organization_id_fkey;
ALTER TABLE trainee_personal DROP CONSTRAINT trainee_personal_organization_id_fkey;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM trainee_personal p JOIN trainees t ON t.id = p.trainee_id
             WHERE t.organization_id <> p.organization_id) THEN
    RAISE EXCEPTION 'personal data of a trainee names another organization than the trainee';
  END IF;
END $$;

CREATE FUNCTION trainees_check_organization() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM organizations
  WHERE id IN (SELECT DISTINCT organization_id FROM changed) FOR KEY SHARE;
  IF EXISTS (SELECT 1 FROM changed c
             WHERE NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = c.organization_id)) THEN
    RAISE EXCEPTION 'a trainee names an organization that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER trainees_check_organization_insert AFTER INSERT ON trainees
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
  EXECUTE FUNCTION trainees_check_organization();

-- A trainee moved to another organization (the service never does): the
-- organization exists and is locked, and its personal data moves with it.
CREATE FUNCTION trainees_check_organization_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM organizations WHERE id = NEW.organization_id FOR KEY SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'a trainee names an organization that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM trainee_personal
             WHERE trainee_id = NEW.id AND organization_id <> NEW.organization_id) THEN
    RAISE EXCEPTION 'personal data must name its trainee''s organization'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER trainees_check_organization_update AFTER UPDATE OF organization_id ON trainees
  FOR EACH ROW WHEN (OLD.organization_id IS DISTINCT FROM NEW.organization_id)
  EXECUTE FUNCTION trainees_check_organization_moved();

CREATE FUNCTION trainee_personal_check_organization() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed c JOIN trainees t ON t.id = c.trainee_id
             WHERE t.organization_id <> c.organization_id) THEN
    RAISE EXCEPTION 'personal data must name its trainee''s organization'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER trainee_personal_check_organization_insert AFTER INSERT ON trainee_personal
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
  EXECUTE FUNCTION trainee_personal_check_organization();
CREATE TRIGGER trainee_personal_check_organization_update AFTER UPDATE ON trainee_personal
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
  EXECUTE FUNCTION trainee_personal_check_organization();

-- The other side of the trainees' key: an organization they name stays.
CREATE FUNCTION organizations_keep_named() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'DELETE' OR NEW.id IS DISTINCT FROM OLD.id)
     AND EXISTS (SELECT 1 FROM trainees WHERE organization_id = OLD.id) THEN
    RAISE EXCEPTION 'organization % is named by trainees', OLD.id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER organizations_keep_named BEFORE DELETE OR UPDATE OF id ON organizations
  FOR EACH ROW EXECUTE FUNCTION organizations_keep_named();
