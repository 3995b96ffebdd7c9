// Matching for the people who use it: a project's ranked candidates with
// explanations (pseudonymous), a trainee's opportunities, matches and their
// lifecycle, and the audit trail.
#include <charconv>

#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/matching_views.hpp"
#include "api/money_views.hpp"
#include "api/project_access.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "api/visibility.hpp"
#include "domain/match_states.hpp"
#include "domain/statuses.hpp"
#include "matching/features.hpp"
#include "matching/live_index.hpp"
#include "matching/roles.hpp"
#include "store/matches.hpp"
#include "store/project_access.hpp"
#include "store/trainee_values.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

Response not_ready(const http::RequestContext& ctx) {
  Response r = problem(ctx, 503, http::ProblemType::kIndexLoading,
                       "the matching index is still loading; try again shortly");
  r.set_header("Retry-After", "1");
  return r;
}

// A problem response with extension members.
Response problem_with(const http::RequestContext& ctx, int status, http::ProblemType type,
                      std::string detail, const json& extra) {
  Response r = problem(ctx, status, type, std::move(detail));
  json body = json::parse(r.body);
  for (const auto& [k, v] : extra.items()) body[k] = v;
  r.body = body.dump();
  return r;
}

// `limit` (1..100, default 20) and an offset cursor, for ranked lists.
struct RankPage {
  std::size_t offset = 0;
  std::size_t limit = 20;
};
RankPage rank_page(const http::RequestContext& ctx, std::vector<http::FieldError>& errors) {
  RankPage page;
  if (auto raw = ctx.request.query_param("limit")) {
    int n = 0;
    auto [ptr, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), n);
    if (ec != std::errc() || ptr != raw->data() + raw->size() || n < 1 || n > 100) {
      errors.push_back({"limit",
                        http::FieldCode::kOutOfRange,
                        "must be a whole number from 1 to 100",
                        {{"min", 1LL}, {"max", 100LL}}});
    } else {
      page.limit = static_cast<std::size_t>(n);
    }
  }
  const auto offset = seq_cursor(ctx, 'r', errors);
  if (offset > 10'000) {
    errors.push_back({"cursor",
                      http::FieldCode::kOutOfRange,
                      "ranked lists end after 10000 items",
                      {{"min", 0LL}, {"max", 10'000LL}}});
  }
  page.offset = static_cast<std::size_t>(offset);
  return page;
}

// The project named in the path, if the caller may see it: an open project
// from the index, any other from the database.
awaitable<std::optional<domain::ProjectRecord>> visible_project(ApiContext& api,
                                                                const domain::Principal& who,
                                                                const std::string& id) {
  std::optional<domain::ProjectRecord> record;
  if (auto seq = api.live->project_seq(id)) {
    if (auto card = api.live->project(*seq)) record = card->record;
  }
  if (!record) {
    co_await api.db.read([&](store::Tx& t) { record = store::find_project(t, id); });
  }
  if (record && !who.owns(record->organization_id)) record.reset();
  co_return record;
}

// The uuid-valued query parameters of a filter, checked at once.
std::optional<std::string> uuid_param(const http::RequestContext& ctx, std::string_view name,
                                      std::vector<http::FieldError>& errors) {
  auto v = ctx.request.query_param(name);
  if (!v) return std::nullopt;
  if (!store::is_uuid(std::string(*v))) {
    errors.push_back(invalid_format(std::string(name), "must be an id", "uuid"));
    return std::nullopt;
  }
  return std::string(*v);
}

// {"items": [...], "next_cursor": ...} from rows fetched with limit + 1.
template <typename Row, typename Render, typename Key>
json keyset_page(const std::vector<Row>& rows, int fetched, char tag, Render render, Key key) {
  const auto limit = static_cast<std::size_t>(fetched - 1);
  json out = {{"items", json::array()}, {"next_cursor", nullptr}};
  for (std::size_t i = 0; i < rows.size() && i < limit; ++i)
    out["items"].push_back(render(rows[i]));
  if (rows.size() > limit) out["next_cursor"] = encode_seq_cursor(tag, key(rows[limit - 1]));
  return out;
}

json event_json(const store::EventRow& e) {
  auto opt = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  return {{"id", e.id},
          {"at", e.at},
          {"kind", e.kind},
          {"actor",
           {{"key_id", opt(e.actor_key_id)},
            {"organization_id", opt(e.actor_org_id)},
            {"role", opt(e.actor_role)},
            {"person_id", opt(e.actor_person_id)},
            {"label", opt(e.actor_label)}}},
          {"match_id", opt(e.match_id)},
          {"round_id", opt(e.round_id)},
          {"project_id", opt(e.project_id)},
          {"trainee_id", opt(e.trainee_id)},
          {"from", opt(e.from_state)},
          {"to", opt(e.to_state)},
          {"reason", opt(e.reason)},
          {"details", json::parse(e.details, nullptr, false)}};
}

// The role named by `?role=` (or a match's `role`), or an error listing the
// project's role keys.
std::optional<matching::RoleDemand> role_or_problem(const domain::ProjectRecord& project,
                                                    const std::string& key,
                                                    std::vector<http::FieldError>& errors,
                                                    const std::string& pointer = "role") {
  auto demand = matching::find_role(project, key);
  if (demand) return demand;
  std::vector<std::string_view> keys;
  for (const auto& r : project.data.roles) keys.push_back(r.key);
  errors.push_back(invalid_choice(pointer,
                                  project.data.roles.empty()
                                      ? "this project has no roles"
                                      : "must be one of the project's role keys",
                                  std::span<const std::string_view>(keys)));
  return std::nullopt;
}

// Firms see the bill rate, not the multiplier that turns it into the salary.
Multiplier multiplier_for(const domain::Principal& who) {
  return who.role == domain::Role::kFirm ? Multiplier::kHidden : Multiplier::kShown;
}

awaitable<Response> candidates(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {"limit", "cursor", "role"}, errors);
  const auto page = rank_page(ctx, errors);
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  if (!api.live->ready()) co_return not_ready(ctx);
  auto project = co_await visible_project(api, who, std::string(ctx.param("id")));
  if (!project) co_return problem(ctx, 404, "no such project");
  // ?role= ranks one role of a team (issue 15) as its own demand, under the
  // role's unit id: its ranking and pages are remembered like a project's.
  // A change of the project leaves an old role ranking behind (forget_project
  // knows the seq), but never serves it: rankings and page keys carry the
  // project's version; the cache's bound evicts it.
  std::optional<matching::RoleDemand> demand;
  if (auto role = ctx.request.query_param("role")) {
    demand = role_or_problem(*project, std::string(*role), errors);
    if (!demand) co_return invalid_parameters(ctx, errors);
  }
  const domain::ProjectRecord& asked = demand ? demand->record : *project;
  const auto unit = static_cast<std::int64_t>(demand ? demand->unit : project->seq);
  // The same page for the same project, while no change has touched its list:
  // answer it again.
  const auto stamp = api.live->page_stamp(unit);
  // Amounts are shown in the viewer's currency too: one page per currency;
  // and one for firms, who do not see what gives the salary away (an
  // administrator's page, read first, was served to the firm).
  const std::string currency = viewer_currency(api, who);
  const std::string page_key = project->id + "/" + std::to_string(project->version) + "/" +
                               (demand ? demand->key : std::string()) + "/" +
                               std::to_string(page.offset) + "/" + std::to_string(page.limit) +
                               "/" + currency +
                               (multiplier_for(who) == Multiplier::kHidden ? "/firm" : "/");
  if (auto body = api.live->cached_page(page_key, stamp)) {
    Response r = Response::json(200, std::string(*body));
    r.set_header("Cache-Control", "no-store");
    co_return r;
  }
  // A miss ranks the index (milliseconds of CPU): on the CPU executor, so the
  // I/O thread keeps answering other requests meanwhile, and no database slot
  // is taken (a miss is answered during a database outage).
  std::string body;
  co_await api.cpu.run([&] {
    const auto view = api.live->view();
    auto plan = matcher::plan_project(api.live->features(asked), view.index->graph());
    plan.project.id = static_cast<matcher::Id>(unit);
    const auto ranked = api.live->candidates(plan, project->version, page.offset, page.limit + 1);
    const auto pricing = api.live->pricing();
    const std::string today = domain::today_utc();
    // Written straight into the body: a tree of the page cost as much again
    // as ranking it (issue 14).
    JsonWriter w(body);
    w.begin_object().key("items").begin_array();
    for (std::size_t i = 0; i < ranked.size() && i < page.limit; ++i) {
      const auto seq = static_cast<std::int64_t>(ranked[i].id);
      auto card = api.live->trainee(seq);
      auto features = view.index->trainee(ranked[i].id);
      if (!card || !features) continue;  // removed since the ranking
      const auto profile = card->profile();
      w.begin_object();
      write_explanation_members(w, matcher::explain(plan, *features), *view.taxonomy);
      w.member("rank", page.offset + i + 1).key("rate_evidence");
      write_rate_evidence(w, *pricing, today, std::string(card->organization_id()), profile,
                          asked.data, currency, multiplier_for(who));
      w.key("trainee");
      write_pseudonymous_trainee(w, card->id(), card->alias(), profile, *view.taxonomy,
                                 multiplier_for(who));
      w.key("working_time");
      write_working_time(w, profile, plan.project, *features);
      w.end_object();
    }
    w.end_array().key("next_cursor");
    if (ranked.size() > page.limit) {
      w.value(encode_seq_cursor('r', static_cast<std::int64_t>(page.offset + page.limit)));
    } else {
      w.value(nullptr);
    }
    w.member("project_id", project->id);
    if (demand) w.member("role", demand->key);
    w.end_object();
  });
  api.live->cache_page(page_key, unit, stamp, body);
  Response r = Response::json(200, std::move(body));
  r.set_header("Cache-Control", "no-store");
  co_return r;
}

awaitable<Response> candidate(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto project = co_await visible_project(api, who, std::string(ctx.param("id")));
  if (!project) co_return problem(ctx, 404, "no such project");
  const std::string trainee_id(ctx.param("trainee_id"));
  std::optional<domain::TraineeRecord> trainee;
  co_await api.db.read([&](store::Tx& t) { trainee = store::find_trainee(t, trainee_id); });
  // Firms never see trainees who do not consent to matching, nor erased ones,
  // nor one held back because the same person is placed through another
  // organization (not among the candidates either), nor one placed or
  // withdrawn: only an active trainee is a candidate (a probe's firm read
  // "not_active" of a trainee placed with another firm).
  if (!trainee || trainee->profile.status == "erased" ||
      (!who.is_admin() &&
       (!trainee->profile.consent_matching || trainee->profile.placed_elsewhere ||
        trainee->profile.status != "active"))) {
    co_return problem(ctx, 404, "no such candidate");
  }
  // ?role= explains against one role of a team (issue 15).
  std::optional<matching::RoleDemand> demand;
  if (auto role = ctx.request.query_param("role")) {
    std::vector<http::FieldError> errors;
    demand = role_or_problem(*project, std::string(*role), errors);
    if (!demand) co_return invalid_parameters(ctx, errors);
  }
  const auto view = api.live->view();
  const auto plan = matcher::plan_project(api.live->features(demand ? demand->record : *project),
                                          view.index->graph());
  const auto features = api.live->features(*trainee);
  json out = explanation_json(matcher::explain(plan, features), *view.taxonomy);
  out["rate_evidence"] = rate_evidence(*api.live->pricing(), domain::today_utc(),
                                       trainee->organization_id, trainee->profile, project->data,
                                       viewer_currency(api, who), multiplier_for(who));
  out["working_time"] = working_time_evidence(trainee->profile, plan.project, features);
  out["project"] = project_summary(*project);
  if (demand) out["role"] = demand->key;
  out["trainee"] = pseudonymous_trainee(trainee->id, trainee->alias, trainee->profile,
                                        *view.taxonomy, multiplier_for(who));
  co_return json_response(200, out);
}

awaitable<Response> opportunities(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {"limit", "cursor"}, errors);
  const auto page = rank_page(ctx, errors);
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  if (!api.live->ready()) co_return not_ready(ctx);
  const std::string id(ctx.param("id"));
  std::optional<domain::TraineeRecord> trainee;
  co_await api.db.read([&](store::Tx& t) { trainee = store::find_trainee(t, id); });
  if (!trainee || !who.owns(trainee->organization_id) || trainee->profile.status == "erased")
    co_return problem(ctx, 404, "no such trainee");
  // Ranking every open project is CPU work: on the CPU executor.
  json out;
  std::vector<domain::ProjectRecord> shown;  // each item's project, in order
  co_await api.cpu.run([&] {
    const auto view = api.live->view();
    const auto features = api.live->features(*trainee);
    const auto ranked = view.index->top_projects(features, page.offset + page.limit + 1);
    const auto pricing = api.live->pricing();
    const std::string today = domain::today_utc();
    const std::string currency = viewer_currency(api, who);
    json items = json::array();
    for (std::size_t i = page.offset; i < ranked.size() && i < page.offset + page.limit; ++i) {
      auto card = api.live->project(static_cast<std::int64_t>(ranked[i].id));
      auto project = view.index->project(ranked[i].id);
      if (!card || !project) continue;
      const auto plan = matcher::plan_project(*project, view.index->graph());
      json item = explanation_json(matcher::explain(plan, features), *view.taxonomy);
      item["rate_evidence"] =
          rate_evidence(*pricing, today, trainee->organization_id, trainee->profile,
                        card->record.data, currency, multiplier_for(who));
      item["working_time"] = working_time_evidence(trainee->profile, plan.project, features);
      item["rank"] = i + 1;
      shown.push_back(card->record);
      items.push_back(std::move(item));
    }
    out = {{"trainee_id", trainee->id}, {"items", items}, {"next_cursor", nullptr}};
    if (ranked.size() > page.offset + page.limit) {
      out["next_cursor"] =
          encode_seq_cursor('r', static_cast<std::int64_t>(page.offset + page.limit));
    }
  });
  // The firm made visible (issue 16): each project as the trainee's side reads
  // it, with its firm and its budget in the reader's currency.
  std::vector<std::string> org_ids{who.organization_id};
  for (const auto& p : shown) org_ids.push_back(p.organization_id);
  std::unordered_map<std::string, store::OrganizationRow> orgs;
  co_await api.db.read([&](store::Tx& t) { orgs = store::organizations_by_id(t, org_ids); });
  const auto pricing = api.live->pricing();
  const auto currency = viewer_currency(api, who);
  const auto today = domain::today_utc();
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const auto firm = orgs.find(shown[i].organization_id);
    out["items"][i]["project"] = trainee_side_project(
        shown[i], firm == orgs.end() ? nullptr : &firm->second, *pricing, today, currency);
  }
  co_return json_response(200, out);
}

