// GET /v1/projects/{id}/near-misses: "why so few?" (issue 15). For the
// project (or one role) the count of active, consenting trainees each hard
// constraint excludes, and how many one relaxation would make eligible.
// Counts only, never individuals: the firm sees numbers, not trainees.
#include <cmath>

#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "matcher/near_miss.hpp"
#include "matching/features.hpp"
#include "matching/live_index.hpp"
#include "matching/roles.hpp"
#include "store/projects.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

constexpr std::string_view kJlpt[] = {"none", "N5", "N4", "N3", "N2", "N1"};
constexpr std::string_view kCefr[] = {"none", "A1", "A2", "B1", "B2", "C1", "C2"};

json level(std::int64_t v, std::span<const std::string_view> names) {
  if (v < 0 || static_cast<std::size_t>(v) >= names.size()) return nullptr;
  return std::string(names[static_cast<std::size_t>(v)]);
}

json relaxation_json(const matcher::Relaxation& r, const matching::Taxonomy::Snapshot& taxonomy,
                     const domain::ProjectData& project) {
  json out;
  switch (r.kind) {
    case matcher::RelaxKind::kJapanese:
      out = {{"constraint", "japanese_min"},
             {"from", level(r.from, kJlpt)},
             {"to", level(r.to, kJlpt)}};
      break;
    case matcher::RelaxKind::kEnglish:
      out = {{"constraint", "english_min"},
             {"from", level(r.from, kCefr)},
             {"to", level(r.to, kCefr)}};
      break;
    case matcher::RelaxKind::kMustHave: {
      std::string name;
      if (r.skill && *r.skill < taxonomy.skills.size()) name = taxonomy.skills[*r.skill].name;
      out = {{"constraint", "must_have_skill"},
             {"skill", name},
             {"from", "required"},
             {"to", "nice_to_have"}};
      break;
    }
    case matcher::RelaxKind::kStartLater:
      out = {{"constraint", "start_date"},
             {"from", matching::format_day(static_cast<matcher::Day>(r.from))},
             {"to", matching::format_day(static_cast<matcher::Day>(r.to))}};
      break;
    case matcher::RelaxKind::kBudget:
      out = {{"constraint", "budget_max_usd"}, {"from", r.from}, {"to", r.to}};
      // The same step in the firm's own terms (a yen firm read "4,333 → 4,766
      // USD"): its budget's maximum and that raised by the same ratio.
      if (project.budget_max && project.budget_currency && r.from > 0) {
        const double raised =
            *project.budget_max * (static_cast<double>(r.to) / static_cast<double>(r.from));
        out["in_budget_currency"] = {{"from", *project.budget_max},
                                     {"to", std::round(raised)},
                                     {"currency", *project.budget_currency}};
      }
      break;
  }
  out["newly_eligible"] = r.newly_eligible;
  return out;
}

awaitable<Response> near_misses(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {"role"}, errors);
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  if (!api.live->ready()) {
    Response r = problem(ctx, 503, http::ProblemType::kIndexLoading,
                         "the matching index is still loading; try again shortly");
    r.set_header("Retry-After", "1");
    co_return r;
  }
  const std::string id(ctx.param("id"));
  std::optional<domain::ProjectRecord> project;
  co_await api.db.read([&](store::Tx& t) { project = store::find_project(t, id); });
  if (!project || !who.owns(project->organization_id))
    co_return problem(ctx, 404, "no such project");
  const std::string role(ctx.request.query_param("role").value_or(""));
  auto demand = matching::find_role(*project, role);
  if (!demand) {
    std::vector<std::string_view> keys;
    for (const auto& r : project->data.roles) keys.push_back(r.key);
    errors.push_back(invalid_choice("role", "must be one of the project's role keys",
                                    std::span<const std::string_view>(keys)));
    co_return invalid_parameters(ctx, errors);
  }
  json out;
  co_await api.cpu.run([&] {
    const auto view = api.live->view();
    const auto features = api.live->features(demand->record);
    const auto counts =
        matcher::count_near_misses(view.index->all_trainees(), features, view.index->graph());
    json excluded = json::object();
    for (std::size_t c = 0; c < counts.excluded_by.size(); ++c) {
      if (counts.excluded_by[c] == 0) continue;
      excluded[std::string(matcher::reason_name(static_cast<matcher::ReasonCode>(c)))] =
          counts.excluded_by[c];
    }
    json relaxations = json::array();
    for (const auto& r : counts.relaxations)
      relaxations.push_back(relaxation_json(r, *view.taxonomy, demand->record.data));
    out = {{"project_id", project->id}, {"role", role.empty() ? json(nullptr) : json(role)},
           {"pool", counts.pool},       {"eligible", counts.eligible},
           {"excluded_by", excluded},   {"relaxations", relaxations}};
  });
  co_return json_response(200, out);
}

}  // namespace

void add_near_miss_routes(http::Router& router, ApiContext& api) {
  router.add("GET", "/v1/projects/{id}/near-misses", handler(api, near_misses),
             {.roles = role_bit(domain::Role::kAdmin) | role_bit(domain::Role::kFirm),
              .forbidden = "near-miss counts are for the project's firm"});
}

}  // namespace kakehashi::api
