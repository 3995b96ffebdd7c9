#include "matcher/index.hpp"

#include <algorithm>

namespace kakehashi::matcher {
namespace {

constexpr double kExperienceCapYears = 5;
constexpr double kPerExperienceYear = 1.0 / kExperienceCapYears;

struct Posting {
  std::uint32_t row;
  std::uint8_t level;
  float years;
};

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

}  // namespace

struct CandidateIndex::Shard {
  std::vector<Id> ids, orgs;
  std::vector<std::int8_t> jlpt, cefr;
  std::vector<double> japanese;  // japanese_value(), once per trainee
  std::vector<std::uint16_t> zone;
  std::vector<std::uint8_t> work_days, jlpt_certified;
  std::vector<std::int16_t> bjt;
  std::vector<Day> available;
  std::vector<std::int32_t> rate, hours;
  std::vector<std::uint64_t> domains;
  std::vector<std::uint8_t> engagement, ok, status, consent;
  std::vector<std::int16_t> tz, work_start, work_end;
  std::vector<std::uint32_t> skill_begin{0};
  std::vector<TraineeSkill> skills;
  std::unordered_map<SkillId, std::vector<Posting>> postings;

  std::size_t size() const { return ids.size(); }
  // Rows are in id order: a trainee's row by binary search (a map from id to
  // row cost ~40 bytes a trainee).
  std::optional<std::uint32_t> row_of(Id id) const {
    const auto it = std::lower_bound(ids.begin(), ids.end(), id);
    if (it == ids.end() || *it != id) return std::nullopt;
    return static_cast<std::uint32_t>(it - ids.begin());
  }

  static std::shared_ptr<const Shard> build(std::vector<Trainee> trainees) {
    std::sort(trainees.begin(), trainees.end(),
              [](const Trainee& a, const Trainee& b) { return a.id < b.id; });
    auto s = std::make_shared<Shard>();
    const std::size_t n = trainees.size();
    // Every column exactly as long as the shard (grown by doubling, a third
    // of them would be spare: several MB at 100k trainees).
    auto reserve = [n](auto&... v) { (v.reserve(n), ...); };
    reserve(s->ids, s->orgs, s->jlpt, s->cefr, s->japanese, s->zone, s->work_days,
            s->jlpt_certified, s->bjt, s->available, s->rate, s->hours, s->domains, s->engagement,
            s->ok, s->status, s->consent, s->tz, s->work_start, s->work_end);
    s->skill_begin.reserve(n + 1);
    std::size_t skill_count = 0;
    for (const auto& t : trainees) skill_count += t.skills.size();
    s->skills.reserve(skill_count);
    for (std::uint32_t row = 0; row < n; ++row) {
      const Trainee& t = trainees[row];
      s->ids.push_back(t.id);
      s->orgs.push_back(t.organization_id);
      s->jlpt.push_back(t.jlpt);
      s->cefr.push_back(t.cefr);
      s->japanese.push_back(japanese_value(t));
      s->zone.push_back(t.zone);
      s->work_days.push_back(t.work_days);
      s->jlpt_certified.push_back(t.jlpt_certified ? 1 : 0);
      s->bjt.push_back(t.bjt_score);
      s->available.push_back(t.available_from);
      s->rate.push_back(t.expected_monthly_rate);
      s->hours.push_back(t.hours_per_week);
      s->domains.push_back(t.domains);
      s->engagement.push_back(t.engagement);
      s->ok.push_back(t.consent_matching && t.status == TraineeStatus::kActive ? 1 : 0);
      s->status.push_back(static_cast<std::uint8_t>(t.status));
      s->consent.push_back(t.consent_matching ? 1 : 0);
      s->tz.push_back(t.utc_offset_minutes);
      s->work_start.push_back(t.work_start_minutes);
      s->work_end.push_back(t.work_end_minutes);
      for (const auto& sk : t.skills) {
        s->skills.push_back(sk);
        s->postings[sk.skill].push_back({row, sk.level, sk.years});
      }
      s->skill_begin.push_back(static_cast<std::uint32_t>(s->skills.size()));
    }
    for (auto& [skill, list] : s->postings) list.shrink_to_fit();
    return s;
  }

  Trainee row(std::uint32_t r) const {
    Trainee t;
    t.id = ids[r];
    t.organization_id = orgs[r];
    t.skills.assign(skills.begin() + skill_begin[r], skills.begin() + skill_begin[r + 1]);
    t.jlpt = jlpt[r];
    t.cefr = cefr[r];
    t.jlpt_certified = jlpt_certified[r] != 0;
    t.bjt_score = bjt[r];
    t.utc_offset_minutes = tz[r];
    t.zone = zone[r];
    t.work_days = work_days[r];
    t.work_start_minutes = work_start[r];
    t.work_end_minutes = work_end[r];
    t.available_from = available[r];
    t.hours_per_week = hours[r];
    t.expected_monthly_rate = rate[r];
    t.domains = domains[r];
    t.engagement = engagement[r];
    t.consent_matching = consent[r] != 0;
    t.status = static_cast<TraineeStatus>(status[r]);
    return t;
  }

