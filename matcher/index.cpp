#include "matcher/index.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace kakehashi::matcher {
namespace {

constexpr double kExperienceCapYears = 5;
constexpr double kPerExperienceYear = 1.0 / kExperienceCapYears;

// A trainee's level and years in one skill as one byte, for the bound pass of
// top_candidates: the level (0: without the skill) in the low 3 bits, the
// years rounded UP to 31sts of the 5-year cap in the high 5 bits, so that a
// bound computed from the code is never below the exact value.
constexpr unsigned kYearSteps = 31;
std::uint8_t skill_code(std::uint8_t level, float years) {
  unsigned steps = 0;
  if (years >= static_cast<float>(kExperienceCapYears)) {
    steps = kYearSteps;
  } else if (years > 0) {
    steps = static_cast<unsigned>(
        std::ceil(static_cast<double>(years) * kYearSteps / kExperienceCapYears));
    steps = std::min(steps, kYearSteps);
  }
  return static_cast<std::uint8_t>((steps << 3) | (level & 7U));
}

// Rows per block: top_candidates bounds blocks first, and rows only in the
// blocks whose bound reaches the k-th score.
constexpr std::size_t kBlock = 16;

// Fibonacci hashing spreads consecutive ids over the shards.
std::size_t shard_of(Id id) {
  return static_cast<std::size_t>((id * 0x9E3779B97F4A7C15ULL) >>
                                  (64 - CandidateIndex::kShardBits));
}

// Keeps the k best (score descending, id ascending) seen so far.
class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) { heap_.reserve(k + 1); }
  static bool better(const Ranked& a, const Ranked& b) {
    return a.score > b.score || (a.score == b.score && a.id < b.id);
  }
  bool admits(const Ranked& r) const { return heap_.size() < k_ || better(r, heap_.front()); }
  bool full() const { return heap_.size() >= k_; }
  double worst_score() const { return heap_.front().score; }
  void push(const Ranked& r) {
    if (!admits(r)) return;
    heap_.push_back(r);
    std::push_heap(heap_.begin(), heap_.end(), better);  // worst on top
    if (heap_.size() > k_) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.pop_back();
    }
  }
  std::vector<Ranked> sorted() && {
    std::sort(heap_.begin(), heap_.end(), better);
    return std::move(heap_);
  }

 private:
  std::size_t k_;
  std::vector<Ranked> heap_;
};

void normalise(Trainee& t) {
  std::sort(t.skills.begin(), t.skills.end(), [](const TraineeSkill& a, const TraineeSkill& b) {
    return a.skill < b.skill || (a.skill == b.skill && a.level > b.level);
  });
  t.skills.erase(
      std::unique(t.skills.begin(), t.skills.end(),
                  [](const TraineeSkill& a, const TraineeSkill& b) { return a.skill == b.skill; }),
      t.skills.end());
  std::erase_if(t.skills, [](const TraineeSkill& s) { return s.level == 0; });
  for (auto& s : t.skills) s.level = std::min<std::uint8_t>(s.level, 5);
}

// A row's Japanese, English and standing as one byte, for the bound pass:
// Japanese rounded UP to 15ths (low 4 bits), CEFR 0..6 (0 for none or
// unknown; 3 bits), and bit 7 set for a trainee not active and consenting.
constexpr unsigned kJapaneseSteps = 15;
std::uint8_t quality_code(double japanese, std::int8_t cefr, bool ok) {
  unsigned steps = 0;
  if (japanese >= 1) {
    steps = kJapaneseSteps;
  } else if (japanese > 0) {
    steps = std::min(kJapaneseSteps, static_cast<unsigned>(std::ceil(japanese * kJapaneseSteps)));
  }
  const unsigned english = cefr > 0 ? std::min<unsigned>(static_cast<unsigned>(cefr), 6U) : 0U;
  return static_cast<std::uint8_t>(steps | (english << 4) | (ok ? 0U : 0x80U));
}
}  // namespace

// Memory for the shards that rebuild() builds together (start-up, reload):
// one mapping, backed by transparent huge pages where the kernel allows them
// ("madvise" mode, Debian's default). With 4 KiB pages, the rows a project
// refines and the columns it bounds are spread over more pages than the TLB
// maps at 300k trainees, and the misses made the work per row grow with the
// index (issue 14, session 11); 2 MiB pages cover the index with a few
// hundred entries. Allocation is a bump; nothing is freed before the arena
// (the last shard built in it holds it). When full, or off Linux, the
// allocator falls back to operator new.
class HugeArena {
 public:
  static constexpr std::size_t kPage = std::size_t{2} << 20;

  explicit HugeArena(std::size_t bytes) {
#if defined(__linux__)
    const std::size_t size = (bytes + kPage - 1) / kPage * kPage;
    void* raw = ::mmap(nullptr, size + kPage, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) return;
    // Aligned to a huge page; the slack before and after is returned.
    const auto at = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (at + kPage - 1) / kPage * kPage;
    if (aligned > at) ::munmap(raw, aligned - at);
    const std::size_t tail = (at + size + kPage) - (aligned + size);
    if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + size), tail);
    base_ = reinterpret_cast<char*>(aligned);
    size_ = size;
    ::madvise(base_, size_, MADV_HUGEPAGE);  // a hint: without it, 4 KiB pages
#else
    (void)bytes;
#endif
  }
  HugeArena(const HugeArena&) = delete;
  HugeArena& operator=(const HugeArena&) = delete;
  ~HugeArena() {
#if defined(__linux__)
    if (base_) ::munmap(base_, size_);
#endif
  }

  // nullptr when the rest is too small.
  void* allocate(std::size_t bytes, std::size_t align) {
    const std::size_t at = (used_ + align - 1) / align * align;
    if (!base_ || at > size_ || bytes > size_ - at) return nullptr;
    used_ = at + bytes;
    return base_ + at;
  }
  bool owns(const void* p) const {
    const auto* c = static_cast<const char*>(p);
    return base_ && c >= base_ && c < base_ + size_;
  }
  // Where the next allocation starts (a shard's columns are [mark before
  // its build, mark after)).
  std::size_t mark() const { return used_; }
  // Gives the whole pages of [from, to) back to the system: a shard that a
  // write replaced does not keep its memory until every other shard built
  // with it is replaced too (a huge page so trimmed is split).
  void release(std::size_t from, std::size_t to) {
#if defined(__linux__)
    constexpr std::size_t kSmall = 4096;
    from = (from + kSmall - 1) / kSmall * kSmall;
    to = to / kSmall * kSmall;
    if (base_ && to > from) ::madvise(base_ + from, to - from, MADV_DONTNEED);
#else
    (void)from;
    (void)to;
#endif
  }

 private:
  char* base_ = nullptr;
  std::size_t size_ = 0;
  std::size_t used_ = 0;  // (shards are built one at a time, under the write lock)
};

// A shard's columns take their memory from its arena (none: operator new).
template <typename T>
struct ArenaAllocator {
  using value_type = T;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;
  using is_always_equal = std::false_type;

  ArenaAllocator() = default;
  explicit ArenaAllocator(HugeArena* a) : arena(a) {}
  template <typename U>
  ArenaAllocator(const ArenaAllocator<U>& other) : arena(other.arena) {}  // NOLINT: rebinding

  T* allocate(std::size_t n) {
    if (arena) {
      if (void* p = arena->allocate(n * sizeof(T), alignof(T))) return static_cast<T*>(p);
    }
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* p, std::size_t n) {
    if (arena && arena->owns(p)) return;  // freed with the arena
    std::allocator<T>{}.deallocate(p, n);
  }
  template <typename U>
  bool operator==(const ArenaAllocator<U>& other) const {
    return arena == other.arena;
  }

