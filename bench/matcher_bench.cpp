// Google Benchmark for the matcher: one pair's score, top-20 among 100k
// trainees, index build, stable allocation 100k x 2k, max-score rounds at
// 100k x 2k (old and new flows), max-score 2k x 2k dense.
//   scripts/dev bench            (or build/bench/bench/matcher_bench)
#include <benchmark/benchmark.h>

#include "bench/instances.hpp"

namespace kakehashi::bench {
namespace {

const std::shared_ptr<SkillGraph>& graph() {
  static const auto g = default_skill_graph();
  return g;
}

const Instance& big() {  // 100k trainees, 2k projects
  static const Instance inst =
      generate(*graph(), {.trainees = 100'000, .projects = 2'000, .seed = 1});
  return inst;
}

const CandidateIndex& big_index() {
  static const auto index = [] {
    auto i = std::make_unique<CandidateIndex>(graph());
    i->rebuild(big().trainees, big().projects);
    return i;
  }();
  return *index;
}

void BM_ScoreOnePair(benchmark::State& state) {
  const auto& inst = big();
  std::vector<ProjectPlan> plans;
  for (std::size_t p = 0; p < 64; ++p) plans.push_back(plan_project(inst.projects[p], *graph()));
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& plan = plans[i % plans.size()];
    const auto& t = inst.trainees[(i * 7919) % inst.trainees.size()];
    benchmark::DoNotOptimize(score(plan, t));
    ++i;
  }
}
BENCHMARK(BM_ScoreOnePair);

void BM_ExplainOnePair(benchmark::State& state) {
  const auto& inst = big();
  const auto plan = plan_project(inst.projects[0], *graph());
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(explain(plan, inst.trainees[i++ % inst.trainees.size()]));
  }
}
BENCHMARK(BM_ExplainOnePair);

void BM_Top20Among100k(benchmark::State& state) {
  const auto& index = big_index();
  std::vector<ProjectPlan> plans;
  for (std::size_t p = 0; p < 200; ++p) plans.push_back(plan_project(big().projects[p], *graph()));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(index.top_candidates(plans[i++ % plans.size()], 20));
  }
  state.counters["trainees"] = static_cast<double>(index.stats().trainees);
}
BENCHMARK(BM_Top20Among100k)->Unit(benchmark::kMillisecond);

void BM_Top20ProjectsForATrainee(benchmark::State& state) {
  const auto& index = big_index();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(index.top_projects((i++ * 7919) % 100'000 + 1, 20));
  }
}
BENCHMARK(BM_Top20ProjectsForATrainee)->Unit(benchmark::kMillisecond);

void BM_IndexBuild100k(benchmark::State& state) {
  const auto& inst = big();
  std::size_t bytes = 0;
  std::size_t rss_delta = 0;
  for (auto _ : state) {
    const std::size_t before = rss_bytes();
    CandidateIndex index(graph());
    index.rebuild(inst.trainees, inst.projects);
    rss_delta = rss_bytes() - before;
    bytes = index.stats().approx_bytes;
    benchmark::DoNotOptimize(index);
  }
  state.counters["index_MiB"] = static_cast<double>(bytes) / (1 << 20);
  state.counters["rss_delta_MiB"] = static_cast<double>(rss_delta) / (1 << 20);
}
BENCHMARK(BM_IndexBuild100k)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_UpsertOneTrainee(benchmark::State& state) {
  CandidateIndex index(graph());
  index.rebuild(big().trainees, {});
  std::size_t i = 0;
  for (auto _ : state) {
    Trainee t = big().trainees[(i++ * 7919) % big().trainees.size()];
    t.hours_per_week += 1;
    index.upsert_trainee(t);
  }
}
BENCHMARK(BM_UpsertOneTrainee)->Unit(benchmark::kMicrosecond);

void BM_Stable100kx2k(benchmark::State& state) {
  // Each project's best 1000 candidates with score >= 0.3: about 2M pairs.
  static const AllocationInput in = round_input(big_index(), big(), 1000, 0.3);
  std::size_t assigned = 0;
  for (auto _ : state) {
    const auto r = allocate_stable(in);
    assigned = r.assignments.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["edges"] = static_cast<double>(in.edges.size());
  state.counters["assigned"] = static_cast<double>(assigned);
}
BENCHMARK(BM_Stable100kx2k)->Unit(benchmark::kMillisecond);

// A whole round as the service runs it (matcher/shortlist_round.hpp):
// shortlists of 10 x headcount + 20 on up to 4 threads, the allocation and,
// for stable, deepening and the check against every eligible pair.
void BM_RoundOverShortlists100kx2k(benchmark::State& state) {
  static const std::vector<RoundProject> projects = [] {
    std::vector<RoundProject> out;
    for (const auto& p : big().projects) out.push_back({plan_project(p, *graph()), p.headcount});
    return out;
  }();
  const auto& index = big_index();
  ShortlistOptions options;
  options.stable = state.range(0) == 0;
  ShortlistRound round;
  for (auto _ : state) {
    round = allocate_over_shortlists(index, projects, {}, options);
    benchmark::DoNotOptimize(round);
  }
  state.counters["passes"] = round.passes;
  state.counters["edges"] = static_cast<double>(round.input.edges.size());
  state.counters["pairs_checked"] = static_cast<double>(round.stability.pairs_checked);
  state.counters["blocking_pairs"] = static_cast<double>(round.stability.blocking_pairs);
  state.counters["check_ms"] = round.check_ms;
  state.counters["shortlist_ms"] = round.shortlist_ms;
  state.counters["allocation_ms"] = round.allocation_ms;
}
// Arg: 0 stable, 1 max_score.
BENCHMARK(BM_RoundOverShortlists100kx2k)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// max_score over a round shaped as the service builds it: each project's best
// 10 x headcount + 20 candidates (~80k pairs over ~19k trainees). Args: the
// solver (2 = the old per-unit flow, 3 = the per-trainee flow) and the
// organization cap (0 = none). The old flow takes a minute or more per
// iteration; bench/max_score_tool alternates the two.
void BM_MaxScoreRound100kx2k(benchmark::State& state) {
  static const AllocationInput base = service_round_input(big_index(), big());
  AllocationInput in = base;
  in.max_score_solver = static_cast<MaxScoreSolver>(state.range(0));
  in.max_per_org_per_project = static_cast<std::int32_t>(state.range(1));
  double total = 0;
  for (auto _ : state) {
    const auto r = allocate_max_score(in);
    total = r.total_score;
    benchmark::DoNotOptimize(r);
  }
  state.counters["edges"] = static_cast<double>(in.edges.size());
  state.counters["total_score"] = total;
}
BENCHMARK(BM_MaxScoreRound100kx2k)->Args({3, 0})->Args({3, 1})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MaxScoreRound100kx2k)
    ->Args({2, 0})
    ->Args({2, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

void BM_MaxScore2kx2k(benchmark::State& state) {
  static const Instance inst = generate(*graph(), {.trainees = 2000, .projects = 2000, .seed = 2});
  static const std::vector<double> w = score_matrix(*graph(), inst);
  double total = 0;
  for (auto _ : state) {
    const auto match = max_weight_assignment(w, 2000, 2000);
    total = 0;
    for (std::size_t r = 0; r < match.size(); ++r)
      total += w[r * 2000 + static_cast<std::size_t>(match[r])];
    benchmark::DoNotOptimize(total);
  }
  state.counters["total_score"] = total;
}
BENCHMARK(BM_MaxScore2kx2k)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kakehashi::bench

BENCHMARK_MAIN();
