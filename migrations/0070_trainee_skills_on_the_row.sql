-- A trainee's skills on its own row (issue 14, the import). They were rows of
-- trainee_skills, each paying two foreign-key checks (its trainee, its skill)
-- one by one: a 100k-row import wrote some 400k such rows, and that was most
-- of its time in PostgreSQL. Now three arrays of one length, element by
-- element: the skill, its level (1-5) and its years (NULL: not stated), in
-- ascending skill order as the service writes them. A trainee's skills go with
-- its row (no cascade needed); the checks the foreign key and the primary key
-- made are one set-based statement per write below.
ALTER TABLE trainees
  ADD COLUMN skill_ids integer[] NOT NULL DEFAULT '{}',
  ADD COLUMN skill_levels smallint[] NOT NULL DEFAULT '{}',
  ADD COLUMN skill_years numeric(4, 1)[] NOT NULL DEFAULT '{}',
  -- array_position fails on a multidimensional array, so these are lists.
  ADD CONSTRAINT trainees_skills_shape CHECK (
    cardinality(skill_levels) = cardinality(skill_ids)
    AND cardinality(skill_years) = cardinality(skill_ids)
    AND array_position(skill_ids, NULL) IS NULL
    AND array_position(skill_levels, NULL) IS NULL
    AND 1 <= ALL (skill_levels) AND 5 >= ALL (skill_levels)
    AND 0 <= ALL (skill_years) AND 60 >= ALL (skill_years));

UPDATE trainees t
SET skill_ids = s.ids, skill_levels = s.levels, skill_years = s.years
FROM (SELECT trainee_id, array_agg(skill_id ORDER BY skill_id) AS ids,
             array_agg(level ORDER BY skill_id) AS levels,
             array_agg(years ORDER BY skill_id) AS years
      FROM trainee_skills GROUP BY trainee_id) s
WHERE s.trainee_id = t.id;

DROP TABLE trainee_skills;

-- The list's skill filter: trainees holding a skill (then its level is
-- checked on the row).
CREATE INDEX trainees_skill_ids ON trainees USING gin (skill_ids);

-- What trainee_skills' keys guaranteed, once per statement over its rows: every
-- skill exists, and none repeats within a trainee.
CREATE FUNCTION trainees_check_skills() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed c, unnest(c.skill_ids) AS s(id)
             WHERE NOT EXISTS (SELECT 1 FROM skills k WHERE k.id = s.id)) THEN
    RAISE EXCEPTION 'a trainee names a skill that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM changed c
             WHERE cardinality(c.skill_ids) > 1
               AND (SELECT count(DISTINCT s) FROM unnest(c.skill_ids) s)
                   <> cardinality(c.skill_ids)) THEN
    RAISE EXCEPTION 'a trainee names a skill twice'
      USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER trainees_check_skills_insert AFTER INSERT ON trainees
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION trainees_check_skills();
CREATE TRIGGER trainees_check_skills_update AFTER UPDATE ON trainees
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION trainees_check_skills();

-- A skill a trainee holds is not deleted (the foreign key's other side; a
-- skill's id is generated always, so it cannot be renumbered). The service
-- never deletes skills; a migration merging two moves the trainees' arrays
-- first.
CREATE FUNCTION skills_keep_held() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM trainees WHERE skill_ids @> ARRAY[OLD.id]) THEN
    RAISE EXCEPTION 'skill % is held by trainees', OLD.id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER skills_keep_held BEFORE DELETE ON skills
  FOR EACH ROW EXECUTE FUNCTION skills_keep_held();