  HugeArena* arena = nullptr;
};
template <typename T>
using ArenaVector = std::vector<T, ArenaAllocator<T>>;

// A row's fields other than skills, side by side: the rows that pass the
// bound pass are few and scattered, and refining and scoring one reads most
// of these, so one row is one cache line rather than a line per
// column (at 300k trainees the columns no longer stay in cache, and those
// misses made the cost per project grow with the index; issue 14, session 9).
struct alignas(64) RowFields {
  // What rest_bound() reads first.
  std::uint64_t domains = 0;
  // What the scorer reads too.
  Id id = 0;
  Id org = 0;
  std::int32_t hours = 0;
  std::int32_t rate = 0;
  Day available = kUnknownDay;
  std::uint32_t skill_begin = 0;  // the row's skills: skills[skill_begin, + skill_count)
  std::uint32_t skill_count = 0;
  std::int16_t tz = 0, work_start = 0, work_end = 0;
  std::uint16_t zone = 0;
  std::int16_t bjt = 0;
  std::int8_t jlpt = 0, cefr = 0;
  std::uint8_t work_days = 0, engagement = 0, ok = 0;
  // The rest of a Trainee, for row().
  std::uint8_t status = 0, consent = 0, jlpt_certified = 0;

  // japanese_value() of the trainee (computed again: 8 bytes a row saved).
  double japanese() const { return japanese_value(jlpt, jlpt_certified != 0, bjt); }
};
// One cache line a row, aligned (80 bytes before: most rows spanned two lines).
static_assert(sizeof(RowFields) == 64);

struct CandidateIndex::Shard {
  std::shared_ptr<HugeArena> arena;          // where the columns below live (may be null)
  std::size_t arena_from = 0, arena_to = 0;  // their part of it
  Shard() = default;
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;
  ~Shard() {
    if (arena) arena->release(arena_from, arena_to);
  }
  ArenaVector<RowFields> fields;
  ArenaVector<std::uint8_t> quality;  // quality_code(), for the bound pass
  ArenaVector<std::uint32_t> skill_begin;
  ArenaVector<TraineeSkill> skills;
  // One column per skill any row of the shard has: each row's skill_code()
  // (0 without it), rows in order. Replaces per-skill posting lists: the
  // bound pass reads a project's few columns straight through.
  std::unordered_map<SkillId, std::uint32_t> column_of;
  ArenaVector<std::uint8_t> codes;  // column c is codes[c * size() ...]
  // Per block of kBlock rows: each column's largest level and years steps
  // (as a skill_code), and the largest Japanese and English (a quality_code;
  // inactive only when every row is). Column c is block_codes[c * blocks()...].
  ArenaVector<std::uint8_t> block_codes;
  ArenaVector<std::uint8_t> block_quality;
  std::size_t blocks() const { return block_quality.size(); }
  // (id, row) in id order (rows are in skill-set order): a trainee's row by
  // binary search, 16 bytes a trainee where a map cost ~40.
  ArenaVector<std::pair<Id, std::uint32_t>> by_id;

  std::size_t size() const { return fields.size(); }
  std::optional<std::uint32_t> row_of(Id id) const {
    const auto it = std::lower_bound(by_id.begin(), by_id.end(), id,
                                     [](const auto& entry, Id x) { return entry.first < x; });
    if (it == by_id.end() || it->first != id) return std::nullopt;
    return it->second;
  }

  // What build() takes from an arena for these trainees, at most.
  static std::size_t arena_bytes(const std::vector<Trainee>& trainees) {
    const std::size_t n = trainees.size();
    std::size_t skill_count = 0;
    std::vector<SkillId> distinct;
    for (const auto& t : trainees) {
      skill_count += t.skills.size();
      for (const auto& sk : t.skills) distinct.push_back(sk.skill);
    }
    std::sort(distinct.begin(), distinct.end());
    const auto columns =
        static_cast<std::size_t>(std::unique(distinct.begin(), distinct.end()) - distinct.begin());
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    return n * (sizeof(RowFields) + 1 + sizeof(std::pair<Id, std::uint32_t>) + columns) +
           (n + 1) * sizeof(std::uint32_t) + skill_count * sizeof(TraineeSkill) +
           (columns + 1) * blocks + 8 * 64;  // + each column's alignment
  }

