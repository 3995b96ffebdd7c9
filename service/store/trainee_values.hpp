// How a trainee's profile becomes statement parameters, shared by the
// single-row writes (trainees.cpp) and the COPY import (trainee_import.cpp).
// For store/*.cpp only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/trainee.hpp"

namespace kakehashi::store {

// A fresh public alias, "KH-" and ten hex digits; the caller retries on a clash.
std::string new_alias();
// `count` of them, drawn at once (a bulk import's).
std::vector<std::string> new_aliases(std::size_t count);

// The expected monthly rate as a numeric parameter and its currency.
std::optional<std::string> rate_amount(const domain::TraineeProfile& p);
std::optional<std::string> rate_currency(const domain::TraineeProfile& p);

// The skills as the row holds them (migration 0070): integer[], smallint[]
// and numeric[] literals of one length, in ascending skill order.
struct SkillArrays {
  std::string ids;
  std::string levels;
  std::string years;
};
SkillArrays skill_arrays(const domain::TraineeProfile& p);

// The value a numeric column of `scale` decimal places stores for `v` sent as
// decimal_text(v): that text rounded half away from zero, as PostgreSQL rounds.
double stored_decimal(double v, int scale);
// The profile as its row holds it, for a record built without reading it
// back: skills in ascending skill order, years, rate and multiplier rounded
// to their columns' scales.
void as_stored(domain::TraineeProfile& p);

}  // namespace kakehashi::store
