#include "store/duplicates.hpp"

#include <pqxx/pqxx>

#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kListFlags =
    "WITH pairs AS ("
    " SELECT min(f.id) AS id, f.trainee_a, f.trainee_b, "
    "  array_to_string(array_agg(f.kind ORDER BY f.kind), ',') AS kinds, "
    "  to_json(min(f.created_at))#>>'{}' AS flagged_at "
    " FROM duplicate_flags f "
    " WHERE $3::uuid IS NULL OR f.organization_a = $3 OR f.organization_b = $3 "
    " GROUP BY f.trainee_a, f.trainee_b HAVING min(f.id) > $1 ORDER BY 1 LIMIT $2) "
    "SELECT p.id, p.kinds, p.flagged_at, "
    " ta.id AS a_id, ta.alias AS a_alias, ta.organization_id AS a_org, oa.name AS a_org_name, "
    " ta.status AS a_status, "
    " EXISTS (SELECT 1 FROM matches m WHERE m.trainee_id = ta.id AND m.state = 'approved') "
    "   AS a_placed, "
    " tb.id AS b_id, tb.alias AS b_alias, tb.organization_id AS b_org, ob.name AS b_org_name, "
    " tb.status AS b_status, "
    " EXISTS (SELECT 1 FROM matches m WHERE m.trainee_id = tb.id AND m.state = 'approved') "
    "   AS b_placed "
    "FROM pairs p JOIN trainees ta ON ta.id = p.trainee_a JOIN trainees tb ON tb.id = p.trainee_b "
    "JOIN organizations oa ON oa.id = ta.organization_id "
    "JOIN organizations ob ON ob.id = tb.organization_id ORDER BY p.id";

// The origin makes this process's change feed skip the notifications (it
// publishes the noted seqs at commit); other replicas resolve them.
constexpr const char* kNoteLinked =
    "SELECT t.seq, pg_notify('kakehashi_changes', 't' || t.seq || '@' || "
    " coalesce(current_setting('kakehashi.origin', true), '')) AS notified "
    "FROM trainees t WHERE t.id IN ("
    " SELECT CASE WHEN f.trainee_a = $1 THEN f.trainee_b ELSE f.trainee_a END "
    " FROM duplicate_flags f WHERE f.trainee_a = $1 OR f.trainee_b = $1)";

DuplicateSide side_from(const pqxx::row& r, const char* prefix) {
  const std::string p(prefix);
  return {r[p + "_id"].as<std::string>(),     r[p + "_alias"].as<std::string>(),
          r[p + "_org"].as<std::string>(),    r[p + "_org_name"].as<std::string>(),
          r[p + "_status"].as<std::string>(), r[p + "_placed"].as<bool>()};
}

}  // namespace

std::vector<DuplicateFlag> list_duplicate_flags(Tx& t, std::int64_t after_id, int limit,
                                                const std::optional<std::string>& organization_id) {
  std::vector<DuplicateFlag> out;
  for (const auto& r : exec_params(t.sql(), kListFlags, after_id, limit, organization_id)) {
    DuplicateFlag f;
    f.id = r["id"].as<std::int64_t>();
    f.matched_on = split(r["kinds"].as<std::string>(), ',');
    f.flagged_at = r["flagged_at"].as<std::string>();
    f.a = side_from(r, "a");
    f.b = side_from(r, "b");
    out.push_back(std::move(f));
  }
  return out;
}

void note_linked_trainees(Tx& t, const std::string& trainee_id) {
  for (const auto& r : exec_params(t.sql(), kNoteLinked, trainee_id)) {
    t.trainee_changed(r["seq"].as<std::int64_t>());
  }
}

}  // namespace kakehashi::store
