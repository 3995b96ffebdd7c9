#include "matcher/shortlist_round.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <unordered_map>

namespace kakehashi::matcher {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct Shortlist {
  std::size_t depth = 0;
  bool truncated = false;
  std::vector<Ranked> ranked;  // available, eligible, above min_score
};

// Runs `fn(i)` for every i in `which`, a few threads at a time.
template <typename Fn>
void in_parallel(const std::vector<std::size_t>& which, unsigned threads, const Fn& fn) {
  threads = std::max(1u, std::min(threads, std::thread::hardware_concurrency()));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < which.size();) fn(which[i]);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

// Every eligible, available trainee of `plan` above min_score who does not
// refuse it, best first.
std::vector<Ranked> rank(const CandidateIndex& index, const ProjectPlan& plan, std::size_t k,
                         const std::unordered_set<Id>& excluded, const ShortlistOptions& options,
                         bool& truncated) {
  auto ranked = index.top_candidates(plan, k + excluded.size());
  truncated = ranked.size() == k + excluded.size();
  std::erase_if(ranked, [&](const Ranked& r) {
    return excluded.count(r.id) || r.score < options.min_score ||
           (options.wishes && options.wishes->refuses(r.id, plan.project.id));
  });
  return ranked;
}

AllocationInput allocation_input(const CandidateIndex& index,
                                 const std::vector<RoundProject>& projects,
                                 const std::vector<Shortlist>& lists,
                                 const ShortlistOptions& options) {
  AllocationInput in;
  std::unordered_map<Id, std::uint32_t> position;
  std::size_t edges = 0;
  for (const auto& l : lists) edges += l.ranked.size();
  position.reserve(edges);
  in.edges.reserve(edges);
  for (std::uint32_t p = 0; p < projects.size(); ++p) {
    in.projects.push_back({projects[p].plan.project.id, projects[p].seats});
    for (const auto& r : lists[p].ranked) {
      auto [it, inserted] =
          position.try_emplace(r.id, static_cast<std::uint32_t>(in.trainees.size()));
      if (inserted) in.trainees.push_back({r.id, 0});
      in.edges.push_back({it->second, p, r.score});
    }
  }
  // Their organizations in one pass over the index (one lookup each, with
  // a shard's lock and a binary search, grew with the index: issue 14).
  std::vector<Id> ids;
  ids.reserve(in.trainees.size());
  for (const auto& t : in.trainees) ids.push_back(t.id);
  const auto orgs = index.organizations_of(ids);
  for (std::size_t t = 0; t < in.trainees.size(); ++t) in.trainees[t].organization_id = orgs[t];
  in.min_score = options.min_score;
  in.max_per_org_per_project = options.max_per_org_per_project;
  if (options.wishes && !options.wishes->wanted.empty()) {
    std::unordered_map<Id, std::uint32_t> project_at;
    for (std::uint32_t p = 0; p < projects.size(); ++p) project_at[projects[p].plan.project.id] = p;
    in.trainee_wanted.resize(in.trainees.size());
    for (std::uint32_t t = 0; t < in.trainees.size(); ++t) {
      const auto it = options.wishes->wanted.find(in.trainees[t].id);
      if (it == options.wishes->wanted.end()) continue;
      for (const Id project : it->second) {
        const auto at = project_at.find(project);
        if (at != project_at.end()) in.trainee_wanted[t].push_back(at->second);
      }
    }
  }
  return in;
}

}  // namespace

bool TraineeWishes::refuses(Id trainee, Id project) const {
  const auto it = refused.find(trainee);
  if (it == refused.end()) return false;
  return std::find(it->second.begin(), it->second.end(), project) != it->second.end();
}