  std::vector<Trainee> all() const {
    std::vector<Trainee> out;
    out.reserve(size());
    for (std::uint32_t r = 0; r < size(); ++r) out.push_back(row(r));
    return out;
  }

  std::size_t bytes() const {
    std::size_t b = ids.capacity() * 16 + jlpt.capacity() * 2 + japanese.capacity() * 8 +
                    zone.capacity() * 2 + work_days.capacity() * 2 + bjt.capacity() * 2 +
                    available.capacity() * 4 + rate.capacity() * 8 + domains.capacity() * 8 +
                    engagement.capacity() * 4 + tz.capacity() * 6 + skill_begin.capacity() * 4 +
                    skills.capacity() * sizeof(TraineeSkill);
    for (const auto& [skill, list] : postings) b += list.capacity() * sizeof(Posting) + 48;
    return b;
  }
};

struct CandidateIndex::ProjectSet {
  std::vector<ProjectPlan> plans;  // sorted by project id
};

namespace {

// A related skill's posting list in one shard, with the credit each level
// earns through it (similarity times the required skill's level credit).
struct RelatedList {
  const std::vector<Posting>* postings;
  std::array<double, 8> credit;
};

// Per-thread scratch for scanning one shard. Every array is all zeros (best:
// all -1) between scans: a scan clears the rows of its shard before moving on.
struct Scratch {
  std::vector<double> skill_acc, years_acc;
  std::vector<double> best;  // -1 between skills
  std::vector<std::uint8_t> must, mark_any;
  // As long as the longest related list of any plan scanned so far: sized
  // once per query, outside the loops, so that any number of related skills
  // costs the scan no allocation and no growth checks.
  std::vector<RelatedList> related;
  void ensure(std::size_t n) {
    if (skill_acc.size() >= n) return;
    for (auto* v : {&skill_acc, &years_acc}) v->resize(n, 0.0);
    best.resize(n, -1.0);
    for (auto* v : {&must, &mark_any}) v->resize(n, 0);
  }
};

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
  for (std::size_t s = 0; s < kShards; ++s) {
    // Later duplicates of an id replace earlier ones.
    auto& part = parts[s];
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
    auto built = Shard::build(std::move(unique));
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

std::vector<Ranked> CandidateIndex::top_candidates(const ProjectPlan& plan, std::size_t k) const {
  if (k == 0) return {};
  TopK top(k);
  thread_local Scratch scratch;
  const auto& weights = plan.weights;
  const auto must_needed =
      static_cast<std::uint8_t>(std::min<std::size_t>(plan.must_have_count, 255));
  // Upper bound of the components other than skills, experience and languages.
  const double rest_max = weights[kTimezone] + weights[kAvailability] + weights[kRate] +
                          weights[kDomain] + weights[kHours];
  // Bounds are compared with this slack so rounding can never prune a row
  // that the exact score would admit.
  constexpr double kSlack = 1e-9;
  std::array<double, kComponentCount> values{};
  std::size_t most_related = 0;
  for (const auto& ps : plan.skills) most_related = std::max(most_related, ps.related.size());
  if (scratch.related.size() < most_related) scratch.related.resize(most_related);
  RelatedList* const related = scratch.related.data();

  for (std::size_t s = 0; s < kShards; ++s) {
    const auto shard_ptr = load(s);
    const Shard& sh = *shard_ptr;
    const std::size_t n = sh.size();
    if (n == 0) continue;
    scratch.ensure(n);
    // Raw pointers: the compiler cannot keep thread_local vectors' data in
    // registers across the loops' stores.
    double* const skill_acc = scratch.skill_acc.data();
    double* const years_acc = scratch.years_acc.data();
    std::uint8_t* const must = scratch.must.data();
    std::uint8_t* const mark_any = scratch.mark_any.data();
    double* const best = scratch.best.data();
    for (const auto& ps : plan.skills) {
      const RequiredSkill& req = ps.required;
      // Credit by level, computed as the scorer computes it.
      std::array<double, 8> own{};
      for (int level = 0; level <= 5; ++level) {
        own[static_cast<std::size_t>(level)] =
            level_credit(static_cast<std::uint8_t>(level), req.min_level);
      }
      const double w = req.weight;
      // A row's credit for this skill is its best over the skill's own list
      // and its related skills' lists, added once, in skill order, exactly as
      // the scorer adds it. One pass takes the maximum per row into `best`
      // (-1 = untouched), a second pass over the same lists adds it and
      // resets the row; no k-way merge is needed.
      const auto direct = sh.postings.find(req.skill);
      const bool has_direct = direct != sh.postings.end() && !direct->second.empty();
      // Every related skill with postings here, however many: the scorer
      // takes the best over all of them, so dropping any would rank rows
      // differently from their explanation.
      std::size_t live = 0;
      for (const auto& rel : ps.related) {
        auto it = sh.postings.find(rel.skill);
        if (it == sh.postings.end() || it->second.empty()) continue;
        RelatedList& list = related[live++];
        list.postings = &it->second;
        for (int level = 0; level <= 5; ++level) {
          list.credit[static_cast<std::size_t>(level)] =
              rel.similarity * own[static_cast<std::size_t>(level)];
        }
      }
      if (live == 0) {
        // The common case: no related skill in this shard.
        if (has_direct) {
          for (const Posting& p : direct->second) {
            const std::uint32_t r = p.row;
            skill_acc[r] += w * own[p.level];
            years_acc[r] +=
                w * (std::min<double>(p.years, kExperienceCapYears) * kPerExperienceYear);
            if (req.must_have && p.level >= req.min_level) ++must[r];
            mark_any[r] = 1;
          }
        }
        continue;
      }
      if (has_direct) {
        for (const Posting& p : direct->second) {
          const std::uint32_t r = p.row;
          best[r] = own[p.level];
          years_acc[r] += w * (std::min<double>(p.years, kExperienceCapYears) * kPerExperienceYear);
          if (req.must_have && p.level >= req.min_level) ++must[r];
          mark_any[r] = 1;
        }
      }
      for (std::size_t i = 0; i < live; ++i) {
        const auto& cr = related[i].credit;
        for (const Posting& p : *related[i].postings) {
          const std::uint32_t r = p.row;
          best[r] = std::max(best[r], cr[p.level]);
          mark_any[r] = 1;
        }
      }
      auto fold = [&](const std::vector<Posting>& list) {
        for (const Posting& p : list) {
          const std::uint32_t r = p.row;
          if (best[r] >= 0) {
            skill_acc[r] += w * best[r];
            best[r] = -1;
          }
        }
      };
      if (has_direct) fold(direct->second);
      for (std::size_t i = 0; i < live; ++i) fold(*related[i].postings);
    }

    auto consider = [&](std::uint32_t r, double skill_value, double experience_value)
        __attribute__((always_inline)) {
      if (top.full()) {
        const double bound =
            weights[kSkills] * skill_value + weights[kExperience] * experience_value +
            weights[kJapanese] * sh.japanese[r] +
            weights[kEnglish] * (sh.cefr[r] > 0 ? sh.cefr[r] * (1.0 / 6) : 0.0) + rest_max;
        if (bound + kSlack < top.worst_score()) return;
      }
      const double overlap = project_overlap_hours(
          plan.project, sh.zone[r], sh.tz[r], sh.work_start[r], sh.work_end[r], sh.work_days[r]);
      if (!passes_non_skill_constraints(plan, sh.ok[r] != 0, sh.jlpt[r], sh.cefr[r],
                                        sh.available[r], sh.engagement[r], overlap, sh.hours[r])) {
        return;
      }
      values[kSkills] = skill_value;
      values[kExperience] = experience_value;
      non_skill_values(plan,
                       {sh.japanese[r], sh.cefr[r], overlap, sh.available[r], sh.rate[r],
                        sh.domains[r], sh.hours[r]},
                       values);
      top.push({sh.ids[r], combine(plan, values)});
    };
    // Rows no required or related skill touched earn no skill credit; they
    // can only matter while the best k are still weak. A sequential scan
    // beats walking the touched list: most rows are touched.
    const double untouched_max = weights[kJapanese] + weights[kEnglish] + rest_max;
    const double inv = plan.inv_skill_weight;
    for (std::uint32_t r = 0; r < n; ++r) {
      if (must[r] != must_needed) continue;
      if (mark_any[r]) {
        consider(r, skill_acc[r] * inv, years_acc[r] * inv);
      } else if (!top.full() || untouched_max + kSlack >= top.worst_score()) {
        consider(r, 0.0, 0.0);
      }
    }
    std::fill_n(skill_acc, n, 0.0);
    std::fill_n(years_acc, n, 0.0);
    std::fill_n(must, n, std::uint8_t{0});
    std::fill_n(mark_any, n, std::uint8_t{0});
  }
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
