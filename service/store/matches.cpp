#include "store/matches.hpp"

#include <pqxx/pqxx>

#include "store/registry.hpp"

namespace kakehashi::store {
namespace {

template <typename T>
std::optional<T> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

constexpr const char* kMatchSelect =
    "SELECT m.id, m.seq, m.project_id, m.trainee_id, m.firm_id, m.training_org_id, m.round_id, "
    " m.state, m.score, m.explanation::text, m.version, to_json(m.created_at)#>>'{}', "
    " to_json(m.updated_at)#>>'{}', t.alias, p.title "
    "FROM matches m JOIN trainees t ON t.id = m.trainee_id JOIN projects p ON p.id = m.project_id ";

MatchRow match_from(const pqxx::row& r) {
  MatchRow m;
  m.id = r[0].as<std::string>();
  m.seq = r[1].as<std::int64_t>();
  m.project_id = r[2].as<std::string>();
  m.trainee_id = r[3].as<std::string>();
  m.firm_id = r[4].as<std::string>();
  m.training_org_id = r[5].as<std::string>();
  m.round_id = opt<std::string>(r[6]);
  m.state = r[7].as<std::string>();
  m.score = opt<double>(r[8]);
  m.explanation = opt<std::string>(r[9]);
  m.version = r[10].as<std::int64_t>();
  m.created_at = r[11].as<std::string>();
  m.updated_at = r[12].as<std::string>();
  m.trainee_alias = r[13].as<std::string>();
  m.project_title = r[14].as<std::string>();
  return m;
}

constexpr const char* kEventSelect =
    "SELECT id, to_json(at)#>>'{}', kind, actor_key_id, actor_org_id, actor_role, match_id, "
    " round_id, project_id, trainee_id, from_state, to_state, reason, details::text "
    "FROM audit_events ";

EventRow event_from(const pqxx::row& r) {
  EventRow e;
  e.id = r[0].as<std::int64_t>();
  e.at = r[1].as<std::string>();
  e.kind = r[2].as<std::string>();
  e.actor_key_id = opt<std::string>(r[3]);
  e.actor_org_id = opt<std::string>(r[4]);
  e.actor_role = opt<std::string>(r[5]);
  e.match_id = opt<std::string>(r[6]);
  e.round_id = opt<std::string>(r[7]);
  e.project_id = opt<std::string>(r[8]);
  e.trainee_id = opt<std::string>(r[9]);
  e.from_state = opt<std::string>(r[10]);
  e.to_state = opt<std::string>(r[11]);
  e.reason = opt<std::string>(r[12]);
  e.details = r[13].as<std::string>();
  return e;
}

constexpr const char* kRoundSelect =
    "SELECT id, seq, algorithm, status, parameters::text, engine_version, statistics::text, "
    " timings::text, actor_key_id, to_json(started_at)#>>'{}', to_json(completed_at)#>>'{}' "
    "FROM matching_rounds ";

RoundRow round_from(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::int64_t>(), r[2].as<std::string>(),
          r[3].as<std::string>(), r[4].as<std::string>(),  r[5].as<std::string>(),
          r[6].as<std::string>(), r[7].as<std::string>(),  opt<std::string>(r[8]),
          r[9].as<std::string>(), r[10].as<std::string>()};
}

std::string sqlstate(const pqxx::sql_error& e) { return e.sqlstate(); }

EventRow transition_event(const Actor& actor, const std::string& match_id,
                          const std::string& project_id, const std::string& trainee_id) {
  EventRow e;
  e.kind = "transition";
  e.actor_key_id = actor.key_id;
  e.actor_org_id = actor.organization_id;
  e.actor_role = actor.role;
  e.match_id = match_id;
  e.project_id = project_id;
  e.trainee_id = trainee_id;
  return e;
}

}  // namespace

std::optional<MatchRow> find_match(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  auto& tx = t.sql();
  auto r = tx.exec_params(std::string(kMatchSelect) + "WHERE m.id = $1", id);
  if (r.empty()) return std::nullopt;
  return match_from(r[0]);
}

