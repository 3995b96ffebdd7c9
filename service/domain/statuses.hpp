// The service's other closed sets as enums with their wire names: a trainee's
// and a project's status, a match's state, a matching round's algorithm and the
// engagement models. Parse at the edge, compare enums inside.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/enum_table.hpp"

namespace kakehashi::domain {

// Erased: the personal data is gone; only administrators still see the record.
enum class TraineeStatus : std::uint8_t { kActive, kPlaced, kWithdrawn, kErased };

inline constexpr std::array kAllTraineeStatuses = {TraineeStatus::kActive, TraineeStatus::kPlaced,
                                                   TraineeStatus::kWithdrawn,
                                                   TraineeStatus::kErased};

template <>
struct EnumTable<TraineeStatus> {
  static constexpr const auto& kValues = kAllTraineeStatuses;
  static constexpr std::array<std::string_view, kValues.size()> kNames = {"active", "placed",
                                                                          "withdrawn", "erased"};
};
static_assert(valid_enum_table<TraineeStatus>());

constexpr std::string_view trainee_status_name(TraineeStatus s) { return enum_name(s); }
constexpr std::optional<TraineeStatus> parse_trainee_status(std::string_view s) {
  return parse_enum<TraineeStatus>(s);
}

enum class ProjectStatus : std::uint8_t { kDraft, kOpen, kClosed };

inline constexpr std::array kAllProjectStatuses = {ProjectStatus::kDraft, ProjectStatus::kOpen,
                                                   ProjectStatus::kClosed};

template <>
struct EnumTable<ProjectStatus> {
  static constexpr const auto& kValues = kAllProjectStatuses;
  static constexpr std::array<std::string_view, kValues.size()> kNames = {"draft", "open",
                                                                          "closed"};
};
static_assert(valid_enum_table<ProjectStatus>());

constexpr std::string_view project_status_name(ProjectStatus s) { return enum_name(s); }
constexpr std::optional<ProjectStatus> parse_project_status(std::string_view s) {
  return parse_enum<ProjectStatus>(s);
}

// The same names, in the same order, as kMatchStates in match_states.hpp (the
// tests hold them together); who may move a match where stays there.
enum class MatchState : std::uint8_t {
  kProposed,
  kShortlisted,
  kInterviewing,
  kOffered,
  kAccepted,
  kApproved,
  kRejected,
  kWithdrawn,
};

inline constexpr std::array kAllMatchStates = {MatchState::kProposed,     MatchState::kShortlisted,
                                               MatchState::kInterviewing, MatchState::kOffered,
                                               MatchState::kAccepted,     MatchState::kApproved,
                                               MatchState::kRejected,     MatchState::kWithdrawn};

template <>
struct EnumTable<MatchState> {
  static constexpr const auto& kValues = kAllMatchStates;
  static constexpr std::array<std::string_view, kValues.size()> kNames = {
      "proposed", "shortlisted", "interviewing", "offered",
      "accepted", "approved",    "rejected",     "withdrawn"};
};
static_assert(valid_enum_table<MatchState>());

constexpr std::string_view match_state_name(MatchState s) { return enum_name(s); }
constexpr std::optional<MatchState> parse_match_state(std::string_view s) {
  return parse_enum<MatchState>(s);
}

// How a matching round allocates: deferred acceptance (stable) or the
// assignment with the highest total score.
enum class Algorithm : std::uint8_t { kStable, kMaxScore };

inline constexpr std::array kAllAlgorithms = {Algorithm::kStable, Algorithm::kMaxScore};

template <>
struct EnumTable<Algorithm> {
  static constexpr const auto& kValues = kAllAlgorithms;
  static constexpr std::array<std::string_view, kValues.size()> kNames = {"stable", "max_score"};
};
static_assert(valid_enum_table<Algorithm>());

constexpr std::string_view algorithm_name(Algorithm a) { return enum_name(a); }
constexpr std::optional<Algorithm> parse_algorithm(std::string_view s) {
  return parse_enum<Algorithm>(s);
}

// A trainee may accept several engagement models; a project offers one.
enum class Engagement : std::uint8_t { kOffshore, kOnsiteJapan, kHybrid };

inline constexpr std::array kAllEngagements = {Engagement::kOffshore, Engagement::kOnsiteJapan,
                                               Engagement::kHybrid};

template <>
struct EnumTable<Engagement> {
  static constexpr const auto& kValues = kAllEngagements;
  static constexpr std::array<std::string_view, kValues.size()> kNames = {"offshore",
                                                                          "onsite_japan", "hybrid"};
};
static_assert(valid_enum_table<Engagement>());

constexpr std::string_view engagement_name(Engagement e) { return enum_name(e); }
constexpr std::optional<Engagement> parse_engagement(std::string_view s) {
  return parse_enum<Engagement>(s);
}
// The model's bit in a set of models: offshore 1, onsite_japan 2, hybrid 4, as
// the matcher's matcher::Engagement bits.
constexpr std::uint8_t engagement_bit(Engagement e) {
  return static_cast<std::uint8_t>(1U << static_cast<unsigned>(e));
}

}  // namespace kakehashi::domain
