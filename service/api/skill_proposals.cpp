// /v1/skill-proposals: a training organization proposes a skill the taxonomy
// lacks (PHP 8 framework X, a local ERP); it stays pending, outside the
// taxonomy, until an administrator approves it (it becomes a skill, and the
// taxonomy reloads through the change feed) or rejects it with a reason. A
// training organization reads its own proposals; administrators read all.
// Every step is an audit event (kind `skill_proposal`).
#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "api/skill_names.hpp"
#include "api/validation.hpp"
#include "store/skill_proposals.hpp"
#include "store/skills.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

json proposal_json(const store::SkillProposalRow& p, const Taxonomy::Snapshot& snap) {
  auto opt = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  json skill = nullptr;
  if (p.skill_id) {
    const auto* s = snap.by_id(*p.skill_id);
    skill = {{"id", *p.skill_id}, {"name", s ? json(s->name) : json(p.name)}};
  }
  return {{"id", p.id},
          {"organization_id", p.organization_id},
          {"organization_name", p.organization_name},
          {"name", p.name},
          {"name_ja", opt(p.name_ja)},
          {"category", p.category},
          {"aliases", p.aliases},
          {"note", p.note},
          {"status", p.status},
          {"skill", skill},
          {"reason", opt(p.reason)},
          {"decided_at", opt(p.decided_at)},
          {"created_at", p.created_at}};
}

bool may_read(const domain::Principal& who, const store::SkillProposalRow& p) {
  return who.owns(p.organization_id);
}

awaitable<Response> create_proposal(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  const auto snap = api.taxonomy.snapshot();
  std::vector<http::FieldError> errors;
  std::vector<http::FieldError> conflicts;
  Validator v(body, "", errors);
  v.only({"name", "name_ja", "category", "aliases", "note"});
  store::SkillProposalRow p;
  p.organization_id = who.organization_id;
  p.name =
      skill_name_field(body, "name", true, *snap, std::nullopt, errors, conflicts).value_or("");
  p.name_ja = skill_name_field(body, "name_ja", false, *snap, std::nullopt, errors, conflicts);
  p.category = v.text("category", false, 40).value_or("general");
  p.aliases = skill_aliases_field(body, *snap, std::nullopt, errors, conflicts);
  p.note = v.text("note", false, 2000).value_or("");
  if (!errors.empty()) {
    errors.insert(errors.end(), conflicts.begin(), conflicts.end());
    co_return problem(ctx, 422, "the proposal is invalid", errors);
  }
  if (!conflicts.empty()) {
    co_return problem(ctx, 409, http::ProblemType::kDuplicate,
                      "the taxonomy already has this skill; use its name", conflicts);
  }
  auto render = [&](const std::string& id, int status) -> awaitable<Response> {
    std::optional<store::SkillProposalRow> row;
    co_await api.db.read([&](store::Tx& t) { row = store::find_skill_proposal(t, id); });
    if (!row || !may_read(who, *row))
      co_return problem(ctx, 404, "the proposal this request created no longer exists");
    Response r = json_response(status, proposal_json(*row, *api.taxonomy.snapshot()));
    r.set_header("Location", "/v1/skill-proposals/" + row->id);
    co_return r;
  };
  co_return co_await idempotent(
      api, ctx, who,
      [&]() -> awaitable<Response> {
        std::string id;
        auto conflict = co_await transact(
            api, [&](store::Tx& t) { id = store::insert_skill_proposal(t, p, actor_of(who)); });
        if (conflict) co_return taken(ctx, conflict->pointer, conflict->detail);
        co_return co_await render(id, 201);
      },
      [&](const std::string& id) { return render(id, 200); });
}

awaitable<Response> list_proposals(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {"limit", "cursor", "status"}, errors);
  store::SkillProposalFilter f;
  f.limit = page_limit(ctx, errors) + 1;
  f.after_seq = seq_cursor(ctx, 'k', errors);
  if (auto status = ctx.request.query_param("status")) {
    if (*status != "pending" && *status != "approved" && *status != "rejected") {
      errors.push_back(invalid_choice("status", "must be pending, approved or rejected",
                                      {"pending", "approved", "rejected"}));
    }
    f.status = std::string(*status);
  }
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  if (!who.is_admin()) f.organization_id = who.organization_id;
  std::vector<store::SkillProposalRow> rows;
  co_await api.db.read([&](store::Tx& t) { rows = store::list_skill_proposals(t, f); });
  const auto snap = api.taxonomy.snapshot();
  const auto limit = static_cast<std::size_t>(f.limit - 1);
  json out = {{"items", json::array()}, {"next_cursor", nullptr}};
  for (std::size_t i = 0; i < rows.size() && i < limit; ++i)
    out["items"].push_back(proposal_json(rows[i], *snap));
  if (rows.size() > limit) out["next_cursor"] = encode_seq_cursor('k', rows[limit - 1].seq);
  co_return json_response(200, out);
}

