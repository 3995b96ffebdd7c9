-- A round's round.completed events are counted in one pass over its matches
-- (#14, session 24). Migration 0101 counted, for each organization told, the
-- round's matches naming it: a count over every match per organization, so the
-- statement grew as organizations times matches -- 354 ms of a 300k x 6k
-- round's store (12,007 proposals), against about 30 ms at 100k x 2k. Each
-- organization's count is now one GROUP BY over the round's matches (a match
-- whose firm is also its training organization counts once, as before); the
-- organization that ran the round is still told of every match. Otherwise the
-- function is migration 0113's.
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
                            'proposed', CASE WHEN o.organization_id = a.actor_org_id
                                             THEN n.proposed ELSE o.proposed END)
  FROM added a
  JOIN matching_rounds r ON r.id = a.round_id
  CROSS JOIN LATERAL (SELECT count(*) AS proposed FROM matches WHERE round_id = a.round_id) n
  CROSS JOIN LATERAL (
    SELECT x.organization_id, sum(x.proposed) AS proposed
    FROM (SELECT a.actor_org_id AS organization_id, 0 AS proposed
          WHERE a.actor_org_id IS NOT NULL
          UNION ALL
          SELECT p.organization_id, count(*) AS proposed
          FROM matches m
          CROSS JOIN LATERAL (VALUES (m.firm_id), (nullif(m.training_org_id, m.firm_id)))
            AS p (organization_id)
          WHERE m.round_id = a.round_id AND p.organization_id IS NOT NULL
          GROUP BY p.organization_id) x
    GROUP BY x.organization_id) o
  WHERE a.kind = 'round'
    AND EXISTS (SELECT 1 FROM organizations WHERE id = o.organization_id)
  ORDER BY a.id, o.organization_id;

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
