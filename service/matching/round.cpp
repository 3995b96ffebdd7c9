#include "matching/round.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "matcher/allocation.hpp"

namespace kakehashi::matching {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

}  // namespace

// One open project in a round: its plan, free seats and shortlist.
struct Entry {
  ProjectCard card;
  matcher::ProjectPlan plan;
  int seats = 0;
  std::size_t depth = 0;
  bool truncated = false;
  std::vector<matcher::Ranked> ranked;  // available, eligible, above min_score
};

// What a round works on: the projects asked for with their free seats, and
// the trainees already in an open match (index ids), who are left out.
struct Work {
  std::vector<Entry> projects;
  std::unordered_set<std::int64_t> busy;
  int seats = 0;
};

Work round_work(LiveIndex& live, const matcher::CandidateIndex& index, const RoundInputs& inputs,
                const RoundParams& params) {
  Work w;
  std::unordered_map<std::string, int> seats(inputs.seats.begin(), inputs.seats.end());
  for (const auto& id : inputs.busy_trainees) {
    if (auto seq = live.trainee_seq(id)) w.busy.insert(*seq);
  }
  std::optional<std::unordered_set<std::string>> wanted;
  if (params.project_ids) wanted.emplace(params.project_ids->begin(), params.project_ids->end());
  for (auto& card : live.projects()) {
    if (wanted && !wanted->count(card.record.id)) continue;
    auto it = seats.find(card.record.id);
    const int free = it == seats.end() ? 0 : std::max(0, it->second);
    auto project = index.project(static_cast<matcher::Id>(card.record.seq));
    if (!project) continue;
    Entry e{std::move(card), matcher::plan_project(*project, index.graph()), free, 0, false, {}};
    e.depth = static_cast<std::size_t>(free) * 10 + 20;
    w.seats += free;
    w.projects.push_back(std::move(e));
  }
  return w;
}

