#include "core/asl/choice_compiled.hpp"

#include <fmt/format.h>

namespace flowrun::asl {
namespace {

using nlohmann::json;

constexpr const char* kRuntime = "States.Runtime";
// Choice rules come from the definition, but guard the recursion all the same.
constexpr int kMaxRuleDepth = 256;

CompiledRule invalid(std::string cause) {
  CompiledRule rule;
  rule.error.emplace(kRuntime, std::move(cause));
  return rule;
}

CompiledRule compile_rule(const json& rule, int depth);

CompiledRule compile_list(const json& list, CompiledRule::Kind kind, int depth) {
  const bool is_and = kind == CompiledRule::Kind::And;
  if (!list.is_array() || list.empty()) {
    return invalid(fmt::format("'{}' needs a non-empty array of rules", is_and ? "And" : "Or"));
  }
  CompiledRule compiled;
  compiled.kind = kind;
  for (const json& child : list) compiled.children.push_back(compile_rule(child, depth + 1));
  return compiled;
}

// The operand of `op` (named `key`): converted once, or its error kept for evaluation.
void compile_operand(CompiledRule& compiled, const std::string& key, const json& operand) {
  const ChoiceOperator& op = compiled.op;
  compiled.operand = operand;
  if (op.family == Family::IsPresent || op.is_type_test()) {
    if (operand.is_boolean()) {
      compiled.expected = operand.get<bool>();
    } else {
      compiled.operand_error.emplace(kRuntime, op.family == Family::IsPresent
                                                   ? std::string("IsPresent needs true or false")
                                                   : fmt::format("{} needs true or false", key));
    }
  } else if (!op.is_path) {
    compiled.literal = prepare_operand(op, operand);
  } else if (!operand.is_string()) {
    compiled.operand_error.emplace(kRuntime, fmt::format("{} needs a path", key));
  } else {
    try {
      compiled.operand_path = compile_path(operand.get_ref<const std::string&>());
    } catch (const PathSyntaxError&) {
      // Left to select_path, which reports it as every other path does.
    }
  }
}

CompiledRule compile_comparison(const json& rule, const ChoiceOperator& op, const std::string& key,
                                const json& operand) {
  auto variable = rule.find("Variable");
  if (variable == rule.end() || !variable->is_string()) {
    return invalid("a Choice rule needs a string 'Variable'");
  }
  const auto& variable_path = variable->get_ref<const std::string&>();
  CompiledRule compiled;
  try {
    compiled.variable = compile_path(variable_path);
  } catch (const PathSyntaxError& error) {
    return invalid(fmt::format("invalid Variable path '{}': {}", variable_path, error.what()));
  }
  compiled.kind = CompiledRule::Kind::Comparison;
  compiled.op = op;
  compile_operand(compiled, key, operand);
  return compiled;
}

CompiledRule compile_rule(const json& rule, int depth) {
  if (depth > kMaxRuleDepth) return invalid("Choice rules are nested too deeply");
  if (!rule.is_object()) return invalid("a Choice rule must be an object");
  if (auto it = rule.find("And"); it != rule.end()) {
    return compile_list(*it, CompiledRule::Kind::And, depth);
  }
  if (auto it = rule.find("Or"); it != rule.end()) {
    return compile_list(*it, CompiledRule::Kind::Or, depth);
  }
  if (auto it = rule.find("Not"); it != rule.end()) {
    CompiledRule compiled;
    compiled.kind = CompiledRule::Kind::Not;
    compiled.children.push_back(compile_rule(*it, depth + 1));
    return compiled;
  }
  for (auto it = rule.begin(); it != rule.end(); ++it) {
    if (std::optional<ChoiceOperator> op = parse_choice_operator(it.key())) {
      return compile_comparison(rule, *op, it.key(), *it);
    }
  }
  return invalid("a Choice rule has no comparison operator, And, Or or Not");
}

bool evaluate_comparison(const CompiledRule& rule, const json& input,
                         const ContextObject& context) {
  const JsonPath& path = *rule.variable;
  const json* root = path.root(input, context);
  const json* variable = path.is_definite() && root ? path.find(*root) : nullptr;
  json many;
  if (!path.is_definite() && root) {
    many = select_parsed_path(input, path, context, kRuntime);
    variable = &many;
  }
  if (rule.op.family == Family::IsPresent) {
    if (rule.operand_error) throw *rule.operand_error;
    // An indefinite path is present when it matches at least one node.
    bool present = path.is_definite() ? variable != nullptr : !many.empty();
    return present == rule.expected;
  }
  if (!variable) {
    throw AslError(kRuntime,
                   fmt::format("Invalid path '{}': the Choice rule's Variable does not match "
                               "anything in the input",
                               path.text()));
  }
  if (rule.op.is_type_test()) {
    if (rule.operand_error) throw *rule.operand_error;
    return test_type(rule.op.family, *variable) == rule.expected;
  }
  if (!rule.op.is_path) return compare(rule.op, *variable, rule.operand, rule.literal);
  if (rule.operand_error) throw *rule.operand_error;
  json other = rule.operand_path ? select_parsed_path(input, *rule.operand_path, context, kRuntime)
                                 : select_path(input, rule.operand.get_ref<const std::string&>(),
                                               context, kRuntime);
  return compare(rule.op, *variable, other, prepare_operand(rule.op, other));
}

}  // namespace

CompiledRule compile_choice_rule(const json& rule) { return compile_rule(rule, 0); }

bool evaluate_compiled_rule(const CompiledRule& rule, const json& input,
                            const ContextObject& context) {
  switch (rule.kind) {
    case CompiledRule::Kind::And:
      for (const CompiledRule& child : rule.children) {
        if (!evaluate_compiled_rule(child, input, context)) return false;
      }
      return true;
    case CompiledRule::Kind::Or:
      for (const CompiledRule& child : rule.children) {
        if (evaluate_compiled_rule(child, input, context)) return true;
      }
      return false;
    case CompiledRule::Kind::Not:
      return !evaluate_compiled_rule(rule.children.front(), input, context);
    case CompiledRule::Kind::Comparison:
      return evaluate_comparison(rule, input, context);
    case CompiledRule::Kind::Invalid:
      break;
  }
  throw *rule.error;
}

ChoiceProgram::ChoiceProgram(const json& state) {
  if (!state.is_object()) return;
  auto choices = state.find("Choices");
  if (choices != state.end() && choices->is_array()) {
    for (const json& rule : *choices) choices_.push_back({&rule, compile_choice_rule(rule)});
  }
  auto default_state = state.find("Default");
  has_default_ = default_state != state.end() && default_state->is_string();
}

const json* ChoiceProgram::choose(const json& input, const ContextObject& context) const {
  for (const Choice& choice : choices_) {
    if (evaluate_compiled_rule(choice.condition, input, context)) return choice.rule;
  }
  if (has_default_) return nullptr;
  throw AslError("States.NoChoiceMatched",
                 "no Choice rule matched the input and the state has no Default");
}

}  // namespace flowrun::asl
