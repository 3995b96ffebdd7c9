// The sparse maximum-score solvers behind allocate_max_score, as min-cost
// flows on trainee -> (project, organization) -> project -> sink, where the
// middle layer carries the per-organization cap:
//  - by_unit: successive shortest paths, one Dijkstra over the whole graph
//    per unit of flow, stopping when no path lowers the cost (the original);
//  - by_trainee: every trainee has an extra arc straight to the sink
//    ("unassigned", cost 0), so the optimum routes every trainee, and each is
//    added in turn with one Dijkstra from it alone that stops at the sink,
//    touching only the few nodes its arrival disturbs (the sparse
//    Jonker-Volgenant idea carried over to flows).
// Both are exact; the edges given must be valid and above the threshold.
#pragma once

#include <vector>

#include "matcher/allocation.hpp"

namespace kakehashi::matcher {

std::vector<Assignment> max_score_by_unit(const AllocationInput& in,
                                          const std::vector<Edge>& edges);
std::vector<Assignment> max_score_by_trainee(const AllocationInput& in,
                                             const std::vector<Edge>& edges);

}  // namespace kakehashi::matcher
