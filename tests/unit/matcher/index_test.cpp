#include "matcher/index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <string>
#include <thread>

#include "matcher/generator.hpp"

namespace kakehashi::matcher {
namespace {

std::vector<Ranked> brute_force(const ProjectPlan& plan, const std::vector<Trainee>& trainees,
                                std::size_t k) {
  std::vector<Ranked> all;
  for (const auto& t : trainees) {
    if (auto s = score(plan, t)) all.push_back({t.id, *s});
  }
  std::sort(all.begin(), all.end(), [](const Ranked& a, const Ranked& b) {
    return a.score > b.score || (a.score == b.score && a.id < b.id);
  });
  if (all.size() > k) all.resize(k);
  return all;
}

void expect_same(const std::vector<Ranked>& a, const std::vector<Ranked>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id) << "rank " << i;
    EXPECT_EQ(a[i].score, b[i].score) << "rank " << i;
  }
}

class IndexTest : public ::testing::Test {
 protected:
  std::shared_ptr<SkillGraph> graph_ = default_skill_graph();
};

TEST_F(IndexTest, TopCandidatesEqualBruteForce) {
  for (std::uint64_t seed : {1, 2, 3}) {
    auto inst = generate(*graph_, {.trainees = 3000, .projects = 30, .seed = seed});
    CandidateIndex index(graph_);
    index.rebuild(inst.trainees, inst.projects);
    std::size_t non_empty = 0;
    for (const auto& p : inst.projects) {
      const auto plan = plan_project(p, *graph_);
      for (std::size_t k : {1, 20, 5000}) {
        const auto got = index.top_candidates(plan, k);
        expect_same(got, brute_force(plan, inst.trainees, k));
        if (!got.empty()) ++non_empty;
      }
    }
    EXPECT_GT(non_empty, 30U);
  }
}

TEST_F(IndexTest, TopCandidatesWithManyRelatedSkillsEqualBruteForce) {
  // A required skill with 40 related skills: more than any fixed-size table of
  // related lists per skill would hold, so credit earned only through the
  // later ones must still count exactly as the scorer counts it.
  constexpr SkillId kRelatedCount = 40;
  auto graph = std::make_shared<SkillGraph>();
  const SkillId hub = graph->add_skill("hub");
  const SkillId other = graph->add_skill("other");
  std::vector<SkillId> related;
  for (SkillId i = 0; i < kRelatedCount; ++i) {
    related.push_back(graph->add_skill("related " + std::to_string(i)));
    // Similarities in (0,1), not monotonic in the list's order.
    graph->add_related(hub, related.back(),
                       0.05 + 0.9 * ((i * 17) % kRelatedCount) / kRelatedCount);
  }
  ASSERT_EQ(graph->related(hub).size(), kRelatedCount);

  std::mt19937_64 rng(42);
  auto pick = [&](std::uint64_t n) { return rng() % n; };
  std::vector<Trainee> trainees;
  for (Id id = 1; id <= 600; ++id) {
    Trainee t;
    t.id = id;
    t.consent_matching = true;
    t.jlpt = static_cast<std::int8_t>(pick(6));
    t.cefr = static_cast<std::int8_t>(pick(7));
    t.available_from = static_cast<Day>(19'990 + pick(40));
    t.expected_monthly_rate = static_cast<std::int32_t>(1'000 + pick(2'000));
    auto add = [&](SkillId skill) {
      if (std::any_of(t.skills.begin(), t.skills.end(),
                      [&](const TraineeSkill& s) { return s.skill == skill; })) {
        return;
      }
      t.skills.push_back(
          {skill, static_cast<std::uint8_t>(1 + pick(5)), static_cast<float>(pick(80)) / 10.0F});
    };
    // Most hold only the 20th to 40th related skills; some also one of the
    // first sixteen, the required skill itself or the other required skill.
    for (std::uint64_t n = 1 + pick(3); n > 0; --n) add(related[19 + pick(kRelatedCount - 19)]);
    if (pick(4) == 0) add(related[pick(16)]);
    if (pick(5) == 0) add(hub);
    if (pick(3) == 0) add(other);
    std::sort(t.skills.begin(), t.skills.end(),
              [](const TraineeSkill& a, const TraineeSkill& b) { return a.skill < b.skill; });
    trainees.push_back(std::move(t));
  }

  CandidateIndex index(graph);
  index.rebuild(trainees, {});
  for (std::uint8_t min_level : {std::uint8_t{1}, std::uint8_t{3}, std::uint8_t{5}}) {
    Project p;
    p.id = 1;
    p.skills = {{hub, min_level, 3, false}, {other, 2, 1, false}};
    p.start = 20'000;
    p.duration_months = 6;
    p.budget_max = 2'000;
    const auto plan = plan_project(p, *graph);
    for (std::size_t k : {1, 10, 100, 1000}) {
      SCOPED_TRACE(testing::Message() << "min_level " << int{min_level} << ", k " << k);
      expect_same(index.top_candidates(plan, k), brute_force(plan, trainees, k));
    }
  }
}

