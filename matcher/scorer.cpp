#include "matcher/scorer.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace kakehashi::matcher {
namespace {

constexpr double kPerLateDay = 1.0 / 90;  // without a tolerance: 0 at 90 days late
constexpr double kPerCefrLevel = 1.0 / kCefrC2;
constexpr double kPerJstHour = 1.0 / 9;
constexpr double kExperienceCapYears = 5;
constexpr double kPerExperienceYear = 1.0 / kExperienceCapYears;

struct SkillLookup {
  const std::vector<TraineeSkill>& skills;
  const TraineeSkill* find(SkillId id) const {
    for (const auto& s : skills) {
      if (s.skill == id) return &s;
    }
    return nullptr;
  }
};

// Evaluates required skill `ps` for a trainee: the best credit over the skill
// itself and its related skills, and the years of the skill itself.
SkillEvidence evaluate_skill(const PlannedSkill& ps, const SkillLookup& lookup, double* years) {
  SkillEvidence e{ps.required.skill,
                  ps.required.min_level,
                  ps.required.weight,
                  ps.required.must_have,
                  std::nullopt,
                  0,
                  0,
                  0};
  *years = 0;
  if (const auto* own = lookup.find(ps.required.skill)) {
    e.via = own->skill;
    e.level = own->level;
    e.similarity = 1;
    e.credit = level_credit(own->level, ps.required.min_level);
    *years = std::min<double>(own->years, kExperienceCapYears) * kPerExperienceYear;
  }
  for (const auto& rel : ps.related) {
    if (const auto* near = lookup.find(rel.skill)) {
      const double c = rel.similarity * level_credit(near->level, ps.required.min_level);
      if (c > e.credit) {
        e.via = near->skill;
        e.level = near->level;
        e.similarity = rel.similarity;
        e.credit = c;
      }
    }
  }
  return e;
}

// The credit evaluate_skill() would give, without building evidence.
double best_credit(const PlannedSkill& ps, const SkillLookup& lookup, double* years) {
  double credit = 0;
  *years = 0;
  if (const auto* own = lookup.find(ps.required.skill)) {
    credit = level_credit(own->level, ps.required.min_level);
    *years = std::min<double>(own->years, kExperienceCapYears) * kPerExperienceYear;
  }
  for (const auto& rel : ps.related) {
    if (const auto* near = lookup.find(rel.skill)) {
      const double c = rel.similarity * level_credit(near->level, ps.required.min_level);
      if (c > credit) credit = c;
    }
  }
  return credit;
}

}  // namespace

std::string_view reason_name(ReasonCode code) {
  switch (code) {
    case ReasonCode::kNoConsent:
      return "no_consent";
    case ReasonCode::kNotActive:
      return "not_active";
    case ReasonCode::kMissingMustHave:
      return "missing_must_have_skill";
    case ReasonCode::kJapaneseBelowMinimum:
      return "japanese_below_minimum";
    case ReasonCode::kEnglishBelowMinimum:
      return "english_below_minimum";
    case ReasonCode::kUnavailable:
      return "unavailable_before_project_end";
    case ReasonCode::kEngagementMismatch:
      return "engagement_mismatch";
    case ReasonCode::kAvailableTooLate:
      return "available_after_start_tolerance";
    case ReasonCode::kOverlapBelowMinimum:
      return "jst_overlap_below_minimum";
    case ReasonCode::kHoursBelowMinimum:
      return "hours_per_week_below_minimum";
  }
  return "unknown";
}

std::string_view component_name(Component c) {
  switch (c) {
    case kSkills:
      return "skills";
    case kJapanese:
      return "japanese";
    case kEnglish:
      return "english";
    case kTimezone:
      return "timezone_overlap";
    case kAvailability:
      return "availability";
    case kRate:
      return "rate";
    case kExperience:
      return "experience";
    case kDomain:
      return "domain";
    case kHours:
      return "hours_per_week";
    case kComponentCount:
      break;
  }
  return "unknown";
}

