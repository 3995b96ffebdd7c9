#include "store/registry.hpp"

#include <cctype>
#include <sstream>

#include <unordered_set>

#include <pqxx/pqxx>

#include "util/crypto.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kInsertOrganization =
    "INSERT INTO organizations (name, kind, country) VALUES ($1, $2, $3) "
    "RETURNING id, name, kind, country, version, to_json(created_at)#>>'{}'";
constexpr const char* kSelectOrganization =
    "SELECT id, name, kind, country, version, to_json(created_at)#>>'{}' FROM organizations "
    "WHERE id = $1";
constexpr const char* kSelectOrganizationByName =
    "SELECT id, name, kind, country, version, to_json(created_at)#>>'{}' FROM organizations "
    "WHERE lower(name) = lower($1)";
constexpr const char* kListOrganizations =
    "SELECT id, name, kind, country, version, to_json(created_at)#>>'{}' FROM organizations "
    "WHERE $1::uuid IS NULL OR (created_at, id) > "
    "  (SELECT created_at, id FROM organizations WHERE id = $1::uuid) "
    "ORDER BY created_at, id LIMIT $2";
constexpr const char* kSelectProgrammeOffice =
    "SELECT id, name, kind, country, version, to_json(created_at)#>>'{}' FROM organizations "
    "WHERE kind = 'programme_office' ORDER BY created_at LIMIT 1";

constexpr const char* kInsertKey =
    "INSERT INTO api_keys (organization_id, role, label, prefix, secret_sha256) "
    "VALUES ($1, $2, $3, $4, $5) "
    "RETURNING id, organization_id, role, label, prefix, to_json(created_at)#>>'{}', "
    "to_json(revoked_at)#>>'{}'";
constexpr const char* kKeyColumns =
    "SELECT id, organization_id, role, label, prefix, to_json(created_at)#>>'{}', "
    "to_json(revoked_at)#>>'{}' FROM api_keys ";
constexpr const char* kRevokeKey =
    "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1";
constexpr const char* kKeyByPrefix =
    "SELECT id, organization_id, role, secret_sha256, revoked_at IS NOT NULL FROM api_keys "
    "WHERE prefix = $1";

constexpr const char* kSelectSkills =
    "SELECT s.id, s.name, s.category, s.version, "
    " coalesce((SELECT string_agg(a.alias, E'\\n' ORDER BY a.alias) FROM skill_aliases a "
    "           WHERE a.skill_id = s.id), ''), "
    " coalesce((SELECT string_agg(CASE WHEN r.skill_a = s.id THEN r.skill_b ELSE r.skill_a END "
    "                             || ':' || r.similarity, ',') FROM skill_relations r "
    "           WHERE r.skill_a = s.id OR r.skill_b = s.id), '') "
    "FROM skills s ORDER BY s.id";
constexpr const char* kSelectTimezones = "SELECT name FROM pg_timezone_names";

constexpr const char* kInsertTrainee =
    "INSERT INTO trainees (organization_id, alias, country, city, timezone, program, japanese, "
    " english, certifications, available_from, hours_per_week, rate_amount, rate_currency, "
    " domains, engagement, consent_matching, consent_share_abroad, consent_recorded_at, status) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::date, $11, $12::numeric, $13, "
    " string_to_array($14, E'\\n'), string_to_array($15, E'\\n'), $16, $17, "
    " coalesce($18::timestamptz, CASE WHEN $16 OR $17 THEN now() END), $19) "
    "ON CONFLICT (alias) DO NOTHING RETURNING id, seq";
constexpr const char* kUpdateTrainee =
    "UPDATE trainees SET country = $3, city = $4, timezone = $5, program = $6, japanese = $7, "
    " english = $8, certifications = $9::jsonb, available_from = $10::date, hours_per_week = $11, "
    " rate_amount = $12::numeric, rate_currency = $13, domains = string_to_array($14, E'\\n'), "
    " engagement = string_to_array($15, E'\\n'), consent_matching = $16, "
    " consent_share_abroad = $17, "
    " consent_recorded_at = CASE WHEN $18::timestamptz IS NOT NULL THEN $18::timestamptz "
    "   WHEN consent_matching IS DISTINCT FROM $16 OR consent_share_abroad IS DISTINCT FROM $17 "
    "   THEN now() ELSE consent_recorded_at END, "
    " status = $19, version = version + 1, updated_at = now() "
    "WHERE id = $1 AND status <> 'erased' AND ($2::bigint IS NULL OR version = $2) RETURNING id, "
    "seq";
