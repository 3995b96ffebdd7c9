-- Trainee change notifications once per statement instead of once per row:
-- a statement that changes at most 5,000 trainees names each ('t<seq>'), a
-- larger one (a bulk import) sends a single 'T<origin>', on which every
-- replica's listener reloads its index -- but the one whose name the writer
-- set in `kakehashi.origin`, since that writer reloads itself after its
-- commit. A 100k-row import no longer runs 100k trigger calls nor queues 100k
-- notifications (about 1.4 s of the COPY on its own).
DROP TRIGGER trainees_notify ON trainees;
DROP FUNCTION notify_trainee_change();

CREATE FUNCTION notify_trainee_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM changed) > 5000 THEN
    PERFORM pg_notify('kakehashi_changes',
                      'T' || coalesce(current_setting('kakehashi.origin', true), ''));
  ELSE
    PERFORM pg_notify('kakehashi_changes', 't' || seq) FROM changed;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER trainees_notify_insert AFTER INSERT ON trainees
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_trainee_rows();
CREATE TRIGGER trainees_notify_update AFTER UPDATE ON trainees
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_trainee_rows();
CREATE TRIGGER trainees_notify_delete AFTER DELETE ON trainees
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_trainee_rows();
