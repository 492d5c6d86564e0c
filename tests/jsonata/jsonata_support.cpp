#include "jsonata/jsonata_support.hpp"

#include <doctest/doctest.h>

namespace flowrun::test {

const nlohmann::json* JsonEnvironment::lookup(std::string_view name) const {
  auto found = bindings_.find(name);
  return found == bindings_.end() ? nullptr : &*found;
}

std::string run_jsonata(const std::string& expression, const std::string& input,
                        const jsonata::Environment& environment) {
  try {
    jsonata::Expression compiled = jsonata::Expression::compile(expression);
    nlohmann::json data = input.empty() ? nlohmann::json() : nlohmann::json::parse(input);
    std::optional<nlohmann::json> result = compiled.evaluate(data, environment);
    return result ? result->dump() : "undefined";
  } catch (const jsonata::Error& error) {
    return "error:" + error.code();
  }
}

void check_jsonata_cases(const std::vector<JsonataCase>& cases) {
  for (const JsonataCase& c : cases) {
    std::string expression = c.expression;
    CAPTURE(expression);
    std::string expected = c.expected;
    if (expected != "undefined" && expected.rfind("error:", 0) != 0) {
      expected = nlohmann::json::parse(expected).dump();
    }
    CHECK(run_jsonata(c.expression, c.input) == expected);
  }
}

}  // namespace flowrun::test
