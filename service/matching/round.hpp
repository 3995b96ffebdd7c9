// A matching round computed in memory: each open project's shortlist from the
// live index, then a stable or maximum-score allocation over the shortlists.
// The result is typed (api/ renders it, store/ keeps it); no I/O here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/preferences.hpp"
#include "domain/project.hpp"
#include "domain/statuses.hpp"
#include "matcher/scorer.hpp"
#include "matching/live_index.hpp"

namespace kakehashi::matching {

struct RoundParams {
  domain::Algorithm algorithm = domain::Algorithm::kStable;
  std::optional<std::vector<std::string>> project_ids;
  double min_score = 0;
  int max_per_org_per_project = 0;
};

// What the database says before a round: each open project's free seats and
// the trainees already in an open match (not available to a new round).
struct RoundInputs {
  std::vector<domain::OpenSeats> seats;  // per role; role "" for a project without roles
  std::vector<std::string> busy_trainees;
  std::vector<domain::TraineePreferences> preferences;  // about open projects
  // Pairs a firm or an administrator rejected (about open projects), as
  // refusals: a round never proposes them again.
  std::vector<domain::TraineePreferences> rejected;
};

struct Proposal {
  std::string project_id;
  std::string role;  // "" for a project without roles
  std::string trainee_id;
  std::string firm_id;
  std::string training_org_id;
  double score = 0;
  matcher::Explanation explanation;
  std::string trainee_alias;  // the pseudonym, for a dry run's stored assignment
  std::string project_title;  // as a match's project_title (the role is `role`)
};

struct RoundResult {
  std::vector<Proposal> proposals;
  std::size_t projects = 0;
  int seats = 0;
  std::size_t available_trainees = 0;
  std::size_t considered_trainees = 0;
  std::size_t eligible_pairs = 0;
  std::size_t unmatched = 0;
  std::size_t not_shortlisted = 0;
  std::map<std::string, std::size_t> unmatched_by_reason;
  struct Unmatched {
    std::string trainee_id;
    std::string alias;
    std::string reason;
  };
  std::vector<Unmatched> unmatched_listed;  // the first kUnmatchedListed
  int unfilled_seats = 0;
  struct Unfilled {
    std::string project_id;
    std::string role;   // "" for a project without roles
    std::string title;  // the project's (and the role's, after " / ")
    int seats = 0;
    std::string reason;
  };
  std::vector<Unfilled> unfilled;
  double total_score = 0;
  double mean_score = 0;
  struct Organization {
    std::string id;
    int assigned = 0;
    std::size_t pool = 0;  // its trainees available to the round
  };
  std::vector<Organization> per_organization;
  int shortlist_passes = 0;
  // stable rounds: the allocation checked against every eligible pair of the
  // round's inputs (matcher/shortlist_round.hpp); max_score claims no stability.
  bool stability_checked = false;
  bool stable = false;
  std::size_t blocking_pairs = 0;
  std::size_t stability_pairs_checked = 0;
  std::size_t shortlisted_whole = 0;  // projects given every eligible trainee after deepening
  double shortlist_ms = 0;
  double allocation_ms = 0;
  double check_ms = 0;
  double explain_ms = 0;
};

inline constexpr std::size_t kUnmatchedListed = 1'000;

// Allocates over each open project's shortlist: its best K eligible,
// available trainees (K = 10 x seats + 20). For `stable`, a project left
// with a free seat whose shortlist was cut is shortlisted again, deeper (up
// to 8 passes, then whole), until none is, and the result is then checked
// against every eligible pair: `stable` and `blocking_pairs` say what the
// check found.
RoundResult run_round(LiveIndex& live, const RoundInputs& inputs, const RoundParams& params);

}  // namespace kakehashi::matching
