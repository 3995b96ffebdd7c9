// Programme figures for administrators: trainees by organization and status,
// projects and their unfilled seats, matches by state.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "store/transaction.hpp"

namespace kakehashi::store {

struct ProgrammeStats {
  struct Organization {
    std::string id;
    std::string name;
    std::map<std::string, long> by_status;
    // Fairness (issue 15): trainees who consent to matching and are not
    // erased, and of them the placed ones.
    long pool = 0;
    long placed = 0;
  };
  std::vector<Organization> trainees_by_organization;  // in name order
  long open_projects = 0;
  long unfilled_seats = 0;
  long projects = 0;
  std::map<std::string, long> matches_by_state;
};

ProgrammeStats programme_stats(Tx& t);

}  // namespace kakehashi::store
