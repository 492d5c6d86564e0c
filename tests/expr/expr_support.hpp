#pragma once

#include <string>
#include <vector>

#include "core/expr/evaluator.hpp"
#include "core/expr/parser.hpp"

namespace flowrun::test {

/// The outcome of one expression: its kind and JSON text, or an error message.
struct ExprOutcome {
  std::string kind;
  std::string json;  ///< toJSON-style text of the value (NaN and Infinity spelled out)
  std::string error;
};

/// Parses `text` with the top-level keys of `contexts_json` as the known contexts (as
/// GitHub's own test harness does) and evaluates it.
inline ExprOutcome run_expression(const std::string& text, const std::string& contexts_json = "{}",
                                  expr::StatusFlags status = {}) {
  expr::Value contexts = expr::Value::parse(contexts_json);
  std::vector<std::string> names;
  for (const auto& [key, value] : contexts.items()) names.push_back(key);
  expr::ParseOptions options;
  options.contexts = &names;
  expr::Parsed parsed = expr::parse(text, options);
  if (parsed.error) return {"", "", expr::describe(*parsed.error, text)};
  expr::EvalContext context;
  context.contexts = &contexts;
  context.status = status;
  context.now_ms = 1795834800123;  // 2026-11-28T03:00:00.123Z
  expr::Evaluated value = expr::evaluate(parsed.root.get(), context);
  if (value.error) return {"", "", *value.error};
  std::string kind(expr::kind_name(expr::kind_of(value.value)));
  std::string json;
  if (kind == "Number") {
    json = expr::format_js_number(expr::to_number(value.value));
  } else {
    json = value.value.dump();
  }
  return {kind, json, ""};
}

}  // namespace flowrun::test
