// A trainee as the service stores it: the public profile and, apart from it,
// the personal data (name and contact) that only the trainee's organization
// and administrators see.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kakehashi::domain {

struct SkillLevel {
  int skill_id = 0;
  std::string skill;  // canonical name
  int level = 1;      // 1..5
  std::optional<double> years;
};

struct Money {
  double amount = 0;
  std::string currency;  // ISO 4217
};

struct PersonalData {
  std::string full_name;
  std::string email;
  std::optional<std::string> phone;
  // Demographics (issue 17): optional, personal, reported only in aggregate.
  std::optional<std::string> gender;  // "female", "male", "other"
  std::optional<std::string> district;
};

struct TraineeProfile {
  std::optional<std::string> country;
  std::optional<std::string> city;
  std::optional<std::string> timezone;
  std::optional<std::string> program;
  std::vector<SkillLevel> skills;
  std::optional<std::string> japanese;            // "none", "N5".."N1"
  std::optional<std::string> english;             // "none", "A1".."C2"
  bool japanese_certified = false;                // a JLPT certificate, not a self-declared level
  std::optional<std::string> japanese_exam_date;  // YYYY-MM-DD; required when certified
  std::optional<int> bjt_score;                   // 0..800
  // Professional credentials ([{name, year, verified}]): shown to firms.
  std::string certifications_json = "[]";
  // Working hours, local "HH:MM", and days ("mon".."sun").
  std::string work_start = "09:00";
  std::string work_end = "18:00";
  std::vector<std::string> work_days = {"mon", "tue", "wed", "thu", "fri"};
  // Overrides the organization's salary-to-bill-rate multiplier.
  std::optional<double> bill_rate_multiplier;
  std::optional<std::string> available_from;  // YYYY-MM-DD
  std::optional<int> hours_per_week;
  std::optional<Money> expected_monthly_rate;
  std::vector<std::string> domains;
  std::vector<std::string> engagement;
  bool consent_matching = false;
  bool consent_share_abroad = false;
  std::optional<std::string> consent_recorded_at;
  std::string status = "active";
  // Server-owned: a trainee flagged as the same person holds an approved
  // placement through another organization, so this one is not matchable.
  bool placed_elsewhere = false;
};

// A trainee to be created: its personal data and profile as a client sent them.
struct NewTrainee {
  PersonalData personal;
  TraineeProfile profile;
};

struct TraineeRecord {
  std::string id;
  std::int64_t seq = 0;
  std::string organization_id;
  std::string alias;
  std::optional<PersonalData> personal;  // absent once erased
  TraineeProfile profile;
  std::int64_t version = 0;
  std::string created_at;
  std::string updated_at;
};

struct TraineeFilter {
  std::optional<std::string> organization_id;
  std::optional<int> skill_id;
  std::optional<int> min_level;
  std::optional<std::string> japanese_min;
  std::optional<std::string> status;
  std::optional<std::string> query;  // alias or program contains
  // The query also finds a name or email: for the trainees' own training
  // organization, which holds their personal data (not administrators, whose
  // reads of it are audited one by one, nor firms).
  bool query_personal = false;
  bool include_erased = false;
  std::int64_t after_seq = 0;
  int limit = 50;
};

// JLPT levels in order ("none" lowest) and their ordinal, or -1.
int jlpt_rank(const std::string& level);

}  // namespace kakehashi::domain