  static std::shared_ptr<const Shard> build(std::vector<Trainee> trainees,
                                            std::shared_ptr<HugeArena> arena = nullptr) {
    // Rows in an order that puts alike trainees side by side, so that a
    // block of kBlock rows bounds tightly (block_codes): by the set of their
    // skills, the shard's most common first, then by id.
    std::unordered_map<SkillId, std::size_t> frequency;
    for (const auto& t : trainees) {
      for (const auto& sk : t.skills) ++frequency[sk.skill];
    }
    std::vector<std::pair<std::size_t, SkillId>> by_frequency;
    for (const auto& [skill, count] : frequency) by_frequency.emplace_back(count, skill);
    std::sort(by_frequency.begin(), by_frequency.end(), [](const auto& a, const auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    std::unordered_map<SkillId, unsigned> rank;
    for (std::size_t i = 0; i < by_frequency.size() && i < 64; ++i) {
      rank[by_frequency[i].second] = static_cast<unsigned>(i);
    }
    std::vector<std::pair<std::uint64_t, std::size_t>> order;  // (key, index)
    order.reserve(trainees.size());
    for (std::size_t i = 0; i < trainees.size(); ++i) {
      std::uint64_t key = 0;
      for (const auto& sk : trainees[i].skills) {
        const auto it = rank.find(sk.skill);
        if (it != rank.end()) key |= std::uint64_t{1} << (63 - it->second);
      }
      order.emplace_back(key, i);
    }
    // Within one set of skills, stronger Japanese first (blocks then bound
    // Japanese tightly too).
    std::vector<double> japanese(trainees.size());
    for (std::size_t i = 0; i < trainees.size(); ++i) japanese[i] = japanese_value(trainees[i]);
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      if (japanese[a.second] != japanese[b.second]) return japanese[a.second] > japanese[b.second];
      return trainees[a.second].id < trainees[b.second].id;
    });
    {
      std::vector<Trainee> sorted;
      sorted.reserve(trainees.size());
      for (const auto& [key, i] : order) sorted.push_back(std::move(trainees[i]));
      trainees = std::move(sorted);
    }
    auto s = std::make_shared<Shard>();
    const ArenaAllocator<char> in_arena(arena.get());
    s->arena = std::move(arena);
    if (s->arena) s->arena_from = s->arena->mark();
    s->fields = ArenaVector<RowFields>(in_arena);
    s->quality = ArenaVector<std::uint8_t>(in_arena);
    s->skill_begin = ArenaVector<std::uint32_t>(in_arena);
    s->skills = ArenaVector<TraineeSkill>(in_arena);
    s->codes = ArenaVector<std::uint8_t>(in_arena);
    s->block_codes = ArenaVector<std::uint8_t>(in_arena);
    s->block_quality = ArenaVector<std::uint8_t>(in_arena);
    s->by_id = ArenaVector<std::pair<Id, std::uint32_t>>(in_arena);
    const std::size_t n = trainees.size();
    // Every column exactly as long as the shard (grown by doubling, a third
    // of them would be spare: several MB at 100k trainees).
    auto reserve = [n](auto&... v) { (v.reserve(n), ...); };
    reserve(s->fields, s->quality);
    s->skill_begin.reserve(n + 1);
    s->skill_begin.push_back(0);
    std::size_t skill_count = 0;
    for (const auto& t : trainees) skill_count += t.skills.size();
    s->skills.reserve(skill_count);
    for (std::uint32_t row = 0; row < n; ++row) {
      const Trainee& t = trainees[row];
      RowFields f;
      f.id = t.id;
      f.org = t.organization_id;
      f.jlpt = t.jlpt;
      f.cefr = t.cefr;
      f.zone = t.zone;
      f.work_days = t.work_days;
      f.jlpt_certified = t.jlpt_certified ? 1 : 0;
      f.bjt = t.bjt_score;
      f.available = t.available_from;
      f.rate = t.expected_monthly_rate;
      f.hours = t.hours_per_week;
      f.domains = t.domains;
      f.engagement = t.engagement;
      f.ok = t.consent_matching && t.status == TraineeStatus::kActive ? 1 : 0;
      f.status = static_cast<std::uint8_t>(t.status);
      f.consent = t.consent_matching ? 1 : 0;
      f.tz = t.utc_offset_minutes;
      f.work_start = t.work_start_minutes;
      f.work_end = t.work_end_minutes;
      f.skill_begin = static_cast<std::uint32_t>(s->skills.size());
      f.skill_count = static_cast<std::uint32_t>(t.skills.size());
      s->quality.push_back(quality_code(f.japanese(), t.cefr, f.ok != 0));
      s->fields.push_back(f);
      for (const auto& sk : t.skills) {
        s->skills.push_back(sk);
        s->column_of.try_emplace(sk.skill, static_cast<std::uint32_t>(s->column_of.size()));
      }
      s->skill_begin.push_back(static_cast<std::uint32_t>(s->skills.size()));
    }
    s->by_id.reserve(n);
    for (std::uint32_t row = 0; row < n; ++row) s->by_id.emplace_back(s->fields[row].id, row);
    std::sort(s->by_id.begin(), s->by_id.end());
    s->codes.assign(s->column_of.size() * n, 0);
    for (std::uint32_t row = 0; row < n; ++row) {
      for (std::uint32_t i = s->skill_begin[row]; i < s->skill_begin[row + 1]; ++i) {
        const auto& sk = s->skills[i];
        s->codes[s->column_of.at(sk.skill) * n + row] = skill_code(sk.level, sk.years);
      }
    }
    // Each block's maxima, in the rows' own encodings: a block's bound is
    // computed as a row's is and is at least each of its rows' bounds.
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    s->block_codes.assign(s->column_of.size() * blocks, 0);
    s->block_quality.assign(blocks, 0x80);
    for (std::size_t b = 0; b < blocks; ++b) {
      for (std::size_t row = b * kBlock; row < std::min(n, (b + 1) * kBlock); ++row) {
        for (std::size_t c = 0; c < s->column_of.size(); ++c) {
          const std::uint8_t code = s->codes[c * n + row];
          std::uint8_t& m = s->block_codes[c * blocks + b];
          m = static_cast<std::uint8_t>(std::max(m & 0xF8, code & 0xF8) |
                                        std::max(m & 7, code & 7));
        }
        const std::uint8_t q = s->quality[row];
        std::uint8_t& m = s->block_quality[b];
        const int active = (m & 0x80) == 0 || (q & 0x80) == 0 ? 0 : 0x80;
        m = static_cast<std::uint8_t>(std::max(m & 15, q & 15) | std::max(m & 0x70, q & 0x70) |
                                      active);
      }
    }
    if (s->arena) s->arena_to = s->arena->mark();
    return s;
  }

  Trainee row(std::uint32_t r) const {
    const RowFields& f = fields[r];
    Trainee t;
    t.id = f.id;
    t.organization_id = f.org;
    t.skills.assign(skills.begin() + skill_begin[r], skills.begin() + skill_begin[r + 1]);
    t.jlpt = f.jlpt;
    t.cefr = f.cefr;
    t.jlpt_certified = f.jlpt_certified != 0;
    t.bjt_score = f.bjt;
    t.utc_offset_minutes = f.tz;
    t.zone = f.zone;
    t.work_days = f.work_days;
    t.work_start_minutes = f.work_start;
    t.work_end_minutes = f.work_end;
    t.available_from = f.available;
    t.hours_per_week = f.hours;
    t.expected_monthly_rate = f.rate;
    t.domains = f.domains;
    t.engagement = f.engagement;
    t.consent_matching = f.consent != 0;
    t.status = static_cast<TraineeStatus>(f.status);
    return t;
  }

  std::vector<Trainee> all() const {
    std::vector<Trainee> out;
    out.reserve(size());
    for (std::uint32_t r = 0; r < size(); ++r) out.push_back(row(r));
    return out;
  }

  std::size_t bytes() const {
    std::size_t b = fields.capacity() * sizeof(RowFields) + skill_begin.capacity() * 4 +
                    skills.capacity() * sizeof(TraineeSkill) + by_id.capacity() * 16 +
                    codes.capacity() + column_of.size() * 32 + quality.capacity() +
                    block_codes.capacity() + block_quality.capacity();
    return b;
  }
};

struct CandidateIndex::ProjectSet {
  std::vector<ProjectPlan> plans;  // sorted by project id
};

