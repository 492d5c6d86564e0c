#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/jsonata/jsonata.hpp"

// Expression::find_member_reads: where an expression reads `$states.result`, which validate
// uses to tell a `$states` field that is read where Step Functions does not set it.

namespace flowrun::jsonata {
namespace {

std::vector<std::size_t> result_reads(const std::string& text) {
  return Expression::compile(text).find_member_reads("states", "result");
}

}  // namespace

TEST_CASE("a path that starts with $states.result is found at the offset of its '$'") {
  CHECK(result_reads("$states.result") == std::vector<std::size_t>{0});
  CHECK(result_reads("$states.result.Payload.id") == std::vector<std::size_t>{0});
  CHECK(result_reads("  $states.result[0]") == std::vector<std::size_t>{2});
  CHECK(result_reads("{'a': $states.input.x, 'b': $states.result}") ==
        std::vector<std::size_t>{28});
}

TEST_CASE("reads inside calls, conditions, lambdas and predicates are all found, in order") {
  CHECK(result_reads("$merge([$states.input, $states.result])") == std::vector<std::size_t>{23});
  CHECK(result_reads("$x ? $states.result : $states.result.b") == std::vector<std::size_t>{5, 22});
  CHECK(result_reads("$map([1], function($v) { $states.result })") == std::vector<std::size_t>{25});
  CHECK(result_reads("$states.input.items[$ = $states.result]") == std::vector<std::size_t>{24});
}

TEST_CASE("other variables and other members of $states are not reads of $states.result") {
  CHECK(result_reads("$result").empty());
  CHECK(result_reads("$result.states").empty());
  CHECK(result_reads("$states.input.result").empty());
  CHECK(result_reads("$statesResult.result").empty());
  CHECK(result_reads("$states").empty());
  CHECK(result_reads("'$states.result'").empty());
  CHECK(
      Expression::compile("$states.errorOutput.Cause").find_member_reads("states", "errorOutput") ==
      std::vector<std::size_t>{0});
}

}  // namespace flowrun::jsonata
