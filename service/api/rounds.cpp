// Matching rounds: an administrator allocates available trainees to the open
// projects' free seats (stable or maximum-score). A lease row (migration 0008)
// lets one replica run one round at a time; the round computes on the CPU
// executor (matching/round.hpp), then the round, its statistics and its
// proposed matches are stored in one transaction.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/matching_views.hpp"
#include "api/round_store.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "domain/statuses.hpp"
#include "matcher/allocation.hpp"
#include "matching/live_index.hpp"
#include "matching/round.hpp"
#include "store/conflict.hpp"
#include "store/matches.hpp"
#include "util/crypto.hpp"

namespace kakehashi::api {

std::vector<store::NewMatch> still_possible(matching::RoundResult& result,
                                            nlohmann::json& explanations,
                                            const store::RoundInputs& now) {
  std::unordered_set<std::string> busy(now.busy_trainees.begin(), now.busy_trainees.end());
  std::map<std::pair<std::string, std::string>, int> seats;
  for (const auto& s : now.seats) seats[{s.project_id, s.role}] = s.seats;
  // Refusals as they stand now: the trainees' own and the pairs rejected.
  std::unordered_map<std::string, std::vector<domain::PreferenceTarget>> refused;
  for (const auto* list : {&now.preferences, &now.rejected}) {
    for (const auto& p : *list) {
      auto& targets = refused[p.trainee_id];
      targets.insert(targets.end(), p.refused.begin(), p.refused.end());
    }
  }
  const auto refuses = [&](const matching::Proposal& p) {
    const auto it = refused.find(p.trainee_id);
    if (it == refused.end()) return false;
    const domain::PreferenceTarget pair{p.project_id, p.role};
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const domain::PreferenceTarget& t) { return t.covers(pair); });
  };
  std::vector<std::size_t> order(result.proposals.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return result.proposals[a].score > result.proposals[b].score;
  });
  std::vector<bool> keep(result.proposals.size(), false);
  for (auto i : order) {
    const auto& p = result.proposals[i];
    auto seat = seats.find({p.project_id, p.role});
    if (busy.count(p.trainee_id) || seat == seats.end() || seat->second <= 0 || refuses(p)) {
      continue;
    }
    --seat->second;
    keep[i] = true;
  }
  std::vector<store::NewMatch> matches;
  std::vector<matching::Proposal> kept;
  nlohmann::json kept_explanations = nlohmann::json::array();
  for (std::size_t i = 0; i < result.proposals.size(); ++i) {
    if (!keep[i]) continue;
    const auto& p = result.proposals[i];
    matches.push_back({p.project_id, p.trainee_id, p.firm_id, p.training_org_id, "proposed",
                       p.score, explanations[i].get<std::string>(),
                       p.role.empty() ? std::nullopt : std::optional<std::string>(p.role)});
    kept.push_back(std::move(result.proposals[i]));
    kept_explanations.push_back(std::move(explanations[i]));
  }
  // Both stay aligned, so a second pass (a retried store) filters them again.
  result.proposals = std::move(kept);
  explanations = std::move(kept_explanations);
  return matches;
}

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

constexpr int kRoundLeaseSeconds = 15 * 60;  // longer than any round takes
// How often a round's store is tried when pairs are taken by hand meanwhile.
constexpr int kStoreAttempts = 4;
constexpr std::string_view kEngineVersion = "kakehashi-matcher/1";

json round_json(const store::RoundRow& r) {
  return {
      {"id", r.id},
      {"algorithm", r.algorithm},
      {"status", r.status},
      {"parameters", json::parse(r.parameters, nullptr, false)},
      {"engine_version", r.engine_version},
      {"statistics", json::parse(r.statistics, nullptr, false)},
      {"timings", json::parse(r.timings, nullptr, false)},
      {"started_at", r.started_at},
      {"completed_at", r.completed_at},
      {"dry_run", r.status == "simulated"},
      {"assignment", r.assignment ? json::parse(*r.assignment, nullptr, false) : json(nullptr)}};
}

