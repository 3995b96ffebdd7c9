#include "store/change_feed.hpp"

#include "store/pricing.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <chrono>
#include <iterator>
#include <optional>
#include <unordered_set>

#include <pqxx/pqxx>

#include "store/registry.hpp"
#include "util/disposal.hpp"
#include "util/log.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kChannel = "kakehashi_changes";
// Tells the listener's session apart in pg_stat_activity.
constexpr const char* kNameListener = "SET application_name = 'kakehashi-listener'";
// Trainees per page of a full load: each page's records (~1.5 KB each) are
// garbage once the index has taken what it keeps of them; smaller pages leave
// fewer and smaller holes among what is kept.
constexpr int kPage = 1'000;

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, std::vector<std::string>& sink)
      : pqxx::notification_receiver(c, kChannel), sink_(sink) {}
  void operator()(const std::string& payload, int) override { sink_.push_back(payload); }

 private:
  std::vector<std::string>& sink_;
};

void sort_unique(std::vector<std::int64_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// A payload is "<kind>[<seq>]@<origin>" (migration 0007) or "T<origin>" for
// a bulk change; kind 't' trainee, 'p' project, 's' taxonomy.
struct Notification {
  char kind = 0;
  std::int64_t seq = 0;
  std::string origin;
};

std::optional<Notification> parse(const std::string& payload) {
  if (payload.empty()) return std::nullopt;
  Notification n;
  n.kind = payload[0];
  if (n.kind == 'T') {
    n.origin = payload.substr(1);
    return n;
  }
  const auto at = payload.find('@');
  const std::string number = payload.substr(1, at == std::string::npos ? at : at - 1);
  if (at != std::string::npos) n.origin = payload.substr(at + 1);
  if (n.kind == 't' || n.kind == 'p') {
    if (number.empty() || number.size() > 18 ||
        number.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    n.seq = std::stoll(number);
  }
  return n;
}

}  // namespace

ChangeFeed::ChangeFeed(std::string origin) : origin_(std::move(origin)) {}

ChangeFeed::~ChangeFeed() { stop(); }

void ChangeFeed::subscribe(Subscriber subscriber) { subscribers_.push_back(std::move(subscriber)); }

void ChangeFeed::on_connection(ConnectionListener listener) {
  connection_listeners_.push_back(std::move(listener));
}

void ChangeFeed::publish(const ChangeSet& set) {
  std::lock_guard lock(publish_mutex_);
  publish_locked(set);
}

void ChangeFeed::publish_locked(const ChangeSet& set) {
  ++publications_;
  if (loads_in_progress_ > 0 && !set.everything) {
    auto note = [&](bool project, std::int64_t seq) {
      touched_during_loads_.push_back({publications_, project, seq});
    };
    for (const auto& t : set.trainees) note(false, t.seq);
    for (auto seq : set.trainees_gone) note(false, seq);
    for (const auto& p : set.projects) note(true, p.seq);
    for (auto seq : set.projects_gone) note(true, seq);
  }
  for (const auto& s : subscribers_) s(set);
  (set.local ? local_sets_ : remote_sets_).fetch_add(1, std::memory_order_relaxed);
  if (set.everything) {
    full_loads_.fetch_add(1, std::memory_order_relaxed);
    loaded_.store(true, std::memory_order_release);
  }
}

void ChangeFeed::set_connected(bool connected) {
  connected_.store(connected, std::memory_order_release);
  std::lock_guard lock(publish_mutex_);
  for (const auto& l : connection_listeners_) l(connected);
}

ChangeFeed::Stats ChangeFeed::stats() const {
  return {local_sets_.load(), remote_sets_.load(), own_skipped_.load(), full_loads_.load()};
}

std::shared_ptr<const Everything> ChangeFeed::load_everything(Tx& tx) {
  const auto started = std::chrono::steady_clock::now();
  auto all = std::make_shared<Everything>();
  all->skills = load_skills(tx);
  all->pricing = load_pricing(tx);
  all->projects = load_open_projects(tx);
  // Page by page (keyset on seq), each handed over before the next is read.
  if (pages_maker_) all->trainee_pages = pages_maker_(*all);
  for (std::int64_t after = 0;;) {
    auto page = load_matchable_trainees(tx, after, kPage);
    if (page.empty()) break;
    after = page.back().seq;
    all->trainee_count += page.size();
    for (auto& r : page) r.personal.reset();
    if (all->trainee_pages) {
      all->trainee_pages->add(page);
    } else {
      std::move(page.begin(), page.end(), std::back_inserter(all->trainees));
    }
  }
  util::log("info", "matching index loaded",
            {{"trainees", all->trainee_count},
             {"projects", all->projects.size()},
             {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count()}});
  return all;
}

void ChangeFeed::load_and_publish(Tx& tx, bool local) {
  std::uint64_t since = 0;
  {
    std::lock_guard lock(publish_mutex_);
    ++loads_in_progress_;
    since = publications_;
  }
  ChangeSet set;
  set.local = local;
  try {
    set.everything = load_everything(tx);
  } catch (...) {
    std::lock_guard lock(publish_mutex_);
    if (--loads_in_progress_ == 0) touched_during_loads_.clear();
    throw;
  }
  // The load, then the rows published while it read, read again now: under
  // one hold of the lock, so no other publication comes between them (a
  // commit published later read the database later).
  std::unique_lock lock(publish_mutex_);
  std::vector<std::int64_t> trainees, projects;
  for (const auto& t : touched_during_loads_) {
    if (t.publication > since) (t.project ? projects : trainees).push_back(t.seq);
  }
  if (--loads_in_progress_ == 0) touched_during_loads_.clear();
  // Read before the load is published, so the two publications follow each
  // other at once: readers see the raced rows missing for no longer than it
  // takes to apply a set, not for the time of a query.
  std::optional<ChangeSet> again;
  if (!trainees.empty() || !projects.empty()) {
    again = resolve(tx, std::move(trainees), std::move(projects));
    again->local = local;
  }
  publish_locked(set);
  if (again) publish_locked(*again);
  lock.unlock();
  // The records of a full load (every trainee's profile) are garbage now; the
  // allocator keeps such freed memory for reuse, so hand it back to the system:
  // at 100k trainees this is most of what the process held after loading.
  set = ChangeSet{};
  again.reset();
#if defined(__GLIBC__)
  ::malloc_trim(0);
#endif
}

ChangeSet ChangeFeed::resolve(Tx& tx, std::vector<std::int64_t> trainees,
                              std::vector<std::int64_t> projects) {
  ChangeSet set;
  sort_unique(trainees);
  sort_unique(projects);
  if (!trainees.empty()) {
    set.trainees = find_trainees_by_seq(tx, trainees);
    std::unordered_set<std::int64_t> found;
    for (auto& r : set.trainees) {
      r.personal.reset();
      found.insert(r.seq);
    }
    for (auto seq : trainees) {
      if (!found.count(seq)) set.trainees_gone.push_back(seq);
    }
  }
  if (!projects.empty()) {
    set.projects = find_projects_by_seq(tx, projects);
    std::unordered_set<std::int64_t> found;
    for (const auto& r : set.projects) found.insert(r.seq);
    for (auto seq : projects) {
      if (!found.count(seq)) set.projects_gone.push_back(seq);
    }
  }
  return set;
}

void ChangeFeed::committed(pqxx::connection_base& c, Changes& changes) {
  try {
    pqxx::nontransaction sql(c);
    Tx tx(c, sql);
    if (changes.everything || changes.taxonomy || changes.trainees.size() > kBulkThreshold) {
      load_and_publish(tx, true);
      if (!changes.api_keys.empty()) {
        ChangeSet keys;
        keys.local = true;
        keys.api_keys = std::move(changes.api_keys);
        publish(keys);
      }
      return;
    }
    ChangeSet set = resolve(tx, std::move(changes.trainees), std::move(changes.projects));
    // Rows the writer holds whole (a bulk import's): as they are, not read
    // back, however many (a 100k-row import was a full reload of every
    // trainee). A row also resolved above is newer there only if it was
    // written after; the subscribers keep the higher version.
    for (auto& r : changes.trainee_rows) r.personal.reset();
    if (set.trainees.empty()) {
      set.trainees = std::move(changes.trainee_rows);  // 100k records not moved one by one
    } else {
      set.trainees.reserve(set.trainees.size() + changes.trainee_rows.size());
      for (auto& r : changes.trainee_rows) set.trainees.push_back(std::move(r));
    }
    changes.trainee_rows.clear();
    set.local = true;
    set.api_keys = std::move(changes.api_keys);
    publish(set);
    // A bulk import's records, applied: freed off the writer's answer.
    if (set.trainees.size() > kBulkThreshold) util::dispose_later(std::move(set.trainees));
  } catch (const std::exception& e) {
    // The write has committed; what follows it is reloaded by the listener.
    util::log("warn", "could not publish a commit's changes; reloading",
              {{"error", std::string(e.what()).substr(0, std::string(e.what()).find('\n'))}});
    request_reload();
  }
}

void ChangeFeed::start(std::string conninfo) {
  listener_ = std::thread([this, conninfo = std::move(conninfo)] { listen_loop(conninfo); });
}

void ChangeFeed::stop() {
  stopping_.store(true);
  if (listener_.joinable()) listener_.join();
}

void ChangeFeed::listen_loop(const std::string& conninfo) {
  auto backoff = std::chrono::milliseconds(100);
  while (!stopping_.load()) {
    try {
      pqxx::connection conn(conninfo);
      pqxx::nontransaction(conn).exec(kNameListener);
      std::vector<std::string> pending;
      Receiver receiver(conn, pending);
      auto load = [&] {
        pqxx::nontransaction sql(conn);
        Tx tx(conn, sql);
        load_and_publish(tx, false);
      };
      // LISTEN is in place before the load, so nothing committed after the
      // load's snapshot is missed.
      load();
      set_connected(true);
      backoff = std::chrono::milliseconds(100);
      while (!stopping_.load()) {
        conn.await_notification(0, 200'000);
        if (reload_requested_.exchange(false)) load();
        if (pending.empty()) continue;
        conn.get_notifs();  // drain what else has arrived
        std::vector<std::string> batch;
        batch.swap(pending);
        std::vector<std::int64_t> trainees, projects;
        bool everything = batch.size() > kBulkThreshold;
        for (const auto& payload : batch) {
          const auto n = parse(payload);
          if (!n) continue;
          if (n->origin == origin_) {
            own_skipped_.fetch_add(1, std::memory_order_relaxed);
            continue;  // published when it committed
          }
          if (n->kind == 's' || n->kind == 'T') everything = true;
          if (n->kind == 't') trainees.push_back(n->seq);
          if (n->kind == 'p') projects.push_back(n->seq);
        }
        if (everything) {
          load();
          continue;
        }
        if (trainees.empty() && projects.empty()) continue;
        pqxx::nontransaction sql(conn);
        Tx tx(conn, sql);
        publish(resolve(tx, std::move(trainees), std::move(projects)));
      }
    } catch (const std::exception& e) {
      set_connected(false);
      std::string what = e.what();
      util::log("warn", "change feed listener lost its connection; will reload",
                {{"error", what.substr(0, what.find('\n'))}});
      for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopping_.load();
           waited += std::chrono::milliseconds(50)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5'000));
    }
  }
}

}  // namespace kakehashi::store
