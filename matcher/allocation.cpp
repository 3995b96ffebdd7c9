#include "matcher/allocation.hpp"

#include "matcher/flow.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace kakehashi::matcher {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Edges above the threshold, grouped per trainee and per project.
struct Graph {
  std::vector<std::vector<Edge>> by_trainee;
  std::vector<std::vector<Edge>> by_project;
};

Graph build_graph(const AllocationInput& in) {
  Graph g;
  g.by_trainee.resize(in.trainees.size());
  g.by_project.resize(in.projects.size());
  for (const Edge& e : in.edges) {
    if (e.trainee >= in.trainees.size() || e.project >= in.projects.size()) {
      throw std::invalid_argument("allocation edge refers to an unknown trainee or project");
    }
    if (e.score < in.min_score) continue;
    g.by_trainee[e.trainee].push_back(e);
    g.by_project[e.project].push_back(e);
  }
  return g;
}

AllocationResult finish(const AllocationInput& in, const Graph& g,
                        std::vector<Assignment> assignments) {
  AllocationResult r;
  std::sort(assignments.begin(), assignments.end(), [](const Assignment& a, const Assignment& b) {
    return a.project < b.project || (a.project == b.project && a.trainee < b.trainee);
  });
  std::vector<std::int32_t> used(in.projects.size(), 0);
  std::vector<char> placed(in.trainees.size(), 0);
  // (project, organization) -> assigned, for the cap
  std::map<std::pair<std::uint32_t, Id>, std::int32_t> per_project_org;
  for (const auto& a : assignments) {
    r.total_score += a.score;
    ++used[a.project];
    placed[a.trainee] = 1;
    const Id org = in.trainees[a.trainee].organization_id;
    ++r.per_organization[org];
    ++per_project_org[{a.project, org}];
  }
  r.mean_score = assignments.empty() ? 0 : r.total_score / static_cast<double>(assignments.size());
  const std::int32_t cap = in.max_per_org_per_project;
  auto org_blocked = [&](std::uint32_t p, std::uint32_t t) {
    if (cap <= 0) return false;
    auto it = per_project_org.find({p, in.trainees[t].organization_id});
    return it != per_project_org.end() && it->second >= cap;
  };
  for (std::uint32_t t = 0; t < in.trainees.size(); ++t) {
    if (placed[t]) continue;
    const auto& edges = g.by_trainee[t];
    UnmatchedReason reason = UnmatchedReason::kOutranked;
    bool any_capacity = false;
    bool any_free_open = false;
    bool any_free_blocked = false;
    for (const auto& e : edges) {
      const auto capacity = in.projects[e.project].capacity;
      if (capacity <= 0) continue;
      any_capacity = true;
      if (used[e.project] >= capacity) continue;
      (org_blocked(e.project, t) ? any_free_blocked : any_free_open) = true;
    }
    if (edges.empty()) {
      reason = UnmatchedReason::kNoEligibleProject;
    } else if (!any_capacity || (any_free_blocked && !any_free_open)) {
      reason = UnmatchedReason::kCapacity;  // no seats at all, or the organization cap
    }
    r.unmatched.push_back({t, reason});
  }
  for (std::uint32_t p = 0; p < in.projects.size(); ++p) {
    const std::int32_t free = in.projects[p].capacity - used[p];
    if (free <= 0) continue;
    UnfilledReason reason = UnfilledReason::kTraineesPlacedElsewhere;
    if (g.by_project[p].empty()) {
      reason = UnfilledReason::kNoEligibleTrainee;
    } else {
      for (const auto& e : g.by_project[p]) {
        if (!placed[e.trainee] && org_blocked(p, e.trainee)) {
          reason = UnfilledReason::kOrganizationCap;
          break;
        }
      }
    }
    r.unfilled.push_back({p, free, reason});
  }
  r.assignments = std::move(assignments);
  return r;
}

// Projects rank trainees by score, then by trainee id.
bool project_prefers(const AllocationInput& in, double score_a, std::uint32_t a, double score_b,
                     std::uint32_t b) {
  if (score_a != score_b) return score_a > score_b;
  return in.trainees[a].id < in.trainees[b].id;
}

