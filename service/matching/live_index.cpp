#include "matching/live_index.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <limits>
#include <system_error>
#include <thread>

#include "util/uuid.hpp"

namespace kakehashi::matching {
namespace {

bool matchable(const domain::TraineeRecord& r) {
  return r.profile.status == "active" && r.profile.consent_matching && !r.profile.placed_elsewhere;
}

// A uuid's 128 bits; nothing for text that is not one (it names no trainee).
std::optional<std::pair<std::uint64_t, std::uint64_t>> uuid_bits(std::string_view id) {
  const auto bytes = util::parse_uuid(id, util::UuidCase::kEither);
  if (!bytes) return std::nullopt;
  std::uint64_t half[2] = {0, 0};
  for (std::size_t i = 0; i < 16; ++i) half[i / 8] = half[i / 8] << 8 | (*bytes)[i];
  return std::make_pair(half[0], half[1]);
}

// A bulk batch's cards are packed on a second thread while apply_many works
// out the matcher's features under the lock: a card is a function of its
// record alone. Right after an import's commit the database is idle, so the
// two halves of the work can take two cores. Smaller batches pack here.
class CardPacker {
 public:
  static constexpr std::size_t kAside = 2'000;

  explicit CardPacker(const std::vector<domain::TraineeRecord>& records)
      : records_(records), cards_(records.size() >= kAside ? records.size() : 0) {
    if (cards_.empty()) return;
    try {
      thread_ = std::thread([this] { run(); });
    } catch (const std::system_error&) {
      cards_.clear();  // no thread to spare: packed here
    }
  }
  ~CardPacker() {
    stop_.store(true, std::memory_order_relaxed);
    if (thread_.joinable()) thread_.join();
  }
  CardPacker(const CardPacker&) = delete;
  CardPacker& operator=(const CardPacker&) = delete;

  // The card of records[i], which is matchable: packed aside, or here if the
  // packer stopped before it (its exception is then thrown here, as before).
  TraineeCard take(std::size_t i) {
    if (cards_.empty()) return TraineeCard(records_[i]);
    while (done_.load(std::memory_order_acquire) <= i) std::this_thread::yield();
    if (i >= failed_at_.load(std::memory_order_relaxed)) return TraineeCard(records_[i]);
    return std::move(cards_[i]);
  }

 private:
  void run() {
    std::size_t i = 0;
    try {
      for (; i < records_.size() && !stop_.load(std::memory_order_relaxed); ++i) {
        if (matchable(records_[i])) cards_[i] = TraineeCard(records_[i]);
        done_.store(i + 1, std::memory_order_release);
      }
    } catch (...) {
      failed_at_.store(i, std::memory_order_relaxed);  // published by the store below
    }
    done_.store(records_.size(), std::memory_order_release);
  }