// Computes the round on the CPU executor and stores it with its proposals in
// one transaction (the database's headcount checks still guard every seat).
awaitable<store::RoundRow> compute_and_store(ApiContext& api, const matching::RoundParams& params,
                                             const matching::RoundInputs& inputs,
                                             const json& parameters, const store::Actor& actor,
                                             const std::string& started_at, Clock::time_point t0,
                                             bool dry_run) {
  const double inputs_ms = ms_since(t0);
  matching::RoundResult result;
  json explanations = json::array();
  co_await api.cpu.run([&] {
    result = matching::run_round(*api.live, inputs, params);
    const auto taxonomy = api.taxonomy.snapshot();
    for (const auto& p : result.proposals) {
      explanations.push_back(explanation_text(p.explanation, *taxonomy));
    }
  });
  store::RoundRow row;
  row.algorithm = std::string(domain::algorithm_name(params.algorithm));
  row.status = "completed";
  row.parameters = parameters.dump();
  row.engine_version = std::string(kEngineVersion);
  row.actor_key_id = actor.key();
  row.started_at = started_at;
  json timings = {{"inputs_ms", inputs_ms},
                  {"shortlist_ms", result.shortlist_ms},
                  {"allocation_ms", result.allocation_ms},
                  {"check_ms", result.check_ms},
                  {"explain_ms", result.explain_ms}};
  const auto t_store = Clock::now();
  std::optional<store::RoundRow> round;
  auto store_once = [&](store::Tx& t) {
    // The round computed without holding the database: what changed since
    // its inputs were read (a firm shortlisted a trainee, a seat was filled)
    // drops the proposals it would contradict.
    const auto now = store::round_inputs(t);
    auto matches = still_possible(result, explanations, now);
    if (dry_run) {
      // A dry run stores what it would propose, and no match.
      row.status = "simulated";
      // With the alias and the project's title, so a reader sees who would
      // go where (the console showed an empty table for a dry run).
      std::unordered_map<std::string_view, const matching::Proposal*> proposed;
      for (const auto& p : result.proposals) proposed[p.trainee_id] = &p;
      json assignment = json::array();
      for (const auto& m : matches) {
        const auto it = proposed.find(m.trainee_id);
        const auto* p = it == proposed.end() ? nullptr : it->second;
        assignment.push_back({{"project_id", m.project_id},
                              {"project_title", p ? p->project_title : std::string()},
                              {"role", m.role ? json(*m.role) : json(nullptr)},
                              {"trainee_id", m.trainee_id},
                              {"trainee_alias", p ? p->trainee_alias : std::string()},
                              {"score", m.score.value_or(0)}});
      }
      row.assignment = assignment.dump();
      matches.clear();
    }
    row.statistics = round_statistics_json(result).dump();
    row.timings = timings.dump();
    const auto id = store::store_round(t, row, matches, actor);
    timings["store_ms"] = ms_since(t_store);
    timings["total_ms"] = ms_since(t0);
    store::set_round_timings(t, id, timings.dump());
    round = store::find_round(t, id);
  };
  // A pair shortlisted by hand after this transaction read its inputs and
  // before the proposals' COPY reached it is a store::Conflict (the open
  // pair's unique index; it answered 500 and the round was lost): the store
  // runs again, reading that pair as taken.
  for (int attempt = 1;; ++attempt) {
    try {
      co_await api.db.transact([&](store::Tx& t) { store_once(t); });
      break;
    } catch (const store::Conflict&) {
      if (attempt == kStoreAttempts) throw;
    }
  }
  api.round_seconds.observe(row.algorithm, ms_since(t0) / 1e3);
  co_return std::move(*round);
}

