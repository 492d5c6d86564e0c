#include "core/validate/asl_data_checks.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/asl/substitutions.hpp"
#include "core/validate/load_definition.hpp"

using namespace flowrun;

namespace {

Diagnostics check(const std::string& text, const std::string& path = "m.yaml",
                  const LoadLimits& limits = {}) {
  Diagnostics d;
  auto definition = load_definition_text(path, text, d, limits);
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

const char* kHeader = "StartAt: S\nStates:\n";

}  // namespace

TEST_CASE("valid paths, templates, intrinsics and rules give no diagnostics") {
  auto d = check(std::string(kHeader) + R"yaml(  S:
    Type: Pass
    InputPath: $.items[?(@.n > 0)]
    Parameters:
      list.$: $..id
      msg.$: "States.Format('{} items', States.ArrayLength($.items))"
      ctx.$: $$.Execution.Id
      nested: {deep.$: "$['a b'][0]", plain: 1}
    ResultPath: $.out.result
    OutputPath: null
    Next: C
  C:
    Type: Choice
    Choices:
      - Variable: $.n
        NumericGreaterThanEqualsPath: $.min
        Next: F
      - And:
          - {Variable: $.t, TimestampLessThan: "2024-01-01T00:00:00Z"}
          - Not: {Variable: $.s, StringMatches: "*.log"}
        Next: F
    Default: F
  F:
    Type: Fail
    CausePath: "States.Format('bad {}', $.n)"
)yaml");
  CHECK(lines(d) == std::vector<std::string>{});
}

TEST_CASE("a malformed path is reported at the offending character") {
  auto d = check(std::string(kHeader) + "  S: {Type: Pass, InputPath: \"$.a[0\", End: true}\n");
  CHECK(lines(d) == std::vector<std::string>{
                        "3:36: error [asl-invalid-path] InputPath of state 'S' is not a valid "
                        "path: expected ']' but the path ends"});
}

TEST_CASE("ResultPath and ItemsPath must be Reference Paths") {
  auto d = check(std::string(kHeader) + R"(  S:
    Type: Map
    ItemsPath: $.a[*]
    ResultPath: $$.x
    ItemProcessor: {StartAt: I, States: {I: {Type: Succeed}}}
    End: true
)");
  CHECK(lines(d) ==
        std::vector<std::string>{
            "5:16: error [asl-not-reference-path] ItemsPath of state 'S' must be a Reference "
            "Path selecting one node ('..', '*', filters, slices and unions are not allowed)",
            "6:17: error [asl-invalid-path] ResultPath of state 'S' cannot write into the "
            "context object ($$)"});
}

TEST_CASE("a ResultPath cannot name a variable, other paths can read one") {
  auto d = check(std::string(kHeader) + R"yaml(  S:
    Type: Pass
    Parameters: {"v.$": "$count", "w.$": "States.MathAdd($count, 1)"}
    ResultPath: $count
    End: true
)yaml");
  CHECK(lines(d) == std::vector<std::string>{
                        "6:17: error [asl-invalid-path] ResultPath of state 'S' cannot write into "
                        "a variable; use Assign"});
}

TEST_CASE("Assign is read like a payload template and cannot set 'states'") {
  auto d = check(std::string(kHeader) + R"yaml(  S:
    Type: Pass
    Assign: {"ok.$": "$.a", "bad.$": "$.a[", "states": 1}
    End: true
)yaml");
  CHECK(lines(d) == std::vector<std::string>{
                        "5:43: error [asl-invalid-path] 'bad.$' in Assign of state 'S' is not a "
                        "valid path: the path ends inside '['",
                        "5:46: error [asl-invalid-template] Assign of state 'S' sets the reserved "
                        "variable 'states'"});
}

TEST_CASE("intrinsic calls are checked for names, arguments and syntax") {
  auto d = check(std::string(kHeader) + R"yaml(  S:
    Type: Pass
    Parameters:
      a.$: "States.Formatt('x')"
      b.$: "States.ArrayLength($.a, $.b)"
      c.$: "States.Array(1, abc)"
    End: true
)yaml");
  CHECK(lines(d) == std::vector<std::string>{
                        "6:13: error [asl-invalid-intrinsic] 'a.$' in Parameters of state 'S' is "
                        "not a valid intrinsic function call: unknown intrinsic function "
                        "'States.Formatt'",
                        "7:13: error [asl-invalid-intrinsic] 'b.$' in Parameters of state 'S' is "
                        "not a valid intrinsic function call: States.ArrayLength takes 1 "
                        "argument, not 2",
                        "8:29: error [asl-invalid-intrinsic] 'c.$' in Parameters of state 'S' is "
                        "not a valid intrinsic function call: 'abc' is not a valid argument "
                        "(quote strings with ')"});
}

TEST_CASE("a .$ field needs a path or intrinsic, and cannot repeat a plain field") {
  auto d = check(std::string(kHeader) + R"(  S:
    Type: Pass
    Parameters:
      a: 1
      a.$: $.x
      b.$: hello
      c.$: 5
    End: true
)");
  CHECK(lines(d) ==
        std::vector<std::string>{
            "7:7: error [asl-invalid-template] 'a.$' in Parameters of state 'S' and 'a' name "
            "the same field",
            "8:12: error [asl-invalid-template] 'b.$' in Parameters of state 'S' ends in '.$' "
            "but 'hello' is neither a path ($...) nor an intrinsic function (States....)",
            "9:12: error [asl-invalid-template] 'c.$' in Parameters of state 'S' ends in '.$', "
            "so its value must be a path or an intrinsic function in a string"});
}

TEST_CASE("Choice operands must have the operator's type") {
  auto d = check(std::string(kHeader) + R"(  S:
    Type: Choice
    Choices:
      - {Variable: $.n, NumericEquals: "1", Next: S}
      - {Variable: $.t, TimestampEquals: "yesterday", Next: S}
      - {Variable: $.b, IsNull: 1, Next: S}
      - Or:
          - {Variable: "$.[", StringEquals: x}
        Next: S
    Default: S
)");
  auto got = lines(d);
  REQUIRE(got.size() == 4);
  CHECK(got[0] ==
        "6:40: error [asl-choice-operand] NumericEquals of Choice rule 1 of state 'S' "
        "must be a number");
  CHECK(got[1] ==
        "7:42: error [asl-choice-operand] TimestampEquals of Choice rule 2 of state "
        "'S' must be an RFC 3339 timestamp such as \"2016-08-18T17:33:00Z\"");
  CHECK(got[2] ==
        "8:33: error [asl-choice-operand] IsNull of Choice rule 3 of state 'S' must "
        "be true or false");
  CHECK(got[3].rfind("10:28: error [asl-invalid-path] Variable of Choice rule 4 of state 'S' (Or "
                     "1) is not a valid path",
                     0) == 0);
}

TEST_CASE("JSONata states are not checked as JSONPath") {
  auto d = check(R"(QueryLanguage: JSONata
StartAt: S
States:
  S: {Type: Pass, Output: "{% $states.input %}", End: true}
)");
  CHECK(lines(d) == std::vector<std::string>{});
}

TEST_CASE("placeholders are accepted with a note, even where a number belongs") {
  auto d = check(R"({
  "StartAt": "W", "TimeoutSeconds": ${Timeout},
  "States": {
    "W": {"Type": "Wait", "Seconds": ${Wait}, "Next": "T"},
    "T": {"Type": "Task", "Resource": "arn:${AWS::Partition}:states:::lambda:invoke",
          "InputPath": "${Input}", "OutputPath": "$.${Field}", "End": true}
  }
})",
                 "m.json");
  CHECK(lines(d) ==
        std::vector<std::string>{
            "2:37: note [asl-placeholder] 'TimeoutSeconds' holds the placeholder ${Timeout}; its "
            "value was not checked (pass --substitute Timeout=VALUE to check it)",
            "4:38: note [asl-placeholder] 'Seconds' holds the placeholder ${Wait}; its value was "
            "not checked (pass --substitute Wait=VALUE to check it)",
            "6:24: note [asl-placeholder] 'InputPath' holds the placeholder ${Input}; its value "
            "was not checked (pass --substitute Input=VALUE to check it)",
            "6:50: note [asl-placeholder] OutputPath of state 'T' holds a ${...} placeholder; it "
            "was not checked"});
  CHECK_FALSE(d.has_errors());
}

