-- One address, one trainee in an organization, however it was typed (session
-- 20). The unique key compared lower(email), so ｒａｈｉｍ@example.com (a
-- Japanese IME's full-width letters) and rahim@example.com, or é composed
-- and decomposed, registered as two trainees of one organization; the
-- fingerprints across organizations (migration 0109) already read them as
-- one address. The key now reads an email as those fingerprints do, without
-- their "+tag" rule (rahim+bd@ and rahim@ may be two people's mailboxes):
-- full-width ASCII as ASCII, Unicode NFC, then lower(). email_key() is the
-- one place that says so; the import's checks ask it for the emails that are
-- not ASCII (store::TextFolding), and fold ASCII as lower() does.
--
-- An ASCII email is its own key after lower() and skips normalize(); a
-- non-UTF8 database (none that scripts/dev or the image makes) cannot
-- normalize() and keeps the width rule alone.
DO $migration$
DECLARE
  wide  text := '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～';
  plain text := '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~';
  folded text := CASE WHEN current_setting('server_encoding') = 'UTF8'
                      THEN format('normalize(translate(email, %L, %L), NFC)', wide, plain)
                      ELSE format('translate(email, %L, %L)', wide, plain) END;
BEGIN
  -- A plain SQL function: inlined into the index expression and the queries.
  EXECUTE format($f$
    CREATE FUNCTION email_key(email text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS 'SELECT lower(CASE WHEN octet_length(email) = length(email) THEN email ELSE %s END)'
  $f$, replace(folded, '''', ''''''));
END
$migration$;

-- Trainees registered before under one key keep their rows: the oldest holds
-- the key, each later one is marked (email_key_shared) and left out of the
-- unique index, to be merged or erased by its organization
-- (docs/operations.md lists them). A changed email ends the mark.
ALTER TABLE trainee_personal ADD COLUMN email_key_shared boolean NOT NULL DEFAULT false;
UPDATE trainee_personal p SET email_key_shared = true
FROM (SELECT p.trainee_id,
             row_number() OVER (PARTITION BY p.organization_id, email_key(p.email) COLLATE "C"
                                ORDER BY t.seq) AS n
      FROM trainee_personal p JOIN trainees t ON t.id = p.trainee_id
      WHERE p.email IS NOT NULL) later
WHERE later.trainee_id = p.trainee_id AND later.n > 1;

DROP INDEX trainee_personal_email_key;
CREATE UNIQUE INDEX trainee_personal_email_key
  ON trainee_personal (organization_id, (email_key(email) COLLATE "C"))
  WHERE NOT email_key_shared;

-- A marked twin whose email changes to another key leaves the mark (and
-- meets the unique key like any other row); the same key keeps it.
CREATE FUNCTION trainee_personal_email_key_unshare() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF email_key(NEW.email) IS DISTINCT FROM email_key(OLD.email) THEN
    NEW.email_key_shared := false;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER trainee_personal_email_key_unshare BEFORE UPDATE OF email ON trainee_personal
  FOR EACH ROW WHEN (OLD.email_key_shared) EXECUTE FUNCTION trainee_personal_email_key_unshare();
