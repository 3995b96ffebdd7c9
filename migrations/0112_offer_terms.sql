-- An offer's terms (a walkthrough, session 20): a firm made an offer with one
-- click, and the training organization accepted it without knowing the rate
-- or the start. An offer now carries the monthly bill rate the firm offers
-- (人月単価, in the currency it names) and the start date; both are optional
-- for API clients that offer as before, and kept with the match after it
-- moves on (accepted, approved, or ended), so the placement says what was
-- agreed. Terms exist only on a match that was offered: the CHECK keeps it so
-- for every writer.
ALTER TABLE matches
  ADD COLUMN offer_monthly_rate numeric(14, 2),
  ADD COLUMN offer_currency text,
  ADD COLUMN offer_start_date date,
  ADD CONSTRAINT matches_offer_rate_has_currency
    CHECK ((offer_monthly_rate IS NULL) = (offer_currency IS NULL)),
  ADD CONSTRAINT matches_offer_rate_positive CHECK (offer_monthly_rate > 0),
  ADD CONSTRAINT matches_offer_currency_code CHECK (offer_currency ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT matches_offer_terms_once_offered
    CHECK ((offer_monthly_rate IS NULL AND offer_start_date IS NULL)
           OR state IN ('offered', 'accepted', 'approved', 'rejected', 'withdrawn'));
