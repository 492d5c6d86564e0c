#include "core/asl/execution_position.hpp"

#include <doctest/doctest.h>

#include "core/validate/load_definition.hpp"

// Reading back where a recorded execution stood: each frame's last entered state and input,
// branches that succeeded, tokens of callback Tasks, Task invocations.

namespace flowrun::asl {
namespace {

using nlohmann::json;

constexpr const char* kMachine = R"({"StartAt": "Prep", "States": {
  "Prep": {"Type": "Task", "Resource": "arn:prep", "Next": "Both"},
  "Both": {"Type": "Parallel", "End": true, "Branches": [
    {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
    {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:b", "Next": "C"},
                                "C": {"Type": "Pass", "End": true}}}]}}})";

Definition load(const char* text) {
  Diagnostics diagnostics;
  std::optional<Definition> definition = load_definition_text("m.asl.json", text, diagnostics);
  REQUIRE(definition);
  REQUIRE(definition->machine);
  return std::move(*definition);
}

}  // namespace

TEST_CASE("the position of each frame is its last entered state; ended branches keep outputs") {
  Definition definition = load(kMachine);
  std::vector<RecordedEvent> events = {
      {1, "ExecutionStarted", "", "", 0, R"({"input":{"n":1}})"},
      {2, "TaskStateEntered", "Prep", "", 0, R"({"input":{"n":1}})"},
      {3, "TaskScheduled", "Prep", "", 1, "{}"},
      {4, "TaskStateExited", "Prep", "", 0, R"({"output":{"n":2}})"},
      {5, "ParallelStateEntered", "Both", "", 0, R"({"input":{"n":2}})"},
      {6, "PassStateEntered", "A", "0", 0, R"({"input":{"n":2}})"},
      {7, "PassStateExited", "A", "0", 0, R"({"output":"a"})"},
      {8, "TaskStateEntered", "B", "1", 0, R"({"input":{"n":2}})"},
      {9, "TaskScheduled", "B", "1", 1, "{}"},
      {10, "TaskStarted", "B", "1", 1, R"({"pid":1,"token":"r.1.ab"})"},
      {11, "ParallelStateFailed", "Both", "", 0, "{}"},
  };
  ExecutionPosition position = reconstruct_position(*definition.machine, events);
  CHECK(position.input == json{{"n", 1}});
  CHECK(position.root.state == "Both");
  CHECK(position.root.input == json{{"n", 2}});
  CHECK_FALSE(position.root.succeeded);
  REQUIRE(position.root.children.size() == 2);
  const FramePosition& a = position.root.children.at(0);
  CHECK(a.succeeded);
  CHECK(a.output == "a");
  const FramePosition& b = position.root.children.at(1);
  CHECK_FALSE(b.succeeded);
  CHECK(b.state == "B");
  CHECK(b.token == "r.1.ab");
  CHECK(b.entered_ms == 8);
  CHECK(position.invocations.at("Prep") == 1);
  CHECK(position.invocations.at("B") == 1);
}

TEST_CASE("entering the state a frame is in again keeps its branches; a new entry drops them") {
  Definition definition = load(kMachine);
  std::vector<RecordedEvent> events = {
      {1, "ParallelStateEntered", "Both", "", 0, R"({"input":{}})"},
      {2, "PassStateEntered", "A", "0", 0, R"({"input":{}})"},
      {3, "PassStateExited", "A", "0", 0, R"({"output":"a"})"},
      {4, "ExecutionFailed", "", "", 0, "{}"},
      {5, "ExecutionRedriven", "", "", 0, "{}"},
      {6, "ParallelStateEntered", "Both", "", 0, R"({"input":{}})"},
  };
  ExecutionPosition position = reconstruct_position(*definition.machine, events);
  CHECK(position.root.children.at(0).succeeded);
  events.push_back({7, "ParallelStateExited", "Both", "", 0, R"({"output":[]})"});
  events.push_back({8, "ParallelStateEntered", "Both", "", 0, R"({"input":{}})"});
  CHECK(reconstruct_position(*definition.machine, events).root.children.empty());
}

}  // namespace flowrun::asl
