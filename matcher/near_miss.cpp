#include "matcher/near_miss.hpp"

#include <algorithm>

namespace kakehashi::matcher {
namespace {

// The constraint a relaxation can change (the budget is scored, not a hard
// constraint: relaxing it makes nobody eligible).
bool touches(const Relaxation& r, const Reason& reason) {
  switch (r.kind) {
    case RelaxKind::kJapanese:
      return reason.code == ReasonCode::kJapaneseBelowMinimum;
    case RelaxKind::kEnglish:
      return reason.code == ReasonCode::kEnglishBelowMinimum;
    case RelaxKind::kMustHave:
      return reason.code == ReasonCode::kMissingMustHave && reason.skill == r.skill;
    case RelaxKind::kStartLater:
      return reason.code == ReasonCode::kUnavailable;
    case RelaxKind::kBudget:
      return false;
  }
  return false;
}

}  // namespace

std::vector<Relaxation> relaxations_of(const Project& project) {
  std::vector<Relaxation> out;
  if (project.jlpt_min > kJlptNone) {
    Relaxation r{RelaxKind::kJapanese, std::nullopt, project.jlpt_min,
                 project.jlpt_min - 1, project,      0};
    r.project.jlpt_min = static_cast<std::int8_t>(project.jlpt_min - 1);
    out.push_back(std::move(r));
  }
  if (project.cefr_min > kCefrNone) {
    Relaxation r{RelaxKind::kEnglish,  std::nullopt, project.cefr_min,
                 project.cefr_min - 1, project,      0};
    r.project.cefr_min = static_cast<std::int8_t>(project.cefr_min - 1);
    out.push_back(std::move(r));
  }
  for (std::size_t i = 0; i < project.skills.size(); ++i) {
    if (!project.skills[i].must_have) continue;
    Relaxation r{RelaxKind::kMustHave, project.skills[i].skill, 1, 0, project, 0};
    r.project.skills[i].must_have = false;
    out.push_back(std::move(r));
  }
  // A month later, if a date can still name it (a probe's project starting
  // 9999-12-31 was told to start "10000-01-30").
  if (project.start != kUnknownDay && project.start <= kLastDay - 30) {
    Relaxation r{RelaxKind::kStartLater, std::nullopt, project.start,
                 project.start + 30,     project,      0};
    r.project.start = project.start + 30;
    out.push_back(std::move(r));
  }
  if (project.budget_max != kUnknownAmount) {
    const auto raised = static_cast<std::int32_t>(project.budget_max * 11 / 10);
    Relaxation r{RelaxKind::kBudget, std::nullopt, project.budget_max, raised, project, 0};
    r.project.budget_max = raised;
    out.push_back(std::move(r));
  }
  return out;
}

NearMiss count_near_misses(const std::vector<Trainee>& pool, const Project& project,
                           const SkillGraph& graph) {
  NearMiss out;
  out.pool = pool.size();
  out.relaxations = relaxations_of(project);
  const ProjectPlan plan = plan_project(project, graph);
  std::vector<ProjectPlan> relaxed;
  for (const auto& r : out.relaxations) relaxed.push_back(plan_project(r.project, graph));
  for (const auto& t : pool) {
    const Explanation e = explain(plan, t);
    if (e.eligible) {
      ++out.eligible;
      continue;
    }
    std::array<bool, 8> seen{};
    for (const auto& reason : e.reasons) {
      const auto code = static_cast<std::size_t>(reason.code);
      if (code < seen.size() && !seen[code]) {
        seen[code] = true;
        ++out.excluded_by[code];
      }
    }
    for (std::size_t i = 0; i < out.relaxations.size(); ++i) {
      auto& r = out.relaxations[i];
      const bool could = std::all_of(e.reasons.begin(), e.reasons.end(),
                                     [&](const Reason& reason) { return touches(r, reason); });
      if (could && score(relaxed[i], t)) ++r.newly_eligible;
    }
  }
  return out;
}

}  // namespace kakehashi::matcher
