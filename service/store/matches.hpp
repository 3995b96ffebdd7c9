// Repositories for matching: matches and their transitions (with the
// placement effects) and the append-only audit trail (matches.cpp), and
// matching rounds (rounds.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/preferences.hpp"
#include "domain/project.hpp"
#include "store/transaction.hpp"

#include "store/database.hpp"

namespace kakehashi::store {

struct MatchRow {
  std::string id;
  std::int64_t seq = 0;
  std::string project_id;
  std::string trainee_id;
  std::string firm_id;
  std::string training_org_id;
  std::optional<std::string> round_id;
  std::string state;
  std::optional<double> score;
  std::optional<std::string> explanation;  // JSON text
  std::int64_t version = 0;
  std::string created_at;
  std::string updated_at;
  std::string trainee_alias;
  std::string project_title;
  std::string firm_name;  // every party of a match may read it
  std::optional<std::string> role;
  // The offer's terms, once a firm offered with them (migration 0112).
  std::optional<double> offer_monthly_rate;
  std::optional<std::string> offer_currency;
  std::optional<std::string> offer_start_date;  // YYYY-MM-DD
};

// What a firm offers with an offer: the monthly bill rate per person
// (人月単価) in a currency, and when the work starts.
struct OfferTerms {
  std::optional<double> monthly_rate;
  std::optional<std::string> currency;  // with monthly_rate
  std::optional<std::string> start_date;
};

struct MatchFilter {
  std::optional<std::string> project_id;
  std::optional<std::string> trainee_id;
  std::optional<std::string> firm_id;          // visibility: a firm's own
  std::optional<std::string> training_org_id;  // visibility: a training organization's own
  std::optional<std::string> organization_id;  // either side (administrators' filter)
  std::optional<std::string> state;
  std::optional<std::string> round_id;
  std::int64_t after_seq = 0;
  int limit = 50;
};

// Who acts, as the audit trail records it: the API key (empty for a person),
// the organization and its role, and the person when one is signed in; the
// label is the person's name or the key's label.
struct Actor {
  std::string key_id;
  std::string organization_id;
  std::string role;
  std::optional<std::string> person_id;
  std::string label;
  // The key id as a nullable column value (a person's actor has none).
  std::optional<std::string> key() const {
    return key_id.empty() ? std::nullopt : std::optional<std::string>(key_id);
  }
};

struct EventRow {
  std::int64_t id = 0;
  std::string at;
  std::string kind;
  std::optional<std::string> actor_key_id, actor_org_id, actor_role, match_id, round_id, project_id,
      trainee_id, from_state, to_state, reason;
  std::optional<std::string> actor_person_id, actor_label;
  std::string details = "{}";  // JSON text
};

struct EventFilter {
  std::optional<std::string> kind;
  std::optional<std::string> match_id;
  std::optional<std::string> round_id;
  std::optional<std::string> project_id;
  std::optional<std::string> trainee_id;
  std::optional<std::string> actor_org_id;
  std::optional<std::string> actor_person_id;
  std::optional<std::string> since;  // RFC 3339
  std::optional<std::string> until;
  std::int64_t after_id = 0;
  int limit = 50;
};

struct NewMatch {
  std::string project_id;
  std::string trainee_id;
  std::string firm_id;
  std::string training_org_id;
  std::string state;
  std::optional<double> score;
  std::optional<std::string> explanation;
  std::optional<std::string> role;  // the role's key; nullopt for a project without roles
};

std::optional<MatchRow> find_match(Tx& t, const std::string& id);
std::vector<MatchRow> list_matches(Tx& t, const MatchFilter& f);
// Creates one match and its audit event; throws Conflict when the pair has
// an open match already.
MatchRow create_match(Tx& t, const NewMatch& m, const Actor& actor);

enum class TransitionOutcome { kDone, kNotFound, kStale, kIllegal, kPlaced, kSeatsFilled };
struct TransitionResult {
  TransitionOutcome outcome = TransitionOutcome::kNotFound;
  std::optional<MatchRow> match;  // after (kDone) or as found (otherwise)
};
// Moves a match to `to` under a row lock, if its version is still `expected`
// and `allowed(from)` holds for its state then; applies placement effects
// (approval places the trainee and closes a full project; withdrawing an
// approved placement restores both) and records the event, all in one
// transaction. `offer`'s terms are written with a move to offered.
TransitionResult transition_match(Tx& t, const std::string& id, std::int64_t expected_version,
                                  const std::string& to, const std::optional<std::string>& reason,
                                  const Actor& actor,
                                  const std::function<bool(const std::string& from)>& allowed,
                                  const std::optional<OfferTerms>& offer = std::nullopt);

// Whether the trainee may be matched now (active, consenting to matching),
// share-locking its row until the transaction ends: a withdrawal of consent
// or from the programme then waits for the new match and withdraws it (a
// probe's firm shortlisted a trainee whose consent was being withdrawn, and
// offered). Call it in the transaction that creates the match.
bool lock_matchable_trainee(Tx& t, const std::string& trainee_id);

// Withdraws every open match of a trainee, with one audit event each: after
// an erasure or a withdrawal from the programme the approved placement too
// (and its project reopens), when the trainee withdraws consent to matching
// only those not yet approved. Returns how many were withdrawn.
enum class Placements { kWithdrawn, kKept };
std::size_t withdraw_open_matches(Tx& t, const std::string& trainee_id, const Actor& actor,
                                  const std::string& reason,
                                  Placements placements = Placements::kWithdrawn);

void record_event(Tx& t, const EventRow& e);
// An event of `kind` with its actor's columns: the key, organization, person
// and label left null where the actor has none (a person has no key; a
// scheduled job no organization).
EventRow event_by(const Actor& actor, std::string kind);
std::vector<EventRow> list_events(Tx& t, const EventFilter& f);

struct RoundRow {
  std::string id;
  std::int64_t seq = 0;
  std::string algorithm;
  std::string status;
  std::string parameters = "{}";  // JSON text
  std::string engine_version;
  std::string statistics = "{}";
  std::string timings = "{}";
  std::optional<std::string> actor_key_id;
  std::string started_at;
  std::string completed_at;
  // A simulated round's assignment, JSON text (status "simulated" only).
  std::optional<std::string> assignment;
};

std::optional<RoundRow> find_round(Tx& t, const std::string& id);
std::vector<RoundRow> list_rounds(Tx& t, std::int64_t after_seq, int limit);

// Inside a round's transaction: open seats of each open project (headcount
// less its open and approved matches) and the trainees already in an open
// match, who are not available to a new round.
struct RoundInputs {
  std::vector<domain::OpenSeats> seats;  // per role (role "": a project without roles)
  std::vector<std::string> busy_trainees;
  std::vector<domain::TraineePreferences> preferences;  // about open projects
  // The pairs (trainee, project and role) of rejected matches of open
  // projects, one entry per trainee with them as `refused`.
  std::vector<domain::TraineePreferences> rejected;
};
RoundInputs round_inputs(Tx& t);
// The round lease (migration 0008): true when `holder` took it (it was free
// or expired); it lasts `seconds` unless released.
bool acquire_round_lease(Tx& t, const std::string& holder, int seconds);
void set_round_timings(Tx& t, const std::string& id, const std::string& timings);
void release_round_lease(Tx& t, const std::string& holder);
// The database's clock now, RFC 3339.
std::string database_now(Tx& t);
// Withdraws a round's matches still `proposed`, each with its audit event,
// in one statement; returns how many.
std::size_t withdraw_round_proposals(Tx& t, const std::string& round_id, const Actor& actor,
                                     const std::string& reason);
struct AssignedPair {
  std::string project_id;
  std::string role;  // "" for a project without roles
  std::string trainee_id;
  double score = 0;
};
// The matches a real round made, in any state now.
std::vector<AssignedPair> round_matches(Tx& t, const std::string& round_id);

// Stores a round (status "simulated": its assignment and no matches) and its proposed matches (with
// one audit event each and one for the round) in `tx`; returns the round's id.
std::string store_round(Tx& t, const RoundRow& round, const std::vector<NewMatch>& matches,
                        const Actor& actor);

}  // namespace kakehashi::store