// top_candidates scores exactly only the rows whose upper bound reaches the
// k-th score (issue 14): its pruned top-k must equal the exhaustive one on
// instances built to stress the bounds. Many trainees are exact copies of
// another under a new id (ties, broken by id), some carry values at the edge
// of every component (unknown days, rates and levels, hours beyond any
// project's, years past the cap, domains past the eighth bit, inactive or
// not consenting), and projects mix must-haves, related skills, budgets with
// the minimum above the maximum, tolerances and weight overrides.
TEST_F(IndexTest, PrunedTopCandidatesEqualExhaustiveIncludingTies) {
  for (std::uint64_t seed : {11, 12, 13, 14}) {
    SCOPED_TRACE(testing::Message() << "seed " << seed);
    auto inst = generate(*graph_, {.trainees = 2500, .projects = 40, .seed = seed});
    std::mt19937_64 rng(seed);
    auto pick = [&](std::uint64_t n) { return rng() % n; };
    std::vector<Trainee> trainees = inst.trainees;
    // Edge values on one trainee in five.
    for (auto& t : trainees) {
      if (pick(5) != 0) continue;
      switch (pick(9)) {
        case 0:
          t.available_from = kUnknownDay;
          break;
        case 1:
          t.expected_monthly_rate = kUnknownAmount;
          break;
        case 2:
          t.hours_per_week = static_cast<std::int32_t>(pick(2) ? 300 : -1);
          break;
        case 3:
          t.domains = (1ULL << (8 + pick(56))) | (pick(2) ? 1ULL : 0ULL);
          break;
        case 4:
          t.cefr = kUnknownLevel;
          t.jlpt = kUnknownLevel;
          break;
        case 5:
          t.bjt_score = static_cast<std::int16_t>(pick(800));
          t.jlpt_certified = false;
          break;
        case 6:
          for (auto& s : t.skills) s.years = pick(2) ? 40.0F : -1.0F;
          break;
        case 7:
          t.consent_matching = false;
          break;
        default:
          t.status = TraineeStatus::kPlaced;
          break;
      }
    }
    // Copies under new ids: equal scores everywhere, so ties at every rank.
    const std::size_t originals = trainees.size();
    for (std::size_t i = 0; i < 1500; ++i) {
      Trainee copy = trainees[pick(originals)];
      copy.id = 100'000 + i;
      trainees.push_back(std::move(copy));
    }
    CandidateIndex index(graph_);
    index.rebuild(trainees, {});
    for (std::size_t j = 0; j < inst.projects.size(); ++j) {
      Project p = inst.projects[j];
      switch (j % 8) {
        case 0:
          for (auto& r : p.skills) r.must_have = true;
          break;
        case 1:
          p.budget_min = p.budget_max + 500;
          break;
        case 2:
          p.availability_tolerance_months = 1;
          break;
        case 3:
          p.domain = static_cast<std::int32_t>(8 + pick(56));
          break;
        case 4:
          p.weights = Weights{0.1, 0.3, 0.2, 0.0, 0.1, 0.1, 0.1, 0.05, 0.05};
          break;
        case 5:
          p.hours_per_week = 400;
          p.min_hours_per_week = 0;
          break;
        case 6:
          p.start = kUnknownDay;
          break;
        default:
          p.jlpt_min = 0;
          break;
      }
      const auto plan = plan_project(p, *graph_);
      for (std::size_t k : {1, 7, 40, 200, 5000}) {
        SCOPED_TRACE(testing::Message() << "project " << j << ", k " << k);
        expect_same(index.top_candidates(plan, k), brute_force(plan, trainees, k));
      }
    }
  }
}

