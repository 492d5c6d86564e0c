#include "core/asl/choice_compiled.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <utility>

#include "core/validate/load_definition.hpp"
#include "support/asl_failure.hpp"

// Choice rules compiled once: the interpreter's form of a Choice state. The whole-execution
// cases of tests/asl/executions and tests/asl/cases run them too; these check what only
// the compiled form has (errors kept for evaluation, the depth guard, compiling at load).

namespace flowrun::asl {
namespace {

using nlohmann::json;

json nested_nots(int depth) {
  json rule = {{"Variable", "$.v"}, {"NumericEquals", 1}};
  for (int i = 0; i < depth; ++i) {
    json wrapper = json::object();
    wrapper["Not"] = std::move(rule);  // moved, not copied: an initializer list would copy
    rule = std::move(wrapper);
  }
  return rule;
}

}  // namespace

TEST_CASE("a malformed Choice rule compiles, and fails only when it is evaluated") {
  json rule = R"({"Or": [{"Variable": "$.v", "NumericEquals": 1}, {"And": []}]})"_json;
  CompiledRule compiled = compile_choice_rule(rule);
  CHECK(evaluate_compiled_rule(compiled, json{{"v", 1}}, json::object()));
  CHECK(test::asl_failure_of([&] {
          evaluate_compiled_rule(compiled, json{{"v", 2}}, json::object());
        }) == std::pair<std::string, std::string>{"States.Runtime",
                                                  "'And' needs a non-empty array of rules"});
}

TEST_CASE("a bad operand is reported after the Variable is looked up, as walking the rule does") {
  CompiledRule compiled =
      compile_choice_rule(R"({"Variable": "$.v", "NumericEqualsPath": 5})"_json);
  SUBCASE("a Variable that selects nothing comes first") {
    CHECK(test::asl_failure_of([&] {
            evaluate_compiled_rule(compiled, json::object(), json::object());
          }).second ==
          "Invalid path '$.v': the Choice rule's Variable does not match anything "
          "in the input");
  }
  SUBCASE("then the operand") {
    CHECK(test::asl_failure_of([&] {
            evaluate_compiled_rule(compiled, json{{"v", 5}}, json::object());
          }).second == "NumericEqualsPath needs a path");
  }
}

TEST_CASE("an operand path that does not parse fails as select_path reports it") {
  CompiledRule compiled =
      compile_choice_rule(R"({"Variable": "$.v", "StringEqualsPath": "$.["})"_json);
  auto [error, cause] = test::asl_failure_of([&] {
    evaluate_compiled_rule(compiled, json{{"v", "x"}}, json::object());
  });
  CHECK(error == "States.Runtime");
  INFO(cause);
  CHECK(cause.starts_with("invalid path '$.[': "));
}

TEST_CASE("Choice rules nested deeper than 256 levels fail instead of exhausting the stack") {
  CHECK(evaluate_compiled_rule(compile_choice_rule(nested_nots(256)), json{{"v", 1}},
                               json::object()));
  CompiledRule deep = compile_choice_rule(nested_nots(10000));
  CHECK(test::asl_failure_of([&] {
          evaluate_compiled_rule(deep, json{{"v", 1}}, json::object());
        }) == std::pair<std::string, std::string>{"States.Runtime",
                                                  "Choice rules are nested too deeply"});
}

TEST_CASE("a compiled Choice state gives the matching rule of its definition, or the Default") {
  json state = R"({"Type": "Choice", "Default": "D", "Choices": [
    {"Variable": "$.n", "NumericLessThan": 0, "Next": "Negative"},
    {"Variable": "$.n", "NumericGreaterThan": 0, "Next": "Positive"}]})"_json;
  ChoiceProgram program(state);
  CHECK(program.choose(json{{"n", -1}}, json::object()) == &state["Choices"][0]);
  CHECK(program.choose(json{{"n", 1}}, json::object()) == &state["Choices"][1]);
  CHECK(program.choose(json{{"n", 0}}, json::object()) == nullptr);
  state.erase("Default");
  CHECK(test::asl_failure_of([&] {
          ChoiceProgram(state).choose(json{{"n", 0}}, json::object());
        }).first == "States.NoChoiceMatched");
}

TEST_CASE("loading a machine compiles its JSONPath Choice states, not its JSONata ones") {
  Diagnostics diagnostics;
  std::optional<Definition> definition = load_definition_text("m.asl.json", R"({
    "StartAt": "A", "States": {
    "A": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "B"}],
          "Default": "B"},
    "B": {"Type": "Choice", "QueryLanguage": "JSONata",
          "Choices": [{"Condition": "{% $states.input.n = 1 %}", "Next": "C"}], "Default": "C"},
    "C": {"Type": "Pass", "End": true}}})",
                                                              diagnostics);
  REQUIRE(definition);
  REQUIRE(definition->machine);
  CHECK(definition->machine->find("A")->facts.choice_program != nullptr);
  CHECK(definition->machine->find("B")->facts.choice_program == nullptr);
  CHECK(definition->machine->find("C")->facts.choice_program == nullptr);
}

}  // namespace flowrun::asl
