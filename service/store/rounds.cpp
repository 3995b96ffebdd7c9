// The matching rounds' repositories (declared in matches.hpp): rounds, what
// a round reads before it runs, the lease that keeps rounds one at a time,
// and a round's proposals stored with their audit events.
#include <tuple>

#include <pqxx/pqxx>

#include "store/conflict.hpp"
#include "store/matches.hpp"
#include "store/preferences.hpp"
#include "store/sql_text.hpp"
#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kRoundSelect =
    "SELECT id, seq, algorithm, status, parameters::text AS parameters, engine_version, "
    " statistics::text AS statistics, timings::text AS timings, actor_key_id, "
    " assignment::text AS assignment, "
    " to_json(started_at)#>>'{}' AS started_at, to_json(completed_at)#>>'{}' AS completed_at "
    "FROM matching_rounds ";
const std::string kSelectRoundById = std::string(kRoundSelect) + "WHERE id = $1";
// Newest first: the cursor is the last seq seen (0: from the newest).
const std::string kListRounds =
    std::string(kRoundSelect) + "WHERE ($1 = 0 OR seq < $1) ORDER BY seq DESC LIMIT $2";
// Thousands of proposals with their audit events may take a while.
constexpr const char* kRoundTimeout = "SET LOCAL statement_timeout = '5min'";
constexpr const char* kInsertRound =
    "INSERT INTO matching_rounds (algorithm, status, parameters, engine_version, statistics, "
    " timings, actor_key_id, started_at, assignment) "
    "VALUES ($1, $2, $3::jsonb, $4, $5::jsonb, $6::jsonb, $7, $8::timestamptz, $9::jsonb) "
    "RETURNING id";
constexpr const char* kWithdrawRoundProposals =
    "WITH w AS (UPDATE matches SET state = 'withdrawn', version = version + 1, "
    "   updated_at = now() WHERE round_id = $1 AND state = 'proposed' "
    "   RETURNING id, seq, round_id, project_id, trainee_id) "
    "INSERT INTO audit_events (kind, actor_key_id, actor_org_id, actor_role, match_id, "
    " round_id, project_id, trainee_id, from_state, to_state, reason, actor_person_id, "
    " actor_label) "
    "SELECT 'transition', $2::uuid, $3::uuid, $4, id, round_id, project_id, trainee_id, "
    " 'proposed', 'withdrawn', $5, $6::uuid, nullif($7, '') FROM w ORDER BY seq RETURNING id";
constexpr const char* kRoundMatches =
    "SELECT project_id, coalesce(role, '') AS role, trainee_id, coalesce(score, 0) AS score "
    "FROM matches WHERE round_id = $1 ORDER BY seq";
constexpr const char* kSetRoundTimings =
    "UPDATE matching_rounds SET timings = $2::jsonb WHERE id = $1";
// Per role of each open project (a project without roles is one, role '').
constexpr const char* kOpenSeats =
    "SELECT p.id AS project_id, '' AS role, p.headcount - (SELECT count(*) FROM matches m "
    "  WHERE m.project_id = p.id AND m.state NOT IN ('rejected', 'withdrawn'))::int AS seats "
    "FROM projects p WHERE p.status = 'open' "
    " AND NOT EXISTS (SELECT 1 FROM project_roles r WHERE r.project_id = p.id) "
    "UNION ALL "
    "SELECT p.id AS project_id, r.key AS role, r.headcount - (SELECT count(*) FROM matches m "
    "  WHERE m.project_id = p.id AND m.role = r.key "
    "    AND m.state NOT IN ('rejected', 'withdrawn'))::int AS seats "
    "FROM projects p JOIN project_roles r ON r.project_id = p.id WHERE p.status = 'open'";
constexpr const char* kBusyTrainees =
    "SELECT DISTINCT trainee_id FROM matches WHERE state NOT IN ('rejected', 'withdrawn')";
constexpr const char* kRejectedPairs =
    "SELECT DISTINCT m.trainee_id, m.project_id, coalesce(m.role, '') AS role "
    "FROM matches m JOIN projects p ON p.id = m.project_id "
    "WHERE m.state = 'rejected' AND p.status = 'open' ORDER BY m.trainee_id";