awaitable<Response> create_round(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"algorithm", "project_ids", "min_score", "max_per_org_per_project", "dry_run"});
  const bool dry_run = v.boolean("dry_run", false).value_or(false);
  matching::RoundParams params;
  const auto algorithm = v.one_of<domain::Algorithm>("algorithm", true);
  params.algorithm = algorithm.value_or(domain::Algorithm::kStable);
  params.min_score = v.number("min_score", false, 0, 1).value_or(0);
  params.max_per_org_per_project =
      static_cast<int>(v.integer("max_per_org_per_project", false, 0, 1000).value_or(0));
  if (v.has("project_ids")) {
    const auto& ids = body["project_ids"];
    if (!ids.is_array()) {
      v.fail("project_ids", http::FieldCode::kWrongType,
             "must be an array of 1 to 10000 project ids", {{"expected", std::string("array")}});
    } else if (ids.empty() || ids.size() > 10'000) {
      v.fail("project_ids", http::FieldCode::kOutOfRange,
             "must be an array of 1 to 10000 project ids", {{"min", 1LL}, {"max", 10'000LL}});
    } else {
      params.project_ids.emplace();
      std::unordered_set<std::string> seen;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        const std::string at = "/project_ids/" + std::to_string(i);
        if (!ids[i].is_string() || !store::is_uuid(ids[i].get<std::string>())) {
          errors.push_back(invalid_format(at, "must be a project id", "uuid"));
          continue;
        }
        auto id = ids[i].get<std::string>();
        for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!seen.insert(id).second) {
          errors.push_back({at, http::FieldCode::kDuplicate, "repeats an id listed before"});
        } else if (api.live->ready() && !api.live->project_seq(id)) {
          errors.push_back({at,
                            http::FieldCode::kInvalidState,
                            "is not an open project",
                            {{"resource", std::string("project")}}});
        }
        params.project_ids->push_back(id);
      }
    }
  }
  if (!errors.empty()) co_return problem(ctx, 422, "the round is invalid", errors);
  if (!api.live->ready()) {
    Response r = problem(ctx, 503, http::ProblemType::kIndexLoading,
                         "the matching index is still loading; try again shortly");
    r.set_header("Retry-After", "1");
    co_return r;
  }
  json parameters = {
      {"algorithm", domain::algorithm_name(params.algorithm)},
      {"project_ids", params.project_ids ? json(*params.project_ids) : json(nullptr)},
      {"min_score", params.min_score},
      {"max_per_org_per_project", params.max_per_org_per_project},
      {"dry_run", dry_run}};
  // A client that lost the answer retries with the same Idempotency-Key and
  // gets the round it ran, not a second round (the key was checked, then
  // ignored: each retry ran another round).
  co_return co_await idempotent(
      api, ctx, who,
      [&]() -> awaitable<Response> {
        const auto actor = actor_of(who);
        const auto t0 = Clock::now();
        // The lease, not a database slot, keeps rounds one at a time: the round
        // computes on the CPU executor between two short transactions.
        const std::string holder = util::random_hex(8);
        bool busy = false;
        std::string started_at;
        matching::RoundInputs inputs;
        co_await api.db.transact([&](store::Tx& t) {
          if (!store::acquire_round_lease(t, holder, kRoundLeaseSeconds)) {
            busy = true;
            return;
          }
          started_at = store::database_now(t);
          auto in = store::round_inputs(t);
          inputs = {std::move(in.seats), std::move(in.busy_trainees), std::move(in.preferences),
                    std::move(in.rejected)};
        });
        std::optional<store::RoundRow> round;
        std::exception_ptr failure;
        bool contested = false;
        if (!busy) {
          try {
            round = co_await compute_and_store(api, params, inputs, parameters, actor, started_at,
                                               t0, dry_run);
          } catch (const store::Conflict&) {
            contested = true;
          } catch (...) {
            failure = std::current_exception();
          }
          co_await api.db.transact([&](store::Tx& t) { store::release_round_lease(t, holder); });
          if (failure) std::rethrow_exception(failure);
        }
        if (contested) {
          Response r = problem(ctx, 409, http::ProblemType::kDuplicate,
                               "matches were made by hand while the round was stored, again and "
                               "again; nothing was stored: run the round again");
          r.set_header("Retry-After", "1");
          co_return r;
        }
        if (busy) {
          Response r = problem(ctx, 409, http::ProblemType::kRoundRunning,
                               "another matching round is running; try again when it ends");
          r.set_header("Retry-After", "5");
          co_return r;
        }
        Response r = json_response(201, round_json(*round));
        r.set_header("Location", "/v1/matching-rounds/" + round->id);
        co_return r;
      },
      [&](const std::string& id) -> awaitable<Response> {
        std::optional<store::RoundRow> round;
        co_await api.db.read([&](store::Tx& t) { round = store::find_round(t, id); });
        if (!round) co_return problem(ctx, 404, "the round this request ran no longer exists");
        Response r = json_response(200, round_json(*round));
        r.set_header("Location", "/v1/matching-rounds/" + round->id);
        co_return r;
      });
}

