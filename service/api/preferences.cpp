// /v1/trainees/{id}/preferences: what a trainee wants and refuses (issue 15),
// recorded by its training organization (administrators too). Firms never
// read them. Stable rounds rank wanted projects first and never place a
// trainee where it refused; max_score honours refusals.
#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "domain/preferences.hpp"
#include "store/preferences.hpp"
#include "store/projects.hpp"
#include "store/sql_text.hpp"
#include "store/trainees.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxWishes = 20;

json targets_json(const std::vector<domain::PreferenceTarget>& targets) {
  json out = json::array();
  for (const auto& t : targets) {
    out.push_back(
        {{"project_id", t.project_id}, {"role", t.role.empty() ? json(nullptr) : json(t.role)}});
  }
  return out;
}

json preferences_json(const domain::TraineePreferences& p) {
  return {{"trainee_id", p.trainee_id},
          {"wanted", targets_json(p.wanted)},
          {"refused", targets_json(p.refused)}};
}

std::vector<domain::PreferenceTarget> parse_targets(const json& body, const std::string& key,
                                                    std::vector<http::FieldError>& errors) {
  std::vector<domain::PreferenceTarget> out;
  const std::string at = "/" + key;
  if (!body.contains(key) || body[key].is_null()) return out;
  const auto& list = body[key];
  if (!list.is_array()) {
    errors.push_back({at,
                      http::FieldCode::kWrongType,
                      "must be an array of {project_id, role}",
                      {{"expected", std::string("array")}}});
    return out;
  }
  if (list.size() > kMaxWishes) {
    errors.push_back({at,
                      http::FieldCode::kTooMany,
                      "must be an array of at most 20 items",
                      {{"max_items", static_cast<long long>(kMaxWishes)}}});
    return out;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item = at + "/" + std::to_string(i);
    if (!list[i].is_object()) {
      errors.push_back({item,
                        http::FieldCode::kWrongType,
                        "must be an object {project_id, role}",
                        {{"expected", std::string("object")}}});
      continue;
    }
    Validator v(list[i], item, errors);
    v.only({"project_id", "role"});
    auto project = v.text("project_id", true, 36);
    auto role = v.text("role", false, 40);
    if (project && !store::is_uuid(*project)) {
      errors.push_back(invalid_format(v.at("project_id"), "must be a project id", "uuid"));
      continue;
    }
    if (role && !valid_slug(*role)) {
      v.fail("role", http::FieldCode::kInvalidFormat, "must be a role key",
             {{"format", std::string("slug")}});
      continue;
    }
    if (!project) continue;
    std::string id = *project;
    for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back({id, role.value_or("")});
  }
  return out;
}

awaitable<Response> get_preferences(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string id(ctx.param("id"));
  std::optional<domain::TraineePreferences> prefs;
  co_await api.db.read([&](store::Tx& t) {
    auto trainee = store::find_trainee(t, id);
    if (!trainee || !who.owns(trainee->organization_id) || trainee->profile.status == "erased") {
      return;
    }
    prefs = store::find_preferences(t, id);
  });
  if (!prefs) co_return problem(ctx, 404, "no such trainee");
  co_return json_response(200, preferences_json(*prefs));
}

awaitable<Response> put_preferences(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"wanted", "refused"});
  domain::TraineePreferences prefs;
  prefs.trainee_id = std::string(ctx.param("id"));
  prefs.wanted = parse_targets(body, "wanted", errors);
  prefs.refused = parse_targets(body, "refused", errors);
  // A target another in its list already takes in says nothing more: in
  // `wanted` one after a target that covers it (a role first, then the rest
  // of its project, is a ranking), in `refused` any. A wanted target that a
  // refused one covers contradicts it (wanting a project except one role is
  // fine: the refusal wins for that role).
  const auto item = [](const char* key, std::size_t i) {
    return std::string("/") + key + "/" + std::to_string(i);
  };
  const auto& wanted = prefs.wanted;
  const auto& refused = prefs.refused;
  // Malformed targets stop here; the rest (repeats, contradictions, unknown
  // projects and roles) are all listed together (an unknown project showed
  // only once a contradiction was fixed).
  if (!errors.empty()) co_return problem(ctx, 422, "the preferences are invalid", errors);
  {
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (wanted[j].covers(wanted[i])) {
          errors.push_back({item("wanted", i), http::FieldCode::kDuplicate,
                            "is taken in by " + item("wanted", j) + " before it"});
          break;
        }
      }
    }
    for (std::size_t i = 0; i < refused.size(); ++i) {
      for (std::size_t j = 0; j < refused.size(); ++j) {
        if (j != i && refused[j].covers(refused[i]) && (j < i || !refused[i].covers(refused[j]))) {
          errors.push_back({item("refused", i), http::FieldCode::kDuplicate,
                            "is taken in by " + item("refused", j)});
          break;
        }
      }
    }
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      for (std::size_t j = 0; j < refused.size(); ++j) {
        if (refused[j].covers(wanted[i])) {
          errors.push_back({item("wanted", i),
                            http::FieldCode::kInvalidCombination,
                            "is refused by " + item("refused", j),
                            {{"with", item("refused", j)}}});
          break;
        }
      }
    }
  }
  bool found = false;
  auto conflict = co_await transact(api, [&](store::Tx& t) {
    auto trainee = store::find_trainee(t, prefs.trainee_id);
    if (!trainee || !who.owns(trainee->organization_id) || trainee->profile.status == "erased") {
      return;
    }
    found = true;
    // Every project named must exist, and every role be one of its roles.
    auto check = [&](const std::vector<domain::PreferenceTarget>& list, const char* key) {
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string at = std::string("/") + key + "/" + std::to_string(i);
        auto project = store::find_project(t, list[i].project_id);
        // A firm's draft is nobody else's to see: named here it is "no such
        // project" like a random id (it answered 200, telling it existed).
        if (!project || (project->data.status == "draft" && !who.is_admin())) {
          errors.push_back({at + "/project_id",
                            http::FieldCode::kNotFound,
                            "no such project",
                            {{"resource", std::string("project")}}});
          continue;
        }
        if (list[i].role.empty()) continue;
        bool known = false;
        for (const auto& r : project->data.roles) known = known || r.key == list[i].role;
        if (!known) {
          errors.push_back({at + "/role",
                            http::FieldCode::kNotFound,
                            "the project has no such role",
                            {{"resource", std::string("role")}}});
        }
      }
    };
    check(prefs.wanted, "wanted");
    check(prefs.refused, "refused");
    if (errors.empty()) store::replace_preferences(t, prefs);
  });
  if (!found) co_return problem(ctx, 404, "no such trainee");
  if (!errors.empty()) co_return problem(ctx, 422, "the preferences are invalid", errors);
  if (conflict) co_return problem(ctx, 409, http::ProblemType::kConflict, conflict->detail);
  co_return json_response(200, preferences_json(prefs));
}

}  // namespace

void add_preference_routes(http::Router& router, ApiContext& api) {
  const auto roles = role_bit(domain::Role::kAdmin) | role_bit(domain::Role::kTrainingOrg);
  router.add("GET", "/v1/trainees/{id}/preferences", handler(api, get_preferences),
             {.roles = roles, .forbidden = "a trainee's preferences are its organization's"});
  router.add("PUT", "/v1/trainees/{id}/preferences", handler(api, put_preferences),
             {.roles = roles, .forbidden = "a trainee's preferences are its organization's"});
}

}  // namespace kakehashi::api