constexpr const char* kAcquireLease =
    "INSERT INTO round_lease (id, holder, expires_at) "
    "VALUES (1, $1, now() + make_interval(secs => $2)) "
    "ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, "
    " expires_at = excluded.expires_at WHERE round_lease.expires_at < now() "
    "RETURNING holder";
constexpr const char* kReleaseLease = "DELETE FROM round_lease WHERE holder = $1";
constexpr const char* kDatabaseNow = "SELECT to_json(clock_timestamp())#>>'{}' AS now";

constexpr const char* kLockRoundTrainees =
    "SELECT 1 FROM trainees WHERE id IN (SELECT trainee_id FROM matches WHERE round_id = $1) "
    "ORDER BY id FOR SHARE";
// The round's figures then count what it stored: the proposals dropped come
// off `assigned` and `total_score` and onto `unfilled_seats`, and are counted
// as `dropped_unmatchable` (a probe's round reported 1,054 assigned and stored
// 1,037).
constexpr const char* kDropUnmatchableProposals =
    "WITH gone AS ("
    " DELETE FROM matches m USING trainees t WHERE m.round_id = $1 AND t.id = m.trainee_id "
    "  AND (t.status <> 'active' OR NOT t.consent_matching) RETURNING m.score), "
    "g AS (SELECT count(*) AS n, coalesce(sum(score), 0)::float8 AS score FROM gone) "
    "UPDATE matching_rounds r SET statistics = r.statistics || jsonb_build_object("
    " 'assigned', (r.statistics->>'assigned')::bigint - g.n, "
    " 'total_score', (r.statistics->>'total_score')::float8 - g.score, "
    " 'unfilled_seats', (r.statistics->>'unfilled_seats')::bigint + g.n, "
    " 'dropped_unmatchable', g.n) "
    "FROM g WHERE r.id = $1 AND g.n > 0 "
    "RETURNING r.statistics::text AS statistics";

constexpr const char* kInsertRoundEvent =
    "INSERT INTO audit_events (kind, actor_key_id, actor_org_id, actor_role, round_id, "
    " details, actor_person_id, actor_label) "
    "VALUES ('round', $1, $2, $3, $4, $5::jsonb, $6, nullif($7, ''))";
constexpr const char* kInsertRoundMatchEvents =
    "INSERT INTO audit_events (kind, actor_key_id, actor_org_id, actor_role, match_id, "
    " round_id, project_id, trainee_id, to_state, actor_person_id, actor_label) "
    "SELECT 'transition', $1::uuid, $2::uuid, $3, id, round_id, project_id, trainee_id, state, "
    " $5::uuid, nullif($6, '') "
    "FROM matches WHERE round_id = $4 ORDER BY seq";

RoundRow round_from(const pqxx::row& r) {
  RoundRow round;
  round.id = r["id"].as<std::string>();
  round.seq = r["seq"].as<std::int64_t>();
  round.algorithm = r["algorithm"].as<std::string>();
  round.status = r["status"].as<std::string>();
  round.parameters = r["parameters"].as<std::string>();
  round.engine_version = r["engine_version"].as<std::string>();
  round.statistics = r["statistics"].as<std::string>();
  round.timings = r["timings"].as<std::string>();
  round.actor_key_id = opt<std::string>(r["actor_key_id"]);
  round.started_at = r["started_at"].as<std::string>();
  round.completed_at = r["completed_at"].as<std::string>();
  round.assignment = opt<std::string>(r["assignment"]);
  return round;
}

}  // namespace

std::optional<RoundRow> find_round(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  const auto r = exec_params(t.sql(), kSelectRoundById, id);
  if (r.empty()) return std::nullopt;
  return round_from(r[0]);
}

std::vector<RoundRow> list_rounds(Tx& t, std::int64_t after_seq, int limit) {
  std::vector<RoundRow> out;
  for (const auto& r : exec_params(t.sql(), kListRounds, after_seq, limit)) {
    out.push_back(round_from(r));
  }
  return out;
}

