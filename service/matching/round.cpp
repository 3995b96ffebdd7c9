#include "matching/round.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <unordered_set>

#include "matcher/allocation.hpp"
#include "matcher/shortlist_round.hpp"

namespace kakehashi::matching {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

}  // namespace

// One open project in a round: its card, plan and free seats.
struct Entry {
  ProjectCard card;
  int seats = 0;
};

// What a round works on: the projects asked for with their free seats (and
// plans, in the same order), and the trainees already in an open match
// (index ids), who are left out.
struct Work {
  std::vector<Entry> projects;
  std::vector<matcher::RoundProject> plans;
  std::unordered_set<matcher::Id> busy;
  int seats = 0;
};

Work round_work(LiveIndex& live, const matcher::CandidateIndex& index, const RoundInputs& inputs,
                const RoundParams& params) {
  Work w;
  std::unordered_map<std::string, int> seats(inputs.seats.begin(), inputs.seats.end());
  for (const auto& id : inputs.busy_trainees) {
    if (auto seq = live.trainee_seq(id)) w.busy.insert(static_cast<matcher::Id>(*seq));
  }
  std::optional<std::unordered_set<std::string>> wanted;
  if (params.project_ids) wanted.emplace(params.project_ids->begin(), params.project_ids->end());
  for (auto& card : live.projects()) {
    if (wanted && !wanted->count(card.record.id)) continue;
    auto it = seats.find(card.record.id);
    const int free = it == seats.end() ? 0 : std::max(0, it->second);
    auto project = index.project(static_cast<matcher::Id>(card.record.seq));
    if (!project) continue;
    w.plans.push_back({matcher::plan_project(*project, index.graph()), free});
    w.projects.push_back({std::move(card), free});
    w.seats += free;
  }
  return w;
}

// The typed result: proposals with their explanations, who stayed unmatched
// and why, seats left unfilled, per-organization counts.
RoundResult assemble(LiveIndex& live, const matcher::CandidateIndex& index, const Work& w,
                     const matcher::ShortlistRound& round) {
  const auto& projects = w.projects;
  const auto& busy = w.busy;
  const auto& in = round.input;
  const auto& result = round.result;
  // Index ids are the trainees' seqs.
  auto trainee_seq = [&](std::uint32_t t) { return static_cast<std::int64_t>(in.trainees[t].id); };
  RoundResult out;
  out.shortlist_passes = round.passes;
  out.shortlist_ms = round.shortlist_ms;
  out.allocation_ms = round.allocation_ms;
  out.check_ms = round.check_ms;
  out.stability_checked = round.stability.checked;
  out.stable = round.stability.stable;
  out.blocking_pairs = round.stability.blocking_pairs;
  out.stability_pairs_checked = round.stability.pairs_checked;
  out.shortlisted_whole = round.stability.exhausted_projects;
  const auto t2 = Clock::now();
  for (const auto& a : result.assignments) {
    const auto& e = projects[a.project];
    const auto seq = trainee_seq(a.trainee);
    auto card = live.trainee(seq);
    auto features = index.trainee(static_cast<matcher::Id>(seq));
    if (!card || !features) continue;
    out.proposals.push_back({e.card.record.id, std::string(card->id()),
                             e.card.record.organization_id, std::string(card->organization_id()),
                             a.score, matcher::explain(w.plans[a.project].plan, *features)});
  }
  for (const auto& u : result.unmatched) {
    const std::string reason(matcher::unmatched_reason_name(u.reason));
    ++out.unmatched_by_reason[reason];
    if (out.unmatched_listed.size() < kUnmatchedListed) {
      if (auto card = live.trainee(trainee_seq(u.trainee))) {
        out.unmatched_listed.push_back(
            {std::string(card->id()), std::string(card->alias()), reason});
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
  out.seats = w.seats;
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
  const Work w = round_work(live, index, inputs, params);
  const double setup_ms = ms_since(started);
  matcher::ShortlistOptions options;
  options.stable = params.algorithm == domain::Algorithm::kStable;
  options.min_score = params.min_score;
  options.max_per_org_per_project = params.max_per_org_per_project;
  const auto round = matcher::allocate_over_shortlists(index, w.plans, w.busy, options);
  auto out = assemble(live, index, w, round);
  out.shortlist_ms += setup_ms;
  return out;
}

}  // namespace kakehashi::matching
