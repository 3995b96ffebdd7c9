// The change feed: every committed change, from this process or from another
// replica, becomes one typed ChangeSet delivered to every subscriber (the
// matching index, the taxonomy, the document and key caches) exactly once.
//
// A commit through this process is resolved on its own connection right after
// it commits and published before the writer resumes, so a client reads its
// own writes everywhere. Other replicas' commits arrive as PostgreSQL
// notifications on a listener connection of the feed's own; a notification
// names its origin (each pool connection sets `kakehashi.origin`), and the
// listener skips this process's own, which were published at commit. While
// the listener is disconnected it may miss changes: subscribers hear
// connection(false) and turn caches off; on reconnect everything is loaded
// again and published whole.
//
// A full load reads a snapshot, then replaces everything with it. A change
// published between the snapshot and the replacement would be undone (and
// its notification is skipped as this process's own), so every load
// re-resolves, right after it is published, the rows published while it read.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/pricing.hpp"
#include "domain/project.hpp"
#include "domain/skill.hpp"
#include "domain/trainee.hpp"
#include "store/transaction.hpp"

namespace kakehashi::store {

struct Everything;

// Takes a full load's matchable trainees page by page as the load reads them,
// so that no one holds every record at once (at 100k trainees the records are
// several times what the live index keeps of them): it keeps what it needs of
// each page, and the page goes before the next is read. One is made for each
// load, once its skills, pricing and projects are read (ChangeFeed::on_full_load),
// and published with it (Everything::trainee_pages).
class TraineePages {
 public:
  virtual ~TraineePages() = default;
  // Records in seq order, without personal data.
  virtual void add(const std::vector<domain::TraineeRecord>& page) = 0;
};

// Everything the in-memory services hold, as now.
struct Everything {
  std::vector<domain::Skill> skills;
  domain::Pricing pricing;                      // exchange rates, organizations' cost models
  std::vector<domain::ProjectRecord> projects;  // open ones
  // The matchable trainees: taken page by page when a TraineePages maker is
  // set, else held here (without personal data).
  std::shared_ptr<TraineePages> trainee_pages;
  std::vector<domain::TraineeRecord> trainees;
  std::size_t trainee_count = 0;
};

struct ChangeSet {
  bool local = false;  // committed through this process
  // Rows as they are now (trainees without personal data), whatever their state.
  std::vector<domain::TraineeRecord> trainees;
  std::vector<domain::ProjectRecord> projects;
  std::vector<std::int64_t> trainees_gone;  // seqs whose row no longer exists
  std::vector<std::int64_t> projects_gone;
  std::vector<std::string> api_keys;  // revoked keys' ids
  // A full load: a bulk write, a taxonomy change, or the listener (re)connected.
  std::shared_ptr<const Everything> everything;
};

class ChangeFeed {
 public:
  using Subscriber = std::function<void(const ChangeSet&)>;
  using ConnectionListener = std::function<void(bool connected)>;

  // More changed trainees than this in one commit or one batch of
  // notifications are published as a full load (migration 0005's trigger
  // uses the same number for its bulk notification).
  static constexpr std::size_t kBulkThreshold = 5'000;

  explicit ChangeFeed(std::string origin);
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // Subscribers are added before start(); they are called one ChangeSet at a
  // time, in commit order for this process's own writes.
  void subscribe(Subscriber subscriber);
  // Set before start(): what takes a full load's trainees page by page.
  using PagesMaker = std::function<std::shared_ptr<TraineePages>(const Everything& so_far)>;
  void on_full_load(PagesMaker maker) { pages_maker_ = std::move(maker); }
  void on_connection(ConnectionListener listener);

  // The database's commit hook (Database::set_commit_hook).
  void committed(pqxx::connection_base& c, Changes& changes);

  // Starts the listener thread: LISTEN, load everything, publish it, then
  // follow notifications until stop().
  void start(std::string conninfo);
  void stop();
  // Asks the listener for a full load (a writer could not resolve its commit).
  void request_reload() { reload_requested_.store(true); }

  bool connected() const { return connected_.load(std::memory_order_acquire); }
  bool loaded() const { return loaded_.load(std::memory_order_acquire); }
  const std::string& origin() const { return origin_; }

  struct Stats {
    std::uint64_t local_sets = 0;   // published for this process's commits
    std::uint64_t remote_sets = 0;  // published for other replicas' commits
    std::uint64_t own_notifications_skipped = 0;
    std::uint64_t full_loads = 0;
  };
  Stats stats() const;

 private:
  void publish(const ChangeSet& set);
  void publish_locked(const ChangeSet& set);  // publish_mutex_ held
  // A full load: reads everything on `tx`, publishes it, then publishes again
  // the rows that changes published while it read have touched.
  void load_and_publish(Tx& tx, bool local);
  void set_connected(bool connected);
  void listen_loop(const std::string& conninfo);
  ChangeSet resolve(Tx& tx, std::vector<std::int64_t> trainees, std::vector<std::int64_t> projects);
  std::shared_ptr<const Everything> load_everything(Tx& tx);

  std::string origin_;
  std::mutex publish_mutex_;  // one ChangeSet at a time
  // Under publish_mutex_: loads in progress, and the rows (trainee and
  // project seqs) published since the oldest of them began, each with the
  // number of the publication that carried it.
  int loads_in_progress_ = 0;
  std::uint64_t publications_ = 0;
  struct Touched {
    std::uint64_t publication;
    bool project;
    std::int64_t seq;
  };
  std::vector<Touched> touched_during_loads_;
  std::vector<Subscriber> subscribers_;
  PagesMaker pages_maker_;
  std::vector<ConnectionListener> connection_listeners_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> loaded_{false};
  std::atomic<bool> reload_requested_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> local_sets_{0};
  std::atomic<std::uint64_t> remote_sets_{0};
  std::atomic<std::uint64_t> own_skipped_{0};
  std::atomic<std::uint64_t> full_loads_{0};
  std::thread listener_;
};

}  // namespace kakehashi::store
