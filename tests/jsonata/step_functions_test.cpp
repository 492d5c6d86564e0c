#include <doctest/doctest.h>

#include <regex>

#include "jsonata/jsonata_inputs.hpp"
#include "jsonata/jsonata_support.hpp"

// The functions Step Functions adds to JSONata, and the Environment that binds `$states` and
// the state machine's variables. Expected values follow the AWS developer guide.

using namespace flowrun;
using namespace flowrun::test;

TEST_CASE("jsonata has the functions Step Functions adds") {
  check_jsonata_cases({
      {"$partition([1,2,3,4,5,6,7,8,9], 3)", kEmpty, "[[1,2,3],[4,5,6],[7,8,9]]"},
      {"$partition([1,2,3,4,5], 2)", kEmpty, "[[1,2],[3,4],[5]]"},
      {"$partition([], 2)", kEmpty, "[]"},
      {"$partition([1,2], 0)", kEmpty, "error:D3150"},
      {"$partition([1,2], 1.5)", kEmpty, "error:D3150"},
      {"$range(0, 10, 2)", kEmpty, "[0,2,4,6,8,10]"},
      {"$range(1, 4)", kEmpty, "[1,2,3,4]"},
      {"$range(5, 1, -2)", kEmpty, "[5,3,1]"},
      {"$range(1, 0)", kEmpty, "[]"},
      {"$range(0, 5, 0)", kEmpty, "error:D3150"},
      {"$hash('input data', 'SHA-256')", kEmpty,
       R"("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")"},
      {"$hash('abc', 'MD5')", kEmpty, R"("900150983cd24fb0d6963f7d28e17f72")"},
      {"$hash('abc', 'SHA-1')", kEmpty, R"("a9993e364706816aba3e25717850c26c9cd0d89d")"},
      {"$hash('abc', 'SHA-512')", kEmpty,
       R"("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")"},
      {"$hash('abc', 'SHA-3')", kEmpty, "error:D3150"},
      {"$parse('{\"a\": [1, 2]}')", kEmpty, R"({"a":[1,2]})"},
      {"$parse('{\"a\": [1, 2]}').a[1]", kEmpty, "2"},
      {"$parse('not json')", kEmpty, "error:D3150"},
      {"$random(42) = $random(42)", kEmpty, "true"},
      {"$random(42) != $random(43)", kEmpty, "true"},
      {"$random() >= 0 and $random() < 1", kEmpty, "true"},
      {"$length($uuid())", kEmpty, "36"},
      {"$uuid() = $uuid()", kEmpty, "false"},
  });
}

TEST_CASE("$hash is the States.Hash implementation (SHA-256 of a known text)") {
  // Checked against `printf abc | sha256sum`.
  CHECK(run_jsonata("$hash('abc', 'SHA-256')", "{}") ==
        R"("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")");
  CHECK(
      run_jsonata("$hash('abc', 'SHA-384')", "{}") ==
      R"("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")");
}

TEST_CASE("$uuid gives a version 4 UUID") {
  std::string uuid = run_jsonata("$uuid()", "{}");
  CHECK(std::regex_match(
      uuid,
      std::regex(R"re("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")re")));
}

TEST_CASE("jsonata variables come from the environment, then built-ins, then undefined") {
  JsonEnvironment environment(nlohmann::json::parse(
      R"({"states": {"input": {"order": {"items": [{"price": 2}, {"price": 3}]}}, "context": {"Execution": {"Name": "run-1"}}},
          "total": 10, "string": "shadowed"})"));
  CHECK(run_jsonata("$sum($states.input.order.items.price)", "{}", environment) == "5");
  CHECK(run_jsonata("$states.context.Execution.Name", "{}", environment) == R"("run-1")");
  CHECK(run_jsonata("$total * 2", "{}", environment) == "20");
  CHECK(run_jsonata("$string", "{}", environment) == R"("shadowed")");
  CHECK(run_jsonata("$uppercase('a')", "{}", environment) == R"("A")");
  CHECK(run_jsonata("$missing", "{}", environment) == "undefined");
  CHECK(run_jsonata("($total := 1; $total)", "{}", environment) == "1");
  CHECK(run_jsonata("$states.input.order.items[price > 2]", "{}", environment) == R"({"price":3})");
}

TEST_CASE("a compiled jsonata expression is evaluated many times against different inputs") {
  jsonata::Expression expression = jsonata::Expression::compile("items[price > $limit].name");
  CHECK(expression.text() == "items[price > $limit].name");
  JsonEnvironment low(nlohmann::json{{"limit", 1}});
  JsonEnvironment high(nlohmann::json{{"limit", 5}});
  nlohmann::json input =
      nlohmann::json::parse(R"({"items": [{"name": "a", "price": 2}, {"name": "b", "price": 6}]})");
  CHECK(expression.evaluate(input, low) == nlohmann::json::parse(R"(["a","b"])"));
  CHECK(expression.evaluate(input, high) == nlohmann::json("b"));
  CHECK(expression.evaluate(nlohmann::json::object(), low) == std::nullopt);
}
