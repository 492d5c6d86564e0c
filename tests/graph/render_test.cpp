#include <doctest/doctest.h>

#include <string>

#include "core/graph/render_formats.hpp"
#include "core/graph/render_text.hpp"

using flowrun::graph::EdgeStyle;
using flowrun::graph::Graph;
using flowrun::graph::render_dot;
using flowrun::graph::render_json;
using flowrun::graph::render_mermaid;
using flowrun::graph::render_text;
using flowrun::graph::TextOptions;

namespace {

Graph diamond() {
  Graph graph;
  graph.nodes = {{"a", "a", "run", "", ""},
                 {"b", "b", "run", "", ""},
                 {"c", "c", "run", "", ""},
                 {"d", "d", "run", "", ""}};
  graph.edges = {{"a", "b", "", {}}, {"a", "c", "", {}}, {"b", "d", "", {}}, {"c", "d", "", {}}};
  return graph;
}

Graph chain(int count) {
  Graph graph;
  for (int i = 0; i < count; ++i) {
    const std::string id = "s" + std::to_string(i);
    graph.nodes.push_back({id, id, "run", ""});
    if (i > 0) graph.edges.push_back({"s" + std::to_string(i - 1), id, "", {}});
  }
  return graph;
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("a diamond is drawn with box-drawing characters") {
  CHECK(render_text(diamond()) == R"(      [a · run]
    ┌─────┴─────┐
    ▼           ▼
[b · run]   [c · run]
    └─────┬─────┘
          ▼
      [d · run]
)");
}

TEST_CASE("the ascii drawing of a diamond uses only + - | v") {
  const std::string text = render_text(diamond(), TextOptions{false, 100});
  CHECK(text == R"(      [a : run]
    +-----+-----+
    v           v
[b : run]   [c : run]
    +-----+-----+
          v
      [d : run]
)");
  CHECK(std::all_of(text.begin(), text.end(), [](char c) { return c > 0 && c < 0x7F; }));
}

TEST_CASE("a non-default trigger rule is written beside the arrow it labels") {
  Graph graph;
  graph.nodes = {{"a", "a", "run", "", ""}, {"b", "b", "run", "", ""}};
  graph.edges = {{"a", "b", "all_done", {}}};
  CHECK(render_text(graph) == R"([a · run]
    ▼ all_done
[b · run]
)");
}

TEST_CASE("different labels into one node become numbered footnotes; a loop is listed") {
  Graph graph;
  graph.nodes = {{"check", "check", "Choice", ""},
                 {"retry", "retry", "Pass", ""},
                 {"x", "x", "Task", ""},
                 {"done", "done", "Succeed", ""}};
  graph.edges = {{"check", "done", "$.ok == true", EdgeStyle::Conditional},
                 {"x", "done", "States.ALL", EdgeStyle::Catch},
                 {"check", "x", "", {}},
                 {"check", "retry", "default", EdgeStyle::Default},
                 {"retry", "check", "", {}}};
  CHECK(render_text(graph) == R"(               [check · Choice]
      ┌───────────────┼───────┐
      ▼ default       ▼       │
[retry · Pass]    [x · Task]  │
                      └───┬───┘
                          ▼ (1,2)
                   [done · Succeed]

(1) check → done: $.ok == true
(2) x → done: States.ALL
↺ retry → check
)");
}

TEST_CASE("a group is a labelled section under the top level") {
  Graph graph;
  graph.title = "deploy";
  graph.nodes = {{"build", "build", "run", ""},
                 {"notify", "notify", "run", "on_failure"},
                 {"page", "page", "run", "on_failure"}};
  graph.groups = {{"on_failure", "on_failure", ""}};
  graph.edges = {{"notify", "page", "always", {}}};
  CHECK(render_text(graph) == R"(deploy

[build · run]

╭─ on_failure
│  [notify · run]
│        ▼ always
│   [page · run]
╰─
)");
}

TEST_CASE("the one edge into a group names the group; other edges across groups are listed") {
  Graph graph;
  graph.nodes = {
      {"a", "a", "run", "", ""}, {"end", "end", "end", ""}, {"m", "my step", "cmd", "g"}};
  graph.groups = {{"g", "fan out", ""}};
  graph.edges = {{"a", "end", "if: x > 1", EdgeStyle::Conditional},
                 {"a", "m", "", {}},
                 {"m", "end", "States.ALL", EdgeStyle::Catch}};
  CHECK(render_text(graph) == R"([a · run]
    ▼ if: x > 1
  [end]

╭─ a · fan out
│  [my step · cmd]
╰─

↪ my step → end: States.ALL
)");
}

TEST_CASE("a graph too wide for the page is listed layer by layer with each node's inputs") {
  Graph graph;
  for (int i = 0; i < 6; ++i) {
    const std::string id = "n" + std::to_string(i);
    graph.nodes.push_back({id, id, "run", ""});
    if (i > 0) graph.edges.push_back({"n0", id, i == 3 ? "one_failed" : "", {}});
  }
  CHECK(render_text(graph, TextOptions{true, 40}) ==
        R"(6 nodes in 2 layers, too wide to draw; by layer:
layer 1
  [n0 · run]
layer 2
  [n1 · run]  ← n0
  [n2 · run]  ← n0
  [n3 · run]  ← n0  (one_failed)
  [n4 · run]  ← n0
  [n5 · run]  ← n0
)");
}

TEST_CASE("a chain of 10 000 steps is drawn two lines per step") {
  const std::string text = render_text(chain(10'000));
  CHECK(count_lines(text) == 2 * 10'000 - 1);
  CHECK(text.ends_with("[s9999 · run]\n"));
}

TEST_CASE("a fan-out 10 000 wide falls back to the list and wraps the fan-in") {
  Graph graph;
  const int width = 10'000;
  graph.nodes.push_back({"root", "root", "run", ""});
  graph.nodes.push_back({"sink", "sink", "run", ""});
  for (int i = 0; i < width; ++i) {
    const std::string id = "w" + std::to_string(i);
    graph.nodes.push_back({id, id, "run", ""});
    graph.edges.push_back({"root", id, "", {}});
    graph.edges.push_back({id, "sink", "", {}});
  }
  const std::string text = render_text(graph);
  CHECK(text.starts_with("10002 nodes in 3 layers, too wide to draw; by layer:\n"));
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    CHECK(end - start <= 100 + 2);  // `←` takes three bytes and one column
    start = end + 1;
  }
}

TEST_CASE("an empty graph says so") { CHECK(render_text(Graph{}) == "(empty graph)\n"); }

namespace {

Graph small_graph() {
  Graph graph;
  graph.title = R"(say "hi")";
  graph.nodes = {
      {"a", "a", "run", "", ""}, {"end", "end", "end", ""}, {"my-step.1", "my step", "cmd", "g"}};
  graph.groups = {{"g", "fan out", ""}};
  graph.edges = {{"a", "end", "if: x > 1", EdgeStyle::Conditional},
                 {"a", "my-step.1", "", {}},
                 {"my-step.1", "end", "States.ALL", EdgeStyle::Catch}};
  return graph;
}

}  // namespace

TEST_CASE("dot output quotes ids and puts groups in clusters") {
  CHECK(render_dot(small_graph()) == R"(digraph "say \"hi\"" {
  rankdir=TB;
  node [shape=box];
  "a" [label="a\nrun"];
  "end" [label="end"];
  subgraph "cluster_0" {
    label="fan out";
    "my-step.1" [label="my step\ncmd"];
  }
  "a" -> "end" [label="if: x > 1", style=dashed];
  "a" -> "my-step.1";
  "my-step.1" -> "end" [label="States.ALL", style=dashed, color=red, fontcolor=red];
}
)");
}

TEST_CASE("mermaid output uses safe ids, quoted labels and subgraphs") {
  CHECK(render_mermaid(small_graph()) == R"(flowchart TD
  n_a["a · run"]
  n_end["end"]
  subgraph g_g["fan out"]
    n_my_step_1["my step · cmd"]
  end
  n_a -.->|"if: x #gt; 1"| n_end
  n_a --> n_my_step_1
  n_my_step_1 -.->|"States.ALL"| n_end
)");
}

TEST_CASE("mermaid ids stay unique when sanitizing makes them equal") {
  Graph graph;
  graph.nodes = {{"a-b", "a-b", "", ""}, {"a.b", "a.b", "", ""}};
  graph.edges = {{"a-b", "a.b", "", {}}};
  CHECK(render_mermaid(graph) == R"(flowchart TD
  n_a_b["a-b"]
  n_a_b_2["a.b"]
  n_a_b --> n_a_b_2
)");
}

TEST_CASE("json output lists nodes, edges and groups") {
  const nlohmann::json json = render_json(small_graph());
  CHECK(json["title"] == R"(say "hi")");
  REQUIRE(json["nodes"].size() == 3);
  CHECK(json["nodes"][0] ==
        nlohmann::json{{"id", "a"}, {"label", "a"}, {"kind", "run"}, {"group", nullptr}});
  CHECK(json["nodes"][2]["group"] == "g");
  REQUIRE(json["edges"].size() == 3);
  CHECK(json["edges"][0] ==
        nlohmann::json{
            {"from", "a"}, {"to", "end"}, {"label", "if: x > 1"}, {"style", "conditional"}});
  CHECK(json["edges"][2]["style"] == "catch");
  CHECK(json["groups"] ==
        nlohmann::json::array({{{"id", "g"}, {"label", "fan out"}, {"parent", nullptr}}}));
}