TEST_CASE("substituted values are checked like any other") {
  LoadLimits limits;
  limits.substitutions = {{"Timeout", "\"soon\""}, {"Input", "$.a["}};
  auto d = check(R"({
  "StartAt": "T", "TimeoutSeconds": ${Timeout},
  "States": {
    "T": {"Type": "Pass", "InputPath": "${Input}", "End": true}
  }
})",
                 "m.json", limits);
  CHECK(lines(d) == std::vector<std::string>{
                        "2:37: error [asl-wrong-type] 'TimeoutSeconds' must be an integer, not a "
                        "string",
                        "4:45: error [asl-invalid-path] InputPath of state 'T' is not a valid "
                        "path: the path ends inside '['"});
}

TEST_CASE("placeholders are replaced in strings and bare values, escaped inside JSON strings") {
  asl::Substitutions values = {{"A", "x\"y"}, {"N", "30"}};
  CHECK(asl::substitute_placeholders(R"({"s": "a${A}b", "n": ${N}, "u": ${U}, "v": "${U}"})",
                                     values, true) ==
        R"({"s": "ax\"yb", "n": 30, "u": "${U}", "v": "${U}"})");
  CHECK(asl::substitute_placeholders("Seconds: ${N}\nR: arn:${A}\nE: ${{ x }}\n", values, false) ==
        "Seconds: 30\nR: arn:x\"y\nE: ${{ x }}\n");
  CHECK(asl::is_placeholder("${AWS::Partition}"));
  CHECK_FALSE(asl::is_placeholder("${a} "));
  CHECK(asl::has_placeholder("arn:${AWS::Region}:x"));
  CHECK_FALSE(asl::has_placeholder("${{ params.x }}"));
  auto pair = asl::parse_substitution("Name=a=b");
  REQUIRE(pair);
  CHECK(pair->first == "Name");
  CHECK(pair->second == "a=b");
  CHECK_FALSE(asl::parse_substitution("=x"));
  CHECK_FALSE(asl::parse_substitution("no equals"));
}

