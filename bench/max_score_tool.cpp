// max_score_tool [rounds] [cap] [EDGES_FILE]: the max-score allocation of a
// service-shaped round over 100k trainees and 2k projects (each project's
// best 10 x headcount + 20 candidates), solved by the old flow (one Dijkstra
// per unit) and the new one (one local Dijkstra per trainee), alternating,
// `rounds` times each; `cap` is max_per_org_per_project (0: none). Prints
// one JSON line with the medians and both totals. With EDGES_FILE it also
// writes the instance for max_score_vs_scipy.py: a header of three int64
// (trainees, projects, edges), the projects' capacities (int64), then per
// edge trainee (int64), project (int64), score (float64).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "bench/instances.hpp"

namespace {

using namespace kakehashi::bench;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void write_instance(const AllocationInput& in, const char* path) {
  std::ofstream out(path, std::ios::binary);
  auto put = [&](auto x) { out.write(reinterpret_cast<const char*>(&x), sizeof x); };
  put(static_cast<std::int64_t>(in.trainees.size()));
  put(static_cast<std::int64_t>(in.projects.size()));
  put(static_cast<std::int64_t>(in.edges.size()));
  for (const auto& p : in.projects) put(static_cast<std::int64_t>(p.capacity));
  for (const auto& e : in.edges) {
    put(static_cast<std::int64_t>(e.trainee));
    put(static_cast<std::int64_t>(e.project));
    put(e.score);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::stoi(argv[1]) : 3;
  const int cap = argc > 2 ? std::stoi(argv[2]) : 0;
  auto graph = default_skill_graph();
  const auto inst = generate(*graph, {.trainees = 100'000, .projects = 2'000, .seed = 1});
  CandidateIndex index(graph);
  index.rebuild(inst.trainees, inst.projects);
  AllocationInput in = service_round_input(index, inst);
  in.max_per_org_per_project = cap;
  if (argc > 3) write_instance(in, argv[3]);
  std::vector<double> old_s, new_s;
  double old_total = 0, new_total = 0;
  std::size_t assigned = 0;
  for (int i = 0; i < rounds; ++i) {
    for (const auto solver : {MaxScoreSolver::kUnitPaths, MaxScoreSolver::kTraineePaths}) {
      in.max_score_solver = solver;
      const auto start = std::chrono::steady_clock::now();
      const auto r = allocate_max_score(in);
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (solver == MaxScoreSolver::kUnitPaths) {
        old_s.push_back(s);
        old_total = r.total_score;
      } else {
        new_s.push_back(s);
        new_total = r.total_score;
        assigned = r.assignments.size();
      }
    }
  }
  std::printf(
      "{\"trainees\": %zu, \"projects\": %zu, \"edges\": %zu, \"cap\": %d, \"rounds\": %d, "
      "\"old_median_s\": %.4f, \"new_median_s\": %.4f, \"old_over_new\": %.1f, "
      "\"old_total\": %.9f, \"new_total\": %.9f, \"assigned\": %zu}\n",
      in.trainees.size(), in.projects.size(), in.edges.size(), cap, rounds, median(old_s),
      median(new_s), median(old_s) / median(new_s), old_total, new_total, assigned);
  return 0;
}
