-- What happened to an organization's trainees, projects and matches, kept as
-- one row per (organization, event): the console's inbox reads it, and each
-- row fans out to the organization's webhook endpoints as deliveries. Both are
-- written by triggers in the transaction that makes the change, so no handler
-- has to remember them and nothing committed is lost across restarts.

CREATE TABLE org_events (
  seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id              uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),  -- the stable event id
  organization_id uuid NOT NULL REFERENCES organizations (id),
  type            text NOT NULL CHECK (type IN ('match.state_changed', 'offer.received',
                    'round.completed', 'trainee.consent_changed', 'project.status_changed')),
  occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- What it is about (no foreign keys: the history outlives a deleted draft
  -- project's proposed matches).
  match_id        uuid,
  project_id      uuid,
  trainee_id      uuid,
  round_id        uuid,
  -- The event's data as webhooks send it: ids, states, a project's title and a
  -- trainee's pseudonymous alias; never a name, a contact or a free-text reason.
  data            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object')
);
CREATE INDEX org_events_organization ON org_events (organization_id, seq);

-- Audit events become organization events: a transition concerns both sides
-- of the match (and an offer the trainee's organization once more), a round
-- every organization with a match in it and the administrator's, a consent
-- change the trainee's organization.
CREATE FUNCTION org_events_from_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO org_events (organization_id, type, occurred_at, match_id, project_id, trainee_id,
                          round_id, data)
  SELECT o.organization_id, o.type, a.at, m.id, m.project_id, m.trainee_id, a.round_id,
         jsonb_build_object('match_id', m.id, 'project_id', m.project_id,
                            'project_title', p.title, 'trainee_id', m.trainee_id,
                            'trainee_alias', t.alias, 'from_state', a.from_state,
                            'to_state', a.to_state, 'round_id', a.round_id)
  FROM added a
  JOIN matches m ON m.id = a.match_id
  JOIN projects p ON p.id = m.project_id
  JOIN trainees t ON t.id = m.trainee_id
  CROSS JOIN LATERAL (VALUES (m.firm_id, 'match.state_changed'),
                             (m.training_org_id, 'match.state_changed'),
                             (CASE WHEN a.to_state = 'offered' THEN m.training_org_id END,
                              'offer.received')) AS o (organization_id, type)
  WHERE a.kind = 'transition' AND o.organization_id IS NOT NULL
  ORDER BY a.id, o.type;

  INSERT INTO org_events (organization_id, type, occurred_at, round_id, data)
  SELECT o.organization_id, 'round.completed', a.at, a.round_id,
         jsonb_build_object('round_id', r.id, 'algorithm', r.algorithm, 'status', r.status,
                            'proposed', (SELECT count(*) FROM matches x
                                         WHERE x.round_id = r.id
                                           AND o.organization_id IN (x.firm_id, x.training_org_id)))
  FROM added a
  JOIN matching_rounds r ON r.id = a.round_id
  CROSS JOIN LATERAL (
    SELECT a.actor_org_id AS organization_id WHERE a.actor_org_id IS NOT NULL
    UNION SELECT firm_id FROM matches WHERE round_id = a.round_id
    UNION SELECT training_org_id FROM matches WHERE round_id = a.round_id) AS o
  WHERE a.kind = 'round'
    AND EXISTS (SELECT 1 FROM organizations WHERE id = o.organization_id)
  ORDER BY a.id;

  INSERT INTO org_events (organization_id, type, occurred_at, trainee_id, data)
  SELECT t.organization_id, 'trainee.consent_changed', a.at, t.id,
         jsonb_build_object('trainee_id', t.id, 'trainee_alias', t.alias)
           || jsonb_build_object('consent', a.details - 'previous',
                                 'previous', a.details -> 'previous')
  FROM added a
  JOIN trainees t ON t.id = a.trainee_id
  WHERE a.kind = 'consent'
  ORDER BY a.id;
  RETURN NULL;
END $$;
CREATE TRIGGER audit_events_to_org_events AFTER INSERT ON audit_events
  REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION org_events_from_audit();

-- A project's status change (draft → open, open → closed when its seats fill)
-- concerns its firm.
CREATE FUNCTION org_events_from_projects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO org_events (organization_id, type, project_id, data)
  SELECT n.organization_id, 'project.status_changed', n.id,
         jsonb_build_object('project_id', n.id, 'project_title', n.title,
                            'from_status', o.status, 'to_status', n.status)
  FROM changed_new n JOIN changed_old o ON o.id = n.id
  WHERE n.status IS DISTINCT FROM o.status
  ORDER BY n.seq;
  RETURN NULL;
END $$;
CREATE TRIGGER projects_to_org_events AFTER UPDATE ON projects
  REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
  FOR EACH STATEMENT EXECUTE FUNCTION org_events_from_projects();

-- Webhook endpoints. The secret signs deliveries, so it is kept (it cannot be
-- a hash); the API shows it once, at creation, and never logs it.
CREATE TABLE webhooks (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id      uuid NOT NULL REFERENCES organizations (id),
  url                  text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000 AND url ~ '^https?://'),
  description          text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
  events               text[] NOT NULL CHECK (cardinality(events) >= 1 AND events <@ ARRAY[
                         'match.state_changed', 'offer.received', 'round.completed',
                         'trainee.consent_changed', 'project.status_changed']),
  secret               text NOT NULL CHECK (length(secret) >= 32),
  enabled              boolean NOT NULL DEFAULT true,
  disabled_reason      text,
  consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  version              bigint NOT NULL DEFAULT 1,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_organization ON webhooks (organization_id, created_at);

-- The outbox: one delivery per (endpoint, event), due at next_attempt_at. A
-- worker claims a due delivery by moving next_attempt_at past the attempt's
-- deadline (its lease), so a crashed worker's claim simply comes due again.
CREATE TABLE webhook_deliveries (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  webhook_id      uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_seq       bigint NOT NULL REFERENCES org_events (seq),
  status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  UNIQUE (webhook_id, event_seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);

CREATE TABLE webhook_attempts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt     integer NOT NULL CHECK (attempt >= 1),
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  duration_ms integer NOT NULL CHECK (duration_ms >= 0),
  status_code integer CHECK (status_code BETWEEN 100 AND 599),
  error       text CHECK (length(error) <= 300)
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- Each new event becomes a delivery for every enabled endpoint of its
-- organization that asked for its type.
CREATE FUNCTION webhook_deliveries_from_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_deliveries (webhook_id, event_seq)
  SELECT w.id, e.seq
  FROM added e JOIN webhooks w ON w.organization_id = e.organization_id
  WHERE w.enabled AND e.type = ANY (w.events)
  ORDER BY e.seq;
  RETURN NULL;
END $$;
CREATE TRIGGER org_events_to_webhook_deliveries AFTER INSERT ON org_events
  REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_deliveries_from_events();

-- The inbox's read marks, per reader (today an API key, "key:<id>"; a
-- person's account later): everything up to read_through, and single events
-- read beyond it.
CREATE TABLE notification_readers (
  reader       text PRIMARY KEY CHECK (length(reader) BETWEEN 1 AND 100),
  read_through bigint NOT NULL DEFAULT 0
);
CREATE TABLE notification_reads (
  reader    text NOT NULL CHECK (length(reader) BETWEEN 1 AND 100),
  event_seq bigint NOT NULL REFERENCES org_events (seq) ON DELETE CASCADE,
  PRIMARY KEY (reader, event_seq)
);
