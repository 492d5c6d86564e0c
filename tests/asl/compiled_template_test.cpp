#include "core/asl/compiled_template.hpp"

#include <doctest/doctest.h>

#include <functional>

#include "core/asl/compiled_data_flow.hpp"
#include "support/asl_failure.hpp"

using nlohmann::json;
using namespace flowrun::asl;

namespace {

const json kContext = {{"State", {{"Name", "S"}, {"RetryCount", 1}}}};

std::pair<std::string, std::string> template_failure(const json& payload_template,
                                                     const json& input = json::object()) {
  CompiledTemplate compiled(payload_template);  // compiling never throws
  return flowrun::test::asl_failure_of([&] { compiled.evaluate(input, kContext); });
}

json nested_objects(int levels) {
  json value = 1;
  for (int i = 0; i < levels; ++i) value = json{{"a", std::move(value)}};
  return value;
}

}  // namespace

TEST_CASE("a compiled template gives the same payload on every evaluation") {
  CompiledTemplate compiled(json::parse(R"j({
    "fixed": {"k": [1, {"v": 2}]},
    "rows": [{"id.$": "$.a", "tags": ["t", {"n.$": "$$.State.Name"}]}, "plain.$"],
    "sum.$": "States.MathAdd($.a, $$.State.RetryCount)"})j"));
  const json expected = json::parse(R"j({
    "fixed": {"k": [1, {"v": 2}]},
    "rows": [{"id": 3, "tags": ["t", {"n": "S"}]}, "plain.$"],
    "sum": 4})j");
  CHECK(compiled.evaluate({{"a", 3}}, kContext) == expected);
  CHECK(compiled.evaluate({{"a", 3}}, kContext) == expected);
  CHECK(compiled.evaluate({{"a", 5}}, kContext)["sum"] == 6);
}

TEST_CASE("a computed field replaces the constant field of the same name") {
  CompiledTemplate compiled({{"a", "constant"}, {"a.$", "$.x"}, {"b", 2}});
  CHECK(compiled.evaluate({{"x", 7}}, kContext) == json{{"a", 7}, {"b", 2}});
}

TEST_CASE("a template that does not compile fails when evaluated, with the run-time error") {
  SUBCASE("a .$ field that is not a string") {
    CHECK(template_failure({{"x.$", 5}}) ==
          std::pair<std::string, std::string>{
              "States.ParameterPathFailure",
              "the value of 'x.$' must be a path or an intrinsic function in a string"});
  }
  SUBCASE("text that is neither a path nor an intrinsic call") {
    CHECK(template_failure({{"x.$", "abc"}}) ==
          std::pair<std::string, std::string>{"States.ParameterPathFailure",
                                              "'abc' is neither a path nor an intrinsic function"});
  }
  SUBCASE("a path that does not parse") {
    auto [error, cause] = template_failure({{"x.$", "$.a["}});
    CHECK(error == "States.ParameterPathFailure");
    CHECK(cause.rfind("invalid path '$.a[': ", 0) == 0);
  }
  SUBCASE("an intrinsic call that does not parse") {
    CHECK(template_failure({{"x.$", "States.Nope()"}}) ==
          std::pair<std::string, std::string>{
              "States.IntrinsicFailure",
              "invalid intrinsic function 'States.Nope()': unknown intrinsic function "
              "'States.Nope' (at offset 0)"});
  }
  SUBCASE("the first failing field in key order decides") {
    CHECK(template_failure({{"a.$", 5}, {"b.$", "$.missing"}}).second ==
          "the value of 'a.$' must be a path or an intrinsic function in a string");
    CHECK(template_failure({{"a.$", "$.missing"}, {"b", json::array({{{"c.$", 5}}})}}).second ==
          "the path '$.missing' does not match anything in the input");
    CHECK(template_failure({{"a", json::array({{{"c.$", 5}}})}, {"b.$", "$.missing"}}).second ==
          "the value of 'c.$' must be a path or an intrinsic function in a string");
  }
}

TEST_CASE("a template nested deeper than 512 levels fails with States.Runtime when evaluated") {
  CHECK(CompiledTemplate(nested_objects(512)).evaluate(json::object(), kContext) ==
        nested_objects(512));
  CHECK(template_failure(nested_objects(513)) ==
        std::pair<std::string, std::string>{"States.Runtime",
                                            "the payload template is nested too deeply"});
  CHECK(flowrun::test::asl_failure_of([] {
          evaluate_payload_template(nested_objects(513), json::object(), kContext);
        }).first == "States.Runtime");
}

TEST_CASE("a compiled template records whether it reads the context object") {
  CHECK_FALSE(CompiledTemplate({{"a.$", "$.x"}, {"b", "$$.not.a.path"}}).reads_context());
  CHECK(CompiledTemplate(json{{"a", json::array({{{"b.$", "$$.State.Name"}}})}}).reads_context());
  CHECK(
      CompiledTemplate(json{{"a.$", "States.Format('{}', States.MathAdd($$.State.RetryCount, 1))"}})
          .reads_context());
  CHECK_FALSE(CompiledExpression("States.Format('$$', $.x)").reads_context());
  CHECK(CompiledExpression("$$.Execution.Input").reads_context());
}

TEST_CASE("a state's path fields keep their errors until they are used") {
  // Compiled by DataFields::of, which never throws; the error comes with the evaluation.
  CHECK(flowrun::test::asl_failure_of([] {
          effective_input(json{{"InputPath", 5}}, json::object(), kContext);
        }) == std::pair<std::string, std::string>{"States.Runtime",
                                                  "'InputPath' must be a string path or null"});
  CHECK(flowrun::test::asl_failure_of([] {
          effective_input(json{{"InputPath", "$.a["}}, json::object(), kContext);
        }).first == "States.Runtime");
  CHECK(flowrun::test::asl_failure_of([] {
          state_output(json{{"ResultPath", "$.a["}}, json::object(), json(1), kContext);
        }).first == "States.ResultPathMatchFailure");
  CHECK(flowrun::test::asl_failure_of([] {
          state_output(json{{"OutputPath", "$.missing"}}, json::object(), json(1), kContext);
        }) == std::pair<std::string, std::string>{
                  "States.Runtime", "the path '$.missing' does not match anything in the input"});
}

TEST_CASE("a state mentions the context object when any of its strings holds $$") {
  CHECK_FALSE(mentions_context(json::parse(R"j({"Type": "Pass", "Parameters": {"a.$": "$.x"}})j")));
  CHECK(mentions_context(json::parse(
      R"j({"Type": "Choice", "Choices": [{"Variable": "$$.State.Name", "IsPresent": true}]})j")));
  CHECK(mentions_context(json::parse(R"j({"Type": "Fail", "CausePath": "$$.Execution.Name"})j")));
}
