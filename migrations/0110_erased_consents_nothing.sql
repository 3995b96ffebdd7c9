-- An erased trainee consents to nothing (a probe, session 19): erasure kept
-- the consent flags as they were, so administrators read an erased trainee as
-- consenting to matching and to sharing abroad. Erasure now clears them
-- (store::erase_trainee, which the retention job uses too); this clears them
-- for trainees erased before, and the CHECK keeps it so for every writer.
-- The consent trigger records each such change as an audit event, as for any
-- consent change (no actor: the migration).
UPDATE trainees SET consent_matching = false, consent_share_abroad = false
WHERE status = 'erased' AND (consent_matching OR consent_share_abroad);

ALTER TABLE trainees ADD CONSTRAINT trainees_erased_consents_nothing
  CHECK (status <> 'erased' OR NOT (consent_matching OR consent_share_abroad));
