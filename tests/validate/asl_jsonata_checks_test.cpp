#include "core/validate/asl_jsonata_checks.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/validate/load_definition.hpp"

using namespace flowrun;

namespace {

Diagnostics check(const std::string& text, const std::string& path = "m.yaml") {
  Diagnostics d;
  auto definition = load_definition_text(path, text, d, {});
  REQUIRE(definition);
  return d;
}

std::vector<std::string> lines(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& item : d.items()) {
    out.push_back(fmt::format("{}:{}: {} [{}] {}", item.pos.line, item.pos.column,
                              to_string(item.severity), item.code, item.message));
  }
  return out;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

}  // namespace

TEST_CASE("a JSONata state machine with every expression field validates cleanly") {
  auto d = check(R"yaml(QueryLanguage: JSONata
StartAt: T
States:
  T:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Arguments: {Payload: "{% $states.input %}", list: ["{% 1 %}", plain]}
    TimeoutSeconds: "{% $states.input.t %}"
    HeartbeatSeconds: 5
    Output: "{% $states.result.Payload %}"
    Assign: {total: "{% $states.result.n %}"}
    Retry: [{ErrorEquals: [States.QueryEvaluationError], MaxAttempts: 1}]
    Catch: [{ErrorEquals: [States.ALL], Output: "{% $states.errorOutput %}", Assign: {e: 1}, Next: F}]
    Next: C
  C:
    Type: Choice
    Choices:
      - {Condition: "{% $total > 1 %}", Output: {big: true}, Assign: {k: 1}, Next: W}
    Default: M
    Output: "{% $states.input %}"
  W: {Type: Wait, Seconds: "{% 1 %}", Next: M}
  M:
    Type: Map
    Items: "{% $states.input.list %}"
    ItemSelector: {v: "{% $states.context.Map.Item.Value %}"}
    MaxConcurrency: 2
    ToleratedFailurePercentage: 12.5
    ItemProcessor:
      StartAt: I
      States: {I: {Type: Pass, Output: "{% $states.input.v %}", End: true}}
    Next: P
  P:
    Type: Parallel
    Arguments: "{% $states.input %}"
    Branches: [{StartAt: B, States: {B: {Type: Succeed, Output: 1}}}]
    Next: F
  F: {Type: Fail, Error: "{% 'E' %}", Cause: plain words}
)yaml");
  CHECK(lines(d) == std::vector<std::string>{});
}

TEST_CASE("a JSONata syntax error is reported at the character the parser stopped at") {
  auto d = check(R"(QueryLanguage: JSONata
StartAt: P
States:
  P: {Type: Pass, Output: {a: "{% $states.input.a + %}"}, End: true}
)");
  auto got = lines(d);
  REQUIRE(got.size() == 1);
  CHECK(starts_with(got[0],
                    "4:53: error [asl-invalid-jsonata] Output of state 'P' is not a valid "
                    "JSONata expression: "));
  CHECK(got[0].find("(S0") != std::string::npos);
}

TEST_CASE("JSONPath fields and '.$' keys are refused in a JSONata state") {
  auto d = check(R"(QueryLanguage: JSONata
StartAt: P
States:
  P:
    Type: Pass
    InputPath: $.a
    Parameters: {x.$: $.b}
    ResultPath: $.c
    Output: {y.$: $.d}
    End: true
)");
  auto got = lines(d);
  REQUIRE(got.size() == 4);
  CHECK(got[0] ==
        "6:5: error [asl-jsonata-field] 'InputPath' of state 'P' is a JSONPath field; a JSONata "
        "state uses Arguments");
  CHECK(got[1] ==
        "7:5: error [asl-jsonata-field] 'Parameters' of state 'P' is a JSONPath field; a JSONata "
        "state uses Arguments");
  CHECK(got[2] ==
        "8:5: error [asl-jsonata-field] 'ResultPath' of state 'P' is a JSONPath field; a JSONata "
        "state uses Output (and Assign)");
  CHECK(got[3] ==
        "9:14: error [asl-jsonata-field] 'y.$' in Output of state 'P' ends in '.$', which JSONata "
        "states do not use; write \"y\": \"{% ... %}\"");
}

TEST_CASE("JSONata fields are refused in a JSONPath state") {
  auto d = check(R"(StartAt: P
States:
  P: {Type: Pass, Output: 1, Next: C}
  C:
    Type: Choice
    Choices: [{Condition: "{% true %}", Next: P}]
    Default: P
)");
  auto got = lines(d);
  REQUIRE(got.size() >= 2);
  CHECK(starts_with(got[0],
                    "3:19: error [asl-jsonata-field] 'Output' of state 'P' is a JSONata "
                    "field; set \"QueryLanguage\": \"JSONata\""));
  CHECK(starts_with(got[1],
                    "6:16: error [asl-jsonata-field] 'Condition' in Choice rule 1 of "
                    "state 'C' is a JSONata field"));
}

