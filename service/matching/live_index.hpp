// The matcher's index kept current inside the service. It holds every
// active, consenting trainee and every open project, with the few public
// fields a pseudonymous view shows. It is fed by the change feed (app/ wires
// it): a full load rebuilds it, each changed row is applied or removed. The
// database stays the truth: every entry is a row read back from it. No I/O
// here: no database, no HTTP, no JSON.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "domain/project.hpp"
#include "domain/trainee.hpp"
#include "matcher/index.hpp"
#include "matcher/scorer.hpp"
#include "matching/features.hpp"
#include "matching/page_cache.hpp"
#include "matching/taxonomy.hpp"
#include "matching/trainee_card.hpp"

namespace kakehashi::matching {

struct ProjectCard {
  domain::ProjectRecord record;
};

// Trainee seqs by their id's 128 bits.
struct UuidHash {
  std::size_t operator()(const std::pair<std::uint64_t, std::uint64_t>& u) const {
    return static_cast<std::size_t>(u.first ^ (u.second * 0x9e3779b97f4a7c15ULL));
  }
};
using UuidMap = std::unordered_map<std::pair<std::uint64_t, std::uint64_t>, std::int64_t, UuidHash>;

class LiveIndex {
 public:
  LiveIndex(Taxonomy& taxonomy, std::unordered_map<std::string, int> utc_offsets);
  ~LiveIndex();
  LiveIndex(const LiveIndex&) = delete;
  LiveIndex& operator=(const LiveIndex&) = delete;

  // True once the first full load has been applied.
  bool ready() const { return ready_.load(std::memory_order_acquire); }
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // A full load built page by page before it replaces everything, so that
  // no one holds every trainee's record at once: each page becomes features
  // and cards (a fraction of a record's size) and can go before the next is
  // read. Nothing of it is visible until rebuild(load, ...). Its taxonomy and
  // pricing are the load's own (not yet current); organizations and domains
  // are numbered by the index's interners, as every other change.
  class Load {
   public:
    Load(const Load&) = delete;
    Load& operator=(const Load&) = delete;
    ~Load();
    // Records of matchable trainees (others are only remembered by version).
    void add(const std::vector<domain::TraineeRecord>& page);
    std::size_t size() const { return features_.size(); }
    const std::shared_ptr<const Taxonomy::Snapshot>& taxonomy() const { return taxonomy_; }

   private:
    friend class LiveIndex;
    Load(LiveIndex& owner, std::shared_ptr<const Taxonomy::Snapshot> taxonomy,
         std::shared_ptr<const domain::Pricing> pricing);
    LiveIndex& owner_;
    std::shared_ptr<const Taxonomy::Snapshot> taxonomy_;
    std::shared_ptr<const domain::Pricing> pricing_;
    std::unordered_map<int, matcher::SkillId> skill_ids_;
    std::vector<matcher::Trainee> features_;
    // Kept flat until the load is installed (maps are made then: see
    // TraineeCards::append).
    TraineeCards cards_;
    std::vector<std::pair<std::pair<std::uint64_t, std::uint64_t>, std::int64_t>> seqs_;
    std::vector<std::pair<std::int64_t, std::int64_t>> versions_;  // of the unmatchable
  };
  // `taxonomy` null: the taxonomy's current snapshot; `pricing` null: the
  // current pricing.
  std::unique_ptr<Load> begin_load(std::shared_ptr<const Taxonomy::Snapshot> taxonomy,
                                   std::shared_ptr<const domain::Pricing> pricing);
  // Replaces everything with the load's trainees and these open projects,
  // featurised against the load's taxonomy (which the caller installs in the
  // Taxonomy too). The load is left empty.
  void rebuild(Load& load, const std::vector<domain::ProjectRecord>& projects);
  // The same from records held whole (one page): as now, against the
  // taxonomy's current snapshot.
  void rebuild(const std::vector<domain::TraineeRecord>& trainees,
               const std::vector<domain::ProjectRecord>& projects);
  // A record as just read from the database: indexed when matchable (an
  // active trainee consenting to matching; an open project), dropped otherwise.
  void apply(const domain::TraineeRecord& record);
  void apply(const domain::ProjectRecord& record);
  // Many trainee records at once (a bulk import's rows, as written), each as
  // apply() would take it, but the index's shards built once for all of them
  // and every remembered ranking forgotten once, not checked per record.
  void apply_many(const std::vector<domain::TraineeRecord>& records);
  // The exchange rates and cost models, and the zones' rules, that features
  // are computed with from now on (a null pointer keeps the current one).
  // The change feed's full load carries the pricing: set it before rebuild().
  void set_reference(std::shared_ptr<const domain::Pricing> pricing,
                     std::shared_ptr<const ZoneTable> zones);
  std::shared_ptr<const domain::Pricing> pricing() const;
  // A row that no longer exists.
  void remove_trainee(std::int64_t seq);
  void remove_project(std::int64_t seq);

  // How many single rows were applied or removed (not counting rebuilds).
  std::uint64_t applied() const { return applied_.load(std::memory_order_relaxed); }

  struct View {
    std::shared_ptr<const matcher::CandidateIndex> index;
    std::shared_ptr<const Taxonomy::Snapshot> taxonomy;
  };
  View view() const;

