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

RoundResult run_round(LiveIndex& live, const RoundInputs& inputs, const RoundParams& params) {
  const auto started = Clock::now();
  const auto view = live.view();
  const auto& index = *view.index;
  std::unordered_map<std::string, int> seats(inputs.seats.begin(), inputs.seats.end());
  std::unordered_set<std::int64_t> busy;
  for (const auto& id : inputs.busy_trainees) {
    if (auto seq = live.trainee_seq(id)) busy.insert(*seq);
  }
  std::optional<std::unordered_set<std::string>> wanted;
  if (params.project_ids) wanted.emplace(params.project_ids->begin(), params.project_ids->end());

  struct Entry {
    ProjectCard card;
    matcher::ProjectPlan plan;
    int seats = 0;
    std::size_t depth = 0;
    bool truncated = false;
    std::vector<matcher::Ranked> ranked;  // available, eligible, above min_score
  };
  std::vector<Entry> projects;
  int seats_total = 0;
  for (auto& card : live.projects()) {
    if (wanted && !wanted->count(card.record.id)) continue;
    auto it = seats.find(card.record.id);
    const int free = it == seats.end() ? 0 : std::max(0, it->second);
    auto project = index.project(static_cast<matcher::Id>(card.record.seq));
    if (!project) continue;
    Entry e{std::move(card), matcher::plan_project(*project, index.graph()), free, 0, false, {}};
    e.depth = static_cast<std::size_t>(free) * 10 + 20;
    seats_total += free;
    projects.push_back(std::move(e));
  }

  auto shortlist = [&](std::vector<std::size_t> which) {
    const unsigned threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i; (i = next.fetch_add(1)) < which.size();) {
        auto& e = projects[which[i]];
        if (e.seats == 0) continue;
        auto ranked = index.top_candidates(e.plan, e.depth + busy.size());
        e.truncated = ranked.size() == e.depth + busy.size();
        e.ranked.clear();
        for (const auto& r : ranked) {
          if (busy.count(static_cast<std::int64_t>(r.id)) || r.score < params.min_score) continue;
          e.ranked.push_back(r);
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  };
  std::vector<std::size_t> all(projects.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  shortlist(all);
  double shortlist_ms = ms_since(started);

  matcher::AllocationInput in;
  matcher::AllocationResult result;
  std::vector<std::int64_t> trainee_seq;
  double allocation_ms = 0;
  int passes = 0;
  for (;;) {
    ++passes;
    const auto t0 = Clock::now();
    in = {};
    trainee_seq.clear();
    std::unordered_map<std::int64_t, std::uint32_t> position;
    for (std::uint32_t p = 0; p < projects.size(); ++p) {
      in.projects.push_back(
          {static_cast<matcher::Id>(projects[p].card.record.seq), projects[p].seats});
      for (const auto& r : projects[p].ranked) {
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
    result = params.algorithm == "stable" ? matcher::allocate_stable(in)
                                          : matcher::allocate_max_score(in);
    allocation_ms += ms_since(t0);
    if (params.algorithm != "stable" || passes >= 8) break;
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
    shortlist(deeper);
    shortlist_ms += ms_since(t1);
  }

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

}  // namespace kakehashi::matching
