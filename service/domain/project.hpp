// A Japanese firm's project demand as the service stores it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kakehashi::domain {

struct ProjectSkill {
  int skill_id = 0;
  std::string skill;  // canonical name
  int min_level = 1;  // 1..5
  int weight = 1;     // 1..5
  bool required = false;
};

// One role of a team (issue 15): its own seats and, where it states them,
// its own skills and language minimums; the project's apply otherwise.
struct ProjectRole {
  std::string key;  // [a-z0-9][a-z0-9_-]{0,39}, unique in the project
  std::string title;
  int headcount = 1;
  std::optional<std::vector<ProjectSkill>> skills;  // nullopt: the project's
  std::optional<std::string> japanese_min;          // nullopt: the project's
  std::optional<std::string> english_min;
};

struct ProjectData {
  std::string title;
  std::string description;
  std::optional<std::string> domain;
  std::vector<ProjectSkill> skills;
  std::string japanese_min = "none";
  std::string english_min = "none";
  int headcount = 1;
  std::string start_date;  // YYYY-MM-DD
  int duration_months = 1;
  std::optional<double> budget_min;
  std::optional<double> budget_max;
  std::optional<std::string> budget_currency;
  double overlap_hours_jst = 0;       // wanted (scored)
  double min_overlap_hours_jst = 0;   // required (0: none)
  std::optional<int> hours_per_week;  // needed (scored)
  int min_hours_per_week = 0;         // required (0: none)
  int availability_tolerance_months = 1;
  std::string engagement = "offshore";
  std::string status = "draft";
  std::optional<std::string> location;  // where the work is done (issue 16)
  // Empty: the project is one role (its seats are `headcount`); otherwise
  // `headcount` is the sum of the roles' (the database checks it).
  std::vector<ProjectRole> roles;
};

// What one role asks for: the project's data with the role's own fields in
// place of the project's, and the role's headcount. Pure; the matcher turns
// it into features like any project.
inline ProjectData role_demand(const ProjectData& project, const ProjectRole& role) {
  ProjectData d = project;
  d.roles.clear();
  d.headcount = role.headcount;
  if (role.skills) d.skills = *role.skills;
  if (role.japanese_min) d.japanese_min = *role.japanese_min;
  if (role.english_min) d.english_min = *role.english_min;
  return d;
}

struct ProjectRecord {
  std::string id;
  std::int64_t seq = 0;
  std::string organization_id;
  ProjectData data;
  std::int64_t version = 0;
  std::string created_at;
  std::string updated_at;
};

// A role's free seats before a round (role "": a project without roles).
struct OpenSeats {
  std::string project_id;
  std::string role;
  int seats = 0;
};

struct ProjectFilter {
  std::optional<std::string> organization_id;
  std::optional<std::string> status;
  std::optional<std::string> domain;
  std::optional<int> skill_id;
  std::int64_t after_seq = 0;
  int limit = 50;
};

}  // namespace kakehashi::domain
