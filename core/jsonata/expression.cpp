#include "core/jsonata/evaluator.hpp"
#include "core/jsonata/jsonata.hpp"
#include "core/jsonata/parser.hpp"

namespace flowrun::jsonata {

Expression Expression::compile(std::string_view text) {
  Expression expression;
  expression.root_ = parse_expression(text);
  expression.text_ = std::string(text);
  return expression;
}

std::optional<nlohmann::json> Expression::evaluate(const nlohmann::json& input,
                                                   const Environment& environment,
                                                   std::chrono::milliseconds time_limit) const {
  Evaluator evaluator(environment, std::chrono::steady_clock::now() + time_limit);
  auto frame = std::make_shared<Frame>(nullptr);
  Value root = Value::borrow(input);
  frame->bind("$", root);
  Value context = root;
  // An input array is one context item, not a sequence to map over (jsonata-js's outer
  // wrapper).
  if (input.is_array()) {
    auto wrapper = make_sequence();
    wrapper->items.push_back(root);
    wrapper->outer_wrapper = true;
    context = Value::sequence(std::move(wrapper));
  }
  Value result = evaluator.evaluate(*root_, context, frame);
  return to_json(result);
}

}  // namespace flowrun::jsonata
