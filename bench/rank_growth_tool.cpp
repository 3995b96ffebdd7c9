// How one project's ranking grows with the index (issue 14, "how rounds
// grow", session 10): CandidateIndex::top_candidates(plan, 10 x headcount +
// 20) for every project of the generated data, one thread, at N x P and at
// 3N x 3P, best of `repeats` passes in process CPU; prints the mean per
// project and a checksum of every result (equal for any exact index).
//   rank_growth_tool [N P [repeats]]        (default 100000 2000 3)
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>

#include "matcher/generator.hpp"
#include "matcher/index.hpp"

namespace {

using namespace kakehashi::matcher;

double cpu_ms() { return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double run(std::size_t trainees, std::size_t projects, int repeats) {
  const auto graph = default_skill_graph();
  const auto inst = generate(*graph, {.trainees = trainees, .projects = projects, .seed = 1});
  CandidateIndex index(graph);
  index.rebuild(inst.trainees, inst.projects);
  std::vector<std::pair<ProjectPlan, std::size_t>> plans;
  for (const auto& p : inst.projects) {
    plans.emplace_back(plan_project(p, *graph), 10 * static_cast<std::size_t>(p.headcount) + 20);
  }
  double best = 1e300;
  unsigned long long checksum = 0;
  std::size_t results = 0;
  for (int rep = 0; rep < repeats; ++rep) {
    checksum = 0;
    results = 0;
    const double cpu0 = cpu_ms();
    for (const auto& [plan, k] : plans) {
      for (const Ranked& r : index.top_candidates(plan, k)) {
        checksum =
            checksum * 1000003ULL + r.id * 31ULL + static_cast<unsigned long long>(r.score * 1e9);
        ++results;
      }
    }
    best = std::min(best, cpu_ms() - cpu0);
  }
  std::printf("%zu x %zu: %8.1f ms cpu, %7.1f us per project, %zu ranked, checksum %016llx\n",
              trainees, projects, best, 1000.0 * best / static_cast<double>(projects), results,
              checksum);
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 2 ? std::stoul(argv[1]) : 100'000;
  const std::size_t p = argc > 2 ? std::stoul(argv[2]) : 2'000;
  const int repeats = argc > 3 ? std::stoi(argv[3]) : 3;
  const double small = run(n, p, repeats);
  const double large = run(3 * n, 3 * p, repeats);
  std::printf("growth %.2fx\n", large / small);
}
