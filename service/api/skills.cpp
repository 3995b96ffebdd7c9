// /v1/skills: the taxonomy. Everyone reads it; administrators add and change
// skills, their aliases and related skills. Writes reload the taxonomy that
// validation and matching use.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "api/skill_names.hpp"
#include "api/validation.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

json skill_json(const store::SkillRow& s, const Taxonomy::Snapshot& snap) {
  json related = json::array();
  for (const auto& [other, similarity] : s.related) {
    if (const auto* r = snap.by_id(other))
      related.push_back({{"skill", r->name}, {"similarity", similarity}});
  }
  return {{"id", s.id},
          {"name", s.name},
          {"name_ja", s.name_ja ? json(*s.name_ja) : json(nullptr)},
          {"category", s.category},
          {"aliases", s.aliases},
          {"related", related},
          {"version", s.version}};
}

// The writable document of a skill, for merge patches.
json skill_document(const store::SkillRow& s, const Taxonomy::Snapshot& snap) {
  json doc = skill_json(s, snap);
  for (const char* key : {"id", "version"}) doc.erase(key);
  if (doc["name_ja"].is_null()) doc.erase("name_ja");
  return doc;
}

std::optional<store::SkillRow> parse_skill(const json& body, const Taxonomy::Snapshot& snap,
                                           std::optional<int> self,
                                           std::vector<http::FieldError>& errors,
                                           std::vector<http::FieldError>& conflicts) {
  store::SkillRow s;
  Validator v(body, "", errors);
  v.only({"name", "name_ja", "category", "aliases", "related"});
  s.name = skill_name_field(body, "name", true, snap, self, errors, conflicts).value_or("");
  s.name_ja = skill_name_field(body, "name_ja", false, snap, self, errors, conflicts);
  s.category = v.text("category", false, 40).value_or("general");
  s.aliases = skill_aliases_field(body, snap, self, errors, conflicts);
  if (v.has("related")) {
    const auto& related = body["related"];
    if (!related.is_array()) {
      v.fail("related", http::FieldCode::kWrongType,
             "must be an array of at most 30 related skills", {{"expected", std::string("array")}});
    } else if (related.size() > 30) {
      v.fail("related", http::FieldCode::kTooMany, "must be an array of at most 30 related skills",
             {{"max_items", 30LL}});
    } else {
      for (std::size_t i = 0; i < related.size(); ++i) {
        const std::string at = "/related/" + std::to_string(i);
        if (!related[i].is_object()) {
          errors.push_back({at,
                            http::FieldCode::kWrongType,
                            "must be an object {skill, similarity}",
                            {{"expected", std::string("object")}}});
          continue;
        }
        Validator r(related[i], at, errors);
        r.only({"skill", "similarity"});
        auto name = r.text("skill", true, 100);
        double similarity =
            -1;  // -1: missing or invalid (plain double: GCC 12 misreads optional here)
        if (auto given = r.number("similarity", true, 0, 1)) similarity = *given;
        // Stored as a 4-byte real: what rounds to 0 or 1 there is out of range.
        const auto stored = static_cast<float>(similarity);
        if (similarity >= 0 && (stored <= 0.0F || stored >= 1.0F)) {
          r.fail("similarity", http::FieldCode::kOutOfRange, "must be strictly between 0 and 1",
                 {{"min", 0.0}, {"max", 1.0}, {"exclusive", std::string("both")}});
          similarity = -1;
        }
        if (!name) continue;
        auto id = snap.resolve(*name);
        if (!id) {
          errors.push_back(unknown_skill(r.at("skill"), *name, snap.closest(*name)));
        } else if (id == self) {
          r.fail("skill", http::FieldCode::kInvalidCombination, "a skill is not related to itself",
                 {{"with", std::string("/name")}});
        } else if (std::any_of(s.related.begin(), s.related.end(),
                               [&](const auto& x) { return x.first == *id; })) {
          r.fail("skill", http::FieldCode::kDuplicate, "repeats a related skill listed before");
        } else if (similarity > 0) {
          s.related.emplace_back(*id, similarity);
        }
      }
    }
  }
  if (!errors.empty() || !conflicts.empty()) return std::nullopt;
  return s;
}

}  // namespace

