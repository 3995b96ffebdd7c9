#include "store/projects.hpp"

#include <unordered_map>

#include <pqxx/pqxx>

#include "store/sql_text.hpp"
#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kInsertProject =
    "INSERT INTO projects (organization_id, title, description, domain, japanese_min, "
    " english_min, headcount, start_date, duration_months, budget_min, budget_max, "
    " budget_currency, overlap_hours_jst, engagement, status, location) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9, $10::numeric, $11::numeric, $12, "
    " $13::numeric, $14, $15, $16) RETURNING id, seq";
constexpr const char* kUpdateProject =
    "UPDATE projects SET title = $3, description = $4, domain = $5, japanese_min = $6, "
    " english_min = $7, headcount = $8, start_date = $9::date, duration_months = $10, "
    " budget_min = $11::numeric, budget_max = $12::numeric, budget_currency = $13, "
    " overlap_hours_jst = $14::numeric, engagement = $15, status = $16, location = $17, "
    " version = version + 1, updated_at = now() WHERE id = $1 AND version = $2 RETURNING id, seq";
// Working time and availability (migration 0020), written after the insert or
// update in the same transaction.
constexpr const char* kUpdateProjectWork =
    "UPDATE projects SET min_overlap_hours_jst = $2::numeric, hours_per_week = $3, "
    " min_hours_per_week = $4, availability_tolerance_months = $5 WHERE id = $1";
constexpr const char* kDeleteProject =
    "DELETE FROM projects WHERE id = $1 AND ($2::bigint IS NULL OR version = $2) RETURNING id, seq";
constexpr const char* kDeleteProjectSkills = "DELETE FROM project_skills WHERE project_id = $1";
constexpr const char* kInsertProjectSkill =
    "INSERT INTO project_skills (project_id, skill_id, min_level, weight, required, position) "
    "VALUES ($1, $2, $3, $4, $5, $6)";

// Roles (migration 0010), read for a batch of projects at once.
constexpr const char* kSelectRoles =
    "SELECT r.project_id, r.key, r.title, r.headcount, r.japanese_min, r.english_min, "
    " r.skills_own FROM project_roles r WHERE r.project_id = ANY($1::uuid[]) "
    "ORDER BY r.project_id, r.position";
constexpr const char* kSelectRoleSkills =
    "SELECT x.project_id, x.role_key, x.skill_id, x.min_level, x.weight, x.required, "
    " s.name AS skill FROM project_role_skills x JOIN skills s ON s.id = x.skill_id "
    "WHERE x.project_id = ANY($1::uuid[]) ORDER BY x.project_id, x.role_key, x.position";
constexpr const char* kUpsertRole =
    "INSERT INTO project_roles (project_id, key, position, title, headcount, japanese_min, "
    " english_min, skills_own) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
    "ON CONFLICT (project_id, key) DO UPDATE SET position = excluded.position, "
    " title = excluded.title, headcount = excluded.headcount, "
    " japanese_min = excluded.japanese_min, english_min = excluded.english_min, "
    " skills_own = excluded.skills_own";
constexpr const char* kDeleteOtherRoles =
    "DELETE FROM project_roles WHERE project_id = $1 AND NOT (key = ANY($2::text[]))";
constexpr const char* kDeleteRoleSkills = "DELETE FROM project_role_skills WHERE project_id = $1";
constexpr const char* kInsertRoleSkill =
    "INSERT INTO project_role_skills (project_id, role_key, skill_id, min_level, weight, "
    " required, position) VALUES ($1, $2, $3, $4, $5, $6, $7)";