// A trainee's rank of a project among its wanted ones (SIZE_MAX: not wanted).
std::size_t wanted_rank(const AllocationInput& in, std::size_t t, std::uint32_t p) {
  if (t >= in.trainee_wanted.size()) return SIZE_MAX;
  const auto& w = in.trainee_wanted[t];
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] == p) return i;
  }
  return SIZE_MAX;
}

// Trainee t (-1: one outside the input, which wants nothing) prefers project
// a (score sa) to b (score sb): a wanted one first, in its order, then by
// score, then by project id.
bool trainee_prefers(const AllocationInput& in, std::int64_t t, std::uint32_t a, double sa,
                     std::uint32_t b, double sb) {
  if (t >= 0) {
    const auto ra = wanted_rank(in, static_cast<std::size_t>(t), a);
    const auto rb = wanted_rank(in, static_cast<std::size_t>(t), b);
    if (ra != rb) return ra < rb;
  }
  if (sa != sb) return sa > sb;
  return in.projects[a].id < in.projects[b].id;
}

}  // namespace

std::string_view unmatched_reason_name(UnmatchedReason r) {
  switch (r) {
    case UnmatchedReason::kNoEligibleProject:
      return "no_eligible_project";
    case UnmatchedReason::kOutranked:
      return "outranked";
    case UnmatchedReason::kCapacity:
      return "capacity";
  }
  return "unknown";
}

std::string_view unfilled_reason_name(UnfilledReason r) {
  switch (r) {
    case UnfilledReason::kNoEligibleTrainee:
      return "no_eligible_trainee";
    case UnfilledReason::kTraineesPlacedElsewhere:
      return "trainees_placed_elsewhere";
    case UnfilledReason::kOrganizationCap:
      return "organization_cap";
  }
  return "unknown";
}

AllocationResult allocate_stable(const AllocationInput& in) {
  const Graph g = build_graph(in);
  const std::size_t n = in.trainees.size();
  // Each trainee's list of (project, score), best first.
  std::vector<std::vector<Edge>> prefs(n);
  for (std::uint32_t t = 0; t < n; ++t) {
    auto& list = prefs[t];
    if (t < in.trainee_preferences.size() && !in.trainee_preferences[t].empty()) {
      for (std::uint32_t p : in.trainee_preferences[t]) {
        for (const auto& e : g.by_trainee[t]) {
          if (e.project == p) {
            list.push_back(e);
            break;
          }
        }
      }
    } else {
      list = g.by_trainee[t];
      std::sort(list.begin(), list.end(), [&](const Edge& a, const Edge& b) {
        return trainee_prefers(in, t, a.project, a.score, b.project, b.score);
      });
    }
  }
  // Per project, the trainees it holds, worst on top of a heap.
  struct Held {
    double score;
    std::uint32_t trainee;
  };
  auto worse_on_top = [&](const Held& a, const Held& b) {
    return project_prefers(in, a.score, a.trainee, b.score, b.trainee);
  };
  std::vector<std::vector<Held>> held(in.projects.size());
  std::vector<std::size_t> next(n, 0);
  std::vector<std::uint32_t> free_trainees;
  for (std::uint32_t t = 0; t < n; ++t) free_trainees.push_back(t);
  std::reverse(free_trainees.begin(), free_trainees.end());  // propose in index order
  const std::int32_t cap = in.max_per_org_per_project;
  while (!free_trainees.empty()) {
    const std::uint32_t t = free_trainees.back();
    free_trainees.pop_back();
    while (next[t] < prefs[t].size()) {
      const Edge& e = prefs[t][next[t]++];
      const auto capacity = in.projects[e.project].capacity;
      if (capacity <= 0) continue;
      auto& h = held[e.project];
      if (cap > 0) {
        // The project's choice from what it holds and t, best first, each
        // taken unless the seats or its organization's cap are full: at
        // most one of them goes (the worst of t's organization when that
        // fills the cap, else the worst of all when the seats are full).
        const Id org = in.trainees[t].organization_id;
        std::int32_t same = 0;
        std::size_t worst_same = h.size(), worst_all = h.size();
        for (std::size_t i = 0; i < h.size(); ++i) {
          const auto& x = h[i];
          if (worst_all == h.size() ||
              project_prefers(in, h[worst_all].score, h[worst_all].trainee, x.score, x.trainee)) {
            worst_all = i;
          }
          if (in.trainees[x.trainee].organization_id != org) continue;
          ++same;
          if (worst_same == h.size() ||
              project_prefers(in, h[worst_same].score, h[worst_same].trainee, x.score, x.trainee)) {
            worst_same = i;
          }
        }
        std::size_t out = h.size();  // h.size(): none goes
        if (same >= cap) {
          out = worst_same;
        } else if (static_cast<std::int32_t>(h.size()) >= capacity) {
          out = worst_all;
        }
        if (out == h.size()) {
          h.push_back({e.score, t});
          break;
        }
        if (project_prefers(in, e.score, t, h[out].score, h[out].trainee)) {
          free_trainees.push_back(h[out].trainee);
          h[out] = {e.score, t};
          break;
        }
        continue;
      }
      if (static_cast<std::int32_t>(h.size()) < capacity) {
        h.push_back({e.score, t});
        std::push_heap(h.begin(), h.end(), worse_on_top);
        break;
      }
      const Held worst = h.front();
      if (project_prefers(in, e.score, t, worst.score, worst.trainee)) {
        std::pop_heap(h.begin(), h.end(), worse_on_top);
        h.back() = {e.score, t};
        std::push_heap(h.begin(), h.end(), worse_on_top);
        free_trainees.push_back(worst.trainee);
        break;
      }
    }
  }
  std::vector<Assignment> assignments;
  for (std::uint32_t p = 0; p < held.size(); ++p) {
    for (const auto& h : held[p]) assignments.push_back({h.trainee, p, h.score});
  }
  return finish(in, g, std::move(assignments));
}

