// Trainee preferences (migration 0011): read and replaced whole.
#pragma once

#include <string>
#include <vector>

#include "domain/preferences.hpp"
#include "store/transaction.hpp"

namespace kakehashi::store {

domain::TraineePreferences find_preferences(Tx& t, const std::string& trainee_id);
// Replaces the trainee's wishes. Throws Conflict when a named project or
// role does not exist.
void replace_preferences(Tx& t, const domain::TraineePreferences& p);
// Every trainee's wishes about open projects, for a round.
std::vector<domain::TraineePreferences> open_project_preferences(Tx& t);

}  // namespace kakehashi::store