awaitable<Response> list_matches(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  std::vector<http::FieldError> errors;
  reject_unknown_params(
      ctx, {"limit", "cursor", "project_id", "trainee_id", "organization_id", "state", "round_id"},
      errors);
  store::MatchFilter f;
  f.limit = page_limit(ctx, errors) + 1;
  f.after_seq = seq_cursor(ctx, 'm', errors);
  f.project_id = uuid_param(ctx, "project_id", errors);
  f.trainee_id = uuid_param(ctx, "trainee_id", errors);
  f.round_id = uuid_param(ctx, "round_id", errors);
  f.organization_id = uuid_param(ctx, "organization_id", errors);
  if (auto state = ctx.request.query_param("state")) {
    if (!domain::is_match_state(*state)) {
      errors.push_back(invalid_choice("state",
                                      "must be one of proposed, shortlisted, interviewing, "
                                      "offered, accepted, approved, rejected, withdrawn",
                                      domain::names_of<domain::MatchState>()));
    }
    f.state = std::string(*state);
  }
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  if (who.role == domain::Role::kFirm) f.firm_id = who.organization_id;
  if (who.role == domain::Role::kTrainingOrg) f.training_org_id = who.organization_id;
  std::vector<store::MatchRow> rows;
  co_await api.db.read([&](store::Tx& t) { rows = store::list_matches(t, f); });
  const json out =
      keyset_page(rows, f.limit, 'm', match_json, [](const store::MatchRow& m) { return m.seq; });
  co_return json_response(200, out);
}

