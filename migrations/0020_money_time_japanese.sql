-- Money, working time and Japanese as the users mean them (issue 16).
--
-- Exchange rates become data: how many units of a currency one US dollar buys
-- from a date on, kept by administrators. The rows below carry forward the
-- indicative rates the service had compiled in, so existing budgets and rates
-- keep converting. A change reloads every replica's index (as a taxonomy
-- change does), since every converted amount may move.
CREATE TABLE exchange_rates (
  currency    char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$' AND currency <> 'USD'),
  valid_from  date NOT NULL,
  per_usd     numeric(18, 6) NOT NULL CHECK (per_usd > 0),
  recorded_by uuid REFERENCES api_keys (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (currency, valid_from)
);
INSERT INTO exchange_rates (currency, valid_from, per_usd) VALUES
  ('JPY', '2026-01-01', 150), ('BDT', '2026-01-01', 120), ('EUR', '2026-01-01', 0.926),
  ('GBP', '2026-01-01', 0.787), ('INR', '2026-01-01', 83.3), ('PKR', '2026-01-01', 278),
  ('LKR', '2026-01-01', 303), ('NPR', '2026-01-01', 133), ('VND', '2026-01-01', 25000),
  ('PHP', '2026-01-01', 58.8), ('IDR', '2026-01-01', 15900), ('MMK', '2026-01-01', 2100),
  ('CNY', '2026-01-01', 7.14), ('KRW', '2026-01-01', 1390), ('SGD', '2026-01-01', 1.35);
CREATE TRIGGER exchange_rates_notify AFTER INSERT OR UPDATE OR DELETE ON exchange_rates
  FOR EACH STATEMENT EXECUTE FUNCTION notify_taxonomy_change();

-- Each organization's currency (what its users see amounts in) and, for
-- training providers, how a trainee's monthly salary becomes the monthly bill
-- rate a firm pays (salary x multiplier: overhead and margin). Existing
-- organizations take their country's currency.
ALTER TABLE organizations
  ADD COLUMN currency char(3) CHECK (currency ~ '^[A-Z]{3}$'),
  ADD COLUMN bill_rate_multiplier numeric(4, 2) NOT NULL DEFAULT 2.0
    CHECK (bill_rate_multiplier BETWEEN 1 AND 10);
CREATE FUNCTION currency_of_country(country text) RETURNS char(3) LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE country WHEN 'JP' THEN 'JPY' WHEN 'BD' THEN 'BDT' WHEN 'IN' THEN 'INR'
                      WHEN 'VN' THEN 'VND' WHEN 'PH' THEN 'PHP' WHEN 'NP' THEN 'NPR'
                      WHEN 'LK' THEN 'LKR' WHEN 'PK' THEN 'PKR' ELSE 'USD' END
$$;
UPDATE organizations SET currency = currency_of_country(country);
ALTER TABLE organizations ALTER COLUMN currency SET NOT NULL;
-- A new organization that names no currency takes its country's.
CREATE FUNCTION organizations_default_currency() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.currency := coalesce(NEW.currency, currency_of_country(NEW.country));
  RETURN NEW;
END $$;
CREATE TRIGGER organizations_default_currency BEFORE INSERT ON organizations
  FOR EACH ROW EXECUTE FUNCTION organizations_default_currency();
CREATE TRIGGER organizations_pricing_notify AFTER INSERT OR UPDATE OF currency, bill_rate_multiplier
  ON organizations FOR EACH STATEMENT EXECUTE FUNCTION notify_taxonomy_change();

-- Trainees: working hours (local) and days, the multiplier overriding the
-- organization's, and Japanese evidence. Existing trainees keep what the
-- service assumed for everyone (09:00-18:00, Monday to Friday); their JLPT
-- levels are self-declared until an organization records the certificate.
ALTER TABLE trainees
  ADD COLUMN work_start time NOT NULL DEFAULT '09:00',
  ADD COLUMN work_end time NOT NULL DEFAULT '18:00',
  ADD COLUMN work_days text[] NOT NULL DEFAULT '{mon,tue,wed,thu,fri}'
    CHECK (work_days <@ ARRAY['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
           AND cardinality(work_days) BETWEEN 1 AND 7),
  ADD COLUMN bill_rate_multiplier numeric(4, 2) CHECK (bill_rate_multiplier BETWEEN 1 AND 10),
  ADD COLUMN japanese_certified boolean NOT NULL DEFAULT false,
  ADD COLUMN japanese_exam_date date,
  ADD COLUMN bjt_score smallint CHECK (bjt_score BETWEEN 0 AND 800),
  ADD CONSTRAINT trainees_work_hours CHECK (work_start <> work_end),
  ADD CONSTRAINT trainees_certified_level
    CHECK (NOT japanese_certified OR (japanese IN ('N5', 'N4', 'N3', 'N2', 'N1')
                                      AND japanese_exam_date IS NOT NULL));

-- Certifications are professional credentials, shown to firms: each says
-- whether the training organization has verified it. Existing ones have not
-- been.
UPDATE trainees SET certifications =
  (SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(c) = 'object'
                                  THEN jsonb_build_object('verified', false) || c ELSE c END
                             ORDER BY n), '[]')
   FROM jsonb_array_elements(certifications) WITH ORDINALITY AS e (c, n))
WHERE certifications <> '[]';

-- Projects: a required minimum JST overlap and minimum hours a week (hard
-- constraints), the hours a week the project needs (scored), and how many
-- calendar months after the start a trainee may still join (1 unless set).
ALTER TABLE projects
  ADD COLUMN min_overlap_hours_jst numeric(3, 1) NOT NULL DEFAULT 0
    CHECK (min_overlap_hours_jst BETWEEN 0 AND 9),
  ADD COLUMN hours_per_week integer CHECK (hours_per_week BETWEEN 1 AND 80),
  ADD COLUMN min_hours_per_week integer NOT NULL DEFAULT 0
    CHECK (min_hours_per_week BETWEEN 0 AND 80),
  ADD COLUMN availability_tolerance_months integer NOT NULL DEFAULT 1
    CHECK (availability_tolerance_months BETWEEN 0 AND 24);
