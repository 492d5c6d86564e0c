#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/jsonata/jsonata.hpp"

// Table-driven JSONata cases: an expression, its input (JSON text), and the expected result:
// JSON text, "undefined", or "error:CODE".

namespace flowrun::test {

struct JsonataCase {
  const char* expression;
  const char* input;
  const char* expected;
};

/// An Environment over a JSON object: `$name` is the member `name`.
class JsonEnvironment : public jsonata::Environment {
 public:
  explicit JsonEnvironment(nlohmann::json bindings = nlohmann::json::object())
      : bindings_(std::move(bindings)) {}
  const nlohmann::json* lookup(std::string_view name) const override;

 private:
  nlohmann::json bindings_;
};

/// The outcome of compiling and evaluating as the expected strings write it.
std::string run_jsonata(const std::string& expression, const std::string& input,
                        const jsonata::Environment& environment = JsonEnvironment());

/// Checks every case (CHECK per case, with the expression captured).
void check_jsonata_cases(const std::vector<JsonataCase>& cases);

}  // namespace flowrun::test
