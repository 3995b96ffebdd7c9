-- One person, one placement. Records of one person at two organizations are
-- flagged (duplicate_flags, 0060), and a record whose twin holds an approved
-- placement is held back from candidates and rounds. A match made by hand
-- was not: a probe approved both records of one person on one project. Now
-- the database refuses the approval (unique_violation, as the one approved
-- placement per trainee is refused by its unique index).
--
-- The person's records are locked in id order first, so two approvals at
-- once of two records of one person wait for each other and the second sees
-- the first (each statement of the function reads afresh).
CREATE FUNCTION matches_one_placement_per_person() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM trainees WHERE id IN (
      SELECT NEW.trainee_id
      UNION ALL SELECT trainee_b FROM duplicate_flags WHERE trainee_a = NEW.trainee_id
      UNION ALL SELECT trainee_a FROM duplicate_flags WHERE trainee_b = NEW.trainee_id)
    ORDER BY id FOR UPDATE;
  IF EXISTS (
      SELECT 1 FROM duplicate_flags f
      JOIN matches m ON m.state = 'approved' AND m.id <> NEW.id
        AND m.trainee_id = CASE WHEN f.trainee_a = NEW.trainee_id THEN f.trainee_b
                                ELSE f.trainee_a END
      WHERE f.trainee_a = NEW.trainee_id OR f.trainee_b = NEW.trainee_id) THEN
    RAISE EXCEPTION 'trainee % is the same person as one placed through another organization',
      NEW.trainee_id USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER matches_one_placement_per_person BEFORE INSERT OR UPDATE OF state ON matches
  FOR EACH ROW WHEN (NEW.state = 'approved') EXECUTE FUNCTION matches_one_placement_per_person();
