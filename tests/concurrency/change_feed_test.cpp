// The change feed against a real PostgreSQL (the pg_virtualenv cluster that
// scripts/dev test provides; skipped without one): writers on several
// threads commit through the Database pool, whose commit hook publishes
// each commit's changes to the subscribers (the live index, the document
// and key caches, wired as app/commands.cpp wires them) before the writer
// resumes, while the listener thread loads everything and follows another
// writer's notifications, and readers use the index and caches.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "api/api_context.hpp"
#include "app/index_pages.hpp"
#include "matching/live_index.hpp"
#include "store/change_feed.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/organizations.hpp"
#include "store/registry.hpp"
#include "store/trainees.hpp"
#include "util/log.hpp"

namespace kakehashi::store {
namespace {

using namespace std::chrono_literals;

class ChangeFeedConcurrency : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("PGHOST") && !std::getenv("PGPORT")) {
      GTEST_SKIP() << "needs PostgreSQL: run under pg_virtualenv (scripts/dev test)";
    }
    util::set_log_enabled(false);
    name_ = "kh_concurrency_" + std::to_string(std::random_device{}() % 1'000'000'000);
    pqxx::connection admin("dbname=postgres");
    pqxx::nontransaction(admin).exec("CREATE DATABASE " + name_);
    pqxx::connection c("dbname=" + name_);
    migrate(c, embedded_migrations());
  }
  void TearDown() override {
    if (name_.empty()) return;
    try {
      pqxx::connection admin("dbname=postgres");
      pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
  std::string name_;
};

domain::TraineeProfile profile(bool matchable) {
  domain::TraineeProfile p;
  p.timezone = "Asia/Dhaka";
  p.consent_matching = matchable;
  p.status = "active";
  return p;
}

// The in-memory services of one process and the change feed that keeps them
// current, wired as app/commands.cpp wires them (subscribe()).
struct Process {
  explicit Process(const std::string& database)
      : options{.url = "dbname=" + database, .pool_size = 4, .origin = "0a1b2c3d4e5f"},
        db(options, registry_statements()),
        feed(options.origin) {
    feed.subscribe([this](const ChangeSet& set) {
      (set.local ? local_sets : remote_sets) += 1;
      if (set.everything) {
        app::install_full_load(*set.everything, api.taxonomy, live);
        return;
      }
      for (const auto& t : set.trainees) live.apply(t);
      for (auto seq : set.trainees_gone) live.remove_trainee(seq);
      for (const auto& p : set.projects) live.apply(p);
      for (auto seq : set.projects_gone) live.remove_project(seq);
    });
    feed.subscribe([this](const ChangeSet& set) {
      if (set.everything || !set.trainees_gone.empty()) {
        api.trainee_documents.clear();
        return;
      }
      for (const auto& t : set.trainees) api.trainee_documents.erase(t.id);
    });
    feed.subscribe([this](const ChangeSet& set) {
      for (const auto& id : set.api_keys) api.keys.evict_key(id);
    });
    feed.on_connection([this](bool connected) { api.trainee_documents.set_enabled(connected); });
    app::load_pages_into(feed, live);
    db.set_commit_hook(
        [this](pqxx::connection_base& c, Changes& changes) { feed.committed(c, changes); });
  }
  ~Process() {
    feed.stop();
    db.close();
  }

  DatabaseOptions options;
  Database db;
  ChangeFeed feed;
  util::CpuPool cpu{1};
  api::ApiContext api{db, cpu, {}, {}};
  matching::LiveIndex live{api.taxonomy, {{"Asia/Dhaka", 360}}};
  std::atomic<int> local_sets{0};
  std::atomic<int> remote_sets{0};
};

std::string insert_organization_sync(Database& db) {
  std::string org;
  db.transact_sync(
      [&](Tx& t) { org = insert_organization(t, "Dhaka AI", "training_provider", "BD").id; });
  return org;
}

TEST_F(ChangeFeedConcurrency, CommitsPublishWhileTheListenerLoadsAndReadersRead) {
  Process process(name_);
  auto& db = process.db;
  auto& feed = process.feed;
  auto& api = process.api;
  auto& live = process.live;
  const std::string org = insert_organization_sync(db);
  feed.start(connection_string(process.options));

  constexpr int kWriters = 3;
  constexpr int kEach = 8;
  std::atomic<bool> writing{true};
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> ids(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        std::string id;
        const domain::PersonalData person{"Trainee " + std::to_string(w) + "-" + std::to_string(i),
                                          "t" + std::to_string(w * 100 + i) + "@example.com",
                                          std::nullopt};
        db.transact_sync([&](Tx& t) { id = insert_trainee(t, org, person, profile(true)); });
        // Published at commit, before transact returns: this thread reads
        // its own write in the index.
        EXPECT_TRUE(live.trainee_seq(id)) << id;
        ids[w].push_back(id);
        if (i % 3 == 0) {
          db.transact_sync([&](Tx& t) {
            update_trainee(t, id, std::nullopt, person, profile(false),
                           {"a0000000-0000-4000-8000-000000000002", org, "training_org"});
          });
          EXPECT_FALSE(live.trainee_seq(id)) << "withdrawn from matching: " << id;
        }
      }
    });
  }
  // Another replica (no origin): its writes reach this process through the
  // listener's notifications.
  threads.emplace_back([&] {
    pqxx::connection other("dbname=" + name_);
    for (int i = 0; i < 5; ++i) {
      pqxx::work w(other);
      w.exec("UPDATE trainees SET hours_per_week = " + std::to_string(10 + i) +
             " WHERE organization_id = " + w.quote(org));
      w.commit();
      std::this_thread::sleep_for(20ms);
    }
  });
  // Readers, as request handlers would use the index and the caches.
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      while (writing) {
        (void)live.trainee_count();
        (void)live.view().index->stats();
        const auto epoch = api.trainee_documents.epoch();
        if (!api.trainee_documents.get("x")) {
          api.trainee_documents.put("x", {org, "active", 1, "{}"}, epoch);
        }
        (void)api.taxonomy.snapshot()->skills.size();
        (void)feed.stats();
        std::this_thread::sleep_for(1ms);
      }
    });
  }
  for (int t = 0; t < kWriters + 1; ++t) threads[static_cast<std::size_t>(t)].join();
  writing = false;
  for (std::size_t t = kWriters + 1; t < threads.size(); ++t) threads[t].join();

  // The listener has loaded at least once and seen the other writer.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while ((!feed.loaded() || process.remote_sets.load() < 2) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(feed.loaded());
  EXPECT_TRUE(live.ready());
  EXPECT_GE(process.local_sets.load(), kWriters * kEach);
  feed.stop();
  // Trainees withdrawn from matching (every third) are not in the index.
  EXPECT_EQ(live.trainee_count(), static_cast<std::size_t>(kWriters * (kEach - 3)));
}

}  // namespace
}  // namespace kakehashi::store

