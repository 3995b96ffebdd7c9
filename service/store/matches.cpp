#include "store/matches.hpp"

#include <pqxx/pqxx>

#include "store/conflict.hpp"
#include "store/duplicates.hpp"
#include "store/sql_text.hpp"
#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

// A match with the names the views show; each query below adds its WHERE.
constexpr const char* kMatchSelect =
    "SELECT m.id, m.seq, m.project_id, m.trainee_id, m.firm_id, m.training_org_id, m.round_id, "
    " m.state, m.score, m.explanation::text AS explanation, m.version, m.role, "
    " to_json(m.created_at)#>>'{}' AS created_at, to_json(m.updated_at)#>>'{}' AS updated_at, "
    " t.alias AS trainee_alias, p.title AS project_title, "
    " m.offer_monthly_rate::float8 AS offer_monthly_rate, m.offer_currency, "
    " m.offer_start_date::text AS offer_start_date, f.name AS firm_name "
    "FROM matches m JOIN trainees t ON t.id = m.trainee_id JOIN projects p ON p.id = m.project_id "
    " JOIN organizations f ON f.id = m.firm_id ";
const std::string kSelectMatchById = std::string(kMatchSelect) + "WHERE m.id = $1";
const std::string kListMatches =
    std::string(kMatchSelect) +
    "WHERE m.seq > $1 AND ($2::uuid IS NULL OR m.project_id = $2) "
    " AND ($3::uuid IS NULL OR m.trainee_id = $3) "
    " AND ($4::uuid IS NULL OR m.firm_id = $4) "
    " AND ($5::uuid IS NULL OR m.training_org_id = $5) "
    " AND ($6::uuid IS NULL OR m.firm_id = $6 OR m.training_org_id = $6) "
    " AND ($7::text IS NULL OR m.state = $7) "
    " AND ($8::uuid IS NULL OR m.round_id = $8) "
    "ORDER BY m.seq LIMIT $9";
constexpr const char* kInsertMatch =
    "INSERT INTO matches (project_id, trainee_id, firm_id, training_org_id, state, score, "
    " explanation, role) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) RETURNING id";
constexpr const char* kLockMatch = "SELECT id FROM matches WHERE id = $1 FOR UPDATE";
// A match's person (its trainee and the records flagged as the same person),
// locked in id order as migration 0103's trigger locks them: taken before
// the match, in the order a change of the trainee takes them (the trainee's
// row, then its matches), so that an approval and a trainee's PATCH wait for
// each other instead of deadlocking.
constexpr const char* kLockMatchPerson =
    "WITH m AS (SELECT trainee_id FROM matches WHERE id = $1) "
    "SELECT 1 FROM trainees WHERE id IN ("
    "  SELECT trainee_id FROM m"
    "  UNION ALL SELECT f.trainee_b FROM duplicate_flags f JOIN m ON f.trainee_a = m.trainee_id"
    "  UNION ALL SELECT f.trainee_a FROM duplicate_flags f JOIN m ON f.trainee_b = m.trainee_id) "
    "ORDER BY id FOR UPDATE OF trainees";
// The trainee's row is share-locked until the match commits: a change of its
// consent or status waits, and then withdraws the match it finds.
constexpr const char* kLockMatchableTrainee =
    "SELECT status = 'active' AND consent_matching AS matchable FROM trainees WHERE id = $1 "
    "FOR SHARE";
constexpr const char* kSetMatchState =
    "UPDATE matches SET state = $2, version = version + 1, updated_at = now() WHERE id = $1";
constexpr const char* kSetOfferTerms =
    "UPDATE matches SET offer_monthly_rate = $2, offer_currency = $3, offer_start_date = $4 "
    "WHERE id = $1";
constexpr const char* kWithdrawOpenMatches =
    "UPDATE matches m SET state = 'withdrawn', version = m.version + 1, updated_at = now() "
    "FROM matches old WHERE old.id = m.id AND m.trainee_id = $1 "
    " AND m.state NOT IN ('rejected', 'withdrawn') AND ($2 OR m.state <> 'approved') "
    "RETURNING m.id, m.project_id, m.round_id, old.state AS from_state";