// Names the writer for triggers that audit (the consent trigger), for this
// transaction only.
constexpr const char* kSetWriter =
    "SELECT set_config('kakehashi.actor_key_id', $1, true), "
    " set_config('kakehashi.actor_org_id', $2, true), set_config('kakehashi.actor_role', $3, true)";
constexpr const char* kOrganizationEmails =
    "SELECT lower(email) AS email FROM trainee_personal WHERE organization_id = $1";
constexpr const char* kTakenAliases = "SELECT alias FROM trainees WHERE alias = ANY($1::text[])";
constexpr const char* kSeqsOfIds = "SELECT seq FROM trainees WHERE id = ANY($1::uuid[])";
// Over this many rows a bulk write reloads the in-memory services whole
// (ChangeFeed::kBulkThreshold; the same number as migration 0005's trigger).
constexpr std::size_t kBulkRows = 5'000;
constexpr const char* kInsertPersonal =
    "INSERT INTO trainee_personal (trainee_id, organization_id, full_name, email, phone) "
    "VALUES ($1, $2, $3, $4, $5)";
constexpr const char* kUpdatePersonal =
    "UPDATE trainee_personal SET full_name = $2, email = $3, phone = $4 WHERE trainee_id = $1";
constexpr const char* kDeleteSkills = "DELETE FROM trainee_skills WHERE trainee_id = $1";
constexpr const char* kInsertSkill =
    "INSERT INTO trainee_skills (trainee_id, skill_id, level, years) VALUES ($1, $2, $3, $4)";
constexpr const char* kEraseTrainee =
    "UPDATE trainees SET status = 'erased', city = NULL, program = NULL, certifications = '[]', "
    " version = version + 1, updated_at = now() "
    "WHERE id = $1 AND status <> 'erased' AND ($2::bigint IS NULL OR version = $2) RETURNING id, "
    "seq";
constexpr const char* kDeletePersonal = "DELETE FROM trainee_personal WHERE trainee_id = $1";

// One row per trainee with its personal data and skills folded into text.
constexpr const char* kTraineeSelect =
    "SELECT t.id, t.seq, t.organization_id, t.alias, p.trainee_id IS NOT NULL, p.full_name, "
    " p.email, p.phone, t.country, t.city, t.timezone, t.program, t.japanese, t.english, "
    " t.certifications::text, t.available_from::text, t.hours_per_week, t.rate_amount::float8, "
    " t.rate_currency, array_to_string(t.domains, E'\\n'), array_to_string(t.engagement, E'\\n'), "
    " t.consent_matching, t.consent_share_abroad, to_json(t.consent_recorded_at)#>>'{}', "
    " t.status, t.version, to_json(t.created_at)#>>'{}', to_json(t.updated_at)#>>'{}', "
    " coalesce((SELECT string_agg(ts.skill_id || E'\\t' || ts.level || E'\\t' || "
    "   coalesce(ts.years::text, ''), E'\\n' ORDER BY ts.skill_id) FROM trainee_skills ts "
    "   WHERE ts.trainee_id = t.id), '') "
    "FROM trainees t LEFT JOIN trainee_personal p ON p.trainee_id = t.id ";

constexpr const char* kInsertProject =
    "INSERT INTO projects (organization_id, title, description, domain, japanese_min, "
    " english_min, headcount, start_date, duration_months, budget_min, budget_max, "
    " budget_currency, overlap_hours_jst, engagement, status) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9, $10::numeric, $11::numeric, $12, "
    " $13::numeric, $14, $15) RETURNING id, seq";
constexpr const char* kUpdateProject =
    "UPDATE projects SET title = $3, description = $4, domain = $5, japanese_min = $6, "
    " english_min = $7, headcount = $8, start_date = $9::date, duration_months = $10, "
    " budget_min = $11::numeric, budget_max = $12::numeric, budget_currency = $13, "
    " overlap_hours_jst = $14::numeric, engagement = $15, status = $16, version = version + 1, "
    " updated_at = now() WHERE id = $1 AND version = $2 RETURNING id, seq";
constexpr const char* kDeleteProject =
    "DELETE FROM projects WHERE id = $1 AND ($2::bigint IS NULL OR version = $2) RETURNING id, seq";
constexpr const char* kDeleteProjectSkills = "DELETE FROM project_skills WHERE project_id = $1";
constexpr const char* kInsertProjectSkill =
    "INSERT INTO project_skills (project_id, skill_id, min_level, weight, required, position) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