namespace kakehashi::store {
namespace {

// A full load by the listener (at start, after a reconnect, on
// request_reload) reads its snapshot, then publishes it whole. A commit
// through this process that lands between the two is published at commit;
// the load's rebuild from the older snapshot would undo it (and its
// notification is skipped as this process's own), so the load reads again
// the rows published while it read and publishes them right after itself.
// Before the feed did that, this test lost 2 commits of 40. Between the two
// publications (one query) the row is still missing although its writer has
// returned; under load that shows in a few rounds of 40, which the test
// prints but does not fail on.
TEST_F(ChangeFeedConcurrency, AFullLoadDoesNotUndoACommitThatRacedIt) {
  Process process(name_);
  const std::string org = insert_organization_sync(process.db);
  process.feed.start(connection_string(process.options));
  pqxx::connection other("dbname=" + name_);
  std::mt19937 random(12345);
  int lost = 0;
  int missing_after_load = 0;
  for (int round = 0; round < 40; ++round) {
    const auto loads = process.feed.stats().full_loads;
    process.feed.request_reload();
    // Wake the listener now (it waits up to 200 ms for a notification);
    // 'w' is no kind the feed knows, so the notification itself is ignored.
    pqxx::nontransaction(other).exec("NOTIFY kakehashi_changes, 'wake'");
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 4000));
    std::string id;
    const domain::PersonalData person{"Round " + std::to_string(round),
                                      "r" + std::to_string(round) + "@example.com", std::nullopt};
    process.db.transact_sync([&](Tx& t) { id = insert_trainee(t, org, person, profile(true)); });
    EXPECT_TRUE(process.live.trainee_seq(id)) << "published at commit";
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (process.feed.stats().full_loads <= loads &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    // The load is published; the rows it re-reads follow right after it.
    // A row missing for good (until some later full load) is a lost commit.
    if (!process.live.trainee_seq(id)) ++missing_after_load;
    const auto settled = std::chrono::steady_clock::now() + 2s;
    while (!process.live.trainee_seq(id) && std::chrono::steady_clock::now() < settled) {
      std::this_thread::sleep_for(1ms);
    }
    if (!process.live.trainee_seq(id)) ++lost;
  }
  EXPECT_EQ(lost, 0) << "commits undone by a full load that raced them, of 40";
  RecordProperty("missing_right_after_the_load", missing_after_load);
  if (missing_after_load > 0) {
    std::printf(
        "rows missing right after the load was published (back one query later): %d of 40\n",
        missing_after_load);
  }
}

}  // namespace
}  // namespace kakehashi::store

