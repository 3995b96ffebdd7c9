-- After a lock on an email's sign-ins runs out, one attempt is checked again
-- (the spec: 30 s, doubling). Since attempts are counted before they are
-- checked (so that guesses sent at once get no more than the free tries),
-- the count alone cannot say which attempt that is: every attempt after the
-- first lock was beyond the free ones and was locked again unchecked, so a
-- person could never sign in again, the right password included. `allowed`
-- is how many counted attempts may be checked: NULL for the free ones, and
-- one more than the count whenever a lock is set.
ALTER TABLE sign_in_failures ADD COLUMN allowed integer CHECK (allowed > 0);
-- Rows locked before this migration: their next attempt after the lock is
-- checked.
UPDATE sign_in_failures SET allowed = failures + 1 WHERE locked_until IS NOT NULL;
