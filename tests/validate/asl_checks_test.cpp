#include "core/validate/asl_checks.hpp"

#include <doctest/doctest.h>

#include "core/asl/load_state_machine.hpp"

using namespace flowrun;

namespace {

Diagnostics check(const std::string& text, const std::string& path = "m.yaml") {
  Diagnostics d;
  auto document = parse_document(path, text, d);
  REQUIRE(document);
  auto machine = load_state_machine(*document, d);
  REQUIRE(machine);
  validate_state_machine(*machine, path, d);
  d.sort();
  return d;
}

std::vector<std::string> codes(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& item : d.items()) out.push_back(item.code);
  return out;
}

std::string first_note(const Diagnostic& d) { return d.notes.empty() ? "" : d.notes[0].message; }

}  // namespace

TEST_CASE("a valid machine with every state type gives no diagnostics") {
  auto d = check(R"(
StartAt: Start
States:
  Start: {Type: Pass, Next: Decide}
  Decide:
    Type: Choice
    Choices:
      - {Variable: $.n, NumericEquals: 1, Next: Work}
    Default: Pause
  Pause: {Type: Wait, Seconds: 1, Next: Work}
  Work:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Catch: [{ErrorEquals: [States.ALL], Next: Broken}]
    Next: Both
  Both:
    Type: Parallel
    Branches:
      - StartAt: A
        States: {A: {Type: Pass, End: true}}
    Next: Each
  Each:
    Type: Map
    ItemProcessor:
      StartAt: I
      States: {I: {Type: Succeed}}
    Next: Done
  Done: {Type: Succeed}
  Broken: {Type: Fail, Error: Boom}
)");
  CHECK(d.items().empty());
}

TEST_CASE("StartAt naming no state is an error with a suggestion") {
  auto d = check("StartAt: Frist\nStates:\n  First: {Type: Succeed}\n");
  REQUIRE(d.items().size() == 1);
  const auto& diag = d.items()[0];
  CHECK(diag.code == "asl-unknown-start");
  CHECK(diag.message == "StartAt names unknown state 'Frist'");
  CHECK(diag.pos == SourcePos{1, 10});
  CHECK(diag.length == 5);
  CHECK(first_note(diag) == "did you mean 'First'?");
}

TEST_CASE("every transition must name a state of the same machine") {
  auto d = check(R"(StartAt: A
States:
  A:
    Type: Task
    Resource: r
    Next: Bb
    Catch:
      - {ErrorEquals: [States.ALL], Next: Nowhere}
  B:
    Type: Choice
    Choices:
      - {Variable: $.x, IsNull: true, Next: Cc}
    Default: Zzz
  C: {Type: Succeed}
)");
  CHECK(codes(d) == std::vector<std::string>{"asl-unknown-target", "asl-unknown-target",
                                             "asl-unreachable", "asl-unknown-target",
                                             "asl-unknown-target", "asl-unreachable"});
  REQUIRE(d.items().size() == 6);
  CHECK(d.items()[0].message == "Next of state 'A' names unknown state 'Bb'");
  CHECK(d.items()[0].pos == SourcePos{6, 11});
  CHECK(d.items()[0].length == 2);
  CHECK(first_note(d.items()[0]) == "did you mean 'B'?");
  CHECK(d.items()[1].message == "Catch 1 of state 'A' names unknown state 'Nowhere'");
  CHECK(d.items()[1].notes.empty());
  CHECK(d.items()[3].message == "Choice rule 1 of state 'B' names unknown state 'Cc'");
  CHECK(first_note(d.items()[3]) == "did you mean 'C'?");
  CHECK(d.items()[4].message == "Default of state 'B' names unknown state 'Zzz'");
  CHECK(d.items()[4].pos == SourcePos{13, 14});
}

TEST_CASE("a branch cannot go to a state of the enclosing machine") {
  auto d = check(R"(StartAt: P
States:
  P:
    Type: Parallel
    Branches:
      - StartAt: A
        States:
          A: {Type: Pass, Next: Outside}
    Next: Outside
  Outside: {Type: Succeed}
)");
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "asl-unknown-target");
  CHECK(d.items()[0].pos == SourcePos{8, 33});
  CHECK(first_note(d.items()[0]) ==
        "'Outside' belongs to an enclosing machine; a branch or processor can only move between "
        "its own states");
}