StabilityCheck check_stability(const AllocationInput& in, const AllocationResult& r,
                               const std::vector<OutsidePair>& outside) {
  // Each trainee's project (-1 none) and score; each project's count and
  // least preferred held trainee.
  std::vector<std::int64_t> project_of(in.trainees.size(), -1);
  std::vector<double> score_of(in.trainees.size(), 0);
  struct Worst {
    std::int32_t held = 0;
    double score = 0;
    std::uint32_t trainee = 0;
  };
  std::vector<Worst> worst(in.projects.size());
  // With a per-organization cap: the same per (project, organization).
  const std::int32_t cap = in.max_per_org_per_project;
  std::map<std::pair<std::uint32_t, Id>, Worst> worst_of_org;
  auto note = [&](Worst& w, const Assignment& a) {
    if (w.held++ == 0 || project_prefers(in, w.score, w.trainee, a.score, a.trainee)) {
      w.score = a.score;
      w.trainee = a.trainee;
    }
  };
  for (const auto& a : r.assignments) {
    project_of[a.trainee] = a.project;
    score_of[a.trainee] = a.score;
    note(worst[a.project], a);
    if (cap > 0) note(worst_of_org[{a.project, in.trainees[a.trainee].organization_id}], a);
  }
  auto beats = [&](double score, Id trainee_id, const Worst& w) {
    if (score != w.score) return score > w.score;
    return trainee_id < in.trainees[w.trainee].id;
  };
  auto blocks = [&](std::int64_t t, Id trainee_id, Id org, std::uint32_t p, double score) {
    const std::int32_t capacity = in.projects[p].capacity;
    if (capacity <= 0) return false;
    if (t >= 0) {
      const auto own = project_of[static_cast<std::size_t>(t)];
      if (own == p) return false;
      if (own >= 0 && !trainee_prefers(in, t, p, score, static_cast<std::uint32_t>(own),
                                       score_of[static_cast<std::size_t>(t)])) {
        return false;
      }
    }
    if (cap > 0) {
      const auto it = worst_of_org.find({p, org});
      if (it != worst_of_org.end() && it->second.held >= cap)
        return beats(score, trainee_id, it->second);
    }
    const Worst& w = worst[p];
    if (w.held < capacity) return true;
    return beats(score, trainee_id, w);
  };
  StabilityCheck out;
  for (const Edge& e : in.edges) {
    if (e.trainee >= in.trainees.size() || e.project >= in.projects.size()) {
      throw std::invalid_argument("allocation edge refers to an unknown trainee or project");
    }
    if (e.score < in.min_score) continue;
    ++out.pairs_checked;
    if (blocks(e.trainee, in.trainees[e.trainee].id, in.trainees[e.trainee].organization_id,
               e.project, e.score)) {
      ++out.blocking_pairs;
    }
  }
  if (!outside.empty()) {
    std::unordered_map<Id, std::uint32_t> position;
    for (std::uint32_t t = 0; t < in.trainees.size(); ++t) position.emplace(in.trainees[t].id, t);
    for (const auto& o : outside) {
      if (o.project >= in.projects.size()) {
        throw std::invalid_argument("outside pair refers to an unknown project");
      }
      if (o.score < in.min_score) continue;
      ++out.pairs_checked;
      const auto it = position.find(o.trainee);
      const std::int64_t t = it == position.end() ? std::int64_t{-1} : std::int64_t{it->second};
      const Id org =
          t >= 0 ? in.trainees[static_cast<std::size_t>(t)].organization_id : o.organization_id;
      if (blocks(t, o.trainee, org, o.project, o.score)) ++out.blocking_pairs;
    }
  }
  return out;
}

