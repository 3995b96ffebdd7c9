// allowed_pairs_tool OUT_FILE [seed]: a demo-sized round with trainee
// refusals (issue 15) for allowed_pairs_vs_scipy.py. 5,000 trainees, 200
// projects; each project's whole eligible list; one pair in ten refused by
// its trainee. The service leaves refused pairs out of the allocation's edges
// (matcher/shortlist_round.cpp); this tool does the same, solves max_score,
// and writes: int64 trainees, projects, edges (all eligible pairs), assigned;
// int64 capacities; per edge int64 trainee, int64 project, float64 score,
// int64 refused (0/1); per assignment int64 trainee, int64 project. Prints
// our total as one JSON line.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "matcher/allocation.hpp"
#include "matcher/generator.hpp"
#include "matcher/index.hpp"

using namespace kakehashi::matcher;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: allowed_pairs_tool OUT_FILE [seed]\n");
    return 2;
  }
  const std::uint64_t seed = argc > 2 ? std::stoull(argv[2]) : 15;
  auto graph = default_skill_graph();
  const auto inst = generate(*graph, {.trainees = 5'000, .projects = 200, .seed = seed});
  CandidateIndex index(graph);
  index.rebuild(inst.trainees, inst.projects);
  std::mt19937_64 rng(seed);
  AllocationInput all, allowed;
  for (const auto& t : inst.trainees) {
    all.trainees.push_back({t.id, t.organization_id});
  }
  allowed.trainees = all.trainees;
  std::vector<char> refused;
  for (std::uint32_t p = 0; p < inst.projects.size(); ++p) {
    all.projects.push_back({inst.projects[p].id, inst.projects[p].headcount});
    for (const auto& r : index.top_candidates(inst.projects[p], inst.trainees.size())) {
      const Edge e{static_cast<std::uint32_t>(r.id - 1), p, r.score};
      all.edges.push_back(e);
      const bool no = rng() % 10 == 0;
      refused.push_back(no);
      if (!no) allowed.edges.push_back(e);
    }
  }
  allowed.projects = all.projects;
  const auto result = allocate_max_score(allowed);
  std::ofstream out(argv[1], std::ios::binary);
  auto put = [&](auto x) { out.write(reinterpret_cast<const char*>(&x), sizeof x); };
  put(static_cast<std::int64_t>(all.trainees.size()));
  put(static_cast<std::int64_t>(all.projects.size()));
  put(static_cast<std::int64_t>(all.edges.size()));
  put(static_cast<std::int64_t>(result.assignments.size()));
  for (const auto& p : all.projects) put(static_cast<std::int64_t>(p.capacity));
  for (std::size_t i = 0; i < all.edges.size(); ++i) {
    put(static_cast<std::int64_t>(all.edges[i].trainee));
    put(static_cast<std::int64_t>(all.edges[i].project));
    put(all.edges[i].score);
    put(static_cast<std::int64_t>(refused[i]));
  }
  for (const auto& a : result.assignments) {
    put(static_cast<std::int64_t>(a.trainee));
    put(static_cast<std::int64_t>(a.project));
  }
  std::printf(
      "{\"trainees\": %zu, \"projects\": %zu, \"edges\": %zu, \"allowed\": %zu, "
      "\"assigned\": %zu, \"total\": %.9f}\n",
      all.trainees.size(), all.projects.size(), all.edges.size(), allowed.edges.size(),
      result.assignments.size(), result.total_score);
  return 0;
}