// One row per project with its skills folded into text
// ("skill\tmin_level\tweight\trequired\tname" lines); each query below adds
// its WHERE.
constexpr const char* kProjectSelect =
    "SELECT p.id, p.seq, p.organization_id, p.title, p.description, p.domain, p.japanese_min, "
    " p.english_min, p.headcount, p.start_date::text AS start_date, p.duration_months, "
    " p.budget_min::float8 AS budget_min, p.budget_max::float8 AS budget_max, "
    " p.budget_currency, p.overlap_hours_jst::float8 AS overlap_hours_jst, p.engagement, "
    " p.status, p.location, p.version, to_json(p.created_at)#>>'{}' AS created_at, "
    " p.min_overlap_hours_jst::float8 AS min_overlap_hours_jst, p.hours_per_week, "
    " p.min_hours_per_week, p.availability_tolerance_months, "
    " to_json(p.updated_at)#>>'{}' AS updated_at, "
    " coalesce((SELECT string_agg(s.id || E'\\t' || ps.min_level || E'\\t' || ps.weight || "
    "   E'\\t' || ps.required || E'\\t' || s.name, E'\\n' ORDER BY ps.position) "
    "   FROM project_skills ps JOIN skills s ON s.id = ps.skill_id "
    "   WHERE ps.project_id = p.id), '') AS skills "
    "FROM projects p ";
const std::string kSelectProjectById = std::string(kProjectSelect) + "WHERE p.id = $1";
const std::string kSelectProjectsBySeq =
    std::string(kProjectSelect) + "WHERE p.seq = ANY($1::bigint[])";
const std::string kSelectOpenProjects =
    std::string(kProjectSelect) + "WHERE p.status = 'open' ORDER BY p.seq";

// The name of the prepared kSelectProjectById (project_statements()).
constexpr const char* kFindProject = "find_project";

std::vector<domain::ProjectSkill> skills_from(const std::string& folded) {
  std::vector<domain::ProjectSkill> out;
  for (const auto& line : split(folded, '\n')) {
    const auto parts = split(line, '\t');
    if (parts.size() < 5) continue;
    out.push_back({std::stoi(parts[0]), parts[4], std::stoi(parts[1]), std::stoi(parts[2]),
                   parts[3] == "true"});
  }
  return out;
}

domain::ProjectRecord project_from(const pqxx::row& r) {
  domain::ProjectRecord p;
  p.id = r["id"].as<std::string>();
  p.seq = r["seq"].as<std::int64_t>();
  p.organization_id = r["organization_id"].as<std::string>();
  auto& d = p.data;
  d.title = r["title"].as<std::string>();
  d.description = r["description"].as<std::string>();
  d.domain = opt<std::string>(r["domain"]);
  d.japanese_min = r["japanese_min"].as<std::string>();
  d.english_min = r["english_min"].as<std::string>();
  d.headcount = r["headcount"].as<int>();
  d.start_date = r["start_date"].as<std::string>();
  d.duration_months = r["duration_months"].as<int>();
  d.budget_min = opt<double>(r["budget_min"]);
  d.budget_max = opt<double>(r["budget_max"]);
  d.budget_currency = opt<std::string>(r["budget_currency"]);
  d.overlap_hours_jst = r["overlap_hours_jst"].as<double>();
  d.engagement = r["engagement"].as<std::string>();
  d.status = r["status"].as<std::string>();
  d.location = opt<std::string>(r["location"]);
  d.skills = skills_from(r["skills"].as<std::string>());
  d.min_overlap_hours_jst = r["min_overlap_hours_jst"].as<double>();
  d.hours_per_week = opt<int>(r["hours_per_week"]);
  d.min_hours_per_week = r["min_hours_per_week"].as<int>();
  d.availability_tolerance_months = r["availability_tolerance_months"].as<int>();
  p.version = r["version"].as<std::int64_t>();
  p.created_at = r["created_at"].as<std::string>();
  p.updated_at = r["updated_at"].as<std::string>();
  return p;
}