awaitable<Response> get_match(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string id(ctx.param("id"));
  std::optional<store::MatchRow> match;
  std::optional<domain::TraineeRecord> trainee;
  bool disclosed = false;
  // One transaction: the read of personal data and its audit event.
  co_await api.db.transact([&](store::Tx& t) {
    match = store::find_match(t, id);
    if (!match || !visible_match(who, *match)) return;
    trainee = store::find_trainee(t, match->trainee_id);
    if (!trainee) return;
    // A firm sees name and contact once the trainee accepted (or the
    // placement is approved), if the trainee consented to sharing them
    // abroad; each such read is recorded.
    disclosed = discloses_personal_data(who, *match, *trainee);
    if (disclosed) {
      const std::string ids[] = {match->trainee_id};
      record_personal_data_reads(t, who, ids, match->id, match->project_id);
    }
  });
  if (!match || !visible_match(who, *match) || !trainee)
    co_return problem(ctx, 404, "no such match");
  const auto taxonomy = api.taxonomy.snapshot();
  json out = match_json(*match);
  // A firm follows the trainee's profile only while the match is alive and
  // the trainee consents to matching: through a match withdrawn or rejected
  // (as by a withdrawal of consent, or an erasure) it read the edits made
  // after (a probe).
  const bool ended = match->state == "withdrawn" || match->state == "rejected" ||
                     trainee->profile.status == "erased" || !trainee->profile.consent_matching;
  out["trainee"] = who.role == domain::Role::kFirm && ended
                       ? json(nullptr)
                       : pseudonymous_trainee(trainee->id, trainee->alias, trainee->profile,
                                              *taxonomy, multiplier_for(who));
  out["personal"] = nullptr;
  if (disclosed) {
    const auto& p = *trainee->personal;
    out["personal"] = {{"full_name", p.full_name},
                       {"email", p.email},
                       {"phone", p.phone ? json(*p.phone) : json(nullptr)}};
  }
  out["explanation"] =
      match->explanation ? json::parse(*match->explanation, nullptr, false) : json(nullptr);
  out["allowed_transitions"] = json::array();
  for (auto s : domain::allowed_transitions(who.role, match->state))
    out["allowed_transitions"].push_back(std::string(s));
  Response r = json_response(200, out);
  r.set_header("ETag", etag(match->version));
  r.set_header("Cache-Control", "private, no-store");
  // The ETag is the match's version (for If-Match); the trainee's profile and
  // contacts shown with it change without it.
  r.revalidate = false;
  co_return r;
}

