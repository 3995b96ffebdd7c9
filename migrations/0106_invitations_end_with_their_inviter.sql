-- An open invitation is its inviter's act: it ends when the inviter may no
-- longer invite (a person no longer an owner or administrator, or removed; an
-- API key revoked). A probe's owner, demoted to member, had left an owner
-- invitation behind, and its acceptance made a new owner.
ALTER TABLE invitations
  ADD COLUMN invited_by_person uuid REFERENCES people (id) ON DELETE SET NULL,
  ADD COLUMN invited_by_key uuid REFERENCES api_keys (id);
CREATE INDEX invitations_invited_by_person ON invitations (invited_by_person)
  WHERE accepted_at IS NULL;
CREATE INDEX invitations_invited_by_key ON invitations (invited_by_key) WHERE accepted_at IS NULL;

-- BEFORE the delete: the foreign key's SET NULL would otherwise come first.
CREATE FUNCTION invitations_end_with_their_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM invitations WHERE invited_by_person = OLD.id AND accepted_at IS NULL;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER invitations_end_with_their_person_removed BEFORE DELETE ON people
  FOR EACH ROW EXECUTE FUNCTION invitations_end_with_their_person();
CREATE TRIGGER invitations_end_with_their_person_demoted AFTER UPDATE OF role ON people
  FOR EACH ROW WHEN (OLD.role IN ('owner', 'admin') AND NEW.role NOT IN ('owner', 'admin'))
  EXECUTE FUNCTION invitations_end_with_their_person();

CREATE FUNCTION invitations_end_with_their_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM invitations WHERE invited_by_key = NEW.id AND accepted_at IS NULL;
  RETURN NEW;
END $$;
CREATE TRIGGER invitations_end_with_their_key AFTER UPDATE OF revoked_at ON api_keys
  FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
  EXECUTE FUNCTION invitations_end_with_their_key();