// Fills in the roles of `projects` (two statements for the batch).
void attach_roles(pqxx::transaction_base& tx, std::vector<domain::ProjectRecord>& projects) {
  if (projects.empty()) return;
  std::vector<std::string> ids;
  std::unordered_map<std::string, domain::ProjectRecord*> by_id;
  for (auto& p : projects) {
    ids.push_back(p.id);
    by_id[p.id] = &p;
  }
  const auto array = pg_text_array(ids);
  const auto roles = exec_params(tx, kSelectRoles, array);
  if (roles.empty()) return;
  for (const auto& r : roles) {
    auto it = by_id.find(r["project_id"].as<std::string>());
    if (it == by_id.end()) continue;
    domain::ProjectRole role;
    role.key = r["key"].as<std::string>();
    role.title = r["title"].as<std::string>();
    role.headcount = r["headcount"].as<int>();
    role.japanese_min = opt<std::string>(r["japanese_min"]);
    role.english_min = opt<std::string>(r["english_min"]);
    if (r["skills_own"].as<bool>()) role.skills.emplace();
    it->second->data.roles.push_back(std::move(role));
  }
  for (const auto& r : exec_params(tx, kSelectRoleSkills, array)) {
    auto it = by_id.find(r["project_id"].as<std::string>());
    if (it == by_id.end()) continue;
    const auto key = r["role_key"].as<std::string>();
    for (auto& role : it->second->data.roles) {
      if (role.key != key || !role.skills) continue;
      role.skills->push_back({r["skill_id"].as<int>(), r["skill"].as<std::string>(),
                              r["min_level"].as<int>(), r["weight"].as<int>(),
                              r["required"].as<bool>()});
    }
  }
}

std::vector<domain::ProjectRecord> projects_from(pqxx::transaction_base& tx,
                                                 const pqxx::result& rows) {
  std::vector<domain::ProjectRecord> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(project_from(r));
  attach_roles(tx, out);
  return out;
}

// Roles are written by key: a role kept keeps its matches; one dropped
// while a match names it is refused (matches_role_fk) with a Conflict.
void write_project_roles(pqxx::transaction_base& tx, const std::string& id,
                         const domain::ProjectData& d) {
  std::vector<std::string> keys;
  for (const auto& r : d.roles) keys.push_back(r.key);
  try {
    exec_params(tx, kDeleteOtherRoles, id, pg_text_array(keys));
  } catch (const pqxx::foreign_key_violation&) {
    throw Conflict{"a role this change removes is named by matches of the project; keep it",
                   "/roles"};
  }
  // Positions are unique per project only at commit (deferred), so a
  // reordering writes in any order.
  exec_params(tx, kDeleteRoleSkills, id);
  int position = 0;
  for (const auto& r : d.roles) {
    try {
      exec_params(tx, kUpsertRole, id, r.key, position++, r.title, r.headcount, r.japanese_min,
                  r.english_min, r.skills.has_value());
    } catch (const pqxx::check_violation&) {
      // project_roles_check_headcount (migration 0010).
      throw Conflict{"role " + r.key + "'s headcount is below its approved placements",
                     "/roles/" + std::to_string(position - 1) + "/headcount"};
    }
    if (!r.skills) continue;
    int at = 0;
    for (const auto& s : *r.skills) {
      exec_params(tx, kInsertRoleSkill, id, r.key, s.skill_id, s.min_level, s.weight, s.required,
                  at++);
    }
  }
}

void write_project_skills(pqxx::transaction_base& tx, const std::string& id,
                          const domain::ProjectData& d) {
  exec_params(tx, kUpdateProjectWork, id, decimal_text(d.min_overlap_hours_jst), d.hours_per_week,
              d.min_hours_per_week, d.availability_tolerance_months);
  exec_params(tx, kDeleteProjectSkills, id);
  int position = 0;
  for (const auto& s : d.skills) {
    exec_params(tx, kInsertProjectSkill, id, s.skill_id, s.min_level, s.weight, s.required,
                position++);
  }
}

}  // namespace

std::string insert_project(Tx& t, const std::string& organization_id,
                           const domain::ProjectData& d) {
  auto& tx = t.sql();
  const auto row =
      exec_params1(tx, kInsertProject, organization_id, d.title, d.description, d.domain,
                   d.japanese_min, d.english_min, d.headcount, d.start_date, d.duration_months,
                   decimal_text(d.budget_min), decimal_text(d.budget_max), d.budget_currency,
                   decimal_text(d.overlap_hours_jst), d.engagement, d.status, d.location);
  auto id = row["id"].as<std::string>();
  write_project_skills(tx, id, d);
  write_project_roles(tx, id, d);
  t.project_changed(row["seq"].as<std::int64_t>());
  return id;
}

std::optional<domain::ProjectRecord> find_project(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  const auto r = exec_prepared(t.sql(), kFindProject, id);
  if (r.empty()) return std::nullopt;
  std::vector<domain::ProjectRecord> one{project_from(r[0])};
  attach_roles(t.sql(), one);
  return std::move(one.front());
}

