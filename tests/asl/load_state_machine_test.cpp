#include "core/asl/load_state_machine.hpp"

#include <doctest/doctest.h>

using namespace flowrun;

namespace {

std::optional<asl::StateMachine> load(const std::string& text, Diagnostics& d,
                                      const std::string& path = "m.yaml") {
  auto document = parse_document(path, text, d);
  REQUIRE(document);
  return load_state_machine(*document, d);
}

const char* kOrder = R"(
Comment: orders
StartAt: Check
TimeoutSeconds: 60
Version: "1.0"
States:
  Check:
    Type: Choice
    Choices:
      - Variable: $.total
        NumericGreaterThan: 100
        Next: Big
      - And:
          - {Variable: $.vip, BooleanEquals: true}
          - {Variable: $.name, StringEquals: bob}
        Next: Big
      - Not: {Variable: $.x, IsPresent: true}
        Next: Small
    Default: Small
  Big:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Retry:
      - ErrorEquals: [States.Timeout]
        IntervalSeconds: 3
        MaxAttempts: 5
        BackoffRate: 1.5
      - ErrorEquals: [States.ALL]
    Catch:
      - ErrorEquals: [States.ALL]
        Next: Small
    Next: Fan
  Fan:
    Type: Parallel
    Branches:
      - StartAt: A
        States:
          A: {Type: Pass, End: true}
      - StartAt: B
        States:
          B: {Type: Succeed}
    Next: Each
  Each:
    Type: Map
    Iterator:
      StartAt: Item
      States:
        Item: {Type: Pass, End: true}
    End: true
  Small:
    Type: Succeed
)";

}  // namespace

TEST_CASE("a state machine keeps its states in file order with their positions") {
  Diagnostics d;
  auto machine = load(kOrder, d);
  REQUIRE(machine);
  CHECK(d.items().empty());
  CHECK(machine->comment == "orders");
  CHECK(machine->start_at == "Check");
  CHECK(machine->start_at_pos == SourcePos{3, 10});
  CHECK(machine->timeout_seconds == 60);
  CHECK(machine->version == "1.0");
  REQUIRE(machine->states.size() == 5);
  std::vector<std::string> names;
  for (const auto& state : machine->states) names.push_back(state.name);
  CHECK(names == std::vector<std::string>{"Check", "Big", "Fan", "Each", "Small"});
  const asl::State* big = machine->find("Big");
  REQUIRE(big);
  CHECK(big->name_pos == SourcePos{20, 3});
  CHECK(big->type == asl::StateType::Task);
  CHECK(big->type_pos == SourcePos{21, 11});
  CHECK(big->resource == "arn:aws:states:::lambda:invoke");
  CHECK(big->next.name == "Fan");
  CHECK_FALSE(big->end);
  CHECK(big->definition["Resource"] == "arn:aws:states:::lambda:invoke");
  CHECK(machine->find("Nope") == nullptr);
}

TEST_CASE("Choice rules keep their targets and a short label of the condition") {
  Diagnostics d;
  auto machine = load(kOrder, d);
  REQUIRE(machine);
  const asl::State& check = machine->states[0];
  REQUIRE(check.choices.size() == 3);
  CHECK(check.choices[0].label == "$.total > 100");
  CHECK(check.choices[0].next.name == "Big");
  CHECK(check.choices[0].next.pos == SourcePos{12, 15});
  CHECK(check.choices[1].label == "And($.vip == true, $.name == \"bob\")");
  CHECK(check.choices[2].label == "Not($.x is present)");
  CHECK(check.default_.name == "Small");
}

TEST_CASE("Retry and Catch are read with the specification's defaults") {
  Diagnostics d;
  auto machine = load(kOrder, d);
  REQUIRE(machine);
  const asl::State& big = *machine->find("Big");
  REQUIRE(big.retriers.size() == 2);
  CHECK(big.retriers[0].error_equals == std::vector<std::string>{"States.Timeout"});
  CHECK(big.retriers[0].interval_seconds == 3);
  CHECK(big.retriers[0].max_attempts == 5);
  CHECK(big.retriers[0].backoff_rate == 1.5);
  CHECK(big.retriers[1].interval_seconds == 1);
  CHECK(big.retriers[1].max_attempts == 3);
  CHECK(big.retriers[1].backoff_rate == 2.0);
  REQUIRE(big.catchers.size() == 1);
  CHECK(big.catchers[0].error_equals == std::vector<std::string>{"States.ALL"});
  CHECK(big.catchers[0].next.name == "Small");
}

