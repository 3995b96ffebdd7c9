// Shared set-up for the matcher benchmarks: realistic generated instances and
// the score-derived matrices and edge lists built from them.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "matcher/allocation.hpp"
#include "matcher/generator.hpp"
#include "matcher/index.hpp"
#include "matcher/shortlist_round.hpp"

namespace kakehashi::bench {

using namespace kakehashi::matcher;

// Resident set size of this process in bytes (Linux).
inline std::size_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0;
  std::size_t resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

// Scores of `trainees` x `projects` pairs, 0 where ineligible: the matrix a
// max-score round over them solves.
inline std::vector<double> score_matrix(const SkillGraph& graph, const Instance& inst) {
  std::vector<double> w(inst.trainees.size() * inst.projects.size(), 0.0);
  for (std::size_t p = 0; p < inst.projects.size(); ++p) {
    const auto plan = plan_project(inst.projects[p], graph);
    for (std::size_t t = 0; t < inst.trainees.size(); ++t) {
      if (auto s = score(plan, inst.trainees[t])) w[t * inst.projects.size() + p] = *s;
    }
  }
  return w;
}

// The eligible pairs of each project's best `per_project` candidates.
inline AllocationInput round_input(const CandidateIndex& index, const Instance& inst,
                                   std::size_t per_project, double min_score) {
  AllocationInput in;
  in.min_score = min_score;
  for (const auto& t : inst.trainees) in.trainees.push_back({t.id, t.organization_id});
  for (std::uint32_t p = 0; p < inst.projects.size(); ++p) {
    in.projects.push_back({inst.projects[p].id, inst.projects[p].headcount});
    for (const auto& r : index.top_candidates(inst.projects[p], per_project)) {
      if (r.score >= min_score) {
        in.edges.push_back({static_cast<std::uint32_t>(r.id - 1), p, r.score});
      }
    }
  }
  return in;
}

// A round's shortlists as the service builds them (matching/round.cpp): each
// project's best 10 x headcount + 20 eligible candidates, and as trainees only
// those on a shortlist, in order of first appearance.
inline AllocationInput service_round_input(const CandidateIndex& index, const Instance& inst) {
  AllocationInput in;
  std::vector<std::int64_t> position(inst.trainees.size() + 1, -1);  // by trainee id
  for (std::uint32_t p = 0; p < inst.projects.size(); ++p) {
    in.projects.push_back({inst.projects[p].id, inst.projects[p].headcount});
    const auto depth = static_cast<std::size_t>(inst.projects[p].headcount) * 10 + 20;
    for (const auto& r : index.top_candidates(inst.projects[p], depth)) {
      auto& at = position[r.id];
      if (at < 0) {
        at = static_cast<std::int64_t>(in.trainees.size());
        in.trainees.push_back({r.id, inst.trainees[r.id - 1].organization_id});
      }
      in.edges.push_back({static_cast<std::uint32_t>(at), p, r.score});
    }
  }
  return in;
}

}  // namespace kakehashi::bench