ProjectPlan plan_project(const Project& project, const SkillGraph& graph) {
  ProjectPlan plan;
  plan.project = project;
  plan.end = project_end(project);
  for (const auto& req : project.skills) {
    const bool seen = std::any_of(plan.skills.begin(), plan.skills.end(),
                                  [&](const auto& p) { return p.required.skill == req.skill; });
    if (seen) continue;
    PlannedSkill ps{req, {}};
    for (const auto& rel : graph.related(req.skill)) ps.related.push_back(rel);
    plan.skill_weight_total += req.weight;
    if (req.must_have) ++plan.must_have_count;
    plan.skills.push_back(std::move(ps));
  }
  plan.inv_skill_weight = plan.skill_weight_total > 0 ? 1.0 / plan.skill_weight_total : 0.0;
  plan.inv_overlap_needed = project.overlap_hours_jst > 0 ? 1.0 / project.overlap_hours_jst : 0.0;
  plan.inv_budget_max = project.budget_max > 0 ? 1.0 / project.budget_max : 0.0;
  plan.inv_budget_min = project.budget_min > 0 ? 1.0 / project.budget_min : 0.0;
  plan.inv_hours_needed = 1.0 / (project.hours_per_week > 0 ? project.hours_per_week : 40);
  plan.available_limit = plan.end;
  if (project.start != kUnknownDay && project.availability_tolerance_months >= 0) {
    const Day tolerated = add_months(project.start, project.availability_tolerance_months);
    if (plan.end == kUnknownDay || tolerated < plan.end) {
      plan.available_limit = tolerated;
      plan.tolerance_binds = true;
    }
  }
  if (plan.tolerance_binds && plan.available_limit > project.start) {
    plan.inv_window = 1.0 / (plan.available_limit - project.start);
  }
  const Weights w = project.weights.value_or(Weights{});
  // A project that needs no Japanese gives it no weight.
  const double japanese = project.jlpt_min > 0 ? w.japanese : 0.0;
  const std::array<double, kComponentCount> raw = {w.skills,     japanese,       w.english,
                                                   w.timezone,   w.availability, w.rate,
                                                   w.experience, w.domain,       w.hours};
  double total = 0;
  for (double x : raw) total += std::max(0.0, x);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    plan.weights[i] = total > 0 ? std::max(0.0, raw[i]) / total : 0.0;
  }
  return plan;
}

double jst_overlap_hours(std::int16_t utc_offset_minutes, std::int16_t start, std::int16_t end) {
  if (utc_offset_minutes == kUnknownOffset) return -1;
  constexpr int kDay = 24 * 60;
  constexpr int kJstStart = 0;     // 09:00 JST in minutes after 00:00 UTC
  constexpr int kJstEnd = 9 * 60;  // 18:00 JST
  int length = end - start;
  if (length <= 0) length += kDay;
  const int a = (((start - utc_offset_minutes) % kDay) + kDay) % kDay;
  int minutes = 0;
  for (int k = -1; k <= 1; ++k) {
    const int lo = std::max(a + k * kDay, kJstStart);
    const int hi = std::min(a + length + k * kDay, kJstEnd);
    if (hi > lo) minutes += hi - lo;
  }
  return minutes / 60.0;
}

double jst_overlap_hours(const Trainee& t) {
  return jst_overlap_hours(t.utc_offset_minutes, t.work_start_minutes, t.work_end_minutes);
}

double project_overlap_hours(const Project& p, std::uint16_t zone, std::int16_t today_offset,
                             std::int16_t start, std::int16_t end, std::uint8_t days) {
  double hours = -1;
  if (zone < p.zone_offsets.size() && p.zone_offsets[zone].first != kUnknownOffset) {
    const ZoneOffsets& z = p.zone_offsets[zone];
    hours = jst_overlap_hours(z.first, start, end);
    if (z.second != kUnknownOffset)
      hours = std::min(hours, jst_overlap_hours(z.second, start, end));
  } else {
    hours = jst_overlap_hours(today_offset, start, end);
  }
  // Averaged over Japan's five weekdays: a weekday the trainee does not work
  // overlaps by nothing (a Sunday-Thursday week, as in Bangladesh, overlaps
  // on four of them: 6 hours a day is 4.8 on average; it had read as 6).
  if (hours > 0) hours *= std::popcount(static_cast<unsigned>(days & kMondayToFriday)) / 5.0;
  return hours;
}