// Shards of several hundred rows, so that the fixed-point bound pass runs
// its 16-at-a-time loop over blocks as well as over rows (the instances
// above give each shard fewer than 16 blocks), with ties (copies under new
// ids), every level and years value, must-haves, related skills and weights
// that put a whole score on one component.
TEST_F(IndexTest, FixedPointBoundsOnLargeShardsEqualBruteForce) {
  auto inst = generate(*graph_, {.trainees = 16'000, .projects = 24, .seed = 21});
  std::mt19937_64 rng(21);
  std::vector<Trainee> trainees = inst.trainees;
  for (auto& t : trainees) {
    for (auto& s : t.skills) {
      s.level = static_cast<std::uint8_t>(1 + rng() % 5);
      s.years = static_cast<float>(rng() % 80) / 10.0F;
    }
  }
  for (std::size_t i = 0; i < 4'000; ++i) {
    Trainee copy = trainees[rng() % 16'000];
    copy.id = 1'000'000 + i;
    trainees.push_back(std::move(copy));
  }
  CandidateIndex index(graph_);
  index.rebuild(trainees, {});
  for (std::size_t j = 0; j < inst.projects.size(); ++j) {
    Project p = inst.projects[j];
    switch (j % 6) {
      case 0:
        for (auto& r : p.skills) r.must_have = true;
        break;
      case 1:
        p.weights = Weights{1, 0, 0, 0, 0, 0, 0, 0, 0};  // skills only
        break;
      case 2:
        p.weights = Weights{0, 1, 1, 0, 0, 0, 1, 0, 0};  // languages and years
        break;
      case 3:
        for (auto& r : p.skills) r.min_level = 5;
        break;
      case 4:
        p.jlpt_min = 0;
        p.cefr_min = 0;
        break;
      default:
        break;
    }
    const auto plan = plan_project(p, *graph_);
    for (std::size_t k : {1, 30, 300}) {
      SCOPED_TRACE(testing::Message() << "project " << j << ", k " << k);
      expect_same(index.top_candidates(plan, k), brute_force(plan, trainees, k));
    }
  }
}

// Rows whose bound equals the k-th score exactly, many of them tied: with all
// the weight on one component (skills, years, Japanese, or one of those the
// rows' pass bounds at their maximum: domain, hours), a perfect row's bound in
// fixed point is the k-th score to the unit, and every row compared with the
// threshold must be kept, in every lane of a group of 16 and in the last,
// partial group of a shard. The perfect rows hold a skill few others have,
// spread over blocks; some are made perfect by an update after the build.
TEST_F(IndexTest, BoundsExactlyAtTheKthScoreKeepEveryTie) {
  auto inst = generate(*graph_, {.trainees = 9'000, .projects = 1, .seed = 31});
  const SkillId rare = static_cast<SkillId>(graph_->size() - 1);
  std::vector<Trainee> trainees = inst.trainees;
  for (auto& t : trainees) std::erase_if(t.skills, [&](const auto& s) { return s.skill == rare; });
  Project base = inst.projects[0];
  base.skills = {{.skill = rare, .min_level = 3, .weight = 3}};
  base.jlpt_min = kJlptN5;
  base.cefr_min = kCefrNone;
  base.domain = 2;
  base.hours_per_week = 30;
  auto make_perfect = [&](Trainee& t) {
    std::erase_if(t.skills, [&](const auto& s) { return s.skill == rare; });
    t.skills.push_back({rare, 4, 6.0F});
    std::sort(t.skills.begin(), t.skills.end(),
              [](const auto& a, const auto& b) { return a.skill < b.skill; });
    t.jlpt = kJlptN1;
    t.jlpt_certified = true;
    t.domains |= std::uint64_t{1} << 2;
    t.hours_per_week = 40;
    t.consent_matching = true;
    t.status = TraineeStatus::kActive;
    t.engagement = kOffshore;
  };
  for (std::size_t i = 5; i < trainees.size(); i += 37) make_perfect(trainees[i]);
  CandidateIndex index(graph_);
  index.rebuild(trainees, {});
  const Weights one_component[] = {
      {1, 0, 0, 0, 0, 0, 0, 0, 0},  // skills
      {0, 0, 0, 0, 0, 0, 1, 0, 0},  // years
      {0, 1, 0, 0, 0, 0, 0, 0, 0},  // Japanese
      {0, 0, 0, 0, 0, 0, 0, 1, 0},  // domain
      {0, 0, 0, 0, 0, 0, 0, 0, 1},  // hours
      {2, 1, 0, 0, 0, 0, 1, 0, 0},  // skills, Japanese and years
  };
  auto check = [&](const std::vector<Trainee>& all, const char* when) {
    for (std::size_t w = 0; w < std::size(one_component); ++w) {
      for (const bool must : {false, true}) {
        Project p = base;
        p.weights = one_component[w];
        p.skills[0].must_have = must;
        const auto plan = plan_project(p, *graph_);
        for (std::size_t k : {1, 15, 16, 17, 100, 400}) {
          SCOPED_TRACE(testing::Message()
                       << when << ", weights " << w << ", must-have " << must << ", k " << k);
          const auto expected = brute_force(plan, all, k);
          ASSERT_FALSE(expected.empty());
          expect_same(index.top_candidates(plan, k), expected);
        }
      }
    }
  };
  check(trainees, "after the build");
  std::vector<Trainee> changed;
  for (std::size_t i = 0; i < trainees.size(); i += 101) {
    make_perfect(trainees[i]);
    changed.push_back(trainees[i]);
  }
  index.update_trainees(changed, {});
  check(trainees, "after an update");
}

TEST_F(IndexTest, TopProjectsEqualBruteForce) {
  auto inst = generate(*graph_, {.trainees = 200, .projects = 300, .seed = 5});
  CandidateIndex index(graph_);
  index.rebuild(inst.trainees, inst.projects);
  for (const auto& t : inst.trainees) {
    std::vector<Ranked> expected;
    for (const auto& p : inst.projects) {
      if (auto s = score(plan_project(p, *graph_), t)) expected.push_back({p.id, *s});
    }
    std::sort(expected.begin(), expected.end(), [](const Ranked& a, const Ranked& b) {
      return a.score > b.score || (a.score == b.score && a.id < b.id);
    });
    if (expected.size() > 10) expected.resize(10);
    expect_same(index.top_projects(t.id, 10), expected);
  }
}

TEST_F(IndexTest, UpdatesAreVisibleAndMatchBruteForce) {
  auto inst = generate(*graph_, {.trainees = 1500, .projects = 10, .seed = 9});
  CandidateIndex index(graph_);
  index.rebuild(inst.trainees, inst.projects);
  // Change 100 trainees, remove 100, add 100.
  auto current = inst.trainees;
  for (std::size_t i = 0; i < 100; ++i) {
    current[i].jlpt = 5;
    current[i].skills.push_back({0, 5, 4.0F});
    std::sort(current[i].skills.begin(), current[i].skills.end(),
              [](const auto& a, const auto& b) { return a.skill < b.skill; });
    current[i].skills.erase(
        std::unique(current[i].skills.begin(), current[i].skills.end(),
                    [](const auto& a, const auto& b) { return a.skill == b.skill; }),
        current[i].skills.end());
    index.upsert_trainee(current[i]);
  }
  for (std::size_t i = 100; i < 200; ++i) EXPECT_TRUE(index.remove_trainee(current[i].id));
  EXPECT_FALSE(index.remove_trainee(999'999));
  current.erase(current.begin() + 100, current.begin() + 200);
  auto extra = generate(*graph_, {.trainees = 100, .projects = 0, .seed = 10});
  for (auto& t : extra.trainees) {
    t.id += 10'000;
    index.upsert_trainee(t);
    current.push_back(t);
  }
  EXPECT_EQ(index.stats().trainees, current.size());
  for (const auto& p : inst.projects) {
    const auto plan = plan_project(p, *graph_);
    expect_same(index.top_candidates(plan, 50), brute_force(plan, current, 50));
  }
  auto got = index.trainee(current[0].id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->jlpt, 5);
  EXPECT_FALSE(index.trainee(inst.trainees[150].id));
  // Projects too.
  Project p = inst.projects[0];
  p.headcount = 9;
  index.upsert_project(p);
  EXPECT_EQ(index.project(p.id)->headcount, 9);
  EXPECT_TRUE(index.remove_project(p.id));
  EXPECT_FALSE(index.project(p.id));
}

// rebuild() puts every shard's columns in one arena (huge pages) when the
// index is larger than a huge page (20k trainees are), and writes after it
// build shards on the heap beside those still in the arena (a replaced
// shard's pages are given back): every trainee reads back as loaded, and the
// rankings equal scoring every pair, after the build, after single writes,
// after a bulk update and after a second rebuild.
TEST_F(IndexTest, ShardsBuiltTogetherStayExactAfterUpdates) {
  auto inst = generate(*graph_, {.trainees = 20'000, .projects = 12, .seed = 31});
  CandidateIndex index(graph_);
  index.rebuild(inst.trainees, inst.projects);
  auto current = inst.trainees;
  auto check = [&](const char* when) {
    SCOPED_TRACE(when);
    const auto all = index.all_trainees();
    ASSERT_EQ(all.size(), current.size());
    auto sorted = current;
    std::sort(sorted.begin(), sorted.end(),
              [](const Trainee& a, const Trainee& b) { return a.id < b.id; });
    for (std::size_t i = 0; i < all.size(); i += 97) {
      EXPECT_EQ(all[i].id, sorted[i].id);
      EXPECT_EQ(all[i].skills.size(), sorted[i].skills.size());
      EXPECT_EQ(all[i].expected_monthly_rate, sorted[i].expected_monthly_rate);
      EXPECT_EQ(all[i].organization_id, index.organization_of(sorted[i].id));
    }
    for (const auto& p : inst.projects) {
      const auto plan = plan_project(p, *graph_);
      for (std::size_t k : {1, 40, 400}) {
        expect_same(index.top_candidates(plan, k), brute_force(plan, current, k));
      }
    }
  };
  check("after the build");
  // A shard or two replaced (their pages given back), the others still in the arena.
  current[1000].skills = {{0, 5, 6.0F}, {1, 5, 6.0F}};
  index.upsert_trainee(current[1000]);
  EXPECT_TRUE(index.remove_trainee(current[1001].id));
  current.erase(current.begin() + 1001);
  check("after single writes");
  // A bulk update touching most shards: 500 changed, 300 removed, 200 added.
  std::vector<Trainee> upserts;
  for (std::size_t i = 0; i < 500; ++i) {
    current[i].jlpt = 5;
    current[i].expected_monthly_rate = 900;
    upserts.push_back(current[i]);
  }
  std::vector<Id> removed;
  for (std::size_t i = 500; i < 800; ++i) removed.push_back(current[i].id);
  current.erase(current.begin() + 500, current.begin() + 800);
  auto extra = generate(*graph_, {.trainees = 200, .projects = 0, .seed = 32});
  for (auto& t : extra.trainees) {
    t.id += 100'000;
    upserts.push_back(t);
    current.push_back(t);
  }
  index.update_trainees(upserts, removed);
  check("after a bulk update");
  index.rebuild(current, inst.projects);
  check("after a second rebuild");
}

TEST_F(IndexTest, ReadersNeverSeeAHalfUpdatedTrainee) {
  // One trainee flips between two complete versions; a reader must score it
  // as one version or the other, never a mixture.
  Project p;
  p.id = 1;
  p.skills = {{0, 1, 1, false}, {1, 1, 1, false}};
  p.start = 20'000;
  p.duration_months = 6;
  Trainee a;
  a.id = 1;
  a.consent_matching = true;
  a.skills = {{0, 5, 5.0F}};
  Trainee b = a;
  b.skills = {{1, 5, 5.0F}};
  b.jlpt = 5;
  CandidateIndex index(graph_);
  auto filler = generate(*graph_, {.trainees = 2000, .projects = 0, .seed = 4});
  for (auto& t : filler.trainees) t.id += 100;
  index.rebuild(filler.trainees, {});
  index.upsert_trainee(a);
  const auto plan = plan_project(p, *graph_);
  const double score_a = *score(plan, a);
  const double score_b = *score(plan, b);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 300; ++i) index.upsert_trainee(i % 2 ? a : b);
    done = true;
  });
  std::size_t reads = 0;
  while (!done || reads < 10) {
    for (const auto& r : index.top_candidates(plan, 5000)) {
      if (r.id == 1) {
        ASSERT_TRUE(r.score == score_a || r.score == score_b);
      }
    }
    ++reads;
  }
  writer.join();
  EXPECT_GE(reads, 10U);
}

TEST_F(IndexTest, EmptyIndexAndZeroK) {
  CandidateIndex index(graph_);
  Project p;
  EXPECT_TRUE(index.top_candidates(p, 10).empty());
  EXPECT_TRUE(index.top_projects(1, 10).empty());
  auto inst = generate(*graph_, {.trainees = 10, .projects = 2, .seed = 1});
  index.rebuild(inst.trainees, inst.projects);
  EXPECT_TRUE(index.top_candidates(inst.projects[0], 0).empty());
}

// organizations_of (a round's shortlisted trainees at once) answers what
// organization_of answers one id at a time: ids in any order, repeated, not
// indexed (0), after writes replaced shards and after a second rebuild.
TEST_F(IndexTest, OrganizationsOfManyEqualOneByOne) {
  auto inst = generate(*graph_, {.trainees = 5'000, .projects = 2, .seed = 7, .organizations = 40});
  CandidateIndex index(graph_);
  index.rebuild(inst.trainees, inst.projects);
  std::mt19937_64 rng(3);
  auto check = [&](const char* when) {
    SCOPED_TRACE(when);
    std::vector<Id> ids;
    for (const auto& t : inst.trainees) ids.push_back(t.id);
    for (Id id : {Id{0}, Id{4'999}, Id{123'456'789}}) ids.push_back(id);
    for (std::size_t i = 0; i < 300; ++i) ids.push_back(ids[rng() % ids.size()]);  // repeats
    std::shuffle(ids.begin(), ids.end(), rng);
    const auto got = index.organizations_of(ids);
    ASSERT_EQ(got.size(), ids.size());
    std::size_t known = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      EXPECT_EQ(got[i], index.organization_of(ids[i])) << "id " << ids[i];
      known += got[i] != 0;
    }
    EXPECT_GT(known, ids.size() / 2);  // (organizations are numbered from 1)
    EXPECT_TRUE(index.organizations_of({}).empty());
  };
  check("after the build");
  auto moved = inst.trainees[10];
  moved.organization_id = 999;
  index.upsert_trainee(moved);
  EXPECT_TRUE(index.remove_trainee(inst.trainees[11].id));
  EXPECT_EQ(index.organizations_of({moved.id, inst.trainees[11].id}), (std::vector<Id>{999, 0}));
  check("after writes");
  index.rebuild(inst.trainees, inst.projects);
  EXPECT_EQ(index.organizations_of({moved.id}), std::vector<Id>{inst.trainees[10].organization_id});
  check("after a second rebuild");
}

}  // namespace
}  // namespace kakehashi::matcher
