-- The consent time at insert (migration 0006's rule: the transaction's time
-- when a consent flag is set, else none) is still the database's, but the
-- trigger function runs only for a row that does not hold that value already.
-- A bulk import writes it (the transaction's now(), read first), so its COPY
-- no longer calls a PL/pgSQL function per row; any other value, from any
-- writer, is replaced as before. Updates keep the trigger as it was.
DROP TRIGGER trainees_consent_recorded ON trainees;
CREATE TRIGGER trainees_consent_recorded_insert BEFORE INSERT ON trainees
  FOR EACH ROW
  WHEN (NEW.consent_recorded_at IS DISTINCT FROM
        CASE WHEN NEW.consent_matching OR NEW.consent_share_abroad THEN now() END)
  EXECUTE FUNCTION trainees_consent_recorded();
CREATE TRIGGER trainees_consent_recorded_update BEFORE UPDATE ON trainees
  FOR EACH ROW EXECUTE FUNCTION trainees_consent_recorded();