double project_overlap_hours(const Project& p, const Trainee& t) {
  return project_overlap_hours(p, t.zone, t.utc_offset_minutes, t.work_start_minutes,
                               t.work_end_minutes, t.work_days);
}

double jlpt_value(std::int8_t jlpt) {
  // none, N5, N4, N3, N2, N1
  static constexpr std::array<double, 6> kValue = {0.0, 0.05, 0.15, 0.45, 0.80, 1.0};
  return jlpt > 0 && jlpt <= kJlptN1 ? kValue[static_cast<std::size_t>(jlpt)] : 0.0;
}

double bjt_value(std::int16_t score) {
  if (score < 0) return 0;
  if (score >= 600) return 1.0;   // J1+
  if (score >= 530) return 0.90;  // J1
  if (score >= 420) return 0.75;  // J2
  if (score >= 320) return 0.45;  // J3
  if (score >= 200) return 0.15;  // J4
  return 0.05;                    // J5
}

double japanese_value(std::int8_t jlpt, bool certified, std::int16_t bjt) {
  const double j = jlpt_value(jlpt) * (certified ? 1.0 : 0.85);
  return std::max(j, bjt_value(bjt));
}

double japanese_value(const Trainee& t) {
  return japanese_value(t.jlpt, t.jlpt_certified, t.bjt_score);
}

Day add_months(Day day, std::int32_t months) {
  // civil_from_days and days_from_civil (Howard Hinnant).
  std::int64_t z = std::int64_t{day} + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  std::int64_t month_index = y * 12 + (m - 1) + months;
  y = month_index >= 0 ? month_index / 12 : (month_index - 11) / 12;
  const auto m2 = static_cast<unsigned>(month_index - y * 12 + 1);
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const unsigned last = m2 == 2 && leap ? 29 : kDays[m2 - 1];
  d = std::min(d, last);
  y -= m2 <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe2 = static_cast<unsigned>(y - era * 400);
  const unsigned doy2 = (153 * (m2 > 2 ? m2 - 3 : m2 + 9) + 2) / 5 + d - 1;
  doe = yoe2 * 365 + yoe2 / 4 - yoe2 / 100 + doy2;
  return static_cast<Day>(era * 146097 + static_cast<std::int64_t>(doe) - 719468);
}

void non_skill_values(const ProjectPlan& plan, const NonSkillInputs& in,
                      std::array<double, kComponentCount>& v) {
  const Project& p = plan.project;
  v[kJapanese] = in.japanese;
  v[kEnglish] = in.cefr > 0 ? in.cefr * kPerCefrLevel : 0.0;
  if (in.overlap_hours < 0) {
    v[kTimezone] = 0;
  } else if (p.overlap_hours_jst > 0) {
    v[kTimezone] = std::min(1.0, in.overlap_hours * plan.inv_overlap_needed);
  } else {
    v[kTimezone] = in.overlap_hours * kPerJstHour;
  }
  if (in.available_from == kUnknownDay) {
    v[kAvailability] = 0;
  } else if (p.start == kUnknownDay || in.available_from <= p.start) {
    v[kAvailability] = 1;
  } else if (plan.tolerance_binds) {
    // Within the tolerance: from 1 on the start to 0.25 on its last day.
    v[kAvailability] = std::max(0.0, 1.0 - 0.75 * (in.available_from - p.start) * plan.inv_window);
  } else {
    v[kAvailability] = std::max(0.0, 1.0 - (in.available_from - p.start) * kPerLateDay);
  }
  if (in.rate < 0 || p.budget_max <= 0) {
    v[kRate] = 0;
  } else if (in.rate > p.budget_max) {
    const double over = (in.rate - p.budget_max) * plan.inv_budget_max;
    v[kRate] = std::max(0.0, 1.0 - 2.0 * over);
  } else if (p.budget_min > 0 && in.rate < p.budget_min) {
    // Cheaper than the firm priced the role: no cost problem, but the firm
    // expected a more senior profile for the money. Half a point at most.
    const double under = (p.budget_min - in.rate) * plan.inv_budget_min;
    v[kRate] = 1.0 - 0.5 * under;
  } else {
    v[kRate] = 1;
  }
  v[kHours] = in.hours < 0 ? 0.0 : std::min(1.0, in.hours * plan.inv_hours_needed);
  v[kDomain] = (p.domain >= 0 && p.domain < 64 && ((in.domains >> p.domain) & 1U)) ? 1.0 : 0.0;
}