// Placement effects: an approval places the trainee and closes a full
// project; a placement undone makes the trainee active again and leaves a
// seat free, so the project reopens.
constexpr const char* kPlaceTrainee =
    "UPDATE trainees SET status = 'placed', version = version + 1, updated_at = now() "
    "WHERE id = $1 AND status = 'active' RETURNING seq";
constexpr const char* kCloseFullProject =
    "UPDATE projects p SET status = 'closed', version = version + 1, updated_at = now() "
    "WHERE p.id = $1 AND p.status <> 'closed' AND p.headcount <= "
    " (SELECT count(*) FROM matches WHERE project_id = p.id AND state = 'approved') "
    "RETURNING seq";
constexpr const char* kUnplaceTrainee =
    "UPDATE trainees SET status = 'active', version = version + 1, updated_at = now() "
    "WHERE id = $1 AND status = 'placed' RETURNING seq";
constexpr const char* kReopenProject =
    "UPDATE projects p SET status = 'open', version = version + 1, updated_at = now() "
    "WHERE p.id = $1 AND p.status = 'closed' AND p.headcount > "
    " (SELECT count(*) FROM matches WHERE project_id = p.id AND state = 'approved') "
    "RETURNING seq";

constexpr const char* kEventSelect =
    "SELECT id, to_json(at)#>>'{}' AS at, kind, actor_key_id, actor_org_id, actor_role, "
    " actor_person_id, actor_label, match_id, round_id, project_id, trainee_id, from_state, "
    " to_state, reason, details::text AS details "
    "FROM audit_events ";
const std::string kListEvents =
    std::string(kEventSelect) +
    "WHERE id > $1 AND ($2::text IS NULL OR kind = $2) "
    " AND ($3::uuid IS NULL OR match_id = $3) AND ($4::uuid IS NULL OR round_id = $4) "
    " AND ($5::uuid IS NULL OR project_id = $5) "
    " AND ($6::uuid IS NULL OR trainee_id = $6) "
    " AND ($7::uuid IS NULL OR actor_org_id = $7) "
    " AND ($8::timestamptz IS NULL OR at >= $8) "
    " AND ($9::timestamptz IS NULL OR at < $9) "
    " AND ($11::uuid IS NULL OR actor_person_id = $11) "
    "ORDER BY id LIMIT $10";
constexpr const char* kInsertEvent =
    "INSERT INTO audit_events (kind, actor_key_id, actor_org_id, actor_role, match_id, "
    " round_id, project_id, trainee_id, from_state, to_state, reason, details, "
    " actor_person_id, actor_label) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14)";

MatchRow match_from(const pqxx::row& r) {
  MatchRow m;
  m.id = r["id"].as<std::string>();
  m.seq = r["seq"].as<std::int64_t>();
  m.project_id = r["project_id"].as<std::string>();
  m.trainee_id = r["trainee_id"].as<std::string>();
  m.firm_id = r["firm_id"].as<std::string>();
  m.training_org_id = r["training_org_id"].as<std::string>();
  m.round_id = opt<std::string>(r["round_id"]);
  m.state = r["state"].as<std::string>();
  m.score = opt<double>(r["score"]);
  m.explanation = opt<std::string>(r["explanation"]);
  m.version = r["version"].as<std::int64_t>();
  m.created_at = r["created_at"].as<std::string>();
  m.updated_at = r["updated_at"].as<std::string>();
  m.trainee_alias = r["trainee_alias"].as<std::string>();
  m.project_title = r["project_title"].as<std::string>();
  m.role = opt<std::string>(r["role"]);
  m.offer_monthly_rate = opt<double>(r["offer_monthly_rate"]);
  m.offer_currency = opt<std::string>(r["offer_currency"]);
  m.offer_start_date = opt<std::string>(r["offer_start_date"]);
  m.firm_name = r["firm_name"].as<std::string>();
  return m;
}

