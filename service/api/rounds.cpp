// Matching rounds: an administrator allocates available trainees to the open
// projects' free seats (stable or maximum-score), under a PostgreSQL advisory
// lock so one replica runs one round at a time; the round, its statistics and
// its proposed matches are stored in one transaction.
#include <algorithm>
#include <chrono>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "api/common.hpp"
#include "api/live_index.hpp"
#include "api/matching_views.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "matcher/allocation.hpp"
#include "store/matches.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr long long kRoundLock = 0x6b616b65;  // "kake"
constexpr std::string_view kEngineVersion = "kakehashi-matcher/1";
constexpr std::size_t kUnmatchedListed = 1'000;

struct RoundParams {
  std::string algorithm;
  std::optional<std::vector<std::string>> project_ids;
  double min_score = 0;
  int max_per_org_per_project = 0;
};

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct RoundOutput {
  json statistics;
  json timings;
  std::vector<store::NewMatch> matches;
};

// Allocates over each open project's shortlist: its best K eligible,
// available trainees (K = 10 x seats + 20). For `stable`, a project left
// with a free seat whose shortlist was cut is shortlisted again, deeper,
// until none is: then no trainee outside the shortlists can form a blocking
// pair, and the result is stable over all eligible pairs.
RoundOutput compute_round(LiveIndex& live, const store::RoundInputs& inputs,
                          const RoundParams& params) {
  const auto started = Clock::now();
  const auto view = live.view();
  const auto& index = *view.index;
  std::unordered_map<std::string, int> seats(inputs.seats.begin(), inputs.seats.end());
  std::unordered_set<std::int64_t> busy;
  for (const auto& id : inputs.busy_trainees) {
    if (auto seq = live.trainee_seq(id)) busy.insert(*seq);
  }
  std::optional<std::unordered_set<std::string>> wanted;
  if (params.project_ids) wanted.emplace(params.project_ids->begin(), params.project_ids->end());

  struct Entry {
    ProjectCard card;
    matcher::ProjectPlan plan;
    int seats = 0;
    std::size_t depth = 0;
    bool truncated = false;
    std::vector<matcher::Ranked> ranked;  // available, eligible, above min_score
  };
  std::vector<Entry> projects;
  int seats_total = 0;
  for (auto& card : live.projects()) {
    if (wanted && !wanted->count(card.record.id)) continue;
    auto it = seats.find(card.record.id);
    const int free = it == seats.end() ? 0 : std::max(0, it->second);
    auto project = index.project(static_cast<matcher::Id>(card.record.seq));
    if (!project) continue;
    Entry e{std::move(card), matcher::plan_project(*project, index.graph()), free, 0, false, {}};
    e.depth = static_cast<std::size_t>(free) * 10 + 20;
    seats_total += free;
    projects.push_back(std::move(e));
  }

  auto shortlist = [&](std::vector<std::size_t> which) {
    const unsigned threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i; (i = next.fetch_add(1)) < which.size();) {
        auto& e = projects[which[i]];
        if (e.seats == 0) continue;
        auto ranked = index.top_candidates(e.plan, e.depth + busy.size());
        e.truncated = ranked.size() == e.depth + busy.size();
        e.ranked.clear();
        for (const auto& r : ranked) {
          if (busy.count(static_cast<std::int64_t>(r.id)) || r.score < params.min_score) continue;
          e.ranked.push_back(r);
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  };
  std::vector<std::size_t> all(projects.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  shortlist(all);
  double shortlist_ms = ms_since(started);

  matcher::AllocationInput in;
  matcher::AllocationResult result;
  std::vector<std::int64_t> trainee_seq;
  double allocation_ms = 0;
  int passes = 0;
  for (;;) {
    ++passes;
    const auto t0 = Clock::now();
    in = {};
    trainee_seq.clear();
    std::unordered_map<std::int64_t, std::uint32_t> position;
    for (std::uint32_t p = 0; p < projects.size(); ++p) {
      in.projects.push_back(
          {static_cast<matcher::Id>(projects[p].card.record.seq), projects[p].seats});
      for (const auto& r : projects[p].ranked) {
        const auto seq = static_cast<std::int64_t>(r.id);
        auto [it, inserted] =
            position.try_emplace(seq, static_cast<std::uint32_t>(trainee_seq.size()));
        if (inserted) {
          trainee_seq.push_back(seq);
          auto t = index.trainee(r.id);
          in.trainees.push_back({r.id, t ? t->organization_id : 0});
        }
        in.edges.push_back({it->second, p, r.score});
      }
    }
    in.min_score = params.min_score;
    in.max_per_org_per_project = params.max_per_org_per_project;
    result = params.algorithm == "stable" ? matcher::allocate_stable(in)
                                          : matcher::allocate_max_score(in);
    allocation_ms += ms_since(t0);
    if (params.algorithm != "stable" || passes >= 8) break;
    std::vector<std::size_t> deeper;
    for (const auto& u : result.unfilled) {
      auto& e = projects[u.project];
      if (e.truncated) {
        e.depth *= 4;
        deeper.push_back(u.project);
      }
    }
    if (deeper.empty()) break;
    const auto t1 = Clock::now();
    shortlist(deeper);
    shortlist_ms += ms_since(t1);
  }

  RoundOutput out;
  const auto t2 = Clock::now();
  for (const auto& a : result.assignments) {
    const auto& e = projects[a.project];
    const auto seq = trainee_seq[a.trainee];
    auto card = live.trainee(seq);
    auto features = index.trainee(static_cast<matcher::Id>(seq));
    if (!card || !features) continue;
    const auto explanation = matcher::explain(e.plan, *features);
    out.matches.push_back({e.card.record.id, card->id, e.card.record.organization_id,
                           card->organization_id, "proposed", a.score,
                           explanation_json(explanation, *view.taxonomy).dump()});
  }
  json by_reason = json::object();
  json unmatched_list = json::array();
  for (const auto& u : result.unmatched) {
    const std::string reason(matcher::unmatched_reason_name(u.reason));
    by_reason[reason] = by_reason.value(reason, 0) + 1;
    if (unmatched_list.size() < kUnmatchedListed) {
      auto card = live.trainee(trainee_seq[u.trainee]);
      if (card) {
        unmatched_list.push_back(
            {{"trainee_id", card->id}, {"alias", card->alias}, {"reason", reason}});
      }
    }
  }
  const std::size_t available = live.trainee_count() - std::min(busy.size(), live.trainee_count());
  json unfilled = json::array();
  int unfilled_seats = 0;
  for (const auto& u : result.unfilled) {
    unfilled_seats += u.seats;
    unfilled.push_back({{"project_id", projects[u.project].card.record.id},
                        {"title", projects[u.project].card.record.data.title},
                        {"seats", u.seats},
                        {"reason", matcher::unfilled_reason_name(u.reason)}});
  }
  json per_org = json::array();
  for (const auto& [org, count] : result.per_organization) {
    per_org.push_back({{"organization_id", live.organization_uuid(org)}, {"assigned", count}});
  }
  out.statistics = {{"projects", projects.size()},
                    {"seats", seats_total},
                    {"available_trainees", available},
                    {"considered_trainees", in.trainees.size()},
                    {"eligible_pairs", in.edges.size()},
                    {"assigned", result.assignments.size()},
                    {"unmatched",
                     {{"count", available - std::min(available, result.assignments.size())},
                      {"by_reason", by_reason},
                      {"not_shortlisted", available - std::min(available, in.trainees.size())},
                      {"items", unmatched_list}}},
                    {"unfilled_seats", unfilled_seats},
                    {"unfilled", unfilled},
                    {"total_score", result.total_score},
                    {"mean_score", result.mean_score},
                    {"per_organization", per_org},
                    {"shortlist_passes", passes}};
  out.timings = {{"shortlist_ms", shortlist_ms},
                 {"allocation_ms", allocation_ms},
                 {"explain_ms", ms_since(t2)}};
  return out;
}

json round_json(const store::RoundRow& r) {
  return {{"id", r.id},
          {"algorithm", r.algorithm},
          {"status", r.status},
          {"parameters", json::parse(r.parameters, nullptr, false)},
          {"engine_version", r.engine_version},
          {"statistics", json::parse(r.statistics, nullptr, false)},
          {"timings", json::parse(r.timings, nullptr, false)},
          {"started_at", r.started_at},
          {"completed_at", r.completed_at}};
}

awaitable<Response> create_round(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"algorithm", "project_ids", "min_score", "max_per_org_per_project"});
  RoundParams params;
  params.algorithm = v.choice("algorithm", true, {"stable", "max_score"}).value_or("");
  params.min_score = v.number("min_score", false, 0, 1).value_or(0);
  params.max_per_org_per_project =
      static_cast<int>(v.integer("max_per_org_per_project", false, 0, 1000).value_or(0));
  if (params.algorithm == "stable" && params.max_per_org_per_project > 0) {
    v.fail("max_per_org_per_project", "applies to the max_score algorithm only");
  }
  if (v.has("project_ids")) {
    const auto& ids = body["project_ids"];
    if (!ids.is_array() || ids.empty() || ids.size() > 10'000) {
      v.fail("project_ids", "must be an array of 1 to 10000 project ids");
    } else {
      params.project_ids.emplace();
      std::unordered_set<std::string> seen;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        const std::string at = "/project_ids/" + std::to_string(i);
        if (!ids[i].is_string() || !store::is_uuid(ids[i].get<std::string>())) {
          errors.push_back({at, "must be a project id"});
          continue;
        }
        const auto id = ids[i].get<std::string>();
        if (!seen.insert(id).second) {
          errors.push_back({at, "repeats an id listed before"});
        } else if (api.live->ready() && !api.live->project_seq(id)) {
          errors.push_back({at, "is not an open project"});
        }
        params.project_ids->push_back(id);
      }
    }
  }
  if (!errors.empty()) co_return problem(ctx, 422, "the round is invalid", errors);
  if (!api.live->ready()) {
    Response r = problem(ctx, 503, "the matching index is still loading; try again shortly");
    r.set_header("Retry-After", "1");
    co_return r;
  }
  json parameters = {
      {"algorithm", params.algorithm},
      {"project_ids", params.project_ids ? json(*params.project_ids) : json(nullptr)},
      {"min_score", params.min_score},
      {"max_per_org_per_project", params.max_per_org_per_project}};
  bool busy = false;
  std::optional<store::RoundRow> round;
  const auto actor = store::Actor{who.key_id, who.organization_id, "admin"};
  co_await api.db.run([&](pqxx::connection_base& c) {
    const auto t0 = Clock::now();
    pqxx::work tx(c);
    tx.exec("SET LOCAL statement_timeout = '5min'");
    if (!tx.exec_params1("SELECT pg_try_advisory_xact_lock($1)", kRoundLock)[0].as<bool>()) {
      busy = true;
      return;
    }
    store::RoundRow row;
    row.started_at = tx.exec1("SELECT to_json(clock_timestamp())#>>'{}'")[0].as<std::string>();
    const auto inputs = store::round_inputs(tx);
    const auto t_inputs = ms_since(t0);
    auto out = compute_round(*api.live, inputs, params);
    const auto t_store = Clock::now();
    row.algorithm = params.algorithm;
    row.status = "completed";
    row.parameters = parameters.dump();
    row.engine_version = std::string(kEngineVersion);
    row.statistics = out.statistics.dump();
    out.timings["inputs_ms"] = t_inputs;
    row.actor_key_id = who.key_id;
    // The store time is measured up to the insert; the total includes it.
    out.timings["store_ms"] = 0.0;
    row.timings = out.timings.dump();
    const auto id = store::store_round(tx, row, out.matches, actor);
    out.timings["store_ms"] = ms_since(t_store);
    out.timings["total_ms"] = ms_since(t0);
    tx.exec_params("UPDATE matching_rounds SET timings = $2::jsonb WHERE id = $1", id,
                   out.timings.dump());
    tx.commit();
    round = store::find_round(c, id);
  });
  if (busy) {
    Response r = problem(ctx, 409, "another matching round is running; try again when it ends");
    r.set_header("Retry-After", "5");
    co_return r;
  }
  Response r = json_response(201, round_json(*round));
  r.set_header("Location", "/v1/matching-rounds/" + round->id);
  co_return r;
}

