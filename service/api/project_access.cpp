#include "api/project_access.hpp"

#include "api/common.hpp"
#include "api/money_views.hpp"
#include "api/project_input.hpp"
#include "matcher/scorer.hpp"
#include "matching/live_index.hpp"
#include "store/project_access.hpp"
#include "store/projects.hpp"

namespace kakehashi::api {

using nlohmann::json;

namespace {

// True when an indexed trainee of `organization_id` is eligible for the open,
// indexed project `seq`: the project is in that trainee's opportunities.
bool in_opportunities_of(ApiContext& api, std::int64_t seq, const std::string& organization_id) {
  const auto view = api.live->view();
  const auto project = view.index->project(static_cast<matcher::Id>(seq));
  if (!project) return false;
  const auto plan = matcher::plan_project(*project, view.index->graph());
  for (const auto trainee_seq : api.live->trainee_seqs_of(organization_id)) {
    const auto t = view.index->trainee(static_cast<matcher::Id>(trainee_seq));
    if (t && matcher::score(plan, *t)) return true;
  }
  return false;
}

json money_json(std::optional<double> min, double max, const std::string& currency) {
  return {{"min", min ? json(*min) : json(nullptr)}, {"max", max}, {"currency", currency}};
}

}  // namespace

json trainee_side_project(const domain::ProjectRecord& p, const store::OrganizationRow* firm,
                          const domain::Pricing& pricing, const std::string& date,
                          const std::string& viewer_currency) {
  const auto& d = p.data;
  json skills = json::array();
  for (const auto& s : d.skills) {
    skills.push_back({{"skill", s.skill},
                      {"min_level", s.min_level},
                      {"weight", s.weight},
                      {"required", s.required}});
  }
  json budget = nullptr;
  json converted = nullptr;
  if (d.budget_max && d.budget_currency) {
    budget = money_json(d.budget_min, *d.budget_max, *d.budget_currency);
    const auto max =
        convert_amount(pricing, date, *d.budget_max, *d.budget_currency, viewer_currency);
    std::optional<double> min;
    if (d.budget_min)
      min = convert_amount(pricing, date, *d.budget_min, *d.budget_currency, viewer_currency);
    if (max && (!d.budget_min || min)) converted = money_json(min, *max, viewer_currency);
  }
  json firm_json = nullptr;
  if (firm) firm_json = {{"id", firm->id}, {"name", firm->name}, {"country", firm->country}};
  return {{"id", p.id},
          {"organization_id", p.organization_id},
          {"firm", firm_json},
          {"title", d.title},
          {"description", d.description},
          {"domain", d.domain ? json(*d.domain) : json(nullptr)},
          {"skills", skills},
          {"japanese_min", d.japanese_min},
          {"english_min", d.english_min},
          {"headcount", d.headcount},
          {"roles", roles_json(d.roles)},
          {"start_date", d.start_date},
          {"duration_months", d.duration_months},
          {"engagement", d.engagement},
          {"location", d.location ? json(*d.location) : json(nullptr)},
          {"overlap_hours_jst", d.overlap_hours_jst},
          {"budget_monthly", budget},
          {"budget_in_viewer_currency", converted},
          {"status", d.status}};
}

awaitable<Response> get_project_for_training_org(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string id(ctx.param("id"));
  std::optional<domain::ProjectRecord> record;
  bool matched = false;
  std::unordered_map<std::string, store::OrganizationRow> orgs;
  co_await api.db.read([&](store::Tx& t) {
    record = store::find_project(t, id);
    if (!record) return;
    matched = store::project_has_match_of(t, id, who.organization_id);
    orgs = store::organizations_by_id(t, {record->organization_id, who.organization_id});
  });
  if (!record) co_return problem(ctx, 404, "no such project");
  std::string relation = matched ? "matched" : "";
  if (!matched && record->data.status == "open") {
    if (auto seq = api.live->project_seq(id)) {
      bool eligible = false;
      co_await api.cpu.run([&] { eligible = in_opportunities_of(api, *seq, who.organization_id); });
      if (eligible) relation = "opportunity";
    }
  }
  // Any other project is not there for this reader (not 403: its existence
  // is the firm's business).
  if (relation.empty()) co_return problem(ctx, 404, "no such project");
  const auto firm = orgs.find(record->organization_id);
  const auto pricing = api.live ? api.live->pricing() : std::make_shared<domain::Pricing>();
  json out = trainee_side_project(*record, firm == orgs.end() ? nullptr : &firm->second, *pricing,
                                  domain::today_utc(), viewer_currency(api, who));
  out["relation"] = relation;
  Response r = json_response(200, out);
  r.set_header("Cache-Control", "private, no-store");
  co_return r;
}

}  // namespace kakehashi::api