TEST_CASE("a state may say JSONata under JSONPath, never JSONPath under JSONata") {
  auto ok = check(R"(StartAt: P
States:
  P: {Type: Pass, QueryLanguage: JSONata, Output: "{% 1 %}", End: true}
)");
  CHECK(lines(ok) == std::vector<std::string>{});
  auto d = check(R"(QueryLanguage: JSONata
StartAt: P
States:
  P: {Type: Pass, QueryLanguage: JSONPath, End: true}
)");
  CHECK(lines(d) == std::vector<std::string>{
                        "4:34: error [asl-query-language] state 'P' says JSONPath inside a state "
                        "machine whose QueryLanguage is JSONata; only the other way round is "
                        "allowed"});
  auto unknown = check(R"(QueryLanguage: JSONata2
StartAt: P
States:
  P: {Type: Pass, End: true}
)");
  CHECK(lines(unknown) ==
        std::vector<std::string>{"1:16: error [asl-query-language] QueryLanguage of the state "
                                 "machine must be \"JSONPath\" or \"JSONata\""});
}

TEST_CASE("expressions where a literal is required, and literals of the wrong kind") {
  auto d = check(R"(QueryLanguage: JSONata
StartAt: W
States:
  W: {Type: Wait, Seconds: -1, Next: "{% 'T' %}"}
  T: {Type: Task, Resource: "{% 'arn' %}", TimeoutSeconds: 0, End: true}
  M:
    Type: Map
    Items: {a: 1}
    MaxConcurrency: 1.5
    ItemProcessor: {StartAt: I, States: {I: {Type: Succeed}}}
    End: true
  F: {Type: Fail, Error: 3, Output: 1}
)");
  auto got = lines(d);
  auto has = [&](const std::string& prefix) {
    for (const auto& line : got) {
      if (starts_with(line, prefix)) return true;
    }
    return false;
  };
  CHECK(
      has("4:28: error [asl-jsonata-value] Seconds of state 'W' must be a non-negative "
          "integer or a {% %} expression"));
  CHECK(has("4:38: error [asl-jsonata-value] Next of state 'W' must be written literally"));
  CHECK(has("5:29: error [asl-jsonata-value] Resource of state 'T' must be written literally"));
  CHECK(
      has("5:60: error [asl-jsonata-value] TimeoutSeconds of state 'T' must be a positive "
          "integer"));
  CHECK(has("8:12: error [asl-jsonata-value] Items of state 'M' must be a list"));
  CHECK(
      has("9:21: error [asl-jsonata-value] MaxConcurrency of state 'M' must be a non-negative "
          "integer"));
  CHECK(has("12:26: error [asl-jsonata-value] Error of state 'F' must be a string"));
  CHECK(has("12:29: error [asl-jsonata-field] 'Output' of state 'F': a Fail state has no output"));
}

TEST_CASE("JSONata Choice rules test a Condition and nothing else") {
  auto d = check(R"(QueryLanguage: JSONata
StartAt: C
States:
  C:
    Type: Choice
    Choices:
      - {Variable: $.a, NumericEquals: 1, Next: S}
      - {Condition: "$states.input.a", Next: S}
    Default: S
  S: {Type: Succeed}
)");
  auto got = lines(d);
  REQUIRE(got.size() == 4);
  CHECK(starts_with(got[0],
                    "7:9: error [asl-choice-rule] Choice rule 1 of state 'C' has no "
                    "'Condition'"));
  CHECK(starts_with(got[1], "7:10: error [asl-jsonata-field] 'Variable' in Choice rule 1"));
  CHECK(starts_with(got[2], "7:25: error [asl-jsonata-field] 'NumericEquals' in Choice rule 1"));
  CHECK(got[3] ==
        "8:21: error [asl-jsonata-value] the Condition of Choice rule 2 of state 'C' "
        "must be a {% %} expression");
}

TEST_CASE("Arguments only on Task and Parallel; no variable named states") {
  auto d = check(R"(QueryLanguage: JSONata
StartAt: P
States:
  P: {Type: Pass, Arguments: {}, Assign: {states: 1}, End: true}
)");
  auto got = lines(d);
  REQUIRE(got.size() == 2);
  CHECK(got[0] ==
        "4:19: error [asl-jsonata-field] 'Arguments' of state 'P': only Task and "
        "Parallel states take Arguments");
  CHECK(got[1] ==
        "4:43: error [asl-invalid-template] Assign of state 'P' sets the reserved "
        "variable 'states'");
}

