// What a round computed without holding the database may still propose when
// it is stored: the part of rounds.cpp that reads the world as it is now.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "matching/round.hpp"
#include "store/matches.hpp"

namespace kakehashi::api {

// The proposals still possible now, as store::NewMatch rows: trainees not in
// an open match since, pairs not rejected or refused since (a firm's "no", a
// trainee's refusal recorded while the round ran), and at most the seats
// each project still has (best scores first, as allocated). `result` and
// `explanations` keep only those, aligned, so the round's statistics
// describe what is stored and a retried store filters them again.
std::vector<store::NewMatch> still_possible(matching::RoundResult& result,
                                            nlohmann::json& explanations,
                                            const store::RoundInputs& now);

}  // namespace kakehashi::api
