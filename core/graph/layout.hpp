#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "core/graph/graph.hpp"

namespace flowrun::graph {

/// A piece of an edge between two adjacent layers; a long edge becomes a chain of these
/// through dummy vertices.
struct LayoutSegment {
  int upper = 0;         ///< vertex in layer k
  int lower = 0;         ///< vertex in layer k + 1
  std::size_t edge = 0;  ///< index of the input edge it belongs to
};

struct LayoutOptions {
  /// The most dummy vertices created for long edges; past it the layout is left unrouted.
  std::size_t max_dummies = 200'000;
  /// Barycenter sweeps that order the vertices within layers (down, up, down, ...).
  int sweeps = 3;
};

/// Layers of a directed graph. Vertices [0, node_count) are the input nodes; the others are
/// dummies that carry long edges through the layers they skip.
struct Layout {
  std::size_t node_count = 0;
  std::vector<int> layer_of;             ///< layer of every vertex
  std::vector<int> position;             ///< index of every vertex within its layer
  std::vector<std::vector<int>> layers;  ///< vertices of each layer, left to right
  std::vector<LayoutSegment> segments;   ///< every drawn edge piece, by upper layer
  /// Input edges left out of the layering because they close a cycle (self-loops included).
  std::vector<std::size_t> back_edges;
  /// False when long edges needed more than `max_dummies`: then there are no dummies and no
  /// segments, only the layers of the input nodes.
  bool routed = true;

  bool is_dummy(int vertex) const { return static_cast<std::size_t>(vertex) >= node_count; }
  std::size_t vertex_count() const { return layer_of.size(); }
};

/// Lays out nodes 0..node_count-1 joined by `edges` (from, to): layer = longest path from a
/// root, cycles broken by leaving back edges out, order within layers by barycenter sweeps.
/// Iterative and near linear, so 10 000-long chains and 10 000-wide layers are fine.
Layout layout_layers(std::size_t node_count, const std::vector<std::pair<int, int>>& edges,
                     const LayoutOptions& options = {});

/// Lays out every node of `graph`, ignoring groups. Segment and back-edge indices refer to
/// `graph.edges`; edges naming unknown nodes are left out.
Layout layout_graph(const Graph& graph, const LayoutOptions& options = {});

}  // namespace flowrun::graph
