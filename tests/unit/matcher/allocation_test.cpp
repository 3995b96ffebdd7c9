#include "matcher/allocation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <random>

#include "matcher/generator.hpp"
#include "matcher/index.hpp"

namespace kakehashi::matcher {
namespace {

AllocationInput random_input(std::mt19937_64& rng, std::size_t n, std::size_t m, double density,
                             std::int32_t max_cap, std::size_t orgs = 3) {
  AllocationInput in;
  std::uniform_real_distribution<double> unit(0, 1);
  for (std::size_t t = 0; t < n; ++t) in.trainees.push_back({t + 1, 1 + rng() % orgs});
  for (std::size_t p = 0; p < m; ++p) {
    in.projects.push_back({p + 1, static_cast<std::int32_t>(rng() % (max_cap + 1))});
  }
  for (std::uint32_t t = 0; t < n; ++t) {
    for (std::uint32_t p = 0; p < m; ++p) {
      // Rounded scores make ties common, so tie-breaking is exercised too.
      if (unit(rng) < density) in.edges.push_back({t, p, std::round(unit(rng) * 20) / 20});
    }
  }
  return in;
}

void check_capacities(const AllocationInput& in, const AllocationResult& r) {
  std::vector<std::int32_t> used(in.projects.size(), 0);
  std::vector<int> placed(in.trainees.size(), 0);
  std::map<std::pair<std::uint32_t, Id>, std::int32_t> per_org;
  for (const auto& a : r.assignments) {
    ++used[a.project];
    ++placed[a.trainee];
    ++per_org[{a.project, in.trainees[a.trainee].organization_id}];
    bool is_edge = false;
    for (const auto& e : in.edges) {
      if (e.trainee == a.trainee && e.project == a.project && e.score >= in.min_score) {
        is_edge = true;
        EXPECT_EQ(e.score, a.score);
      }
    }
    EXPECT_TRUE(is_edge);
  }
  for (std::size_t p = 0; p < in.projects.size(); ++p) EXPECT_LE(used[p], in.projects[p].capacity);
  for (int c : placed) EXPECT_LE(c, 1);
  if (in.max_per_org_per_project > 0) {
    for (const auto& [key, count] : per_org) EXPECT_LE(count, in.max_per_org_per_project);
  }
  EXPECT_EQ(r.assignments.size() + r.unmatched.size(), in.trainees.size());
}

// Brute force: does any eligible pair block the matching?
bool has_blocking_pair(const AllocationInput& in, const AllocationResult& r) {
  std::vector<std::int64_t> project_of(in.trainees.size(), -1);
  std::vector<double> score_of(in.trainees.size(), -1);
  std::vector<std::vector<std::pair<double, std::uint32_t>>> held(in.projects.size());
  for (const auto& a : r.assignments) {
    project_of[a.trainee] = a.project;
    score_of[a.trainee] = a.score;
    held[a.project].push_back({a.score, a.trainee});
  }
  auto trainee_prefers = [&](std::uint32_t t, const Edge& e) {
    if (project_of[t] < 0) return true;
    if (e.score != score_of[t]) return e.score > score_of[t];
    return in.projects[e.project].id < in.projects[static_cast<std::size_t>(project_of[t])].id;
  };
  for (const auto& e : in.edges) {
    if (e.score < in.min_score || in.projects[e.project].capacity <= 0) continue;
    if (project_of[e.trainee] == e.project || !trainee_prefers(e.trainee, e)) continue;
    const auto& h = held[e.project];
    if (static_cast<std::int32_t>(h.size()) < in.projects[e.project].capacity) return true;
    for (const auto& [s, other] : h) {
      if (e.score > s || (e.score == s && in.trainees[e.trainee].id < in.trainees[other].id)) {
        return true;
      }
    }
  }
  return false;
}

// An allocation input from a generated instance ranked by the index: each
// project's shortlist as a round takes it (10 x seats + 20) or, unshortlisted,
// every eligible trainee.
AllocationInput input_from_index(const GeneratorOptions& options, bool shortlisted) {
  auto graph = default_skill_graph();
  auto inst = generate(*graph, options);
  CandidateIndex index(graph);
  index.rebuild(inst.trainees, inst.projects);
  AllocationInput in;
  for (const auto& t : inst.trainees) in.trainees.push_back({t.id, t.organization_id});
  for (std::uint32_t p = 0; p < inst.projects.size(); ++p) {
    in.projects.push_back({inst.projects[p].id, inst.projects[p].headcount});
    const auto depth =
        shortlisted ? static_cast<std::size_t>(inst.projects[p].headcount) * 10 + 20 : 100000;
    for (const auto& r : index.top_candidates(inst.projects[p], depth)) {
      in.edges.push_back({static_cast<std::uint32_t>(r.id - 1), p, r.score});
    }
  }
  return in;
}

double brute_force_optimum(const AllocationInput& in) {
  std::vector<std::int32_t> used(in.projects.size(), 0);
  std::map<std::pair<std::uint32_t, Id>, std::int32_t> per_org;
  std::vector<std::vector<Edge>> by_trainee(in.trainees.size());
  for (const auto& e : in.edges) {
    if (e.score >= in.min_score) by_trainee[e.trainee].push_back(e);
  }
  std::function<double(std::size_t)> best = [&](std::size_t t) -> double {
    if (t == in.trainees.size()) return 0;
    double result = best(t + 1);  // t unmatched
    for (const auto& e : by_trainee[t]) {
      const auto key = std::make_pair(e.project, in.trainees[t].organization_id);
      if (used[e.project] >= in.projects[e.project].capacity) continue;
      if (in.max_per_org_per_project > 0 && per_org[key] >= in.max_per_org_per_project) continue;
      ++used[e.project];
      ++per_org[key];
      result = std::max(result, e.score + best(t + 1));
      --used[e.project];
      --per_org[key];
    }
    return result;
  };
  return best(0);
}

TEST(Stable, NoBlockingPairAndCapacitiesHoldOverRandomInstances) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 1000; ++round) {
    auto in = random_input(rng, 1 + rng() % 12, 1 + rng() % 6, 0.5, 3);
    in.min_score = (round % 3 == 0) ? 0.3 : 0.0;
    const auto r = allocate_stable(in);
    check_capacities(in, r);
    ASSERT_FALSE(has_blocking_pair(in, r)) << "round " << round;
    const auto again = allocate_stable(in);
    ASSERT_EQ(again.assignments.size(), r.assignments.size());
    for (std::size_t i = 0; i < r.assignments.size(); ++i) {
      ASSERT_EQ(again.assignments[i].trainee, r.assignments[i].trainee);
      ASSERT_EQ(again.assignments[i].project, r.assignments[i].project);
    }
  }
}