constexpr const char* kProjectSelect =
    "SELECT p.id, p.seq, p.organization_id, p.title, p.description, p.domain, p.japanese_min, "
    " p.english_min, p.headcount, p.start_date::text, p.duration_months, p.budget_min::float8, "
    " p.budget_max::float8, p.budget_currency, p.overlap_hours_jst::float8, p.engagement, "
    " p.status, p.version, to_json(p.created_at)#>>'{}', to_json(p.updated_at)#>>'{}', "
    " coalesce((SELECT string_agg(s.id || E'\\t' || ps.min_level || E'\\t' || ps.weight || "
    "   E'\\t' || ps.required || E'\\t' || s.name, E'\\n' ORDER BY ps.position) "
    "   FROM project_skills ps JOIN skills s ON s.id = ps.skill_id "
    "   WHERE ps.project_id = p.id), '') "
    "FROM projects p ";
// A list query is built from the filters present, its values bound as
// parameters: each list is planned for its own filters. (One prepared
// statement with every filter optional got a generic plan that scanned every
// trainee holding a skill: p99 of half a second for a skill filter.)
class QueryBuilder {
 public:
  explicit QueryBuilder(std::string select) : sql_(std::move(select)) {}
  // Binds a value and answers its placeholder.
  std::string bind(std::string value) {
    params_.push_back(std::move(value));
    return "$" + std::to_string(params_.size());
  }
  QueryBuilder& operator+=(const std::string& text) {
    sql_ += text;
    return *this;
  }
  pqxx::result run(pqxx::transaction_base& tx) const {
    return tx.exec_params(sql_, pqxx::prepare::make_dynamic_params(params_));
  }

 private:
  std::string sql_;
  std::vector<std::string> params_;
};

template <typename T>
std::optional<T> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep)) out.push_back(item);
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back('\n');
    out += items[i];
  }
  return out;
}

OrganizationRow organization_from(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(),  r[2].as<std::string>(),
          r[3].as<std::string>(), r[4].as<std::int64_t>(), r[5].as<std::string>()};
}

ApiKeyRow key_from(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
          r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(),
          opt<std::string>(r[6])};
}

domain::TraineeRecord trainee_from(const pqxx::row& r) {
  domain::TraineeRecord t;
  t.id = r[0].as<std::string>();
  t.seq = r[1].as<std::int64_t>();
  t.organization_id = r[2].as<std::string>();
  t.alias = r[3].as<std::string>();
  if (r[4].as<bool>()) {
    t.personal = domain::PersonalData{r[5].as<std::string>(), r[6].as<std::string>(),
                                      opt<std::string>(r[7])};
  }
  auto& p = t.profile;
  p.country = opt<std::string>(r[8]);
  p.city = opt<std::string>(r[9]);
  p.timezone = opt<std::string>(r[10]);
  p.program = opt<std::string>(r[11]);
  p.japanese = opt<std::string>(r[12]);
  p.english = opt<std::string>(r[13]);
  p.certifications_json = r[14].as<std::string>();
  p.available_from = opt<std::string>(r[15]);
  p.hours_per_week = opt<int>(r[16]);
  if (!r[17].is_null())
    p.expected_monthly_rate = domain::Money{r[17].as<double>(), r[18].as<std::string>()};
  p.domains = split(r[19].as<std::string>(), '\n');
  p.engagement = split(r[20].as<std::string>(), '\n');
  p.consent_matching = r[21].as<bool>();
  p.consent_share_abroad = r[22].as<bool>();
  p.consent_recorded_at = opt<std::string>(r[23]);
  p.status = r[24].as<std::string>();
  t.version = r[25].as<std::int64_t>();
  t.created_at = r[26].as<std::string>();
  t.updated_at = r[27].as<std::string>();
  for (const auto& line : split(r[28].as<std::string>(), '\n')) {
    const auto parts = split(line, '\t');
    if (parts.size() < 2) continue;
    domain::SkillLevel s;  // the caller names the skill from its taxonomy
    s.skill_id = std::stoi(parts[0]);
    s.level = std::stoi(parts[1]);
    if (parts.size() > 2 && !parts[2].empty()) s.years = std::stod(parts[2]);
    p.skills.push_back(std::move(s));
  }
  return t;
}

void write_skills(pqxx::transaction_base& tx, const std::string& id,
                  const domain::TraineeProfile& p) {
  tx.exec_params(kDeleteSkills, id);
  for (const auto& s : p.skills) tx.exec_params(kInsertSkill, id, s.skill_id, s.level, s.years);
}

