#include "store/programme_report.hpp"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include <pqxx/pqxx>

#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

// The population: trainees registered in [$1, $2] (UTC days). A trainee's
// stage is the furthest transition its matches made by the end of the range,
// from the audit trail (interviewing counts towards shortlisted); its
// placement time the first approval. Bill rates: the expected monthly rate
// of a placed trainee, in yen through $3/$4 (currency, yen per unit).
constexpr const char* kFacts =
    "WITH pop AS ("
    " SELECT t.id, t.organization_id, t.program, t.created_at, t.status, t.consent_matching, "
    "  t.rate_amount, t.rate_currency, t.skill_ids, p.gender, p.district "
    " FROM trainees t LEFT JOIN trainee_personal p ON p.trainee_id = t.id "
    " WHERE t.created_at >= $1::date AT TIME ZONE 'UTC' "
    "   AND t.created_at < ($2::date + 1) AT TIME ZONE 'UTC'), "
    "reached AS ("
    " SELECT e.trainee_id, max(CASE e.to_state WHEN 'proposed' THEN 1 WHEN 'shortlisted' THEN 2 "
    "   WHEN 'interviewing' THEN 2 WHEN 'offered' THEN 3 WHEN 'accepted' THEN 4 "
    "   WHEN 'approved' THEN 5 ELSE 0 END) AS stage, "
    "  min(e.at) FILTER (WHERE e.to_state = 'approved') AS approved_at "
    " FROM audit_events e JOIN pop ON pop.id = e.trainee_id "
    " WHERE e.kind = 'transition' AND e.at < ($2::date + 1) AT TIME ZONE 'UTC' "
    " GROUP BY e.trainee_id), "
    "fx AS (SELECT * FROM unnest($3::text[], $4::float8[]) AS fx (currency, jpy)), "
    "facts AS ("
    " SELECT pop.*, coalesce(r.stage, 0) AS stage, "
    "  extract(epoch FROM r.approved_at - pop.created_at) / 86400 AS days_to_placement, "
    "  CASE WHEN r.approved_at IS NOT NULL THEN pop.rate_amount::float8 * fx.jpy END AS rate_jpy "
    " FROM pop LEFT JOIN reached r ON r.trainee_id = pop.id "
    " LEFT JOIN fx ON fx.currency = pop.rate_currency) ";

constexpr const char* kFigures =
    "count(DISTINCT f.id) AS registered, "
    "count(DISTINCT f.id) FILTER (WHERE f.status IN ('active', 'placed')) AS active, "
    "count(DISTINCT f.id) FILTER (WHERE f.consent_matching) AS consenting, "
    "count(DISTINCT f.id) FILTER (WHERE f.stage >= 1) AS proposed, "
    "count(DISTINCT f.id) FILTER (WHERE f.stage >= 2) AS shortlisted, "
    "count(DISTINCT f.id) FILTER (WHERE f.stage >= 3) AS offered, "
    "count(DISTINCT f.id) FILTER (WHERE f.stage >= 4) AS accepted, "
    "count(DISTINCT f.id) FILTER (WHERE f.stage >= 5) AS approved, "
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY f.days_to_placement) "
    " FILTER (WHERE f.stage >= 5) AS median_days, "
    "count(DISTINCT f.id) FILTER (WHERE f.rate_jpy IS NOT NULL) AS priced, "
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY f.rate_jpy) AS median_rate, "
    "avg(f.rate_jpy) AS mean_rate ";

// Each dimension's key and label; a null key is the "not stated" group.
// Skills repeat a trainee in each of its skills' groups (and "none").
const std::string kByOrganization =
    std::string(kFacts) + "SELECT f.organization_id::text AS key, o.name AS label, " + kFigures +
    "FROM facts f JOIN organizations o ON o.id = f.organization_id GROUP BY 1, 2";
const std::string kByCohort = std::string(kFacts) +
                              "SELECT f.program AS key, f.program AS label, " + kFigures +
                              "FROM facts f GROUP BY 1, 2";
