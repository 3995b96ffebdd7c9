#include "matcher/shortlist_round.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>

#include "matcher/generator.hpp"

namespace kakehashi::matcher {
namespace {

// Many projects competing for the same few strong trainees: each wants
// Python at level 4 or 5 (must-have) and one of a few other skills. Every
// shortlist starts as roughly the same 10 x seats + 20 trainees, so most
// projects find their first shortlist taken and must be shortlisted deeper.
struct Contest {
  std::shared_ptr<SkillGraph> graph = default_skill_graph();
  Instance inst;
  std::unique_ptr<CandidateIndex> index;
  std::vector<RoundProject> projects;

  explicit Contest(std::size_t trainees = 3000, std::size_t projects_wanted = 120) {
    inst = generate(*graph, {.trainees = trainees, .projects = 0, .seed = 17});
    const SkillId python = *graph->resolve("Python");
    const SkillId others[] = {*graph->resolve("SQL"), *graph->resolve("PyTorch"),
                              *graph->resolve("Docker")};
    for (std::size_t p = 0; p < projects_wanted; ++p) {
      Project pr;
      pr.id = p + 1;
      pr.firm_id = 1 + p % 5;
      pr.headcount = 1 + static_cast<std::int32_t>(p % 3 == 0);
      pr.skills = {{python, static_cast<std::uint8_t>(4 + p % 2), 3, true},
                   {others[p % 3], 2, 1, false}};
      inst.projects.push_back(pr);
    }
    index = std::make_unique<CandidateIndex>(graph);
    index->rebuild(inst.trainees, inst.projects);
    for (const auto& pr : inst.projects) {
      projects.push_back({plan_project(pr, *graph), pr.headcount});
    }
  }

