// Allocation of trainees to projects with headcount capacities, over eligible
// pairs whose score passes a threshold:
//  - stable: trainee-proposing deferred acceptance with capacities (the
//    hospitals/residents mechanism); the result has no blocking pair;
//  - max_score: maximum total score: a min-cost flow over the eligible pairs
//    (matcher/flow.hpp), which keeps a per-organization cap exact; tiny
//    uncapped rounds use the dense assignment on trainees x seats.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "matcher/types.hpp"

namespace kakehashi::matcher {

struct AllocTrainee {
  Id id = 0;
  Id organization_id = 0;
};

struct AllocProject {
  Id id = 0;
  std::int32_t capacity = 0;
};

// An eligible pair and its score (indices into the input vectors).
struct Edge {
  std::uint32_t trainee;
  std::uint32_t project;
  double score;
};

// How allocate_max_score solves (all exact; the choice is for tests and
// benchmarks). kAuto: dense for tiny uncapped rounds, otherwise
// kTraineePaths.
enum class MaxScoreSolver : std::uint8_t {
  kAuto,
  kDense,         // the trainees x seats matrix (uncapped and up to 16M cells; else the flow)
  kUnitPaths,     // min-cost flow, one Dijkstra over the whole graph per unit
  kTraineePaths,  // min-cost flow, one local Dijkstra per trainee added
};

struct AllocationInput {
  std::vector<AllocTrainee> trainees;
  std::vector<AllocProject> projects;
  std::vector<Edge> edges;
  double min_score = 0;  // edges below this are ignored
  // At most this many trainees of one organization per project (0: no cap).
  // max_score keeps it exactly; stable treats it as part of each project's
  // choice (a project takes proposers best first, skipping one whose
  // organization already fills its cap), see check_stability.
  std::int32_t max_per_org_per_project = 0;
  MaxScoreSolver max_score_solver = MaxScoreSolver::kAuto;
  // stable only: explicit trainee preferences (project indices, best first);
  // empty: each trainee ranks its eligible projects by score.
  std::vector<std::vector<std::uint32_t>> trainee_preferences;
  // stable: the projects each trainee wants (project indices, best first; a
  // short list). They come before its other eligible projects, which follow
  // by score. Refused pairs are not edges at all (the caller leaves them
  // out). Ignored for a trainee with explicit trainee_preferences.
  std::vector<std::vector<std::uint32_t>> trainee_wanted;
};

enum class UnmatchedReason : std::uint8_t {
  kNoEligibleProject,  // no eligible pair above the threshold
  kOutranked,          // every eligible project filled with trainees it preferred / scoring more
  kCapacity,           // every eligible project has no seats (or the organization cap is reached)
};
enum class UnfilledReason : std::uint8_t {
  kNoEligibleTrainee,        // no eligible pair above the threshold
  kTraineesPlacedElsewhere,  // eligible trainees went to projects they preferred / scoring more
  kOrganizationCap,          // remaining eligible trainees are blocked by the per-organization cap
};

std::string_view unmatched_reason_name(UnmatchedReason r);
std::string_view unfilled_reason_name(UnfilledReason r);

struct Assignment {
  std::uint32_t trainee;
  std::uint32_t project;
  double score;
};

struct UnmatchedTrainee {
  std::uint32_t trainee;
  UnmatchedReason reason;
};

struct UnfilledProject {
  std::uint32_t project;
  std::int32_t seats;
  UnfilledReason reason;
};

struct AllocationResult {
  std::vector<Assignment> assignments;  // sorted by (project, trainee)
  double total_score = 0;
  double mean_score = 0;
  std::vector<UnmatchedTrainee> unmatched;
  std::vector<UnfilledProject> unfilled;
  std::map<Id, std::int32_t> per_organization;  // organization id -> trainees assigned
};

AllocationResult allocate_stable(const AllocationInput& input);

// An eligible pair outside input.edges, with the trainee named by id (one
// that is not in input.trainees is unassigned).
struct OutsidePair {
  Id trainee;
  std::uint32_t project;
  double score;
  Id organization_id = 0;  // for the cap, when the trainee is not in the input
};

struct StabilityCheck {
  std::size_t pairs_checked = 0;   // pairs of input.edges above the threshold, and `outside`
  std::size_t blocking_pairs = 0;  // of those, the ones that block
};

// Counts the pairs that block `result`: a trainee and a project with a seat
// (capacity > 0) such that the trainee prefers the project to its own (a
// wanted project first, in its order, then by score, then project id; any
// project to none) and the project would choose the trainee (by score, then
// trainee id): it has a free seat or holds a trainee it likes less — and,
// with a per-organization cap, when the trainee's organization already
// fills the cap at the project, the trainee must beat the least preferred
// trainee of its own organization there. These are the preferences
// allocate_stable uses when no explicit ones are given.
StabilityCheck check_stability(const AllocationInput& input, const AllocationResult& result,
                               const std::vector<OutsidePair>& outside = {});
AllocationResult allocate_max_score(const AllocationInput& input);

// Solves the rectangular assignment problem: maximises the sum of
// weight[r * cols + c] over a matching that covers every row when rows <= cols
// (every column otherwise). Returns, for each row, its column or -1. Square
// problems use Jonker and Volgenant's LAPJV, rectangular ones Crouse's
// shortest augmenting path method (SciPy's).
std::vector<std::int32_t> max_weight_assignment(const std::vector<double>& weight, std::size_t rows,
                                                std::size_t cols);

}  // namespace kakehashi::matcher