awaitable<Response> create_match(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"project_id", "trainee_id", "role"});
  auto project_id = v.text("project_id", true, 36);
  auto role = v.text("role", false, 40);
  auto trainee_id = v.text("trainee_id", true, 36);
  if (project_id && !store::is_uuid(*project_id)) {
    errors.push_back(invalid_format(v.at("project_id"), "must be a project id", "uuid"));
  }
  if (trainee_id && !store::is_uuid(*trainee_id)) {
    errors.push_back(invalid_format(v.at("trainee_id"), "must be a trainee id", "uuid"));
  }
  if (!errors.empty()) co_return problem(ctx, 422, "the match is invalid", errors);
  // A trainee firms may not match: unknown, erased, not consenting, or no
  // longer so when the match is written.
  const auto no_candidate = [&] {
    return problem(ctx, 422, "the match is invalid",
                   {{"/trainee_id",
                     http::FieldCode::kNotFound,
                     "no such candidate",
                     {{"resource", std::string("candidate")}}}});
  };
  if (!api.live->ready()) co_return not_ready(ctx);
  // A retry with the same Idempotency-Key answers the match it made (it
  // answered 409 "duplicate", as if another request had made it).
  co_return co_await idempotent(
      api, ctx, who,
      [&]() -> awaitable<Response> {
        // Every error of the request at once: the project's (and its role's)
        // and the trainee's (an unknown trainee was named only once the
        // project was right).
        auto project = co_await visible_project(api, who, *project_id);
        std::optional<domain::TraineeRecord> trainee;
        co_await api.db.read([&](store::Tx& t) { trainee = store::find_trainee(t, *trainee_id); });
        std::optional<matching::RoleDemand> demand;
        if (!project) {
          errors.push_back({"/project_id",
                            http::FieldCode::kNotFound,
                            "no such project",
                            {{"resource", std::string("project")}}});
        } else if (project->data.status != "open") {
          errors.push_back({"/project_id",
                            http::FieldCode::kInvalidState,
                            "the project is not open",
                            {{"state", project->data.status}}});
        } else if (role || !project->data.roles.empty()) {
          // A team's match fills one role's seat: the role is required.
          if (!role) {
            errors.push_back(
                {"/role", http::FieldCode::kRequired, "is required: the project has roles"});
          } else {
            demand = role_or_problem(*project, *role, errors, "/role");
          }
        }
        // Not a candidate: unknown, erased, not consenting, or not active
        // (placed or withdrawn: "not_active" among the failed constraints
        // told a firm another firm had placed the trainee).
        if (!trainee || trainee->profile.status != "active" || !trainee->profile.consent_matching) {
          errors.push_back({"/trainee_id",
                            http::FieldCode::kNotFound,
                            "no such candidate",
                            {{"resource", std::string("candidate")}}});
        }
        if (!errors.empty()) co_return problem(ctx, 422, "the match is invalid", errors);
        if (trainee->profile.placed_elsewhere) {
          co_return problem(ctx, 409, http::ProblemType::kAlreadyPlaced,
                            "the same person holds an approved placement through another "
                            "organization");
        }
        const auto view = api.live->view();
        const auto plan = matcher::plan_project(
            api.live->features(demand ? demand->record : *project), view.index->graph());
        const auto explanation = matcher::explain(plan, api.live->features(*trainee));
        if (!explanation.eligible) {
          json failed = json::array();
          for (const auto& r : explanation.reasons)
            failed.push_back(std::string(matcher::reason_name(r.code)));
          co_return problem_with(ctx, 422, http::ProblemType::kConstraintsNotMet,
                                 "the trainee does not meet the project's hard constraints",
                                 {{"failed_constraints", failed}});
        }
        store::NewMatch m{
            project->id,
            trainee->id,
            project->organization_id,
            trainee->organization_id,
            "shortlisted",
            explanation.score,
            explanation_json(explanation, *view.taxonomy).dump(),
            demand && !demand->key.empty() ? std::optional(demand->key) : std::nullopt};
        std::optional<store::MatchRow> row;
        bool matchable = true;
        auto conflict = co_await transact(api, [&](store::Tx& t) {
          matchable = store::lock_matchable_trainee(t, trainee->id);
          if (matchable) row = store::create_match(t, m, actor_of(who));
        });
        if (conflict) co_return problem(ctx, 409, http::ProblemType::kDuplicate, conflict->detail);
        if (!matchable) co_return no_candidate();
        Response r = json_response(201, match_json(*row));
        r.set_header("ETag", etag(row->version));
        r.set_header("Location", "/v1/matches/" + row->id);
        co_return r;
      },
      [&](const std::string& id) -> awaitable<Response> {
        std::optional<store::MatchRow> row;
        co_await api.db.read([&](store::Tx& t) { row = store::find_match(t, id); });
        if (!row || !visible_match(who, *row))
          co_return problem(ctx, 404, "the match this request made no longer exists");
        Response r = json_response(200, match_json(*row));
        r.set_header("ETag", etag(row->version));
        r.set_header("Location", "/v1/matches/" + row->id);
        co_return r;
      });
}