  const std::vector<domain::TraineeRecord>& records_;
  std::vector<TraineeCard> cards_;
  std::thread thread_;
  std::atomic<std::size_t> done_{0};
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> failed_at_{std::numeric_limits<std::size_t>::max()};
};

}  // namespace

LiveIndex::LiveIndex(Taxonomy& taxonomy, std::unordered_map<std::string, int> utc_offsets)
    : taxonomy_(taxonomy), utc_offsets_(std::move(utc_offsets)) {
  auto empty = begin_load(nullptr, nullptr);
  std::unique_lock lock(mutex_);
  install_locked(*empty, {});
}

LiveIndex::~LiveIndex() = default;

std::int64_t LiveIndex::trainee_version_locked(std::int64_t seq) const {
  if (const auto v = trainees_.version(seq)) return *v;
  const auto it = other_versions_.find(seq);
  return it == other_versions_.end() ? 0 : it->second;
}

void LiveIndex::bump() { generation_.fetch_add(1, std::memory_order_acq_rel); }

void LiveIndex::forget_rankings_with(std::int64_t seq, const matcher::Trainee* now) {
  const auto id = static_cast<matcher::Id>(seq);
  std::lock_guard lock(cache_mutex_);
  ++trainee_changes_;
  for (auto it = cache_.begin(); it != cache_.end();) {
    const auto& c = it->second;
    bool touched =
        std::any_of(c.ranked.begin(), c.ranked.end(), [&](const auto& r) { return r.id == id; });
    if (!touched && now) {
      if (const auto score = matcher::score(c.plan, *now)) {
        // It enters a list that holds every eligible trainee, or one whose
        // last place it beats or ties (ties are broken by id: either way).
        touched = c.ranked.size() < c.depth || *score >= c.ranked.back().score;
      }
    }
    if (touched) {
      ++project_stamps_[static_cast<std::int64_t>(it->first)];
      dropped_.fetch_add(1, std::memory_order_relaxed);
      it = cache_.erase(it);
    } else {
      ++it;
    }
  }
}

void LiveIndex::forget_project(std::int64_t seq) {
  std::lock_guard lock(cache_mutex_);
  ++project_stamps_[seq];
  cache_.erase(static_cast<std::uint64_t>(seq));
}

void LiveIndex::forget_everything() {
  std::lock_guard lock(cache_mutex_);
  ++cache_epoch_;
  cache_.clear();
  project_stamps_.clear();
  pages_.clear();
}

FeatureContext LiveIndex::feature_context() {
  return FeatureContext{&skill_ids_,    &utc_offsets_,       &organizations_, &domains_,
                        pricing_.get(), domain::today_utc(), zones_.get()};
}

void LiveIndex::set_reference(std::shared_ptr<const domain::Pricing> pricing,
                              std::shared_ptr<const ZoneTable> zones) {
  std::unique_lock lock(mutex_);
  if (pricing) pricing_ = std::move(pricing);
  if (zones) zones_ = std::move(zones);
}

std::shared_ptr<const domain::Pricing> LiveIndex::pricing() const {
  std::shared_lock lock(mutex_);
  return pricing_;
}

LiveIndex::Load::Load(LiveIndex& owner, std::shared_ptr<const Taxonomy::Snapshot> taxonomy,
                      std::shared_ptr<const domain::Pricing> pricing)
    : owner_(owner), taxonomy_(std::move(taxonomy)), pricing_(std::move(pricing)) {
  for (std::size_t i = 0; i < taxonomy_->skills.size(); ++i) {
    skill_ids_[taxonomy_->skills[i].id] = static_cast<matcher::SkillId>(i);
  }
}

LiveIndex::Load::~Load() = default;

void LiveIndex::Load::add(const std::vector<domain::TraineeRecord>& page) {
  // The interners are the index's (ids stay those of every other change); the
  // rest is the load's own.
  std::unique_lock lock(owner_.mutex_);
  FeatureContext ctx{&skill_ids_,    &owner_.utc_offsets_, &owner_.organizations_, &owner_.domains_,
                     pricing_.get(), domain::today_utc(),  owner_.zones_.get()};
  for (const auto& r : page) {
    if (!matchable(r)) {
      versions_.emplace_back(r.seq, r.version);
      continue;
    }
    features_.push_back(trainee_features(r, ctx));
    cards_.append(TraineeCard(r));
    if (auto key = uuid_bits(r.id)) seqs_.emplace_back(*key, r.seq);
  }
}

std::unique_ptr<LiveIndex::Load> LiveIndex::begin_load(
    std::shared_ptr<const Taxonomy::Snapshot> taxonomy,
    std::shared_ptr<const domain::Pricing> pricing) {
  if (!taxonomy) taxonomy = taxonomy_.snapshot();
  if (!pricing) pricing = this->pricing();
  return std::unique_ptr<Load>(new Load(*this, std::move(taxonomy), std::move(pricing)));
}

void LiveIndex::install_locked(Load& load, const std::vector<domain::ProjectRecord>& projects) {
  taxonomy_snapshot_ = load.taxonomy_;
  skill_ids_ = std::move(load.skill_ids_);
  // The graph lives as long as the snapshot that holds it.
  std::shared_ptr<const matcher::SkillGraph> graph(taxonomy_snapshot_, &taxonomy_snapshot_->graph);
  auto index = std::make_shared<matcher::CandidateIndex>(graph);
  auto ctx = feature_context();
  std::vector<matcher::Project> ps;
  projects_.clear();
  project_seqs_.clear();
  project_versions_.clear();
  for (const auto& r : projects) {
    project_versions_[r.seq] = r.version;
    if (r.data.status != "open") continue;
    ps.push_back(project_features(r, ctx));
    projects_.emplace(r.seq, ProjectCard{r});
    project_seqs_.emplace(r.id, r.seq);
  }
  index->rebuild(std::move(load.features_), ps);
  load.features_ = {};
  index_ = std::move(index);
  // The maps last, once the features are gone: their nodes fill the holes.
  trainees_ = std::move(load.cards_);
  trainees_.finish_appending();
  trainees_.shrink();
  trainee_seqs_ = UuidMap(load.seqs_.begin(), load.seqs_.end());
  load.seqs_ = {};
  other_versions_.clear();
  for (const auto& [seq, version] : load.versions_) {
    if (!trainees_.contains(seq)) other_versions_[seq] = version;
  }
  load.versions_ = {};
  forget_everything();
  bump();
}

void LiveIndex::rebuild(Load& load, const std::vector<domain::ProjectRecord>& projects) {
  {
    std::unique_lock lock(mutex_);
    install_locked(load, projects);
  }
  rebuilds_.fetch_add(1, std::memory_order_relaxed);
  ready_.store(true, std::memory_order_release);
}

void LiveIndex::rebuild(const std::vector<domain::TraineeRecord>& trainees,
                        const std::vector<domain::ProjectRecord>& projects) {
  auto load = begin_load(nullptr, nullptr);
  load->add(trainees);
  rebuild(*load, projects);
}

void LiveIndex::apply(const domain::TraineeRecord& r) {
  std::unique_lock lock(mutex_);
  // An older read than one already applied.
  if (trainee_version_locked(r.seq) > r.version) return;
  applied_.fetch_add(1, std::memory_order_relaxed);
  if (matchable(r)) {
    auto ctx = feature_context();
    auto features = trainee_features(r, ctx);
    forget_rankings_with(r.seq, &features);
    index_->upsert_trainee(std::move(features));
    trainees_.put(TraineeCard(r));  // which holds its version
    other_versions_.erase(r.seq);
    if (auto key = uuid_bits(r.id)) trainee_seqs_[*key] = r.seq;
  } else {
    other_versions_[r.seq] = r.version;
    forget_rankings_with(r.seq, nullptr);
    index_->remove_trainee(static_cast<matcher::Id>(r.seq));
    if (const auto id = trainees_.id(r.seq)) {
      if (auto key = uuid_bits(*id)) trainee_seqs_.erase(*key);
      trainees_.erase(r.seq);
    }
  }
  bump();
}

void LiveIndex::apply_many(const std::vector<domain::TraineeRecord>& records) {
  CardPacker cards(records);  // starts packing before the lock is taken
  std::unique_lock lock(mutex_);
  auto ctx = feature_context();
  std::vector<matcher::Trainee> upserts;
  std::vector<matcher::Id> removed;
  upserts.reserve(records.size());
  // A bulk import's rows are mostly new: the maps grow once, not by rehashes
  // (a quarter of this function's time for 100k rows).
  trainees_.reserve(records.size());
  trainee_seqs_.reserve(trainee_seqs_.size() + records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    // An older read than one already applied (or than an earlier record here).
    if (trainee_version_locked(r.seq) > r.version) continue;
    applied_.fetch_add(1, std::memory_order_relaxed);
    if (matchable(r)) {
      upserts.push_back(trainee_features(r, ctx));
      trainees_.put(cards.take(i));
      other_versions_.erase(r.seq);
      if (auto key = uuid_bits(r.id)) trainee_seqs_[*key] = r.seq;
    } else {
      other_versions_[r.seq] = r.version;
      removed.push_back(static_cast<matcher::Id>(r.seq));
      if (const auto id = trainees_.id(r.seq)) {
        if (auto key = uuid_bits(*id)) trainee_seqs_.erase(*key);
        trainees_.erase(r.seq);
      }
    }
  }
  // A seq seen twice here ends as its last record left it.
  if (!removed.empty()) {
    std::erase_if(upserts, [&](const matcher::Trainee& t) {
      return !trainees_.contains(static_cast<std::int64_t>(t.id));
    });
    std::erase_if(
        removed, [&](matcher::Id id) { return trainees_.contains(static_cast<std::int64_t>(id)); });
  }
  index_->update_trainees(std::move(upserts), removed);
  forget_everything();
  {
    std::lock_guard cache(cache_mutex_);
    ++trainee_changes_;  // a ranking begun before this is not remembered
  }
  bump();
}

void LiveIndex::apply(const domain::ProjectRecord& r) {
  std::unique_lock lock(mutex_);
  auto& seen = project_versions_[r.seq];
  if (seen > r.version) return;
  seen = r.version;
  applied_.fetch_add(1, std::memory_order_relaxed);
  forget_project(r.seq);
  if (r.data.status == "open") {
    auto ctx = feature_context();
    index_->upsert_project(project_features(r, ctx));
    projects_[r.seq] = ProjectCard{r};
    project_seqs_[r.id] = r.seq;
  } else {
    index_->remove_project(static_cast<matcher::Id>(r.seq));
    auto it = projects_.find(r.seq);
    if (it != projects_.end()) {
      project_seqs_.erase(it->second.record.id);
      projects_.erase(it);
    }
  }
  bump();
}

void LiveIndex::remove_trainee(std::int64_t seq) {
  std::unique_lock lock(mutex_);
  other_versions_[seq] = std::numeric_limits<std::int64_t>::max();
  forget_rankings_with(seq, nullptr);
  index_->remove_trainee(static_cast<matcher::Id>(seq));
  if (const auto id = trainees_.id(seq)) {
    if (auto key = uuid_bits(*id)) trainee_seqs_.erase(*key);
    trainees_.erase(seq);
  }
  applied_.fetch_add(1, std::memory_order_relaxed);
  bump();
}

void LiveIndex::remove_project(std::int64_t seq) {
  std::unique_lock lock(mutex_);
  applied_.fetch_add(1, std::memory_order_relaxed);
  project_versions_[seq] = std::numeric_limits<std::int64_t>::max();
  forget_project(seq);
  index_->remove_project(static_cast<matcher::Id>(seq));
  auto it = projects_.find(seq);
  if (it != projects_.end()) {
    project_seqs_.erase(it->second.record.id);
    projects_.erase(it);
  }
  bump();
}

LiveIndex::View LiveIndex::view() const {
  std::shared_lock lock(mutex_);
  return {index_, taxonomy_snapshot_};
}

std::optional<TraineeCard> LiveIndex::trainee(std::int64_t seq) const {
  std::shared_lock lock(mutex_);
  return trainees_.find(seq);
}

std::optional<std::int64_t> LiveIndex::trainee_seq(const std::string& id) const {
  std::shared_lock lock(mutex_);
  const auto key = uuid_bits(id);
  if (!key) return std::nullopt;
  auto it = trainee_seqs_.find(*key);
  if (it == trainee_seqs_.end()) return std::nullopt;
  return it->second;
}

std::optional<ProjectCard> LiveIndex::project(std::int64_t seq) const {
  std::shared_lock lock(mutex_);
  auto it = projects_.find(seq);
  if (it == projects_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::int64_t> LiveIndex::project_seq(const std::string& id) const {
  std::shared_lock lock(mutex_);
  auto it = project_seqs_.find(id);
  if (it == project_seqs_.end()) return std::nullopt;
  return it->second;
}

std::vector<ProjectCard> LiveIndex::projects() const {
  std::shared_lock lock(mutex_);
  std::vector<ProjectCard> out;
  out.reserve(projects_.size());
  for (const auto& [seq, card] : projects_) out.push_back(card);
  return out;
}

std::vector<std::int64_t> LiveIndex::trainee_seqs_of(const std::string& organization_id) const {
  std::shared_lock lock(mutex_);
  std::vector<std::int64_t> out;
  const auto key = TraineeCards::organization_key(organization_id);
  trainees_.for_each_organization([&](std::int64_t seq, std::string_view organization) {
    if (organization == key) out.push_back(seq);
  });
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t LiveIndex::trainee_count() const {
  std::shared_lock lock(mutex_);
  return trainees_.size();
}

std::size_t LiveIndex::project_count() const {
  std::shared_lock lock(mutex_);
  return projects_.size();
}

matcher::Trainee LiveIndex::features(const domain::TraineeRecord& record) {
  std::unique_lock lock(mutex_);
  auto ctx = feature_context();
  return trainee_features(record, ctx);
}

matcher::Project LiveIndex::features(const domain::ProjectRecord& record) {
  std::unique_lock lock(mutex_);
  auto ctx = feature_context();
  return project_features(record, ctx);
}

std::string LiveIndex::organization_uuid(matcher::Id id) const {
  std::shared_lock lock(mutex_);
  return organizations_.name(id);
}

std::map<std::string, std::size_t> LiveIndex::organization_pools(
    const std::unordered_set<matcher::Id>& except) const {
  std::shared_lock lock(mutex_);
  std::unordered_map<std::string, std::size_t> by_key;
  trainees_.for_each_organization([&](std::int64_t seq, std::string_view organization) {
    if (!except.count(static_cast<matcher::Id>(seq))) ++by_key[std::string(organization)];
  });
  std::map<std::string, std::size_t> out;
  for (const auto& [key, n] : by_key) out[TraineeCards::organization_id(key)] += n;
  return out;
}

std::vector<matcher::Ranked> LiveIndex::candidates(const matcher::ProjectPlan& plan,
                                                   std::int64_t version, std::size_t offset,
                                                   std::size_t limit) {
  const auto key = plan.project.id;
  const std::size_t want = offset + limit;
  std::uint64_t epoch = 0;
  std::uint64_t changes = 0;
  {
    std::lock_guard lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.version == version &&
        (it->second.depth >= want || it->second.ranked.size() < it->second.depth)) {
      const auto& r = it->second.ranked;
      const auto from = std::min(offset, r.size());
      return {r.begin() + static_cast<std::ptrdiff_t>(from),
              r.begin() + static_cast<std::ptrdiff_t>(std::min(want, r.size()))};
    }
    epoch = cache_epoch_;
    changes = trainee_changes_;
  }
  const std::size_t depth = std::max<std::size_t>(want, 100);
  auto ranked = view().index->top_candidates(plan, depth);
  std::vector<matcher::Ranked> out(
      ranked.begin() + static_cast<std::ptrdiff_t>(std::min(offset, ranked.size())),
      ranked.begin() + static_cast<std::ptrdiff_t>(std::min(want, ranked.size())));
  std::lock_guard lock(cache_mutex_);
  if (epoch != cache_epoch_) return out;  // a rebuild came meanwhile
  if (changes != trainee_changes_) {
    // A trainee changed while this was ranked, with no list of this project to
    // check it against: the list may predate it. Not remembered, and pages
    // rendered from it are refused.
    ++project_stamps_[static_cast<std::int64_t>(key)];
    return out;
  }
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    // Another version's list goes: so do the pages drawn from it.
    if (it->second.version != version) ++project_stamps_[static_cast<std::int64_t>(key)];
  } else if (cache_.size() >= 4096) {
    // Full: one ranking goes, and with it the means to check its pages, so
    // its project's stamp moves on.
    auto victim = cache_.begin();
    ++project_stamps_[static_cast<std::int64_t>(victim->first)];
    cache_.erase(victim);
  }
  cache_.insert_or_assign(key, Cached{version, depth, plan, std::move(ranked)});
  return out;
}

LiveIndex::PageStamp LiveIndex::page_stamp(std::int64_t project_seq) {
  std::lock_guard lock(cache_mutex_);
  return stamp_locked(project_seq);
}

LiveIndex::PageStamp LiveIndex::stamp_locked(std::int64_t project_seq) const {
  const auto it = project_stamps_.find(project_seq);
  return {cache_epoch_, it == project_stamps_.end() ? 0 : it->second};
}

std::shared_ptr<const std::string> LiveIndex::cached_page(const std::string& key,
                                                          const PageStamp& stamp) {
  std::lock_guard lock(cache_mutex_);
  return pages_.find(key, stamp);
}

void LiveIndex::cache_page(const std::string& key, std::int64_t project_seq, const PageStamp& stamp,
                           std::string body) {
  std::lock_guard lock(cache_mutex_);
  if (!(stamp == stamp_locked(project_seq))) return;  // a change touched its list since
  pages_.put(key, stamp, std::move(body));
}

void LiveIndex::set_page_cache_bytes(std::size_t bytes) {
  std::lock_guard lock(cache_mutex_);
  pages_.set_budget(bytes);
}

}  // namespace kakehashi::matching
