#include "core/graph/workflow_graph.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/model_builders.hpp"

using flowrun::ActionKind;
using flowrun::Foreach;
using flowrun::Step;
using flowrun::StepType;
using flowrun::TriggerRule;
using flowrun::Workflow;
using flowrun::graph::build_workflow_graph;
using flowrun::graph::EdgeStyle;
using flowrun::graph::Graph;
using flowrun::graph::GraphEdge;
using flowrun::graph::GraphNode;

namespace {

Step make_step(std::string id, std::vector<std::string> needs, ActionKind kind = ActionKind::Run) {
  Step step;
  step.id = std::move(id);
  step.needs = flowrun::test::needs_of(std::move(needs));
  step.action.kind = kind;
  return step;
}

const GraphNode& node(const Graph& graph, const std::string& id) {
  for (const auto& n : graph.nodes) {
    if (n.id == id) return n;
  }
  FAIL("no node " << id);
  return graph.nodes.front();
}

const GraphEdge& edge(const Graph& graph, const std::string& from, const std::string& to) {
  for (const auto& e : graph.edges) {
    if (e.from == from && e.to == to) return e;
  }
  FAIL("no edge " << from << " -> " << to);
  return graph.edges.front();
}

}  // namespace

TEST_CASE("every step is a node whose kind is its action") {
  Workflow workflow;
  workflow.name = "etl";
  workflow.steps.push_back(make_step("extract", {}));
  workflow.steps.push_back(make_step("list", {}, ActionKind::Cmd));
  Step fetch = make_step("fetch", {}, ActionKind::Uses);
  fetch.edit_extra().plugin = "http";
  workflow.steps.push_back(fetch);
  Step gate = make_step("gate", {}, ActionKind::Type);
  gate.action.type = StepType::Approval;
  workflow.steps.push_back(gate);

  const Graph graph = build_workflow_graph(workflow);
  CHECK(graph.title == "etl");
  REQUIRE(graph.nodes.size() == 4);
  CHECK(node(graph, "extract").kind == "run");
  CHECK(node(graph, "extract").label == "extract");
  CHECK(node(graph, "extract").group.empty());
  CHECK(node(graph, "list").kind == "cmd");
  CHECK(node(graph, "fetch").kind == "uses:http");
  CHECK(node(graph, "gate").kind == "approval");
  CHECK(graph.edges.empty());
  CHECK(graph.groups.empty());
}

TEST_CASE("a fan-out step is marked with its item count or as foreach") {
  Workflow workflow;
  Step literal = make_step("each", {});
  literal.edit_extra().foreach = Foreach{};
  literal.edit_extra().foreach->items = nlohmann::json::array({"a", "b", "c"});
  workflow.steps.push_back(literal);
  Step dynamic = make_step("dyn", {});
  dynamic.edit_extra().foreach = Foreach{};
  dynamic.edit_extra().foreach->expression = "${{ steps.list.outputs.files }}";
  workflow.steps.push_back(dynamic);

  const Graph graph = build_workflow_graph(workflow);
  CHECK(node(graph, "each").kind == "run ×3");
  CHECK(node(graph, "dyn").kind == "run foreach steps.list.outputs.files");
}

TEST_CASE("each need is an edge labelled with a non-default trigger rule and the condition") {
  Workflow workflow;
  workflow.steps.push_back(make_step("a", {}));
  workflow.steps.push_back(make_step("b", {"a"}));
  Step c = make_step("c", {"a", "b"});
  c.trigger = TriggerRule::AllDone;
  workflow.steps.push_back(c);
  Step d = make_step("d", {"c"});
  d.edit_extra().condition = "${{ params.environment == 'production' && steps.c.outputs.ok }}";
  workflow.steps.push_back(d);
  Step e = make_step("e", {"d"});
  e.trigger = TriggerRule::OneFailed;
  e.edit_extra().condition = "${{ failure() }}";
  workflow.steps.push_back(e);

  const Graph graph = build_workflow_graph(workflow);
  REQUIRE(graph.edges.size() == 5);
  CHECK(edge(graph, "a", "b").label.empty());
  CHECK(edge(graph, "a", "b").style == EdgeStyle::Normal);
  CHECK(edge(graph, "a", "c").label == "all_done");
  CHECK(edge(graph, "b", "c").label == "all_done");
  CHECK(edge(graph, "c", "d").label == "if: params.environment == 'produc…");
  CHECK(edge(graph, "c", "d").style == EdgeStyle::Conditional);
  CHECK(edge(graph, "d", "e").label == "one_failed, if: failure()");
}

TEST_CASE("handler steps are grouped by handler and keep their own needs") {
  Workflow workflow;
  workflow.steps.push_back(make_step("build", {}));
  workflow.on_failure.push_back(make_step("notify", {}));
  Step page = make_step("page", {"notify"});
  page.trigger = TriggerRule::Always;
  workflow.on_failure.push_back(page);
  workflow.on_exit.push_back(make_step("build", {}));  // same id as a main step

  const Graph graph = build_workflow_graph(workflow);
  REQUIRE(graph.groups.size() == 2);
  CHECK(graph.groups[0].id == "on_failure");
  CHECK(graph.groups[0].label == "on_failure");
  CHECK(graph.groups[1].id == "on_exit");
  CHECK(node(graph, "notify").group == "on_failure");
  CHECK(node(graph, "on_exit/build").group == "on_exit");
  CHECK(node(graph, "on_exit/build").label == "build");
  REQUIRE(graph.edges.size() == 1);
  CHECK(edge(graph, "notify", "page").label == "always");
}

TEST_CASE("needs that name no step are left out") {
  Workflow workflow;
  workflow.steps.push_back(make_step("a", {"missing"}));
  CHECK(build_workflow_graph(workflow).edges.empty());
}
