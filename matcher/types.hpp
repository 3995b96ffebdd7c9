// The matcher's value types: a trainee's and a project demand's features as
// compact numbers. Unknown is a value of its own (kUnknown...), never a guess:
// an unknown earns no credit and cannot satisfy a stated requirement.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

namespace kakehashi::matcher {

using SkillId = std::uint32_t;
using Id = std::uint64_t;
using Day = std::int32_t;  // days since 1970-01-01

inline constexpr std::int8_t kUnknownLevel = -1;
inline constexpr Day kUnknownDay = std::numeric_limits<Day>::min();
// 9999-12-31: the last day a date (YYYY-MM-DD) can name.
inline constexpr Day kLastDay = 2'932'896;
inline constexpr std::int32_t kUnknownAmount = -1;
inline constexpr std::int16_t kUnknownOffset = std::numeric_limits<std::int16_t>::min();
inline constexpr std::uint16_t kUnknownZone = std::numeric_limits<std::uint16_t>::max();
// Working days as bits: bit 0 Monday ... bit 6 Sunday. Japan works Monday to
// Friday; a trainee who shares none of those days has no overlap with JST.
inline constexpr std::uint8_t kMondayToFriday = 0x1F;

// JLPT as an ordinal: 0 none, 1 N5 ... 5 N1; kUnknownLevel when not stated.
inline constexpr std::int8_t kJlptNone = 0;
inline constexpr std::int8_t kJlptN5 = 1;
inline constexpr std::int8_t kJlptN1 = 5;
// CEFR as an ordinal: 0 none, 1 A1 ... 6 C2.
inline constexpr std::int8_t kCefrNone = 0;
inline constexpr std::int8_t kCefrC2 = 6;

// Engagement models, as bits so a trainee may accept several.
enum Engagement : std::uint8_t {
  kOffshore = 1,
  kOnsiteJapan = 2,
  kHybrid = 4,
};

enum class TraineeStatus : std::uint8_t { kActive, kPlaced, kWithdrawn };

struct TraineeSkill {
  SkillId skill = 0;
  std::uint8_t level = 0;  // 1..5
  float years = 0;         // 0 when unknown
};

struct Trainee {
  Id id = 0;
  Id organization_id = 0;
  std::vector<TraineeSkill> skills;  // one entry per skill
  std::int8_t jlpt = kUnknownLevel;
  std::int8_t cefr = kUnknownLevel;
  bool jlpt_certified = true;   // false: self-declared, worth less than a certificate
  std::int16_t bjt_score = -1;  // BJT Business Japanese Proficiency Test, 0..800; -1 none
  // Offset of the trainee's local time from UTC, in minutes, today: used when
  // the project carries no offsets for the trainee's zone; kUnknownOffset when unknown.
  std::int16_t utc_offset_minutes = kUnknownOffset;
  // The trainee's IANA zone as an index into the project's zone_offsets.
  std::uint16_t zone = kUnknownZone;
  // Local working hours, in minutes after midnight (default 09:00-18:00), and days.
  std::int16_t work_start_minutes = 9 * 60;
  std::int16_t work_end_minutes = 18 * 60;
  std::uint8_t work_days = kMondayToFriday;
  Day available_from = kUnknownDay;
  std::int32_t hours_per_week = kUnknownAmount;
  // The monthly bill rate (salary times the training organization's
  // multiplier) in the common currency unit, at the exchange rate in force.
  std::int32_t expected_monthly_rate = kUnknownAmount;
  std::uint64_t domains = 0;    // bit d set: domain id d
  std::uint8_t engagement = 0;  // Engagement bits; 0 unknown
  bool consent_matching = false;
  TraineeStatus status = TraineeStatus::kActive;
};

struct RequiredSkill {
  SkillId skill = 0;
  std::uint8_t min_level = 1;  // 1..5
  std::uint8_t weight = 1;     // 1..5
  bool must_have = false;
};

// Component weights; a project may override the defaults. They need not sum to
// one: the scorer normalises them. A project that needs no Japanese gives
// Japanese no weight.
struct Weights {
  double skills = 0.38;
  double japanese = 0.12;
  double english = 0.05;
  double timezone = 0.10;
  double availability = 0.08;
  double rate = 0.10;
  double experience = 0.07;
  double domain = 0.05;
  double hours = 0.05;
};

// The UTC offsets (minutes) in force in one zone over a project's dates: one,
// or two when a DST change falls inside them (the extremes if more).
struct ZoneOffsets {
  std::int16_t first = kUnknownOffset;
  std::int16_t second = kUnknownOffset;
};

struct Project {
  Id id = 0;
  Id firm_id = 0;
  std::vector<RequiredSkill> skills;
  std::int8_t jlpt_min = kJlptNone;
  std::int8_t cefr_min = kCefrNone;
  std::int32_t headcount = 1;
  Day start = kUnknownDay;
  std::int32_t duration_months = 0;
  std::int32_t budget_min = kUnknownAmount;
  std::int32_t budget_max = kUnknownAmount;
  double overlap_hours_jst = 0;      // hours of overlap with 09:00-18:00 JST wanted (scored)
  double min_overlap_hours_jst = 0;  // hours of overlap required (a hard constraint); 0 none
  std::int32_t hours_per_week = kUnknownAmount;  // hours a week the project needs (scored)
  std::int32_t min_hours_per_week = 0;           // a hard constraint; 0 none
  // Calendar months a trainee may become available after the start; -1: any
  // time before the project ends.
  std::int32_t availability_tolerance_months = -1;
  // By zone id (Trainee::zone): the offsets in force over the project's dates.
  std::vector<ZoneOffsets> zone_offsets;
  std::int32_t domain = -1;  // domain id, -1 none
  std::uint8_t engagement = kOffshore;
  std::optional<Weights> weights;
};

// `months` calendar months after `day` (clamped to the month's last day:
// 31 January + 1 month is 28 or 29 February).
Day add_months(Day day, std::int32_t months);

// The day a project ends (start + duration in calendar months), or kUnknownDay.
inline Day project_end(const Project& p) {
  if (p.start == kUnknownDay) return kUnknownDay;
  return add_months(p.start, p.duration_months);
}

}  // namespace kakehashi::matcher