namespace {

// Per-thread scratch for top_candidates: the blocks' bounds (all shards end
// to end) and their histogram, the rows' bounds of one run of blocks.
// A run of consecutive blocks of a shard, as rows.
struct Run {
  std::uint32_t first;
  std::uint32_t count;
};

struct Scratch {
  std::vector<std::int16_t> bound;  // the rows' bounds of a run of blocks (units)
  std::vector<std::int16_t> block;  // each block's bound (kBlock rows), shards end to end
  std::vector<std::uint32_t> histogram;
  std::vector<Run> runs;  // of one shard, for visit
};

// Bounds (in units, below) are counted in bins of 2 units.
constexpr std::size_t kBins = 8192;

// The bound pass's loops, written so that the compiler vectorises them (and
// compiled twice, for AVX2 and for any x86-64, chosen when the program starts).
// Sanitizer builds (GCC's and clang's) keep one plain version.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define KAKEHASHI_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define KAKEHASHI_SANITIZED 1
#endif
#endif
#if defined(__x86_64__) && !defined(KAKEHASHI_SANITIZED)
#define KAKEHASHI_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define KAKEHASHI_VECTOR_CLONES
#endif

// Bounds are fixed point, in units of 1/kUnits of a score (valid bounds
// are in [0, 1 + a little rounding], so they fit in 16 bits with room), and
// every coefficient is rounded UP to whole units: a bound in units is never
// below kUnits times the exact bound, and a block's bound, computed from its
// maxima with the same integer arithmetic, is never below any of its rows'
// (no rounding margin needed between the two).
constexpr float kUnits = 16384.0f;
constexpr std::int16_t kIneligibleUnits = std::numeric_limits<std::int16_t>::min();

std::int16_t units_up(double value) {
  return static_cast<std::int16_t>(std::ceil(value * static_cast<double>(kUnits)));
}

// A project's bound as a little program over one shard's columns: per
// required skill, its own column (null: nobody here has it) and the columns
// of its related skills.
struct TermCode {
  const std::uint8_t* own;
  std::int16_t per_quarter;  // credit quarter of the skill itself
  std::int16_t per_step;     // years step
  std::int16_t min_level;
  bool must_have;
  std::uint32_t first_related, related_count;  // in the RelatedCode array
};
struct RelatedCode {
  const std::uint8_t* column;
  std::int16_t per_quarter;  // the skill's credit quarter times the similarity
};
struct BoundProgram {
  std::int16_t per_japanese_step, per_english_level, rest;
  std::vector<TermCode> terms;
  std::vector<RelatedCode> related;
};

// A row queued by step 2 of top_candidates, with its bound.
struct Candidate {
  float bound;
  std::uint32_t shard;
  std::uint32_t row;
};

// The rest of a query's working memory, per thread and kept between
// queries: a round asks thousands, and allocating these each time (a
// program copied per shard and step among them) was a few percent of it.
struct QueryScratch {
  std::vector<std::array<double, 8>> own_credit;
  std::vector<SkillId> named;
  std::vector<std::int64_t> column_at;
  BoundProgram program{};
  BoundProgram at_zero{};
  std::vector<Candidate> first_rows;
};

// One row's (or block's) bound in units: the same integer arithmetic as the
// vector loop below, for the rows after its last whole group of 16.
std::int16_t bound_one(const BoundProgram& p, std::size_t r, std::uint8_t quality) {
  if (quality >> 7) return kIneligibleUnits;
  int u =
      p.per_japanese_step * (quality & 15) + p.per_english_level * ((quality >> 4) & 7) + p.rest;
  auto quarters = [](int level, int min_level) {
    return level == 0 ? 0 : std::min(4, std::max(0, 4 - min_level + level));
  };
  for (const TermCode& t : p.terms) {
    int best = 0;
    if (t.own) {
      const int code = t.own[r];
      if (t.must_have && (code & 7) < t.min_level) return kIneligibleUnits;
      best = t.per_quarter * quarters(code & 7, t.min_level);
      u += t.per_step * (code >> 3);
    }
    for (std::uint32_t j = 0; j < t.related_count; ++j) {
      const RelatedCode& rel = p.related[t.first_related + j];
      best = std::max(best, rel.per_quarter * quarters(rel.column[r] & 7, t.min_level));
    }
    u += best;
  }
  return static_cast<std::int16_t>(u);
}

// u[0..n) = the bounds in units of rows (or blocks) 0..n of the program's
// columns and `quality` (quality_code()s), 16 at a time in one pass: each
// group's bound stays in a register while the project's columns are read
// (a pass per column through memory was most of the bound's cost). GCC's
// vector types; compiled for AVX2 and for any x86-64.
KAKEHASHI_VECTOR_CLONES
void bound_units(std::int16_t* __restrict u, std::size_t n, const std::uint8_t* __restrict quality,
                 const BoundProgram& p) {
  using V = std::int16_t __attribute__((vector_size(32)));
  using Bytes = std::uint8_t __attribute__((vector_size(16)));
  const std::size_t whole = n - n % 16;
  for (std::size_t r = 0; r < whole; r += 16) {
    Bytes qb;
    std::memcpy(&qb, quality + r, 16);
    const V q = __builtin_convertvector(qb, V);
    const std::int16_t seven = 7, fifteen = 15, four = 4, zero = 0;
    V fail = q >> 7;  // 1 (or more): ineligible
    V acc = (q & fifteen) * p.per_japanese_step + ((q >> 4) & seven) * p.per_english_level + p.rest;
    for (const TermCode& t : p.terms) {
      const std::int16_t base = static_cast<std::int16_t>(4 - t.min_level);
      V best = acc - acc;  // zeros
      if (t.own) {
        Bytes cb;
        std::memcpy(&cb, t.own + r, 16);
        const V code = __builtin_convertvector(cb, V);
        const V level = code & seven;
        V qu = level + base;
        qu = qu < zero ? zero : qu;
        qu = qu > four ? four : qu;
        qu = level == zero ? zero : qu;
        best = qu * t.per_quarter;
        acc += (code >> 3) * t.per_step;
        if (t.must_have) fail |= (level < t.min_level) & 1;
      }
      for (std::uint32_t j = 0; j < t.related_count; ++j) {
        const RelatedCode& rel = p.related[t.first_related + j];
        Bytes cb;
        std::memcpy(&cb, rel.column + r, 16);
        const V level = __builtin_convertvector(cb, V) & seven;
        V qu = level + base;
        qu = qu < zero ? zero : qu;
        qu = qu > four ? four : qu;
        qu = level == zero ? zero : qu;
        const V c = qu * rel.per_quarter;
        best = c > best ? c : best;
      }
      acc += best;
    }
    acc = fail != zero ? kIneligibleUnits : acc;
    std::memcpy(u + r, &acc, sizeof acc);
  }
  for (std::size_t r = whole; r < n; ++r) u[r] = bound_one(p, r, quality[r]);
}

// Bit i set when lo <= v[i] < hi, for v[0..16): the scans over every block
// of the index (once per project and step) and over the rows' bounds test
// 16 values at a time (SSE2, part of every x86-64; a plain loop elsewhere).
std::uint32_t in_range16(const std::int16_t* v, std::int32_t lo, std::int32_t hi) {
  const auto lo16 = static_cast<std::int16_t>(std::clamp<std::int32_t>(
      lo, std::numeric_limits<std::int16_t>::min(), std::numeric_limits<std::int16_t>::max()));
  const bool no_hi = hi > std::numeric_limits<std::int16_t>::max();
  const auto hi16 = static_cast<std::int16_t>(std::clamp<std::int32_t>(
      hi, std::numeric_limits<std::int16_t>::min(), std::numeric_limits<std::int16_t>::max()));
  if (lo > std::numeric_limits<std::int16_t>::max() || hi <= lo) return 0;
#if defined(__SSE2__)
  const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(v));
  const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(v + 8));
  const __m128i low = _mm_set1_epi16(lo16);
  // v >= lo: not (lo > v); v < hi: hi > v (or always, above 16 bits).
  const __m128i all = _mm_set1_epi16(-1);
  __m128i ia = _mm_xor_si128(_mm_cmpgt_epi16(low, a), all);
  __m128i ib = _mm_xor_si128(_mm_cmpgt_epi16(low, b), all);
  if (!no_hi) {
    const __m128i high = _mm_set1_epi16(hi16);
    ia = _mm_and_si128(ia, _mm_cmpgt_epi16(high, a));
    ib = _mm_and_si128(ib, _mm_cmpgt_epi16(high, b));
  }
  return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_packs_epi16(ia, ib)));
#else
  std::uint32_t mask = 0;
  for (unsigned i = 0; i < 16; ++i) {
    if (v[i] >= lo16 && (no_hi || v[i] < hi16)) mask |= 1U << i;
  }
  return mask;
#endif
}

// The largest of v[0..16).
std::int16_t max16(const std::int16_t* v) {
#if defined(__SSE2__)
  __m128i x = _mm_max_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v)),
                            _mm_loadu_si128(reinterpret_cast<const __m128i*>(v + 8)));
  x = _mm_max_epi16(x, _mm_srli_si128(x, 8));
  x = _mm_max_epi16(x, _mm_srli_si128(x, 4));
  x = _mm_max_epi16(x, _mm_srli_si128(x, 2));
  return static_cast<std::int16_t>(_mm_extract_epi16(x, 0));
#else
  return *std::max_element(v, v + 16);
#endif
}

