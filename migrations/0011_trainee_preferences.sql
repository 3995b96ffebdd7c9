-- Trainee-side wishes (issue 15): the projects (or one role of a project) a
-- trainee wants, ranked, and the ones the trainee refuses, recorded by the
-- trainee's training organization. role NULL: every role of the project.
CREATE TABLE trainee_preferences (
  trainee_id uuid NOT NULL REFERENCES trainees (id) ON DELETE CASCADE,
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  role       text,
  kind       text NOT NULL CHECK (kind IN ('wanted', 'refused')),
  rank       smallint CHECK (rank BETWEEN 1 AND 20),
  CHECK ((kind = 'wanted') = (rank IS NOT NULL)),
  FOREIGN KEY (project_id, role) REFERENCES project_roles (project_id, key)
    ON DELETE CASCADE ON UPDATE CASCADE
);
-- One wish per (trainee, project, role), and one project per rank.
CREATE UNIQUE INDEX trainee_preferences_pair
  ON trainee_preferences (trainee_id, project_id, coalesce(role, ''));
CREATE UNIQUE INDEX trainee_preferences_rank
  ON trainee_preferences (trainee_id, rank) WHERE kind = 'wanted';
CREATE INDEX trainee_preferences_project ON trainee_preferences (project_id);
