#include "api/visibility.hpp"

#include "domain/statuses.hpp"

namespace kakehashi::api {

bool visible_match(const domain::Principal& who, const store::MatchRow& m) {
  switch (who.role) {
    case domain::Role::kAdmin:
      return true;
    case domain::Role::kFirm:
      return m.firm_id == who.organization_id;
    case domain::Role::kTrainingOrg:
      return m.training_org_id == who.organization_id;
  }
  return false;
}

bool discloses_personal_data(const domain::Principal& who, const store::MatchRow& m,
                             const domain::TraineeRecord& trainee) {
  if (!visible_match(who, m) || !trainee.personal) return false;
  if (who.role != domain::Role::kFirm) return true;
  const auto state = domain::parse_match_state(m.state);
  const bool accepted =
      state == domain::MatchState::kAccepted || state == domain::MatchState::kApproved;
  // Both consents, as they are now: withdrawing either hides the data again.
  return accepted && trainee.profile.consent_matching && trainee.profile.consent_share_abroad;
}

}  // namespace kakehashi::api