// What rest_bound needs of a project: the weights and the scorer's
// parameters for the domain, hours, rate and availability components.
struct RestBound {
  int domain = -1;  // bit, or -1: no credit
  double w_domain = 0, w_hours = 0, w_rate = 0, w_availability = 0;
  int hours_needed = 40;
  double inv_hours = 0;
  int budget_min = 0, budget_max = 0;  // budget_max <= 0: no rate credit
  double inv_budget_min = 0, inv_budget_max = 0;
  bool start_known = false;
  int start = 0;
  double per_late_day = 0;
};

// The domain, hours, rate and availability components of one row as
// non_skill_values() scores them (an unknown day bounds at 1, above its
// exact 0), weighted: what they add instead of their maximum.
double rest_bound(const RestBound& p, std::uint64_t domains, std::int32_t hours, std::int32_t rate,
                  Day available) {
  double v = 0;
  if (p.domain >= 0 && p.domain < 64 && ((domains >> p.domain) & 1U)) v += p.w_domain;
  v += p.w_hours * p.inv_hours * std::max(0, std::min(hours, p.hours_needed));
  if (rate >= 0 && p.budget_max > 0) {
    const double over = std::max(0, rate - p.budget_max);
    const double under = std::max(0, p.budget_min - rate);
    const double per_under = p.budget_min > 0 ? 0.5 * p.inv_budget_min : 0.0;
    v += p.w_rate * std::max(0.0, 1.0 - 2.0 * p.inv_budget_max * over - per_under * under);
  }
  double late = 0;
  if (p.start_known && available != kUnknownDay && available > p.start) {
    late = static_cast<double>(available) - p.start;
  }
  v += p.w_availability * std::max(0.0, 1.0 - p.per_late_day * late);
  return v;
}

}  // namespace

CandidateIndex::CandidateIndex(std::shared_ptr<const SkillGraph> graph)
    : graph_(std::move(graph)), projects_(std::make_shared<ProjectSet>()) {
  for (auto& s : shards_) s = Shard::build({});
}

CandidateIndex::~CandidateIndex() = default;

std::shared_ptr<const CandidateIndex::Shard> CandidateIndex::load(std::size_t shard) const {
  std::lock_guard lock(shard_mutex_[shard]);
  return shards_[shard];
}

std::shared_ptr<const CandidateIndex::ProjectSet> CandidateIndex::load_projects() const {
  std::lock_guard lock(projects_mutex_);
  return projects_;
}

void CandidateIndex::rebuild(std::vector<Trainee> trainees, const std::vector<Project>& projects) {
  std::lock_guard write(write_mutex_);
  std::array<std::vector<Trainee>, kShards> parts;
  for (Trainee& t : trainees) {
    normalise(t);
    parts[shard_of(t.id)].push_back(std::move(t));
  }
  trainees = {};
  std::size_t arena_bytes = 0;
  for (auto& part : parts) {
    // Later duplicates of an id replace earlier ones.
    std::stable_sort(part.begin(), part.end(),
                     [](const Trainee& a, const Trainee& b) { return a.id < b.id; });
    std::vector<Trainee> unique;
    unique.reserve(part.size());
    for (auto& t : part) {
      if (!unique.empty() && unique.back().id == t.id) {
        unique.back() = std::move(t);
      } else {
        unique.push_back(std::move(t));
      }
    }
    part = std::move(unique);
    arena_bytes += Shard::arena_bytes(part);
  }
  // Every shard's columns in one arena (see HugeArena); an index smaller
  // than a huge page keeps to the heap.
  auto arena = arena_bytes >= HugeArena::kPage ? std::make_shared<HugeArena>(arena_bytes) : nullptr;
  for (std::size_t s = 0; s < kShards; ++s) {
    auto built = Shard::build(std::move(parts[s]), arena);
    std::lock_guard lock(shard_mutex_[s]);
    shards_[s] = std::move(built);
  }
  auto set = std::make_shared<ProjectSet>();
  for (const auto& p : projects) {
    auto it = std::find_if(set->plans.begin(), set->plans.end(),
                           [&](const ProjectPlan& x) { return x.project.id == p.id; });
    if (it != set->plans.end()) {
      *it = plan_project(p, *graph_);
    } else {
      set->plans.push_back(plan_project(p, *graph_));
    }
  }
  std::sort(set->plans.begin(), set->plans.end(),
            [](const ProjectPlan& a, const ProjectPlan& b) { return a.project.id < b.project.id; });
  std::lock_guard lock(projects_mutex_);
  projects_ = std::move(set);
}

void CandidateIndex::upsert_trainee(const Trainee& trainee) {
  std::lock_guard write(write_mutex_);
  Trainee t = trainee;
  normalise(t);
  const std::size_t s = shard_of(t.id);
  auto all = load(s)->all();
  auto it = std::find_if(all.begin(), all.end(), [&](const Trainee& x) { return x.id == t.id; });
  if (it != all.end()) {
    *it = std::move(t);
  } else {
    all.push_back(std::move(t));
  }
  auto built = Shard::build(std::move(all));
  std::lock_guard lock(shard_mutex_[s]);
  shards_[s] = std::move(built);
}

void CandidateIndex::update_trainees(std::vector<Trainee> upserts, const std::vector<Id>& removed) {
  std::lock_guard write(write_mutex_);
  std::array<std::vector<Trainee>, kShards> parts;
  std::array<std::vector<Id>, kShards> gone;
  for (Trainee& t : upserts) {
    normalise(t);
    parts[shard_of(t.id)].push_back(std::move(t));
  }
  upserts = {};
  for (Id id : removed) gone[shard_of(id)].push_back(id);
  for (std::size_t s = 0; s < kShards; ++s) {
    if (parts[s].empty() && gone[s].empty()) continue;
    auto all = load(s)->all();
    std::unordered_map<Id, std::size_t> at;
    at.reserve(all.size() + parts[s].size());
    for (std::size_t i = 0; i < all.size(); ++i) at.emplace(all[i].id, i);
    for (Trainee& t : parts[s]) {
      auto [it, fresh] = at.try_emplace(t.id, all.size());
      if (fresh) {
        all.push_back(std::move(t));
      } else {
        all[it->second] = std::move(t);
      }
    }
    parts[s] = {};
    if (!gone[s].empty()) {
      const std::unordered_set<Id> drop(gone[s].begin(), gone[s].end());
      std::erase_if(all, [&](const Trainee& x) { return drop.count(x.id) > 0; });
    }
    auto built = Shard::build(std::move(all));
    std::lock_guard lock(shard_mutex_[s]);
    shards_[s] = std::move(built);
  }
}

bool CandidateIndex::remove_trainee(Id id) {
  std::lock_guard write(write_mutex_);
  const std::size_t s = shard_of(id);
  auto current = load(s);
  if (!current->row_of(id)) return false;
  auto all = current->all();
  std::erase_if(all, [&](const Trainee& x) { return x.id == id; });
  auto built = Shard::build(std::move(all));
  std::lock_guard lock(shard_mutex_[s]);
  shards_[s] = std::move(built);
  return true;
}

void CandidateIndex::upsert_project(const Project& project) {
  std::lock_guard write(write_mutex_);
  auto set = std::make_shared<ProjectSet>(*load_projects());
  auto plan = plan_project(project, *graph_);
  auto it = std::lower_bound(set->plans.begin(), set->plans.end(), project.id,
                             [](const ProjectPlan& p, Id id) { return p.project.id < id; });
  if (it != set->plans.end() && it->project.id == project.id) {
    *it = std::move(plan);
  } else {
    set->plans.insert(it, std::move(plan));
  }
  std::lock_guard lock(projects_mutex_);
  projects_ = std::move(set);
}

