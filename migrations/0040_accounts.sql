-- People, not keys: accounts of people in organizations, invitations,
-- server-side sessions, sign-in throttling, and the person on every audit
-- event. API keys stay for machine clients.

-- A person belongs to one organization with a role in it. The programme
-- office's people are administrators; everyone else's are owners, members or
-- viewers. Emails are unique across the service (sign-in names no
-- organization) and stored in lower case.
CREATE TABLE people (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  email           text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  role            text NOT NULL CHECK (role IN ('admin', 'owner', 'member', 'viewer')),
  -- libsodium's crypto_pwhash_str (Argon2id, with its salt and parameters).
  password_hash   text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  -- RFC 6238: the shared secret (set on enrolment, in force once confirmed)
  -- and the last time step accepted, so a code is never accepted twice.
  totp_secret     bytea CHECK (totp_secret IS NULL OR length(totp_secret) = 20),
  totp_enabled    boolean NOT NULL DEFAULT false CHECK (NOT totp_enabled OR totp_secret IS NOT NULL),
  totp_last_step  bigint,
  version         bigint NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX people_email ON people (email);
CREATE INDEX people_organization ON people (organization_id, created_at, id);

-- The role follows the organization: administrators exactly in the
-- programme office. Shared by people and invitations.
CREATE FUNCTION people_check_role() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  office boolean;
BEGIN
  SELECT kind = 'programme_office' INTO office FROM organizations WHERE id = NEW.organization_id;
  IF office IS DISTINCT FROM (NEW.role = 'admin') THEN
    RAISE EXCEPTION 'the programme office''s people are administrators, and only they are'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'people_role_follows_organization';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER people_check_role BEFORE INSERT OR UPDATE OF role, organization_id ON people
  FOR EACH ROW EXECUTE FUNCTION people_check_role();

-- An invitation: a one-time token (only its SHA-256 is kept), valid until
-- expires_at and once. A new invitation to the same address replaces an
-- open one.
CREATE TABLE invitations (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email           text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  role            text NOT NULL CHECK (role IN ('admin', 'owner', 'member', 'viewer')),
  token_sha256    text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  invited_by      text NOT NULL,  -- the inviter's label, as the audit names them
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  accepted_at     timestamptz
);
CREATE UNIQUE INDEX invitations_open_email ON invitations (email) WHERE accepted_at IS NULL;
CREATE INDEX invitations_organization ON invitations (organization_id, created_at);
CREATE INDEX invitations_expires ON invitations (expires_at);
CREATE TRIGGER invitations_check_role BEFORE INSERT OR UPDATE OF role, organization_id ON invitations
  FOR EACH ROW EXECUTE FUNCTION people_check_role();

-- A signed-in person's session. The cookie carries 256 random bits; only
-- their SHA-256 is kept. Signing out deletes the row; an expired row no
-- longer authenticates and is purged by the retention job.
CREATE TABLE sessions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id    uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  token_sha256 text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Failed sign-ins by the address tried (whether or not an account has it, so
-- throttling says nothing about which accounts exist). A success clears it.
CREATE TABLE sign_in_failures (
  email        text PRIMARY KEY,
  failures     integer NOT NULL CHECK (failures > 0),
  last_at      timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz
);

-- Idempotency records belong to whoever sent the request: an API key or a
-- person (both UUIDs, drawn at random, so they never collide).
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_api_key_id_fkey;

-- Every audit event names its person, or the API key's label for a machine
-- client. Writers pass both; when they do not, the transaction's
-- kakehashi.actor_person_id / kakehashi.actor_label settings (which
-- store::update_trainee sets for the consent trigger) or the key's label fill
-- them in.
ALTER TABLE audit_events ADD COLUMN actor_person_id uuid, ADD COLUMN actor_label text;
CREATE INDEX audit_events_actor_person ON audit_events (actor_person_id, id)
  WHERE actor_person_id IS NOT NULL;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_kind_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_kind_check
  CHECK (kind IN ('transition', 'round', 'personal_data_read', 'consent', 'account'));

CREATE FUNCTION audit_events_name_actor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.actor_person_id IS NULL THEN
    NEW.actor_person_id := nullif(current_setting('kakehashi.actor_person_id', true), '')::uuid;
  END IF;
  IF NEW.actor_label IS NULL THEN
    NEW.actor_label := nullif(current_setting('kakehashi.actor_label', true), '');
  END IF;
  IF NEW.actor_label IS NULL AND NEW.actor_key_id IS NOT NULL THEN
    SELECT label INTO NEW.actor_label FROM api_keys WHERE id = NEW.actor_key_id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_events_name_actor BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_name_actor();
