// The match lifecycle's table of who may move a match where.
#include <gtest/gtest.h>

#include "domain/match_states.hpp"

namespace kakehashi::domain {
namespace {

TEST(MatchStates, FirmsMoveOneStepUpToOfferedOrReject) {
  EXPECT_TRUE(may_transition(Role::kFirm, "proposed", "shortlisted"));
  EXPECT_TRUE(may_transition(Role::kFirm, "interviewing", "offered"));
  EXPECT_FALSE(may_transition(Role::kFirm, "proposed", "offered"));  // no skipping
  EXPECT_FALSE(may_transition(Role::kFirm, "offered", "accepted"));
  EXPECT_TRUE(may_transition(Role::kFirm, "offered", "rejected"));
  EXPECT_FALSE(may_transition(Role::kFirm, "accepted", "rejected"));
}

TEST(MatchStates, TrainingOrganizationsAcceptOffersOrWithdraw) {
  EXPECT_TRUE(may_transition(Role::kTrainingOrg, "offered", "accepted"));
  EXPECT_FALSE(may_transition(Role::kTrainingOrg, "interviewing", "accepted"));
  for (auto from : {"proposed", "shortlisted", "interviewing", "offered", "accepted", "approved"})
    EXPECT_TRUE(may_transition(Role::kTrainingOrg, from, "withdrawn")) << from;
}

TEST(MatchStates, AdministratorsApproveAcceptedAndRejectBeforeApproval) {
  EXPECT_TRUE(may_transition(Role::kAdmin, "accepted", "approved"));
  EXPECT_FALSE(may_transition(Role::kAdmin, "offered", "approved"));
  EXPECT_TRUE(may_transition(Role::kAdmin, "interviewing", "rejected"));
  EXPECT_FALSE(may_transition(Role::kAdmin, "approved", "rejected"));
  EXPECT_TRUE(may_transition(Role::kAdmin, "approved", "withdrawn"));
}

TEST(MatchStates, ClosedStatesAreFinalForEveryone) {
  for (auto role : {Role::kAdmin, Role::kFirm, Role::kTrainingOrg}) {
    for (auto from : {"rejected", "withdrawn"}) {
      EXPECT_TRUE(allowed_transitions(role, from).empty());
      EXPECT_FALSE(is_open_state(from));
    }
  }
  EXPECT_TRUE(is_open_state("approved"));
  EXPECT_TRUE(needs_reason("rejected"));
  EXPECT_TRUE(needs_reason("withdrawn"));
  EXPECT_FALSE(needs_reason("approved"));
  EXPECT_TRUE(is_match_state("offered"));
  EXPECT_FALSE(is_match_state("hired"));
}

}  // namespace
}  // namespace kakehashi::domain