std::optional<std::string> rate_amount(const domain::TraineeProfile& p) {
  if (!p.expected_monthly_rate) return std::nullopt;
  std::ostringstream out;
  out.precision(15);
  out << p.expected_monthly_rate->amount;
  return out.str();
}

std::optional<std::string> rate_currency(const domain::TraineeProfile& p) {
  if (!p.expected_monthly_rate) return std::nullopt;
  return p.expected_monthly_rate->currency;
}

std::string new_alias() {
  std::string hex = util::random_hex(5);
  for (auto& ch : hex) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return "KH-" + hex;
}

domain::ProjectRecord project_from(const pqxx::row& r) {
  domain::ProjectRecord p;
  p.id = r[0].as<std::string>();
  p.seq = r[1].as<std::int64_t>();
  p.organization_id = r[2].as<std::string>();
  auto& d = p.data;
  d.title = r[3].as<std::string>();
  d.description = r[4].as<std::string>();
  d.domain = opt<std::string>(r[5]);
  d.japanese_min = r[6].as<std::string>();
  d.english_min = r[7].as<std::string>();
  d.headcount = r[8].as<int>();
  d.start_date = r[9].as<std::string>();
  d.duration_months = r[10].as<int>();
  d.budget_min = opt<double>(r[11]);
  d.budget_max = opt<double>(r[12]);
  d.budget_currency = opt<std::string>(r[13]);
  d.overlap_hours_jst = r[14].as<double>();
  d.engagement = r[15].as<std::string>();
  d.status = r[16].as<std::string>();
  p.version = r[17].as<std::int64_t>();
  p.created_at = r[18].as<std::string>();
  p.updated_at = r[19].as<std::string>();
  for (const auto& line : split(r[20].as<std::string>(), '\n')) {
    const auto parts = split(line, '\t');
    if (parts.size() < 5) continue;
    d.skills.push_back({std::stoi(parts[0]), parts[4], std::stoi(parts[1]), std::stoi(parts[2]),
                        parts[3] == "true"});
  }
  return p;
}

std::optional<std::string> number_text(const std::optional<double>& v) {
  if (!v) return std::nullopt;
  std::ostringstream out;
  out.precision(15);
  out << *v;
  return out.str();
}

void write_project_skills(pqxx::transaction_base& tx, const std::string& id,
                          const domain::ProjectData& d) {
  tx.exec_params(kDeleteProjectSkills, id);
  int position = 0;
  for (const auto& s : d.skills) {
    tx.exec_params(kInsertProjectSkill, id, s.skill_id, s.min_level, s.weight, s.required,
                   position++);
  }
}

}  // namespace

std::string insert_project(Tx& t, const std::string& organization_id,
                           const domain::ProjectData& d) {
  auto& tx = t.sql();
  const auto row =
      tx.exec_params1(kInsertProject, organization_id, d.title, d.description, d.domain,
                      d.japanese_min, d.english_min, d.headcount, d.start_date, d.duration_months,
                      number_text(d.budget_min), number_text(d.budget_max), d.budget_currency,
                      number_text(d.overlap_hours_jst), d.engagement, d.status);
  const auto id = row["id"].as<std::string>();
  write_project_skills(tx, id, d);
  t.project_changed(row["seq"].as<std::int64_t>());
  return id;
}

std::optional<domain::ProjectRecord> find_project(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  auto& tx = t.sql();
  auto r = tx.exec_prepared("find_project", id);
  if (r.empty()) return std::nullopt;
  return project_from(r[0]);
}

bool update_project(Tx& t, const std::string& id, std::int64_t expected_version,
                    const domain::ProjectData& d) {
  auto& tx = t.sql();
  auto r =
      tx.exec_params(kUpdateProject, id, expected_version, d.title, d.description, d.domain,
                     d.japanese_min, d.english_min, d.headcount, d.start_date, d.duration_months,
                     number_text(d.budget_min), number_text(d.budget_max), d.budget_currency,
                     number_text(d.overlap_hours_jst), d.engagement, d.status);
  if (r.empty()) return false;
  write_project_skills(tx, id, d);
  t.project_changed(r[0]["seq"].as<std::int64_t>());
  return true;
}