// A project left open with every seat taken (its headcount lowered to its
// approved placements) closes, as one does when its last seat is approved
// (migration 0009's rule; the probe found it open, ranking candidates that
// could never be approved).
constexpr const char* kCloseIfFull =
    "UPDATE projects p SET status = 'closed', version = version + 1, updated_at = now() "
    "WHERE p.id = $1 AND p.status = 'open' AND p.headcount <= "
    " (SELECT count(*) FROM matches WHERE project_id = p.id AND state = 'approved') "
    "RETURNING seq";

bool update_project(Tx& t, const std::string& id, std::int64_t expected_version,
                    const domain::ProjectData& d) {
  auto& tx = t.sql();
  pqxx::result r;
  try {
    r = exec_params(tx, kUpdateProject, id, expected_version, d.title, d.description, d.domain,
                    d.japanese_min, d.english_min, d.headcount, d.start_date, d.duration_months,
                    decimal_text(d.budget_min), decimal_text(d.budget_max), d.budget_currency,
                    decimal_text(d.overlap_hours_jst), d.engagement, d.status, d.location);
  } catch (const pqxx::check_violation&) {
    // The headcount trigger (migration 0004): fewer seats than placements.
    throw Conflict{"the headcount is below the placements already approved for this project",
                   "/headcount"};
  } catch (const pqxx::integrity_constraint_violation&) {
    // The open-seats trigger (migration 0009): opening a project that is full.
    throw Conflict{
        "every seat of this project is taken by an approved placement: raise the "
        "headcount to open it again",
        "/status"};
  }
  if (r.empty()) return false;
  write_project_skills(tx, id, d);
  write_project_roles(tx, id, d);
  t.project_changed(r[0]["seq"].as<std::int64_t>());
  if (const auto closed = exec_params(tx, kCloseIfFull, id); !closed.empty()) {
    t.project_changed(closed[0]["seq"].as<std::int64_t>());
  }
  return true;
}

bool delete_project(Tx& t, const std::string& id, std::optional<std::int64_t> expected_version) {
  try {
    const auto r = exec_params(t.sql(), kDeleteProject, id, expected_version);
    if (r.empty()) return false;
    t.project_changed(r[0]["seq"].as<std::int64_t>());
    return true;
  } catch (const pqxx::restrict_violation&) {
    // The database keeps matches beyond 'proposed' (migration 0006).
    throw Conflict{
        "this project has matches beyond proposed (shortlisted, offered, accepted or approved "
        "placements, or their history); it cannot be deleted: close it instead",
        ""};
  }
}

std::vector<domain::ProjectRecord> list_projects(Tx& t, const domain::ProjectFilter& f) {
  QueryBuilder q(kProjectSelect);
  q += "WHERE p.seq > " + q.bind(std::to_string(f.after_seq)) + "::bigint";
  if (f.organization_id) q += " AND p.organization_id = " + q.bind(*f.organization_id) + "::uuid";
  if (f.status) q += " AND p.status = " + q.bind(*f.status);
  if (f.domain) q += " AND p.domain = " + q.bind(*f.domain);
  if (f.skill_id) {
    q += " AND EXISTS (SELECT 1 FROM project_skills x WHERE x.project_id = p.id AND x.skill_id = " +
         q.bind(std::to_string(*f.skill_id)) + "::int)";
  }
  q += " ORDER BY p.seq LIMIT " + q.bind(std::to_string(f.limit)) + "::int";
  return projects_from(t.sql(), q.run(t.sql()));
}

std::vector<domain::ProjectRecord> find_projects_by_seq(Tx& t,
                                                        const std::vector<std::int64_t>& seqs) {
  if (seqs.empty()) return {};
  return projects_from(t.sql(), exec_params(t.sql(), kSelectProjectsBySeq, pg_bigint_array(seqs)));
}

std::vector<domain::ProjectRecord> load_open_projects(Tx& t) {
  return projects_from(t.sql(), exec(t.sql(), kSelectOpenProjects));
}

std::vector<PreparedStatement> project_statements() { return {{kFindProject, kSelectProjectById}}; }

}  // namespace kakehashi::store