std::vector<MatchRow> list_matches(Tx& t, const MatchFilter& f) {
  auto& tx = t.sql();
  std::vector<MatchRow> out;
  for (const auto& r :
       tx.exec_params(std::string(kMatchSelect) +
                          "WHERE m.seq > $1 AND ($2::uuid IS NULL OR m.project_id = $2) "
                          " AND ($3::uuid IS NULL OR m.trainee_id = $3) "
                          " AND ($4::uuid IS NULL OR m.firm_id = $4) "
                          " AND ($5::uuid IS NULL OR m.training_org_id = $5) "
                          " AND ($6::uuid IS NULL OR m.firm_id = $6 OR m.training_org_id = $6) "
                          " AND ($7::text IS NULL OR m.state = $7) "
                          " AND ($8::uuid IS NULL OR m.round_id = $8) "
                          "ORDER BY m.seq LIMIT $9",
                      f.after_seq, f.project_id, f.trainee_id, f.firm_id, f.training_org_id,
                      f.organization_id, f.state, f.round_id, f.limit)) {
    out.push_back(match_from(r));
  }
  return out;
}

// A placement undone leaves a seat free again: the project reopens.
constexpr const char* kReopenProject =
    "UPDATE projects p SET status = 'open', version = version + 1, updated_at = now() "
    "WHERE p.id = $1 AND p.status = 'closed' AND p.headcount > "
    " (SELECT count(*) FROM matches WHERE project_id = p.id AND state = 'approved') "
    "RETURNING seq";

// Tells the transaction which rows a statement's RETURNING seq changed.
void note(Tx& t, const pqxx::result& rows, void (Tx::*changed)(std::int64_t)) {
  for (const auto& r : rows) (t.*changed)(r["seq"].as<std::int64_t>());
}

void insert_event(pqxx::transaction_base& tx, const EventRow& e) {
  tx.exec_params(
      "INSERT INTO audit_events (kind, actor_key_id, actor_org_id, actor_role, match_id, "
      " round_id, project_id, trainee_id, from_state, to_state, reason, details) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)",
      e.kind, e.actor_key_id, e.actor_org_id, e.actor_role, e.match_id, e.round_id, e.project_id,
      e.trainee_id, e.from_state, e.to_state, e.reason, e.details);
}

void record_event(Tx& t, const EventRow& e) {
  auto& tx = t.sql();
  insert_event(tx, e);
}

MatchRow create_match(Tx& t, const NewMatch& m, const Actor& actor) {
  auto& tx = t.sql();
  std::string id;
  try {
    id = tx.exec_params1(
               "INSERT INTO matches (project_id, trainee_id, firm_id, training_org_id, state, "
               " score, explanation) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING id",
               m.project_id, m.trainee_id, m.firm_id, m.training_org_id, m.state, m.score,
               m.explanation)[0]
             .as<std::string>();
  } catch (const pqxx::unique_violation&) {
    throw Conflict{"this trainee already has an open match with this project", "/trainee_id"};
  }
  EventRow e = transition_event(actor, id, m.project_id, m.trainee_id);
  e.to_state = m.state;
  insert_event(tx, e);
  auto row = tx.exec_params(std::string(kMatchSelect) + "WHERE m.id = $1", id);
  return match_from(row[0]);
}

