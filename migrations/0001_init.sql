-- Organizations: the programme office, training providers and Japanese firms.
-- Everything else in kakehashi belongs to one of them.
CREATE TABLE organizations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  kind        text NOT NULL CHECK (kind IN ('programme_office', 'training_provider', 'firm')),
  country     char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  version     bigint NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX organizations_name_key ON organizations (lower(name));
