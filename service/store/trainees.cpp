#include "store/trainees.hpp"

#include <array>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include <pqxx/pqxx>

#include "store/duplicates.hpp"
#include "store/sql_text.hpp"
#include "store/sql_util.hpp"
#include "store/trainee_values.hpp"

namespace kakehashi::store {
namespace {

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
    "WHERE id = $1 AND status <> 'erased' AND ($2::bigint IS NULL OR version = $2) "
    "RETURNING id, seq";
// The working time, cost and Japanese evidence (migration 0020) and the
// skills (0070), written after the insert or update in the same transaction.
constexpr const char* kUpdateTraineeWork =
    "UPDATE trainees SET work_start = $2::time, work_end = $3::time, "
    " work_days = string_to_array($4, E'\\n'), bill_rate_multiplier = $5::numeric, "
    " japanese_certified = $6, japanese_exam_date = $7::date, bjt_score = $8, "
    " skill_ids = $9::integer[], skill_levels = $10::smallint[], skill_years = $11::numeric[] "
    "WHERE id = $1";
// Names the writer for triggers that audit (the consent trigger), for this
// transaction only.
constexpr const char* kSetWriter =
    "SELECT set_config('kakehashi.actor_key_id', $1, true) AS actor_key_id, "
    " set_config('kakehashi.actor_org_id', $2, true) AS actor_org_id, "
    " set_config('kakehashi.actor_role', $3, true) AS actor_role, "
    " set_config('kakehashi.actor_person_id', $4, true) AS actor_person_id, "
    " set_config('kakehashi.actor_label', $5, true) AS actor_label";
constexpr const char* kEraseTrainee =
    "UPDATE trainees SET status = 'erased', city = NULL, program = NULL, certifications = '[]', "
    " consent_matching = false, consent_share_abroad = false, "
    " version = version + 1, updated_at = now() "
    "WHERE id = $1 AND status <> 'erased' AND ($2::bigint IS NULL OR version = $2) "
    "RETURNING id, seq";

constexpr const char* kInsertPersonal =
    "INSERT INTO trainee_personal (trainee_id, organization_id, full_name, email, phone, gender, "
    " district) VALUES ($1, $2, $3, $4, $5, $6, $7)";
constexpr const char* kUpdatePersonal =
    "UPDATE trainee_personal SET full_name = $2, email = $3, phone = $4, gender = $5, "
    " district = $6 WHERE trainee_id = $1";
constexpr const char* kDeletePersonal = "DELETE FROM trainee_personal WHERE trainee_id = $1";

// One row per trainee with its personal data and skills folded into text
// ("skill\tlevel\tyears" lines); each query below adds its WHERE.
constexpr const char* kTraineeSelect =
    "SELECT t.id, t.seq, t.organization_id, t.alias, p.trainee_id IS NOT NULL AS has_personal, "
    " p.full_name, p.email, p.phone, t.country, t.city, t.timezone, t.program, t.japanese, "
    " t.english, t.certifications::text AS certifications, "
    " t.available_from::text AS available_from, t.hours_per_week, "
    " t.rate_amount::float8 AS rate_amount, t.rate_currency, "
    " array_to_string(t.domains, E'\\n') AS domains, "
    " array_to_string(t.engagement, E'\\n') AS engagement, "
    " t.consent_matching, t.consent_share_abroad, "
    " to_json(t.consent_recorded_at)#>>'{}' AS consent_recorded_at, t.status, t.version, "
    " to_json(t.created_at)#>>'{}' AS created_at, to_json(t.updated_at)#>>'{}' AS updated_at, "
    " to_char(t.work_start, 'HH24:MI') AS work_start, "
    " to_char(t.work_end, 'HH24:MI') AS work_end, "
    " array_to_string(t.work_days, E'\\n') AS work_days, "
    " t.bill_rate_multiplier::float8 AS bill_rate_multiplier, t.japanese_certified, "
    " t.japanese_exam_date::text AS japanese_exam_date, t.bjt_score, "
    " coalesce((SELECT string_agg(ts.skill_id || E'\\t' || ts.level || E'\\t' || "
    "   coalesce(ts.years::text, ''), E'\\n' ORDER BY ts.skill_id) "
    "   FROM unnest(t.skill_ids, t.skill_levels, t.skill_years) AS ts (skill_id, level, years)), "
    "  '') AS skills, "
    " p.gender, p.district, "
    " t.id IN (SELECT trainees_placed_elsewhere()) AS placed_elsewhere "
    "FROM trainees t LEFT JOIN trainee_personal p ON p.trainee_id = t.id ";
// kTraineeSelect's columns, in its order: rows are read by these numbers,
// which check_columns holds against the names of the first result.
enum TraineeColumn : pqxx::row::size_type {
  kId,
  kSeq,
  kOrganizationId,
  kAlias,
  kHasPersonal,
  kFullName,
  kEmail,
  kPhone,
  kCountry,
  kCity,
  kTimezone,
  kProgram,
  kJapanese,
  kEnglish,
  kCertifications,
  kAvailableFrom,
  kHoursPerWeek,
  kRateAmount,
  kRateCurrency,
  kDomains,
  kEngagement,
  kConsentMatching,
  kConsentShareAbroad,
  kConsentRecordedAt,
  kStatus,
  kVersion,
  kCreatedAt,
  kUpdatedAt,
  kWorkStart,
  kWorkEnd,
  kWorkDays,
  kBillRateMultiplier,
  kJapaneseCertified,
  kJapaneseExamDate,
  kBjtScore,
  kSkills,
  kGender,
  kDistrict,
  kPlacedElsewhere,
  kTraineeColumnCount
};
constexpr std::array<std::string_view, kTraineeColumnCount> kTraineeColumnNames{
    "id",
    "seq",
    "organization_id",
    "alias",
    "has_personal",
    "full_name",
    "email",
    "phone",
    "country",
    "city",
    "timezone",
    "program",
    "japanese",
    "english",
    "certifications",
    "available_from",
    "hours_per_week",
    "rate_amount",
    "rate_currency",
    "domains",
    "engagement",
    "consent_matching",
    "consent_share_abroad",
    "consent_recorded_at",
    "status",
    "version",
    "created_at",
    "updated_at",
    "work_start",
    "work_end",
    "work_days",
    "bill_rate_multiplier",
    "japanese_certified",
    "japanese_exam_date",
    "bjt_score",
    "skills",
    "gender",
    "district",
    "placed_elsewhere"};
std::once_flag trainee_columns_checked;

const std::string kSelectTraineeById = std::string(kTraineeSelect) + "WHERE t.id = $1";
const std::string kSelectTraineesBySeq =
    std::string(kTraineeSelect) + "WHERE t.seq = ANY($1::bigint[])";
const std::string kSelectMatchableTrainees =
    std::string(kTraineeSelect) +
    "WHERE t.seq > $1 AND t.status = 'active' AND t.consent_matching ORDER BY t.seq LIMIT $2";

// The name of the prepared kSelectTraineeById (trainee_statements()).
constexpr const char* kFindTrainee = "find_trainee";

// GET /v1/trainees/{id} for many ids at once: the row and its personal data
// (two primary-key probes), the lists folded as text. Nothing else: the skill
// names come from the taxonomy in memory, and whether a trainee is placed
// elsewhere is not part of the document.
constexpr const char* kReadTraineeViews = "read_trainee_views";
constexpr const char* kSelectTraineeViews =
    "SELECT t.id, t.organization_id, t.alias, t.status, t.version, "
    " to_json(t.created_at)#>>'{}' AS created_at, to_json(t.updated_at)#>>'{}' AS updated_at, "
    " p.trainee_id IS NOT NULL AS has_personal, p.full_name, p.email, p.phone, p.gender, "
    " p.district, t.country, t.city, t.timezone, t.program, t.japanese, t.english, "
    " t.certifications::text AS certifications, t.available_from::text AS available_from, "
    " t.hours_per_week, t.rate_amount::float8 AS rate_amount, t.rate_currency, "
    " array_to_string(t.domains, E'\\n') AS domains, "
    " array_to_string(t.engagement, E'\\n') AS engagement, "
    " t.consent_matching, t.consent_share_abroad, "
    " to_json(t.consent_recorded_at)#>>'{}' AS consent_recorded_at, "
    " to_char(t.work_start, 'HH24:MI') AS work_start, to_char(t.work_end, 'HH24:MI') AS work_end, "
    " array_to_string(t.work_days, E'\\n') AS work_days, "
    " t.bill_rate_multiplier::float8 AS bill_rate_multiplier, t.japanese_certified, "
    " t.japanese_exam_date::text AS japanese_exam_date, t.bjt_score, "
    " array_to_string(t.skill_ids, ',') AS skill_ids, "
    " array_to_string(t.skill_levels, ',') AS skill_levels, "
    " array_to_string(t.skill_years, ',', '') AS skill_years "
    "FROM trainees t LEFT JOIN trainee_personal p ON p.trainee_id = t.id "
    "WHERE t.id = ANY($1::uuid[])";
enum ViewColumn : pqxx::row::size_type {
  kVId,
  kVOrganizationId,
  kVAlias,
  kVStatus,
  kVVersion,
  kVCreatedAt,
  kVUpdatedAt,
  kVHasPersonal,
  kVFullName,
  kVEmail,
  kVPhone,
  kVGender,
  kVDistrict,
  kVCountry,
  kVCity,
  kVTimezone,
  kVProgram,
  kVJapanese,
  kVEnglish,
  kVCertifications,
  kVAvailableFrom,
  kVHoursPerWeek,
  kVRateAmount,
  kVRateCurrency,
  kVDomains,
  kVEngagement,
  kVConsentMatching,
  kVConsentShareAbroad,
  kVConsentRecordedAt,
  kVWorkStart,
  kVWorkEnd,
  kVWorkDays,
  kVBillRateMultiplier,
  kVJapaneseCertified,
  kVJapaneseExamDate,
  kVBjtScore,
  kVSkillIds,
  kVSkillLevels,
  kVSkillYears,
  kViewColumnCount
};
constexpr std::array<std::string_view, kViewColumnCount> kViewColumnNames{"id",
                                                                          "organization_id",
                                                                          "alias",
                                                                          "status",
                                                                          "version",
                                                                          "created_at",
                                                                          "updated_at",
                                                                          "has_personal",
                                                                          "full_name",
                                                                          "email",
                                                                          "phone",
                                                                          "gender",
                                                                          "district",
                                                                          "country",
                                                                          "city",
                                                                          "timezone",
                                                                          "program",
                                                                          "japanese",
                                                                          "english",
                                                                          "certifications",
                                                                          "available_from",
                                                                          "hours_per_week",
                                                                          "rate_amount",
                                                                          "rate_currency",
                                                                          "domains",
                                                                          "engagement",
                                                                          "consent_matching",
                                                                          "consent_share_abroad",
                                                                          "consent_recorded_at",
                                                                          "work_start",
                                                                          "work_end",
                                                                          "work_days",
                                                                          "bill_rate_multiplier",
                                                                          "japanese_certified",
                                                                          "japanese_exam_date",
                                                                          "bjt_score",
                                                                          "skill_ids",
                                                                          "skill_levels",
                                                                          "skill_years"};
std::once_flag view_columns_checked;

TraineeView::Text text_of(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return std::string_view(f.c_str(), f.size());
}
std::string_view text_or_empty(const pqxx::field& f) {
  return f.is_null() ? std::string_view() : std::string_view(f.c_str(), f.size());
}
bool flag_of(const pqxx::field& f) { return !f.is_null() && f.c_str()[0] == 't'; }

std::vector<domain::SkillLevel> skills_from(const std::string& folded) {
  std::vector<domain::SkillLevel> out;
  for (const auto& line : split(folded, '\n')) {
    const auto parts = split(line, '\t');
    if (parts.size() < 2) continue;
    domain::SkillLevel s;  // the caller names the skill from its taxonomy
    s.skill_id = std::stoi(parts[0]);
    s.level = std::stoi(parts[1]);
    if (parts.size() > 2 && !parts[2].empty()) s.years = std::stod(parts[2]);
    out.push_back(std::move(s));
  }
  return out;
}

domain::TraineeProfile profile_from(const pqxx::row& r) {
  domain::TraineeProfile p;
  p.country = opt<std::string>(r[kCountry]);
  p.city = opt<std::string>(r[kCity]);
  p.timezone = opt<std::string>(r[kTimezone]);
  p.program = opt<std::string>(r[kProgram]);
  p.japanese = opt<std::string>(r[kJapanese]);
  p.english = opt<std::string>(r[kEnglish]);
  p.certifications_json = r[kCertifications].as<std::string>();
  p.available_from = opt<std::string>(r[kAvailableFrom]);
  p.hours_per_week = opt<int>(r[kHoursPerWeek]);
  if (!r[kRateAmount].is_null()) {
    p.expected_monthly_rate =
        domain::Money{r[kRateAmount].as<double>(), r[kRateCurrency].as<std::string>()};
  }
  p.domains = split(r[kDomains].as<std::string>(), '\n');
  p.engagement = split(r[kEngagement].as<std::string>(), '\n');
  p.consent_matching = r[kConsentMatching].as<bool>();
  p.consent_share_abroad = r[kConsentShareAbroad].as<bool>();
  p.consent_recorded_at = opt<std::string>(r[kConsentRecordedAt]);
  p.status = r[kStatus].as<std::string>();
  p.skills = skills_from(r[kSkills].as<std::string>());
  p.work_start = r[kWorkStart].as<std::string>();
  p.work_end = r[kWorkEnd].as<std::string>();
  p.work_days = split(r[kWorkDays].as<std::string>(), '\n');
  p.bill_rate_multiplier = opt<double>(r[kBillRateMultiplier]);
  p.japanese_certified = r[kJapaneseCertified].as<bool>();
  p.japanese_exam_date = opt<std::string>(r[kJapaneseExamDate]);
  p.bjt_score = opt<int>(r[kBjtScore]);
  p.placed_elsewhere = r[kPlacedElsewhere].as<bool>();
  return p;
}

domain::TraineeRecord trainee_from(const pqxx::row& r) {
  domain::TraineeRecord t;
  t.id = r[kId].as<std::string>();
  t.seq = r[kSeq].as<std::int64_t>();
  t.organization_id = r[kOrganizationId].as<std::string>();
  t.alias = r[kAlias].as<std::string>();
  if (r[kHasPersonal].as<bool>()) {
    t.personal = domain::PersonalData{r[kFullName].as<std::string>(), r[kEmail].as<std::string>(),
                                      opt<std::string>(r[kPhone]), opt<std::string>(r[kGender]),
                                      opt<std::string>(r[kDistrict])};
  }
  t.profile = profile_from(r);
  t.version = r[kVersion].as<std::int64_t>();
  t.created_at = r[kCreatedAt].as<std::string>();
  t.updated_at = r[kUpdatedAt].as<std::string>();
  return t;
}

std::vector<domain::TraineeRecord> trainees_from(const pqxx::result& rows) {
  check_columns(rows, kTraineeColumnNames, trainee_columns_checked);
  std::vector<domain::TraineeRecord> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(trainee_from(r));
  return out;
}

void write_work(pqxx::transaction_base& tx, const std::string& id,
                const domain::TraineeProfile& p) {
  const auto skills = skill_arrays(p);
  exec_params(tx, kUpdateTraineeWork, id, p.work_start, p.work_end, join_lines(p.work_days),
              decimal_text(p.bill_rate_multiplier), p.japanese_certified, p.japanese_exam_date,
              p.bjt_score, skills.ids, skills.levels, skills.years);
}

}  // namespace

std::string insert_trainee(Tx& t, const std::string& organization_id,
                           const domain::PersonalData& personal, const domain::TraineeProfile& p) {
  auto& tx = t.sql();
  std::optional<std::string> id;
  std::int64_t seq = 0;
  for (int attempt = 0; attempt < 8 && !id; ++attempt) {
    const auto r = exec_params(tx, kInsertTrainee, organization_id, new_alias(), p.country, p.city,
                               p.timezone, p.program, p.japanese, p.english, p.certifications_json,
                               p.available_from, p.hours_per_week, rate_amount(p), rate_currency(p),
                               join_lines(p.domains), join_lines(p.engagement), p.consent_matching,
                               p.consent_share_abroad, p.consent_recorded_at, p.status);
    if (!r.empty()) {
      id = r[0]["id"].as<std::string>();
      seq = r[0]["seq"].as<std::int64_t>();
    }
  }
  if (!id) throw std::runtime_error("could not allocate a unique alias");
  try {
    exec_params(tx, kInsertPersonal, *id, organization_id, personal.full_name, personal.email,
                personal.phone, personal.gender, personal.district);
  } catch (const pqxx::unique_violation&) {
    throw Conflict{"a trainee with this email exists in the organization", "/email"};
  }
  write_work(tx, *id, p);
  t.trainee_changed(seq);
  return *id;
}

std::optional<domain::TraineeRecord> find_trainee(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  const auto r = exec_prepared(t.sql(), kFindTrainee, id);
  check_columns(r, kTraineeColumnNames, trainee_columns_checked);
  if (r.empty()) return std::nullopt;
  return trainee_from(r[0]);
}

bool update_trainee(Tx& t, const std::string& id, std::optional<std::int64_t> expected_version,
                    const std::optional<domain::PersonalData>& personal,
                    const domain::TraineeProfile& p, const Writer& writer) {
  auto& tx = t.sql();
  exec_params(tx, kSetWriter, writer.key_id, writer.organization_id, writer.role, writer.person_id,
              writer.label);
  const auto r = exec_params(tx, kUpdateTrainee, id, expected_version, p.country, p.city,
                             p.timezone, p.program, p.japanese, p.english, p.certifications_json,
                             p.available_from, p.hours_per_week, rate_amount(p), rate_currency(p),
                             join_lines(p.domains), join_lines(p.engagement), p.consent_matching,
                             p.consent_share_abroad, p.consent_recorded_at, p.status);
  if (r.empty()) return false;
  // A placed trainee whose contacts change may gain or lose flagged twins,
  // whose matchability follows its placement: before and after.
  const bool placed = p.status == "placed";
  if (personal && placed) note_linked_trainees(t, id);
  if (personal) {
    try {
      exec_params(tx, kUpdatePersonal, id, personal->full_name, personal->email, personal->phone,
                  personal->gender, personal->district);
    } catch (const pqxx::unique_violation&) {
      throw Conflict{"a trainee with this email exists in the organization", "/email"};
    }
  }
  if (personal && placed) note_linked_trainees(t, id);
  write_work(tx, id, p);
  t.trainee_changed(r[0]["seq"].as<std::int64_t>());
  return true;
}

bool erase_trainee(Tx& t, const std::string& id, std::optional<std::int64_t> expected_version) {
  auto& tx = t.sql();
  const auto r = exec_params(tx, kEraseTrainee, id, expected_version);
  if (r.empty()) return false;
  // Its flags go with the personal data: their twins are told first (a
  // placement this erasure ends no longer holds them back).
  note_linked_trainees(t, id);
  exec_params(tx, kDeletePersonal, id);
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
    // The containment finds the rows through the GIN index; the level is on the row.
    const std::string skill = q.bind(std::to_string(*f.skill_id)) + "::int";
    q += " AND t.skill_ids @> ARRAY[" + skill +
         "] AND EXISTS (SELECT 1 FROM unnest(t.skill_ids, t.skill_levels) AS x (skill_id, level) "
         "WHERE x.skill_id = " +
         skill + " AND x.level >= " + q.bind(std::to_string(f.min_level.value_or(1))) + "::int)";
  }
  if (f.japanese_min) {
    q += " AND array_position(ARRAY['none','N5','N4','N3','N2','N1'], t.japanese) - 1 >= " +
         q.bind(std::to_string(domain::jlpt_rank(*f.japanese_min))) + "::int";
  }
  if (f.query) {
    // The text is a substring to find, not a pattern: % and _ match themselves.
    std::string literal;
    for (char c : *f.query) {
      if (c == '%' || c == '_' || c == '\\') literal.push_back('\\');
      literal.push_back(c);
    }
    const std::string text = q.bind(literal);
    q += " AND (t.alias ILIKE '%' || " + text + " || '%' OR t.program ILIKE '%' || " + text +
         " || '%'";
    if (f.query_personal) {
      q += " OR p.full_name ILIKE '%' || " + text + " || '%' OR p.email ILIKE '%' || " + text +
           " || '%'";
    }
    q += ")";
  }
  q += " ORDER BY t.seq LIMIT " + q.bind(std::to_string(f.limit)) + "::int";
  return trainees_from(q.run(t.sql()));
}