TransitionResult transition_match(Tx& t, const std::string& id, std::int64_t expected_version,
                                  const std::string& to, const std::optional<std::string>& reason,
                                  const Actor& actor,
                                  const std::function<bool(const std::string& from)>& allowed) {
  TransitionResult out;
  if (!is_uuid(id)) return out;
  auto& tx = t.sql();
  auto locked = tx.exec_params("SELECT state, version FROM matches WHERE id = $1 FOR UPDATE", id);
  if (locked.empty()) return out;
  auto current = tx.exec_params(std::string(kMatchSelect) + "WHERE m.id = $1", id);
  out.match = match_from(current[0]);
  const std::string from = out.match->state;
  if (out.match->version != expected_version) {
    out.outcome = TransitionOutcome::kStale;
    return out;
  }
  if (!allowed(from)) {
    out.outcome = TransitionOutcome::kIllegal;
    return out;
  }
  try {
    // A savepoint: the headcount and one-placement checks may refuse the
    // change, and the transaction goes on to answer why.
    pqxx::subtransaction sub(dynamic_cast<pqxx::dbtransaction&>(tx), "state");
    sub.exec_params(
        "UPDATE matches SET state = $2, version = version + 1, updated_at = now() WHERE id = $1",
        id, to);
    sub.commit();
  } catch (const pqxx::unique_violation&) {
    out.outcome = TransitionOutcome::kPlaced;
    return out;
  } catch (const pqxx::sql_error& e) {
    if (sqlstate(e) == "23514") {
      out.outcome = TransitionOutcome::kSeatsFilled;
      return out;
    }
    throw;
  }
  const auto& m = *out.match;
  if (to == "approved") {
    note(t,
         tx.exec_params(
             "UPDATE trainees SET status = 'placed', version = version + 1, updated_at = now() "
             "WHERE id = $1 AND status = 'active' RETURNING seq",
             m.trainee_id),
         &Tx::trainee_changed);
    note(t,
         tx.exec_params(
             "UPDATE projects p SET status = 'closed', version = version + 1, updated_at = now() "
             "WHERE p.id = $1 AND p.status <> 'closed' AND p.headcount <= "
             " (SELECT count(*) FROM matches WHERE project_id = p.id AND state = 'approved') "
             "RETURNING seq",
             m.project_id),
         &Tx::project_changed);
  } else if (from == "approved") {
    note(t,
         tx.exec_params(
             "UPDATE trainees SET status = 'active', version = version + 1, updated_at = now() "
             "WHERE id = $1 AND status = 'placed' RETURNING seq",
             m.trainee_id),
         &Tx::trainee_changed);
    note(t, tx.exec_params(kReopenProject, m.project_id), &Tx::project_changed);
  }
  EventRow e = transition_event(actor, id, m.project_id, m.trainee_id);
  e.round_id = m.round_id;
  e.from_state = from;
  e.to_state = to;
  e.reason = reason;
  insert_event(tx, e);
  auto after = tx.exec_params(std::string(kMatchSelect) + "WHERE m.id = $1", id);
  out.match = match_from(after[0]);
  out.outcome = TransitionOutcome::kDone;
  return out;
}

std::size_t withdraw_open_matches(Tx& t, const std::string& trainee_id, const Actor& actor,
                                  const std::string& reason) {
  auto& tx = t.sql();
  const auto rows = tx.exec_params(
      "UPDATE matches m SET state = 'withdrawn', version = m.version + 1, updated_at = now() "
      "FROM matches old WHERE old.id = m.id AND m.trainee_id = $1 "
      " AND m.state NOT IN ('rejected', 'withdrawn') "
      "RETURNING m.id, m.project_id, m.round_id, old.state",
      trainee_id);
  for (const auto& r : rows) {
    EventRow e =
        transition_event(actor, r[0].as<std::string>(), r[1].as<std::string>(), trainee_id);
    e.round_id = opt<std::string>(r[2]);
    e.from_state = r[3].as<std::string>();
    e.to_state = "withdrawn";
    e.reason = reason;
    insert_event(tx, e);
    if (e.from_state == "approved") {
      note(t, tx.exec_params(kReopenProject, *e.project_id), &Tx::project_changed);
    }
  }
  return rows.size();
}

std::vector<EventRow> list_events(Tx& t, const EventFilter& f) {
  auto& tx = t.sql();
  std::vector<EventRow> out;
  for (const auto& r : tx.exec_params(
           std::string(kEventSelect) +
               "WHERE id > $1 AND ($2::text IS NULL OR kind = $2) "
               " AND ($3::uuid IS NULL OR match_id = $3) AND ($4::uuid IS NULL OR round_id = $4) "
               " AND ($5::uuid IS NULL OR project_id = $5) "
               " AND ($6::uuid IS NULL OR trainee_id = $6) "
               " AND ($7::uuid IS NULL OR actor_org_id = $7) "
               " AND ($8::timestamptz IS NULL OR at >= $8) "
               " AND ($9::timestamptz IS NULL OR at < $9) "
               "ORDER BY id LIMIT $10",
           f.after_id, f.kind, f.match_id, f.round_id, f.project_id, f.trainee_id, f.actor_org_id,
           f.since, f.until, f.limit)) {
    out.push_back(event_from(r));
  }
  return out;
}

std::optional<RoundRow> find_round(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  auto& tx = t.sql();
  auto r = tx.exec_params(std::string(kRoundSelect) + "WHERE id = $1", id);
  if (r.empty()) return std::nullopt;
  return round_from(r[0]);
}