TEST_CASE("each state has Next or End as its type requires") {
  SUBCASE("neither Next nor End") {
    auto d = check("StartAt: A\nStates:\n  A: {Type: Pass}\n");
    REQUIRE(d.items().size() == 1);
    CHECK(d.items()[0].code == "asl-missing-transition");
    CHECK(d.items()[0].message == "Pass state 'A' needs 'Next' or 'End: true'");
    CHECK(d.items()[0].pos == SourcePos{3, 3});
  }
  SUBCASE("End: false and no Next") {
    auto d = check("StartAt: A\nStates:\n  A: {Type: Wait, Seconds: 1, End: false}\n");
    CHECK(codes(d) == std::vector<std::string>{"asl-missing-transition"});
  }
  SUBCASE("both Next and End") {
    auto d =
        check("StartAt: A\nStates:\n  A: {Type: Pass, Next: B, End: true}\n  B: {Type: Succeed}\n");
    REQUIRE(d.items().size() == 1);
    CHECK(d.items()[0].code == "asl-next-and-end");
    CHECK(d.items()[0].pos == SourcePos{3, 28});
  }
  SUBCASE("terminal and Choice states cannot have Next or End") {
    auto d = check(R"(StartAt: A
States:
  A:
    Type: Choice
    Choices: [{Variable: $.x, IsPresent: true, Next: B}]
    Default: B
    Next: B
  B: {Type: Succeed, End: true}
  C: {Type: Fail, Next: B}
)");
    CHECK(codes(d) == std::vector<std::string>{"asl-transition-not-allowed",
                                               "asl-transition-not-allowed", "asl-unreachable",
                                               "asl-transition-not-allowed"});
    CHECK(d.items()[0].message ==
          "Choice state 'A' cannot have 'Next': its rules choose the next state");
    CHECK(d.items()[0].pos == SourcePos{7, 5});
    CHECK(d.items()[1].message == "Succeed state 'B' cannot have 'End': it ends the execution");
  }
}

TEST_CASE("a Task's HeartbeatSeconds must be smaller than its TimeoutSeconds") {
  auto d = check(
      "StartAt: A\nStates:\n  A: {Type: Task, Resource: r, TimeoutSeconds: 5, "
      "HeartbeatSeconds: 5, End: true}\n");
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "asl-heartbeat-not-below-timeout");
  CHECK(d.items()[0].message ==
        "HeartbeatSeconds of Task state 'A' must be smaller than its TimeoutSeconds (5)");
  CHECK(check("StartAt: A\nStates:\n  A: {Type: Task, Resource: r, TimeoutSeconds: 5, "
              "HeartbeatSeconds: 4, End: true}\n")
            .items()
            .empty());
}

TEST_CASE("a Choice state needs a non-empty Choices list") {
  SUBCASE("missing") {
    auto d = check("StartAt: A\nStates:\n  A: {Type: Choice, Default: B}\n  B: {Type: Succeed}\n");
    REQUIRE(d.items().size() == 1);
    CHECK(d.items()[0].code == "asl-empty-choices");
    CHECK(d.items()[0].message == "Choice state 'A' has no 'Choices'");
  }
  SUBCASE("empty") {
    auto d = check("StartAt: A\nStates:\n  A: {Type: Choice, Choices: []}\n");
    REQUIRE(d.items().size() == 1);
    CHECK(d.items()[0].message == "'Choices' of Choice state 'A' is empty");
    CHECK(d.items()[0].pos == SourcePos{3, 21});
  }
  SUBCASE("a rule without Next") {
    auto d = check(
        "StartAt: A\nStates:\n  A: {Type: Choice, Choices: [{Variable: $.x, IsNull: true}]}\n");
    REQUIRE(d.items().size() == 1);
    CHECK(d.items()[0].code == "asl-missing-field");
    CHECK(d.items()[0].message == "Choice rule 1 of state 'A' has no 'Next'");
  }
}

TEST_CASE("an unknown or missing Type is an error") {
  auto d = check("StartAt: A\nStates:\n  A: {Type: Tsak, Next: B}\n  B: {End: true}\n");
  REQUIRE(d.items().size() == 2);
  CHECK(d.items()[0].code == "asl-unknown-type");
  CHECK(d.items()[0].message == "state 'A' has unknown Type 'Tsak'");
  CHECK(d.items()[0].pos == SourcePos{3, 13});
  CHECK(first_note(d.items()[0]) == "did you mean 'Task'?");
  CHECK(d.items()[1].code == "asl-missing-type");
  CHECK(d.items()[1].message == "state 'B' has no 'Type'");
  CHECK(d.items()[1].pos == SourcePos{4, 3});
}