awaitable<Response> get_round(ApiContext& api, http::RequestContext& ctx) {
  const std::string id(ctx.param("id"));
  std::optional<store::RoundRow> round;
  co_await api.db.read([&](store::Tx& t) { round = store::find_round(t, id); });
  if (!round) co_return problem(ctx, 404, "no such matching round");
  co_return json_response(200, round_json(*round));
}

awaitable<Response> list_rounds(ApiContext& api, http::RequestContext& ctx) {
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {"limit", "cursor"}, errors);
  const int limit = page_limit(ctx, errors);
  const auto after = seq_cursor(ctx, 'g', errors);
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  std::vector<store::RoundRow> rows;
  co_await api.db.read([&](store::Tx& t) { rows = store::list_rounds(t, after, limit + 1); });
  json out = {{"items", json::array()}, {"next_cursor", nullptr}};
  for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(limit); ++i) {
    json item = round_json(rows[i]);
    item["statistics"].erase("unmatched");  // the list shows totals; the round shows all
    item["statistics"].erase("unfilled");
    item.erase("assignment");
    out["items"].push_back(std::move(item));
  }
  if (rows.size() > static_cast<std::size_t>(limit))
    out["next_cursor"] = encode_seq_cursor('g', rows[static_cast<std::size_t>(limit) - 1].seq);
  co_return json_response(200, out);
}

// Undo: a real round's matches still `proposed` are withdrawn in one
// transaction, each with its audit event; matches a firm or training
// organization has moved on stay as they are.
awaitable<Response> withdraw_proposals(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"reason"});
  const auto reason = v.text("reason", true, 2000);
  if (!errors.empty()) co_return problem(ctx, 422, "the withdrawal is invalid", errors);
  const std::string id(ctx.param("id"));
  const auto actor = actor_of(who);
  std::optional<store::RoundRow> round;
  std::size_t withdrawn = 0;
  co_await api.db.transact([&](store::Tx& t) {
    round = store::find_round(t, id);
    if (!round || round->status == "simulated") return;
    withdrawn = store::withdraw_round_proposals(t, id, actor, *reason);
  });
  if (!round) co_return problem(ctx, 404, "no such matching round");
  if (round->status == "simulated") {
    co_return problem(ctx, 409, http::ProblemType::kConflict,
                      "a dry run made no matches to withdraw");
  }
  co_return json_response(200, {{"round_id", id}, {"withdrawn", withdrawn}});
}

// What a comparison shows of one round.
json round_summary(const store::RoundRow& r) {
  const json stats = json::parse(r.statistics, nullptr, false);
  auto get = [&](const char* key) {
    return stats.is_object() ? stats.value(key, json(0)) : json(0);
  };
  json unfilled = json::object();
  if (stats.is_object() && stats.contains("unfilled") && stats["unfilled"].is_array()) {
    for (const auto& u : stats["unfilled"]) {
      const std::string reason = u.value("reason", "");
      unfilled[reason] = unfilled.value(reason, 0) + u.value("seats", 0);
    }
  }
  return {{"id", r.id},
          {"algorithm", r.algorithm},
          {"dry_run", r.status == "simulated"},
          {"assigned", get("assigned")},
          {"total_score", get("total_score")},
          {"mean_score", get("mean_score")},
          {"unfilled_seats", get("unfilled_seats")},
          {"unfilled_by_reason", unfilled},
          {"per_organization",
           stats.is_object() ? stats.value("per_organization", json::array()) : json::array()}};
}

