-- A project whose seats are all taken by approved placements is closed when
-- the last one is approved; it opens again only with a seat free (a larger
-- headcount in the same change, or a placement withdrawn). SQLSTATE 23000
-- (integrity_constraint_violation) tells it apart from the headcount check's
-- 23514 in the service.
CREATE FUNCTION projects_check_open_seats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.headcount <= (SELECT count(*) FROM matches
                       WHERE project_id = NEW.id AND state = 'approved') THEN
    RAISE EXCEPTION 'project % has no free seat to open with', NEW.id
      USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'projects_open_seats';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER projects_check_open_seats BEFORE UPDATE OF status ON projects
  FOR EACH ROW WHEN (NEW.status = 'open' AND OLD.status IS DISTINCT FROM 'open')
  EXECUTE FUNCTION projects_check_open_seats();