// Ranks the projects named by `which` (by position) to their depth, a few
// threads at a time.
void shortlist(Work& w, const matcher::CandidateIndex& index, double min_score,
               const std::vector<std::size_t>& which) {
  const unsigned threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < which.size();) {
      auto& e = w.projects[which[i]];
      if (e.seats == 0) continue;
      auto ranked = index.top_candidates(e.plan, e.depth + w.busy.size());
      e.truncated = ranked.size() == e.depth + w.busy.size();
      e.ranked.clear();
      for (const auto& r : ranked) {
        if (w.busy.count(static_cast<std::int64_t>(r.id)) || r.score < min_score) continue;
        e.ranked.push_back(r);
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

// The allocation problem over the shortlists; trainee_seq maps its trainee
// positions back to index ids.
matcher::AllocationInput allocation_input(const Work& w, const matcher::CandidateIndex& index,
                                          const RoundParams& params,
                                          std::vector<std::int64_t>& trainee_seq) {
  matcher::AllocationInput in;
  trainee_seq.clear();
  std::unordered_map<std::int64_t, std::uint32_t> position;
  for (std::uint32_t p = 0; p < w.projects.size(); ++p) {
    in.projects.push_back(
        {static_cast<matcher::Id>(w.projects[p].card.record.seq), w.projects[p].seats});
    for (const auto& r : w.projects[p].ranked) {
      const auto seq = static_cast<std::int64_t>(r.id);
      auto [it, inserted] =
          position.try_emplace(seq, static_cast<std::uint32_t>(trainee_seq.size()));
      if (inserted) {
        trainee_seq.push_back(seq);
        auto t = index.trainee(r.id);
        in.trainees.push_back({r.id, t ? t->organization_id : 0});
      }
      in.edges.push_back({it->second, p, r.score});
    }
  }
  in.min_score = params.min_score;
  in.max_per_org_per_project = params.max_per_org_per_project;
  return in;
}

struct Phases {
  int passes = 0;
  double shortlist_ms = 0;
  double allocation_ms = 0;
};

// The typed result: proposals with their explanations, who stayed unmatched
// and why, seats left unfilled, per-organization counts.
RoundResult assemble(LiveIndex& live, const matcher::CandidateIndex& index, const Work& w,
                     const matcher::AllocationInput& in, const matcher::AllocationResult& result,
                     const std::vector<std::int64_t>& trainee_seq, const Phases& phases) {
  const auto& projects = w.projects;
  const auto& busy = w.busy;
  const int seats_total = w.seats;
  const int passes = phases.passes;
  const double shortlist_ms = phases.shortlist_ms;
  const double allocation_ms = phases.allocation_ms;
  RoundResult out;
  out.shortlist_passes = passes;
  out.shortlist_ms = shortlist_ms;
  out.allocation_ms = allocation_ms;
  const auto t2 = Clock::now();
  for (const auto& a : result.assignments) {
    const auto& e = projects[a.project];
    const auto seq = trainee_seq[a.trainee];
    auto card = live.trainee(seq);
    auto features = index.trainee(static_cast<matcher::Id>(seq));
    if (!card || !features) continue;
    out.proposals.push_back({e.card.record.id, card->id, e.card.record.organization_id,
                             card->organization_id, a.score, matcher::explain(e.plan, *features)});
  }
  for (const auto& u : result.unmatched) {
    const std::string reason(matcher::unmatched_reason_name(u.reason));
    ++out.unmatched_by_reason[reason];
    if (out.unmatched_listed.size() < kUnmatchedListed) {
      if (auto card = live.trainee(trainee_seq[u.trainee])) {
        out.unmatched_listed.push_back({card->id, card->alias, reason});
      }
    }
  }
  const std::size_t available = live.trainee_count() - std::min(busy.size(), live.trainee_count());
  for (const auto& u : result.unfilled) {
    out.unfilled_seats += u.seats;
    out.unfilled.push_back({projects[u.project].card.record.id,
                            projects[u.project].card.record.data.title, u.seats,
                            std::string(matcher::unfilled_reason_name(u.reason))});
  }
  for (const auto& [org, count] : result.per_organization) {
    out.per_organization.emplace_back(live.organization_uuid(org), count);
  }
  out.projects = projects.size();
  out.seats = seats_total;
  out.available_trainees = available;
  out.considered_trainees = in.trainees.size();
  out.eligible_pairs = in.edges.size();
  out.unmatched = available - std::min(available, result.assignments.size());
  out.not_shortlisted = available - std::min(available, in.trainees.size());
  out.total_score = result.total_score;
  out.mean_score = result.mean_score;
  out.explain_ms = ms_since(t2);
  return out;
}

RoundResult run_round(LiveIndex& live, const RoundInputs& inputs, const RoundParams& params) {
  const auto started = Clock::now();
  const auto view = live.view();
  const auto& index = *view.index;
  Work w = round_work(live, index, inputs, params);
  auto& projects = w.projects;
  std::vector<std::size_t> all(projects.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  shortlist(w, index, params.min_score, all);
  double shortlist_ms = ms_since(started);

  // For `stable`, a project left with a free seat whose shortlist was cut is
  // shortlisted deeper and the allocation runs again.
  const bool stable = params.algorithm == domain::Algorithm::kStable;
  matcher::AllocationInput in;
  matcher::AllocationResult result;
  std::vector<std::int64_t> trainee_seq;
  double allocation_ms = 0;
  int passes = 0;
  for (;;) {
    ++passes;
    const auto t0 = Clock::now();
    in = allocation_input(w, index, params, trainee_seq);
    result = stable ? matcher::allocate_stable(in) : matcher::allocate_max_score(in);
    allocation_ms += ms_since(t0);
    if (!stable || passes >= 8) break;
    std::vector<std::size_t> deeper;
    for (const auto& u : result.unfilled) {
      auto& e = projects[u.project];
      if (e.truncated) {
        e.depth *= 4;
        deeper.push_back(u.project);
      }
    }
    if (deeper.empty()) break;
    const auto t1 = Clock::now();
    shortlist(w, index, params.min_score, deeper);
    shortlist_ms += ms_since(t1);
  }
  return assemble(live, index, w, in, result, trainee_seq, {passes, shortlist_ms, allocation_ms});
}

}  // namespace kakehashi::matching