std::vector<RoundRow> list_rounds(Tx& t, std::int64_t after_seq, int limit) {
  auto& tx = t.sql();
  std::vector<RoundRow> out;
  // Newest first: the cursor is the last seq seen (0: from the newest).
  for (const auto& r : tx.exec_params(
           std::string(kRoundSelect) + "WHERE ($1 = 0 OR seq < $1) ORDER BY seq DESC LIMIT $2",
           after_seq, limit)) {
    out.push_back(round_from(r));
  }
  return out;
}

RoundInputs round_inputs(Tx& t) {
  auto& tx = t.sql();
  RoundInputs in;
  for (const auto& r : tx.exec(
           "SELECT p.id, p.headcount - (SELECT count(*) FROM matches m WHERE m.project_id = p.id "
           "  AND m.state NOT IN ('rejected', 'withdrawn'))::int "
           "FROM projects p WHERE p.status = 'open'")) {
    in.seats.emplace_back(r[0].as<std::string>(), r[1].as<int>());
  }
  for (const auto& r : tx.exec("SELECT DISTINCT trainee_id FROM matches "
                               "WHERE state NOT IN ('rejected', 'withdrawn')")) {
    in.busy_trainees.push_back(r[0].as<std::string>());
  }
  return in;
}

void set_round_timings(Tx& t, const std::string& id, const std::string& timings) {
  t.sql().exec_params("UPDATE matching_rounds SET timings = $2::jsonb WHERE id = $1", id, timings);
}

bool acquire_round_lease(Tx& t, const std::string& holder, int seconds) {
  return !t.sql()
              .exec_params(
                  "INSERT INTO round_lease (id, holder, expires_at) "
                  "VALUES (1, $1, now() + make_interval(secs => $2)) "
                  "ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, "
                  " expires_at = excluded.expires_at WHERE round_lease.expires_at < now() "
                  "RETURNING holder",
                  holder, seconds)
              .empty();
}

void release_round_lease(Tx& t, const std::string& holder) {
  t.sql().exec_params("DELETE FROM round_lease WHERE holder = $1", holder);
}

std::string database_now(Tx& t) {
  return t.sql().exec1("SELECT to_json(clock_timestamp())#>>'{}' AS now")["now"].as<std::string>();
}

std::string store_round(Tx& t, const RoundRow& round, const std::vector<NewMatch>& matches,
                        const Actor& actor) {
  auto& tx = t.sql();
  // Thousands of proposals with their audit events may take a while.
  tx.exec("SET LOCAL statement_timeout = '5min'");
  const std::string id =
      tx.exec_params1(
            "INSERT INTO matching_rounds (algorithm, status, parameters, engine_version, "
            " statistics, timings, actor_key_id, started_at) "
            "VALUES ($1, $2, $3::jsonb, $4, $5::jsonb, $6::jsonb, $7, $8::timestamptz) "
            "RETURNING id",
            round.algorithm, round.status, round.parameters, round.engine_version, round.statistics,
            round.timings, round.actor_key_id, round.started_at)[0]
          .as<std::string>();
  {
    pqxx::stream_to out(
        tx, "matches",
        std::vector<std::string>{"project_id", "trainee_id", "firm_id", "training_org_id",
                                 "round_id", "state", "score", "explanation"});
    for (const auto& m : matches) {
      out << std::make_tuple(m.project_id, m.trainee_id, m.firm_id, m.training_org_id, id, m.state,
                             m.score, m.explanation);
    }
    out.complete();
  }
  tx.exec_params(
      "INSERT INTO audit_events (kind, actor_key_id, actor_org_id, actor_role, round_id, "
      " details) VALUES ('round', $1, $2, $3, $4, $5::jsonb)",
      actor.key_id, actor.organization_id, actor.role, id, round.statistics);
  tx.exec_params(
      "INSERT INTO audit_events (kind, actor_key_id, actor_org_id, actor_role, match_id, "
      " round_id, project_id, trainee_id, to_state) "
      "SELECT 'transition', $1, $2, $3, id, round_id, project_id, trainee_id, state "
      "FROM matches WHERE round_id = $4 ORDER BY seq",
      actor.key_id, actor.organization_id, actor.role, id);
  return id;
}

}  // namespace kakehashi::store
