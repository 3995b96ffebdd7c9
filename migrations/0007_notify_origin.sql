-- Change notifications name the process that committed them, so the change
-- feed of that process (which published the change at commit) skips its own:
-- each change is applied once per process. Pool connections set
-- kakehashi.origin in their start-up options; other writers (psql, a
-- migration) leave it empty and are treated as another replica.
-- Payloads: 't<seq>@<origin>', 'p<seq>@<origin>', 's@<origin>', and, above
-- 5,000 trainees in one statement, 'T<origin>' as before.
CREATE OR REPLACE FUNCTION notify_trainee_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  origin text := coalesce(current_setting('kakehashi.origin', true), '');
BEGIN
  IF (SELECT count(*) FROM changed) > 5000 THEN
    PERFORM pg_notify('kakehashi_changes', 'T' || origin);
  ELSE
    PERFORM pg_notify('kakehashi_changes', 't' || seq || '@' || origin) FROM changed;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION notify_project_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kakehashi_changes', 'p' || coalesce(NEW.seq, OLD.seq) || '@' ||
                    coalesce(current_setting('kakehashi.origin', true), ''));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION notify_taxonomy_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kakehashi_changes',
                    's@' || coalesce(current_setting('kakehashi.origin', true), ''));
  RETURN NULL;
END $$;
