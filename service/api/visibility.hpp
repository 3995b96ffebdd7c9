// Who may see what: the tenant rules of matches and the disclosure rule of a
// trainee's personal data. Pure functions, tested without a server.
#pragma once

#include "domain/principal.hpp"
#include "domain/trainee.hpp"
#include "store/matches.hpp"

namespace kakehashi::api {

// A match is visible to administrators, the project's firm and the trainee's
// training organization; to nobody else (they get 404, not 403).
bool visible_match(const domain::Principal& who, const store::MatchRow& m);

// Whether `who` reading this match sees the trainee's name and contact. The
// trainee's organization and administrators do; a firm only once the match is
// accepted or approved and the trainee (still) consents to matching and to
// sharing abroad.
bool discloses_personal_data(const domain::Principal& who, const store::MatchRow& m,
                             const domain::TraineeRecord& trainee);

}  // namespace kakehashi::api