TEST(Stable, ExplicitPreferencesAreFollowed) {
  AllocationInput in;
  in.trainees = {{1, 1}};
  in.projects = {{10, 1}, {20, 1}};
  in.edges = {{0, 0, 0.9}, {0, 1, 0.5}};
  EXPECT_EQ(allocate_stable(in).assignments.at(0).project, 0U);
  in.trainee_preferences = {{1, 0}};
  EXPECT_EQ(allocate_stable(in).assignments.at(0).project, 1U);
}

constexpr MaxScoreSolver kSolvers[] = {MaxScoreSolver::kAuto, MaxScoreSolver::kDense,
                                       MaxScoreSolver::kUnitPaths, MaxScoreSolver::kTraineePaths};

TEST(MaxScore, EqualsBruteForceOptimumAndRespectsCaps) {
  std::mt19937_64 rng(23);
  for (int round = 0; round < 600; ++round) {
    auto in = random_input(rng, 1 + rng() % 7, 1 + rng() % 4, 0.6, 2, 2);
    in.max_per_org_per_project = (round % 2 == 0) ? 0 : 1;
    in.min_score = (round % 5 == 0) ? 0.4 : 0.0;
    const double optimum = brute_force_optimum(in);
    for (const auto solver : kSolvers) {
      in.max_score_solver = solver;
      const auto r = allocate_max_score(in);
      check_capacities(in, r);
      ASSERT_NEAR(r.total_score, optimum, 1e-9)
          << "round " << round << " solver " << static_cast<int>(solver);
    }
  }
}

