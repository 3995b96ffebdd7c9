// The match lifecycle: proposed -> shortlisted -> interviewing -> offered ->
// accepted -> approved, with rejected and withdrawn as the ways out. Who may
// move a match where is a pure table, so it is tested apart from HTTP.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "domain/principal.hpp"

namespace kakehashi::domain {

inline constexpr std::array<std::string_view, 8> kMatchStates = {
    "proposed", "shortlisted", "interviewing", "offered",
    "accepted", "approved",    "rejected",     "withdrawn"};

inline bool is_match_state(std::string_view s) {
  return std::find(kMatchStates.begin(), kMatchStates.end(), s) != kMatchStates.end();
}

// Open: neither rejected nor withdrawn (an approved placement is open).
inline bool is_open_state(std::string_view s) { return s != "rejected" && s != "withdrawn"; }

// The states `role` may move a match in state `from` to. The caller has
// checked that the match is the role's own (the firm's project, the
// training organization's trainee) or that the role is admin.
//  - firms: one step along proposed -> shortlisted -> interviewing -> offered,
//    or reject before the trainee has accepted;
//  - training organizations: accept an offer, or withdraw at any open state
//    (an approved placement too: that releases the trainee and the seat);
//  - administrators: approve an accepted match, reject any open match not yet
//    approved, withdraw an approved placement.
inline std::vector<std::string_view> allowed_transitions(Role role, std::string_view from) {
  std::vector<std::string_view> out;
  if (!is_open_state(from)) return out;
  switch (role) {
    case Role::kFirm:
      if (from == "proposed") out = {"shortlisted", "rejected"};
      if (from == "shortlisted") out = {"interviewing", "rejected"};
      if (from == "interviewing") out = {"offered", "rejected"};
      if (from == "offered") out = {"rejected"};
      break;
    case Role::kTrainingOrg:
      if (from == "offered")
        out = {"accepted", "withdrawn"};
      else
        out = {"withdrawn"};
      break;
    case Role::kAdmin:
      if (from == "accepted")
        out = {"approved", "rejected"};
      else if (from == "approved")
        out = {"withdrawn"};
      else
        out = {"rejected"};
      break;
  }
  return out;
}

inline bool may_transition(Role role, std::string_view from, std::string_view to) {
  const auto allowed = allowed_transitions(role, from);
  return std::find(allowed.begin(), allowed.end(), to) != allowed.end();
}

// Rejecting and withdrawing need a reason.
inline bool needs_reason(std::string_view to) { return to == "rejected" || to == "withdrawn"; }

}  // namespace kakehashi::domain
