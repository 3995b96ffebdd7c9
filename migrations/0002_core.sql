-- Core registry: API keys, the skill taxonomy, trainees (profile apart from
-- personal data), projects, and idempotency records.

CREATE TABLE api_keys (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  role            text NOT NULL CHECK (role IN ('admin', 'training_org', 'firm')),
  label           text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 200),
  prefix          text NOT NULL UNIQUE,          -- the first characters of the secret, to find it
  secret_sha256   text NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz
);
CREATE INDEX api_keys_organization ON api_keys (organization_id);

CREATE TABLE skills (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  category   text NOT NULL DEFAULT 'general',
  version    bigint NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX skills_name_key ON skills (lower(name));

-- Aliases are whole names, matched case-insensitively ("torch" -> PyTorch).
CREATE TABLE skill_aliases (
  alias    text PRIMARY KEY CHECK (alias = lower(btrim(alias)) AND alias <> ''),
  skill_id integer NOT NULL REFERENCES skills (id) ON DELETE CASCADE
);

CREATE TABLE skill_relations (
  skill_a    integer NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
  skill_b    integer NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
  similarity real NOT NULL CHECK (similarity > 0 AND similarity < 1),
  PRIMARY KEY (skill_a, skill_b),
  CHECK (skill_a < skill_b)
);

CREATE TABLE trainees (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq                  bigint GENERATED ALWAYS AS IDENTITY UNIQUE,  -- the matcher's id
  organization_id      uuid NOT NULL REFERENCES organizations (id),
  alias                text NOT NULL UNIQUE,
  country              char(2) CHECK (country ~ '^[A-Z]{2}$'),
  city                 text,
  timezone             text,
  program              text,
  japanese             text CHECK (japanese IN ('none', 'N5', 'N4', 'N3', 'N2', 'N1')),
  english              text CHECK (english IN ('none', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
  certifications       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(certifications) = 'array'),
  available_from       date,
  hours_per_week       integer CHECK (hours_per_week BETWEEN 1 AND 80),
  rate_amount          numeric(12, 2) CHECK (rate_amount >= 0),
  rate_currency        char(3) CHECK (rate_currency ~ '^[A-Z]{3}$'),
  domains              text[] NOT NULL DEFAULT '{}',
  engagement           text[] NOT NULL DEFAULT '{}'
                         CHECK (engagement <@ ARRAY['offshore', 'onsite_japan', 'hybrid']),
  consent_matching     boolean NOT NULL DEFAULT false,
  consent_share_abroad boolean NOT NULL DEFAULT false,
  consent_recorded_at  timestamptz,
  status               text NOT NULL DEFAULT 'active'
                         CHECK (status IN ('active', 'placed', 'withdrawn', 'erased')),
  version              bigint NOT NULL DEFAULT 1,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CHECK ((rate_amount IS NULL) = (rate_currency IS NULL))
);
CREATE INDEX trainees_organization ON trainees (organization_id, seq);
CREATE INDEX trainees_status ON trainees (status, seq);

-- Personal data lives apart from the profile: erasure deletes this row.
CREATE TABLE trainee_personal (
  trainee_id      uuid PRIMARY KEY REFERENCES trainees (id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  full_name       text NOT NULL CHECK (length(btrim(full_name)) BETWEEN 1 AND 200),
  email           text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  phone           text
);
CREATE UNIQUE INDEX trainee_personal_email_key ON trainee_personal (organization_id, lower(email));

CREATE TABLE trainee_skills (
  trainee_id uuid NOT NULL REFERENCES trainees (id) ON DELETE CASCADE,
  skill_id   integer NOT NULL REFERENCES skills (id),
  level      smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
  years      numeric(4, 1) CHECK (years >= 0 AND years <= 60),
  PRIMARY KEY (trainee_id, skill_id)
);
CREATE INDEX trainee_skills_skill ON trainee_skills (skill_id, level);

CREATE TABLE projects (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  organization_id   uuid NOT NULL REFERENCES organizations (id),
  title             text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  description       text NOT NULL DEFAULT '',
  domain            text,
  japanese_min      text NOT NULL DEFAULT 'none'
                      CHECK (japanese_min IN ('none', 'N5', 'N4', 'N3', 'N2', 'N1')),
  english_min       text NOT NULL DEFAULT 'none'
                      CHECK (english_min IN ('none', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
  headcount         integer NOT NULL CHECK (headcount BETWEEN 1 AND 1000),
  start_date        date NOT NULL,
  duration_months   integer NOT NULL CHECK (duration_months BETWEEN 1 AND 120),
  budget_min        numeric(12, 2) CHECK (budget_min >= 0),
  budget_max        numeric(12, 2) CHECK (budget_max >= 0),
  budget_currency   char(3) CHECK (budget_currency ~ '^[A-Z]{3}$'),
  overlap_hours_jst numeric(3, 1) NOT NULL DEFAULT 0 CHECK (overlap_hours_jst BETWEEN 0 AND 9),
  engagement        text NOT NULL DEFAULT 'offshore'
                      CHECK (engagement IN ('offshore', 'onsite_japan', 'hybrid')),
  status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
  version           bigint NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (budget_min IS NULL OR budget_max IS NULL OR budget_min <= budget_max)
);
CREATE INDEX projects_organization ON projects (organization_id, seq);

CREATE TABLE project_skills (
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  skill_id   integer NOT NULL REFERENCES skills (id),
  min_level  smallint NOT NULL CHECK (min_level BETWEEN 1 AND 5),
  weight     smallint NOT NULL CHECK (weight BETWEEN 1 AND 5),
  required   boolean NOT NULL DEFAULT false,
  position   smallint NOT NULL,
  PRIMARY KEY (project_id, skill_id)
);

-- A POST with an Idempotency-Key replays its first response.
CREATE TABLE idempotency_keys (
  api_key_id   uuid NOT NULL REFERENCES api_keys (id),
  key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  method       text NOT NULL,
  path         text NOT NULL,
  request_hash text NOT NULL,
  status       integer NOT NULL,
  headers      jsonb NOT NULL DEFAULT '{}',
  body         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (api_key_id, key)
);
