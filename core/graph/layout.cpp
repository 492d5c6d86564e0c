#include "core/graph/layout.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace flowrun::graph {
namespace {

/// Compressed adjacency: the neighbours of vertex v are items[offsets[v] .. offsets[v + 1]).
struct Adjacency {
  std::vector<std::size_t> offsets;
  std::vector<int> items;

  std::size_t begin(int v) const { return offsets[static_cast<std::size_t>(v)]; }
  std::size_t end(int v) const { return offsets[static_cast<std::size_t>(v) + 1]; }
};

/// Out-adjacency whose items are edge indices, so that the DFS can name back edges.
Adjacency out_edges(std::size_t node_count, const std::vector<std::pair<int, int>>& edges) {
  Adjacency adjacency;
  adjacency.offsets.assign(node_count + 1, 0);
  for (const auto& [from, to] : edges) ++adjacency.offsets[static_cast<std::size_t>(from) + 1];
  for (std::size_t v = 0; v < node_count; ++v) adjacency.offsets[v + 1] += adjacency.offsets[v];
  adjacency.items.resize(edges.size());
  std::vector<std::size_t> fill(adjacency.offsets.begin(), adjacency.offsets.end() - 1);
  for (std::size_t e = 0; e < edges.size(); ++e) {
    adjacency.items[fill[static_cast<std::size_t>(edges[e].first)]++] = static_cast<int>(e);
  }
  return adjacency;
}

/// Marks the edges that close a cycle, by an iterative depth-first search started from the
/// roots first, so that the natural direction of the graph is kept.
std::vector<bool> find_back_edges(std::size_t node_count,
                                  const std::vector<std::pair<int, int>>& edges) {
  enum Color : unsigned char { White, Gray, Black };
  const Adjacency adjacency = out_edges(node_count, edges);
  std::vector<std::size_t> in_degree(node_count, 0);
  for (const auto& edge : edges) ++in_degree[static_cast<std::size_t>(edge.second)];
  std::vector<int> starts;
  for (std::size_t v = 0; v < node_count; ++v) {
    if (in_degree[v] == 0) starts.push_back(static_cast<int>(v));
  }
  for (std::size_t v = 0; v < node_count; ++v) {
    if (in_degree[v] != 0) starts.push_back(static_cast<int>(v));
  }

  std::vector<bool> back(edges.size(), false);
  std::vector<Color> color(node_count, White);
  std::vector<std::pair<int, std::size_t>> stack;  // vertex, next out-edge to look at
  for (int start : starts) {
    if (color[static_cast<std::size_t>(start)] != White) continue;
    color[static_cast<std::size_t>(start)] = Gray;
    stack.emplace_back(start, adjacency.begin(start));
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      if (next == adjacency.end(v)) {
        color[static_cast<std::size_t>(v)] = Black;
        stack.pop_back();
        continue;
      }
      const int e = adjacency.items[next++];
      const int to = edges[static_cast<std::size_t>(e)].second;
      if (color[static_cast<std::size_t>(to)] == Gray) {
        back[static_cast<std::size_t>(e)] = true;
      } else if (color[static_cast<std::size_t>(to)] == White) {
        color[static_cast<std::size_t>(to)] = Gray;
        stack.emplace_back(to, adjacency.begin(to));
      }
    }
  }
  return back;
}

/// Longest path from a root over the edges that are not back edges (Kahn's order).
std::vector<int> longest_path_layers(std::size_t node_count,
                                     const std::vector<std::pair<int, int>>& edges,
                                     const std::vector<bool>& back) {
  const Adjacency adjacency = out_edges(node_count, edges);
  std::vector<std::size_t> in_degree(node_count, 0);
  for (std::size_t e = 0; e < edges.size(); ++e) {
    if (!back[e]) ++in_degree[static_cast<std::size_t>(edges[e].second)];
  }
  std::vector<int> layer(node_count, 0);
  std::vector<int> ready;
  for (std::size_t v = 0; v < node_count; ++v) {
    if (in_degree[v] == 0) ready.push_back(static_cast<int>(v));
  }
  while (!ready.empty()) {
    const int v = ready.back();
    ready.pop_back();
    for (std::size_t i = adjacency.begin(v); i < adjacency.end(v); ++i) {
      const auto e = static_cast<std::size_t>(adjacency.items[i]);
      if (back[e]) continue;
      const auto to = static_cast<std::size_t>(edges[e].second);
      layer[to] = std::max(layer[to], layer[static_cast<std::size_t>(v)] + 1);
      if (--in_degree[to] == 0) ready.push_back(static_cast<int>(to));
    }
  }
  return layer;
}

/// Splits every kept edge into segments between adjacent layers, adding dummy vertices.
void route_edges(Layout& layout, const std::vector<std::pair<int, int>>& edges,
                 const std::vector<bool>& back) {
  for (std::size_t e = 0; e < edges.size(); ++e) {
    if (back[e]) continue;
    int upper = edges[e].first;
    const int to = edges[e].second;
    const int target_layer = layout.layer_of[static_cast<std::size_t>(to)];
    for (int layer = layout.layer_of[static_cast<std::size_t>(upper)] + 1; layer < target_layer;
         ++layer) {
      const auto dummy = static_cast<int>(layout.layer_of.size());
      layout.layer_of.push_back(layer);
      layout.segments.push_back({upper, dummy, e});
      upper = dummy;
    }
    layout.segments.push_back({upper, to, e});
  }
  std::stable_sort(layout.segments.begin(), layout.segments.end(),
                   [&](const LayoutSegment& a, const LayoutSegment& b) {
                     return layout.layer_of[static_cast<std::size_t>(a.upper)] <
                            layout.layer_of[static_cast<std::size_t>(b.upper)];
                   });
}

