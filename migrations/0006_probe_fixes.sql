-- Fixes for defects found by probing the running service.

-- Idempotency records keep what a replay needs (the request's fingerprint, the
-- status and the created resource's id), never a response body: bodies held
-- new API keys' secrets and trainees' personal data that erasure could not
-- reach. The old records cannot be replayed without their bodies; they are
-- dropped with them (at most a day of replays is lost).
DELETE FROM idempotency_keys;
ALTER TABLE idempotency_keys
  DROP COLUMN headers,
  DROP COLUMN body,
  ALTER COLUMN status DROP NOT NULL,            -- NULL: the first request is still running
  ADD COLUMN resource_id text CHECK (length(resource_id) <= 64);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- A match beyond 'proposed' is part of a placement's history: deleting it (or
-- its project, which cascades) would leave a trainee placed without its
-- approved match, so it is refused for every writer.
CREATE FUNCTION matches_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state <> 'proposed' THEN
    RAISE EXCEPTION 'match % is %; matches beyond proposed are never deleted', OLD.id, OLD.state
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER matches_keep_history BEFORE DELETE ON matches
  FOR EACH ROW EXECUTE FUNCTION matches_keep_history();

-- consent.recorded_at belongs to the server: set when a trainee is created with
-- consent and whenever a consent flag changes; a writer cannot set it.
CREATE FUNCTION trainees_consent_recorded() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.consent_recorded_at :=
      CASE WHEN NEW.consent_matching OR NEW.consent_share_abroad THEN now() END;
  ELSIF NEW.consent_matching IS DISTINCT FROM OLD.consent_matching
     OR NEW.consent_share_abroad IS DISTINCT FROM OLD.consent_share_abroad THEN
    NEW.consent_recorded_at := now();
  ELSE
    NEW.consent_recorded_at := OLD.consent_recorded_at;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER trainees_consent_recorded BEFORE INSERT OR UPDATE ON trainees
  FOR EACH ROW EXECUTE FUNCTION trainees_consent_recorded();

-- Every consent change is an audit event; the writer names itself in the
-- transaction's kakehashi.actor_* settings.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_kind_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_kind_check
  CHECK (kind IN ('transition', 'round', 'personal_data_read', 'consent'));

CREATE FUNCTION trainees_audit_consent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_events (kind, actor_key_id, actor_org_id, actor_role, trainee_id, details)
  VALUES ('consent',
          nullif(current_setting('kakehashi.actor_key_id', true), '')::uuid,
          nullif(current_setting('kakehashi.actor_org_id', true), '')::uuid,
          nullif(current_setting('kakehashi.actor_role', true), ''),
          NEW.id,
          jsonb_build_object(
            'matching', NEW.consent_matching,
            'share_with_firms_abroad', NEW.consent_share_abroad,
            'previous', jsonb_build_object('matching', OLD.consent_matching,
                                           'share_with_firms_abroad', OLD.consent_share_abroad)));
  RETURN NULL;
END $$;
CREATE TRIGGER trainees_audit_consent AFTER UPDATE ON trainees
  FOR EACH ROW
  WHEN (OLD.consent_matching IS DISTINCT FROM NEW.consent_matching
        OR OLD.consent_share_abroad IS DISTINCT FROM NEW.consent_share_abroad)
  EXECUTE FUNCTION trainees_audit_consent();
