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
};

struct ProjectRecord {
  std::string id;
  std::int64_t seq = 0;
  std::string organization_id;
  ProjectData data;
  std::int64_t version = 0;
  std::string created_at;
  std::string updated_at;
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