ShortlistRound allocate_over_shortlists(const CandidateIndex& index,
                                        const std::vector<RoundProject>& projects,
                                        const std::unordered_set<Id>& excluded,
                                        const ShortlistOptions& options) {
  ShortlistRound out;
  const std::size_t everyone = index.stats().trainees;
  std::vector<Shortlist> lists(projects.size());
  auto shortlist = [&](const std::vector<std::size_t>& which) {
    const auto t0 = Clock::now();
    in_parallel(which, options.threads, [&](std::size_t p) {
      auto& l = lists[p];
      l.ranked = rank(index, projects[p].plan, l.depth, excluded, options, l.truncated);
      // A list as long as the index is whole, even when every trainee is on it.
      if (l.depth >= everyone) l.truncated = false;
    });
    out.shortlist_ms += ms_since(t0);
  };
  std::vector<std::size_t> all;
  for (std::size_t p = 0; p < projects.size(); ++p) {
    if (projects[p].seats <= 0) continue;  // no seat: no shortlist
    lists[p].depth = static_cast<std::size_t>(projects[p].seats) * 10 + 20;
    all.push_back(p);
  }
  shortlist(all);
  for (;;) {
    ++out.passes;
    const auto t0 = Clock::now();
    out.input = allocation_input(index, projects, lists, options);
    // A max_score round's shortlists are deepened as a stable round's are,
    // by the stable allocation over them, and its own allocation runs once,
    // over the deepest: the stable assignment is among those it may choose,
    // so its total is at least the stable round's. (Allocated over the first
    // shortlists only, projects that all want the same few trainees found
    // mostly the same people on them: a probe's max_score round filled 48 of
    // 60 such seats, at a lower total than the stable round's 60.)
    out.result = allocate_stable(out.input);
    out.allocation_ms += ms_since(t0);
    // A project with a free seat and a cut shortlist may be wanted by a
    // trainee beyond it: look deeper and allocate again.
    std::vector<std::size_t> deeper;
    const bool last_pass = out.passes >= options.deepening_passes;
    // After the passes, unfilled projects with a cut list are shortlisted
    // whole: each at most once (a whole list is never cut), so this ends.
    if (last_pass && !options.exhaust) break;
    for (const auto& u : out.result.unfilled) {
      auto& l = lists[u.project];
      if (!l.truncated) continue;
      if (last_pass) {
        l.depth = everyone;  // the whole ranking: never cut
        ++out.stability.exhausted_projects;
      } else {
        l.depth *= 4;
      }
      deeper.push_back(u.project);
    }
    if (deeper.empty()) break;
    shortlist(deeper);
  }
  if (!options.stable) {
    const auto t0 = Clock::now();
    out.result = allocate_max_score(out.input);
    out.allocation_ms += ms_since(t0);
    return out;
  }

  // The check: the shortlisted pairs, and every eligible pair of a project
  // with a free seat and a cut shortlist (see the header for why that is all
  // of them).
  const auto t0 = Clock::now();
  // A shortlist that came back shorter than asked is the project's whole
  // ranking already (the same contract as the prefix), so only cut ones are
  // fetched again: a round with many unfilled projects does not rescan the
  // index for each.
  std::vector<std::size_t> open;
  for (const auto& u : out.result.unfilled) {
    if (lists[u.project].truncated) open.push_back(u.project);
  }
  std::vector<std::vector<OutsidePair>> found(projects.size());
  in_parallel(open, options.threads, [&](std::size_t p) {
    bool cut = false;
    auto ranked = rank(index, projects[p].plan, everyone, excluded, options, cut);
    // The shortlist is this ranking's prefix when the index stood still; the
    // service's index may change during a round, so the pairs already
    // shortlisted are skipped by trainee, not by position.
    std::unordered_set<Id> shortlisted;
    for (const auto& r : lists[p].ranked) shortlisted.insert(r.id);
    for (const auto& r : ranked) {
      if (!shortlisted.count(r.id)) {
        found[p].push_back(
            {r.id, static_cast<std::uint32_t>(p), r.score, index.organization_of(r.id)});
      }
    }
  });
  std::vector<OutsidePair> outside;
  for (const auto& f : found) outside.insert(outside.end(), f.begin(), f.end());
  const auto check = check_stability(out.input, out.result, outside);
  out.stability.checked = true;
  out.stability.pairs_checked = check.pairs_checked;
  out.stability.blocking_pairs = check.blocking_pairs;
  out.stability.stable = check.blocking_pairs == 0;
  out.check_ms = ms_since(t0);
  return out;
}

}  // namespace kakehashi::matcher
