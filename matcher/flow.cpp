#include "matcher/flow.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <queue>
#include <utility>

namespace kakehashi::matcher {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Min-cost flow by successive shortest paths with potentials, stopping when no
// path lowers the cost: maximum total score with capacities and caps.
class MinCostFlow {
 public:
  explicit MinCostFlow(std::size_t nodes) : adj_(nodes) {}
  std::size_t add(std::size_t from, std::size_t to, std::int32_t cap, double cost) {
    adj_[from].push_back(arcs_.size());
    arcs_.push_back({to, cap, cost});
    adj_[to].push_back(arcs_.size());
    arcs_.push_back({from, 0, -cost});
    return arcs_.size() - 2;
  }
  std::int32_t flow(std::size_t arc) const { return arcs_[arc ^ 1].cap; }
  // `order` lists the nodes in a topological order of the initial graph.
  void run(std::size_t s, std::size_t t, const std::vector<std::size_t>& order) {
    const std::size_t n = adj_.size();
    std::vector<double> pot(n, kInf);
    pot[s] = 0;
    for (std::size_t v : order) {
      if (pot[v] == kInf) continue;
      for (std::size_t a : adj_[v]) {
        if (arcs_[a].cap > 0 && pot[v] + arcs_[a].cost < pot[arcs_[a].to]) {
          pot[arcs_[a].to] = pot[v] + arcs_[a].cost;
        }
      }
    }
    for (auto& p : pot) {
      if (p == kInf) p = 0;
    }
    std::vector<double> dist(n);
    std::vector<std::size_t> via(n);
    using Item = std::pair<double, std::size_t>;
    while (true) {
      std::fill(dist.begin(), dist.end(), kInf);
      dist[s] = 0;
      std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
      queue.push({0, s});
      while (!queue.empty()) {
        auto [d, v] = queue.top();
        queue.pop();
        if (d > dist[v]) continue;
        for (std::size_t a : adj_[v]) {
          const Arc& arc = arcs_[a];
          if (arc.cap <= 0) continue;
          const double nd = d + arc.cost + pot[v] - pot[arc.to];
          if (nd < dist[arc.to] - 1e-12) {
            dist[arc.to] = nd;
            via[arc.to] = a;
            queue.push({nd, arc.to});
          }
        }
      }
      if (dist[t] == kInf) return;
      const double real_cost = dist[t] + pot[t] - pot[s];
      if (real_cost >= -1e-12) return;  // no improving path left
      for (std::size_t v = 0; v < n; ++v) {
        if (dist[v] < kInf) pot[v] += dist[v];
      }
      for (std::size_t v = t; v != s; v = arcs_[via[v] ^ 1].to) {
        --arcs_[via[v]].cap;
        ++arcs_[via[v] ^ 1].cap;
      }
    }
  }

 private:
  struct Arc {
    std::size_t to;
    std::int32_t cap;
    double cost;
  };
  std::vector<std::vector<std::size_t>> adj_;
  std::vector<Arc> arcs_;
};

// A residual graph in compressed rows: arc a and a ^ 1 are each other's
// reverse; out[v] lists the arcs leaving v (both directions).
class Residual {
 public:
  std::uint32_t add(std::uint32_t from, std::uint32_t to, std::int32_t cap, double cost) {
    const auto a = static_cast<std::uint32_t>(to_.size());
    from_.push_back(from);
    to_.push_back(to);
    cap_.push_back(cap);
    cost_.push_back(cost);
    from_.push_back(to);
    to_.push_back(from);
    cap_.push_back(0);
    cost_.push_back(-cost);
    return a;
  }
  void freeze(std::size_t nodes) {
    first_.assign(nodes + 1, 0);
    for (auto v : from_) ++first_[v + 1];
    for (std::size_t v = 0; v < nodes; ++v) first_[v + 1] += first_[v];
    out_.resize(from_.size());
    std::vector<std::uint32_t> fill(first_.begin(), first_.end() - 1);
    for (std::uint32_t a = 0; a < from_.size(); ++a) out_[fill[from_[a]]++] = a;
    from_.clear();
    from_.shrink_to_fit();
  }
  std::uint32_t first(std::size_t v) const { return first_[v]; }
  std::uint32_t last(std::size_t v) const { return first_[v + 1]; }
  std::uint32_t arc_at(std::uint32_t k) const { return out_[k]; }
  std::uint32_t to(std::uint32_t a) const { return to_[a]; }
  std::int32_t cap(std::uint32_t a) const { return cap_[a]; }
  double cost(std::uint32_t a) const { return cost_[a]; }
  void push(std::uint32_t a) {
    --cap_[a];
    ++cap_[a ^ 1];
  }

