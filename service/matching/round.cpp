#include "matching/round.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "matcher/allocation.hpp"
#include "matcher/shortlist_round.hpp"
#include "matching/roles.hpp"

namespace kakehashi::matching {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

}  // namespace

// One role of an open project in a round (a project without roles is one):
// its card, role and free seats.
struct Entry {
  ProjectCard card;
  std::string role;
  std::string role_title;
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
  matcher::TraineeWishes wishes;
};

// Trainees' wishes by index ids: a wish naming a project (no role) covers
// every role of a team; wanted ones keep their order.
void add_wishes(Work& w, LiveIndex& live, const std::vector<domain::TraineePreferences>& prefs) {
  std::map<std::string, std::vector<std::pair<std::string, matcher::Id>>>
      units;  // project -> roles
  for (std::size_t i = 0; i < w.projects.size(); ++i) {
    units[w.projects[i].card.record.id].emplace_back(w.projects[i].role,
                                                     w.plans[i].plan.project.id);
  }
  auto ids = [&](const domain::PreferenceTarget& target) {
    std::vector<matcher::Id> out;
    auto it = units.find(target.project_id);
    if (it == units.end()) return out;
    for (const auto& [role, id] : it->second) {
      if (target.role.empty() || target.role == role) out.push_back(id);
    }
    return out;
  };
  for (const auto& p : prefs) {
    auto seq = live.trainee_seq(p.trainee_id);
    if (!seq) continue;
    const auto t = static_cast<matcher::Id>(*seq);
    for (const auto& target : p.wanted) {
      for (auto id : ids(target)) w.wishes.wanted[t].push_back(id);
    }
    for (const auto& target : p.refused) {
      for (auto id : ids(target)) w.wishes.refused[t].push_back(id);
    }
  }
}

Work round_work(LiveIndex& live, const matcher::CandidateIndex& index, const RoundInputs& inputs,
                const RoundParams& params) {
  Work w;
  std::map<std::pair<std::string, std::string>, int> seats;
  for (const auto& s : inputs.seats) seats[{s.project_id, s.role}] = s.seats;
  for (const auto& id : inputs.busy_trainees) {
    if (auto seq = live.trainee_seq(id)) w.busy.insert(static_cast<matcher::Id>(*seq));
  }
  std::optional<std::unordered_set<std::string>> wanted;
  if (params.project_ids) wanted.emplace(params.project_ids->begin(), params.project_ids->end());
  for (auto& card : live.projects()) {
    if (wanted && !wanted->count(card.record.id)) continue;
    auto project = index.project(static_cast<matcher::Id>(card.record.seq));
    if (!project) continue;
    const bool has_roles = !card.record.data.roles.empty();
    auto roles = role_demands(card.record);
    for (std::size_t r = 0; r < roles.size(); ++r) {
      auto it = seats.find({card.record.id, roles[r].key});
      const int free = it == seats.end() ? 0 : std::max(0, it->second);
      // A project without roles is matched as indexed; a role as its own
      // demand (the project's fields with the role's overrides).
      matcher::Project demand = has_roles ? live.features(roles[r].record) : *project;
      demand.id = role_unit_id(card.record.seq, r, has_roles);
      demand.headcount = roles[r].record.data.headcount;
      w.plans.push_back({matcher::plan_project(demand, index.graph()), free});
      w.projects.push_back({card, roles[r].key, roles[r].title, free});
      w.seats += free;
    }
  }
  add_wishes(w, live, inputs.preferences);
  // A pair rejected once is not proposed again: the firm (or the programme
  // office) said no to this trainee for this project or role, and a round
  // that put them first again read as if the rejection had been lost. A
  // firm can still shortlist them by hand.
  add_wishes(w, live, inputs.rejected);
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
    out.proposals.push_back({e.card.record.id, e.role, std::string(card->id()),
                             e.card.record.organization_id, std::string(card->organization_id()),
                             a.score, matcher::explain(w.plans[a.project].plan, *features),
                             std::string(card->alias()), e.card.record.data.title});
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
    const auto& e = projects[u.project];
    out.unfilled.push_back({e.card.record.id, e.role,
                            e.role.empty() ? e.card.record.data.title
                                           : e.card.record.data.title + " / " + e.role_title,
                            u.seats, std::string(matcher::unfilled_reason_name(u.reason))});
  }
  // Placement rates need each organization's pool: its trainees in the
  // index that no open match holds.
  std::map<std::string, RoundResult::Organization> orgs;
  for (const auto& [org, pool] : live.organization_pools(busy)) orgs[org] = {org, 0, pool};
  for (const auto& [org, count] : result.per_organization) {
    const auto id = live.organization_uuid(org);
    auto& o = orgs[id];
    o.id = id;
    o.assigned = count;
  }
  for (auto& [id, o] : orgs) out.per_organization.push_back(std::move(o));
  // Projects, not roles: a team counts once.
  std::unordered_set<std::string> distinct;
  for (const auto& e : projects) distinct.insert(e.card.record.id);
  out.projects = distinct.size();
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
  options.wishes = &w.wishes;
  const auto round = matcher::allocate_over_shortlists(index, w.plans, w.busy, options);
  auto out = assemble(live, index, w, round);
  out.shortlist_ms += setup_ms;
  return out;
}

}  // namespace kakehashi::matching
