#include "store/skill_proposals.hpp"

#include <pqxx/pqxx>

#include "store/sql_text.hpp"
#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

// Aliases travel as line-separated text (they hold no line breaks).
constexpr const char* kInsertProposal =
    "INSERT INTO skill_proposals (organization_id, name, name_ja, category, aliases, note) "
    "VALUES ($1, $2, $3, $4, string_to_array($5, E'\\n'), $6) RETURNING id";
constexpr const char* kProposalSelect =
    "SELECT p.id, p.seq, p.organization_id, o.name AS organization_name, p.name, p.name_ja, "
    " p.category, array_to_string(p.aliases, E'\\n') AS aliases, p.note, p.status, p.skill_id, "
    " p.reason, to_json(p.decided_at)#>>'{}' AS decided_at, "
    " to_json(p.created_at)#>>'{}' AS created_at "
    "FROM skill_proposals p JOIN organizations o ON o.id = p.organization_id ";
const std::string kSelectProposal = std::string(kProposalSelect) + "WHERE p.id = $1";
// The decision, if the proposal is still pending; the trigger refuses any
// other change.
constexpr const char* kDecideProposal =
    "UPDATE skill_proposals SET status = $2, skill_id = $3, reason = $4, decided_at = now(), "
    " decided_by = $5 WHERE id = $1 AND status = 'pending' RETURNING name";

SkillProposalRow proposal_from(const pqxx::row& r) {
  SkillProposalRow p;
  p.id = r["id"].as<std::string>();
  p.seq = r["seq"].as<std::int64_t>();
  p.organization_id = r["organization_id"].as<std::string>();
  p.organization_name = r["organization_name"].as<std::string>();
  p.name = r["name"].as<std::string>();
  p.name_ja = opt<std::string>(r["name_ja"]);
  p.category = r["category"].as<std::string>();
  p.aliases = split(r["aliases"].as<std::string>(), '\n');
  p.note = r["note"].as<std::string>();
  p.status = r["status"].as<std::string>();
  p.skill_id = opt<int>(r["skill_id"]);
  p.reason = opt<std::string>(r["reason"]);
  p.decided_at = opt<std::string>(r["decided_at"]);
  p.created_at = r["created_at"].as<std::string>();
  return p;
}

// The audit event of a step; its details built by the database (no JSON here).
constexpr const char* kInsertProposalEvent =
    "INSERT INTO audit_events (kind, actor_key_id, actor_org_id, actor_role, from_state, "
    " to_state, reason, details, actor_person_id, actor_label) VALUES ('skill_proposal', $1, $2, "
    " $3, $4, $5, $6, jsonb_strip_nulls(jsonb_build_object('proposal_id', $7::uuid, 'name', "
    " $8::text, 'skill_id', $9::int)), $10, nullif($11, ''))";

void record_proposal_event(pqxx::transaction_base& tx, const Actor& actor, const std::string& id,
                           const std::string& name, const std::optional<std::string>& from,
                           const std::string& to, const std::optional<std::string>& reason,
                           std::optional<int> skill_id) {
  exec_params(tx, kInsertProposalEvent, actor.key(), actor.organization_id, actor.role, from, to,
              reason, id, name, skill_id, actor.person_id, actor.label);
}

}  // namespace

std::string insert_skill_proposal(Tx& t, const SkillProposalRow& p, const Actor& actor) {
  auto& tx = t.sql();
  std::string id;
  try {
    // The one unique index: skill_proposals_pending_name.
    id = exec_params1(tx, kInsertProposal, p.organization_id, p.name, p.name_ja, p.category,
                      join_lines(p.aliases), p.note)["id"]
             .as<std::string>();
  } catch (const pqxx::unique_violation&) {
    throw Conflict{"a proposal of this skill is already pending", "/name"};
  }
  record_proposal_event(tx, actor, id, p.name, std::nullopt, "pending", std::nullopt, std::nullopt);
  return id;
}

std::optional<SkillProposalRow> find_skill_proposal(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  const auto r = exec_params(t.sql(), kSelectProposal, id);
  if (r.empty()) return std::nullopt;
  return proposal_from(r[0]);
}

std::vector<SkillProposalRow> list_skill_proposals(Tx& t, const SkillProposalFilter& f) {
  QueryBuilder q(kProposalSelect);
  q += "WHERE p.seq > " + q.bind(std::to_string(f.after_seq)) + "::bigint";
  if (f.organization_id) q += " AND p.organization_id = " + q.bind(*f.organization_id) + "::uuid";
  if (f.status) q += " AND p.status = " + q.bind(*f.status);
  q += " ORDER BY p.seq LIMIT " + q.bind(std::to_string(f.limit)) + "::int";
  std::vector<SkillProposalRow> out;
  for (const auto& r : q.run(t.sql())) out.push_back(proposal_from(r));
  return out;
}

bool decide_skill_proposal(Tx& t, const std::string& id, const std::string& status,
                           std::optional<int> skill_id, const std::optional<std::string>& reason,
                           const Actor& actor) {
  // decided_by: the person who decided, or the API key.
  const auto r = exec_params(t.sql(), kDecideProposal, id, status, skill_id, reason,
                             actor.person_id ? actor.person_id : actor.key());
  if (r.empty()) return false;
  record_proposal_event(t.sql(), actor, id, r[0]["name"].as<std::string>(), "pending", status,
                        reason, skill_id);
  return true;
}

}  // namespace kakehashi::store