// An offer's terms ({monthly_rate: {amount, currency}, start_date}), only
// with a move to offered; each member optional, at least one given.
std::optional<store::OfferTerms> offer_terms(const json& body, const std::optional<std::string>& to,
                                             std::vector<http::FieldError>& errors) {
  if (!body.contains("offer") || body["offer"].is_null()) return std::nullopt;
  Validator v(body, "", errors);
  if (!body["offer"].is_object()) {
    v.fail("offer", http::FieldCode::kWrongType, "must be an object {monthly_rate, start_date}",
           {{"expected", std::string("object")}});
    return std::nullopt;
  }
  if (to && *to != "offered") {
    v.fail("offer", http::FieldCode::kInvalidCombination, "is given only with to: offered",
           {{"with", std::string("/to")}});
    return std::nullopt;
  }
  const json& o = body["offer"];
  Validator terms(o, "/offer", errors);
  terms.only({"monthly_rate", "start_date"});
  store::OfferTerms out;
  out.start_date = terms.date("start_date", false);
  if (auto rate = terms.money("monthly_rate", false, 0.01, 1e9)) {
    // As the column keeps it: to 0.01, half away from zero, as
    // PostgreSQL's numeric rounds the decimal text (1.005 is 1.01, as a
    // trainee's rate; rounding the binary double had kept 1.00).
    out.monthly_rate = store::stored_decimal(rate->amount, 2);
    out.currency = std::move(rate->currency);
  }
  if (!terms.has("monthly_rate") && !terms.has("start_date")) {
    terms.fail("monthly_rate", http::FieldCode::kRequired,
               "an offer names its monthly rate, its start date, or both");
  }
  return out;
}