TEST_CASE("Choice rules test one thing, nested rules have no Next, typos get a suggestion") {
  auto d = check(std::string(kHeader) + R"yaml(  S:
    Type: Choice
    Choices:
      - {Variable: $.n, NumericEqual: 1, Next: S}
      - {Variable: $.n, NumericEquals: 1, StringEquals: x, Next: S}
      - {NumericEquals: 1, Next: S}
      - And:
          - {Variable: $.a, IsNull: true, Next: S}
        Next: S
      - Or: []
        Next: S
    Default: S
)yaml");
  CHECK(lines(d) ==
        std::vector<std::string>{
            "6:9: error [asl-choice-rule] Choice rule 1 of state 'S' has no comparison operator, "
            "And, Or or Not",
            "6:25: error [asl-choice-rule] unknown field 'NumericEqual' in Choice rule 1 of state "
            "'S' (did you mean 'NumericEquals'?)",
            "7:43: error [asl-choice-rule] Choice rule 2 of state 'S' has both 'NumericEquals' "
            "and 'StringEquals'; a rule tests one thing (combine tests with And or Or)",
            "8:10: error [asl-choice-rule] Choice rule 3 of state 'S' compares with "
            "'NumericEquals' but has no 'Variable'",
            "10:43: error [asl-choice-rule] Choice rule 4 of state 'S' (And 1) is nested inside "
            "And/Or/Not, so it cannot have 'Next'",
            "12:13: error [asl-choice-rule] Or of Choice rule 5 of state 'S' must be a non-empty "
            "list of rules"});
}

TEST_CASE("a Fail state's CausePath may only use the intrinsics that give a string") {
  auto d = check(std::string(kHeader) + R"yaml(  S:
    Type: Fail
    ErrorPath: "States.Format('E{}', $.code)"
    CausePath: "States.Array($.a)"
)yaml");
  CHECK(lines(d) == std::vector<std::string>{
                        "6:16: error [asl-invalid-intrinsic] CausePath of state 'S' cannot use "
                        "States.Array: only States.Format, JsonToString, ArrayGetItem, "
                        "Base64Encode, Base64Decode, Hash and UUID give an error or cause"});
}

TEST_CASE("a distributed Map's ItemReader and ResultWriter templates are checked") {
  auto d = check(std::string(kHeader) + R"yaml(  S:
    Type: Map
    ItemReader:
      Resource: arn:aws:states:::s3:getObject
      ReaderConfig: {InputType: CSV, MaxItemsPath: "$.max[*]"}
      Parameters: {Bucket.$: $.bucket, Key.$: "$.key["}
    ResultWriter:
      Resource: arn:aws:states:::s3:putObject
      Parameters: {Bucket.$: $.out, Prefix: results}
    ItemProcessor:
      ProcessorConfig: {Mode: DISTRIBUTED, ExecutionType: STANDARD}
      StartAt: I
      States: {I: {Type: Succeed}}
    End: true
)yaml");
  auto got = lines(d);
  REQUIRE(got.size() == 2);
  CHECK(got[0].rfind("7:52: error [asl-not-reference-path] ReaderConfig MaxItemsPath of state "
                     "'S' must be a Reference Path",
                     0) == 0);
  CHECK(got[1].rfind("8:54: error [asl-invalid-path] 'Key.$' in ItemReader Parameters of state "
                     "'S' is not a valid path",
                     0) == 0);
}
