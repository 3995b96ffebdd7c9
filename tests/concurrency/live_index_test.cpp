// The live index under concurrent use, as the service uses it: the change
// feed's thread applies and removes rows and rebuilds on a full load, while
// I/O and CPU threads rank candidates and opportunities, read cards and
// cache pages. Built under ThreadSanitizer, this is where a missing lock or a
// shard published before it was complete shows up.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "matcher/scorer.hpp"
#include "matching/live_index.hpp"
#include "matching/taxonomy.hpp"

namespace kakehashi::matching {
namespace {

std::vector<domain::Skill> skills() {
  return {{1, "Python", "language", {"py"}, {}, 1},
          {2, "PyTorch", "ml", {"torch"}, {{3, 0.7}}, 1},
          {3, "TensorFlow", "ml", {}, {{2, 0.7}}, 1},
          {4, "C++", "language", {"cpp"}, {}, 1}};
}

domain::TraineeRecord trainee(int i, std::int64_t version, bool matchable) {
  domain::TraineeRecord r;
  r.id = "00000000-0000-4000-8000-" + std::to_string(100000000000 + i);
  r.seq = i;
  r.organization_id = i % 2 ? "org-a" : "org-b";
  r.alias = "KH-" + std::to_string(i);
  r.profile.skills = {{1 + i % 4, "", 1 + i % 5, 1.0 + i % 3}, {1 + (i + 1) % 4, "", 3, {}}};
  r.profile.timezone = "Asia/Dhaka";
  r.profile.japanese = i % 3 ? "N3" : "N5";
  r.profile.consent_matching = matchable;
  r.profile.status = matchable ? "active" : "withdrawn";
  r.profile.domains = {"automotive"};
  r.profile.engagement = {"offshore"};
  r.version = version;
  return r;
}

domain::ProjectRecord project(int i, std::int64_t version, bool open) {
  domain::ProjectRecord p;
  p.id = "10000000-0000-4000-8000-" + std::to_string(100000000000 + i);
  p.seq = i;
  p.organization_id = "firm";
  p.data.title = "project " + std::to_string(i);
  p.data.skills = {{1 + i % 4, "", 2, 5, i % 2 == 0}, {2, "", 1, 2, false}};
  p.data.headcount = 2;
  p.data.start_date = "2026-04-01";
  p.data.duration_months = 6;
  p.data.status = open ? "open" : "closed";
  p.version = version;
  return p;
}

TEST(LiveIndexConcurrency, WritersRebuildsAndReadersAtOnce) {
  Taxonomy taxonomy;
  taxonomy.load(skills());
  LiveIndex live(taxonomy, {{"Asia/Dhaka", 360}});
  constexpr int kTrainees = 200;
  constexpr int kProjects = 20;
  std::vector<domain::TraineeRecord> trainees;
  std::vector<domain::ProjectRecord> projects;
  for (int i = 1; i <= kTrainees; ++i) trainees.push_back(trainee(i, 1, true));
  for (int i = 1; i <= kProjects; ++i) projects.push_back(project(i, 1, true));
  live.rebuild(trainees, projects);

  std::atomic<bool> writing{true};
  std::atomic<int> ranked{0};
  std::vector<std::thread> threads;
  // The change feed's thread: rows one by one, and now and then a full load.
  threads.emplace_back([&] {
    for (std::int64_t v = 2; v < 400; ++v) {
      const int i = static_cast<int>(v % kTrainees) + 1;
      live.apply(trainee(i, v, v % 3 != 0));
      live.apply(project(static_cast<int>(v % kProjects) + 1, v, v % 4 != 0));
      if (v % 7 == 0) live.remove_trainee(i);
      if (v % 11 == 0) live.remove_project(static_cast<int>(v % kProjects) + 1);
      live.apply(trainee(i, v - 1, true));  // an older read: ignored
      if (v % 100 == 0) {
        taxonomy.load(skills());
        live.rebuild(trainees, projects);
      }
    }
    writing = false;
  });
  // Readers: candidates pages (with the ranking and page caches), a trainee's
  // opportunities, cards, ids, explanations' features.
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&, r] {
      std::uint64_t last_generation = 0;
      for (int n = 0; writing || n < 50; ++n) {
        const auto generation = live.generation();
        EXPECT_GE(generation, last_generation);
        last_generation = generation;
        const int i = (n * 7 + r) % kProjects + 1;
        const auto record = project(i, 1, true);
        const auto view = live.view();
        const auto plan = matcher::plan_project(live.features(record), view.index->graph());
        const auto page =
            live.candidates(plan, record.version, static_cast<std::size_t>(n % 3), 10);
        EXPECT_TRUE(std::is_sorted(page.begin(), page.end(), [](const auto& a, const auto& b) {
          return a.score > b.score || (a.score == b.score && a.id < b.id);
        }));
        const auto t = (n * 13 + r) % kTrainees + 1;
        const auto opportunities = view.index->top_projects(static_cast<matcher::Id>(t), 5);
        ranked += static_cast<int>(page.size() + opportunities.size());
        if (auto card = live.trainee(t)) {
          EXPECT_EQ(card->seq(), t);
        }
        if (auto seq = live.project_seq(record.id)) {
          EXPECT_EQ(*seq, i);
        }
        (void)live.projects();
        (void)live.trainee_count();
        (void)live.organization_uuid(0);
        const std::string key = "page-" + std::to_string(i);
        const auto stamp = live.page_stamp(i);
        if (!live.cached_page(key, stamp)) live.cache_page(key, i, stamp, "{\"items\":[]}");
        (void)live.features(trainee(t, 1, true));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(live.ready());
  EXPECT_GT(ranked.load(), 0);
  // Quiet again: the index holds what the last writes left.
  live.apply(trainee(1, 10'000, true));
  ASSERT_TRUE(live.trainee(1));
  EXPECT_EQ(live.trainee(1)->version(), 10'000);
}

TEST(TaxonomyConcurrency, SnapshotsStayWholeWhileLoadsReplaceThem) {
  Taxonomy taxonomy;
  taxonomy.load(skills());
  std::atomic<bool> loading{true};
  std::thread writer([&] {
    for (int n = 0; n < 200; ++n) {
      auto rows = skills();
      rows.push_back({100 + n,
                      "Skill " + std::to_string(n),
                      "x",
                      {"alias" + std::to_string(n)},
                      {{1, 0.5}},
                      1});
      taxonomy.load(rows);
    }
    loading = false;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (loading) {
        const auto snap = taxonomy.snapshot();
        const auto id = snap->resolve("torch");
        ASSERT_TRUE(id);
        EXPECT_EQ(snap->by_id(*id)->name, "PyTorch");
        EXPECT_EQ(snap->graph.size(), snap->skills.size());
        (void)snap->closest("pytroch");
      }
    });
  }
  writer.join();
  for (auto& t : readers) t.join();
}

// A trainee change drops only the remembered rankings it can alter, and what
// stays remembered is what a fresh ranking says: after each of many changes,
// every project's first pages equal the index's own ranking of that moment.
TEST(LiveIndexCandidates, AChangeDropsOnlyTheRankingsItCanAlterAndTheRestStayExact) {
  Taxonomy taxonomy;
  taxonomy.load(skills());
  LiveIndex live(taxonomy, {{"Asia/Dhaka", 360}});
  constexpr int kTrainees = 400;
  constexpr int kProjects = 12;
  std::vector<domain::TraineeRecord> trainees;
  std::vector<domain::ProjectRecord> projects;
  for (int i = 1; i <= kTrainees; ++i) trainees.push_back(trainee(i, 1, true));
  for (int i = 1; i <= kProjects; ++i) projects.push_back(project(i, 1, true));
  live.rebuild(trainees, projects);
  const auto plan_of = [&](int p) {
    return matcher::plan_project(live.features(projects[static_cast<std::size_t>(p - 1)]),
                                 live.view().index->graph());
  };
  const auto same = [](const std::vector<matcher::Ranked>& a,
                       const std::vector<matcher::Ranked>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
      return x.id == y.id && x.score == y.score;
    });
  };
  int pages_kept = 0;
  for (int change = 0; change < 300; ++change) {
    // Remember every project's first two pages and their stamps.
    std::vector<LiveIndex::PageStamp> before;
    for (int p = 1; p <= kProjects; ++p) {
      (void)live.candidates(plan_of(p), 1, 0, 10);
      (void)live.candidates(plan_of(p), 1, 10, 10);
      before.push_back(live.page_stamp(p));
    }
    // One trainee changes: new skills and levels, now and then leaves or returns.
    const int i = (change * 37) % kTrainees + 1;
    auto t = trainee(i, 2 + change, change % 9 != 0);
    t.profile.skills = {{1 + change % 4, "", 1 + change % 5, 1.0 + change % 3}};
    live.apply(t);
    for (int p = 1; p <= kProjects; ++p) {
      const auto plan = plan_of(p);
      const auto fresh = live.view().index->top_candidates(plan, 20);
      const std::vector<matcher::Ranked> first(
          fresh.begin(), fresh.begin() + std::min<std::ptrdiff_t>(10, std::ssize(fresh)));
      ASSERT_TRUE(same(live.candidates(plan, 1, 0, 10), first))
          << "change " << change << ", project " << p;
      const bool kept = live.page_stamp(p) == before[static_cast<std::size_t>(p - 1)];
      pages_kept += kept;
      // A stamp kept means the trainee is on neither list, before nor after.
      if (kept) {
        for (const auto& r : fresh) EXPECT_NE(r.id, static_cast<matcher::Id>(i));
      }
    }
  }
  // Most changes leave most projects' lists alone: their pages survive.
  EXPECT_GT(pages_kept, 300 * kProjects / 4);
  EXPECT_GT(live.rankings_dropped(), 0U);
}

// A batch as large as an import's (its cards packed on a second thread,
// CardPacker) leaves the index as the same records applied one by one:
// the same cards and the same candidates, with rows leaving, an older read
// refused and a seq repeated within the batch.
TEST(LiveIndexBatch, ABatchLeavesWhatTheSameRecordsOneByOneLeave) {
  Taxonomy taxonomy;
  taxonomy.load(skills());
  LiveIndex batch(taxonomy, {{"Asia/Dhaka", 360}});
  LiveIndex single(taxonomy, {{"Asia/Dhaka", 360}});
  const std::vector<domain::ProjectRecord> projects = {project(1, 1, true), project(2, 1, true)};
  const std::vector<domain::TraineeRecord> before = {trainee(7, 5, true), trainee(8, 1, true)};
  batch.rebuild(before, projects);
  single.rebuild(before, projects);
  std::vector<domain::TraineeRecord> records;
  for (int i = 1; i <= 3'000; ++i) records.push_back(trainee(i, 2, i % 7 != 0));
  records.push_back(trainee(11, 3, false));  // leaves again within the batch
  records.push_back(trainee(12, 1, true));   // older than the batch's version 2: refused
  batch.apply_many(records);
  for (const auto& r : records) single.apply(r);
  for (int seq = 1; seq <= 3'000; ++seq) {
    const auto a = batch.trainee(seq);
    const auto b = single.trainee(seq);
    ASSERT_EQ(a.has_value(), b.has_value()) << seq;
    if (!a) continue;
    EXPECT_EQ(a->version(), b->version()) << seq;
    EXPECT_EQ(a->alias(), b->alias()) << seq;
    EXPECT_EQ(a->id(), b->id()) << seq;
    EXPECT_EQ(a->profile().skills.size(), b->profile().skills.size()) << seq;
  }
  EXPECT_FALSE(batch.trainee(11));
  EXPECT_FALSE(batch.trainee(14));            // 14 % 7 == 0: not matchable
  EXPECT_EQ(batch.trainee(7)->version(), 5);  // the batch's version 2 is older
  for (const auto& p : projects) {
    const auto plan_a = matcher::plan_project(batch.features(p), batch.view().index->graph());
    const auto plan_b = matcher::plan_project(single.features(p), single.view().index->graph());
    const auto a = batch.view().index->top_candidates(plan_a, 50);
    const auto b = single.view().index->top_candidates(plan_b, 50);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].id, b[k].id) << k;
      EXPECT_EQ(a[k].score, b[k].score) << k;
    }
  }
}

// A page rendered from a list that a change touched while it was rendered is
// not kept; one rendered while nothing touched it is.
TEST(LiveIndexCandidates, APageRenderedAcrossAChangeToItsListIsNotKept) {
  Taxonomy taxonomy;
  taxonomy.load(skills());
  LiveIndex live(taxonomy, {{"Asia/Dhaka", 360}});
  std::vector<domain::TraineeRecord> trainees;
  for (int i = 1; i <= 50; ++i) trainees.push_back(trainee(i, 1, true));
  live.rebuild(trainees, {project(1, 1, true)});
  const auto plan =
      matcher::plan_project(live.features(project(1, 1, true)), live.view().index->graph());
  auto stamp = live.page_stamp(1);
  const auto listed = live.candidates(plan, 1, 0, 10);
  ASSERT_FALSE(listed.empty());
  // The first listed trainee withdraws while the page is being rendered.
  live.apply(trainee(static_cast<int>(listed.front().id), 2, false));
  live.cache_page("p", 1, stamp, "stale");
  EXPECT_FALSE(live.cached_page("p", live.page_stamp(1)));
  // Rendered again with nothing in between: kept, and answered again.
  stamp = live.page_stamp(1);
  (void)live.candidates(plan, 1, 0, 10);
  live.cache_page("p", 1, stamp, "fresh");
  ASSERT_TRUE(live.cached_page("p", live.page_stamp(1)));
  EXPECT_EQ(*live.cached_page("p", live.page_stamp(1)), "fresh");
  // A ranking of another version of the project replaces this one: the pages
  // drawn from the old list go with it (no change would be checked against them).
  (void)live.candidates(plan, 2, 0, 10);
  EXPECT_FALSE(live.cached_page("p", live.page_stamp(1)));
  // A rebuild forgets every page.
  stamp = live.page_stamp(1);
  live.cache_page("p", 1, stamp, "again");
  ASSERT_TRUE(live.cached_page("p", live.page_stamp(1)));
  live.rebuild(trainees, {project(1, 1, true)});
  EXPECT_FALSE(live.cached_page("p", live.page_stamp(1)));
}

// A read older than one already applied changes nothing, whether the trainee
// is indexed (its card holds its version) or not (a separate map does), and a
// removed row stays removed.
TEST(LiveIndexVersions, AnOlderReadIsRefusedWhetherTheTraineeIsIndexedOrNot) {
  Taxonomy taxonomy;
  taxonomy.load(skills());
  LiveIndex live(taxonomy, {{"Asia/Dhaka", 360}});
  live.rebuild({trainee(1, 3, true), trainee(2, 3, false)}, {});
  ASSERT_TRUE(live.trainee(1));
  EXPECT_EQ(live.trainee(1)->version(), 3);
  live.apply(trainee(1, 2, false));  // older: still indexed
  ASSERT_TRUE(live.trainee(1));
  EXPECT_EQ(live.trainee(1)->version(), 3);
  live.apply(trainee(2, 2, true));  // older than the unindexed version 3
  EXPECT_FALSE(live.trainee(2));
  EXPECT_FALSE(live.view().index->trainee(2));
  live.apply(trainee(2, 4, true));
  ASSERT_TRUE(live.trainee(2));
  EXPECT_EQ(live.trainee(2)->version(), 4);
  EXPECT_TRUE(live.view().index->trainee(2));
  live.apply(trainee(2, 3, false));  // older than the card's version 4
  EXPECT_TRUE(live.trainee(2));
  live.apply(trainee(2, 5, false));
  EXPECT_FALSE(live.trainee(2));
  EXPECT_FALSE(live.trainee_seq(trainee(2, 5, false).id));
  live.remove_trainee(1);
  live.apply(trainee(1, 9, true));  // a read from before the row went
  EXPECT_FALSE(live.trainee(1));
  EXPECT_EQ(live.trainee_count(), 0u);
}

}  // namespace
}  // namespace kakehashi::matching
