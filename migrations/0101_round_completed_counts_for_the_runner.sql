-- round.completed for the organization that ran the round (the programme
-- office) counts every match the round proposed; a firm's or a training
-- organization's counts theirs, as before. It said 0 to the office for a round
-- that proposed 34 (a probe, issue 14, session 15): the office is neither side
-- of any match. Otherwise the function is migration 0050's.
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