const std::string kBySkill =
    std::string(kFacts) + "SELECT s.id::text AS key, s.name AS label, " + kFigures +
    "FROM facts f LEFT JOIN LATERAL unnest(f.skill_ids) AS ts (skill_id) ON true "
    "LEFT JOIN skills s ON s.id = ts.skill_id GROUP BY 1, 2";
const std::string kByMonth = std::string(kFacts) +
                             "SELECT to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS key, "
                             " to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS label, " +
                             kFigures + "FROM facts f GROUP BY 1, 2";
const std::string kByGender = std::string(kFacts) + "SELECT f.gender AS key, f.gender AS label, " +
                              kFigures + "FROM facts f GROUP BY 1, 2";
const std::string kByDistrict = std::string(kFacts) +
                                "SELECT f.district AS key, f.district AS label, " + kFigures +
                                "FROM facts f GROUP BY 1, 2";
const std::string kTotal = std::string(kFacts) + "SELECT NULL::text AS key, NULL::text AS label, " +
                           kFigures + "FROM facts f";

const std::string& statement_for(ReportDimension d) {
  switch (d) {
    case ReportDimension::kCohort:
      return kByCohort;
    case ReportDimension::kSkill:
      return kBySkill;
    case ReportDimension::kMonth:
      return kByMonth;
    case ReportDimension::kGender:
      return kByGender;
    case ReportDimension::kDistrict:
      return kByDistrict;
    case ReportDimension::kOrganization:
      break;
  }
  return kByOrganization;
}

ReportFigures figures_from(const pqxx::row& r) {
  ReportFigures f;
  f.key = opt<std::string>(r["key"]);
  f.label = opt<std::string>(r["label"]);
  f.registered = r["registered"].as<long>();
  f.active = r["active"].as<long>();
  f.consenting = r["consenting"].as<long>();
  f.proposed = r["proposed"].as<long>();
  f.shortlisted = r["shortlisted"].as<long>();
  f.offered = r["offered"].as<long>();
  f.accepted = r["accepted"].as<long>();
  f.approved = r["approved"].as<long>();
  f.median_days_to_placement = opt<double>(r["median_days"]);
  f.priced = r["priced"].as<long>();
  f.median_bill_rate_jpy = opt<double>(r["median_rate"]);
  f.mean_bill_rate_jpy = opt<double>(r["mean_rate"]);
  return f;
}

std::string float_array(const std::vector<std::pair<std::string, double>>& rates) {
  std::string out = "{";
  for (const auto& [currency, jpy] : rates) {
    if (out.size() > 1) out += ',';
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", jpy);
    out += buf;
  }
  return out + "}";
}

std::string code_array(const std::vector<std::pair<std::string, double>>& rates) {
  std::string out = "{";
  for (const auto& [currency, jpy] : rates) {
    if (out.size() > 1) out += ',';
    out += currency;  // ISO 4217 codes: three capital letters
  }
  return out + "}";
}

}  // namespace

ReportResult programme_report(Tx& t, const ReportQuery& q) {
  auto& tx = t.sql();
  const auto codes = code_array(q.jpy_per_unit);
  const auto rates = float_array(q.jpy_per_unit);
  ReportResult out;
  std::vector<ReportFigures> unstated;
  for (const auto& r : exec_params(tx, statement_for(q.dimension), q.from, q.to, codes, rates)) {
    auto f = figures_from(r);
    (f.key ? out.groups : unstated).push_back(std::move(f));
  }
  std::sort(out.groups.begin(), out.groups.end(), [](const auto& a, const auto& b) {
    return std::tie(a.label, a.key) < std::tie(b.label, b.key);
  });
  for (auto& f : unstated) out.groups.push_back(std::move(f));
  out.total = figures_from(exec_params1(tx, kTotal, q.from, q.to, codes, rates));
  return out;
}

}  // namespace kakehashi::store