  std::optional<TraineeCard> trainee(std::int64_t seq) const;
  std::optional<std::int64_t> trainee_seq(const std::string& id) const;
  std::optional<ProjectCard> project(std::int64_t seq) const;
  std::optional<std::int64_t> project_seq(const std::string& id) const;
  std::vector<ProjectCard> projects() const;
  // The indexed trainees of one training organization, by seq.
  std::vector<std::int64_t> trainee_seqs_of(const std::string& organization_id) const;

  // Features of any record (indexed or not), for explanations.
  matcher::Trainee features(const domain::TraineeRecord& record);
  matcher::Project features(const domain::ProjectRecord& record);
  std::string organization_uuid(matcher::Id id) const;
  // Indexed trainees per organization id, leaving out the seqs in `except`.
  std::map<std::string, std::size_t> organization_pools(
      const std::unordered_set<matcher::Id>& except) const;

  // The best `limit` candidates from `offset` for an indexed open project or
  // a plan, remembered until a change can alter them: a change of the project,
  // or of a trainee who is on the remembered list or would now enter it (not,
  // as before, any change anywhere).
  std::vector<matcher::Ranked> candidates(const matcher::ProjectPlan& plan, std::int64_t version,
                                          std::size_t offset, std::size_t limit);

  std::size_t trainee_count() const;
  std::size_t project_count() const;
  // Full rebuilds (the first load, and every reload the change feed publishes).
  std::uint64_t rebuilds() const { return rebuilds_.load(std::memory_order_relaxed); }

  // Rendered pages of a project's candidates (a ranked list is the same for
  // everyone who may read it). A page is valid while the project's stamp is
  // what it was when its rendering began: take the stamp first, render, then
  // cache under it; a change that can alter the project's list (as for
  // candidates()) or a rebuild changes the stamp.
  // They are held in a PageCache of a bounded number of bytes (the least
  // recently used go first; set_page_cache_bytes, KAKEHASHI_PAGE_CACHE_MB).
  using PageStamp = matching::PageStamp;
  PageStamp page_stamp(std::int64_t project_seq);
  std::shared_ptr<const std::string> cached_page(const std::string& key, const PageStamp& stamp);
  void cache_page(const std::string& key, std::int64_t project_seq, const PageStamp& stamp,
                  std::string body);
  void set_page_cache_bytes(std::size_t bytes);
  static constexpr std::size_t kDefaultPageCacheBytes = 128 * 1024 * 1024;
  // Forgets every remembered ranking and page (before a batch of many changes,
  // where checking each against every ranking costs more than ranking again).
  void forget_rankings() { forget_everything(); }
  // How many remembered rankings trainee changes have dropped.
  std::uint64_t rankings_dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  // Replaces everything with the load (mutex_ held).
  void install_locked(Load& load, const std::vector<domain::ProjectRecord>& projects);
  FeatureContext feature_context();
  std::int64_t trainee_version_locked(std::int64_t seq) const;  // 0: none seen
  void bump();
  // Drops what a change of this trainee can alter: the remembered rankings
  // (and their pages) that hold it or that it now enters. `now` is its
  // features when it stays matchable.
  void forget_rankings_with(std::int64_t seq, const matcher::Trainee* now);
  void forget_project(std::int64_t seq);
  void forget_everything();
  PageStamp stamp_locked(std::int64_t project_seq) const;  // cache_mutex_ held

  Taxonomy& taxonomy_;
  std::unordered_map<std::string, int> utc_offsets_;
  std::shared_ptr<const domain::Pricing> pricing_ = std::make_shared<domain::Pricing>();
  std::shared_ptr<const ZoneTable> zones_;

  mutable std::shared_mutex mutex_;  // guards everything below but the index's own content
  std::shared_ptr<const Taxonomy::Snapshot> taxonomy_snapshot_;
  std::unordered_map<int, matcher::SkillId> skill_ids_;
  std::shared_ptr<matcher::CandidateIndex> index_;
  Interner organizations_;
  Interner domains_;
  TraineeCards trainees_;
  // By the id's 128 bits (a uuid), not its 36 characters: no second copy of
  // every id on the heap.
  UuidMap trainee_seqs_;
  // The last version applied of each trainee that is not indexed (not
  // matchable, or removed: to refuse an older read that arrives later); an
  // indexed trainee's is its card's, not kept twice.
  std::unordered_map<std::int64_t, std::int64_t> other_versions_;
  std::map<std::int64_t, ProjectCard> projects_;
  std::unordered_map<std::string, std::int64_t> project_seqs_;
  std::unordered_map<std::int64_t, std::int64_t> project_versions_;

  struct Cached {
    std::int64_t version;
    std::size_t depth;
    matcher::ProjectPlan plan;  // to score a changed trainee against
    std::vector<matcher::Ranked> ranked;
  };
  // Guards the rankings, pages and stamps. Taken after mutex_ (by apply and
  // the others that change the index), never before it.
  std::mutex cache_mutex_;
  std::unordered_map<std::uint64_t, Cached> cache_;  // project seq -> ranking
  std::uint64_t cache_epoch_ = 0;
  std::unordered_map<std::int64_t, std::uint64_t> project_stamps_;
  std::uint64_t trainee_changes_ = 0;  // every trainee change, to spot one during a ranking
  PageCache pages_{kDefaultPageCacheBytes};

  std::atomic<bool> ready_{false};
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::uint64_t> applied_{0};
  std::atomic<std::uint64_t> rebuilds_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace kakehashi::matching
