-- The consent time of a new trainee (migration 0006's rule: the transaction's
-- now() when a consent flag is set, else none) is checked once per statement
-- instead of set by a row trigger (issue 14, session 13).
--
-- Any BEFORE INSERT row trigger, even one whose WHEN clause lets every row
-- pass (migration 0095's), makes COPY insert its rows one at a time instead
-- of in batches; without it a 100k-row import's COPY into trainees takes some
-- 8 % less of the database's CPU.
--
-- What changes: an insert that gives another value is now refused
-- (check_violation), where 0095 replaced it. The rule itself stays in the
-- database: a new row holds now() exactly when it consents to something,
-- else NULL, whoever writes it. The service writes that value (the single
-- create computes it in its INSERT; the import writes the transaction's time,
-- read first). Updates keep 0095's row trigger, which sets the time when a
-- consent flag changes and keeps it otherwise.
DROP TRIGGER trainees_consent_recorded_insert ON trainees;

CREATE FUNCTION trainees_check_consent_time() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed
             WHERE consent_recorded_at IS DISTINCT FROM
                   CASE WHEN consent_matching OR consent_share_abroad THEN now() END) THEN
    RAISE EXCEPTION 'a new trainee''s consent time must be now() if it consents to anything, '
                    'else NULL'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER trainees_check_consent_insert AFTER INSERT ON trainees
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
  EXECUTE FUNCTION trainees_check_consent_time();