double combine(const ProjectPlan& plan, const std::array<double, kComponentCount>& values) {
  double total = 0;
  for (std::size_t c = 0; c < kComponentCount; ++c) total += plan.weights[c] * values[c];
  return total;
}

bool passes_non_skill_constraints(const ProjectPlan& plan, bool active_and_consenting,
                                  std::int8_t jlpt, std::int8_t cefr, Day available_from,
                                  std::uint8_t engagement, double overlap_hours,
                                  std::int32_t hours) {
  const Project& p = plan.project;
  if (!active_and_consenting) return false;
  if (p.jlpt_min > 0 && jlpt < p.jlpt_min) return false;
  if (p.cefr_min > 0 && cefr < p.cefr_min) return false;
  if (available_from != kUnknownDay && plan.available_limit != kUnknownDay &&
      available_from > plan.available_limit) {
    return false;
  }
  if (engagement != 0 && (engagement & p.engagement) == 0) return false;
  if (p.min_overlap_hours_jst > 0 && overlap_hours < p.min_overlap_hours_jst) return false;
  if (p.min_hours_per_week > 0 && hours < p.min_hours_per_week) return false;
  return true;
}

namespace {

// Shared by score() and explain(): component values and eligibility.
struct Evaluation {
  std::array<double, kComponentCount> values{};
  std::vector<SkillEvidence> evidence;
  bool must_haves_met = true;
};

Evaluation evaluate(const ProjectPlan& plan, const Trainee& t, bool keep_evidence) {
  Evaluation ev;
  const SkillLookup lookup{t.skills};
  double skill_acc = 0;
  double years_acc = 0;
  for (const auto& ps : plan.skills) {
    double years = 0;
    SkillEvidence e = evaluate_skill(ps, lookup, &years);
    const double w = ps.required.weight;
    skill_acc += w * e.credit;
    years_acc += w * years;
    if (ps.required.must_have) {
      // Related skills earn credit but never satisfy a must-have.
      const auto* own = lookup.find(ps.required.skill);
      if (!own || own->level < ps.required.min_level) ev.must_haves_met = false;
    }
    if (keep_evidence) ev.evidence.push_back(e);
  }
  ev.values[kSkills] = skill_acc * plan.inv_skill_weight;
  ev.values[kExperience] = years_acc * plan.inv_skill_weight;
  non_skill_values(plan,
                   {japanese_value(t), t.cefr, project_overlap_hours(plan.project, t),
                    t.available_from, t.expected_monthly_rate, t.domains, t.hours_per_week},
                   ev.values);
  return ev;
}

}  // namespace

