-- Issue 16: training organizations propose skills the taxonomy lacks; a
-- proposal stays pending (outside the taxonomy, so nothing can use it) until
-- an administrator approves it (it becomes a skill) or rejects it (with a
-- reason). A decision is final. Each step is an audit event. Also where a
-- project's work is done, which the trainee's side now reads.

CREATE TABLE skill_proposals (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100
                                       AND name !~ '[\t\n\r,:;]'),
  name_ja         text CHECK (name_ja IS NULL OR (length(btrim(name_ja)) BETWEEN 1 AND 100
                                                  AND name_ja !~ '[\t\n\r,:;]')),
  category        text NOT NULL DEFAULT 'general' CHECK (length(btrim(category)) BETWEEN 1 AND 40),
  aliases         text[] NOT NULL DEFAULT '{}' CHECK (cardinality(aliases) <= 20),
  note            text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'approved', 'rejected')),
  skill_id        integer REFERENCES skills (id),
  reason          text CHECK (reason IS NULL OR length(reason) <= 2000),
  decided_at      timestamptz,
  decided_by      uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK ((status = 'approved') = (skill_id IS NOT NULL))
);
-- One pending proposal per name, whoever proposed it.
CREATE UNIQUE INDEX skill_proposals_pending_name ON skill_proposals (lower(name))
  WHERE status = 'pending';
CREATE INDEX skill_proposals_organization ON skill_proposals (organization_id, seq);

-- Pending → approved or rejected, once; nothing else changes a proposal.
CREATE FUNCTION skill_proposals_decide_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'pending' OR NEW.status = 'pending'
     OR (NEW.name, NEW.name_ja, NEW.category, NEW.aliases, NEW.note, NEW.organization_id,
         NEW.created_at)
        IS DISTINCT FROM (OLD.name, OLD.name_ja, OLD.category, OLD.aliases, OLD.note,
                          OLD.organization_id, OLD.created_at) THEN
    RAISE EXCEPTION 'a skill proposal is decided once, from pending'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'skill_proposals_decide_once';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER skill_proposals_decide_once BEFORE UPDATE ON skill_proposals
  FOR EACH ROW EXECUTE FUNCTION skill_proposals_decide_once();

-- The audit trail's kinds gain 'skill_proposal'. The list is read from the
-- constraint as it stands, so kinds that other migrations added stay.
DO $$
DECLARE
  kinds text[];
BEGIN
  SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
  FROM pg_constraint c,
       regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
  WHERE c.conname = 'audit_events_kind_check' AND c.conrelid = 'audit_events'::regclass;
  IF NOT 'skill_proposal' = ANY (kinds) THEN
    kinds := array_append(kinds, 'skill_proposal');
  END IF;
  ALTER TABLE audit_events DROP CONSTRAINT audit_events_kind_check;
  EXECUTE format('ALTER TABLE audit_events ADD CONSTRAINT audit_events_kind_check '
                 'CHECK (kind = ANY (%L::text[]))', kinds);
END $$;

-- Where the work is done ("Nagoya, Aichi", "Dhaka (offshore)"); optional.
ALTER TABLE projects ADD COLUMN location text
  CHECK (location IS NULL OR length(btrim(location)) BETWEEN 1 AND 200);