bool delete_project(Tx& t, const std::string& id, std::optional<std::int64_t> expected_version) {
  auto& tx = t.sql();
  try {
    auto r = tx.exec_params(kDeleteProject, id, expected_version);
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
  auto& tx = t.sql();
  std::vector<domain::ProjectRecord> out;
  for (const auto& r : q.run(tx)) out.push_back(project_from(r));
  return out;
}

std::string pg_bigint_array(const std::vector<std::int64_t>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + std::to_string(values[i]);
  return out + "}";
}

std::vector<domain::TraineeRecord> find_trainees_by_seq(Tx& t,
                                                        const std::vector<std::int64_t>& seqs) {
  std::vector<domain::TraineeRecord> out;
  if (seqs.empty()) return out;
  const std::string list = pg_bigint_array(seqs);
  auto& tx = t.sql();
  for (const auto& r :
       tx.exec_params(std::string(kTraineeSelect) + "WHERE t.seq = ANY($1::bigint[])", list)) {
    out.push_back(trainee_from(r));
  }
  return out;
}

std::vector<domain::TraineeRecord> load_matchable_trainees(Tx& t, std::int64_t after_seq,
                                                           int limit) {
  std::vector<domain::TraineeRecord> out;
  auto& tx = t.sql();
  for (const auto& r : tx.exec_params(std::string(kTraineeSelect) +
                                          "WHERE t.seq > $1 AND t.status = 'active' "
                                          " AND t.consent_matching ORDER BY t.seq LIMIT $2",
                                      after_seq, limit)) {
    out.push_back(trainee_from(r));
  }
  return out;
}

std::vector<domain::ProjectRecord> find_projects_by_seq(Tx& t,
                                                        const std::vector<std::int64_t>& seqs) {
  std::vector<domain::ProjectRecord> out;
  if (seqs.empty()) return out;
  const std::string list = pg_bigint_array(seqs);
  auto& tx = t.sql();
  for (const auto& r :
       tx.exec_params(std::string(kProjectSelect) + "WHERE p.seq = ANY($1::bigint[])", list)) {
    out.push_back(project_from(r));
  }
  return out;
}

std::vector<domain::ProjectRecord> load_open_projects(Tx& t) {
  std::vector<domain::ProjectRecord> out;
  auto& tx = t.sql();
  for (const auto& r :
       tx.exec(std::string(kProjectSelect) + "WHERE p.status = 'open' ORDER BY p.seq")) {
    out.push_back(project_from(r));
  }
  return out;
}

std::vector<std::pair<std::string, int>> load_timezone_offsets(Tx& t) {
  auto& tx = t.sql();
  std::vector<std::pair<std::string, int>> out;
  for (const auto& r : tx.exec("SELECT name, (extract(epoch FROM utc_offset) / 60)::int "
                               "FROM pg_timezone_names")) {
    out.emplace_back(r[0].as<std::string>(), r[1].as<int>());
  }
  return out;
}

std::vector<PreparedStatement> registry_statements() {
  return {
      {"find_organization", kSelectOrganization},
      {"find_key_by_prefix", kKeyByPrefix},
      {"find_trainee", std::string(kTraineeSelect) + "WHERE t.id = $1"},
      {"find_project", std::string(kProjectSelect) + "WHERE p.id = $1"},
  };
}

std::string pg_text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "}";
}

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

OrganizationRow insert_organization(Tx& t, const std::string& name, const std::string& kind,
                                    const std::string& country) {
  auto& tx = t.sql();
  try {
    auto r = tx.exec_params1(kInsertOrganization, name, kind, country);
    return organization_from(r);
  } catch (const pqxx::unique_violation&) {
    throw Conflict{"an organization with this name exists", "/name"};
  }
}

std::optional<OrganizationRow> find_organization(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  auto& tx = t.sql();
  auto r = tx.exec_prepared("find_organization", id);
  if (r.empty()) return std::nullopt;
  return organization_from(r[0]);
}

std::optional<OrganizationRow> find_organization_by_name(Tx& t, const std::string& name) {
  auto r = t.sql().exec_params(kSelectOrganizationByName, name);
  if (r.empty()) return std::nullopt;
  return organization_from(r[0]);
}

std::vector<OrganizationRow> list_organizations(Tx& t, const std::optional<std::string>& after_id,
                                                int limit) {
  auto& tx = t.sql();
  std::vector<OrganizationRow> out;
  for (const auto& r : tx.exec_params(kListOrganizations, after_id, limit)) {
    out.push_back(organization_from(r));
  }
  return out;
}

