// Scores one trainee against one project demand: hard constraints first (each
// failure a named reason with the values involved), then a weighted sum of
// components in [0,1] whose contributions add up to the score.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "matcher/skill_graph.hpp"
#include "matcher/types.hpp"

namespace kakehashi::matcher {

enum class ReasonCode : std::uint8_t {
  kNoConsent,             // the trainee has not consented to matching
  kNotActive,             // placed or withdrawn
  kMissingMustHave,       // a must-have skill below its minimum level (or absent)
  kJapaneseBelowMinimum,  // JLPT below the project's minimum, or unknown
  kEnglishBelowMinimum,   // CEFR below the project's minimum, or unknown
  kUnavailable,           // available only after the project ends
  kEngagementMismatch,    // the trainee does not accept the project's engagement model
  kAvailableTooLate,      // available later after the start than the project tolerates
  kOverlapBelowMinimum,   // JST overlap (minutes a day, worst day) below the required minimum
  kHoursBelowMinimum,     // hours a week below the project's minimum
};

std::string_view reason_name(ReasonCode code);

struct Reason {
  ReasonCode code;
  std::int64_t required = 0;  // e.g. the minimum level, or the project's last day
  std::int64_t actual = 0;    // e.g. the trainee's level (-1 unknown), or first available day
  std::optional<SkillId> skill;
};

enum Component : std::uint8_t {
  kSkills,
  kJapanese,
  kEnglish,
  kTimezone,
  kAvailability,
  kRate,
  kExperience,
  kDomain,
  kHours,
  kComponentCount
};

std::string_view component_name(Component c);

struct ComponentScore {
  Component component;
  double weight;        // normalised: the weights sum to 1
  double value;         // [0,1]
  double contribution;  // weight * value
};

struct SkillEvidence {
  SkillId required;
  std::uint8_t min_level;
  std::uint8_t weight;
  bool must_have;
  std::optional<SkillId> via;  // the trainee's skill that earned the credit
  std::uint8_t level = 0;      // the trainee's level in `via`
  double similarity = 0;       // 1 for the skill itself
  double credit = 0;           // [0,1]
};

struct Explanation {
  Id trainee_id = 0;
  Id project_id = 0;
  bool eligible = false;
  double score = 0;  // the sum of the contributions
  std::vector<Reason> reasons;
  std::array<ComponentScore, kComponentCount> components{};
  std::vector<SkillEvidence> matched;  // credit > 0
  std::vector<SkillEvidence> missing;  // credit == 0
};

// A project prepared for scoring: weights normalised, related skills looked up.
struct PlannedSkill {
  RequiredSkill required;
  std::vector<RelatedSkill> related;
};

struct ProjectPlan {
  Project project;
  std::vector<PlannedSkill> skills;  // duplicates of a skill removed (first wins)
  std::array<double, kComponentCount> weights{};
  double skill_weight_total = 0;
  // Reciprocals, so the hot loops multiply instead of divide (0 when undefined).
  double inv_skill_weight = 0;
  double inv_overlap_needed = 0;
  double inv_budget_max = 0;
  double inv_budget_min = 0;
  double inv_hours_needed = 0;
  double inv_window = 0;  // 1 / days between the start and available_limit
  std::size_t must_have_count = 0;
  Day end = kUnknownDay;
  // The last day a trainee may become available: the end, or the start plus
  // the tolerance when that comes first. `tolerance_binds` says which.
  Day available_limit = kUnknownDay;
  bool tolerance_binds = false;
};

ProjectPlan plan_project(const Project& project, const SkillGraph& graph);

// --- the pieces both the scorer and the index use, so both compute the same
// doubles in the same order ---

// Credit for a trainee level against a minimum: 1 at or above it, 0.25 less per
// level short, 0 without the skill.
inline double level_credit(std::uint8_t level, std::uint8_t min_level) {
  if (level == 0) return 0;
  if (level >= min_level) return 1;
  const double c = 1.0 - 0.25 * (min_level - level);
  return c > 0 ? c : 0.0;
}
// Hours of overlap between the trainee's working hours and 09:00-18:00 JST, or
// a negative value when the trainee's UTC offset is unknown (today's offset).
double jst_overlap_hours(const Trainee& t);
double jst_overlap_hours(std::int16_t utc_offset_minutes, std::int16_t start, std::int16_t end);
// The overlap on the worst day of the project: with the offsets the project
// carries for the trainee's zone (DST-correct over its dates), else today's
// offset; 0 when the trainee works none of Japan's weekdays; negative when unknown.
double project_overlap_hours(const Project& p, std::uint16_t zone, std::int16_t today_offset,
                             std::int16_t start, std::int16_t end, std::uint8_t days);
double project_overlap_hours(const Project& p, const Trainee& t);

// Japanese as a value in [0,1]. JLPT is not linear: business use starts
// around N3/N2, so N5 and N4 are worth little and N2 most of N1. A
// self-declared level is worth 85% of a certified one. A BJT score counts
// when it is worth more (J1+ 600, J1 530, J2 420, J3 320, J4 200).
double jlpt_value(std::int8_t jlpt);
double bjt_value(std::int16_t score);
double japanese_value(std::int8_t jlpt, bool certified, std::int16_t bjt);
double japanese_value(const Trainee& t);

struct NonSkillInputs {
  double japanese;  // japanese_value()
  std::int8_t cefr;
  double overlap_hours;
  Day available_from;
  std::int32_t rate;
  std::uint64_t domains;
  std::int32_t hours;
};

// Components other than skills and experience.
void non_skill_values(const ProjectPlan& plan, const NonSkillInputs& in,
                      std::array<double, kComponentCount>& values);
double combine(const ProjectPlan& plan, const std::array<double, kComponentCount>& values);
bool passes_non_skill_constraints(const ProjectPlan& plan, bool active_and_consenting,
                                  std::int8_t jlpt, std::int8_t cefr, Day available_from,
                                  std::uint8_t engagement, double overlap_hours,
                                  std::int32_t hours);

// The score of an eligible pair, or nullopt when a hard constraint fails.
std::optional<double> score(const ProjectPlan& plan, const Trainee& trainee);

// The full explanation, for eligible and ineligible pairs alike.
Explanation explain(const ProjectPlan& plan, const Trainee& trainee);

}  // namespace kakehashi::matcher
