-- An invitation made while its inviter is being demoted or revoked waits for
-- that change and is then refused: 0106 ends only the invitations there are,
-- and a probe made one inside the demotion's transaction (and with a key that
-- a replica still held for a few seconds after its revocation elsewhere).
-- The inviter's row is share-locked and checked.
CREATE FUNCTION invitations_check_inviter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.invited_by_person IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM people WHERE id = NEW.invited_by_person AND role IN ('owner', 'admin')
      FOR SHARE) THEN
    RAISE EXCEPTION 'the inviter may no longer invite' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.invited_by_key IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM api_keys WHERE id = NEW.invited_by_key AND revoked_at IS NULL FOR SHARE) THEN
    RAISE EXCEPTION 'the inviter may no longer invite' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER invitations_check_inviter BEFORE INSERT ON invitations
  FOR EACH ROW EXECUTE FUNCTION invitations_check_inviter();