double total_with(AllocationInput in, MaxScoreSolver solver) {
  in.max_score_solver = solver;
  const auto r = allocate_max_score(in);
  check_capacities(in, r);
  return r.total_score;
}

// Larger instances, where brute force is out of reach. Uncapped, the flows
// must reach the dense assignment's total; capped (where the dense solver
// cannot go), the per-trainee flow must reach the per-unit one's, which is an
// independent implementation. A cap no project can reach must change nothing.
TEST(MaxScore, FlowsAgreeWithDenseAssignmentOnLargerInstances) {
  std::mt19937_64 rng(31);
  int cap_binds = 0;
  for (int round = 0; round < 60; ++round) {
    auto in = random_input(rng, 40 + rng() % 160, 5 + rng() % 30, 0.3, 4, 3);
    if (round % 3 == 0) {
      for (auto& e : in.edges) e.score = std::round(e.score * 4) / 4;  // many equal scores
    }
    in.min_score = round % 4 == 1 ? 0.5 : 0.0;
    const double dense = total_with(in, MaxScoreSolver::kDense);
    ASSERT_NEAR(total_with(in, MaxScoreSolver::kTraineePaths), dense, 1e-9) << "round " << round;
    ASSERT_NEAR(total_with(in, MaxScoreSolver::kUnitPaths), dense, 1e-9) << "round " << round;
    in.max_per_org_per_project = 1'000;
    ASSERT_NEAR(total_with(in, MaxScoreSolver::kTraineePaths), dense, 1e-9) << "round " << round;
    in.max_per_org_per_project = 1 + static_cast<std::int32_t>(round % 2);
    const double capped = total_with(in, MaxScoreSolver::kTraineePaths);
    ASSERT_NEAR(capped, total_with(in, MaxScoreSolver::kUnitPaths), 1e-9) << "round " << round;
    ASSERT_LE(capped, dense + 1e-9);
    if (capped < dense - 1e-9) ++cap_binds;
  }
  EXPECT_GT(cap_binds, 20);  // the capped rounds did test the cap
}

// Scores as the index computes them (few ties, realistic shortlists), with
// one organization cap that binds for popular projects.
TEST(MaxScore, FlowsAgreeWithDenseAssignmentOnAGeneratedRound) {
  auto in = input_from_index({.trainees = 1500, .projects = 120, .seed = 9}, /*shortlisted=*/true);
  const double dense = total_with(in, MaxScoreSolver::kDense);
  EXPECT_NEAR(total_with(in, MaxScoreSolver::kTraineePaths), dense, 1e-9);
  EXPECT_NEAR(total_with(in, MaxScoreSolver::kUnitPaths), dense, 1e-9);
  in.max_per_org_per_project = 1;
  const double capped = total_with(in, MaxScoreSolver::kTraineePaths);
  EXPECT_NEAR(capped, total_with(in, MaxScoreSolver::kUnitPaths), 1e-9);
  EXPECT_LT(capped, dense);
}