namespace {

// Flips the alternating path that ends at free column `sink` and starts at
// row `start`, following `pred` (the row that reached each column): every row
// on it takes the column after its old one.
void flip_path(std::size_t sink, std::size_t start, const std::vector<std::int32_t>& pred,
               std::vector<std::int32_t>& col4row, std::vector<std::int32_t>& row4col) {
  auto j = sink;
  while (true) {
    const auto i = static_cast<std::size_t>(pred[j]);
    row4col[j] = static_cast<std::int32_t>(i);
    const auto previous = col4row[i];
    col4row[i] = static_cast<std::int32_t>(j);
    if (i == start) break;
    j = static_cast<std::size_t>(previous);
  }
}

// Jonker and Volgenant's start for a square cost matrix (column reduction,
// reduction transfer, two rounds of augmenting row reduction): most rows are
// assigned by cheap auction-like steps, so far fewer shortest augmenting
// paths remain. On return each assigned row's column is its cheapest by
// reduced cost cost[i][j] - v[j] (the invariant the augmentation needs);
// answers the rows still free. When column reduction leaves most rows free,
// augmenting row reduction starts from zero duals instead (see below).
std::vector<std::uint32_t> jonker_volgenant_start(const std::vector<double>& cost, std::size_t n,
                                                  std::vector<double>& v,
                                                  std::vector<std::int32_t>& col4row,
                                                  std::vector<std::int32_t>& row4col) {
  // Column reduction: v[j] is the column's minimum, taken by its first row
  // in reverse column order (as LAPJV does).
  std::vector<std::int32_t> argmin(n, 0);
  std::fill(v.begin(), v.end(), kInf);
  for (std::size_t i = 0; i < n; ++i) {
    const double* row = &cost[i * n];
    for (std::size_t j = 0; j < n; ++j) {
      if (row[j] < v[j]) {
        v[j] = row[j];
        argmin[j] = static_cast<std::int32_t>(i);
      }
    }
  }
  std::vector<char> unique(n, 1);
  for (std::size_t j = n; j-- > 0;) {
    const auto i = static_cast<std::size_t>(argmin[j]);
    if (col4row[i] < 0) {
      col4row[i] = static_cast<std::int32_t>(j);
      row4col[j] = static_cast<std::int32_t>(i);
    } else {
      unique[i] = 0;
    }
  }
  std::vector<std::uint32_t> free_rows;
  // When the columns' minima fall on few rows (a few trainees are every
  // project's best, as in score matrices: three rows in four left free),
  // the duals column reduction sets start far from the optimum. Those rows
  // then start from zero duals and go straight to augmenting row reduction:
  // on the 2000 x 2000 score matrix 0.30 s against 1.3 s (bench/README.md);
  // on uniform random matrices (a third left free) column reduction wins.
  const auto unassigned =
      static_cast<std::size_t>(std::count(col4row.begin(), col4row.end(), std::int32_t{-1}));
  if (unassigned * 2 > n) {
    std::fill(v.begin(), v.end(), 0.0);
    std::fill(col4row.begin(), col4row.end(), -1);
    std::fill(row4col.begin(), row4col.end(), -1);
    free_rows.resize(n);
    for (std::size_t i = 0; i < n; ++i) free_rows[i] = static_cast<std::uint32_t>(i);
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      if (col4row[i] < 0) {
        free_rows.push_back(static_cast<std::uint32_t>(i));
      } else if (unique[i]) {
        // Reduction transfer: lower the assigned column's v by the row's
        // smallest other reduced cost, keeping it the row's cheapest.
        const auto j = static_cast<std::size_t>(col4row[i]);
        double lowest = kInf;
        for (std::size_t j2 = 0; j2 < n; ++j2) {
          if (j2 != j) lowest = std::min(lowest, cost[i * n + j2] - v[j2]);
        }
        v[j] -= lowest;
      }
    }
  }
  // Augmenting row reduction, twice: a free row takes its cheapest column,
  // lowering that column's v to the gap to its second cheapest, and the
  // displaced row becomes free.
  for (int pass = 0; pass < 2 && !free_rows.empty(); ++pass) {
    std::size_t current = 0;
    std::size_t kept = 0;
    std::size_t steps = 0;
    const std::size_t count = free_rows.size();
    while (current < count) {
      ++steps;
      const std::size_t i = free_rows[current++];
      const double* row = &cost[i * n];
      std::size_t j1 = 0;
      double v1 = row[0] - v[0];
      std::int64_t j2 = -1;
      double v2 = kInf;
      for (std::size_t j = 1; j < n; ++j) {
        const double c = row[j] - v[j];
        if (c < v2) {
          if (c >= v1) {
            v2 = c;
            j2 = static_cast<std::int64_t>(j);
          } else {
            v2 = v1;
            v1 = c;
            j2 = static_cast<std::int64_t>(j1);
            j1 = j;
          }
        }
      }
      std::int32_t i0 = row4col[j1];
      const double v1_new = v[j1] - (v2 - v1);
      const bool lowers = v1_new < v[j1];
      if (steps < current * n) {
        if (lowers) {
          v[j1] = v1_new;
        } else if (i0 >= 0 && j2 >= 0) {
          j1 = static_cast<std::size_t>(j2);
          i0 = row4col[j1];
        }
        if (i0 >= 0) {
          if (lowers) {
            free_rows[--current] = static_cast<std::uint32_t>(i0);
          } else {
            free_rows[kept++] = static_cast<std::uint32_t>(i0);
          }
        }
      } else if (i0 >= 0) {
        free_rows[kept++] = static_cast<std::uint32_t>(i0);
      }
      if (i0 >= 0) col4row[static_cast<std::size_t>(i0)] = -1;
      col4row[i] = static_cast<std::int32_t>(j1);
      row4col[j1] = static_cast<std::int32_t>(i);
    }
    free_rows.resize(kept);
  }
  return free_rows;
}

