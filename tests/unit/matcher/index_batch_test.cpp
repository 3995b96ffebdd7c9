// CandidateIndex::update_trainees (a bulk import's batch) leaves the index as
// the same changes made one by one would, and as a rebuild from the result.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "matcher/generator.hpp"
#include "matcher/index.hpp"

namespace kakehashi::matcher {
namespace {

void expect_same(const std::vector<Ranked>& a, const std::vector<Ranked>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id) << "rank " << i;
    EXPECT_EQ(a[i].score, b[i].score) << "rank " << i;
  }
}

TEST(IndexBatchTest, ABatchEqualsItsChangesOneByOneAndARebuild) {
  auto graph = default_skill_graph();
  auto inst = generate(*graph, {.trainees = 3000, .projects = 20, .seed = 7});
  // The first 2000 are there; the batch adds the last 1000, replaces every
  // tenth of the first (with another trainee's features under its id), gives
  // one id twice (the later wins) and removes every seventh.
  std::vector<Trainee> initial(inst.trainees.begin(), inst.trainees.begin() + 2000);
  std::vector<Trainee> upserts(inst.trainees.begin() + 2000, inst.trainees.end());
  for (std::size_t i = 0; i < 2000; i += 10) {
    Trainee changed = inst.trainees[2999 - i];
    changed.id = inst.trainees[i].id;
    upserts.push_back(changed);
  }
  Trainee twice = inst.trainees[5];
  twice.id = inst.trainees[3].id;
  upserts.push_back(twice);
  std::vector<Id> removed;
  for (std::size_t i = 1; i < 2000; i += 7) removed.push_back(inst.trainees[i].id);

  CandidateIndex batch(graph), single(graph);
  batch.rebuild(initial, inst.projects);
  single.rebuild(initial, inst.projects);
  batch.update_trainees(upserts, removed);
  for (const auto& t : upserts) single.upsert_trainee(t);
  for (Id id : removed) single.remove_trainee(id);

  std::map<Id, Trainee> expected;
  for (const auto& t : initial) expected[t.id] = t;
  for (const auto& t : upserts) expected[t.id] = t;
  for (Id id : removed) expected.erase(id);
  std::vector<Trainee> result;
  for (const auto& [id, t] : expected) result.push_back(t);
  CandidateIndex rebuilt(graph);
  rebuilt.rebuild(result, inst.projects);

  EXPECT_EQ(batch.all_trainees().size(), expected.size());
  EXPECT_FALSE(batch.trainee(removed.front()));
  ASSERT_TRUE(batch.trainee(inst.trainees[2999].id));
  std::size_t non_empty = 0;
  for (const auto& p : inst.projects) {
    const auto plan = plan_project(p, *graph);
    const auto got = batch.top_candidates(plan, 200);
    expect_same(got, single.top_candidates(plan, 200));
    expect_same(got, rebuilt.top_candidates(plan, 200));
    if (!got.empty()) ++non_empty;
  }
  EXPECT_GT(non_empty, 5U);
}

}  // namespace
}  // namespace kakehashi::matcher
