// /v1/projects: a firm's own project demands (administrators see all).
// Training organizations list projects through matching, not here, and read
// one their trainees are matched to or eligible for (api/project_access.hpp).
#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/project_access.hpp"
#include "api/project_input.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "domain/levels.hpp"
#include "domain/statuses.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

const std::initializer_list<std::string_view> kProjectWritable = {"title",
                                                                  "description",
                                                                  "domain",
                                                                  "skills",
                                                                  "japanese_min",
                                                                  "english_min",
                                                                  "headcount",
                                                                  "start_date",
                                                                  "duration_months",
                                                                  "budget_monthly",
                                                                  "overlap_hours_jst",
                                                                  "engagement",
                                                                  "status",
                                                                  "min_overlap_hours_jst",
                                                                  "hours_per_week",
                                                                  "min_hours_per_week",
                                                                  "availability_tolerance_months",
                                                                  "location",
                                                                  "roles"};
const std::initializer_list<std::string_view> kProjectReadOnly = {
    "id", "organization_id", "version", "created_at", "updated_at"};

json project_json(const domain::ProjectRecord& p) {
  const auto& d = p.data;
  json skills = json::array();
  for (const auto& s : d.skills) {
    skills.push_back({{"skill", s.skill},
                      {"min_level", s.min_level},
                      {"weight", s.weight},
                      {"required", s.required}});
  }
  json budget = nullptr;
  if (d.budget_max) {
    budget = {{"min", d.budget_min ? json(*d.budget_min) : json(nullptr)},
              {"max", *d.budget_max},
              {"currency", d.budget_currency.value_or("")}};
  }
  return {{"id", p.id},
          {"organization_id", p.organization_id},
          {"title", d.title},
          {"description", d.description},
          {"domain", d.domain ? json(*d.domain) : json(nullptr)},
          {"skills", skills},
          {"japanese_min", d.japanese_min},
          {"english_min", d.english_min},
          {"headcount", d.headcount},
          {"start_date", d.start_date},
          {"duration_months", d.duration_months},
          {"budget_monthly", budget},
          {"overlap_hours_jst", d.overlap_hours_jst},
          {"min_overlap_hours_jst", d.min_overlap_hours_jst},
          {"hours_per_week", d.hours_per_week ? json(*d.hours_per_week) : json(nullptr)},
          {"min_hours_per_week", d.min_hours_per_week},
          {"availability_tolerance_months", d.availability_tolerance_months},
          {"engagement", d.engagement},
          {"status", d.status},
          {"location", d.location ? json(*d.location) : json(nullptr)},
          {"roles", roles_json(d.roles)},
          {"version", p.version},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

json project_document(const domain::ProjectRecord& p) {
  json doc = project_json(p);
  for (auto key : kProjectReadOnly) doc.erase(std::string(key));
  for (auto it = doc.begin(); it != doc.end();) it = it->is_null() ? doc.erase(it) : std::next(it);
  // An empty description is the default, not a value to validate again.
  if (doc["description"] == "") doc.erase("description");
  // With roles the headcount is theirs: a patch of the roles moves it.
  if (!doc["roles"].empty()) doc.erase("headcount");
  if (doc.contains("budget_monthly") && doc["budget_monthly"]["min"].is_null()) {
    doc["budget_monthly"].erase("min");
  }
  return doc;
}

Response with_project_etag(Response r, std::int64_t version) {
  r.set_header("ETag", etag(version));
  return r;
}

// Reads a project document, appending an error for each member that breaks a
// rule; a member in error is left at its default in the result.
domain::ProjectData read_project(const json& body, const ApiContext& api, bool admin,
                                 std::optional<std::string>* org,
                                 std::vector<http::FieldError>& errors) {
  domain::ProjectData d;
  Validator v(body, "", errors);
  std::vector<std::string_view> known(kProjectWritable);
  if (admin) known.push_back("organization_id");
  for (const auto& [key, value] : body.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      errors.push_back(
          {http::pointer_to("", key), http::FieldCode::kUnknownField, "unknown field"});
    }
  }
  if (admin && org) *org = v.text("organization_id", true, 36);
  d.title = v.text("title", true, 200).value_or("");
  d.description = v.text("description", false, 10'000).value_or("");
  d.domain = v.text("domain", false, 40);
  if (d.domain && !valid_slug(*d.domain)) {
    v.fail("domain", http::FieldCode::kInvalidFormat,
           "must be a lower-case domain name such as automotive",
           {{"format", std::string("domain")}});
  }
  if (v.has("skills")) d.skills = parse_skill_list(body["skills"], "/skills", api, errors);
  if (v.has("roles")) d.roles = parse_roles(body["roles"], api, errors);
  d.japanese_min =
      v.choice("japanese_min", false, domain::names_of<domain::Jlpt>()).value_or("none");
  d.english_min = v.choice("english_min", false, domain::names_of<domain::Cefr>()).value_or("none");
  // With roles, the seats are the roles' (a stated headcount must agree).
  const auto headcount = v.integer("headcount", d.roles.empty(), 1, 1000);
  d.headcount = static_cast<int>(headcount.value_or(1));
  if (!d.roles.empty()) {
    int seats = 0;
    for (const auto& r : d.roles) seats += r.headcount;
    if (headcount && *headcount != seats) {
      v.fail("headcount", http::FieldCode::kInvalidCombination,
             "must equal the sum of the roles' headcounts (" + std::to_string(seats) + ")",
             {{"with", std::string("/roles")}});
    }
    if (seats > 1000) {
      v.fail("roles", http::FieldCode::kOutOfRange, "the roles' headcounts add up to over 1000",
             {{"min", 1LL}, {"max", 1000LL}});
    }
    d.headcount = seats;
  }
  d.start_date = v.date("start_date", true).value_or("");
  d.duration_months = static_cast<int>(v.integer("duration_months", true, 1, 120).value_or(1));
  if (v.has("budget_monthly")) {
    if (!body["budget_monthly"].is_object()) {
      v.fail("budget_monthly", http::FieldCode::kWrongType,
             "must be an object {min, max, currency}", {{"expected", std::string("object")}});
    } else {
      Validator b(body["budget_monthly"], "/budget_monthly", errors);
      b.only({"min", "max", "currency"});
      d.budget_min = b.number("min", false, 0, 1e9);
      d.budget_max = b.number("max", true, 0, 1e9);
      d.budget_currency = b.text("currency", true, 3);
      if (d.budget_currency && !valid_currency(*d.budget_currency)) {
        b.fail("currency", http::FieldCode::kInvalidFormat,
               "must be an ISO 4217 code such as JPY or USD",
               {{"format", std::string("currency")}});
      }
      if (d.budget_min && d.budget_max && *d.budget_min > *d.budget_max) {
        b.fail("min", http::FieldCode::kInvalidCombination, "must not exceed max",
               {{"with", std::string("/budget_monthly/max")}});
      }
    }
  }
  d.overlap_hours_jst = v.number("overlap_hours_jst", false, 0, 9).value_or(0);
  d.min_overlap_hours_jst = v.number("min_overlap_hours_jst", false, 0, 9).value_or(0);
  if (auto h = v.integer("hours_per_week", false, 1, 80)) d.hours_per_week = static_cast<int>(*h);
  d.min_hours_per_week =
      static_cast<int>(v.integer("min_hours_per_week", false, 0, 80).value_or(0));
  // A hard minimum above the wish it bounds is a contradiction, like a budget
  // whose min exceeds its max (a probe set both): refused when both are given.
  if (v.has("min_hours_per_week") && d.hours_per_week && d.min_hours_per_week > *d.hours_per_week) {
    v.fail("min_hours_per_week", http::FieldCode::kInvalidCombination,
           "must not exceed hours_per_week", {{"with", std::string("/hours_per_week")}});
  }
  if (v.has("min_overlap_hours_jst") && v.has("overlap_hours_jst") &&
      d.min_overlap_hours_jst > d.overlap_hours_jst) {
    v.fail("min_overlap_hours_jst", http::FieldCode::kInvalidCombination,
           "must not exceed overlap_hours_jst", {{"with", std::string("/overlap_hours_jst")}});
  }
  d.availability_tolerance_months =
      static_cast<int>(v.integer("availability_tolerance_months", false, 0, 24).value_or(1));
  d.engagement =
      v.choice("engagement", false, domain::names_of<domain::Engagement>()).value_or("offshore");
  d.status = v.choice("status", false, {"draft", "open", "closed"}).value_or("draft");
  d.location = v.text("location", false, 200);
  return d;
}

// How to put back a member's stored value in place of what reading the
// document made of it. The roles and the headcount are not kept alone: the
// seats are the roles' sum, checked against each other.
using KeepProject = void (*)(domain::ProjectData&, const domain::ProjectData&);
using Data = domain::ProjectData;
// clang-format off
const std::pair<std::string_view, KeepProject> kKeepStoredProject[] = {
    {"title", [](Data& d, const Data& s) { d.title = s.title; }},
    {"description", [](Data& d, const Data& s) { d.description = s.description; }},
    {"domain", [](Data& d, const Data& s) { d.domain = s.domain; }},
    // Named as the taxonomy names them now, which the firm did not type.
    {"skills", [](Data& d, const Data& s) { d.skills = s.skills; }},
    {"japanese_min", [](Data& d, const Data& s) { d.japanese_min = s.japanese_min; }},
    {"english_min", [](Data& d, const Data& s) { d.english_min = s.english_min; }},
    {"start_date", [](Data& d, const Data& s) { d.start_date = s.start_date; }},
    {"duration_months", [](Data& d, const Data& s) { d.duration_months = s.duration_months; }},
    {"budget_monthly", [](Data& d, const Data& s) {
       d.budget_min = s.budget_min;
       d.budget_max = s.budget_max;
       d.budget_currency = s.budget_currency;
     }},
    {"overlap_hours_jst", [](Data& d, const Data& s) { d.overlap_hours_jst = s.overlap_hours_jst; }},
    {"min_overlap_hours_jst", [](Data& d, const Data& s) {
       d.min_overlap_hours_jst = s.min_overlap_hours_jst;
     }},
    {"hours_per_week", [](Data& d, const Data& s) { d.hours_per_week = s.hours_per_week; }},
    {"min_hours_per_week", [](Data& d, const Data& s) {
       d.min_hours_per_week = s.min_hours_per_week;
     }},
    {"availability_tolerance_months", [](Data& d, const Data& s) {
       d.availability_tolerance_months = s.availability_tolerance_months;
     }},
    {"engagement", [](Data& d, const Data& s) { d.engagement = s.engagement; }},
    {"status", [](Data& d, const Data& s) { d.status = s.status; }},
    {"location", [](Data& d, const Data& s) { d.location = s.location; }},
};
// clang-format on

// A merge patch applied to a stored project, validated: the patch answers
// for the members it changes (errors_of_patch).
std::optional<domain::ProjectData> parse_patched_project(const json& patch,
                                                         const domain::ProjectRecord& record,
                                                         const ApiContext& api,
                                                         std::vector<http::FieldError>& errors,
                                                         bool* unchanged) {
  const json before = project_document(record);
  json after = before;
  after.merge_patch(patch);
  *unchanged = after == before;
  std::vector<http::FieldError> found;
  auto data = read_project(after, api, false, nullptr, found);
  auto answered = errors_of_patch(before, after, std::move(found), [&](std::string_view member) {
    for (const auto& [name, keep] : kKeepStoredProject) {
      if (name == member) {
        keep(data, record.data);
        return true;
      }
    }
    return false;
  });
  if (!answered.empty()) {
    errors.insert(errors.end(), std::make_move_iterator(answered.begin()),
                  std::make_move_iterator(answered.end()));
    return std::nullopt;
  }
  return data;
}

}  // namespace

std::optional<domain::ProjectData> parse_project(const json& body, const ApiContext& api,
                                                 bool admin, std::optional<std::string>* org,
                                                 std::vector<http::FieldError>& errors) {
  auto d = read_project(body, api, admin, org, errors);
  if (!errors.empty()) return std::nullopt;
  return d;
}

namespace {

awaitable<Response> create_project(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  std::optional<std::string> org;
  auto data = parse_project(body, api, who.is_admin(), &org, errors);
  if (!data) co_return problem(ctx, 422, "the project is invalid", errors);
  co_return co_await idempotent(
      api, ctx, who,
      [&]() -> awaitable<Response> {
        std::optional<domain::ProjectRecord> record;
        bool bad_org = false;
        co_await api.db.transact([&](store::Tx& t) {
          std::string owner = who.organization_id;
          if (who.is_admin()) {
            auto o = store::find_organization(t, *org);
            if (!o || o->kind != "firm") {
              bad_org = true;
              return;
            }
            owner = o->id;
          }
          record = store::find_project(t, store::insert_project(t, owner, *data));
        });
        if (bad_org) {
          co_return problem(ctx, 422, "the project is invalid",
                            {{"/organization_id",
                              http::FieldCode::kNotFound,
                              "must name a firm",
                              {{"resource", std::string("firm")}}}});
        }
        Response r = with_project_etag(json_response(201, project_json(*record)), record->version);
        r.set_header("Location", "/v1/projects/" + record->id);
        co_return r;
      },
      [&](const std::string& id) -> awaitable<Response> {
        std::optional<domain::ProjectRecord> record;
        co_await api.db.read([&](store::Tx& t) { record = store::find_project(t, id); });
        if (!record || !who.owns(record->organization_id))
          co_return problem(ctx, 404, "the project this request created no longer exists");
        Response r = with_project_etag(json_response(200, project_json(*record)), record->version);
        r.set_header("Location", "/v1/projects/" + record->id);
        co_return r;
      });
}

awaitable<Response> get_project(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  if (who.role == domain::Role::kTrainingOrg)
    co_return co_await get_project_for_training_org(api, ctx);
  const std::string id(ctx.param("id"));
  std::optional<domain::ProjectRecord> record;
  co_await api.db.read([&](store::Tx& t) { record = store::find_project(t, id); });
  if (!record || !who.owns(record->organization_id)) co_return problem(ctx, 404, "no such project");
  co_return with_project_etag(json_response(200, project_json(*record)), record->version);
}

awaitable<Response> update_project(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  bool bad = false;
  const auto expected = if_match(ctx, &bad);
  if (bad) co_return bad_if_match(ctx);
  auto parsed = json_body(ctx, true);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& patch = std::get<json>(parsed);
  const std::string id(ctx.param("id"));
  // Without If-Match the patch applies to the project as it is: when another write
  // comes between the read and the update, it is read again and the patch applied
  // to it (a few times at most).
  for (int attempt = 1;; ++attempt) {
    std::optional<domain::ProjectRecord> record;
    co_await api.db.read([&](store::Tx& t) { record = store::find_project(t, id); });
    if (!record || !who.owns(record->organization_id))
      co_return problem(ctx, 404, "no such project");
    std::vector<http::FieldError> errors;
    for (auto key : kProjectReadOnly) {
      if (patch.contains(std::string(key)))
        errors.push_back({http::pointer_to("", key), http::FieldCode::kReadOnly, "is read-only"});
    }
    bool unchanged = false;
    auto data = errors.empty() ? parse_patched_project(patch, *record, api, errors, &unchanged)
                               : std::nullopt;
    if (!data) co_return problem(ctx, 422, "the change is invalid", errors);
    if (expected && *expected != record->version) {
      co_return stale_etag(ctx, "the project changed since that ETag; read it again");
    }
    if (unchanged) {  // writes nothing, as a trainee's
      co_return with_project_etag(json_response(200, project_json(*record)), record->version);
    }
    bool updated = false;
    auto conflict = co_await transact(api, [&](store::Tx& t) {
      updated = store::update_project(t, id, expected.value_or(record->version), *data);
      if (updated) record = store::find_project(t, id);
    });
    if (conflict) co_return taken(ctx, conflict->pointer, conflict->detail);
    if (!updated) {
      if (expected) co_return stale_etag(ctx, "the project changed meanwhile; read it again");
      if (attempt == kPatchAttempts) {
        co_return kept_changing(ctx, "project");
      }
      continue;
    }
    co_return with_project_etag(json_response(200, project_json(*record)), record->version);
  }
}

awaitable<Response> delete_project(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  bool bad = false;
  const auto expected = if_match(ctx, &bad);
  if (bad) co_return bad_if_match(ctx);
  const std::string id(ctx.param("id"));
  std::optional<domain::ProjectRecord> record;
  bool deleted = false;
  auto conflict = co_await transact(api, [&](store::Tx& t) {
    record = store::find_project(t, id);
    if (record && who.owns(record->organization_id)) {
      deleted = store::delete_project(t, id, expected);
    }
  });
  if (!record || !who.owns(record->organization_id)) co_return problem(ctx, 404, "no such project");
  if (conflict) co_return problem(ctx, 409, conflict->detail);
  if (!deleted) co_return stale_etag(ctx, "the project changed since that ETag; read it again");
  Response r;
  r.status = 204;
  co_return r;
}

awaitable<Response> list_projects(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  std::vector<http::FieldError> errors;
  domain::ProjectFilter f;
  f.limit = page_limit(ctx, errors) + 1;
  reject_unknown_params(ctx, {"limit", "cursor", "status", "domain", "skill", "organization_id"},
                        errors);
  f.after_seq = seq_cursor(ctx, 'p', errors);
  if (auto status = ctx.request.query_param("status")) {
    if (*status != "draft" && *status != "open" && *status != "closed") {
      errors.push_back(
          invalid_choice("status", "must be draft, open or closed", {"draft", "open", "closed"}));
    }
    f.status = *status;
  }
  if (auto domain_name = ctx.request.query_param("domain")) f.domain = *domain_name;
  if (auto skill = ctx.request.query_param("skill")) {
    f.skill_id = api.taxonomy.snapshot()->resolve(*skill);
    if (!f.skill_id) errors.push_back(unknown_skill("skill", *skill));
  }
  if (auto org = ctx.request.query_param("organization_id")) {
    if (!who.is_admin()) {
      errors.push_back({"organization_id", http::FieldCode::kNotPermitted,
                        "only administrators filter by organization"});
    } else if (!store::is_uuid(*org)) {
      errors.push_back(invalid_format("organization_id", "must be an organization id", "uuid"));
    }
    f.organization_id = *org;
  }
  if (!who.is_admin()) f.organization_id = who.organization_id;
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  std::vector<domain::ProjectRecord> rows;
  co_await api.db.read([&](store::Tx& t) { rows = store::list_projects(t, f); });
  const auto limit = static_cast<std::size_t>(f.limit - 1);
  json out = {{"items", json::array()}, {"next_cursor", nullptr}};
  for (std::size_t i = 0; i < rows.size() && i < limit; ++i)
    out["items"].push_back(project_json(rows[i]));
  if (rows.size() > limit) out["next_cursor"] = encode_seq_cursor('p', rows[limit - 1].seq);
  co_return json_response(200, out);
}

}  // namespace

void add_project_routes(http::Router& router, ApiContext& api) {
  static const RouteSpec kRoutes[] = {
      {"POST", "/v1/projects", create_project, "only firms post projects"},
      {"PATCH", "/v1/projects/{id}", update_project, "only firms change projects"},
      {"DELETE", "/v1/projects/{id}", delete_project, "only firms delete projects"},
      {"GET", "/v1/projects", list_projects, "only firms list project records"},
  };
  add_routes(router, api, kRoutes, role_bit(domain::Role::kAdmin) | role_bit(domain::Role::kFirm));
  // Training organizations read the projects their trainees are matched to
  // or eligible for (api/project_access.hpp); 404 for any other.
  router.add("GET", "/v1/projects/{id}", handler(api, get_project), {});
}

}  // namespace kakehashi::api