// Jonker and Volgenant's augmentation for the rows `start` left free: a
// Dijkstra search over columns by reduced cost that settles every column at
// the current least distance at once (score-derived matrices have many equal
// costs, e.g. the zeros of ineligible pairs, which Crouse's one-column-a-step
// search, SciPy's, settles one by one), then updates v and flips the path.
void jonker_volgenant_augment(const std::vector<double>& cost, std::size_t n,
                              const std::vector<std::uint32_t>& free_rows, std::vector<double>& v,
                              std::vector<std::int32_t>& col4row,
                              std::vector<std::int32_t>& row4col) {
  std::vector<std::uint32_t> cols(n);
  std::vector<double> d(n);
  std::vector<std::int32_t> pred(n);
  for (const std::uint32_t start : free_rows) {
    const double* start_row = &cost[start * n];
    for (std::size_t j = 0; j < n; ++j) {
      cols[j] = static_cast<std::uint32_t>(j);
      pred[j] = static_cast<std::int32_t>(start);
      d[j] = start_row[j] - v[j];
    }
    // cols[0, ready): settled; [ready, lo): scanned; [lo, hi): to scan, all
    // at distance `mind`; [hi, n): not reached at `mind` yet.
    std::size_t lo = 0, hi = 0, ready = 0;
    double mind = 0;  // the distance of cols[ready, hi)
    std::int64_t final_j = -1;
    while (final_j < 0) {
      if (lo == hi) {
        // Collect every column at the least remaining distance.
        ready = lo;
        hi = lo + 1;
        mind = d[cols[lo]];
        for (std::size_t k = hi; k < n; ++k) {
          const std::uint32_t j = cols[k];
          if (d[j] <= mind) {
            if (d[j] < mind) {
              hi = lo;
              mind = d[j];
            }
            cols[k] = cols[hi];
            cols[hi++] = j;
          }
        }
        for (std::size_t k = lo; k < hi; ++k) {
          if (row4col[cols[k]] < 0) {
            final_j = cols[k];
            break;
          }
        }
        if (final_j >= 0) break;
      }
      // Scan: relax the columns not yet reached through each settled
      // column's row.
      const std::uint32_t j0 = cols[lo++];
      const auto i = static_cast<std::size_t>(row4col[j0]);
      const double* row = &cost[i * n];
      const double h = row[j0] - v[j0] - mind;
      for (std::size_t k = hi; k < n; ++k) {
        const std::uint32_t j = cols[k];
        const double reduced = row[j] - v[j] - h;
        if (reduced < d[j]) {
          d[j] = reduced;
          pred[j] = static_cast<std::int32_t>(i);
          if (reduced == mind) {
            if (row4col[j] < 0) {
              final_j = j;
              break;
            }
            cols[k] = cols[hi];
            cols[hi++] = j;
          }
        }
      }
    }
    for (std::size_t k = 0; k < ready; ++k) {
      const std::uint32_t j = cols[k];
      v[j] += d[j] - mind;
    }
    flip_path(static_cast<std::size_t>(final_j), start, pred, col4row, row4col);
  }
}

}  // namespace