TEST_CASE("Parallel branches and Map iterators are nested state machines") {
  Diagnostics d;
  auto machine = load(kOrder, d);
  REQUIRE(machine);
  const asl::State& fan = *machine->find("Fan");
  REQUIRE(fan.branches.size() == 2);
  CHECK(fan.branches[0].start_at == "A");
  CHECK(fan.branches[0].states.at(0).end);
  CHECK(fan.branches[1].states.at(0).type == asl::StateType::Succeed);
  const asl::State& each = *machine->find("Each");
  REQUIRE(each.iterator);
  CHECK(each.iterator_field == "Iterator");
  CHECK(each.iterator->find("Item") != nullptr);
  CHECK(each.end);
}

TEST_CASE("ItemProcessor is read like the legacy Iterator") {
  Diagnostics d;
  auto machine = load(R"({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "P",
      "States": {"P": {"Type": "Pass", "End": true}}}}}})",
                      d, "m.json");
  REQUIRE(machine);
  CHECK(d.items().empty());
  const asl::State& map = machine->states.at(0);
  REQUIRE(map.iterator);
  CHECK(map.iterator_field == "ItemProcessor");
  CHECK(map.iterator->start_at == "P");
}

TEST_CASE("fields of the wrong kind are reported at their value") {
  SUBCASE("States not a mapping") {
    Diagnostics d;
    auto machine = load("StartAt: A\nStates: [A]\n", d);
    REQUIRE(machine);
    CHECK_FALSE(machine->has_states);
    REQUIRE(d.items().size() == 1);
    CHECK(d.items()[0].code == "asl-wrong-type");
    CHECK(d.items()[0].message == "'States' must be a mapping, not a list");
    CHECK(d.items()[0].pos == SourcePos{2, 9});
  }
  SUBCASE("Next not a string") {
    Diagnostics d;
    auto machine = load("StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: [B]\n", d);
    REQUIRE(machine);
    REQUIRE(d.items().size() == 1);
    CHECK(d.items()[0].message == "'Next' must be a string, not a list");
    CHECK(d.items()[0].pos == SourcePos{5, 11});
    CHECK_FALSE(machine->states[0].next.is_set());
  }
  SUBCASE("a state that is not a mapping") {
    Diagnostics d;
    auto machine = load("StartAt: A\nStates:\n  A: Pass\n", d);
    REQUIRE(machine);
    REQUIRE(d.items().size() == 1);
    CHECK(d.items()[0].message == "state 'A' must be a mapping, not a string");
    CHECK_FALSE(machine->states[0].is_mapping);
    CHECK(machine->find("A") != nullptr);
  }
  SUBCASE("an ErrorEquals entry that is not a string") {
    Diagnostics d;
    auto machine = load(
        "StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n"
        "    Catch: [{ErrorEquals: [1], Next: A}]\n",
        d);
    REQUIRE(machine);
    REQUIRE(d.items().size() == 1);
    CHECK(d.items()[0].message == "each entry of 'ErrorEquals' must be a string, not an integer");
  }
  SUBCASE("End not a boolean") {
    Diagnostics d;
    auto machine = load("StartAt: A\nStates:\n  A: {Type: Pass, End: yes}\n", d);
    REQUIRE(machine);
    REQUIRE(d.items().size() == 1);
    CHECK(d.items()[0].message == "'End' must be a boolean, not a string");
    CHECK(machine->states[0].end_pos.is_known());
  }
}

TEST_CASE("a root that is not a mapping gives no machine") {
  Diagnostics d;
  auto document = parse_document("m.yaml", "- a\n- b\n", d);
  REQUIRE(document);
  CHECK_FALSE(load_state_machine(*document, d));
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "asl-wrong-type");
}

TEST_CASE("state types have a to_string/parse pair") {
  for (const std::string& name : asl::state_type_names()) {
    auto type = asl::parse_state_type(name);
    REQUIRE(type);
    CHECK(asl::to_string(*type) == name);
  }
  CHECK_FALSE(asl::parse_state_type("task"));
  CHECK(asl::state_type_names().size() == 8);
}
