#include "core/graph/layout.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

using flowrun::graph::Graph;
using flowrun::graph::Layout;
using flowrun::graph::layout_graph;
using flowrun::graph::layout_layers;

namespace {

using EdgeList = std::vector<std::pair<int, int>>;

/// Every segment joins adjacent layers and every kept edge is a connected chain of segments.
void check_segments_join_adjacent_layers(const Layout& layout) {
  for (const auto& segment : layout.segments) {
    CHECK(layout.layer_of[static_cast<std::size_t>(segment.lower)] ==
          layout.layer_of[static_cast<std::size_t>(segment.upper)] + 1);
  }
}

}  // namespace

TEST_CASE("a node's layer is the longest path to it from a root") {
  // 0 -> 1 -> 2 -> 3 and a shortcut 0 -> 3; 4 is alone.
  const Layout layout = layout_layers(5, EdgeList{{0, 1}, {1, 2}, {2, 3}, {0, 3}});
  CHECK(layout.layer_of[0] == 0);
  CHECK(layout.layer_of[1] == 1);
  CHECK(layout.layer_of[2] == 2);
  CHECK(layout.layer_of[3] == 3);
  CHECK(layout.layer_of[4] == 0);
  REQUIRE(layout.layers.size() == 4);
  CHECK(layout.back_edges.empty());
}

TEST_CASE("an edge that skips layers is routed through a dummy in each layer between") {
  const Layout layout = layout_layers(4, EdgeList{{0, 1}, {1, 2}, {2, 3}, {0, 3}});
  REQUIRE(layout.routed);
  CHECK(layout.vertex_count() == 6);  // the shortcut 0 -> 3 crosses layers 1 and 2
  CHECK(layout.is_dummy(4));
  CHECK(layout.is_dummy(5));
  CHECK(layout.segments.size() == 6);
  check_segments_join_adjacent_layers(layout);
  for (std::size_t k = 0; k < layout.layers.size(); ++k) {
    for (std::size_t i = 0; i < layout.layers[k].size(); ++i) {
      CHECK(layout.position[static_cast<std::size_t>(layout.layers[k][i])] == static_cast<int>(i));
    }
  }
}

TEST_CASE("barycenter ordering keeps children under their parents") {
  // Roots 0 and 1; 1's child is listed first, so a naive order would cross.
  const Layout layout = layout_layers(4, EdgeList{{1, 2}, {0, 3}});
  REQUIRE(layout.layers.size() == 2);
  CHECK(layout.layers[0] == std::vector<int>{0, 1});
  CHECK(layout.layers[1] == std::vector<int>{3, 2});
}

TEST_CASE("edges that close a cycle are left out and reported") {
  SUBCASE("a loop back to an earlier node") {
    const Layout layout = layout_layers(3, EdgeList{{0, 1}, {1, 2}, {2, 1}});
    CHECK(layout.back_edges == std::vector<std::size_t>{2});
    CHECK(layout.layer_of[2] == 2);
  }
  SUBCASE("a self-loop") {
    const Layout layout = layout_layers(2, EdgeList{{0, 1}, {1, 1}});
    CHECK(layout.back_edges == std::vector<std::size_t>{1});
  }
}

TEST_CASE("a graph's layout refers to its edges by their index in the graph") {
  Graph graph;
  graph.nodes = {{"a", "a", "run", "", ""}, {"b", "b", "run", "", ""}};
  graph.edges = {{"a", "missing", "", {}}, {"a", "b", "", {}}, {"b", "a", "", {}}};
  const Layout layout = layout_graph(graph);
  REQUIRE(layout.segments.size() == 1);
  CHECK(layout.segments[0].edge == 1);
  CHECK(layout.back_edges == std::vector<std::size_t>{2});
}

TEST_CASE("a chain of 10 000 nodes is laid out without deep recursion") {
  const int count = 10'000;
  EdgeList edges;
  for (int i = 1; i < count; ++i) edges.emplace_back(i - 1, i);
  const Layout layout = layout_layers(count, edges);
  CHECK(layout.layers.size() == static_cast<std::size_t>(count));
  CHECK(layout.layer_of[count - 1] == count - 1);
  CHECK(layout.segments.size() == static_cast<std::size_t>(count - 1));
}

TEST_CASE("a graph 10 000 wide is laid out in three layers") {
  const int width = 10'000;
  EdgeList edges;
  for (int i = 1; i <= width; ++i) {
    edges.emplace_back(0, i);
    edges.emplace_back(i, width + 1);
  }
  const Layout layout = layout_layers(width + 2, edges);
  REQUIRE(layout.layers.size() == 3);
  CHECK(layout.layers[1].size() == static_cast<std::size_t>(width));
  CHECK(layout.layer_of[width + 1] == 2);
}

TEST_CASE("too many long edges leave the layout unrouted instead of exploding") {
  // Every node of a chain also needs the first one: about n^2 / 2 dummies.
  const int count = 2'000;
  EdgeList edges;
  for (int i = 1; i < count; ++i) {
    edges.emplace_back(i - 1, i);
    edges.emplace_back(0, i);
  }
  const Layout layout = layout_layers(count, edges);
  CHECK_FALSE(layout.routed);
  CHECK(layout.segments.empty());
  CHECK(layout.vertex_count() == static_cast<std::size_t>(count));
  CHECK(layout.layers.size() == static_cast<std::size_t>(count));
}