 private:
  std::vector<std::uint32_t> from_;
  std::vector<std::uint32_t> to_;
  std::vector<std::int32_t> cap_;
  std::vector<double> cost_;
  std::vector<std::uint32_t> first_;
  std::vector<std::uint32_t> out_;
};

}  // namespace

std::vector<Assignment> max_score_by_unit(const AllocationInput& in,
                                          const std::vector<Edge>& edges) {
  // source -> trainee -> (project, organization) -> project -> sink.
  const std::size_t n_t = in.trainees.size();
  const std::size_t n_p = in.projects.size();
  const bool capped = in.max_per_org_per_project > 0;
  std::map<std::pair<std::uint32_t, Id>, std::size_t> group_node;
  for (const Edge& e : edges) {
    group_node.emplace(std::make_pair(e.project, in.trainees[e.trainee].organization_id), 0);
  }
  const std::size_t source = 0;
  const std::size_t trainee0 = 1;
  const std::size_t group0 = trainee0 + n_t;
  std::size_t next = group0;
  for (auto& [key, node] : group_node) node = next++;
  const std::size_t project0 = next;
  const std::size_t sink = project0 + n_p;
  MinCostFlow flow(sink + 1);
  for (std::size_t t = 0; t < n_t; ++t) flow.add(source, trainee0 + t, 1, 0);
  std::vector<std::pair<std::size_t, Edge>> edge_arcs;
  for (const Edge& e : edges) {
    const std::size_t group = group_node.at({e.project, in.trainees[e.trainee].organization_id});
    edge_arcs.emplace_back(flow.add(trainee0 + e.trainee, group, 1, -e.score), e);
  }
  const std::int32_t cap =
      capped ? in.max_per_org_per_project : std::numeric_limits<std::int32_t>::max();
  for (const auto& [key, node] : group_node) flow.add(node, project0 + key.first, cap, 0);
  for (std::size_t p = 0; p < n_p; ++p) {
    flow.add(project0 + p, sink, std::max(0, in.projects[p].capacity), 0);
  }
  std::vector<std::size_t> order(sink + 1);
  for (std::size_t v = 0; v <= sink; ++v) order[v] = v;  // node numbering is topological
  flow.run(source, sink, order);
  std::vector<Assignment> out;
  for (const auto& [arc, e] : edge_arcs) {
    if (flow.flow(arc) > 0) out.push_back({e.trainee, e.project, e.score});
  }
  return out;
}