TEST_CASE("a placeholder inside a JSONata expression is noted, not parsed") {
  auto d = check(R"({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
  "P": {"Type": "Pass", "Output": "{% ${Field} + 1 %}", "End": true}}})",
                 "m.json");
  auto got = lines(d);
  REQUIRE(got.size() == 1);
  CHECK(starts_with(got[0],
                    "2:35: note [asl-placeholder] Output of state 'P' holds a ${...} "
                    "placeholder; it was not checked"));
}

TEST_CASE(
    "$states.result and $states.errorOutput are refused where Step Functions does not set "
    "them, at the '$' that reads them") {
  auto d = check(R"(QueryLanguage: JSONata
StartAt: T
States:
  T:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Arguments: {Payload: "{% $states.result.Payload %}"}
    TimeoutSeconds: "{% $states.errorOutput.t %}"
    Output: "{% $merge([$states.input, $states.errorOutput]) %}"
    Next: P
  P: {Type: Pass, Output: "{% $states.result %}", Next: C}
  C:
    Type: Choice
    Choices: [{Condition: "{% $states.result = 1 %}", Next: P}]
    Default: M
  M:
    Type: Map
    Items: "{% $states.result %}"
    ItemProcessor: {StartAt: I, States: {I: {Type: Succeed}}}
    End: true
)");
  CHECK(lines(d) ==
        std::vector<std::string>{
            "7:30: error [asl-jsonata-states-field] Arguments of state 'T' reads $states.result, "
            "which Step Functions sets only in the Output and Assign of a Task, Parallel or Map "
            "state",
            "8:25: error [asl-jsonata-states-field] TimeoutSeconds of state 'T' reads "
            "$states.errorOutput, which Step Functions sets only in a Catcher's Output and Assign",
            "9:40: error [asl-jsonata-states-field] Output of state 'T' reads $states.errorOutput, "
            "which Step Functions sets only in a Catcher's Output and Assign",
            "11:31: error [asl-jsonata-states-field] Output of state 'P' reads $states.result, "
            "which Step Functions sets only in the Output and Assign of a Task, Parallel or Map "
            "state",
            "14:31: error [asl-jsonata-states-field] Condition of Choice rule 1 of state 'C' reads "
            "$states.result, which Step Functions sets only in the Output and Assign of a Task, "
            "Parallel or Map state",
            "18:16: error [asl-jsonata-states-field] Items of state 'M' reads $states.result, "
            "which Step Functions sets only in the Output and Assign of a Task, Parallel or Map "
            "state"});
}

TEST_CASE(
    "$states.result in a Task, Parallel or Map's Output and Assign, $states.errorOutput in "
    "a Catcher, and variables named like them are accepted") {
  auto d = check(R"(QueryLanguage: JSONata
StartAt: T
States:
  T:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Arguments: {a: "{% $result %}", b: "{% $states.input.result %}", c: "{% $errorOutput %}"}
    Output: "{% $states.result.Payload %}"
    Assign: {r: "{% $states.result %}", result: "{% $states.input %}"}
    Catch:
      - ErrorEquals: [States.ALL]
        Output: {e: "{% $states.errorOutput %}", in: "{% $states.input %}"}
        Assign: {cause: "{% $states.errorOutput.Cause %}"}
        Next: P
    Next: P
  P:
    Type: Parallel
    Branches: [{StartAt: B, States: {B: {Type: Succeed}}}]
    Output: "{% $states.result[0] %}"
    Next: M
  M:
    Type: Map
    ItemProcessor: {StartAt: I, States: {I: {Type: Pass, Output: "{% $result %}", End: true}}}
    Assign: {count: "{% $count($states.result) %}"}
    End: true
)");
  CHECK(lines(d) == std::vector<std::string>{});
}

TEST_CASE("a JSONata state's ItemReader takes Arguments, not Parameters") {
  auto d = check(R"(QueryLanguage: JSONata
StartAt: M
States:
  M:
    Type: Map
    ItemReader:
      Resource: arn:aws:states:::s3:getObject
      ReaderConfig: {InputType: JSON, MaxItems: "{% $states.input.n %}"}
      Parameters: {Bucket: b, Key: k}
    ItemProcessor: {StartAt: I, States: {I: {Type: Succeed}}}
    End: true
)");
  CHECK(lines(d) == std::vector<std::string>{
                        "9:7: error [asl-jsonata-field] 'Parameters' in the ItemReader of state "
                        "'M' is a JSONPath field; a JSONata state's ItemReader uses Arguments"});
}