std::vector<std::int32_t> max_weight_assignment(const std::vector<double>& weight, std::size_t rows,
                                                std::size_t cols) {
  if (weight.size() != rows * cols) throw std::invalid_argument("weight matrix size mismatch");
  if (rows == 0 || cols == 0) return std::vector<std::int32_t>(rows, -1);
  const bool transpose = rows > cols;
  const std::size_t nr = transpose ? cols : rows;
  const std::size_t nc = transpose ? rows : cols;
  // Minimise cost = -weight.
  std::vector<double> cost(nr * nc);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      const double w = -weight[r * cols + c];
      if (transpose) {
        cost[c * nc + r] = w;
      } else {
        cost[r * nc + c] = w;
      }
    }
  }
  // 32-bit indices halve the bookkeeping's memory traffic next to SciPy's
  // 64-bit ones; matrices stay far below 2^31 columns.
  std::vector<std::int32_t> col4row(nr, -1), row4col(nc, -1);
  std::vector<double> v(nc, 0);
  if (nr == nc && nr > 1) {
    // Square: Jonker and Volgenant's LAPJV.
    const auto free_rows = jonker_volgenant_start(cost, nr, v, col4row, row4col);
    jonker_volgenant_augment(cost, nr, free_rows, v, col4row, row4col);
  } else {
    // Rectangular: the shortest augmenting path method of Jonker-Volgenant
    // as refined by Crouse for rectangular problems (the algorithm behind
    // SciPy's linear_sum_assignment), from zero duals.
    std::vector<double> u(nr, 0), spc(nc);
    std::vector<std::int32_t> path(nc, -1);
    std::vector<char> sr(nr), sc(nc);
    std::vector<std::uint32_t> remaining(nc);
    for (std::size_t cur = 0; cur < nr; ++cur) {
      double min_val = 0;
      std::size_t i = cur;
      std::fill(spc.begin(), spc.end(), kInf);
      std::fill(sr.begin(), sr.end(), 0);
      std::fill(sc.begin(), sc.end(), 0);
      // Columns not yet scanned, compacted so each step visits only those.
      std::size_t num_remaining = nc;
      for (std::size_t it = 0; it < nc; ++it)
        remaining[it] = static_cast<std::uint32_t>(nc - it - 1);
      std::int64_t sink = -1;
      while (sink == -1) {
        sr[i] = 1;
        const double* row = &cost[i * nc];
        const double ui = u[i];
        double lowest = kInf;
        std::size_t index = nc;
        const auto i32 = static_cast<std::int32_t>(i);
        for (std::size_t it = 0; it < num_remaining; ++it) {
          const std::uint32_t j = remaining[it];
          const double r = min_val + row[j] - ui - v[j];
          if (r < spc[j]) {
            path[j] = i32;
            spc[j] = r;
          }
          if (spc[j] < lowest || (spc[j] == lowest && row4col[j] == -1)) {
            lowest = spc[j];
            index = it;
          }
        }
        min_val = lowest;
        if (index == nc || min_val == kInf) throw std::runtime_error("assignment infeasible");
        const std::size_t j = remaining[index];
        sc[j] = 1;
        remaining[index] = remaining[--num_remaining];
        if (row4col[j] == -1) {
          sink = static_cast<std::int64_t>(j);
        } else {
          i = static_cast<std::size_t>(row4col[j]);
        }
      }
      u[cur] += min_val;
      for (std::size_t r = 0; r < nr; ++r) {
        if (sr[r] && r != cur) u[r] += min_val - spc[static_cast<std::size_t>(col4row[r])];
      }
      for (std::size_t c = 0; c < nc; ++c) {
        if (sc[c]) v[c] -= min_val - spc[c];
      }
      flip_path(static_cast<std::size_t>(sink), cur, path, col4row, row4col);
    }
  }
  std::vector<std::int32_t> out(rows, -1);
  if (transpose) {
    for (std::size_t c = 0; c < nr; ++c)
      out[static_cast<std::size_t>(col4row[c])] = static_cast<std::int32_t>(c);
  } else {
    for (std::size_t r = 0; r < nr; ++r) out[r] = static_cast<std::int32_t>(col4row[r]);
  }
  return out;
}

