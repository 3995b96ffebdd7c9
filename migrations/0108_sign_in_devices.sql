-- A browser that has signed in to an account keeps a device cookie
-- (kh_device, sent only to POST /v1/sessions). Its failed sign-ins count
-- against that device, not against the account's email: a stranger failing on
-- purpose locks strangers out, not the person on the browser they always use
-- (OWASP's "device cookies"). The token is kept only as its hash.
CREATE TABLE sign_in_devices (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id    uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  token_sha256 text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX sign_in_devices_person ON sign_in_devices (person_id, created_at);
CREATE INDEX sign_in_devices_expires ON sign_in_devices (expires_at);