RoundInputs round_inputs(Tx& t) {
  auto& tx = t.sql();
  RoundInputs in;
  for (const auto& r : exec(tx, kOpenSeats)) {
    in.seats.push_back(
        {r["project_id"].as<std::string>(), r["role"].as<std::string>(), r["seats"].as<int>()});
  }
  for (const auto& r : exec(tx, kBusyTrainees)) {
    in.busy_trainees.push_back(r["trainee_id"].as<std::string>());
  }
  in.preferences = open_project_preferences(t);
  for (const auto& r : exec(tx, kRejectedPairs)) {
    auto trainee = r["trainee_id"].as<std::string>();
    if (in.rejected.empty() || in.rejected.back().trainee_id != trainee) {
      in.rejected.push_back({std::move(trainee), {}, {}});
    }
    in.rejected.back().refused.push_back(
        {r["project_id"].as<std::string>(), r["role"].as<std::string>()});
  }
  return in;
}

void set_round_timings(Tx& t, const std::string& id, const std::string& timings) {
  exec_params(t.sql(), kSetRoundTimings, id, timings);
}

bool acquire_round_lease(Tx& t, const std::string& holder, int seconds) {
  return !exec_params(t.sql(), kAcquireLease, holder, seconds).empty();
}

void release_round_lease(Tx& t, const std::string& holder) {
  exec_params(t.sql(), kReleaseLease, holder);
}

std::string database_now(Tx& t) { return exec1(t.sql(), kDatabaseNow)["now"].as<std::string>(); }

std::size_t withdraw_round_proposals(Tx& t, const std::string& round_id, const Actor& actor,
                                     const std::string& reason) {
  auto& tx = t.sql();
  exec(tx, kRoundTimeout);
  return exec_params(tx, kWithdrawRoundProposals, round_id, actor.key(), actor.organization_id,
                     actor.role, reason, actor.person_id, actor.label)
      .size();
}

std::vector<AssignedPair> round_matches(Tx& t, const std::string& round_id) {
  std::vector<AssignedPair> out;
  for (const auto& r : exec_params(t.sql(), kRoundMatches, round_id)) {
    out.push_back({r["project_id"].as<std::string>(), r["role"].as<std::string>(),
                   r["trainee_id"].as<std::string>(), r["score"].as<double>()});
  }
  return out;
}

std::string store_round(Tx& t, const RoundRow& round, const std::vector<NewMatch>& matches,
                        const Actor& actor) {
  auto& tx = t.sql();
  exec(tx, kRoundTimeout);
  auto id = exec_params1(tx, kInsertRound, round.algorithm, round.status, round.parameters,
                         round.engine_version, round.statistics, round.timings, round.actor_key_id,
                         round.started_at, round.assignment)["id"]
                .as<std::string>();
  if (round.status == "simulated") {
    exec_params(tx, kInsertRoundEvent, actor.key(), actor.organization_id, actor.role, id,
                round.statistics, actor.person_id, actor.label);
    return id;
  }
  try {
    pqxx::stream_to out(
        tx, "matches",
        std::vector<std::string>{"project_id", "trainee_id", "firm_id", "training_org_id",
                                 "round_id", "state", "score", "explanation", "role"});
    for (const auto& m : matches) {
      out << std::make_tuple(m.project_id, m.trainee_id, m.firm_id, m.training_org_id, id, m.state,
                             m.score, m.explanation, m.role);
    }
    out.complete();
  } catch (const pqxx::unique_violation&) {
    // An open pair (matches_open_pair) made by hand after this transaction
    // read the round's inputs: the caller stores again, reading it as taken.
    throw Conflict{"a pair the round proposes was matched meanwhile", ""};
  }
  // Proposals for trainees no longer matchable (consent or status changed
  // while the round ran) go; the rest hold their trainees' rows until the
  // round commits, so a change starting now withdraws them after it.
  exec_params(tx, kLockRoundTrainees, id);
  std::string statistics = round.statistics;
  for (const auto& r : exec_params(tx, kDropUnmatchableProposals, id)) {
    statistics = r["statistics"].as<std::string>();
  }
  exec_params(tx, kInsertRoundEvent, actor.key(), actor.organization_id, actor.role, id, statistics,
              actor.person_id, actor.label);
  exec_params(tx, kInsertRoundMatchEvents, actor.key(), actor.organization_id, actor.role, id,
              actor.person_id, actor.label);
  return id;
}

}  // namespace kakehashi::store