TEST_CASE("unknown fields are warnings with a suggestion") {
  auto d = check(
      "StartAt: A\nComent: x\nStates:\n  A: {Type: Pass, Nxt: B, End: true}\n  B: {Type: "
      "Succeed}\n");
  std::vector<std::string> expected = {"asl-unknown-field", "asl-unknown-field", "asl-unreachable"};
  CHECK(codes(d) == expected);
  CHECK(d.items()[0].severity == Severity::Warning);
  CHECK(d.items()[0].message == "unknown field 'Coment' in the state machine");
  CHECK(first_note(d.items()[0]) == "did you mean 'Comment'?");
  CHECK(d.items()[1].message == "unknown field 'Nxt' in state 'A'");
  CHECK(d.items()[1].pos == SourcePos{4, 19});
  CHECK(first_note(d.items()[1]) == "did you mean 'Next'?");
  CHECK_FALSE(d.has_errors());
}

TEST_CASE("states that need a body report its absence") {
  auto d = check(R"(StartAt: T
States:
  T: {Type: Task, Next: P}
  P: {Type: Parallel, Next: M}
  M: {Type: Map, Next: E}
  E: {Type: Parallel, Branches: [], End: true}
)");
  CHECK(codes(d) == std::vector<std::string>{"asl-missing-resource", "asl-missing-branches",
                                             "asl-missing-processor", "asl-missing-branches"});
  CHECK(d.items()[0].message == "Task state 'T' has no 'Resource'");
  CHECK(d.items()[1].message == "Parallel state 'P' has no 'Branches'");
  CHECK(d.items()[2].message == "Map state 'M' has no 'ItemProcessor' (or 'Iterator')");
  CHECK(d.items()[3].message == "'Branches' of Parallel state 'E' is empty");
}

TEST_CASE("states that no transition reaches are reported as warnings") {
  auto d = check(R"(StartAt: A
States:
  A:
    Type: Task
    Resource: r
    Catch: [{ErrorEquals: [States.ALL], Next: Handler}]
    End: true
  Handler: {Type: Succeed}
  Orphan: {Type: Pass, Next: Handler}
)");
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "asl-unreachable");
  CHECK(d.items()[0].severity == Severity::Warning);
  CHECK(d.items()[0].message == "state 'Orphan' is unreachable from StartAt 'A'");
  CHECK(d.items()[0].pos == SourcePos{9, 3});
}

TEST_CASE("state names are limited to 80 characters") {
  std::string name(81, 'x');
  auto d = check("StartAt: " + name + "\nStates:\n  " + name + ": {Type: Succeed}\n");
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "asl-name-too-long");
  CHECK(d.items()[0].message == "state name is 81 characters long; the limit is 80");
}

TEST_CASE("an empty States mapping is an error") {
  auto d = check("StartAt: A\nStates: {}\n");
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "asl-empty-states");
  CHECK(d.items()[0].message == "'States' of the state machine has no states");
  CHECK(d.items()[0].pos == SourcePos{2, 1});
}

TEST_CASE("nested machines are checked with the same rules") {
  auto d = check(R"(StartAt: P
States:
  P:
    Type: Parallel
    Branches:
      - StartAt: X
        States:
          A: {Type: Pass}
    End: true
  M:
    Type: Map
    Iterator:
      States: {}
    End: true
)");
  CHECK(codes(d) == std::vector<std::string>{"asl-unknown-start", "asl-missing-transition",
                                             "asl-unreachable", "asl-missing-field",
                                             "asl-empty-states"});
  CHECK(d.items()[3].message == "'Iterator' of state 'M' has no 'StartAt'");
  CHECK(d.items()[4].message == "'States' of 'Iterator' of state 'M' has no states");
}

TEST_CASE("a Catch needs ErrorEquals and Next") {
  auto d = check(
      "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: r\n    End: true\n"
      "    Catch: [{ResultPath: $.e}]\n");
  CHECK(codes(d) == std::vector<std::string>{"asl-missing-field", "asl-missing-field"});
  CHECK(d.items()[0].message == "Catch 1 of state 'A' has no 'Next'");
  CHECK(d.items()[1].message == "Catch 1 of state 'A' has no 'ErrorEquals'");
}
