// Possible duplicates across organizations (issue 17): pairs of trainees of
// different organizations whose contact fingerprints (HMAC of the normalised
// email or phone, migration 0060) are equal. Read by administrators only; a
// row names trainees and organizations, never contact data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/transaction.hpp"

namespace kakehashi::store {

struct DuplicateSide {
  std::string trainee_id;
  std::string alias;
  std::string organization_id;
  std::string organization_name;
  std::string status;   // the trainee's status
  bool placed = false;  // holds an approved placement
};

struct DuplicateFlag {
  std::int64_t id = 0;                  // the pair's first flag: the order of the list
  std::vector<std::string> matched_on;  // "email", "phone"
  std::string flagged_at;
  DuplicateSide a, b;
};

// Pairs flagged after `after_id`, oldest first; `organization_id` narrows
// them to pairs with a trainee of that organization.
std::vector<DuplicateFlag> list_duplicate_flags(Tx& t, std::int64_t after_id, int limit,
                                                const std::optional<std::string>& organization_id);

// Notes on the transaction (and notifies other replicas of) every trainee
// flagged as the same person as `trainee_id`, whose matchability follows that
// trainee's placement (trainees_placed_elsewhere()). Called where a placement
// begins or ends.
void note_linked_trainees(Tx& t, const std::string& trainee_id);

}  // namespace kakehashi::store
