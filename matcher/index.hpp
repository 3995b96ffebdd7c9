// The candidate index: every trainee in memory, laid out for scanning
// (structure of arrays per shard, skill -> trainee inverted lists), answering
// top-k candidates for a project and top-k projects for a trainee exactly as
// scoring every pair and sorting would (score descending, then id ascending).
//
// Readers never block writers for long and never see a half-updated trainee:
// trainees live in shards, each an immutable snapshot behind a shared_ptr. A
// write copies one shard, changes the copy and publishes it; a reader takes
// the shard pointers it scans and keeps them alive until it is done.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "matcher/scorer.hpp"
#include "matcher/skill_graph.hpp"
#include "matcher/types.hpp"

namespace kakehashi::matcher {

struct Ranked {
  Id id;
  double score;
};

struct IndexStats {
  std::size_t trainees = 0;
  std::size_t projects = 0;
  std::size_t skill_entries = 0;
  std::size_t approx_bytes = 0;
};

class CandidateIndex {
 public:
  static constexpr unsigned kShardBits = 5;
  static constexpr std::size_t kShards = std::size_t{1} << kShardBits;

  explicit CandidateIndex(std::shared_ptr<const SkillGraph> graph);
  ~CandidateIndex();

  // Replaces every trainee and project at once (start-up, reload).
  void rebuild(std::vector<Trainee> trainees, const std::vector<Project>& projects);

  // Inserts or replaces a trainee / project by id.
  void upsert_trainee(const Trainee& trainee);
  bool remove_trainee(Id id);
  // Many at once (a bulk import): each shard they touch is built once, not
  // once per trainee. Later entries for an id replace earlier ones; an id in
  // `removed` is removed after the upserts are applied.
  void update_trainees(std::vector<Trainee> upserts, const std::vector<Id>& removed);
  void upsert_project(const Project& project);
  bool remove_project(Id id);

  std::optional<Trainee> trainee(Id id) const;
  // A trainee's organization (0 when not indexed), without copying the rest.
  Id organization_of(Id id) const;
  // The same for many ids at once (a round's shortlisted trainees): each
  // shard loaded once and its id map walked in order.
  std::vector<Id> organizations_of(const std::vector<Id>& ids) const;
  std::optional<Project> project(Id id) const;

  // The k best eligible trainees for `project` (which need not be indexed).
  std::vector<Ranked> top_candidates(const Project& project, std::size_t k) const;
  std::vector<Ranked> top_candidates(const ProjectPlan& plan, std::size_t k) const;
  // The k best indexed projects for an indexed trainee.
  std::vector<Ranked> top_projects(Id trainee_id, std::size_t k) const;
  std::vector<Ranked> top_projects(const Trainee& trainee, std::size_t k) const;

  const SkillGraph& graph() const { return *graph_; }
  std::vector<Trainee> all_trainees() const;
  std::vector<Project> all_projects() const;
  IndexStats stats() const;

  struct Shard;
  struct ProjectSet;

 private:
  std::shared_ptr<const Shard> load(std::size_t shard) const;
  std::shared_ptr<const ProjectSet> load_projects() const;

  std::shared_ptr<const SkillGraph> graph_;
  mutable std::array<std::mutex, kShards> shard_mutex_;  // guards the pointer only
  std::array<std::shared_ptr<const Shard>, kShards> shards_;
  mutable std::mutex projects_mutex_;
  std::shared_ptr<const ProjectSet> projects_;
  std::mutex write_mutex_;  // one writer at a time
};

}  // namespace kakehashi::matcher
