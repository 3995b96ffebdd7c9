// A trainee's own wishes (issue 15): projects, or one role of a project, it
// wants (best first) and the ones it refuses. Recorded by its training
// organization; stable rounds rank wanted ones first and never place a
// trainee where it refused, max_score never either.
#pragma once

#include <string>
#include <vector>

namespace kakehashi::domain {

struct PreferenceTarget {
  std::string project_id;
  std::string role;  // "": the project (every role of a team)
  bool operator==(const PreferenceTarget&) const = default;
  // Whether this target takes in `other`: the same, or its whole project.
  bool covers(const PreferenceTarget& other) const {
    return project_id == other.project_id && (role.empty() || role == other.role);
  }
};

struct TraineePreferences {
  std::string trainee_id;
  std::vector<PreferenceTarget> wanted;  // best first, at most 20
  std::vector<PreferenceTarget> refused;
};

}  // namespace kakehashi::domain