bool CandidateIndex::remove_project(Id id) {
  std::lock_guard write(write_mutex_);
  auto set = std::make_shared<ProjectSet>(*load_projects());
  const auto before = set->plans.size();
  std::erase_if(set->plans, [&](const ProjectPlan& p) { return p.project.id == id; });
  if (set->plans.size() == before) return false;
  std::lock_guard lock(projects_mutex_);
  projects_ = std::move(set);
  return true;
}

std::optional<Trainee> CandidateIndex::trainee(Id id) const {
  auto shard = load(shard_of(id));
  const auto row = shard->row_of(id);
  if (!row) return std::nullopt;
  return shard->row(*row);
}

Id CandidateIndex::organization_of(Id id) const {
  auto shard = load(shard_of(id));
  const auto row = shard->row_of(id);
  return row ? shard->fields[*row].org : 0;
}

std::vector<Id> CandidateIndex::organizations_of(const std::vector<Id>& ids) const {
  std::vector<Id> out(ids.size(), 0);
  std::array<std::vector<std::pair<Id, std::size_t>>, kShards> parts;  // (id, position)
  for (std::size_t i = 0; i < ids.size(); ++i) parts[shard_of(ids[i])].emplace_back(ids[i], i);
  for (std::size_t s = 0; s < kShards; ++s) {
    auto& part = parts[s];
    if (part.empty()) continue;
    std::sort(part.begin(), part.end());
    const auto shard = load(s);
    auto it = shard->by_id.begin();
    for (const auto& [id, i] : part) {
      it = std::lower_bound(it, shard->by_id.end(), id,
                            [](const auto& entry, Id x) { return entry.first < x; });
      if (it == shard->by_id.end()) break;
      if (it->first == id) out[i] = shard->fields[it->second].org;
    }
  }
  return out;
}

std::optional<Project> CandidateIndex::project(Id id) const {
  auto set = load_projects();
  auto it = std::lower_bound(set->plans.begin(), set->plans.end(), id,
                             [](const ProjectPlan& p, Id x) { return p.project.id < x; });
  if (it == set->plans.end() || it->project.id != id) return std::nullopt;
  return it->project;
}

std::vector<Ranked> CandidateIndex::top_candidates(const Project& project, std::size_t k) const {
  return top_candidates(plan_project(project, *graph_), k);
}