namespace {

constexpr std::size_t kDenseLimit = 16'000'000;  // cells of the trainees x seats matrix
// Below this many cells the dense assignment is as quick as the flow.
constexpr std::size_t kDenseSmall = 4'096;

}  // namespace

AllocationResult allocate_max_score(const AllocationInput& in) {
  const Graph g = build_graph(in);
  std::vector<std::uint32_t> rows;  // trainees with an edge
  for (std::uint32_t t = 0; t < in.trainees.size(); ++t) {
    if (!g.by_trainee[t].empty()) rows.push_back(t);
  }
  std::vector<std::uint32_t> seat_project;  // one column per usable seat
  std::vector<std::size_t> first_seat(in.projects.size(), 0);
  for (std::uint32_t p = 0; p < in.projects.size(); ++p) {
    first_seat[p] = seat_project.size();
    const auto seats = std::min<std::size_t>(
        static_cast<std::size_t>(std::max(0, in.projects[p].capacity)), g.by_project[p].size());
    for (std::size_t s = 0; s < seats; ++s) seat_project.push_back(p);
  }
  std::vector<Assignment> assignments;
  const bool capped = in.max_per_org_per_project > 0;
  const bool dense = in.max_score_solver == MaxScoreSolver::kDense ||
                     (in.max_score_solver == MaxScoreSolver::kAuto &&
                      rows.size() * seat_project.size() <= kDenseSmall);
  if (!capped && dense && rows.size() * seat_project.size() <= kDenseLimit) {
    // Dense: trainees x seats; a pair that is not an edge weighs 0 and is
    // dropped afterwards, which leaves the optimum unchanged (scores >= 0).
    std::vector<std::int32_t> row_of(in.trainees.size(), -1);
    for (std::size_t r = 0; r < rows.size(); ++r) row_of[rows[r]] = static_cast<std::int32_t>(r);
    const std::size_t cols = seat_project.size();
    std::vector<double> weight(rows.size() * cols, 0.0);
    std::vector<char> is_edge(rows.size() * cols, 0);
    for (std::uint32_t p = 0; p < in.projects.size(); ++p) {
      const std::size_t seats =
          (p + 1 < in.projects.size() ? first_seat[p + 1] : cols) - first_seat[p];
      for (const auto& e : g.by_project[p]) {
        const auto r = static_cast<std::size_t>(row_of[e.trainee]);
        for (std::size_t s = 0; s < seats; ++s) {
          weight[r * cols + first_seat[p] + s] = e.score;
          is_edge[r * cols + first_seat[p] + s] = 1;
        }
      }
    }
    const auto match = max_weight_assignment(weight, rows.size(), cols);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (match[r] < 0) continue;
      const auto c = static_cast<std::size_t>(match[r]);
      if (!is_edge[r * cols + c]) continue;
      assignments.push_back({rows[r], seat_project[c], weight[r * cols + c]});
    }
  } else {
    std::vector<Edge> edges;
    for (const auto& list : g.by_trainee) edges.insert(edges.end(), list.begin(), list.end());
    assignments = in.max_score_solver == MaxScoreSolver::kUnitPaths
                      ? max_score_by_unit(in, edges)
                      : max_score_by_trainee(in, edges);
  }
  return finish(in, g, std::move(assignments));
}

}  // namespace kakehashi::matcher