  // Brute force over every trainee x project pair (score() for each): the
  // pairs that block `round`'s result, with the preferences of
  // allocate_stable.
  std::size_t blocking_pairs(const ShortlistRound& round, const std::unordered_set<Id>& excluded,
                             double min_score) const {
    std::map<Id, std::pair<std::uint32_t, double>> placed;  // trainee id -> project, score
    std::vector<std::vector<std::pair<double, Id>>> held(projects.size());
    for (const auto& a : round.result.assignments) {
      const Id id = round.input.trainees[a.trainee].id;
      placed[id] = {a.project, a.score};
      held[a.project].push_back({a.score, id});
    }
    std::size_t count = 0;
    for (const auto& t : inst.trainees) {
      if (excluded.count(t.id)) continue;
      for (std::uint32_t p = 0; p < projects.size(); ++p) {
        const auto s = score(projects[p].plan, t);
        if (!s || *s < min_score || projects[p].seats <= 0) continue;
        auto it = placed.find(t.id);
        if (it != placed.end()) {
          const auto [own, mine] = it->second;
          if (own == p || *s < mine) continue;
          if (*s == mine && projects[p].plan.project.id > projects[own].plan.project.id) continue;
        }
        bool wanted = static_cast<std::int32_t>(held[p].size()) < projects[p].seats;
        for (const auto& [hs, hid] : held[p]) {
          wanted = wanted || *s > hs || (*s == hs && t.id < hid);
        }
        if (wanted) ++count;
      }
    }
    return count;
  }
};

TEST(ShortlistRound, ContestedStableRoundIsDeepenedAndProvenStable) {
  const Contest c;
  const std::unordered_set<Id> none;
  const auto round = allocate_over_shortlists(*c.index, c.projects, none, {});
  EXPECT_GE(round.passes, 2);  // deepening happened
  // Deeper shortlists than the first pass's 10 x seats + 20.
  std::size_t first_pass_edges = 0;
  for (const auto& p : c.projects) first_pass_edges += static_cast<std::size_t>(p.seats) * 10 + 20;
  EXPECT_GT(round.input.edges.size(), first_pass_edges);
  EXPECT_TRUE(round.stability.checked);
  EXPECT_TRUE(round.stability.stable);
  EXPECT_EQ(round.stability.blocking_pairs, 0U);
  EXPECT_GE(round.stability.pairs_checked, round.input.edges.size());
  EXPECT_EQ(c.blocking_pairs(round, none, 0), 0U);
  EXPECT_GT(round.result.assignments.size(), 60U);
}

// Stopped after the first pass, the same round is not stable, and the check
// says so: it counts exactly the blocking pairs brute force finds.
TEST(ShortlistRound, AnUndeepenedRoundReportsItsBlockingPairs) {
  const Contest c;
  const std::unordered_set<Id> none;
  ShortlistOptions options;
  options.deepening_passes = 1;
  options.exhaust = false;
  const auto round = allocate_over_shortlists(*c.index, c.projects, none, options);
  EXPECT_EQ(round.passes, 1);
  EXPECT_TRUE(round.stability.checked);
  EXPECT_FALSE(round.stability.stable);
  EXPECT_GT(round.stability.blocking_pairs, 0U);
  EXPECT_GT(round.stability.pairs_checked, round.input.edges.size());  // beyond the shortlists
  EXPECT_EQ(round.stability.blocking_pairs, c.blocking_pairs(round, none, 0));
}

// With one deepening pass allowed, the projects still short of trainees are
// shortlisted whole; excluded trainees and a threshold are respected.
TEST(ShortlistRound, ExhaustingAfterThePassesEndsStable) {
  const Contest c;
  std::unordered_set<Id> busy;
  for (Id id = 1; id <= 3000; id += 300) busy.insert(id);
  ShortlistOptions options;
  options.deepening_passes = 1;
  options.min_score = 0.35;
  const auto round = allocate_over_shortlists(*c.index, c.projects, busy, options);
  EXPECT_GT(round.stability.exhausted_projects, 0U);
  EXPECT_TRUE(round.stability.stable);
  EXPECT_EQ(round.stability.blocking_pairs, 0U);
  EXPECT_EQ(c.blocking_pairs(round, busy, 0.35), 0U);
  for (const auto& t : round.input.trainees) EXPECT_FALSE(busy.count(t.id));
  for (const auto& e : round.input.edges) EXPECT_GE(e.score, 0.35);
}

// A project with more seats than the index holds trainees, all of them
// eligible and none excluded: its whole ranking is not "cut" however long it
// is, so the exhausting pass is the last one and the round ends, stable.
TEST(ShortlistRound, AProjectWantingMoreThanEveryoneEndsTheRound) {
  auto graph = default_skill_graph();
  auto inst = generate(*graph, {.trainees = 200, .projects = 0, .seed = 5});
  Project big;  // no skills: every trainee is eligible
  big.id = 1;
  big.firm_id = 1;
  big.headcount = 1000;
  Project small = big;
  small.id = 2;
  small.headcount = 1;
  inst.projects = {big, small};
  const std::vector<RoundProject> projects = {{plan_project(big, *graph), 1000},
                                              {plan_project(small, *graph), 1}};
  // Only trainees the project may take (some generated ones are not active).
  std::erase_if(inst.trainees, [&](const Trainee& t) { return !score(projects[0].plan, t); });
  const std::size_t everyone = inst.trainees.size();
  ASSERT_GT(everyone, 100U);
  CandidateIndex index(graph);
  index.rebuild(inst.trainees, inst.projects);
  ASSERT_EQ(index.top_candidates(projects[0].plan, 1000).size(), everyone);
  ShortlistOptions options;
  options.deepening_passes = 1;
  const auto round = allocate_over_shortlists(index, projects, {}, options);
  EXPECT_LE(round.passes, 2);
  EXPECT_EQ(round.result.assignments.size(), everyone);
  EXPECT_TRUE(round.stability.stable);
  EXPECT_EQ(round.stability.blocking_pairs, 0U);
}

TEST(ShortlistRound, MaxScoreRoundsAreNotChecked) {
  const Contest c(1000, 30);
  ShortlistOptions options;
  options.stable = false;
  options.max_per_org_per_project = 1;
  const auto round = allocate_over_shortlists(*c.index, c.projects, {}, options);
  EXPECT_FALSE(round.stability.checked);
  EXPECT_FALSE(round.result.assignments.empty());
}

// Projects competing for the same trainees: a max_score round is shortlisted
// deeper too, and its total is at least the stable round's (a probe's
// max_score round filled 48 of 60 one-seat projects and scored 32.4 where the
// stable round filled all 60 and scored 38.5).
TEST(ShortlistRound, AContestedMaxScoreRoundIsDeepenedAndScoresAtLeastTheStableOne) {
  const Contest c;
  auto total = [](const ShortlistRound& r) {
    double sum = 0;
    for (const auto& a : r.result.assignments) sum += a.score;
    return sum;
  };
  const auto stable = allocate_over_shortlists(*c.index, c.projects, {}, {});
  ShortlistOptions options;
  options.stable = false;
  const auto best = allocate_over_shortlists(*c.index, c.projects, {}, options);
  EXPECT_GE(best.passes, 2);
  EXPECT_GE(total(best), total(stable) - 1e-9);
  std::int32_t seats = 0;
  for (const auto& p : c.projects) seats += p.seats;
  EXPECT_EQ(best.result.assignments.size(), stable.result.assignments.size());
  EXPECT_LE(best.result.assignments.size(), static_cast<std::size_t>(seats));
}

}  // namespace
}  // namespace kakehashi::matcher
