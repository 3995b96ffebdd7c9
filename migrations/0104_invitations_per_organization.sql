-- An open invitation is one per organization and address, not one per
-- address: a probe's owner of one organization cancelled another
-- organization's invitation by inviting the same address (a new invitation
-- replaced the open one whatever its organization). A new invitation now
-- replaces only its own organization's.
DROP INDEX invitations_open_email;
CREATE UNIQUE INDEX invitations_open_email ON invitations (organization_id, email)
  WHERE accepted_at IS NULL;