awaitable<Response> transition(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"to", "reason", "offer"});
  auto to = v.choice("to", true, domain::names_of<domain::MatchState>());
  auto reason = v.text("reason", false, 2000);
  auto offer = offer_terms(body, to, errors);
  // A reason given blank is named once ("blank"), not also "required".
  if (to && domain::needs_reason(*to) && !reason && !v.has("reason")) {
    v.fail("reason", http::FieldCode::kRequired, "is required to reject or withdraw");
  }
  if (!errors.empty()) co_return problem(ctx, 422, "the transition is invalid", errors);
  const std::string id(ctx.param("id"));
  std::optional<store::MatchRow> match;
  co_await api.db.read([&](store::Tx& t) { match = store::find_match(t, id); });
  if (!match || !visible_match(who, *match)) co_return problem(ctx, 404, "no such match");
  bool bad = false;
  const auto expected = if_match(ctx, &bad);
  if (bad) co_return bad_if_match(ctx);
  if (!expected) {
    Response r = problem(ctx, 428,
                         ctx.request.header("If-Match")
                             ? "If-Match: * names no version: send the match's ETag to change "
                               "its state"
                             : "send If-Match with the match's ETag to change its state");
    co_return r;
  }
  auto allowed_json = [&](const std::string& from) {
    json a = json::array();
    for (auto s : domain::allowed_transitions(who.role, from)) a.push_back(std::string(s));
    return a;
  };
  if (*expected != match->version) {
    co_return stale_etag(ctx, "the match changed since that ETag; read it again");
  }
  if (!domain::may_transition(who.role, match->state, *to)) {
    co_return problem_with(
        ctx, 409, http::ProblemType::kTransitionNotAllowed,
        "a " + std::string(domain::role_name(who.role)) + " cannot move a match from " +
            match->state + " to " + *to,
        {{"from", match->state}, {"to", *to}, {"allowed", allowed_json(match->state)}});
  }
  store::TransitionResult result;
  const auto role = who.role;
  const std::string target = *to;
  // Placement effects (the trainee placed, the project closed) reach the
  // index and the caches through the change feed at commit.
  co_await api.db.transact([&](store::Tx& t) {
    result = store::transition_match(
        t, id, *expected, target, reason, actor_of(who),
        [&](const std::string& from) { return domain::may_transition(role, from, target); }, offer);
  });
  switch (result.outcome) {
    case store::TransitionOutcome::kDone:
      break;
    case store::TransitionOutcome::kNotFound:
      co_return problem(ctx, 404, "no such match");
    case store::TransitionOutcome::kStale:
      co_return stale_etag(ctx, "the match changed meanwhile; read it again");
    case store::TransitionOutcome::kIllegal:
      co_return problem_with(ctx, 409, http::ProblemType::kTransitionNotAllowed,
                             "the match moved on meanwhile",
                             {{"from", result.match->state},
                              {"to", target},
                              {"allowed", allowed_json(result.match->state)}});
    case store::TransitionOutcome::kPlaced:
      co_return problem(ctx, 409, http::ProblemType::kAlreadyPlaced,
                        "the trainee (or the same person through another organization) "
                        "already holds an approved placement");
    case store::TransitionOutcome::kSeatsFilled:
      co_return problem(ctx, 409, http::ProblemType::kSeatsFilled,
                        "the project's seats are all filled");
  }
  Response r = json_response(200, match_json(*result.match));
  r.set_header("ETag", etag(result.match->version));
  co_return r;
}

