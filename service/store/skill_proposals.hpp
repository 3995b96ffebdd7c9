// Repository for skill proposals: a training organization proposes a skill
// the taxonomy lacks; it stays pending (outside the taxonomy) until an
// administrator approves it (a skill is saved and the proposal names it) or
// rejects it. Each step writes an audit event ('skill_proposal'). The
// database keeps a decision final (0031's trigger).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/conflict.hpp"
#include "store/matches.hpp"
#include "store/transaction.hpp"

namespace kakehashi::store {

struct SkillProposalRow {
  std::string id;
  std::int64_t seq = 0;
  std::string organization_id;
  std::string organization_name;
  std::string name;
  std::optional<std::string> name_ja;
  std::string category = "general";
  std::vector<std::string> aliases;
  std::string note;
  std::string status = "pending";  // pending | approved | rejected
  std::optional<int> skill_id;
  std::optional<std::string> reason;
  std::optional<std::string> decided_at;
  std::string created_at;
};

struct SkillProposalFilter {
  std::optional<std::string> organization_id;  // a training organization's own
  std::optional<std::string> status;
  std::int64_t after_seq = 0;
  int limit = 50;
};

// Throws Conflict when a pending proposal already has this name.
std::string insert_skill_proposal(Tx& t, const SkillProposalRow& p, const Actor& actor);
std::optional<SkillProposalRow> find_skill_proposal(Tx& t, const std::string& id);
std::vector<SkillProposalRow> list_skill_proposals(Tx& t, const SkillProposalFilter& f);
// Pending → approved (with the skill it became) or rejected (with a reason).
// False when it is no longer pending (another decision came first).
bool decide_skill_proposal(Tx& t, const std::string& id, const std::string& status,
                           std::optional<int> skill_id, const std::optional<std::string>& reason,
                           const Actor& actor);

}  // namespace kakehashi::store
