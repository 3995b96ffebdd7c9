-- At most 10 webhook endpoints per organization. Every event goes to each of
-- the organization's endpoints, so a probe's 200 endpoints turned one consent
-- change into 200 outbound POSTs (and 200 delivery rows). Inserts at once
-- are counted one after the other (the organization's row is locked first).
-- Organizations over the limit already keep theirs, and add no more.
CREATE FUNCTION webhooks_per_organization() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM organizations WHERE id = NEW.organization_id FOR NO KEY UPDATE;
  IF (SELECT count(*) FROM webhooks WHERE organization_id = NEW.organization_id) >= 10 THEN
    RAISE EXCEPTION 'organization % has 10 webhook endpoints, the most it may', NEW.organization_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'webhooks_per_organization';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER webhooks_per_organization BEFORE INSERT ON webhooks
  FOR EACH ROW EXECUTE FUNCTION webhooks_per_organization();
