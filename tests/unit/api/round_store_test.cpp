// What a round may still propose when it is stored, against the world as it
// is then: seats left, trainees taken meanwhile, and a "no" said meanwhile (a
// pair rejected, a trainee's refusal recorded while the round ran).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/round_store.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

matching::Proposal proposal(const std::string& project, const std::string& role,
                            const std::string& trainee, double score) {
  matching::Proposal p;
  p.project_id = project;
  p.role = role;
  p.trainee_id = trainee;
  p.score = score;
  return p;
}

struct Stored {
  std::vector<std::string> pairs;      // what is stored: "project/role:trainee"
  std::vector<std::string> kept;       // the result's proposals after the filter
  std::vector<std::string> explained;  // their explanations, still aligned
};

Stored store(std::vector<matching::Proposal> proposals, const store::RoundInputs& now) {
  matching::RoundResult result;
  json explanations = json::array();
  for (const auto& p : proposals) explanations.push_back("why " + p.trainee_id);
  result.proposals = std::move(proposals);
  Stored out;
  for (const auto& m : still_possible(result, explanations, now)) {
    out.pairs.push_back(m.project_id + "/" + m.role.value_or("") + ":" + m.trainee_id);
  }
  for (const auto& p : result.proposals) out.kept.push_back(p.trainee_id);
  for (const auto& e : explanations) out.explained.push_back(e.get<std::string>());
  return out;
}

using Pairs = std::vector<std::string>;

TEST(StillPossible, SeatsLeftAndTraineesTakenMeanwhileDecide) {
  store::RoundInputs now;
  now.seats = {{"p", "", 1}, {"q", "", 2}};
  now.busy_trainees = {"c"};
  const auto stored = store({proposal("p", "", "a", 0.7), proposal("p", "", "b", 0.9),
                             proposal("q", "", "c", 0.8), proposal("q", "", "d", 0.6)},
                            now);
  // One seat left on p: the better score; c was shortlisted by hand meanwhile.
  EXPECT_EQ(stored.pairs, (Pairs{"p/:b", "q/:d"}));
  EXPECT_EQ(stored.kept, (Pairs{"b", "d"}));
  EXPECT_EQ(stored.explained, (Pairs{"why b", "why d"}));
}

TEST(StillPossible, APairRejectedOrRefusedWhileTheRoundRanIsNotStored) {
  store::RoundInputs now;
  now.seats = {{"p", "", 1}, {"q", "", 1}, {"team", "bridge_se", 1}, {"team", "dev", 2}};
  // A firm rejected (a, p) after the round read its inputs; b's organization
  // recorded that b refuses the whole team project; c refuses only its dev role.
  now.rejected = {{"a", {}, {{"p", ""}}}};
  now.preferences = {{"b", {}, {{"team", ""}}}, {"c", {{"team", "dev"}}, {{"team", "dev"}}}};
  const auto stored =
      store({proposal("p", "", "a", 0.9), proposal("q", "", "a", 0.5),
             proposal("team", "bridge_se", "b", 0.9), proposal("team", "dev", "b", 0.8),
             proposal("team", "bridge_se", "c", 0.7), proposal("team", "dev", "c", 0.6)},
            now);
  EXPECT_EQ(stored.pairs, (Pairs{"q/:a", "team/bridge_se:c"}));
  EXPECT_EQ(stored.explained, (Pairs{"why a", "why c"}));
  // A rejection elsewhere, or a wish, takes nothing away.
  store::RoundInputs other;
  other.seats = {{"p", "", 1}};
  other.rejected = {{"a", {}, {{"q", ""}}}};
  other.preferences = {{"a", {{"p", ""}}, {}}};
  EXPECT_EQ(store({proposal("p", "", "a", 0.9)}, other).pairs, (Pairs{"p/:a"}));
}

}  // namespace
}  // namespace kakehashi::api
