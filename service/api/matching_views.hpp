// JSON views shared by the matching endpoints: explanations, the
// pseudonymous trainee view, a project summary, a match.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/json_writer.hpp"
#include "api/money_views.hpp"
#include "domain/project.hpp"
#include "domain/trainee.hpp"
#include "matcher/scorer.hpp"
#include "matching/round.hpp"
#include "store/matches.hpp"

namespace kakehashi::api {

// An explanation's members (components, eligible, failed_constraints,
// matched_skills, missing_skills, score) into the object `w` has open; as a
// document; as a tree, for a caller that adds to it.
void write_explanation_members(JsonWriter& w, const matcher::Explanation& e,
                               const Taxonomy::Snapshot& taxonomy);
std::string explanation_text(const matcher::Explanation& e, const Taxonomy::Snapshot& taxonomy);
nlohmann::json explanation_json(const matcher::Explanation& e, const Taxonomy::Snapshot& taxonomy);
// Alias, place, skills, languages, credentials (name, year, verified),
// working hours, availability and the salary's band (null with
// Multiplier::kHidden); never a name, contact or program.
void write_pseudonymous_trainee(JsonWriter& w, std::string_view id, std::string_view alias,
                                const domain::TraineeProfile& p, const Taxonomy::Snapshot& taxonomy,
                                Multiplier salary);
nlohmann::json pseudonymous_trainee(const std::string& id, const std::string& alias,
                                    const domain::TraineeProfile& p,
                                    const Taxonomy::Snapshot& taxonomy, Multiplier salary);
nlohmann::json project_summary(const domain::ProjectRecord& p);
nlohmann::json match_json(const store::MatchRow& m);
// A round's statistics as a round answers and stores them.
nlohmann::json round_statistics_json(const matching::RoundResult& r);
// [low, high) around a monthly rate: a band of half a power of ten.
nlohmann::json rate_band(const domain::Money& rate);

}  // namespace kakehashi::api
