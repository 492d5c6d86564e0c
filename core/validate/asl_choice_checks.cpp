#include "core/validate/asl_choice_checks.hpp"

#include <fmt/format.h>

#include "core/asl/choice_rules.hpp"
#include "core/asl/timestamp.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

// Rules come from a file whose depth the reader already bounds; this guards the recursion
// all the same.
constexpr int kMaxDepth = 256;

// Every comparison operator's name, for did-you-mean notes.
const std::vector<std::string>& operator_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out = {
        "IsNull",      "IsPresent",     "IsNumeric",     "IsString",          "IsBoolean",
        "IsTimestamp", "StringMatches", "BooleanEquals", "BooleanEqualsPath", "And",
        "Or",          "Not",           "Variable"};
    for (const char* family : {"String", "Numeric", "Timestamp"}) {
      for (const char* comparison :
           {"Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"}) {
        out.push_back(fmt::format("{}{}", family, comparison));
        out.push_back(fmt::format("{}{}Path", family, comparison));
      }
    }
    return out;
  }();
  return names;
}

bool is_plain_rule_field(std::string_view key) {
  return key == "Variable" || key == "Next" || key == "Comment" || key == "Assign" ||
         key == "Output";
}

class ChoiceChecker {
 public:
  explicit ChoiceChecker(AslDataReporter& reporter) : reporter_(reporter) {}

  void check_rule(const Node& rule, const std::string& what, bool nested, int depth) {
    if (!rule.is_mapping() || depth > kMaxDepth) return;
    if (rule.find("Condition")) return;  // a JSONata rule, not ours to check
    if (const Node::Entry* next = rule.find_entry("Next"); next && nested) {
      reporter_.error(
          "asl-choice-rule", next->key,
          fmt::format("{} is nested inside And/Or/Not, so it cannot have 'Next'", what));
    }
    std::vector<const Node::Entry*> tests;
    for (const auto& entry : rule.entries) {
      const std::string& key = entry.key.text;
      if (key == "And" || key == "Or" || key == "Not" || asl::parse_choice_operator(key)) {
        tests.push_back(&entry);
      } else if (!is_plain_rule_field(key)) {
        unknown_field(entry, what);
      }
    }
    if (tests.empty()) {
      reporter_.error("asl-choice-rule", rule,
                      fmt::format("{} has no comparison operator, And, Or or Not", what));
      return;
    }
    if (tests.size() > 1) {
      reporter_.error("asl-choice-rule", tests[1]->key,
                      fmt::format("{} has both '{}' and '{}'; a rule tests one thing (combine "
                                  "tests with And or Or)",
                                  what, tests[0]->key.text, tests[1]->key.text));
    }
    check_test(rule, *tests[0], what, depth);
  }

 private:
  void unknown_field(const Node::Entry& entry, const std::string& what) {
    std::string message = fmt::format("unknown field '{}' in {}", entry.key.text, what);
    if (auto match = closest_match(entry.key.text, operator_names())) {
      message += fmt::format(" (did you mean '{}'?)", *match);
    }
    reporter_.error("asl-choice-rule", entry.key, message);
  }

  void check_test(const Node& rule, const Node::Entry& test, const std::string& what, int depth) {
    const std::string& key = test.key.text;
    if (key == "Not") {
      if (!test.value.is_mapping()) {
        reporter_.error("asl-choice-rule", test.value,
                        fmt::format("Not of {} must be a rule", what));
        return;
      }
      check_rule(test.value, fmt::format("{} (Not)", what), true, depth + 1);
      return;
    }
    if (key == "And" || key == "Or") {
      if (!test.value.is_sequence() || test.value.items.empty()) {
        reporter_.error("asl-choice-rule", test.value,
                        fmt::format("{} of {} must be a non-empty list of rules", key, what));
        return;
      }
      for (std::size_t i = 0; i < test.value.items.size(); ++i) {
        check_rule(test.value.items[i], fmt::format("{} ({} {})", what, key, i + 1), true,
                   depth + 1);
      }
      return;
    }
    const Node* variable = rule.find("Variable");
    if (!variable) {
      reporter_.error("asl-choice-rule", test.key,
                      fmt::format("{} compares with '{}' but has no 'Variable'", what, key));
    } else {
      std::string field = fmt::format("Variable of {}", what);
      if (!reporter_.skip_placeholder(*variable, field)) {
        if (variable->is_string()) {
          reporter_.check_path(*variable, field, false);
        } else {
          reporter_.error("asl-choice-rule", *variable, fmt::format("{} must be a path", field));
        }
      }
    }
    check_operand(test, *asl::parse_choice_operator(key), what);
  }

  void check_operand(const Node::Entry& test, const asl::ChoiceOperator& op,
                     const std::string& what) {
    const Node& operand = test.value;
    std::string field = fmt::format("{} of {}", test.key.text, what);
    if (reporter_.skip_placeholder(operand, field)) return;
    const char* wanted = nullptr;
    if (op.is_path) {
      if (operand.is_string()) {
        reporter_.check_path(operand, field, false);
        return;
      }
      wanted = "a path string";
    } else if (op.is_type_test() || op.family == asl::Family::Boolean) {
      if (operand.kind != Node::Kind::Bool) wanted = "true or false";
    } else if (op.family == asl::Family::String || op.family == asl::Family::Matches) {
      if (!operand.is_string()) wanted = "a string";
    } else if (op.family == asl::Family::Numeric) {
      if (!operand.is_number()) wanted = "a number";
    } else if (op.family == asl::Family::Timestamp) {
      if (!operand.is_string() || !asl::parse_timestamp(operand.text)) {
        wanted = "an RFC 3339 timestamp such as \"2016-08-18T17:33:00Z\"";
      }
    }
    if (wanted) {
      reporter_.error("asl-choice-operand", operand, fmt::format("{} must be {}", field, wanted));
    }
  }

  AslDataReporter& reporter_;
};

}  // namespace

void check_choice_rules(const Node& state, const std::string& name, AslDataReporter& reporter) {
  const Node* choices = state.find("Choices");
  if (!choices || !choices->is_sequence()) return;
  ChoiceChecker checker(reporter);
  for (std::size_t i = 0; i < choices->items.size(); ++i) {
    checker.check_rule(choices->items[i], fmt::format("Choice rule {} of state '{}'", i + 1, name),
                       false, 0);
  }
}

}  // namespace flowrun
