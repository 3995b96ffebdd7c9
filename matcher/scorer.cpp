#include "matcher/scorer.hpp"

#include <algorithm>
#include <cmath>

namespace kakehashi::matcher {
namespace {

constexpr double kPerLateDay = 1.0 / 90;  // availability falls to 0 at 90 days late
constexpr double kPerJlptLevel = 1.0 / kJlptN1;
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
  const Weights w = project.weights.value_or(Weights{});
  const std::array<double, kComponentCount> raw = {
      w.skills, w.japanese, w.english, w.timezone, w.availability, w.rate, w.experience, w.domain};
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

void non_skill_values(const ProjectPlan& plan, const NonSkillInputs& in,
                      std::array<double, kComponentCount>& v) {
  const Project& p = plan.project;
  v[kJapanese] = in.jlpt > 0 ? in.jlpt * kPerJlptLevel : 0.0;
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
  } else {
    v[kAvailability] = std::max(0.0, 1.0 - (in.available_from - p.start) * kPerLateDay);
  }
  if (in.rate < 0 || p.budget_max <= 0) {
    v[kRate] = 0;
  } else if (in.rate <= p.budget_max) {
    v[kRate] = 1;
  } else {
    const double over = (in.rate - p.budget_max) * plan.inv_budget_max;
    v[kRate] = std::max(0.0, 1.0 - 2.0 * over);
  }
  v[kDomain] = (p.domain >= 0 && p.domain < 64 && ((in.domains >> p.domain) & 1U)) ? 1.0 : 0.0;
}

double combine(const ProjectPlan& plan, const std::array<double, kComponentCount>& values) {
  double total = 0;
  for (std::size_t c = 0; c < kComponentCount; ++c) total += plan.weights[c] * values[c];
  return total;
}

bool passes_non_skill_constraints(const ProjectPlan& plan, bool active_and_consenting,
                                  std::int8_t jlpt, std::int8_t cefr, Day available_from,
                                  std::uint8_t engagement) {
  const Project& p = plan.project;
  if (!active_and_consenting) return false;
  if (p.jlpt_min > 0 && jlpt < p.jlpt_min) return false;
  if (p.cefr_min > 0 && cefr < p.cefr_min) return false;
  if (available_from != kUnknownDay && plan.end != kUnknownDay && available_from > plan.end) {
    return false;
  }
  if (engagement != 0 && (engagement & p.engagement) == 0) return false;
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
  non_skill_values(
      plan,
      {t.jlpt, t.cefr, jst_overlap_hours(t), t.available_from, t.expected_monthly_rate, t.domains},
      ev.values);
  return ev;
}

}  // namespace

std::optional<double> score(const ProjectPlan& plan, const Trainee& t) {
  // The same arithmetic as evaluate(), in the same order, without evidence:
  // cheap rejections first.
  const bool ok = t.consent_matching && t.status == TraineeStatus::kActive;
  if (!passes_non_skill_constraints(plan, ok, t.jlpt, t.cefr, t.available_from, t.engagement)) {
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
  non_skill_values(
      plan,
      {t.jlpt, t.cefr, jst_overlap_hours(t), t.available_from, t.expected_monthly_rate, t.domains},
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
  if (t.available_from != kUnknownDay && plan.end != kUnknownDay && t.available_from > plan.end) {
    ex.reasons.push_back({ReasonCode::kUnavailable, plan.end, t.available_from, std::nullopt});
  }
  if (t.engagement != 0 && (t.engagement & p.engagement) == 0) {
    ex.reasons.push_back(
        {ReasonCode::kEngagementMismatch, p.engagement, t.engagement, std::nullopt});
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