std::vector<domain::TraineeRecord> find_trainees_by_seq(Tx& t,
                                                        const std::vector<std::int64_t>& seqs) {
  if (seqs.empty()) return {};
  return trainees_from(exec_params(t.sql(), kSelectTraineesBySeq, pg_bigint_array(seqs)));
}

std::vector<domain::TraineeRecord> load_matchable_trainees(Tx& t, std::int64_t after_seq,
                                                           int limit) {
  return trainees_from(exec_params(t.sql(), kSelectMatchableTrainees, after_seq, limit));
}

void read_trainee_views(Tx& t, const std::vector<std::string>& ids,
                        const std::function<void(const TraineeView&)>& each) {
  if (ids.empty()) return;
  std::string array = "{";
  for (const auto& id : ids) {
    if (array.size() > 1) array.push_back(',');
    array += id;
  }
  array.push_back('}');
  const auto rows = exec_prepared(t.sql(), kReadTraineeViews, array);
  check_columns(rows, kViewColumnNames, view_columns_checked);
  TraineeView v;
  for (const auto& r : rows) {
    v.id = text_or_empty(r[kVId]);
    v.organization_id = text_or_empty(r[kVOrganizationId]);
    v.alias = text_or_empty(r[kVAlias]);
    v.status = text_or_empty(r[kVStatus]);
    v.version = text_or_empty(r[kVVersion]);
    v.created_at = text_or_empty(r[kVCreatedAt]);
    v.updated_at = text_or_empty(r[kVUpdatedAt]);
    v.has_personal = flag_of(r[kVHasPersonal]);
    v.full_name = text_of(r[kVFullName]);
    v.email = text_of(r[kVEmail]);
    v.phone = text_of(r[kVPhone]);
    v.gender = text_of(r[kVGender]);
    v.district = text_of(r[kVDistrict]);
    v.country = text_of(r[kVCountry]);
    v.city = text_of(r[kVCity]);
    v.timezone = text_of(r[kVTimezone]);
    v.program = text_of(r[kVProgram]);
    v.japanese = text_of(r[kVJapanese]);
    v.english = text_of(r[kVEnglish]);
    v.certifications = text_or_empty(r[kVCertifications]);
    v.available_from = text_of(r[kVAvailableFrom]);
    v.hours_per_week = text_of(r[kVHoursPerWeek]);
    v.rate_amount = text_of(r[kVRateAmount]);
    v.rate_currency = text_of(r[kVRateCurrency]);
    v.domains = text_or_empty(r[kVDomains]);
    v.engagement = text_or_empty(r[kVEngagement]);
    v.consent_matching = flag_of(r[kVConsentMatching]);
    v.consent_share_abroad = flag_of(r[kVConsentShareAbroad]);
    v.consent_recorded_at = text_of(r[kVConsentRecordedAt]);
    v.work_start = text_or_empty(r[kVWorkStart]);
    v.work_end = text_or_empty(r[kVWorkEnd]);
    v.work_days = text_or_empty(r[kVWorkDays]);
    v.bill_rate_multiplier = text_of(r[kVBillRateMultiplier]);
    v.japanese_certified = flag_of(r[kVJapaneseCertified]);
    v.japanese_exam_date = text_of(r[kVJapaneseExamDate]);
    v.bjt_score = text_of(r[kVBjtScore]);
    v.skill_ids = text_or_empty(r[kVSkillIds]);
    v.skill_levels = text_or_empty(r[kVSkillLevels]);
    v.skill_years = text_or_empty(r[kVSkillYears]);
    each(v);
  }
}

std::vector<PreparedStatement> trainee_statements() {
  return {{kFindTrainee, kSelectTraineeById}, {kReadTraineeViews, kSelectTraineeViews}};
}

}  // namespace kakehashi::store