EventRow event_from(const pqxx::row& r) {
  EventRow e;
  e.id = r["id"].as<std::int64_t>();
  e.at = r["at"].as<std::string>();
  e.kind = r["kind"].as<std::string>();
  e.actor_key_id = opt<std::string>(r["actor_key_id"]);
  e.actor_org_id = opt<std::string>(r["actor_org_id"]);
  e.actor_role = opt<std::string>(r["actor_role"]);
  e.actor_person_id = opt<std::string>(r["actor_person_id"]);
  e.actor_label = opt<std::string>(r["actor_label"]);
  e.match_id = opt<std::string>(r["match_id"]);
  e.round_id = opt<std::string>(r["round_id"]);
  e.project_id = opt<std::string>(r["project_id"]);
  e.trainee_id = opt<std::string>(r["trainee_id"]);
  e.from_state = opt<std::string>(r["from_state"]);
  e.to_state = opt<std::string>(r["to_state"]);
  e.reason = opt<std::string>(r["reason"]);
  e.details = r["details"].as<std::string>();
  return e;
}

MatchRow select_match(pqxx::transaction_base& tx, const std::string& id) {
  return match_from(exec_params1(tx, kSelectMatchById, id));
}

EventRow transition_event(const Actor& actor, const std::string& match_id,
                          const std::string& project_id, const std::string& trainee_id) {
  EventRow e = event_by(actor, "transition");
  e.match_id = match_id;
  e.project_id = project_id;
  e.trainee_id = trainee_id;
  return e;
}

// Tells the transaction which rows a statement's RETURNING seq changed.
void note(Tx& t, const pqxx::result& rows, void (Tx::*changed)(std::int64_t)) {
  for (const auto& r : rows) (t.*changed)(r["seq"].as<std::int64_t>());
}

void insert_event(pqxx::transaction_base& tx, const EventRow& e) {
  exec_params(tx, kInsertEvent, e.kind, e.actor_key_id, e.actor_org_id, e.actor_role, e.match_id,
              e.round_id, e.project_id, e.trainee_id, e.from_state, e.to_state, e.reason, e.details,
              e.actor_person_id, e.actor_label);
}

// Sets the state in a savepoint: the database may refuse the change (one
// approved placement per trainee: a unique index; the headcount trigger of
// migration 0004: check_violation), and the transaction goes on to answer
// why. Returns kDone when the state changed.
TransitionOutcome set_state(pqxx::transaction_base& tx, const std::string& id,
                            const std::string& to) {
  try {
    pqxx::subtransaction sub(dynamic_cast<pqxx::dbtransaction&>(tx), "state");
    exec_params(sub, kSetMatchState, id, to);
    sub.commit();
  } catch (const pqxx::unique_violation&) {
    return TransitionOutcome::kPlaced;
  } catch (const pqxx::check_violation&) {
    return TransitionOutcome::kSeatsFilled;
  }
  return TransitionOutcome::kDone;
}

void apply_placement_effects(Tx& t, const MatchRow& m, const std::string& from,
                             const std::string& to) {
  auto& tx = t.sql();
  if (to == "approved") {
    note(t, exec_params(tx, kPlaceTrainee, m.trainee_id), &Tx::trainee_changed);
    note(t, exec_params(tx, kCloseFullProject, m.project_id), &Tx::project_changed);
    note_linked_trainees(t, m.trainee_id);  // no longer matchable through their organizations
  } else if (from == "approved") {
    note(t, exec_params(tx, kUnplaceTrainee, m.trainee_id), &Tx::trainee_changed);
    note(t, exec_params(tx, kReopenProject, m.project_id), &Tx::project_changed);
    note_linked_trainees(t, m.trainee_id);
  }
}

}  // namespace

EventRow event_by(const Actor& actor, std::string kind) {
  EventRow e;
  e.kind = std::move(kind);
  e.actor_key_id = actor.key();
  // A scheduled job (retention) acts with no organization either.
  if (!actor.organization_id.empty()) e.actor_org_id = actor.organization_id;
  e.actor_role = actor.role;
  e.actor_person_id = actor.person_id;
  if (!actor.label.empty()) e.actor_label = actor.label;
  return e;
}

std::optional<MatchRow> find_match(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  const auto r = exec_params(t.sql(), kSelectMatchById, id);
  if (r.empty()) return std::nullopt;
  return match_from(r[0]);
}