TEST(MaxScore, DenseAssignmentMatchesBruteForceOnSquareAndRectangular) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int round = 0; round < 600; ++round) {
    const std::size_t rows = 1 + rng() % 7;
    // Half the rounds square (where Jonker-Volgenant's start runs), half not.
    const std::size_t cols = round % 2 ? rows : 1 + rng() % 7;
    std::vector<double> w(rows * cols);
    // Every third round draws from a few values, so ties are common.
    for (auto& x : w) x = round % 3 ? unit(rng) : static_cast<double>(rng() % 4) * 0.25;
    // Every fifth, one row is best in every column (the zero-dual start).
    if (round % 5 == 0) {
      for (std::size_t c = 0; c < cols; ++c) w[(round / 5 % rows) * cols + c] = 2.0 + unit(rng);
    }
    const auto match = max_weight_assignment(w, rows, cols);
    double total = 0;
    std::vector<int> col_used(cols, 0);
    std::size_t matched = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      if (match[r] < 0) continue;
      ++matched;
      ASSERT_EQ(col_used[static_cast<std::size_t>(match[r])]++, 0);
      total += w[r * cols + static_cast<std::size_t>(match[r])];
    }
    EXPECT_EQ(matched, std::min(rows, cols));
    // Brute force over column permutations.
    std::vector<std::size_t> perm(std::max(rows, cols));
    for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = i;
    double best = 0;
    do {
      double s = 0;
      for (std::size_t r = 0; r < rows; ++r) {
        if (perm[r] < cols) s += w[r * cols + perm[r]];
      }
      best = std::max(best, s);
    } while (std::next_permutation(perm.begin(), perm.end()));
    ASSERT_NEAR(total, best, 1e-9);
  }
}

// The total of an assignment that must give every row its own column.
double full_assignment_total(const std::vector<double>& w, std::size_t cols,
                             const std::vector<std::int32_t>& match) {
  double t = 0;
  std::vector<int> used(cols, 0);
  for (std::size_t r = 0; r < match.size(); ++r) {
    EXPECT_GE(match[r], 0);
    if (match[r] < 0) continue;
    EXPECT_EQ(used[static_cast<std::size_t>(match[r])]++, 0);
    t += w[r * cols + static_cast<std::size_t>(match[r])];
  }
  return t;
}

// Larger square problems, where brute force is out of reach: the square
// solver (LAPJV) must reach the total of the rectangular one (Crouse's) on the
// same matrix with one extra column no optimum uses.
TEST(MaxScore, SquareSolverAgreesWithRectangularSolverOnLargerMatrices) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int round = 0; round < 40; ++round) {
    const std::size_t n = 20 + rng() % 80;
    std::vector<double> square(n * n), wide(n * (n + 1));
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t c = 0; c < n; ++c) {
        // Score-like: a third of pairs ineligible (0), the rest coarse or fine.
        const double x = rng() % 3 == 0 ? 0.0
                         : round % 2    ? unit(rng)
                                        : static_cast<double>(rng() % 5) * 0.2;
        square[r * n + c] = x;
        wide[r * (n + 1) + c] = x;
      }
      wide[r * (n + 1) + n] = -100.0;
    }
    const double a = full_assignment_total(square, n, max_weight_assignment(square, n, n));
    const double b = full_assignment_total(wide, n + 1, max_weight_assignment(wide, n, n + 1));
    ASSERT_NEAR(a, b, 1e-9) << "round " << round << " n " << n;
  }
}

TEST(Allocation, ReportsReasonsTotalsAndPerOrganization) {
  AllocationInput in;
  in.trainees = {{1, 100}, {2, 100}, {3, 200}, {4, 200}};
  in.projects = {{10, 1}, {20, 0}, {30, 2}};
  // Trainee 1 and 2 both want project 10 (one seat); trainee 3 only fits the
  // zero-capacity project; trainee 4 has no eligible pair; project 30 has none.
  in.edges = {{0, 0, 0.9}, {1, 0, 0.8}, {2, 1, 0.7}};
  for (auto* alloc : {&allocate_stable, &allocate_max_score}) {
    const auto r = (*alloc)(in);
    ASSERT_EQ(r.assignments.size(), 1U);
    EXPECT_EQ(r.assignments[0].trainee, 0U);
    EXPECT_DOUBLE_EQ(r.total_score, 0.9);
    EXPECT_DOUBLE_EQ(r.mean_score, 0.9);
    EXPECT_EQ(r.per_organization.at(100), 1);
    std::map<std::uint32_t, UnmatchedReason> unmatched;
    for (const auto& u : r.unmatched) unmatched[u.trainee] = u.reason;
    EXPECT_EQ(unmatched.at(1), UnmatchedReason::kOutranked);
    EXPECT_EQ(unmatched.at(2), UnmatchedReason::kCapacity);
    EXPECT_EQ(unmatched.at(3), UnmatchedReason::kNoEligibleProject);
    ASSERT_EQ(r.unfilled.size(), 1U);
    EXPECT_EQ(r.unfilled[0].project, 2U);
    EXPECT_EQ(r.unfilled[0].seats, 2);
    EXPECT_EQ(r.unfilled[0].reason, UnfilledReason::kNoEligibleTrainee);
  }
}