namespace kakehashi::store {
namespace {

// A full load reads trainees a page at a time (1,000 rows) and hands each
// page to the live index before reading the next (app::load_pages_into): over
// several pages every matchable trainee arrives once, with its card, its id
// and its organization, and the others not at all.
TEST_F(ChangeFeedConcurrency, AFullLoadOverSeveralPagesIndexesEveryMatchableTrainee) {
  Process process(name_);
  const std::string org = insert_organization_sync(process.db);
  constexpr int kTrainees = 2'345;
  {
    pqxx::connection c("dbname=" + name_);
    pqxx::work w(c);
    w.exec(
        "INSERT INTO trainees (organization_id, alias, timezone, japanese, available_from, "
        " consent_matching, consent_recorded_at, status) "
        "SELECT " +
        w.quote(org) +
        ", 'kh-page-' || g, 'Asia/Dhaka', 'N4', "
        " date '2027-01-01' + g, g % 5 <> 0, CASE WHEN g % 5 <> 0 THEN now() END, CASE WHEN g % 7 "
        "= 0 THEN 'withdrawn' "
        " ELSE 'active' END FROM generate_series(1, " +
        std::to_string(kTrainees) + ") g");
    w.commit();
  }
  // The organization's commit made a full load already (pricing): wait for
  // the listener's, which reads the trainees.
  const auto loads = process.feed.stats().full_loads;
  process.feed.start(connection_string(process.options));
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (process.feed.stats().full_loads <= loads && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_GT(process.feed.stats().full_loads, loads);
  process.feed.stop();

  auto& live = process.live;
  pqxx::connection c("dbname=" + name_);
  pqxx::nontransaction q(c);
  std::size_t matchable = 0;
  for (const auto& row : q.exec("SELECT id, seq, alias, available_from::text, "
                                " consent_matching AND status = 'active' FROM trainees")) {
    const auto id = row[0].as<std::string>();
    const auto seq = row[1].as<std::int64_t>();
    if (!row[4].as<bool>()) {
      EXPECT_FALSE(live.trainee_seq(id)) << id;
      EXPECT_FALSE(live.trainee(seq)) << seq;
      continue;
    }
    ++matchable;
    EXPECT_EQ(live.trainee_seq(id), seq) << id;
    const auto card = live.trainee(seq);
    ASSERT_TRUE(card) << seq;
    EXPECT_EQ(card->id(), id);
    EXPECT_EQ(card->organization_id(), org);
    EXPECT_EQ(card->alias(), row[2].as<std::string>());
    EXPECT_EQ(card->profile().available_from, row[3].as<std::string>());
    EXPECT_TRUE(live.view().index->trainee(static_cast<matcher::Id>(seq))) << seq;
  }
  EXPECT_EQ(matchable, 2'345u - 469 - 335 + 67);  // not g % 5 = 0, not g % 7 = 0
  EXPECT_EQ(live.trainee_count(), matchable);
  EXPECT_EQ(live.view().index->stats().trainees, matchable);
  EXPECT_EQ(live.trainee_seqs_of(org).size(), matchable);
  const auto pools = live.organization_pools({});
  ASSERT_EQ(pools.size(), 1u);
  EXPECT_EQ(pools.at(org), matchable);
}

}  // namespace
}  // namespace kakehashi::store