awaitable<Response> match_events(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {"limit", "cursor"}, errors);
  store::EventFilter f;
  f.limit = page_limit(ctx, errors) + 1;
  f.after_id = seq_cursor(ctx, 'e', errors);
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  const std::string id(ctx.param("id"));
  std::optional<store::MatchRow> match;
  std::vector<store::EventRow> rows;
  co_await api.db.read([&](store::Tx& t) {
    match = store::find_match(t, id);
    if (!match || !visible_match(who, *match)) return;
    f.match_id = id;
    rows = store::list_events(t, f);
  });
  if (!match || !visible_match(who, *match)) co_return problem(ctx, 404, "no such match");
  // Another organization's people and keys are theirs: a firm reading a
  // match's history sees that the training organization (or the programme
  // office) acted, not who (a probe read a training organization's staff
  // names and person ids). Administrators see every actor.
  if (!who.is_admin()) {
    for (auto& e : rows) {
      if (e.actor_org_id && *e.actor_org_id == who.organization_id) continue;
      e.actor_key_id.reset();
      e.actor_person_id.reset();
      e.actor_label.reset();
    }
  }
  const json out =
      keyset_page(rows, f.limit, 'e', event_json, [](const store::EventRow& e) { return e.id; });
  co_return json_response(200, out);
}

