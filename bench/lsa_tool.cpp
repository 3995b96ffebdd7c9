// lsa_tool MATRIX_FILE [runs]: writes the 2000 x 2000 score-derived matrix of a
// generated instance (float64, row-major, trainees x projects) to MATRIX_FILE,
// solves the maximum-weight assignment `runs` times and prints one JSON line:
// the median seconds and the total score. bench/lsa_vs_scipy.py calls it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "bench/instances.hpp"

int main(int argc, char** argv) {
  using namespace kakehashi::bench;
  if (argc < 2) {
    std::fprintf(stderr, "usage: lsa_tool MATRIX_FILE [runs] [size]\n");
    return 2;
  }
  const int runs = argc > 2 ? std::stoi(argv[2]) : 5;
  const std::size_t n = argc > 3 ? std::stoul(argv[3]) : 2000;
  auto graph = default_skill_graph();
  const auto inst = generate(*graph, {.trainees = n, .projects = n, .seed = 2});
  const auto w = score_matrix(*graph, inst);
  std::ofstream(argv[1], std::ios::binary)
      .write(reinterpret_cast<const char*>(w.data()),
             static_cast<std::streamsize>(w.size() * sizeof(double)));
  std::vector<double> seconds;
  double total = 0;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto match = max_weight_assignment(w, n, n);
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    total = 0;
    for (std::size_t r = 0; r < n; ++r) total += w[r * n + static_cast<std::size_t>(match[r])];
  }
  std::sort(seconds.begin(), seconds.end());
  std::printf("{\"n\": %zu, \"median_seconds\": %.6f, \"total\": %.9f}\n", n,
              seconds[seconds.size() / 2], total);
  return 0;
}
