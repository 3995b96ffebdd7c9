// index_memory [trainees]: resident memory of a candidate index over generated
// trainees. The instance stays alive while the index is built, so the growth of
// the resident set is the index's own (plus allocator slack).
#include <cstdio>
#include <string>

#include "bench/instances.hpp"

int main(int argc, char** argv) {
  using namespace kakehashi::bench;
  const std::size_t n = argc > 1 ? std::stoul(argv[1]) : 100'000;
  auto graph = default_skill_graph();
  const auto inst = generate(*graph, {.trainees = n, .projects = 2000, .seed = 1});
  const std::size_t before = rss_bytes();
  CandidateIndex index(graph);
  index.rebuild(inst.trainees, inst.projects);
  const std::size_t after = rss_bytes();
  std::printf("{\"trainees\": %zu, \"rss_growth_mib\": %.1f, \"index_estimate_mib\": %.1f}\n",
              index.stats().trainees, static_cast<double>(after - before) / (1 << 20),
              static_cast<double>(index.stats().approx_bytes) / (1 << 20));
  return 0;
}
