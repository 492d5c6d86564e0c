#include <doctest/doctest.h>

#include "jsonata/jsonata_inputs.hpp"
#include "jsonata/jsonata_support.hpp"

// Expected results were produced by jsonata-js 2.1.0 from the same expressions and inputs,
// except where docs/asl.md lists a deviation (object keys come out sorted, and the few
// jsonata-js quirks noted there).

using namespace flowrun;
using namespace flowrun::test;

TEST_CASE("jsonata syntax errors carry jsonata's codes") {
  check_jsonata_cases({
      {R"("abc)", kEmpty, R"(error:S0101)"},
      {R"(`abc)", kEmpty, R"(error:S0105)"},
      {R"("\x")", kEmpty, R"(error:S0103)"},
      {R"("\u12")", kEmpty, R"(error:S0104)"},
      {R"(/* unclosed)", kEmpty, R"(error:S0106)"},
      {R"((1)", kEmpty, R"(error:S0203)"},
      {R"([1, 2)", kEmpty, R"(error:S0203)"},
      {R"({"a": 1)", kEmpty, R"(error:S0203)"},
      {R"(1 +)", kEmpty, R"(error:S0207)"},
      {R"(a.b.)", kEmpty, R"(error:S0207)"},
      {R"(1 2)", kEmpty, R"(error:S0201)"},
      {R"())", kEmpty, R"(error:S0211)"},
      {R"(1 ! 2)", kEmpty, R"(error:S0204)"},
      {R"(1 ~ 2)", kEmpty, R"(error:S0204)"},
      {R"(a.1)", kEmpty, R"(error:S0213)"},
      {R"(a.true)", kEmpty, R"(error:S0213)"},
      {R"(1 := 2)", kEmpty, R"(error:S0212)"},
      {R"(function(1){1})", kEmpty, R"(error:S0208)"},
      {R"($f(,))", kEmpty, R"(error:S0211)"},
      {R"(a[0]{"x":1}[0])", kEmpty, R"({"x":1})"},
      {R"(a{"x":1}{"y":2})", kEmpty, R"(error:S0210)"},
      {R"(a@1)", kEmpty, R"(error:S0214)"},
      {R"(%)", kEmpty, R"(error:S0217)"},
      {R"(/ab)", kEmpty, R"(error:S0302)"},
      {R"({"a" 1})", kEmpty, R"(error:S0202)"},
      {R"(a ? b :)", kEmpty, R"(error:S0207)"},
      {R"($sum(1,)", kEmpty, R"(error:S0203)"},
      {R"(| a | {} )", kEmpty, R"(error:S0203)"},
      {R"(1e400)", kEmpty, R"(error:S0102)"},
  });
}

TEST_CASE("jsonata runtime guards: overflow, runaway recursion, deep nesting, huge ranges") {
  check_jsonata_cases({
      {"1/0", kEmpty, "error:D1001"},
      {"$power(10, 400)", kEmpty, "error:D3061"},
      {"($f := function($n){ 1 + $f($n + 1) }; $f(0))", kEmpty, "error:U1001"},
      {"($f := function($n){ $f($n + 1) + 1 }; $f(0))", kEmpty, "error:U1001"},
      {"[1..10000001]", kEmpty, "error:D2014"},
      {"$range(1, 20000000)", kEmpty, "error:D2014"},
  });
  std::string deep = std::string(600, '(') + "1" + std::string(600, ')');
  CHECK(run_jsonata(deep, "{}") == "error:S0201");
  std::string deep_array = std::string(600, '[') + std::string(600, ']');
  CHECK(run_jsonata(deep_array, "{}") == "error:S0201");
}

TEST_CASE("jsonata errors report the code, the position and jsonata's message") {
  auto error_of = [](const std::string& text) -> jsonata::Error {
    try {
      jsonata::Expression::compile(text).evaluate(nlohmann::json::object(), JsonEnvironment());
    } catch (const jsonata::Error& error) {
      return error;
    }
    FAIL("no error");
    return jsonata::Error("", 0, "");
  };
  jsonata::Error arithmetic = error_of(R"(1 + "a")");
  CHECK(arithmetic.code() == "T2002");
  CHECK(arithmetic.position() == 3);
  CHECK(std::string(arithmetic.what()) ==
        R"(The right side of the "+" operator must evaluate to a number)");
  jsonata::Error unterminated = error_of(R"("abc)");
  CHECK(unterminated.code() == "S0101");
  CHECK(unterminated.position() == 4);
  CHECK(std::string(error_of("$number(\"x\")").what()) ==
        R"(Unable to cast value to a number: "x")");
  CHECK(std::string(error_of("$uppercase(1)").what()) ==
        R"(Argument 1 of function "uppercase" does not match function signature)");
  jsonata::Error custom = error_of(R"($error("stop here"))");
  CHECK(custom.code() == "D3137");
  CHECK(std::string(custom.what()) == "stop here");
}

TEST_CASE("a jsonata loop that never ends fails with U1001 at the evaluation's time limit") {
  // Tail calls do not nest, so no depth limit stops this one; the clock does.
  jsonata::Expression endless =
      jsonata::Expression::compile("($f := function($n){ n = 0 ? $n : $f($n + 1) }; $f(0))");
  JsonEnvironment environment;
  try {
    endless.evaluate(nlohmann::json::object(), environment, std::chrono::milliseconds(200));
    FAIL("the evaluation ended");
  } catch (const jsonata::Error& error) {
    CHECK(error.code() == "U1001");
    CHECK(std::string(error.what()).find("timeout") != std::string::npos);
  }
  // A long but finite evaluation under the same limit still completes.
  jsonata::Expression finite = jsonata::Expression::compile(
      "($f := function($n, $acc){ $n = 0 ? $acc : $f($n - 1, $acc + 1) }; $f(1000, 0))");
  CHECK(finite.evaluate(nlohmann::json::object(), environment, std::chrono::seconds(30)) ==
        nlohmann::json(1000));
}
