// Who sees a match, and when a firm sees a trainee's name and contact: every
// role against its own and another tenant's match, in every state.
#include "api/visibility.hpp"

#include <gtest/gtest.h>

#include "domain/statuses.hpp"

namespace kakehashi::api {
namespace {

store::MatchRow match(const std::string& state) {
  store::MatchRow m;
  m.firm_id = "firm-a";
  m.training_org_id = "school-a";
  m.state = state;
  return m;
}

domain::TraineeRecord trainee(bool share_abroad, bool has_personal = true, bool matching = true) {
  domain::TraineeRecord t;
  t.profile.consent_matching = matching;
  t.profile.consent_share_abroad = share_abroad;
  if (has_personal) t.personal = domain::PersonalData{"Nusrat Jahan", "n@example.com", {}};
  return t;
}

const domain::Principal kAdmin{"k0", "office", domain::Role::kAdmin};
const domain::Principal kFirmA{"k1", "firm-a", domain::Role::kFirm};
const domain::Principal kFirmB{"k2", "firm-b", domain::Role::kFirm};
const domain::Principal kSchoolA{"k3", "school-a", domain::Role::kTrainingOrg};
const domain::Principal kSchoolB{"k4", "school-b", domain::Role::kTrainingOrg};

TEST(Visibility, AMatchIsVisibleToItsTwoSidesAndAdministratorsOnly) {
  const auto m = match("shortlisted");
  EXPECT_TRUE(visible_match(kAdmin, m));
  EXPECT_TRUE(visible_match(kFirmA, m));
  EXPECT_TRUE(visible_match(kSchoolA, m));
  EXPECT_FALSE(visible_match(kFirmB, m));
  EXPECT_FALSE(visible_match(kSchoolB, m));
  // A firm whose organization id equals the school's sees nothing by that.
  const domain::Principal firm_named_like_school{"k5", "school-a", domain::Role::kFirm};
  EXPECT_FALSE(visible_match(firm_named_like_school, m));
}

TEST(Visibility, AFirmSeesPersonalDataOnlyAfterAcceptanceWithConsent) {
  for (const auto state : domain::kAllMatchStates) {
    const auto m = match(std::string(domain::match_state_name(state)));
    const bool accepted =
        state == domain::MatchState::kAccepted || state == domain::MatchState::kApproved;
    EXPECT_EQ(discloses_personal_data(kFirmA, m, trainee(true)), accepted) << m.state;
    EXPECT_FALSE(discloses_personal_data(kFirmA, m, trainee(false))) << m.state;
    EXPECT_FALSE(discloses_personal_data(kFirmB, m, trainee(true))) << m.state;
    // The trainee's organization and administrators always do; the other
    // organization never.
    EXPECT_TRUE(discloses_personal_data(kSchoolA, m, trainee(false))) << m.state;
    EXPECT_TRUE(discloses_personal_data(kAdmin, m, trainee(false))) << m.state;
    EXPECT_FALSE(discloses_personal_data(kSchoolB, m, trainee(true))) << m.state;
  }
}

TEST(Visibility, WithdrawingConsentToMatchingHidesPersonalDataAgain) {
  const auto m = match("approved");
  EXPECT_TRUE(discloses_personal_data(kFirmA, m, trainee(true, true, true)));
  EXPECT_FALSE(discloses_personal_data(kFirmA, m, trainee(true, true, false)));
  EXPECT_TRUE(discloses_personal_data(kSchoolA, m, trainee(true, true, false)));
}

TEST(Visibility, AnErasedTraineeDisclosesNothing) {
  const auto m = match("approved");
  EXPECT_FALSE(discloses_personal_data(kFirmA, m, trainee(true, false)));
  EXPECT_FALSE(discloses_personal_data(kSchoolA, m, trainee(true, false)));
  EXPECT_FALSE(discloses_personal_data(kAdmin, m, trainee(true, false)));
}

}  // namespace
}  // namespace kakehashi::api