// Exact top-k, pruned (issue 14, "how rounds grow"). The work per project was
// a scan of every posting of its skills and every row, 10-20 ns a trainee.
// Now:
//  1. every block's upper bound on its rows' scores, from the block maxima of
//     the project's few skill columns (level, and years rounded up) and of
//     Japanese and English, the other components at their maximum; a
//     must-have nobody in the block meets, or a block of inactive trainees,
//     bounds far below 0. Vectorised: integer arithmetic and float adds.
//  2. the rows of the best blocks (a histogram of block bounds places the
//     cut at k / 2 + 8 blocks) get their own bounds the same way; the best
//     2k + 16 of those are taken best first, which soon sets the k-th score;
//  3. every other block whose bound reaches the k-th score (as it rises),
//     and in it every row whose bound does.
// A row that reaches the k-th score in 2 or 3 has its domain, hours, rate
// and availability bounded (rest_bound) and, if it still reaches it, is
// scored with the scorer's own arithmetic. A row never scored has a bound
// below the k-th score, so its exact score is too (ties included: it would
// need a score >= the k-th); the result is what scoring every pair and
// sorting gives (the unit tests compare with that).
std::vector<Ranked> CandidateIndex::top_candidates(const ProjectPlan& plan, std::size_t k) const {
  if (k == 0) return {};
  TopK top(k);
  thread_local Scratch scratch;
  const auto& weights = plan.weights;
  // Step 1 bounds every component but skills, experience and languages by
  // its weight; steps 2 and 3 bound the domain, hours, rate and availability
  // row by row (rest_bound) before scoring a row exactly.
  const double refined_max =
      weights[kAvailability] + weights[kRate] + weights[kDomain] + weights[kHours];
  const double rest_max = weights[kTimezone] + refined_max;
  const Project& project = plan.project;
  RestBound rest;
  rest.domain = project.domain;
  rest.w_domain = weights[kDomain];
  rest.w_hours = weights[kHours];
  rest.w_rate = weights[kRate];
  rest.w_availability = weights[kAvailability];
  rest.hours_needed = project.hours_per_week > 0 ? project.hours_per_week : 40;
  rest.inv_hours = plan.inv_hours_needed;
  // Clamped so that no difference overflows; a minimum above the maximum
  // drops the "under budget" term (the bound only grows).
  rest.budget_max = std::max(0, project.budget_max);
  rest.budget_min = std::clamp(project.budget_min, 0, rest.budget_max);
  rest.inv_budget_max = plan.inv_budget_max;
  rest.inv_budget_min = project.budget_min <= project.budget_max ? plan.inv_budget_min : 0.0;
  rest.start_known = project.start != kUnknownDay;
  rest.start = rest.start_known ? project.start : 0;
  rest.per_late_day = plan.tolerance_binds ? 0.75 * plan.inv_window : 1.0 / 90;
  // Float rounding of the bounds (a few ulps of values below 2) stays far
  // below this slack, so rounding can never prune a row the exact score admits.
  constexpr double kSlack = 1e-5;
  const double inv = plan.inv_skill_weight;

  // Exact credit by level, for step 2 and 3.
  thread_local QueryScratch q;
  auto& own_credit = q.own_credit;
  own_credit.resize(plan.skills.size());
  for (std::size_t i = 0; i < plan.skills.size(); ++i) {
    for (unsigned level = 0; level < 8; ++level) {
      own_credit[i][level] = level_credit(static_cast<std::uint8_t>(std::min(level, 5U)),
                                          plan.skills[i].required.min_level);
    }
  }

  // The shards, kept alive until the end.
  std::array<std::shared_ptr<const Shard>, kShards> shards;
  std::array<std::size_t, kShards + 1> block_offset{};
  std::size_t most_rows = 0;
  std::size_t everyone = 0;
  for (std::size_t s = 0; s < kShards; ++s) {
    shards[s] = load(s);
    block_offset[s + 1] = block_offset[s] + shards[s]->blocks();
    most_rows = std::max(most_rows, shards[s]->size());
    everyone += shards[s]->size();
  }
  if (scratch.block.size() < block_offset[kShards]) scratch.block.resize(block_offset[kShards]);
  if (scratch.bound.size() < most_rows) scratch.bound.resize(most_rows);
  // The skills the plan names (required and related, in plan order), and
  // each shard's column of each (-1: none), looked up once.
  auto& named = q.named;
  named.clear();
  for (const auto& ps : plan.skills) {
    named.push_back(ps.required.skill);
    for (const auto& rel : ps.related) named.push_back(rel.skill);
  }
  auto& column_at = q.column_at;
  column_at.assign(kShards * named.size(), -1);
  for (std::size_t s = 0; s < kShards; ++s) {
    for (std::size_t i = 0; i < named.size(); ++i) {
      const auto it = shards[s]->column_of.find(named[i]);
      if (it != shards[s]->column_of.end()) column_at[s * named.size() + i] = it->second;
    }
  }
  // The bound's program for shard s over its rows (base: the codes) or its
  // blocks (base: the block maxima; stride: blocks()), from row/block
  // `first` on; false when nobody there can be eligible (a must-have skill
  // nobody there has).
  BoundProgram& program = q.program;
  program.per_japanese_step = units_up(weights[kJapanese] / kJapaneseSteps);
  program.per_english_level = units_up(weights[kEnglish] / 6);
  program.rest = units_up(rest_max);
  auto make_program = [&](std::size_t s, const std::uint8_t* base, std::size_t stride,
                          std::size_t first) {
    program.terms.clear();
    program.related.clear();
    std::size_t name = 0;  // the next skill of `named`
    auto column = [&]() -> const std::uint8_t* {
      const std::int64_t c = column_at[s * named.size() + name++];
      return c < 0 ? nullptr : base + static_cast<std::size_t>(c) * stride + first;
    };
    for (const auto& ps : plan.skills) {
      const RequiredSkill& req = ps.required;
      const double w = req.weight * inv;
      const double a = w * weights[kSkills] * 0.25;  // per credit quarter
      TermCode t{};
      t.own = column();
      if (!t.own && req.must_have) return false;
      t.per_quarter = units_up(a);
      t.per_step = units_up(w * weights[kExperience] / kYearSteps);
      t.min_level = req.min_level;
      t.must_have = req.must_have;
      t.first_related = static_cast<std::uint32_t>(program.related.size());
      for (const auto& rel : ps.related) {
        if (const std::uint8_t* c = column()) {
          program.related.push_back({c, units_up(a * rel.similarity)});
        }
      }
      t.related_count = static_cast<std::uint32_t>(program.related.size() - t.first_related);
      if (t.own || t.related_count > 0) program.terms.push_back(t);
      // else: no credit and no years for anyone here
    }
    return true;
  };
  // Step 1: every block's bound, and their histogram.
  auto& histogram = scratch.histogram;
  histogram.assign(kBins, 0);
  for (std::size_t s = 0; s < kShards; ++s) {
    const Shard& sh = *shards[s];
    const std::size_t blocks = sh.blocks();
    if (blocks == 0) continue;
    std::int16_t* const m = scratch.block.data() + block_offset[s];
    if (!make_program(s, sh.block_codes.data(), blocks, 0)) {
      std::fill_n(m, blocks, kIneligibleUnits);
      continue;
    }
    bound_units(m, blocks, sh.block_quality.data(), program);
    // Counted per 16 blocks, by their best: the cut then has at least
    // `wanted` groups, so blocks, at or above it (a scalar pass over every
    // block was a tenth of a project's time at 300k trainees).
    auto count = [&](std::int16_t bound) {
      if (bound >= 0) {
        ++histogram[std::min<std::size_t>(kBins - 1, static_cast<std::size_t>(bound) >> 1)];
      }
    };
    const std::size_t whole = blocks - blocks % 16;
    for (std::size_t b = 0; b < whole; b += 16) count(max16(m + b));
    for (std::size_t b = whole; b < blocks; ++b) count(m[b]);
  }

  std::array<double, kComponentCount> values{};
  // The exact score of row r of shard sh, pushed when eligible: the scorer's
  // arithmetic in its order (skills, then experience, from the row's own
  // skills; the other components as scored everywhere).
  auto consider = [&](const Shard& sh, std::uint32_t r) {
    const RowFields& f = sh.fields[r];
    const TraineeSkill* first = sh.skills.data() + f.skill_begin;
    const TraineeSkill* last = first + f.skill_count;
    auto find = [&](SkillId skill) -> const TraineeSkill* {
      for (const TraineeSkill* p = first; p != last; ++p) {
        if (p->skill == skill) return p;
      }
      return nullptr;
    };
    double skill_acc = 0;
    double years_acc = 0;
    for (std::size_t i = 0; i < plan.skills.size(); ++i) {
      const auto& ps = plan.skills[i];
      const TraineeSkill* own = find(ps.required.skill);
      if (ps.required.must_have && (!own || own->level < ps.required.min_level)) return;
      double credit = own ? own_credit[i][own->level] : 0.0;
      for (const auto& rel : ps.related) {
        if (const TraineeSkill* near = find(rel.skill)) {
          const double c = rel.similarity * own_credit[i][near->level];
          if (c > credit) credit = c;
        }
      }
      const double w = ps.required.weight;
      skill_acc += w * credit;
      if (own) {
        years_acc += w * (std::min<double>(own->years, kExperienceCapYears) * kPerExperienceYear);
      }
    }
    const double overlap =
        project_overlap_hours(plan.project, f.zone, f.tz, f.work_start, f.work_end, f.work_days);
    if (!passes_non_skill_constraints(plan, f.ok != 0, f.jlpt, f.cefr, f.available, f.engagement,
                                      overlap, f.hours)) {
      return;
    }
    values[kSkills] = skill_acc * inv;
    values[kExperience] = years_acc * inv;
    non_skill_values(plan, {f.japanese(), f.cefr, overlap, f.available, f.rate, f.domains, f.hours},
                     values);
    top.push({f.id, combine(plan, values)});
  };

  // Rows whose bound reaches a step's threshold wait in a small batch: each
  // row's fields, then its skills, are fetched from memory for the whole
  // batch at once (prefetches), so the cache misses overlap instead of
  // following one another. Each then has its domain, hours, rate and
  // availability bounded as they are and, if it still reaches the k-th
  // score (as it stands then: it only rises), is scored.
  struct Pending {
    const Shard* shard;
    std::uint32_t row;
    float bound;
  };
  constexpr std::size_t kBatch = 16;
  std::array<Pending, kBatch> pending{};
  std::array<Pending, kBatch> passed{};
  std::size_t pending_count = 0;
  float current_threshold = 0.0f;  // threshold(), below
  std::int32_t current_units = 0;  // the same in units, rounded down
  auto flush = [&] {
    std::size_t passed_count = 0;
    for (std::size_t i = 0; i < pending_count; ++i) {
      const Pending& p = pending[i];
      if (top.full() && static_cast<double>(p.bound) + kSlack < top.worst_score()) continue;
      const RowFields& f = p.shard->fields[p.row];
      const double refined = static_cast<double>(p.bound) - refined_max +
                             rest_bound(rest, f.domains, f.hours, f.rate, f.available);
      if (top.full() && refined + kSlack < top.worst_score()) continue;
      __builtin_prefetch(p.shard->skills.data() + f.skill_begin);
      passed[passed_count++] = p;
    }
    pending_count = 0;
    for (std::size_t i = 0; i < passed_count; ++i) consider(*passed[i].shard, passed[i].row);
    if (top.full()) {
      const double t = std::max(0.0, top.worst_score() - kSlack);
      current_threshold = static_cast<float>(t);
      current_units = static_cast<std::int32_t>(std::floor(t * static_cast<double>(kUnits)));
    }
  };
  auto refine = [&](std::size_t shard, std::uint32_t r, float row_bound) {
    __builtin_prefetch(&shards[shard]->fields[r]);  // early: flush reads it
    pending[pending_count++] = {shards[shard].get(), r, row_bound};
    if (pending_count == kBatch) flush();
  };
  // The threshold a bound must reach now: the k-th score less the slack,
  // once there are k (valid bounds only: ineligible ones are far below 0).
  // (Kept in a variable: only flush() changes it, and rows compare with it
  // one by one.)
  auto threshold = [&] { return current_threshold; };
  auto threshold_units = [&] { return current_units; };
  // For each run of consecutive blocks of a shard with bound in [from(), to),
  // the rows' bounds, and fn(shard, row, bound) for each row reaching
  // threshold().
  auto visit = [&](auto from, std::int32_t to, auto fn) {
    // A shard's runs of blocks are found first (against the threshold as
    // the shard starts: it only rises, and rows are compared with it as it
    // stands), so that the columns of the runs two ahead are fetched from
    // memory (prefetches) while a run is bounded. Runs are short (a few
    // blocks) and scattered, each a fresh cache line per column: at 300k
    // trainees waiting for those lines was most of a project's time.
    constexpr std::size_t kAhead = 2;
    auto& runs = scratch.runs;
    for (std::size_t s = 0; s < kShards; ++s) {
      const Shard& sh = *shards[s];
      const std::size_t n = sh.size();
      const std::int16_t* const m = scratch.block.data() + block_offset[s];
      const std::int32_t low = from();
      runs.clear();
      // 16 blocks at a time (most have none in range); consecutive blocks
      // in range make one run.
      const std::size_t blocks = sh.blocks();
      auto add_block = [&](std::size_t b) {
        const auto row = static_cast<std::uint32_t>(b * kBlock);
        const auto rows = static_cast<std::uint32_t>(std::min(n, (b + 1) * kBlock) - b * kBlock);
        if (!runs.empty() && runs.back().first + runs.back().count == row) {
          runs.back().count += rows;
        } else {
          runs.push_back({row, rows});
        }
      };
      const std::size_t whole = blocks - blocks % 16;
      for (std::size_t b = 0; b < whole; b += 16) {
        for (std::uint32_t mask = in_range16(m + b, low, to); mask != 0; mask &= mask - 1) {
          add_block(b + static_cast<std::size_t>(__builtin_ctz(mask)));
        }
      }
      for (std::size_t b = whole; b < blocks; ++b) {
        if (m[b] >= low && m[b] < to) add_block(b);
      }
      const std::int64_t* const columns = column_at.data() + s * named.size();
      if (!runs.empty() && !make_program(s, sh.codes.data(), n, 0)) continue;
      // The program's columns start at row 0; each run offsets them.
      BoundProgram& at_zero = q.at_zero;
      at_zero = program;  // (copied into kept capacity: no allocation)
      auto fetch = [&](const Run& run) {
        for (std::size_t at = 0; at < run.count; at += 64) {
          __builtin_prefetch(sh.quality.data() + run.first + at);
          for (std::size_t i = 0; i < named.size(); ++i) {
            if (columns[i] >= 0) {
              __builtin_prefetch(sh.codes.data() + static_cast<std::size_t>(columns[i]) * n +
                                 run.first + at);
            }
          }
        }
      };
      for (std::size_t r = 0; r < std::min(kAhead, runs.size()); ++r) fetch(runs[r]);
      for (std::size_t r = 0; r < runs.size(); ++r) {
        if (r + kAhead < runs.size()) fetch(runs[r + kAhead]);
        const std::size_t first = runs[r].first;
        const std::size_t count = runs[r].count;
        std::int16_t* const u = scratch.bound.data();
        for (std::size_t t = 0; t < program.terms.size(); ++t) {
          if (at_zero.terms[t].own) program.terms[t].own = at_zero.terms[t].own + first;
        }
        for (std::size_t j = 0; j < program.related.size(); ++j) {
          program.related[j].column = at_zero.related[j].column + first;
        }
        bound_units(u, count, sh.quality.data() + first, program);
        // Most groups of 16 have no row reaching the threshold: their
        // largest bound says so at once.
        const std::size_t whole_rows = count - count % 16;
        for (std::size_t g = 0; g < whole_rows; g += 16) {
          for (std::uint32_t mask =
                   in_range16(u + g, threshold_units(), std::numeric_limits<std::int32_t>::max());
               mask != 0; mask &= mask - 1) {
            const std::size_t i = g + static_cast<std::size_t>(__builtin_ctz(mask));
            if (u[i] >= threshold_units()) {  // (it may have risen meanwhile)
              fn(s, static_cast<std::uint32_t>(first + i), static_cast<float>(u[i]) / kUnits);
            }
          }
        }
        for (std::size_t i = whole_rows; i < count; ++i) {
          if (u[i] >= threshold_units()) {
            fn(s, static_cast<std::uint32_t>(first + i), static_cast<float>(u[i]) / kUnits);
          }
        }
      }
    }
  };
  // Step 2: the blocks at or above a cut that at least k / 2 + 8 blocks
  // reach (so at least as many rows in them), to set the k-th score.
  const std::size_t wanted = std::min(k, everyone) / 2 + 8;
  std::size_t bin = kBins;
  for (std::size_t seen = 0; bin > 0 && seen < wanted;) seen += histogram[--bin];
  const auto cut = static_cast<std::int32_t>(bin << 1);  // in units
  // Their rows are refined best bound first, so that the k-th score is
  // soon near its final value, and only while their bound can reach it.
  auto& first_rows = q.first_rows;
  first_rows.clear();
  visit([&] { return cut; }, std::numeric_limits<std::int32_t>::max(),
        [&](std::size_t shard, std::uint32_t r, float row_bound) {
          first_rows.push_back({row_bound, static_cast<std::uint32_t>(shard), r});
        });
  // Only the best 2k + 16 need an order; the others follow as they come.
  const auto by_bound = [](const Candidate& a, const Candidate& b) { return a.bound > b.bound; };
  const std::size_t ordered = std::min(first_rows.size(), 2 * std::min(k, everyone) + 16);
  // (A selection, then a sort of the selected: a heap over every row was
  // a few percent of a query.)
  const auto mid = first_rows.begin() + static_cast<std::ptrdiff_t>(ordered);
  if (ordered < first_rows.size())
    std::nth_element(first_rows.begin(), mid, first_rows.end(), by_bound);
  std::sort(first_rows.begin(), mid, by_bound);
  for (std::size_t i = 0; i < first_rows.size(); ++i) {
    const Candidate& c = first_rows[i];
    if (c.bound < threshold()) {
      if (i < ordered) break;  // every row after it is lower still
      continue;
    }
    refine(c.shard, c.row, c.bound);
  }
  flush();
  // Step 3: the other blocks whose bound reaches the k-th score as it stands.
  visit(threshold_units, cut, refine);
  flush();
  return std::move(top).sorted();
}