TEST(Allocation, OrganizationCapIsReportedAsTheReason) {
  AllocationInput in;
  in.trainees = {{1, 100}, {2, 100}};
  in.projects = {{10, 2}};
  in.edges = {{0, 0, 0.9}, {1, 0, 0.8}};
  in.max_per_org_per_project = 1;
  const auto r = allocate_max_score(in);
  ASSERT_EQ(r.assignments.size(), 1U);
  ASSERT_EQ(r.unmatched.size(), 1U);
  EXPECT_EQ(r.unmatched[0].reason, UnmatchedReason::kCapacity);
  ASSERT_EQ(r.unfilled.size(), 1U);
  EXPECT_EQ(r.unfilled[0].reason, UnfilledReason::kOrganizationCap);
}

TEST(Allocation, EmptyInputsWork) {
  AllocationInput in;
  for (auto* alloc : {&allocate_stable, &allocate_max_score}) {
    const auto r = (*alloc)(in);
    EXPECT_TRUE(r.assignments.empty());
    EXPECT_EQ(r.total_score, 0);
  }
  in.trainees = {{1, 1}};
  in.projects = {{1, 0}};
  EXPECT_EQ(allocate_max_score(in).unmatched.size(), 1U);
  in.edges = {{5, 0, 0.5}};
  EXPECT_THROW(allocate_stable(in), std::invalid_argument);
}

TEST(Allocation, StableRoundOnAGeneratedInstanceFromTheIndex) {
  auto in = input_from_index({.trainees = 2000, .projects = 60, .seed = 3}, /*shortlisted=*/false);
  in.min_score = 0.3;
  const auto stable = allocate_stable(in);
  check_capacities(in, stable);
  EXPECT_FALSE(has_blocking_pair(in, stable));
  EXPECT_GT(stable.assignments.size(), 20U);
  const auto best = allocate_max_score(in);
  check_capacities(in, best);
  EXPECT_GE(best.total_score, stable.total_score - 1e-9);
}

// Score matrices where a few trainees are every project's best: column
// reduction then leaves most rows free, and the square solver starts from zero
// duals instead. Here one row is best in every column, so that path always
// runs; its total must still be the rectangular solver's (and, small, brute
// force's in the test above).
TEST(MaxScore, SquareSolverWithStrongRowsAgreesWithRectangularSolver) {
  std::mt19937_64 rng(23);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int round = 0; round < 40; ++round) {
    const std::size_t n = 8 + rng() % 120;
    std::vector<double> strength(n);
    for (auto& s : strength) s = unit(rng);
    strength[rng() % n] = 2.0;  // best in every column
    std::vector<double> square(n * n), wide(n * (n + 1));
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t c = 0; c < n; ++c) {
        const double x = rng() % 3 == 0 && strength[r] < 2.0 ? 0.0 : strength[r] + 0.5 * unit(rng);
        square[r * n + c] = x;
        wide[r * (n + 1) + c] = x;
      }
      wide[r * (n + 1) + n] = -100.0;
    }
    const double a = full_assignment_total(square, n, max_weight_assignment(square, n, n));
    const double b = full_assignment_total(wide, n + 1, max_weight_assignment(wide, n, n + 1));
    ASSERT_NEAR(a, b, 1e-9) << "round " << round << " n " << n;
  }
}

}  // namespace
}  // namespace kakehashi::matcher
