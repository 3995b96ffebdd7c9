-- One address, one trainee in an organization, however it was typed (session
-- 20). The unique key compared lower(email), so ｒａｈｉｍ@example.com (a
-- Japanese IME's full-width letters) and rahim@example.com, or é composed
-- and decomposed, registered as two trainees of one organization. The key
-- now reads an email as people type it, through email_key(), the one
-- definition of "the same address": full-width ASCII as ASCII and the
-- ideographic full stops 。｡ as dots, Unicode NFC, lower case (and NFC again:
-- lowering can undo a composition, J + caron lowers to j + caron, which
-- composes to ǰ), Greek final sigma as sigma (ΟΔΟΣ lowers to οδοσ, typed
-- οδος). The import's checks ask it for the emails that are not ASCII
-- (store::TextFolding) and fold ASCII as lower() does; the fingerprints
-- across organizations (0109's refingerprint_contacts, replaced below) read
-- the email through it too, adding their "+tag" rule (rahim+bd@ and rahim@
-- may be two people's mailboxes in one organization, not across two).
--
-- An ASCII email is its own key after lower() and skips the rest; a
-- non-UTF8 database (none that scripts/dev or the image makes) cannot
-- normalize() and keeps the width and sigma rules.
DO $migration$
DECLARE
  wide  text := '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～。｡';
  plain text := '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~..';
  utf8  boolean := current_setting('server_encoding') = 'UTF8';
  folded text := format('translate(lower(%s), %L, %L)',
                        CASE WHEN utf8 THEN format('normalize(translate(email, %L, %L), NFC)', wide, plain)
                             ELSE format('translate(email, %L, %L)', wide, plain) END,
                        'ς', 'σ');
BEGIN
  IF utf8 THEN
    folded := format('normalize(%s, NFC)', folded);
  END IF;
  -- A plain SQL function (not STRICT: a strict one is not inlined), inlined
  -- into the index expression and the statements that use it.
  EXECUTE format($f$
    CREATE FUNCTION email_key(email text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS %L
  $f$, format('SELECT CASE WHEN octet_length(email) = length(email) THEN lower(email) ELSE %s END',
              folded));
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

-- The fingerprints across organizations read the email through email_key()
-- (0109's function otherwise unchanged). Stored fingerprints are not
-- recomputed here: docs/operations.md says how to refresh those whose email
-- is not ASCII, with the key.
CREATE OR REPLACE FUNCTION refingerprint_contacts(ids uuid[], fresh boolean) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  k text := nullif(current_setting('kakehashi.contact_key', true), '');
BEGIN
  IF k IS NULL OR cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  -- The ids are a set (IN (SELECT unnest(ids))), not = ANY (ids): a
  -- parameter array is searched linearly for every row (50k rows: 50k x 50k).
  IF NOT fresh THEN
    DELETE FROM duplicate_flags
    WHERE trainee_a IN (SELECT unnest(ids)) OR trainee_b IN (SELECT unnest(ids));
    DELETE FROM contact_fingerprints WHERE trainee_id IN (SELECT unnest(ids));
  END IF;
  -- Normal forms: an email as its organization's unique key reads it
  -- (email_key(), above), without a "+tag" in its local part; a phone as
  -- digits only (full-width, Bengali, Devanagari and Arabic-Indic digits read
  -- as 0-9 first), an international "00" dropped and a national trunk "0"
  -- read as Bangladesh's +880 (the programme's trainees); under 7 digits is
  -- no number. email_key() is a plain SQL function, inlined here.
  INSERT INTO contact_fingerprints (trainee_id, organization_id, email, phone)
  SELECT trainee_id, organization_id,
         hmac(convert_to(e, 'UTF8'), decode(k, 'hex'), 'sha256'),  -- NULL stays NULL
         hmac(convert_to(CASE WHEN length(n) >= 7 THEN n END, 'UTF8'), decode(k, 'hex'), 'sha256')
  FROM (SELECT trainee_id, organization_id,
               nullif(regexp_replace(email_key(btrim(email)), '\+[^@]*@', '@'), '') AS e,
               CASE WHEN d LIKE '00%' THEN substr(d, 3)
                    WHEN d LIKE '0%' THEN '880' || substr(d, 2) ELSE d END AS n
        FROM (SELECT trainee_id, organization_id, email,
                     regexp_replace(
                       translate(coalesce(phone, ''),
                                 '０１２３４５６７８９০১২৩৪৫৬৭৮৯०१२३४५६७८९٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹',
                                 '01234567890123456789012345678901234567890123456789'),
                       '[^0-9]', '', 'g') AS d
              FROM trainee_personal WHERE trainee_id IN (SELECT unnest(ids))) digits) normal;
  -- A bulk import can multiply the table within this transaction; planned
  -- on the old statistics, the joins below can become nested loops over
  -- every pair. Fresh statistics give them the digest indexes.
  IF cardinality(ids) > 1000 THEN
    ANALYZE contact_fingerprints;
  END IF;
  INSERT INTO duplicate_flags (trainee_a, trainee_b, organization_a, organization_b, kind)
  SELECT least(a, b), greatest(a, b),
         CASE WHEN a < b THEN org_a ELSE org_b END, CASE WHEN a < b THEN org_b ELSE org_a END, kind
  FROM (SELECT mine.trainee_id AS a, other.trainee_id AS b, mine.organization_id AS org_a,
               other.organization_id AS org_b, 'email' AS kind
        FROM contact_fingerprints mine
        JOIN contact_fingerprints other
          ON other.email = mine.email AND other.organization_id <> mine.organization_id
        WHERE mine.trainee_id IN (SELECT unnest(ids))
        UNION ALL
        SELECT mine.trainee_id, other.trainee_id, mine.organization_id, other.organization_id,
               'phone'
        FROM contact_fingerprints mine
        JOIN contact_fingerprints other
          ON other.phone = mine.phone AND other.organization_id <> mine.organization_id
        WHERE mine.trainee_id IN (SELECT unnest(ids))) pairs
  ON CONFLICT DO NOTHING;
END $$;
