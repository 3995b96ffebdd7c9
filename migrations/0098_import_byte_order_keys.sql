-- The two text keys a bulk import writes per row compare bytes, not the
-- database's collation (issue 14, session 10). Each index insert compares the
-- new key with a dozen others; under a libc collation (even C.UTF-8) every
-- comparison copies both strings and calls strcoll. In one measurement of a
-- 100k-row COPY the pair cost the trainees' COPY some 12 % of its time and
-- the personal rows' some 24 %.
--
-- Uniqueness is unchanged: under a deterministic collation two texts are
-- equal exactly when their bytes are, whatever the collation orders them by.
--
-- * alias ("KH-" and hex digits, ASCII): the column itself takes the "C"
--   collation, so every lookup and ON CONFLICT (alias) uses the index as
--   before; ASCII sorts the same in both.
-- * the email key: lower() still folds with the column's collation (Unicode
--   case, as before); only the folded key is compared bytewise. The lookups
--   by organization (organization_emails) use the key's first column.
ALTER TABLE trainees ALTER COLUMN alias TYPE text COLLATE "C";

DROP INDEX trainee_personal_email_key;
CREATE UNIQUE INDEX trainee_personal_email_key
  ON trainee_personal (organization_id, (lower(email) COLLATE "C"));
