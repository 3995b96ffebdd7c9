-- A round's per-match events are looked up by key, whatever the statistics
-- say (#14, session 21). org_events_from_audit's first statement joined the
-- statement's new audit rows to matches, projects and trainees; PL/pgSQL keeps
-- its plan, and one made while matches looked empty (autovacuum had analysed
-- it after a DELETE) scanned every match for each new row: a 300k x 6k round
-- stored 12,007 proposals in 15.3 s, 13.1 s of it this statement (auto_explain:
-- a nested loop over matches_trainee with the join as a filter against the
-- transition table), against about 1 s with a good plan. Each lookup is now a
-- LATERAL subquery by primary key (LIMIT 1 keeps it from being flattened into
-- a join the planner may reorder), so every new row costs three index probes
-- whatever the plan cache holds. Otherwise the function is migration 0101's.
CREATE OR REPLACE FUNCTION org_events_from_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO org_events (organization_id, type, occurred_at, match_id, project_id, trainee_id,
                          round_id, data)
  SELECT o.organization_id, o.type, a.at, m.id, m.project_id, m.trainee_id, a.round_id,
         jsonb_build_object('match_id', m.id, 'project_id', m.project_id,
                            'project_title', p.title, 'trainee_id', m.trainee_id,
                            'trainee_alias', t.alias, 'from_state', a.from_state,
                            'to_state', a.to_state, 'round_id', a.round_id)
  FROM added a
  CROSS JOIN LATERAL (
    SELECT m.id, m.project_id, m.trainee_id, m.firm_id, m.training_org_id
    FROM matches m WHERE m.id = a.match_id LIMIT 1) m
  CROSS JOIN LATERAL (SELECT p.title FROM projects p WHERE p.id = m.project_id LIMIT 1) p
  CROSS JOIN LATERAL (SELECT t.alias FROM trainees t WHERE t.id = m.trainee_id LIMIT 1) t
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
                                           AND (o.organization_id = a.actor_org_id
                                                OR o.organization_id IN (x.firm_id,
                                                                         x.training_org_id))))
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
