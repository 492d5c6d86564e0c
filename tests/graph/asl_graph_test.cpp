#include "core/graph/asl_graph.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "core/asl/load_state_machine.hpp"

using namespace flowrun;
using graph::EdgeStyle;

namespace {

graph::Graph build(const std::string& text) {
  Diagnostics d;
  auto document = parse_document("m.yaml", text, d);
  REQUIRE(document);
  auto machine = load_state_machine(*document, d);
  REQUIRE(machine);
  REQUIRE(d.items().empty());
  return graph::build_asl_graph(*machine);
}

const graph::GraphNode* find_node(const graph::Graph& g, const std::string& id) {
  auto it = std::find_if(g.nodes.begin(), g.nodes.end(), [&](const auto& n) { return n.id == id; });
  return it == g.nodes.end() ? nullptr : &*it;
}

std::vector<std::string> edge_list(const graph::Graph& g) {
  std::vector<std::string> out;
  for (const auto& e : g.edges) {
    out.push_back(e.from + " -> " + e.to + (e.label.empty() ? "" : " [" + e.label + "]"));
  }
  return out;
}

const char* kMachine = R"(Comment: demo
StartAt: Check
States:
  Check:
    Type: Choice
    Choices:
      - {Variable: $.total, NumericGreaterThan: 100, Next: Charge}
    Default: Done
  Charge:
    Type: Task
    Resource: arn:aws:lambda:eu-west-1:1:function:charge-card
    Catch:
      - {ErrorEquals: [CardDeclined, States.Timeout], Next: Failed}
    Next: Ship
  Ship:
    Type: Parallel
    Branches:
      - StartAt: Pack
        States:
          Pack: {Type: Task, Resource: arn:aws:states:::lambda:invoke, Next: Label}
          Label: {Type: Pass, End: true}
      - StartAt: Notify
        States:
          Notify: {Type: Succeed}
    End: true
  Done: {Type: Succeed}
  Failed: {Type: Fail, Error: E}
)";

}  // namespace

TEST_CASE("states become nodes with their type, and Task nodes show the resource") {
  auto g = build(kMachine);
  CHECK(g.title == "demo");
  std::vector<std::string> ids;
  for (const auto& n : g.nodes) ids.push_back(n.id);
  CHECK(ids == std::vector<std::string>{"__start__", "Check", "Charge", "Ship",
                                        "Ship/branch 1/Pack", "Ship/branch 1/Label",
                                        "Ship/branch 2/Notify", "Done", "Failed", "__end__"});
  CHECK(find_node(g, "Check")->kind == "Choice");
  CHECK(find_node(g, "Charge")->kind == "Task charge-card");
  CHECK(find_node(g, "Ship/branch 1/Pack")->kind == "Task lambda:invoke");
  CHECK(find_node(g, "Ship/branch 1/Pack")->label == "Pack");
  CHECK(find_node(g, "Ship/branch 1/Pack")->group == "Ship/branch 1");
  CHECK(find_node(g, "__start__")->kind == "start");
  CHECK(find_node(g, "__end__")->kind == "end");
}

TEST_CASE("transitions become edges styled by their kind") {
  auto g = build(kMachine);
  CHECK(edge_list(g) == std::vector<std::string>{
                            "__start__ -> Check",
                            "Ship -> Ship/branch 1/Pack",
                            "Ship/branch 1/Pack -> Ship/branch 1/Label",
                            "Ship -> Ship/branch 2/Notify",
                            "Check -> Charge [$.total > 100]",
                            "Check -> Done [default]",
                            "Charge -> Ship",
                            "Charge -> Failed [CardDeclined, States.Timeout]",
                            "Ship -> __end__",
                            "Done -> __end__",
                            "Failed -> __end__",
                        });
  auto style_of = [&](const std::string& from, const std::string& to) {
    for (const auto& e : g.edges) {
      if (e.from == from && e.to == to) return e.style;
    }
    FAIL("no edge " << from << " -> " << to);
    return EdgeStyle::Normal;
  };
  CHECK(style_of("Check", "Charge") == EdgeStyle::Conditional);
  CHECK(style_of("Check", "Done") == EdgeStyle::Default);
  CHECK(style_of("Charge", "Failed") == EdgeStyle::Catch);
  CHECK(style_of("Charge", "Ship") == EdgeStyle::Normal);
}

TEST_CASE("Parallel branches and Map processors are nested groups") {
  auto g = build(R"(StartAt: Outer
States:
  Outer:
    Type: Parallel
    Branches:
      - StartAt: Each
        States:
          Each:
            Type: Map
            ItemProcessor:
              StartAt: Work
              States:
                Work: {Type: Pass, End: true}
            End: true
    End: true
)");
  REQUIRE(g.groups.size() == 2);
  CHECK(g.groups[0].id == "Outer/branch 1");
  CHECK(g.groups[0].label == "branch 1");
  CHECK(g.groups[0].parent.empty());
  CHECK(g.groups[1].id == "Outer/branch 1/Each/processor");
  CHECK(g.groups[1].label == "processor");
  CHECK(g.groups[1].parent == "Outer/branch 1");
  REQUIRE(find_node(g, "Outer/branch 1/Each/processor/Work"));
  CHECK(find_node(g, "Outer/branch 1/Each/processor/Work")->group ==
        "Outer/branch 1/Each/processor");
  auto edges = edge_list(g);
  CHECK(std::count(edges.begin(), edges.end(),
                   "Outer/branch 1/Each -> Outer/branch 1/Each/processor/Work") == 1);
}

TEST_CASE("resource ARNs are shortened for node labels") {
  CHECK(graph::short_resource_name("arn:aws:states:::lambda:invoke") == "lambda:invoke");
  CHECK(graph::short_resource_name("arn:aws:states:::sqs:sendMessage.waitForTaskToken") ==
        "sqs:sendMessage.waitForTaskToken");
  CHECK(graph::short_resource_name("arn:aws:lambda:us-east-1:1:function:Charge:prod") == "Charge");
  CHECK(graph::short_resource_name("arn:aws:states:us-east-1:1:activity:review") ==
        "activity:review");
  CHECK(graph::short_resource_name("arn:aws:ecs:us-east-1:1:task-definition/etl") == "etl");
  CHECK(graph::short_resource_name("local-script") == "local-script");
}

TEST_CASE("a JSONata Choice rule is labelled with its Condition's expression") {
  auto g = build(R"(QueryLanguage: JSONata
StartAt: C
States:
  C:
    Type: Choice
    Choices:
      - {Condition: "{%  $states.input.total > 100 %}", Next: Big}
    Default: Big
  Big: {Type: Succeed}
)");
  auto edges = edge_list(g);
  CHECK(std::find(edges.begin(), edges.end(), "C -> Big [$states.input.total > 100]") !=
        edges.end());
}
