// The bulk import of trainees (declared in trainees.hpp): aliases drawn
// ahead, then COPY into the two tables (skills on the trainee's row,
// migration 0070) in the caller's transaction.
#include <tuple>
#include <unordered_set>

#include <pqxx/pqxx>

#include "store/sql_text.hpp"
#include "store/sql_util.hpp"
#include "store/trainee_values.hpp"
#include "store/trainees.hpp"
#include "util/crypto.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kOrganizationEmails =
    "SELECT lower(email) AS email FROM trainee_personal WHERE organization_id = $1";
// A large import may take longer than one statement usually may.
constexpr const char* kImportTimeout = "SET LOCAL statement_timeout = '10min'";
constexpr const char* kTakenAliases = "SELECT alias FROM trainees WHERE alias = ANY($1::text[])";
constexpr const char* kSeqsOfIds = "SELECT seq FROM trainees WHERE id = ANY($1::uuid[])";
// The reload after the import's commit reads trainees by their statistics;
// trainee_personal is reached by its key, and autovacuum analyzes it later.
constexpr const char* kAnalyze = "ANALYZE trainees";

// Over this many rows a bulk write reloads the in-memory services whole
// (ChangeFeed::kBulkThreshold; the same number as migration 0005's trigger).
constexpr std::size_t kBulkRows = 5'000;

// Aliases are random; one that is taken already is drawn again (a clash
// with a concurrent writer after this check is a 40-bit coincidence).
std::vector<std::string> draw_aliases(pqxx::transaction_base& tx, std::size_t n) {
  std::vector<std::string> aliases(n);
  for (auto& a : aliases) a = new_alias();
  for (int round = 0; round < 8; ++round) {
    std::unordered_set<std::string> taken;
    for (const auto& r : exec_params(tx, kTakenAliases, pg_text_array(aliases))) {
      taken.insert(r["alias"].as<std::string>());
    }
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
  return aliases;
}

void copy_profiles(pqxx::transaction_base& tx, const std::string& organization_id,
                   const std::vector<NewTrainee>& rows, const std::vector<std::string>& ids,
                   const std::vector<std::string>& aliases) {
  pqxx::stream_to out(tx, "trainees",
                      std::vector<std::string>{"id",
                                               "organization_id",
                                               "alias",
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
                                               "status",
                                               "work_start",
                                               "work_end",
                                               "work_days",
                                               "bill_rate_multiplier",
                                               "japanese_certified",
                                               "japanese_exam_date",
                                               "bjt_score",
                                               "skill_ids",
                                               "skill_levels",
                                               "skill_years"});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& p = rows[i].profile;
    const auto skills = skill_arrays(p);
    out << std::make_tuple(
        ids[i], organization_id, aliases[i], p.country, p.city, p.timezone, p.program, p.japanese,
        p.english, p.certifications_json, p.available_from, p.hours_per_week, rate_amount(p),
        rate_currency(p), pg_text_array(p.domains), pg_text_array(p.engagement), p.consent_matching,
        p.consent_share_abroad, p.status, p.work_start, p.work_end, pg_text_array(p.work_days),
        decimal_text(p.bill_rate_multiplier), p.japanese_certified, p.japanese_exam_date,
        p.bjt_score, skills.ids, skills.levels, skills.years);
  }
  out.complete();
}

// The one unique index these rows can violate is the email's within the
// organization: one registered since the caller read organization_emails.
void copy_personal(pqxx::transaction_base& tx, const std::string& organization_id,
                   const std::vector<NewTrainee>& rows, const std::vector<std::string>& ids) {
  try {
    pqxx::stream_to out(tx, "trainee_personal",
                        std::vector<std::string>{"trainee_id", "organization_id", "full_name",
                                                 "email", "phone", "gender", "district"});
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& d = rows[i].personal;
      out << std::make_tuple(ids[i], organization_id, d.full_name, d.email, d.phone, d.gender,
                             d.district);
    }
    out.complete();
  } catch (const pqxx::unique_violation&) {
    throw Conflict{"trainees with these emails were registered meanwhile; nothing was imported",
                   "/email"};
  }
}

}  // namespace

std::unordered_set<std::string> organization_emails(Tx& t, const std::string& organization_id) {
  std::unordered_set<std::string> out;
  for (const auto& r : exec_params(t.sql(), kOrganizationEmails, organization_id)) {
    out.insert(r["email"].as<std::string>());
  }
  return out;
}

std::vector<std::string> copy_trainees(Tx& t, const std::string& organization_id,
                                       const std::vector<NewTrainee>& rows) {
  auto& tx = t.sql();
  exec(tx, kImportTimeout);
  const auto aliases = draw_aliases(tx, rows.size());
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) ids.push_back(util::random_uuid());
  copy_profiles(tx, organization_id, rows, ids, aliases);
  copy_personal(tx, organization_id, rows, ids);
  if (rows.size() > kBulkRows) {
    t.everything_changed();
  } else {
    for (const auto& r : exec_params(tx, kSeqsOfIds, pg_text_array(ids))) {
      t.trainee_changed(r["seq"].as<std::int64_t>());
    }
  }
  return ids;
}

void analyze_trainees(Tx& t) { exec(t.sql(), kAnalyze); }

namespace {

constexpr const char* kLowerTexts =
    "SELECT lower(value) AS lowered FROM jsonb_array_elements_text($1::jsonb) "
    "WITH ORDINALITY AS t(value, n) ORDER BY n";

// A JSON array of strings (valid UTF-8 in, as validation guarantees).
std::string json_strings(const std::vector<std::string>& texts) {
  std::string out = "[";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    for (const unsigned char c : texts[i]) {
      if (c == '"' || c == '\\') {
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
      } else if (c < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
    out.push_back('"');
  }
  out.push_back(']');
  return out;
}

}  // namespace

std::vector<std::string> lower_texts(Tx& t, const std::vector<std::string>& texts) {
  std::vector<std::string> out;
  out.reserve(texts.size());
  for (const auto& r : exec_params(t.sql(), kLowerTexts, json_strings(texts))) {
    out.push_back(r["lowered"].as<std::string>());
  }
  return out;
}

}  // namespace kakehashi::store
