// Trainee wishes and per-organization caps in stable allocation (issue 15):
// the result has no blocking pair under both sides' real preferences (a
// trainee's wanted projects first, then score; a project's choice under the
// cap), checked by brute force, and check_stability counts exactly the
// pairs the brute force finds, also for matchings that are not stable.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "matcher/allocation.hpp"

namespace kakehashi::matcher {
namespace {

AllocationInput random_input(std::mt19937_64& rng, std::size_t n, std::size_t m, double density,
                             std::int32_t max_cap, std::size_t orgs) {
  AllocationInput in;
  std::uniform_real_distribution<double> unit(0, 1);
  for (std::size_t t = 0; t < n; ++t) in.trainees.push_back({t + 1, 1 + rng() % orgs});
  for (std::size_t p = 0; p < m; ++p) {
    in.projects.push_back({p + 1, static_cast<std::int32_t>(rng() % (max_cap + 1))});
  }
  in.trainee_wanted.resize(n);
  for (std::uint32_t t = 0; t < n; ++t) {
    std::vector<std::uint32_t> mine;
    for (std::uint32_t p = 0; p < m; ++p) {
      if (unit(rng) < density) {
        in.edges.push_back({t, p, std::round(unit(rng) * 10) / 10});
        mine.push_back(p);
      }
    }
    // About half the trainees want a few of their projects, in a random order
    // (sometimes one they are not eligible for, which must not matter).
    if (unit(rng) < 0.5) {
      std::shuffle(mine.begin(), mine.end(), rng);
      mine.resize(std::min<std::size_t>(mine.size(), rng() % 3));
      if (unit(rng) < 0.2) mine.push_back(static_cast<std::uint32_t>(rng() % m));
      in.trainee_wanted[t] = mine;
    }
  }
  return in;
}

// The brute force, from the definitions: a trainee's order (wanted first in
// its order, then score, then project id) and a project's choice from what it
// holds plus one more (best first by score then trainee id, each taken
// unless the seats or the trainee's organization's cap are full).
std::size_t brute_force_blocking(const AllocationInput& in, const AllocationResult& r) {
  const std::size_t n = in.trainees.size();
  std::vector<std::int64_t> own(n, -1);
  std::vector<double> own_score(n, 0);
  std::vector<std::vector<std::pair<double, std::uint32_t>>> held(in.projects.size());
  for (const auto& a : r.assignments) {
    own[a.trainee] = a.project;
    own_score[a.trainee] = a.score;
    held[a.project].push_back({a.score, a.trainee});
  }
  auto key = [&](std::uint32_t t, std::uint32_t p, double s) {
    const auto& w =
        in.trainee_wanted.size() > t ? in.trainee_wanted[t] : std::vector<std::uint32_t>{};
    const auto it = std::find(w.begin(), w.end(), p);
    const auto rank = it == w.end() ? w.size() + 1000 : static_cast<std::size_t>(it - w.begin());
    return std::make_tuple(rank, -s, in.projects[p].id);
  };
  std::size_t blocking = 0;
  for (const auto& e : in.edges) {
    const auto p = e.project;
    const auto t = e.trainee;
    if (e.score < in.min_score || in.projects[p].capacity <= 0 || own[t] == p) continue;
    if (own[t] >= 0 &&
        !(key(t, p, e.score) < key(t, static_cast<std::uint32_t>(own[t]), own_score[t]))) {
      continue;
    }
    auto pool = held[p];
    pool.push_back({e.score, t});
    std::sort(pool.begin(), pool.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      return in.trainees[a.second].id < in.trainees[b.second].id;
    });
    std::int32_t taken = 0;
    std::map<Id, std::int32_t> per_org;
    bool chosen = false;
    for (const auto& [s, x] : pool) {
      if (taken >= in.projects[p].capacity) break;
      const Id org = in.trainees[x].organization_id;
      if (in.max_per_org_per_project > 0 && per_org[org] >= in.max_per_org_per_project) continue;
      ++taken;
      ++per_org[org];
      if (x == t) chosen = true;
    }
    if (chosen) ++blocking;
  }
  return blocking;
}

TEST(Wishes, StableWithWantedProjectsAndCapsHasNoBlockingPair) {
  std::mt19937_64 rng(15);
  for (int round = 0; round < 600; ++round) {
    auto in = random_input(rng, 1 + rng() % 9, 1 + rng() % 5, 0.6, 3, 1 + rng() % 3);
    in.max_per_org_per_project = static_cast<std::int32_t>(rng() % 3);  // 0: no cap
    const auto r = allocate_stable(in);
    // Capacities, the cap, one project per trainee, only edges.
    std::map<std::uint32_t, std::int32_t> used;
    std::map<std::pair<std::uint32_t, Id>, std::int32_t> per_org;
    std::map<std::uint32_t, int> placed;
    for (const auto& a : r.assignments) {
      ++used[a.project];
      ++placed[a.trainee];
      ++per_org[{a.project, in.trainees[a.trainee].organization_id}];
    }
    for (const auto& [p, n] : used) EXPECT_LE(n, in.projects[p].capacity);
    for (const auto& [t, n] : placed) EXPECT_EQ(n, 1);
    if (in.max_per_org_per_project > 0) {
      for (const auto& [k, n] : per_org) EXPECT_LE(n, in.max_per_org_per_project);
    }
    EXPECT_EQ(brute_force_blocking(in, r), 0u) << "round " << round;
    EXPECT_EQ(check_stability(in, r).blocking_pairs, 0u) << "round " << round;
  }
}

TEST(Wishes, CheckStabilityCountsWhatTheBruteForceCounts) {
  // Random feasible matchings (mostly unstable): the check and the brute
  // force agree pair for pair in number.
  std::mt19937_64 rng(16);
  std::size_t some_blocking = 0;
  for (int round = 0; round < 600; ++round) {
    auto in = random_input(rng, 1 + rng() % 9, 1 + rng() % 5, 0.6, 3, 1 + rng() % 3);
    in.max_per_org_per_project = static_cast<std::int32_t>(rng() % 3);
    AllocationResult r;
    std::vector<std::int32_t> used(in.projects.size(), 0);
    std::map<std::pair<std::uint32_t, Id>, std::int32_t> per_org;
    std::vector<char> placed(in.trainees.size(), 0);
    auto edges = in.edges;
    std::shuffle(edges.begin(), edges.end(), rng);
    for (const auto& e : edges) {
      const auto key = std::make_pair(e.project, in.trainees[e.trainee].organization_id);
      if (placed[e.trainee] || used[e.project] >= in.projects[e.project].capacity) continue;
      if (in.max_per_org_per_project > 0 && per_org[key] >= in.max_per_org_per_project) continue;
      if (rng() % 3 == 0) continue;
      placed[e.trainee] = 1;
      ++used[e.project];
      ++per_org[key];
      r.assignments.push_back({e.trainee, e.project, e.score});
    }
    const auto expected = brute_force_blocking(in, r);
    some_blocking += expected > 0;
    EXPECT_EQ(check_stability(in, r).blocking_pairs, expected) << "round " << round;
  }
  EXPECT_GT(some_blocking, 100u);  // the comparison saw blocking pairs
}

TEST(Wishes, AWantedProjectComesBeforeABetterScore) {
  // One trainee, two projects: by score it would take project 1; it wants 0.
  AllocationInput in;
  in.trainees = {{1, 1}};
  in.projects = {{1, 1}, {2, 1}};
  in.edges = {{0, 0, 0.4}, {0, 1, 0.9}};
  EXPECT_EQ(allocate_stable(in).assignments.at(0).project, 1u);
  in.trainee_wanted = {{0}};
  const auto r = allocate_stable(in);
  ASSERT_EQ(r.assignments.size(), 1u);
  EXPECT_EQ(r.assignments[0].project, 0u);
  EXPECT_EQ(check_stability(in, r).blocking_pairs, 0u);
}

TEST(Wishes, StableRoundsKeepTheOrganizationCap) {
  // Three strong trainees of one organization, one weaker of another, one
  // project with three seats and a cap of two per organization.
  AllocationInput in;
  in.trainees = {{1, 7}, {2, 7}, {3, 7}, {4, 8}};
  in.projects = {{1, 3}};
  in.edges = {{0, 0, 0.9}, {1, 0, 0.8}, {2, 0, 0.7}, {3, 0, 0.3}};
  in.max_per_org_per_project = 2;
  const auto r = allocate_stable(in);
  ASSERT_EQ(r.assignments.size(), 3u);
  EXPECT_EQ(r.assignments[0].trainee, 0u);
  EXPECT_EQ(r.assignments[1].trainee, 1u);
  EXPECT_EQ(r.assignments[2].trainee, 3u);  // the third of org 7 gives way
  EXPECT_EQ(check_stability(in, r).blocking_pairs, 0u);
}

}  // namespace
}  // namespace kakehashi::matcher