OrganizationRow programme_office(Tx& t) {
  {
    auto& tx = t.sql();
    auto r = tx.exec(kSelectProgrammeOffice);
    if (!r.empty()) return organization_from(r[0]);
  }
  return insert_organization(t, "Programme Office", "programme_office", "JP");
}

ApiKeyRow insert_api_key(Tx& t, const std::string& organization_id, const std::string& role,
                         const std::string& label, const std::string& prefix,
                         const std::string& secret_sha256) {
  auto& tx = t.sql();
  auto r = tx.exec_params1(kInsertKey, organization_id, role, label, prefix, secret_sha256);
  return key_from(r);
}

std::vector<ApiKeyRow> list_api_keys(Tx& t, const std::string& organization_id) {
  auto& tx = t.sql();
  std::vector<ApiKeyRow> out;
  for (const auto& r : tx.exec_params(
           std::string(kKeyColumns) + "WHERE organization_id = $1 ORDER BY created_at, id",
           organization_id)) {
    out.push_back(key_from(r));
  }
  return out;
}

std::optional<ApiKeyRow> find_api_key(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  auto& tx = t.sql();
  auto r = tx.exec_params(std::string(kKeyColumns) + "WHERE id = $1", id);
  if (r.empty()) return std::nullopt;
  return key_from(r[0]);
}

bool revoke_api_key(Tx& t, const std::string& id) {
  auto& tx = t.sql();
  const auto r = tx.exec_params(kRevokeKey, id);
  if (r.affected_rows() == 0) return false;
  t.api_key_changed(id);
  return true;
}

std::optional<KeyLookup> find_key_by_prefix(Tx& t, const std::string& prefix) {
  auto& tx = t.sql();
  auto r = tx.exec_prepared("find_key_by_prefix", prefix);
  if (r.empty()) return std::nullopt;
  return KeyLookup{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::string>(),
                   r[0][3].as<std::string>(), r[0][4].as<bool>()};
}