awaitable<Response> get_proposal(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string id(ctx.param("id"));
  std::optional<store::SkillProposalRow> row;
  co_await api.db.read([&](store::Tx& t) { row = store::find_skill_proposal(t, id); });
  if (!row || !may_read(who, *row)) co_return problem(ctx, 404, "no such skill proposal");
  co_return json_response(200, proposal_json(*row, *api.taxonomy.snapshot()));
}

// {"status": "approved" | "rejected", "reason"}: approving saves the skill
// (its names checked against the taxonomy as it is now) and the decision in
// one transaction; a reason is required to reject.
awaitable<Response> decide_proposal(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"status", "reason"});
  auto status = v.choice("status", true, {"approved", "rejected"});
  auto reason = v.text("reason", false, 2000);
  // A reason given blank is named once ("blank"), not also "required".
  if (status == "rejected" && !reason && !v.has("reason")) {
    v.fail("reason", http::FieldCode::kRequired, "is required to reject a proposal");
  }
  if (!errors.empty()) co_return problem(ctx, 422, "the decision is invalid", errors);
  const std::string id(ctx.param("id"));
  std::optional<store::SkillProposalRow> row;
  co_await api.db.read([&](store::Tx& t) { row = store::find_skill_proposal(t, id); });
  if (!row) co_return problem(ctx, 404, "no such skill proposal");
  if (row->status != "pending") {
    co_return problem(ctx, 409, "the proposal was already " + row->status);
  }
  std::optional<store::SkillRow> skill;
  if (*status == "approved") {
    // The names again, against the taxonomy as it is now.
    const auto snap = api.taxonomy.snapshot();
    json names = {{"name", row->name}, {"aliases", row->aliases}};
    if (row->name_ja) names["name_ja"] = *row->name_ja;
    std::vector<http::FieldError> conflicts;
    skill.emplace();
    skill->name =
        skill_name_field(names, "name", true, *snap, std::nullopt, errors, conflicts).value_or("");
    skill->name_ja =
        skill_name_field(names, "name_ja", false, *snap, std::nullopt, errors, conflicts);
    skill->aliases = skill_aliases_field(names, *snap, std::nullopt, errors, conflicts);
    skill->category = row->category;
    conflicts.insert(conflicts.end(), errors.begin(), errors.end());
    if (!conflicts.empty()) {
      co_return problem(ctx, 409, http::ProblemType::kDuplicate,
                        "the taxonomy has gained one of the proposal's names since; reject it "
                        "or change that skill",
                        conflicts);
    }
  }
  bool decided = false;
  auto conflict = co_await transact(api, [&](store::Tx& t) {
    std::optional<int> skill_id;
    if (skill) skill_id = store::save_skill(t, std::nullopt, std::nullopt, *skill);
    decided = store::decide_skill_proposal(
        t, id, *status, skill_id, *status == "rejected" ? reason : std::nullopt, actor_of(who));
    if (!decided) throw store::Conflict{"the proposal was decided meanwhile", "/status"};
  });
  if (conflict) co_return taken(ctx, conflict->pointer, conflict->detail);
  // The change feed reloaded the taxonomy at commit: the new skill resolves.
  co_await api.db.read([&](store::Tx& t) { row = store::find_skill_proposal(t, id); });
  co_return json_response(200, proposal_json(*row, *api.taxonomy.snapshot()));
}

}  // namespace

void add_skill_proposal_routes(http::Router& router, ApiContext& api) {
  const auto org_or_admin = role_bit(domain::Role::kTrainingOrg) | role_bit(domain::Role::kAdmin);
  router.add("POST", "/v1/skill-proposals", handler(api, create_proposal),
             {.roles = role_bit(domain::Role::kTrainingOrg),
              .forbidden = "training organizations propose skills; administrators add them"});
  router.add("GET", "/v1/skill-proposals", handler(api, list_proposals),
             {.roles = org_or_admin, .forbidden = "skill proposals are read by their proposers"});
  router.add("GET", "/v1/skill-proposals/{id}", handler(api, get_proposal),
             {.roles = org_or_admin, .forbidden = "skill proposals are read by their proposers"});
  router.add("POST", "/v1/skill-proposals/{id}/decision", handler(api, decide_proposal),
             {.roles = role_bit(domain::Role::kAdmin),
              .forbidden = "only administrators decide on skill proposals"});
}

}  // namespace kakehashi::api
