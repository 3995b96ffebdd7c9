#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>

#include "api/api_context.hpp"
#include "api/trainee_document.hpp"
#include "store/trainees.hpp"
#include "util/log.hpp"

namespace kakehashi::api {

std::optional<store::KeyLookup> KeyCache::get(const std::string& prefix) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(prefix);
  if (it == entries_.end() || it->second.expires < std::chrono::steady_clock::now())
    return std::nullopt;
  return it->second.key;
}

void KeyCache::put(const std::string& prefix, const store::KeyLookup& key) {
  std::lock_guard lock(mutex_);
  if (entries_.size() > 100'000) entries_.clear();  // bounded: a flood of keys cannot grow it
  entries_[prefix] = {key, std::chrono::steady_clock::now() + kTtl};
}

void KeyCache::evict_key(const std::string& key_id) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const auto& e) { return e.second.key.key_id == key_id; });
}

std::optional<DocumentCache::Entry> DocumentCache::get(const std::string& id) const {
  std::shared_lock lock(mutex_);
  auto it = enabled_ ? entries_.find(id) : entries_.end();
  if (it == entries_.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->second;
}

DocumentCache::Stats DocumentCache::stats() const {
  std::shared_lock lock(mutex_);
  return {hits_.load(), misses_.load(), entries_.size()};
}

std::uint64_t DocumentCache::epoch() const {
  std::shared_lock lock(mutex_);
  return epoch_;
}

void DocumentCache::put(const std::string& id, Entry entry, std::uint64_t epoch_before_read) {
  std::unique_lock lock(mutex_);
  if (!enabled_ || epoch_ != epoch_before_read) return;
  if (entries_.size() >= capacity_) entries_.clear();  // bounded; refills from reads
  entries_[id] = std::move(entry);
}

void DocumentCache::erase(const std::string& id) {
  std::unique_lock lock(mutex_);
  ++epoch_;
  entries_.erase(id);
}

void DocumentCache::clear() {
  std::unique_lock lock(mutex_);
  ++epoch_;
  entries_.clear();
}

void DocumentCache::set_enabled(bool enabled) {
  std::unique_lock lock(mutex_);
  ++epoch_;
  enabled_ = enabled;
  entries_.clear();
}

namespace {

// Resumes a waiting coroutine on its own executor (an I/O thread), not on
// the database thread that completes it.
void complete(TraineeReader::Waiter& w, std::exception_ptr error, TraineeReader::Result result) {
  boost::asio::post(w.executor,
                    [h = std::move(w.handler), error, result = std::move(result)]() mutable {
                      std::move(h)(error, std::move(result));
                    });
}

}  // namespace

boost::asio::awaitable<TraineeReader::Result> TraineeReader::read(ApiContext& api, std::string id) {
  for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto executor = co_await boost::asio::this_coro::executor;
  // As Database::run: the request goes with the read (a batch of one is
  // named and logged for it) and is set again where the caller resumes.
  const util::ReinstateLogContext reinstate(util::log_context());
  util::LogContext context = util::log_context();
  util::clear_log_context();  // the I/O thread runs other requests meanwhile
  co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                                 void(std::exception_ptr, Result)>(
      [this, &api, &executor, &id, &context](auto handler) {
        enqueue(api, Waiter{std::move(id), std::move(executor), Handler(std::move(handler)),
                            std::move(context)});
      },
      boost::asio::use_awaitable);
}

namespace {

// How many batch loops (and database connections) serve cold reads at once.
// One: on two cores a second loop made smaller batches and was no faster
// (bench/README.md, "Cold trainee reads, session 9"). The code allows more.
constexpr std::size_t kLoops = 1;
// A further loop starts only when this many reads wait while the others are
// busy, so light load keeps one loop and full batches.
constexpr std::size_t kAnotherLoopAt = 8;

}  // namespace

void TraineeReader::enqueue(ApiContext& api, Waiter waiter) {
  bool another = false;
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(waiter));
    another = running_ == 0 || (running_ < kLoops && pending_.size() >= kAnotherLoopAt);
    if (another) ++running_;
  }
  if (another) start(api);
}

void TraineeReader::start(ApiContext& api) {
  // Whether the loop ran: when it did not (no connection), the waiters it
  // would have served are told why; when it failed mid-way, it told its
  // batch, and the ones that came after get a loop of their own.
  auto ran = std::make_shared<bool>(false);
  api.db.post_read(
      [this, &api, ran](store::Tx& t) {
        *ran = true;
        drain(api, t);
      },
      [this, &api, ran](std::exception_ptr error) {
        if (!error) return;  // drain emptied the queue and counted itself out
        std::vector<Waiter> failed;
        bool again = false;
        {
          std::lock_guard lock(mutex_);
          if (!*ran) failed.swap(pending_);
          --running_;
          again = running_ == 0 && !pending_.empty();
          if (again) ++running_;
        }
        for (auto& w : failed) complete(w, error, std::nullopt);
        if (again) start(api);
      });
}

void TraineeReader::drain(ApiContext& api, store::Tx& t) {
  std::vector<Waiter> batch;
  std::vector<std::string> ids;
  std::vector<Result> results;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (pending_.empty()) {
        --running_;
        return;
      }
      if (pending_.size() <= kMaxBatch) {
        batch.swap(pending_);
      } else {
        const auto cut = pending_.begin() + static_cast<std::ptrdiff_t>(kMaxBatch);
        std::move(pending_.begin(), cut, std::back_inserter(batch));
        pending_.erase(pending_.begin(), cut);
      }
    }
    ids.clear();
    for (const auto& w : batch) ids.push_back(w.id);
    results.assign(batch.size(), std::nullopt);
    try {
      // A read alone is named and logged for its request (as Database::read
      // does); a batch serves several, and is the process's.
      const util::ScopedLogContext scoped(batch.size() == 1 ? batch[0].context
                                                            : util::LogContext{});
      api.db.name_read(t);
      const auto taxonomy = api.taxonomy.snapshot();
      store::read_trainee_views(t, ids, [&](const store::TraineeView& v) {
        DocumentCache::Entry entry{
            std::string(v.organization_id), std::string(v.status), 0, {}, v.has_personal};
        std::from_chars(v.version.data(), v.version.data() + v.version.size(), entry.version);
        entry.body.reserve(1024);
        write_trainee_body(entry.body, v, *taxonomy);
        // The same id asked twice in one batch gets a copy; the last one the document.
        std::size_t last = batch.size();
        for (std::size_t i = 0; i < batch.size(); ++i) {
          if (batch[i].id != v.id) continue;
          if (last != batch.size()) results[last] = entry;
          last = i;
        }
        if (last != batch.size()) results[last] = std::move(entry);
      });
    } catch (...) {
      const auto error = store::unavailable_if_broken(std::current_exception());
      for (auto& w : batch) complete(w, error, std::nullopt);
      throw;  // the pool closes a broken connection
    }
    batches_.fetch_add(1, std::memory_order_relaxed);
    reads_.fetch_add(batch.size(), std::memory_order_relaxed);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      complete(batch[i], nullptr, std::move(results[i]));
    }
    batch.clear();
  }
}

}  // namespace kakehashi::api