std::vector<SkillRow> load_skills(Tx& t) {
  auto& tx = t.sql();
  std::vector<SkillRow> out;
  for (const auto& r : tx.exec(kSelectSkills)) {
    SkillRow s;
    s.id = r[0].as<int>();
    s.name = r[1].as<std::string>();
    s.category = r[2].as<std::string>();
    s.version = r[3].as<std::int64_t>();
    s.aliases = split(r[4].as<std::string>(), '\n');
    for (const auto& item : split(r[5].as<std::string>(), ',')) {
      const auto colon = item.find(':');
      if (colon == std::string::npos) continue;
      s.related.emplace_back(std::stoi(item.substr(0, colon)), std::stod(item.substr(colon + 1)));
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<int> save_skill(Tx& t, std::optional<int> id,
                              std::optional<std::int64_t> expected_version, const SkillRow& s) {
  auto& tx = t.sql();
  try {
    if (id) {
      auto r = tx.exec_params(
          "UPDATE skills SET name = $2, category = $3, version = version + 1, updated_at = now() "
          "WHERE id = $1 AND ($4::bigint IS NULL OR version = $4) RETURNING id",
          *id, s.name, s.category, expected_version);
      if (r.empty()) return std::nullopt;
      tx.exec_params("DELETE FROM skill_aliases WHERE skill_id = $1", *id);
      tx.exec_params("DELETE FROM skill_relations WHERE skill_a = $1 OR skill_b = $1", *id);
    } else {
      id = tx.exec_params1("INSERT INTO skills (name, category) VALUES ($1, $2) RETURNING id",
                           s.name, s.category)[0]
               .as<int>();
    }
    // An alias may not be another skill's name either.
    for (const auto& alias : s.aliases) {
      auto taken =
          tx.exec_params("SELECT 1 FROM skills WHERE lower(name) = $1 AND id <> $2", alias, *id);
      if (!taken.empty())
        throw Conflict{"alias '" + alias + "' is another skill's name", "/aliases"};
      tx.exec_params("INSERT INTO skill_aliases (alias, skill_id) VALUES ($1, $2)", alias, *id);
    }
    for (const auto& [other, similarity] : s.related) {
      tx.exec_params(
          "INSERT INTO skill_relations (skill_a, skill_b, similarity) VALUES "
          "(least($1::int, $2::int), greatest($1::int, $2::int), $3) "
          "ON CONFLICT (skill_a, skill_b) DO UPDATE SET similarity = excluded.similarity",
          *id, other, similarity);
    }
    auto clash = tx.exec_params(
        "SELECT 1 FROM skill_aliases WHERE alias = lower($1) AND skill_id <> $2", s.name, *id);
    if (!clash.empty()) throw Conflict{"the name is another skill's alias", "/name"};
    t.taxonomy_changed();
  } catch (const pqxx::unique_violation& e) {
    const bool alias = std::string(e.what()).find("alias") != std::string::npos;
    throw Conflict{alias ? "an alias is already taken" : "a skill with this name exists",
                   alias ? "/aliases" : "/name"};
  }
  return id;
}

std::vector<std::string> load_timezones(Tx& t) {
  auto& tx = t.sql();
  std::vector<std::string> out;
  for (const auto& r : tx.exec(kSelectTimezones)) out.push_back(r[0].as<std::string>());
  return out;
}

std::string insert_trainee(Tx& t, const std::string& organization_id,
                           const domain::PersonalData& personal, const domain::TraineeProfile& p) {
  auto& tx = t.sql();
  std::optional<std::string> id;
  std::int64_t seq = 0;
  for (int attempt = 0; attempt < 8 && !id; ++attempt) {
    auto r = tx.exec_params(kInsertTrainee, organization_id, new_alias(), p.country, p.city,
                            p.timezone, p.program, p.japanese, p.english, p.certifications_json,
                            p.available_from, p.hours_per_week, rate_amount(p), rate_currency(p),
                            join(p.domains), join(p.engagement), p.consent_matching,
                            p.consent_share_abroad, p.consent_recorded_at, p.status);
    if (!r.empty()) {
      id = r[0]["id"].as<std::string>();
      seq = r[0]["seq"].as<std::int64_t>();
    }
  }
  if (!id) throw std::runtime_error("could not allocate a unique alias");
  try {
    tx.exec_params(kInsertPersonal, *id, organization_id, personal.full_name, personal.email,
                   personal.phone);
  } catch (const pqxx::unique_violation&) {
    throw Conflict{"a trainee with this email exists in the organization", "/email"};
  }
  write_skills(tx, *id, p);
  t.trainee_changed(seq);
  return *id;
}

std::optional<domain::TraineeRecord> find_trainee(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  auto& tx = t.sql();
  auto r = tx.exec_prepared("find_trainee", id);
  if (r.empty()) return std::nullopt;
  return trainee_from(r[0]);
}

bool update_trainee(Tx& t, const std::string& id, std::optional<std::int64_t> expected_version,
                    const std::optional<domain::PersonalData>& personal,
                    const domain::TraineeProfile& p, const Writer& writer) {
  auto& tx = t.sql();
  tx.exec_params(kSetWriter, writer.key_id, writer.organization_id, writer.role);
  auto r = tx.exec_params(kUpdateTrainee, id, expected_version, p.country, p.city, p.timezone,
                          p.program, p.japanese, p.english, p.certifications_json, p.available_from,
                          p.hours_per_week, rate_amount(p), rate_currency(p), join(p.domains),
                          join(p.engagement), p.consent_matching, p.consent_share_abroad,
                          p.consent_recorded_at, p.status);
  if (r.empty()) return false;
  if (personal) {
    try {
      tx.exec_params(kUpdatePersonal, id, personal->full_name, personal->email, personal->phone);
    } catch (const pqxx::unique_violation&) {
      throw Conflict{"a trainee with this email exists in the organization", "/email"};
    }
  }
  write_skills(tx, id, p);
  t.trainee_changed(r[0]["seq"].as<std::int64_t>());
  return true;
}

bool erase_trainee(Tx& t, const std::string& id, std::optional<std::int64_t> expected_version) {
  auto& tx = t.sql();
  auto r = tx.exec_params(kEraseTrainee, id, expected_version);
  if (r.empty()) return false;
  tx.exec_params(kDeletePersonal, id);
  t.trainee_changed(r[0]["seq"].as<std::int64_t>());
  return true;
}

std::vector<domain::TraineeRecord> list_trainees(Tx& t, const domain::TraineeFilter& f) {
  QueryBuilder q(kTraineeSelect);
  q += "WHERE t.seq > " + q.bind(std::to_string(f.after_seq)) + "::bigint";
  if (f.organization_id) q += " AND t.organization_id = " + q.bind(*f.organization_id) + "::uuid";
  if (f.status) {
    q += " AND t.status = " + q.bind(*f.status);
  } else if (!f.include_erased) {
    q += " AND t.status <> 'erased'";
  }
  if (f.skill_id) {
    q += " AND EXISTS (SELECT 1 FROM trainee_skills x WHERE x.trainee_id = t.id AND x.skill_id = " +
         q.bind(std::to_string(*f.skill_id)) +
         "::int AND x.level >= " + q.bind(std::to_string(f.min_level.value_or(1))) + "::int)";
  }
  if (f.japanese_min) {
    q += " AND array_position(ARRAY['none','N5','N4','N3','N2','N1'], t.japanese) - 1 >= " +
         q.bind(std::to_string(domain::jlpt_rank(*f.japanese_min))) + "::int";
  }
  if (f.query) {
    const std::string text = q.bind(*f.query);
    q += " AND (t.alias ILIKE '%' || " + text + " || '%' OR t.program ILIKE '%' || " + text +
         " || '%')";
  }
  q += " ORDER BY t.seq LIMIT " + q.bind(std::to_string(f.limit)) + "::int";
  auto& tx = t.sql();
  std::vector<domain::TraineeRecord> out;
  for (const auto& r : q.run(tx)) out.push_back(trainee_from(r));
  return out;
}

std::unordered_set<std::string> organization_emails(Tx& t, const std::string& organization_id) {
  std::unordered_set<std::string> out;
  for (const auto& r : t.sql().exec_params(kOrganizationEmails, organization_id)) {
    out.insert(r["email"].as<std::string>());
  }
  return out;
}

std::vector<std::string> copy_trainees(Tx& t, const std::string& organization_id,
                                       const std::vector<NewTrainee>& rows) {
  auto& tx = t.sql();
  // A large import may take longer than one statement usually may.
  tx.exec("SET LOCAL statement_timeout = '10min'");
  // Aliases are random; one that is taken already is drawn again (a clash
  // with a concurrent writer after this check is a 40-bit coincidence).
  std::vector<std::string> aliases(rows.size());
  for (auto& a : aliases) a = new_alias();
  for (int round = 0; round < 8; ++round) {
    std::unordered_set<std::string> taken;
    for (const auto& r : tx.exec_params(kTakenAliases, pg_text_array(aliases)))
      taken.insert(r["alias"].as<std::string>());
    std::unordered_set<std::string> seen;
    bool clean = true;
    for (auto& a : aliases) {
      if (taken.count(a) || !seen.insert(a).second) {
        a = new_alias();
        clean = false;
      }
    }
    if (clean) break;
  }
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  try {
    pqxx::stream_to out(tx, "trainees",
                        std::vector<std::string>{
                            "id", "organization_id", "alias", "country", "city", "timezone",
                            "program", "japanese", "english", "certifications", "available_from",
                            "hours_per_week", "rate_amount", "rate_currency", "domains",
                            "engagement", "consent_matching", "consent_share_abroad", "status"});
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& p = rows[i].profile;
      ids.push_back(util::random_uuid());
      out << std::make_tuple(ids.back(), organization_id, aliases[i], p.country, p.city, p.timezone,
                             p.program, p.japanese, p.english, p.certifications_json,
                             p.available_from, p.hours_per_week, rate_amount(p), rate_currency(p),
                             pg_text_array(p.domains), pg_text_array(p.engagement),
                             p.consent_matching, p.consent_share_abroad, p.status);
    }
    out.complete();
    pqxx::stream_to personal(
        tx, "trainee_personal",
        std::vector<std::string>{"trainee_id", "organization_id", "full_name", "email", "phone"});
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& d = rows[i].personal;
      personal << std::make_tuple(ids[i], organization_id, d.full_name, d.email, d.phone);
    }
    personal.complete();
    pqxx::stream_to skills(tx, "trainee_skills",
                           std::vector<std::string>{"trainee_id", "skill_id", "level", "years"});
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (const auto& s : rows[i].profile.skills)
        skills << std::make_tuple(ids[i], s.skill_id, s.level, s.years);
    }
    skills.complete();
  } catch (const pqxx::unique_violation&) {
    throw Conflict{"trainees with these emails were registered meanwhile; nothing was imported",
                   "/email"};
  }
  if (rows.size() > kBulkRows) {
    t.everything_changed();
  } else {
    for (const auto& r : tx.exec_params(kSeqsOfIds, pg_text_array(ids)))
      t.trainee_changed(r["seq"].as<std::int64_t>());
  }
  return ids;
}

void analyze_trainees(Tx& t) { t.sql().exec("ANALYZE trainees, trainee_personal, trainee_skills"); }

}  // namespace kakehashi::store