std::optional<double> score(const ProjectPlan& plan, const Trainee& t) {
  // The same arithmetic as evaluate(), in the same order, without evidence:
  // cheap rejections first.
  const bool ok = t.consent_matching && t.status == TraineeStatus::kActive;
  const double overlap = project_overlap_hours(plan.project, t);
  if (!passes_non_skill_constraints(plan, ok, t.jlpt, t.cefr, t.available_from, t.engagement,
                                    overlap, t.hours_per_week)) {
    return std::nullopt;
  }
  const SkillLookup lookup{t.skills};
  if (plan.must_have_count > 0) {
    for (const auto& ps : plan.skills) {
      if (!ps.required.must_have) continue;
      const auto* own = lookup.find(ps.required.skill);
      if (!own || own->level < ps.required.min_level) return std::nullopt;
    }
  }
  std::array<double, kComponentCount> values{};
  double skill_acc = 0;
  double years_acc = 0;
  for (const auto& ps : plan.skills) {
    double years = 0;
    const double credit = best_credit(ps, lookup, &years);
    const double w = ps.required.weight;
    skill_acc += w * credit;
    years_acc += w * years;
  }
  values[kSkills] = skill_acc * plan.inv_skill_weight;
  values[kExperience] = years_acc * plan.inv_skill_weight;
  non_skill_values(plan,
                   {japanese_value(t), t.cefr, overlap, t.available_from, t.expected_monthly_rate,
                    t.domains, t.hours_per_week},
                   values);
  return combine(plan, values);
}

Explanation explain(const ProjectPlan& plan, const Trainee& t) {
  const Project& p = plan.project;
  Explanation ex;
  ex.trainee_id = t.id;
  ex.project_id = p.id;
  if (!t.consent_matching) ex.reasons.push_back({ReasonCode::kNoConsent, 1, 0, std::nullopt});
  if (t.status != TraineeStatus::kActive) {
    ex.reasons.push_back({ReasonCode::kNotActive, 0, static_cast<int>(t.status), std::nullopt});
  }
  Evaluation ev = evaluate(plan, t, true);
  const SkillLookup lookup{t.skills};
  for (const auto& ps : plan.skills) {
    if (!ps.required.must_have) continue;
    const auto* own = lookup.find(ps.required.skill);
    const int level = own ? own->level : 0;
    if (level < ps.required.min_level) {
      ex.reasons.push_back(
          {ReasonCode::kMissingMustHave, ps.required.min_level, level, ps.required.skill});
    }
  }
  if (p.jlpt_min > 0 && t.jlpt < p.jlpt_min) {
    ex.reasons.push_back({ReasonCode::kJapaneseBelowMinimum, p.jlpt_min, t.jlpt, std::nullopt});
  }
  if (p.cefr_min > 0 && t.cefr < p.cefr_min) {
    ex.reasons.push_back({ReasonCode::kEnglishBelowMinimum, p.cefr_min, t.cefr, std::nullopt});
  }
  if (t.available_from != kUnknownDay && plan.available_limit != kUnknownDay &&
      t.available_from > plan.available_limit) {
    ex.reasons.push_back(
        {plan.tolerance_binds ? ReasonCode::kAvailableTooLate : ReasonCode::kUnavailable,
         plan.available_limit, t.available_from, std::nullopt});
  }
  if (t.engagement != 0 && (t.engagement & p.engagement) == 0) {
    ex.reasons.push_back(
        {ReasonCode::kEngagementMismatch, p.engagement, t.engagement, std::nullopt});
  }
  const double overlap = project_overlap_hours(p, t);
  if (p.min_overlap_hours_jst > 0 && overlap < p.min_overlap_hours_jst) {
    // Minutes, so the numbers stay whole: required, and actual (-1 unknown).
    ex.reasons.push_back({ReasonCode::kOverlapBelowMinimum,
                          std::llround(p.min_overlap_hours_jst * 60),
                          overlap < 0 ? -1 : std::llround(overlap * 60), std::nullopt});
  }
  if (p.min_hours_per_week > 0 && t.hours_per_week < p.min_hours_per_week) {
    ex.reasons.push_back(
        {ReasonCode::kHoursBelowMinimum, p.min_hours_per_week, t.hours_per_week, std::nullopt});
  }
  ex.eligible = ex.reasons.empty();
  double total = 0;
  for (std::size_t c = 0; c < kComponentCount; ++c) {
    const double contribution = plan.weights[c] * ev.values[c];
    ex.components[c] = {static_cast<Component>(c), plan.weights[c], ev.values[c], contribution};
    total += contribution;
  }
  ex.score = total;
  for (auto& e : ev.evidence) (e.credit > 0 ? ex.matched : ex.missing).push_back(e);
  return ex;
}

}  // namespace kakehashi::matcher