std::vector<Assignment> max_score_by_trainee(const AllocationInput& in,
                                             const std::vector<Edge>& edges) {
  // Nodes: trainees, projects, the sink, then one node per (project,
  // organization) group whose cap can bind: more eligible trainees than the
  // cap, and a cap below the project's capacity. Other groups need no node.
  const auto n_t = static_cast<std::uint32_t>(in.trainees.size());
  const auto n_p = static_cast<std::uint32_t>(in.projects.size());
  const std::uint32_t project0 = n_t;
  const std::uint32_t sink = project0 + n_p;
  std::uint32_t nodes = sink + 1;
  const std::int32_t cap = in.max_per_org_per_project;
  std::vector<std::uint32_t> target(edges.size());  // the node each edge enters
  for (std::size_t k = 0; k < edges.size(); ++k) target[k] = project0 + edges[k].project;
  Residual g;
  if (cap > 0) {
    // Edges sorted by (project, organization) give each group as a run.
    std::vector<std::uint32_t> order(edges.size());
    for (std::uint32_t k = 0; k < order.size(); ++k) order[k] = k;
    auto key = [&](std::uint32_t k) {
      return std::make_pair(edges[k].project, in.trainees[edges[k].trainee].organization_id);
    };
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return key(a) < key(b); });
    for (std::size_t lo = 0; lo < order.size();) {
      std::size_t hi = lo + 1;
      while (hi < order.size() && key(order[hi]) == key(order[lo])) ++hi;
      const std::uint32_t p = edges[order[lo]].project;
      if (static_cast<std::int64_t>(hi - lo) > cap && cap < in.projects[p].capacity) {
        const std::uint32_t group = nodes++;
        g.add(group, project0 + p, cap, 0);
        for (std::size_t k = lo; k < hi; ++k) target[order[k]] = group;
      }
      lo = hi;
    }
  }
  std::vector<std::uint32_t> edge_arc(edges.size());
  std::vector<double> best(n_t, -1);
  for (std::size_t k = 0; k < edges.size(); ++k) {
    edge_arc[k] = g.add(edges[k].trainee, target[k], 1, -edges[k].score);
    best[edges[k].trainee] = std::max(best[edges[k].trainee], edges[k].score);
  }
  // Those with an edge, weakest best score first: a stronger trainee added
  // later displaces a weaker one, whose search then ends at once on its
  // unassigned arc; strongest first, each newcomer searched the whole
  // contested region before giving up (528 ms against 46 ms of CPU on the
  // 100k x 2k round; index order 157 ms).
  std::vector<std::uint32_t> trainees;
  for (std::uint32_t t = 0; t < n_t; ++t) {
    if (best[t] < 0) continue;
    trainees.push_back(t);
    g.add(t, sink, 1, 0);  // unassigned
  }
  std::stable_sort(trainees.begin(), trainees.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return best[a] < best[b]; });
  for (std::uint32_t p = 0; p < n_p; ++p) {
    g.add(project0 + p, sink, std::max(0, in.projects[p].capacity), 0);
  }
  g.freeze(nodes);

  // Potentials keep every residual arc's reduced cost cost + pot[u] - pot[v]
  // non-negative, so each search is a Dijkstra. Adding trainee t keeps that
  // true when pot[t] is at least every pot[v] - cost over its new arcs.
  std::vector<double> pot(nodes, 0);
  std::vector<double> dist(nodes, kInf);
  std::vector<std::uint32_t> via(nodes);
  std::vector<char> settled(nodes, 0);
  std::vector<std::uint32_t> touched;
  std::vector<std::uint32_t> done;
  using Item = std::pair<double, std::uint32_t>;
  std::vector<Item> heap;
  for (const std::uint32_t t : trainees) {
    double start = -kInf;
    for (auto k = g.first(t); k < g.last(t); ++k) {
      const auto a = g.arc_at(k);
      start = std::max(start, pot[g.to(a)] - g.cost(a));
    }
    pot[t] = start;
    dist[t] = 0;
    touched.push_back(t);
    heap.emplace_back(0, t);
    while (true) {
      std::pop_heap(heap.begin(), heap.end(), std::greater<>());
      const auto [d, v] = heap.back();
      heap.pop_back();
      if (settled[v]) continue;
      settled[v] = 1;
      done.push_back(v);
      if (v == sink) break;  // reachable: every trainee has its unassigned arc
      const double base = d + pot[v];
      for (auto k = g.first(v); k < g.last(v); ++k) {
        const auto a = g.arc_at(k);
        if (g.cap(a) <= 0) continue;
        const auto w = g.to(a);
        if (settled[w]) continue;
        const double nd = base + g.cost(a) - pot[w];
        if (nd < dist[w]) {
          if (dist[w] == kInf) touched.push_back(w);
          dist[w] = nd;
          via[w] = a;
          heap.emplace_back(nd, w);
          std::push_heap(heap.begin(), heap.end(), std::greater<>());
        }
      }
    }
    // The path is the shortest; pot[v] += min(dist[v], D) for every node
    // keeps the reduced costs non-negative. Shifted by -D, only the settled
    // nodes change.
    const double reach = dist[sink];
    for (std::uint32_t v = sink; v != t;) {
      const auto a = via[v];
      g.push(a);
      v = g.to(a ^ 1);
    }
    for (const auto v : done) pot[v] += dist[v] - reach;
    for (const auto v : touched) {
      dist[v] = kInf;
      settled[v] = 0;
    }
    touched.clear();
    done.clear();
    heap.clear();
  }
  std::vector<Assignment> out;
  for (std::size_t k = 0; k < edges.size(); ++k) {
    if (g.cap(edge_arc[k]) == 0)
      out.push_back({edges[k].trainee, edges[k].project, edges[k].score});
  }
  return out;
}

}  // namespace kakehashi::matcher
