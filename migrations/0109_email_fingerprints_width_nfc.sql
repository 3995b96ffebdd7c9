-- Email fingerprints read an address as people type it (a probe, issue 17's
-- duplicates, session 19): the same address written with a Japanese IME's
-- full-width letters (ｒａｈｉｍ@example.com), or with é decomposed (a Mac
-- keyboard's e + U+0301) against the composed é of a Windows spreadsheet,
-- gave another digest, so one person registered at two organizations was not
-- flagged. The normal form now reads the full-width forms of ASCII as ASCII
-- and composes accents (Unicode NFC) before lowering. Not NFKC: it also made
-- rahim¹17@ rahim117@, and circled or mathematical letters plain ones (a
-- probe), so one organization could have another's trainee held back as a
-- twin of an address it made up.
--
-- Stored fingerprints are not recomputed here (a migration runs without the
-- contact key); docs/operations.md says how to refresh the contacts whose
-- email is not ASCII once, with the key.
CREATE OR REPLACE FUNCTION refingerprint_contacts(ids uuid[], fresh boolean) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  k text := nullif(current_setting('kakehashi.contact_key', true), '');
  -- normalize() needs a UTF8 database (every cluster scripts/dev and the
  -- image make is one); another encoding keeps 0100's form. ASCII is its own
  -- NFC: only an email with other characters is normalised (100k ASCII
  -- emails: 0.10 s against 0.26 s through normalize(), against 0.06 s before).
  utf8 boolean := current_setting('server_encoding') = 'UTF8';
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
  -- Normal forms: an email with full-width ASCII read as ASCII (ｒａｈｉｍ as
  -- rahim) and in Unicode NFC (a decomposed é as é), in lower case, without
  -- a "+tag" in its local part; a phone as digits only (full-width, Bengali, Devanagari and
  -- Arabic-Indic digits read as 0-9 first), an international "00" dropped
  -- and a national trunk "0" read as Bangladesh's +880 (the programme's
  -- trainees); under 7 digits is no number. Written inline: SQL functions
  -- here were not inlined and cost several times the rest of a bulk import.
  INSERT INTO contact_fingerprints (trainee_id, organization_id, email, phone)
  SELECT trainee_id, organization_id,
         hmac(convert_to(e, 'UTF8'), decode(k, 'hex'), 'sha256'),  -- NULL stays NULL
         hmac(convert_to(CASE WHEN length(n) >= 7 THEN n END, 'UTF8'), decode(k, 'hex'), 'sha256')
  FROM (SELECT trainee_id, organization_id,
               nullif(regexp_replace(lower(CASE WHEN utf8 AND octet_length(email) <> length(email)
                                                THEN normalize(translate(btrim(email),
                                                  '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～',
                                                  '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~'), NFC)
                                                ELSE btrim(email) END),
                                     '\+[^@]*@', '@'), '') AS e,
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
