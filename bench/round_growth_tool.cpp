// How a round's matcher work grows (issue 14, "how rounds grow"): the same
// generated data at N trainees x P projects and at 3N x 3P, each round as the
// service runs it (allocate_over_shortlists, stable then max_score, 4
// threads), with each phase's wall time and the process CPU time around the
// round. No database or HTTP: bench/load/matching.sh measures those (the
// growth row of bench/all.sh).
//   round_growth_tool [N P]        (default 100000 2000; 3N x 3P follows)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "matcher/generator.hpp"
#include "matcher/index.hpp"
#include "matcher/shortlist_round.hpp"

namespace {

using namespace kakehashi::matcher;

double cpu_ms() { return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

void run(std::size_t trainees, std::size_t projects) {
  const auto graph = default_skill_graph();
  const auto inst = generate(*graph, {.trainees = trainees, .projects = projects, .seed = 1});
  CandidateIndex index(graph);
  index.rebuild(inst.trainees, inst.projects);
  std::vector<RoundProject> plans;
  for (const auto& p : inst.projects) plans.push_back({plan_project(p, *graph), p.headcount});
  for (const bool stable : {true, false}) {
    ShortlistOptions options;
    options.stable = stable;
    const double cpu0 = cpu_ms();
    const auto t0 = std::chrono::steady_clock::now();
    const auto round = allocate_over_shortlists(index, plans, {}, options);
    const double wall =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf(
        "%zu x %zu %-9s wall %8.1f ms  cpu %8.1f ms  shortlist %8.1f  allocation %7.1f  check "
        "%6.1f  edges %zu  passes %d  pairs checked %zu  blocking %zu\n",
        trainees, projects, stable ? "stable" : "max_score", wall, cpu_ms() - cpu0,
        round.shortlist_ms, round.allocation_ms, round.check_ms, round.input.edges.size(),
        round.passes, round.stability.pairs_checked, round.stability.blocking_pairs);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 2 ? std::stoul(argv[1]) : 100'000;
  const std::size_t p = argc > 2 ? std::stoul(argv[2]) : 2'000;
  run(n, p);
  run(3 * n, 3 * p);
}
