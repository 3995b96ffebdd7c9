-- Teams: a project demand's seats in roles (issue 15). A project without
-- roles is one role, as before (matches.role NULL). A role's own language
-- minimums and skills override the project's; NULL (or no skills rows with
-- skills_own false) means the project's apply.
CREATE TABLE project_roles (
  project_id   uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  key          text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_-]{0,39}$'),
  position     smallint NOT NULL CHECK (position BETWEEN 0 AND 19),
  title        text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  headcount    integer NOT NULL CHECK (headcount BETWEEN 1 AND 1000),
  japanese_min text CHECK (japanese_min IN ('none', 'N5', 'N4', 'N3', 'N2', 'N1')),
  english_min  text CHECK (english_min IN ('none', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
  -- true: the role's skills (project_role_skills, possibly none) replace the project's
  skills_own   boolean NOT NULL DEFAULT false,
  PRIMARY KEY (project_id, key),
  UNIQUE (project_id, position) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE project_role_skills (
  project_id uuid NOT NULL,
  role_key   text NOT NULL,
  skill_id   integer NOT NULL REFERENCES skills (id),
  min_level  smallint NOT NULL CHECK (min_level BETWEEN 1 AND 5),
  weight     smallint NOT NULL CHECK (weight BETWEEN 1 AND 5),
  required   boolean NOT NULL DEFAULT false,
  position   smallint NOT NULL,
  PRIMARY KEY (project_id, role_key, skill_id),
  FOREIGN KEY (project_id, role_key) REFERENCES project_roles (project_id, key)
    ON DELETE CASCADE ON UPDATE CASCADE
);

-- A project with roles has exactly the seats its roles add up to: checked at
-- commit, so a change may write the project and its roles in any order.
CREATE FUNCTION projects_check_role_seats() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pid uuid;
  seats integer;
  total integer;
BEGIN
  -- NEW and OLD are rows of the table that fired; read only their own fields.
  IF TG_TABLE_NAME = 'projects' THEN
    pid := NEW.id;
  ELSIF TG_OP = 'DELETE' THEN
    pid := OLD.project_id;
  ELSE
    pid := NEW.project_id;
  END IF;
  SELECT headcount INTO seats FROM projects WHERE id = pid;
  IF NOT FOUND THEN RETURN NULL; END IF;
  SELECT sum(headcount) INTO total FROM project_roles WHERE project_id = pid;
  IF total IS NOT NULL AND total <> seats THEN
    RAISE EXCEPTION 'project % has % seats but its roles add up to %', pid, seats, total
      USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_role_seats';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER project_roles_check_seats AFTER INSERT OR UPDATE OR DELETE
  ON project_roles DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION projects_check_role_seats();
CREATE CONSTRAINT TRIGGER projects_check_role_seats AFTER INSERT OR UPDATE OF headcount
  ON projects DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION projects_check_role_seats();

-- A match fills one role's seat (NULL: the project's, when it has no roles).
ALTER TABLE matches ADD COLUMN role text;
ALTER TABLE matches ADD CONSTRAINT matches_role_fk FOREIGN KEY (project_id, role)
  REFERENCES project_roles (project_id, key) ON UPDATE CASCADE;
CREATE INDEX matches_project_role ON matches (project_id, role) WHERE role IS NOT NULL;

-- A role never has more approved placements than its headcount (the project
-- row is locked first by matches_check_headcount, so approvals take turns).
CREATE FUNCTION matches_check_role_headcount() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  seats integer;
  taken integer;
BEGIN
  IF NEW.role IS NOT NULL AND NEW.state = 'approved'
     AND (TG_OP = 'INSERT' OR OLD.state IS DISTINCT FROM 'approved') THEN
    PERFORM 1 FROM projects WHERE id = NEW.project_id FOR UPDATE;
    SELECT headcount INTO seats FROM project_roles
      WHERE project_id = NEW.project_id AND key = NEW.role;
    SELECT count(*) INTO taken FROM matches
      WHERE project_id = NEW.project_id AND role = NEW.role AND state = 'approved'
        AND id <> NEW.id;
    IF taken >= seats THEN
      RAISE EXCEPTION 'role % of project % has all % seats filled', NEW.role, NEW.project_id,
        seats USING ERRCODE = 'check_violation', CONSTRAINT = 'matches_role_headcount';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER matches_check_role_headcount BEFORE INSERT OR UPDATE OF state ON matches
  FOR EACH ROW EXECUTE FUNCTION matches_check_role_headcount();

-- Nor can a role's headcount drop below its approved placements.
CREATE FUNCTION project_roles_check_headcount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.headcount < (SELECT count(*) FROM matches
                      WHERE project_id = NEW.project_id AND role = NEW.key
                        AND state = 'approved') THEN
    RAISE EXCEPTION 'headcount % is below the approved placements of role %', NEW.headcount,
      NEW.key USING ERRCODE = 'check_violation', CONSTRAINT = 'project_roles_headcount';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER project_roles_check_headcount BEFORE UPDATE OF headcount ON project_roles
  FOR EACH ROW WHEN (NEW.headcount < OLD.headcount)
  EXECUTE FUNCTION project_roles_check_headcount();

-- Dry runs: a round computed and stored as simulated, with no matches.
ALTER TABLE matching_rounds DROP CONSTRAINT matching_rounds_status_check;
ALTER TABLE matching_rounds ADD CONSTRAINT matching_rounds_status_check
  CHECK (status IN ('completed', 'failed', 'simulated'));
-- A simulated round keeps its assignment ([{project_id, role, trainee_id, score}]) to
-- compare with; a real round's is its matches.
ALTER TABLE matching_rounds ADD COLUMN assignment jsonb;
ALTER TABLE matching_rounds ADD CONSTRAINT matching_rounds_assignment_simulated
  CHECK ((status = 'simulated') = (assignment IS NOT NULL));