/// Neighbours of every vertex in the layer above (`upward`) or below.
Adjacency segment_neighbours(const Layout& layout, bool upward) {
  const std::size_t count = layout.vertex_count();
  Adjacency adjacency;
  adjacency.offsets.assign(count + 1, 0);
  for (const auto& s : layout.segments) {
    ++adjacency.offsets[static_cast<std::size_t>(upward ? s.lower : s.upper) + 1];
  }
  for (std::size_t v = 0; v < count; ++v) adjacency.offsets[v + 1] += adjacency.offsets[v];
  adjacency.items.resize(layout.segments.size());
  std::vector<std::size_t> fill(adjacency.offsets.begin(), adjacency.offsets.end() - 1);
  for (const auto& s : layout.segments) {
    const int from = upward ? s.lower : s.upper;
    adjacency.items[fill[static_cast<std::size_t>(from)]++] = upward ? s.upper : s.lower;
  }
  return adjacency;
}

/// Reorders one layer by the mean position of each vertex's neighbours in the adjacent layer;
/// vertices without such neighbours keep their place.
void sort_by_barycenter(Layout& layout, std::vector<int>& row, const Adjacency& neighbours) {
  std::vector<std::pair<double, int>> keyed;
  keyed.reserve(row.size());
  for (int v : row) {
    double key = layout.position[static_cast<std::size_t>(v)];
    const std::size_t begin = neighbours.begin(v);
    const std::size_t end = neighbours.end(v);
    if (begin != end) {
      double sum = 0;
      for (std::size_t i = begin; i < end; ++i) {
        sum += layout.position[static_cast<std::size_t>(neighbours.items[i])];
      }
      key = sum / static_cast<double>(end - begin);
    }
    keyed.emplace_back(key, v);
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    row[i] = keyed[i].second;
    layout.position[static_cast<std::size_t>(row[i])] = static_cast<int>(i);
  }
}

void order_layers(Layout& layout, int sweeps) {
  const Adjacency above = segment_neighbours(layout, true);
  const Adjacency below = segment_neighbours(layout, false);
  for (int sweep = 0; sweep < sweeps; ++sweep) {
    if (sweep % 2 == 0) {
      for (std::size_t k = 1; k < layout.layers.size(); ++k) {
        sort_by_barycenter(layout, layout.layers[k], above);
      }
    } else {
      for (std::size_t k = layout.layers.size(); k-- > 1;) {
        sort_by_barycenter(layout, layout.layers[k - 1], below);
      }
    }
  }
}

std::size_t count_dummies(const Layout& layout, const std::vector<std::pair<int, int>>& edges,
                          const std::vector<bool>& back) {
  std::size_t dummies = 0;
  for (std::size_t e = 0; e < edges.size(); ++e) {
    if (back[e]) continue;
    const int span = layout.layer_of[static_cast<std::size_t>(edges[e].second)] -
                     layout.layer_of[static_cast<std::size_t>(edges[e].first)];
    dummies += static_cast<std::size_t>(std::max(span - 1, 0));
  }
  return dummies;
}

}  // namespace

Layout layout_layers(std::size_t node_count, const std::vector<std::pair<int, int>>& edges,
                     const LayoutOptions& options) {
  Layout layout;
  layout.node_count = node_count;
  const std::vector<bool> back = find_back_edges(node_count, edges);
  for (std::size_t e = 0; e < edges.size(); ++e) {
    if (back[e]) layout.back_edges.push_back(e);
  }
  layout.layer_of = longest_path_layers(node_count, edges, back);
  if (count_dummies(layout, edges, back) <= options.max_dummies) {
    route_edges(layout, edges, back);
  } else {
    layout.routed = false;
  }

  int layer_count = 0;
  for (int layer : layout.layer_of) layer_count = std::max(layer_count, layer + 1);
  layout.layers.assign(static_cast<std::size_t>(layer_count), {});
  layout.position.assign(layout.vertex_count(), 0);
  for (std::size_t v = 0; v < layout.vertex_count(); ++v) {
    auto& row = layout.layers[static_cast<std::size_t>(layout.layer_of[v])];
    layout.position[v] = static_cast<int>(row.size());
    row.push_back(static_cast<int>(v));
  }
  if (layout.routed) order_layers(layout, options.sweeps);
  return layout;
}

Layout layout_graph(const Graph& graph, const LayoutOptions& options) {
  std::unordered_map<std::string_view, int> index;
  index.reserve(graph.nodes.size());
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    index.emplace(graph.nodes[i].id, static_cast<int>(i));
  }
  std::vector<std::pair<int, int>> edges;
  std::vector<std::size_t> original;
  for (std::size_t e = 0; e < graph.edges.size(); ++e) {
    auto from = index.find(graph.edges[e].from);
    auto to = index.find(graph.edges[e].to);
    if (from == index.end() || to == index.end()) continue;
    edges.emplace_back(from->second, to->second);
    original.push_back(e);
  }
  Layout layout = layout_layers(graph.nodes.size(), edges, options);
  for (auto& segment : layout.segments) segment.edge = original[segment.edge];
  for (auto& edge : layout.back_edges) edge = original[edge];
  return layout;
}

}  // namespace flowrun::graph
