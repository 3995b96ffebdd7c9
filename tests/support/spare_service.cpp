#include "support/spare_service.hpp"

#include <cstdlib>
#include <future>
#include <mutex>
#include <utility>

namespace kakehashi::testing {
namespace {

struct Spare {
  std::unique_ptr<TestDatabase> db;
  std::unique_ptr<ServiceProcess> service;
  std::map<std::string, std::string> env;
};

struct Spares {
  std::mutex mutex;
  std::future<Spare> pending;  // being made
  Spare taken;                 // its database handed out, its service not yet
};

// Never destroyed: discard() runs at exit, before the statics that dropping
// a database uses (registered after the first database was made).
Spares& spares() {
  static auto* s = new Spares;
  return *s;
}

void discard() {
  auto& s = spares();
  std::lock_guard lock(s.mutex);
  if (s.pending.valid()) {
    try {
      s.pending.get();  // destroyed at once: the service killed, the database dropped
    } catch (...) {
    }
  }
  s.taken = Spare{};
}

}  // namespace

void prepare_spare(std::map<std::string, std::string> env) {
  static std::once_flag registered;
  std::call_once(registered, [] { std::atexit(discard); });
  auto& s = spares();
  std::lock_guard lock(s.mutex);
  if (s.pending.valid()) return;
  s.pending = std::async(std::launch::async, [env = std::move(env)]() mutable {
    Spare spare;
    spare.db = std::make_unique<TestDatabase>(TestDatabase::Schema::migrated);
    env["KAKEHASHI_DATABASE_URL"] = spare.db->url();
    spare.env = env;
    spare.service = std::make_unique<ServiceProcess>(env);
    return spare;
  });
}

std::unique_ptr<TestDatabase> take_database() {
  auto& s = spares();
  std::unique_lock lock(s.mutex);
  s.taken = Spare{};
  if (s.pending.valid()) {
    try {
      s.taken = s.pending.get();
      return std::move(s.taken.db);
    } catch (...) {
      // Made as usual below; the test reports whatever fails again.
    }
  }
  lock.unlock();
  return std::make_unique<TestDatabase>(TestDatabase::Schema::migrated);
}

std::unique_ptr<ServiceProcess> take_service(const TestDatabase& db,
                                             const std::map<std::string, std::string>& env) {
  auto& s = spares();
  std::unique_lock lock(s.mutex);
  Spare spare = std::exchange(s.taken, Spare{});
  lock.unlock();
  const auto url = spare.env.find("KAKEHASHI_DATABASE_URL");
  if (spare.service && url != spare.env.end() && url->second == db.url() && spare.env == env) {
    return std::move(spare.service);
  }
  spare.service.reset();  // another environment: stopped before the test's own starts
  return std::make_unique<ServiceProcess>(env);
}

}  // namespace kakehashi::testing
