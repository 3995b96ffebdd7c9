// A round over shortlists from the candidate index: each project's best
// eligible trainees (10 x seats + 20), deepened while a project with a free
// seat has a cut shortlist (by the stable allocation over them), and then,
// for `stable`, a check of the result against every eligible pair. A
// `max_score` round allocates once more, for the most total score, over the
// deepest shortlists: the stable assignment is one it may choose, so it
// scores at least as much as the stable round (it is not proven optimal over
// the pairs left off the shortlists).
//
// Why the check covers every eligible pair: a shortlist is a prefix of the
// project's ranking (CandidateIndex::top_candidates: score descending, then
// id, which is also how allocate_stable's projects rank trainees). So a
// trainee left off the shortlist of a project with no free seat ranks below
// every trainee it holds and cannot block, and a shortlist shorter than
// asked for is the whole ranking. The pairs left are the shortlisted ones
// (input.edges) and, for each project with a free seat and a cut shortlist,
// every eligible trainee, which the check fetches from the index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "matcher/allocation.hpp"
#include "matcher/index.hpp"
#include "matcher/scorer.hpp"

namespace kakehashi::matcher {

struct RoundProject {
  ProjectPlan plan;
  std::int32_t seats = 0;
};

// What trainees (by index id) want and refuse, by RoundProject plan ids
// (plan.project.id). A refused pair is never shortlisted, allocated or
// checked; wanted projects come first in a trainee's order (stable).
struct TraineeWishes {
  std::unordered_map<Id, std::vector<Id>> wanted;   // best first
  std::unordered_map<Id, std::vector<Id>> refused;  // short lists
  bool refuses(Id trainee, Id project) const;
};

struct ShortlistOptions {
  bool stable = true;
  double min_score = 0;
  std::int32_t max_per_org_per_project = 0;  // both algorithms
  const TraineeWishes* wishes = nullptr;
  // stable: a project left with a free seat and a cut shortlist is
  // shortlisted 4 times deeper, up to this many passes in all; then (with
  // `exhaust`) it is given every eligible trainee, so the round ends stable.
  int deepening_passes = 8;
  bool exhaust = true;
  unsigned threads = 4;
};

struct ShortlistStability {
  bool checked = false;  // false for max_score rounds, which do not claim stability
  bool stable = false;   // checked, and no pair blocks
  std::size_t pairs_checked = 0;
  std::size_t blocking_pairs = 0;
  std::size_t exhausted_projects = 0;  // shortlisted whole after the deepening passes
};

struct ShortlistRound {
  AllocationInput input;  // trainees by index id, projects in the given order
  AllocationResult result;
  int passes = 0;
  ShortlistStability stability;
  double shortlist_ms = 0;
  double allocation_ms = 0;
  double check_ms = 0;
};

// `excluded`: index ids of trainees not available to this round.
ShortlistRound allocate_over_shortlists(const CandidateIndex& index,
                                        const std::vector<RoundProject>& projects,
                                        const std::unordered_set<Id>& excluded,
                                        const ShortlistOptions& options);

}  // namespace kakehashi::matcher
