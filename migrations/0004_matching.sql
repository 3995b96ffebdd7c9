-- Matching: rounds, matches and their lifecycle, the audit trail, and the
-- notifications that keep every replica's in-memory index current.

CREATE TABLE matching_rounds (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  algorithm      text NOT NULL CHECK (algorithm IN ('stable', 'max_score')),
  status         text NOT NULL CHECK (status IN ('completed', 'failed')),
  parameters     jsonb NOT NULL,
  engine_version text NOT NULL,
  statistics     jsonb NOT NULL DEFAULT '{}',
  timings        jsonb NOT NULL DEFAULT '{}',
  actor_key_id   uuid REFERENCES api_keys (id),
  started_at     timestamptz NOT NULL,
  completed_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE matches (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq                     bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  project_id              uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  trainee_id              uuid NOT NULL REFERENCES trainees (id) ON DELETE CASCADE,
  -- Owners, copied from the project and trainee (neither ever changes), so
  -- each role's view is one index scan.
  firm_id                 uuid NOT NULL REFERENCES organizations (id),
  training_org_id         uuid NOT NULL REFERENCES organizations (id),
  round_id                uuid REFERENCES matching_rounds (id),
  state                   text NOT NULL CHECK (state IN ('proposed', 'shortlisted', 'interviewing',
                            'offered', 'accepted', 'approved', 'rejected', 'withdrawn')),
  score                   double precision CHECK (score >= 0 AND score <= 1),
  explanation             jsonb,
  version                 bigint NOT NULL DEFAULT 1,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
-- No two open matches for one pair (an approved placement counts as open).
CREATE UNIQUE INDEX matches_open_pair ON matches (project_id, trainee_id)
  WHERE state NOT IN ('rejected', 'withdrawn');
-- A trainee holds at most one approved placement at a time.
CREATE UNIQUE INDEX matches_one_placement ON matches (trainee_id) WHERE state = 'approved';
CREATE INDEX matches_project ON matches (project_id, seq);
CREATE INDEX matches_trainee ON matches (trainee_id, seq);
CREATE INDEX matches_firm ON matches (firm_id, seq);
CREATE INDEX matches_training_org ON matches (training_org_id, seq);
CREATE INDEX matches_round ON matches (round_id, seq);
CREATE INDEX matches_state ON matches (state, seq);

-- A project never has more approved placements than its headcount. The
-- project row is locked first, so two transactions approving seats of one
-- project (from any replica) take turns, and the second counts the first's.
CREATE FUNCTION matches_check_headcount() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  seats integer;
  taken integer;
BEGIN
  IF NEW.state = 'approved' AND (TG_OP = 'INSERT' OR OLD.state IS DISTINCT FROM 'approved') THEN
    SELECT headcount INTO seats FROM projects WHERE id = NEW.project_id FOR UPDATE;
    SELECT count(*) INTO taken FROM matches
      WHERE project_id = NEW.project_id AND state = 'approved' AND id <> NEW.id;
    IF taken >= seats THEN
      RAISE EXCEPTION 'project % has all % seats filled', NEW.project_id, seats
        USING ERRCODE = 'check_violation', CONSTRAINT = 'matches_headcount';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER matches_check_headcount BEFORE INSERT OR UPDATE OF state ON matches
  FOR EACH ROW EXECUTE FUNCTION matches_check_headcount();

-- Nor can a project's headcount drop below its approved placements.
CREATE FUNCTION projects_check_headcount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.headcount < (SELECT count(*) FROM matches
                      WHERE project_id = NEW.id AND state = 'approved') THEN
    RAISE EXCEPTION 'headcount % is below the approved placements of project %',
      NEW.headcount, NEW.id USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_headcount';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER projects_check_headcount BEFORE UPDATE OF headcount ON projects
  FOR EACH ROW WHEN (NEW.headcount < OLD.headcount) EXECUTE FUNCTION projects_check_headcount();

-- The audit trail: append-only.
CREATE TABLE audit_events (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT clock_timestamp(),
  kind            text NOT NULL CHECK (kind IN ('transition', 'round', 'personal_data_read')),
  actor_key_id    uuid,
  actor_org_id    uuid,
  actor_role      text,
  match_id        uuid,
  round_id        uuid,
  project_id      uuid,
  trainee_id      uuid,
  from_state      text,
  to_state        text,
  reason          text,
  details         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_match ON audit_events (match_id, id);
CREATE INDEX audit_events_trainee ON audit_events (trainee_id, id);
CREATE INDEX audit_events_project ON audit_events (project_id, id);
CREATE INDEX audit_events_actor_org ON audit_events (actor_org_id, id);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Change notifications for the in-memory index of every replica: 't<seq>' for
-- a trainee, 'p<seq>' for a project, 's' for the skill taxonomy. They are
-- delivered at commit, so a listener that reads the row sees the change.
CREATE FUNCTION notify_trainee_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kakehashi_changes', 't' || coalesce(NEW.seq, OLD.seq));
  RETURN NULL;
END $$;
CREATE TRIGGER trainees_notify AFTER INSERT OR UPDATE OR DELETE ON trainees
  FOR EACH ROW EXECUTE FUNCTION notify_trainee_change();

CREATE FUNCTION notify_project_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kakehashi_changes', 'p' || coalesce(NEW.seq, OLD.seq));
  RETURN NULL;
END $$;
CREATE TRIGGER projects_notify AFTER INSERT OR UPDATE OR DELETE ON projects
  FOR EACH ROW EXECUTE FUNCTION notify_project_change();

CREATE FUNCTION notify_taxonomy_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kakehashi_changes', 's');
  RETURN NULL;
END $$;
CREATE TRIGGER skills_notify AFTER INSERT OR UPDATE OR DELETE ON skills
  FOR EACH STATEMENT EXECUTE FUNCTION notify_taxonomy_change();
CREATE TRIGGER skill_aliases_notify AFTER INSERT OR UPDATE OR DELETE ON skill_aliases
  FOR EACH STATEMENT EXECUTE FUNCTION notify_taxonomy_change();
CREATE TRIGGER skill_relations_notify AFTER INSERT OR UPDATE OR DELETE ON skill_relations
  FOR EACH STATEMENT EXECUTE FUNCTION notify_taxonomy_change();