awaitable<Response> get_round(ApiContext& api, http::RequestContext& ctx) {
  const std::string id(ctx.param("id"));
  std::optional<store::RoundRow> round;
  co_await api.db.run([&](pqxx::connection_base& c) { round = store::find_round(c, id); });
  if (!round) co_return problem(ctx, 404, "no such matching round");
  co_return json_response(200, round_json(*round));
}

awaitable<Response> list_rounds(ApiContext& api, http::RequestContext& ctx) {
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {"limit", "cursor"}, errors);
  const int limit = page_limit(ctx, errors);
  const auto after = seq_cursor(ctx, 'g', errors);
  if (!errors.empty()) co_return problem(ctx, 422, "invalid query parameters", errors);
  std::vector<store::RoundRow> rows;
  co_await api.db.run(
      [&](pqxx::connection_base& c) { rows = store::list_rounds(c, after, limit + 1); });
  json out = {{"items", json::array()}, {"next_cursor", nullptr}};
  for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(limit); ++i) {
    json item = round_json(rows[i]);
    item["statistics"].erase("unmatched");  // the list shows totals; the round shows all
    item["statistics"].erase("unfilled");
    out["items"].push_back(std::move(item));
  }
  if (rows.size() > static_cast<std::size_t>(limit))
    out["next_cursor"] = encode_seq_cursor('g', rows[static_cast<std::size_t>(limit) - 1].seq);
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
  router.add("GET", "/v1/matching-rounds/{id}", handler(api, get_round),
             {.roles = role_bit(domain::Role::kAdmin),
              .forbidden = "matching rounds are for administrators"});
}

}  // namespace kakehashi::api