namespace {

awaitable<Response> list_skills(ApiContext& api, http::RequestContext& ctx) {
  // `?limit=5` or `?name=php` was answered with the whole taxonomy, as if
  // understood.
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {"q"}, errors);
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  const auto snap = api.taxonomy.snapshot();
  const auto q = ctx.request.query_param("q");
  const std::string needle = q ? matcher::normalise_skill_name(*q) : "";
  json out = {{"items", json::array()}, {"next_cursor", nullptr}};
  for (const auto& s : snap->skills) {
    bool hit =
        needle.empty() || matcher::normalise_skill_name(s.name).find(needle) != std::string::npos;
    if (s.name_ja)
      hit = hit || matcher::normalise_skill_name(*s.name_ja).find(needle) != std::string::npos;
    for (const auto& a : s.aliases) hit = hit || a.find(needle) != std::string::npos;
    if (hit) out["items"].push_back(skill_json(s, *snap));
  }
  co_return json_response(200, out);
}

}  // namespace

void add_skill_routes(http::Router& router, ApiContext& api) {
  router.add("GET", "/v1/skills", handler(api, list_skills));

  // Creates (no id) or changes (id) a skill, then reloads the taxonomy.
  auto save = [&api](http::RequestContext& ctx, std::optional<int> id) -> awaitable<Response> {
    const domain::Principal& who = principal(ctx);
    bool bad = false;
    const auto expected = if_match(ctx, &bad);
    if (bad) co_return bad_if_match(ctx);
    auto parsed = json_body(ctx, id.has_value());
    if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
    json body = std::move(std::get<json>(parsed));
    const auto snap = api.taxonomy.snapshot();
    std::vector<http::FieldError> errors;
    if (id) {
      const auto* current = snap->by_id(*id);
      if (!current) co_return problem(ctx, 404, "no such skill");
      for (const char* key : {"id", "version"}) {
        if (body.contains(key)) {
          errors.push_back({http::pointer_to("", key), http::FieldCode::kReadOnly, "is read-only"});
        }
      }
      json doc = skill_document(*current, *snap);
      doc.merge_patch(body);
      body = std::move(doc);
    }
    std::vector<http::FieldError> conflicts;
    auto skill = errors.empty() ? parse_skill(body, *snap, id, errors, conflicts) : std::nullopt;
    if (!errors.empty()) {
      // Every problem at once: the conflicts are listed with the rest.
      errors.insert(errors.end(), conflicts.begin(), conflicts.end());
      co_return problem(ctx, 422, "the skill is invalid", errors);
    }
    if (!conflicts.empty()) {
      co_return problem(ctx, 409, http::ProblemType::kDuplicate,
                        "a name or alias already names another skill", conflicts);
    }
    auto run = [&]() -> awaitable<Response> {
      std::optional<int> saved;
      // The change feed reloads the taxonomy (and drops the documents that
      // carry skill names) before this resumes.
      auto conflict = co_await transact(
          api, [&](store::Tx& t) { saved = store::save_skill(t, id, expected, *skill); });
      if (conflict) co_return taken(ctx, conflict->pointer, conflict->detail);
      if (!saved) co_return stale_etag(ctx, "the skill changed since that ETag; read it again");
      const auto now = api.taxonomy.snapshot();
      const auto* row = now->by_id(*saved);
      Response r = json_response(id ? 200 : 201, skill_json(*row, *now));
      r.set_header("ETag", etag(row->version));
      if (!id) r.set_header("Location", "/v1/skills/" + std::to_string(*saved));
      co_return r;
    };
    if (id) co_return co_await run();
    co_return co_await idempotent(
        api, ctx, who, run, [&](const std::string& created) -> awaitable<Response> {
          const auto now = api.taxonomy.snapshot();
          const bool numeric = !created.empty() && created.size() <= 9 &&
                               created.find_first_not_of("0123456789") == std::string::npos;
          const auto* row = numeric ? now->by_id(std::stoi(created)) : nullptr;
          if (!row) co_return problem(ctx, 404, "the skill this request created no longer exists");
          Response r = json_response(200, skill_json(*row, *now));
          r.set_header("ETag", etag(row->version));
          r.set_header("Location", "/v1/skills/" + created);
          co_return r;
        });
  };
  const http::RouteOptions admin_only{.roles = role_bit(domain::Role::kAdmin),
                                      .forbidden = "only administrators change the taxonomy"};
  router.add(
      "POST", "/v1/skills",
      [save](http::RequestContext& ctx) -> awaitable<Response> { return save(ctx, std::nullopt); },
      admin_only);
  router.add(
      "PATCH", "/v1/skills/{id}",
      [save](http::RequestContext& ctx) -> awaitable<Response> {
        const std::string raw(ctx.param("id"));
        const bool numeric = !raw.empty() && raw.size() <= 9 &&
                             raw.find_first_not_of("0123456789") == std::string::npos;
        return save(ctx, numeric ? std::stoi(raw) : -1);  // -1 names no skill: 404
      },
      admin_only);
}

}  // namespace kakehashi::api