std::vector<Ranked> CandidateIndex::top_projects(Id trainee_id, std::size_t k) const {
  auto t = trainee(trainee_id);
  if (!t) return {};
  return top_projects(*t, k);
}

std::vector<Ranked> CandidateIndex::top_projects(const Trainee& trainee, std::size_t k) const {
  if (k == 0) return {};
  Trainee t = trainee;
  normalise(t);
  TopK top(k);
  const auto set = load_projects();
  for (const auto& plan : set->plans) {
    if (auto s = score(plan, t)) top.push({plan.project.id, *s});
  }
  return std::move(top).sorted();
}

std::vector<Trainee> CandidateIndex::all_trainees() const {
  std::vector<Trainee> out;
  for (std::size_t s = 0; s < kShards; ++s) {
    auto part = load(s)->all();
    out.insert(out.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
  }
  std::sort(out.begin(), out.end(), [](const Trainee& a, const Trainee& b) { return a.id < b.id; });
  return out;
}

std::vector<Project> CandidateIndex::all_projects() const {
  std::vector<Project> out;
  for (const auto& p : load_projects()->plans) out.push_back(p.project);
  return out;
}

IndexStats CandidateIndex::stats() const {
  IndexStats st;
  for (std::size_t s = 0; s < kShards; ++s) {
    auto shard = load(s);
    st.trainees += shard->size();
    st.skill_entries += shard->skills.size();
    st.approx_bytes += shard->bytes();
  }
  st.projects = load_projects()->plans.size();
  return st;
}

}  // namespace kakehashi::matcher