// (project, role, trainee) of each pair a round assigned.
std::set<std::tuple<std::string, std::string, std::string>> assigned_pairs(
    const store::RoundRow& r, const std::vector<store::AssignedPair>& matches) {
  std::set<std::tuple<std::string, std::string, std::string>> out;
  if (r.assignment) {
    const json a = json::parse(*r.assignment, nullptr, false);
    if (a.is_array()) {
      for (const auto& p : a) {
        out.emplace(p.value("project_id", ""),
                    p["role"].is_string() ? p["role"].get<std::string>() : "",
                    p.value("trainee_id", ""));
      }
    }
  }
  for (const auto& m : matches) out.emplace(m.project_id, m.role, m.trainee_id);
  return out;
}

awaitable<Response> compare_rounds(ApiContext& api, http::RequestContext& ctx) {
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {"a", "b"}, errors);
  std::string ids[2];
  const char* names[2] = {"a", "b"};
  for (int i = 0; i < 2; ++i) {
    auto v = ctx.request.query_param(names[i]);
    if (!v) {
      errors.push_back({names[i], http::FieldCode::kRequired, "is required: a matching round id"});
    } else if (!store::is_uuid(std::string(*v))) {
      errors.push_back(invalid_format(names[i], "must be a matching round id", "uuid"));
    } else {
      ids[i] = std::string(*v);
    }
  }
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  std::optional<store::RoundRow> rounds[2];
  std::vector<store::AssignedPair> matches[2];
  co_await api.db.read([&](store::Tx& t) {
    for (int i = 0; i < 2; ++i) {
      rounds[i] = store::find_round(t, ids[i]);
      if (rounds[i] && rounds[i]->status != "simulated")
        matches[i] = store::round_matches(t, ids[i]);
    }
  });
  if (!rounds[0] || !rounds[1]) co_return problem(ctx, 404, "no such matching round");
  const auto a = assigned_pairs(*rounds[0], matches[0]);
  const auto b = assigned_pairs(*rounds[1], matches[1]);
  std::size_t both = 0;
  for (const auto& p : a) both += b.count(p);
  json sa = round_summary(*rounds[0]);
  json sb = round_summary(*rounds[1]);
  auto diff = [&](const char* key) { return sb[key].get<double>() - sa[key].get<double>(); };
  json out = {{"a", sa},
              {"b", sb},
              {"difference",
               {{"assigned", diff("assigned")},
                {"total_score", diff("total_score")},
                {"mean_score", diff("mean_score")},
                {"unfilled_seats", diff("unfilled_seats")}}},
              {"same_pairs", both},
              {"only_in_a", a.size() - both},
              {"only_in_b", b.size() - both}};
  co_return json_response(200, out);
}

}  // namespace

void add_round_routes(http::Router& router, ApiContext& api) {
  router.add(
      "POST", "/v1/matching-rounds", handler(api, create_round),
      {.roles = role_bit(domain::Role::kAdmin), .forbidden = "administrators run matching rounds"});
  router.add("GET", "/v1/matching-rounds", handler(api, list_rounds),
             {.roles = role_bit(domain::Role::kAdmin),
              .forbidden = "matching rounds are for administrators"});
  router.add("GET", "/v1/matching-rounds/compare", handler(api, compare_rounds),
             {.roles = role_bit(domain::Role::kAdmin),
              .forbidden = "matching rounds are for administrators"});
  router.add("POST", "/v1/matching-rounds/{id}/withdraw-proposed", handler(api, withdraw_proposals),
             {.roles = role_bit(domain::Role::kAdmin),
              .forbidden = "administrators withdraw a round's proposals"});
  router.add("GET", "/v1/matching-rounds/{id}", handler(api, get_round),
             {.roles = role_bit(domain::Role::kAdmin),
              .forbidden = "matching rounds are for administrators"});
}

}  // namespace kakehashi::api
