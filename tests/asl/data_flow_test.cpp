#include "core/asl/data_flow.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <functional>
#include <random>
#include <regex>

#include "core/asl/intrinsics.hpp"
#include "core/asl/jsonpath.hpp"

using nlohmann::json;
using namespace flowrun::asl;

namespace {

json eval(const std::string& text, const json& input = json::object()) {
  return evaluate_expression(text, input, json::object(), "States.ParameterPathFailure");
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const AslError& error) {
    return error.error();
  }
  return "";
}

}  // namespace

TEST_CASE("States.UUID gives a version 4 UUID, different on each call") {
  std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::string first = eval("States.UUID()").get<std::string>();
  std::string second = eval("States.UUID()").get<std::string>();
  CHECK(std::regex_match(first, v4));
  CHECK(std::regex_match(second, v4));
  CHECK(first != second);
}

TEST_CASE("States.MathRandom with a seed repeats its value; without one it stays in range") {
  json seeded = eval("States.MathRandom(1, 1000, 42)");
  CHECK(eval("States.MathRandom(1, 1000, 42)") == seeded);
  for (int i = 0; i < 200; ++i) {
    auto value = eval("States.MathRandom(-3, 3)").get<std::int64_t>();
    CHECK(value >= -3);
    CHECK(value < 3);
  }
}

TEST_CASE("Base64 functions refuse input over 10 000 characters") {
  json input = {{"s", std::string(10000, 'a')}, {"t", std::string(10001, 'a')}};
  CHECK(eval("States.Base64Encode($.s)", input).get<std::string>().size() == 13336);
  CHECK(error_of([&] { eval("States.Base64Encode($.t)", input); }) == "States.IntrinsicFailure");
  json encoded = {{"e", std::string(10004, 'A')}};
  CHECK(error_of([&] { eval("States.Base64Decode($.e)", encoded); }) == "States.IntrinsicFailure");
}

TEST_CASE("deeply nested documents are walked without recursion") {
  json deep = json::array();
  json* node = &deep;
  for (int i = 0; i < 20000; ++i) {
    node->push_back(json::array());
    node = &(*node)[0];
  }
  node->push_back(json{{"needle", 1}});
  json found = select_path(deep, "$..needle", json::object(), "States.Runtime");
  CHECK(found == json::array({1}));
  // Free the chain iteratively too: nlohmann's destructor would recurse 20 000 levels deep.
  while (!deep.empty() && deep[0].is_array()) {
    json inner = std::move(deep[0]);
    deep = std::move(inner);
  }
}

TEST_CASE("a path is parsed once and served from the cache") {
  auto first = compile_path("$.cached.path[0]");
  auto second = compile_path("$.cached.path[0]");
  CHECK(first.get() == second.get());
  CHECK(first->is_definite());
  CHECK_FALSE(compile_path("$.a[*]")->is_definite());
}

TEST_CASE("syntax errors name the offset of the problem") {
  std::size_t offset = 99;
  auto message = check_path_syntax("$.a.b c", false, offset);
  REQUIRE(message);
  CHECK(offset == 5);
  message = check_intrinsic_syntax("States.Array(1, abc)", offset);
  REQUIRE(message);
  CHECK(offset == 16);
  CHECK(*message == "'abc' is not a valid argument (quote strings with ')");
  message = check_intrinsic_syntax("States.Nope()", offset);
  REQUIRE(message);
  CHECK(*message == "unknown intrinsic function 'States.Nope'");
  CHECK(offset == 0);
}

TEST_CASE("the error of a failing path names the path and where it looked") {
  try {
    select_path(json::object(), "$.order.id", json::object(), "States.Runtime");
    FAIL("no error");
  } catch (const AslError& error) {
    CHECK(error.error() == "States.Runtime");
    CHECK(error.cause() == "the path '$.order.id' does not match anything in the input");
  }
}

TEST_CASE("state_output leaves the raw input untouched") {
  json state = {{"ResultPath", "$.r"}};
  json input = {{"a", 1}};
  json out = state_output(state, input, json(2), json::object());
  CHECK(out == json{{"a", 1}, {"r", 2}});
  CHECK(input == json{{"a", 1}});
}

TEST_CASE("state_output gives the same value whether it copies or consumes its inputs") {
  json context = {{"State", {{"Name", "S"}}}};
  std::vector<json> states = {json::object(),
                              {{"ResultPath", nullptr}},
                              {{"ResultPath", "$.r.s"}, {"OutputPath", "$.r"}},
                              {{"ResultSelector", {{"v.$", "$.x"}}}, {"ResultPath", "$.sel"}},
                              {{"OutputPath", nullptr}}};
  json input = {{"a", 1}};
  json result = {{"x", 2}};
  for (const json& state : states) {
    CAPTURE(state.dump());
    json copied = state_output(state, input, result, context);
    json moved = state_output(state, json(input), json(result), context);
    CHECK(copied == moved);
  }
}

TEST_CASE("random text never crashes the path and intrinsic parsers or their evaluation") {
  // Fixed seed: the same 20 000 strings each run, built from the characters that matter.
  const std::string alphabet = "$.@[]()?*:,'\"\\ -0123abnS=<>!&|{}";
  std::mt19937 engine(12345);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(1, 24);
  json input = {{"a", {{"b", json::array({1, 2, json{{"n", 3}}})}}}, {"n", 1}, {"s", "x"}};
  for (int i = 0; i < 20000; ++i) {
    std::string text = i % 2 ? "$" : "States.Array(";
    for (int k = length(engine); k > 0; --k) text.push_back(alphabet[pick(engine)]);
    std::size_t offset = 0;
    bool valid =
        i % 2 ? !check_path_syntax(text, false, offset) : !check_intrinsic_syntax(text, offset);
    if (!valid) {
      CHECK(offset <= text.size());
      continue;
    }
    try {
      evaluate_expression(text, input, json::object(), "States.Runtime");
    } catch (const AslError&) {
    }
  }
}

TEST_CASE("random valid paths and intrinsic calls evaluate to a value or an AslError") {
  const std::vector<std::string> steps = {".a",   ".b",           "[0]",   "[*]",
                                          "..n",  "[?(@.n > 1)]", "[1:]",  "['a','b']",
                                          "[-1]", ".s",           "[0,2]", "[::-1]"};
  const std::vector<std::string> calls = {"States.Array({})",        "States.ArrayLength({})",
                                          "States.JsonToString({})", "States.Format('{{}}', {})",
                                          "States.ArrayUnique({})",  "States.StringSplit({}, ',')",
                                          "States.Base64Encode({})", "States.MathAdd({}, 1)"};
  std::mt19937 engine(777);
  std::uniform_int_distribution<std::size_t> pick_step(0, steps.size() - 1);
  std::uniform_int_distribution<std::size_t> pick_call(0, calls.size() - 1);
  std::uniform_int_distribution<int> length(0, 5);
  json input = {
      {"a", {{"b", json::array({1, 2, json{{"n", 3}}})}, {"n", 2}}}, {"n", 1}, {"s", "x"}};
  int values = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string path = "$";
    for (int k = length(engine); k > 0; --k) path += steps[pick_step(engine)];
    std::string text = path;
    for (int k = length(engine) % 3; k > 0; --k) {
      text = fmt::format(fmt::runtime(calls[pick_call(engine)]), text);
    }
    CAPTURE(text);
    try {
      evaluate_expression(text, input, json::object(), "States.Runtime");
      ++values;
    } catch (const AslError& error) {
      CHECK((error.error() == "States.Runtime" || error.error() == "States.IntrinsicFailure"));
    }
  }
  CHECK(values > 1000);
}