awaitable<Response> audit(ApiContext& api, http::RequestContext& ctx) {
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx,
                        {"limit", "cursor", "kind", "match_id", "round_id", "project_id",
                         "trainee_id", "organization_id", "person_id", "since", "until"},
                        errors);
  store::EventFilter f;
  f.limit = page_limit(ctx, errors) + 1;
  f.after_id = seq_cursor(ctx, 'e', errors);
  if (auto kind = ctx.request.query_param("kind")) {
    if (*kind != "transition" && *kind != "round" && *kind != "personal_data_read" &&
        *kind != "consent" && *kind != "account" && *kind != "skill_proposal" && *kind != "erasure")
      errors.push_back(invalid_choice(
          "kind",
          "must be transition, round, personal_data_read, consent, account, skill_proposal or "
          "erasure",
          {"transition", "round", "personal_data_read", "consent", "account", "skill_proposal",
           "erasure"}));
    f.kind = std::string(*kind);
  }
  f.match_id = uuid_param(ctx, "match_id", errors);
  f.round_id = uuid_param(ctx, "round_id", errors);
  f.project_id = uuid_param(ctx, "project_id", errors);
  f.trainee_id = uuid_param(ctx, "trainee_id", errors);
  f.actor_org_id = uuid_param(ctx, "organization_id", errors);
  f.actor_person_id = uuid_param(ctx, "person_id", errors);
  for (auto name : {"since", "until"}) {
    if (auto t = ctx.request.query_param(name)) {
      if (!valid_timestamp(std::string(*t))) {
        errors.push_back(invalid_format(name, "must be an RFC 3339 timestamp", "timestamp"));
      }
      (std::string_view(name) == "since" ? f.since : f.until) = std::string(*t);
    }
  }
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  std::vector<store::EventRow> rows;
  co_await api.db.read([&](store::Tx& t) { rows = store::list_events(t, f); });
  const json out =
      keyset_page(rows, f.limit, 'e', event_json, [](const store::EventRow& e) { return e.id; });
  co_return json_response(200, out);
}

}  // namespace

void add_matching_routes(http::Router& router, ApiContext& api) {
  router.add("GET", "/v1/projects/{id}/candidates", handler(api, candidates),
             {.roles = role_bit(domain::Role::kAdmin) | role_bit(domain::Role::kFirm),
              .forbidden = "candidates are for the project's firm and administrators"});
  router.add("GET", "/v1/projects/{id}/candidates/{trainee_id}", handler(api, candidate),
             {.roles = role_bit(domain::Role::kAdmin) | role_bit(domain::Role::kFirm),
              .forbidden = "candidates are for the project's firm and administrators"});
  router.add("GET", "/v1/trainees/{id}/opportunities", handler(api, opportunities),
             {.roles = role_bit(domain::Role::kAdmin) | role_bit(domain::Role::kTrainingOrg),
              .forbidden = "opportunities are for the trainee's organization"});
  router.add("GET", "/v1/matches", handler(api, list_matches));
  router.add("POST", "/v1/matches", handler(api, create_match),
             {.roles = role_bit(domain::Role::kAdmin) | role_bit(domain::Role::kFirm),
              .forbidden = "firms shortlist candidates for their projects"});
  router.add("GET", "/v1/matches/{id}", handler(api, get_match));
  router.add("POST", "/v1/matches/{id}/transitions", handler(api, transition));
  router.add("GET", "/v1/matches/{id}/events", handler(api, match_events));
  router.add("GET", "/v1/audit", handler(api, audit),
             {.roles = role_bit(domain::Role::kAdmin),
              .forbidden = "the audit trail is for administrators"});
}

}  // namespace kakehashi::api