std::vector<MatchRow> list_matches(Tx& t, const MatchFilter& f) {
  std::vector<MatchRow> out;
  for (const auto& r :
       exec_params(t.sql(), kListMatches, f.after_seq, f.project_id, f.trainee_id, f.firm_id,
                   f.training_org_id, f.organization_id, f.state, f.round_id, f.limit)) {
    out.push_back(match_from(r));
  }
  return out;
}

void record_event(Tx& t, const EventRow& e) { insert_event(t.sql(), e); }

bool lock_matchable_trainee(Tx& t, const std::string& trainee_id) {
  const auto r = exec_params(t.sql(), kLockMatchableTrainee, trainee_id);
  return !r.empty() && r[0]["matchable"].as<bool>();
}

MatchRow create_match(Tx& t, const NewMatch& m, const Actor& actor) {
  auto& tx = t.sql();
  std::string id;
  try {
    id = exec_params1(tx, kInsertMatch, m.project_id, m.trainee_id, m.firm_id, m.training_org_id,
                      m.state, m.score, m.explanation, m.role)["id"]
             .as<std::string>();
  } catch (const pqxx::unique_violation&) {
    throw Conflict{"this trainee already has an open match with this project", "/trainee_id"};
  }
  EventRow e = transition_event(actor, id, m.project_id, m.trainee_id);
  e.to_state = m.state;
  insert_event(tx, e);
  return select_match(tx, id);
}

TransitionResult transition_match(Tx& t, const std::string& id, std::int64_t expected_version,
                                  const std::string& to, const std::optional<std::string>& reason,
                                  const Actor& actor,
                                  const std::function<bool(const std::string& from)>& allowed,
                                  const std::optional<OfferTerms>& offer) {
  TransitionResult out;
  if (!is_uuid(id)) return out;
  auto& tx = t.sql();
  exec_params(tx, kLockMatchPerson, id);
  if (exec_params(tx, kLockMatch, id).empty()) return out;
  out.match = select_match(tx, id);
  const std::string from = out.match->state;
  if (out.match->version != expected_version) {
    out.outcome = TransitionOutcome::kStale;
    return out;
  }
  if (!allowed(from)) {
    out.outcome = TransitionOutcome::kIllegal;
    return out;
  }
  out.outcome = set_state(tx, id, to);
  if (out.outcome != TransitionOutcome::kDone) return out;
  if (offer && to == "offered") {
    // Outside the state's savepoint: the terms' CHECKs (migration 0112)
    // refusing a value is a fault of the caller's validation, not an answer.
    exec_params(tx, kSetOfferTerms, id, offer->monthly_rate, offer->currency, offer->start_date);
  }
  const auto& m = *out.match;
  apply_placement_effects(t, m, from, to);
  EventRow e = transition_event(actor, id, m.project_id, m.trainee_id);
  e.round_id = m.round_id;
  e.from_state = from;
  e.to_state = to;
  e.reason = reason;
  insert_event(tx, e);
  out.match = select_match(tx, id);
  return out;
}

std::size_t withdraw_open_matches(Tx& t, const std::string& trainee_id, const Actor& actor,
                                  const std::string& reason, Placements placements) {
  auto& tx = t.sql();
  const auto rows =
      exec_params(tx, kWithdrawOpenMatches, trainee_id, placements == Placements::kWithdrawn);
  for (const auto& r : rows) {
    EventRow e = transition_event(actor, r["id"].as<std::string>(),
                                  r["project_id"].as<std::string>(), trainee_id);
    e.round_id = opt<std::string>(r["round_id"]);
    e.from_state = r["from_state"].as<std::string>();
    e.to_state = "withdrawn";
    e.reason = reason;
    insert_event(tx, e);
    if (e.from_state == "approved") {
      note(t, exec_params(tx, kReopenProject, *e.project_id), &Tx::project_changed);
    }
  }
  return rows.size();
}

std::vector<EventRow> list_events(Tx& t, const EventFilter& f) {
  std::vector<EventRow> out;
  for (const auto& r :
       exec_params(t.sql(), kListEvents, f.after_id, f.kind, f.match_id, f.round_id, f.project_id,
                   f.trainee_id, f.actor_org_id, f.since, f.until, f.limit, f.actor_person_id)) {
    out.push_back(event_from(r));
  }
  return out;
}

}  // namespace kakehashi::store
