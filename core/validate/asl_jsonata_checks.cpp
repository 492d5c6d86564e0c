#include "core/validate/asl_jsonata_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <string_view>

#include "core/asl/jsonata_state.hpp"
#include "core/asl/substitutions.hpp"
#include "core/asl/timestamp.hpp"
#include "core/jsonata/jsonata.hpp"

namespace flowrun {
namespace {

// Definitions come from a reader that bounds their depth; this guards the recursion anyway.
constexpr int kMaxDepth = 256;

// JSONPath fields, which a JSONata state replaces with Arguments, Output, Items and
// expressions in the fields themselves (developer guide, "Transforming data with JSONata").
constexpr const char* kJsonPathFields[] = {"InputPath",
                                           "OutputPath",
                                           "Parameters",
                                           "ResultSelector",
                                           "ResultPath",
                                           "Result",
                                           "ItemsPath",
                                           "SecondsPath",
                                           "TimestampPath",
                                           "TimeoutSecondsPath",
                                           "HeartbeatSecondsPath",
                                           "ErrorPath",
                                           "CausePath",
                                           "MaxConcurrencyPath",
                                           "ToleratedFailureCountPath",
                                           "ToleratedFailurePercentagePath"};

// Fields whose values may hold `{% %}` expressions besides those the interpreter evaluates
// (asl::jsonata_state_fields): a distributed Map's and a Task's service fields.
constexpr const char* kServiceExpressionFields[] = {"Credentials", "ItemReader", "ResultWriter"};

// Fields that must be written as they are: the state machine's shape.
constexpr const char* kLiteralFields[] = {"Type",     "Next",          "End",     "Default",
                                          "Resource", "QueryLanguage", "Comment", "Retry"};

bool is_one_of(std::string_view key, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

bool is_one_of(std::string_view key, std::span<const char* const> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* name) { return key == name; });
}

bool is_expression(const Node& value) {
  return value.is_string() && asl::jsonata_expression_text(value.text).has_value();
}

// The byte offset of character `position` (UTF-8) in `text`.
std::size_t byte_offset(std::string_view text, std::size_t position) {
  std::size_t characters = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (characters++ == position) return i;
  }
  return text.size();
}

class JsonataChecker {
 public:
  JsonataChecker(const std::string& name, AslDataReporter& reporter)
      : where_(fmt::format("of state '{}'", name)), reporter_(reporter) {}

  void check_state(const Node& state) {
    const Node* type = state.find("Type");
    // Both arms are views: `type->text : ""` would make a temporary std::string to view.
    std::string_view type_name =
        type && type->is_string() ? std::string_view(type->text) : std::string_view();
    for (const auto& entry : state.entries) {
      const std::string& key = entry.key.text;
      if (is_one_of(key, kJsonPathFields)) {
        reporter_.error("asl-jsonata-field", entry.key,
                        fmt::format("'{}' {} is a JSONPath field; a JSONata state uses {}", key,
                                    where_, replacement(key)));
      } else if (is_one_of(key, asl::jsonata_state_fields()) ||
                 is_one_of(key, kServiceExpressionFields)) {
        members_ = {reads_result(key, type_name), false};
        check_expressions(entry.value, fmt::format("{} {}", key, where_), 0);
      } else if (is_one_of(key, kLiteralFields)) {
        forbid_expressions(entry.value, fmt::format("{} {}", key, where_), 0);
      }
    }
    check_placement(state, type_name);
    check_literals(state);
    if (const Node* assign = state.find("Assign")) check_assign(*assign, where_);
    if (const Node* reader = state.find("ItemReader")) check_item_reader(*reader);
    if (type_name == "Choice") check_rules(state);
    if (const Node* catchers = state.find("Catch"); catchers && catchers->is_sequence()) {
      for (std::size_t i = 0; i < catchers->items.size(); ++i) {
        check_catcher(catchers->items[i], fmt::format("in Catch {} {}", i + 1, where_));
      }
    }
  }

 private:
  static std::string_view replacement(std::string_view key) {
    if (key == "InputPath" || key == "Parameters") return "Arguments";
    if (key == "ItemsPath") return "Items";
    if (key == "ResultPath" || key == "OutputPath") return "Output (and Assign)";
    if (key.size() > 4 && key.substr(key.size() - 4) == "Path") return "an expression in the field";
    return "Output (and Assign)";
  }

  // `$states.result` is set for the Output and Assign of a Task, Parallel or Map state
  // (developer guide, "Reserved variable $states"). A ResultWriter is not checked: the guide
  // does not say what it sees.
  static bool reads_result(std::string_view key, std::string_view type) {
    if (key == "ResultWriter") return true;
    return (key == "Output" || key == "Assign") &&
           (type == "Task" || type == "Parallel" || type == "Map");
  }

  // A JSONata state's ItemReader takes Arguments, as its Task-like fields do.
  void check_item_reader(const Node& reader) {
    if (const Node::Entry* entry = reader.find_entry("Parameters")) {
      reporter_.error("asl-jsonata-field", entry->key,
                      fmt::format("'Parameters' in the ItemReader {} is a JSONPath field; a "
                                  "JSONata state's ItemReader uses Arguments",
                                  where_));
    }
  }

  // Arguments: Task and Parallel; Output: every type but Fail; Assign: not Succeed and Fail.
  void check_placement(const Node& state, std::string_view type) {
    if (type.empty()) return;
    auto refuse = [&](const char* key, const char* why) {
      if (const Node::Entry* entry = state.find_entry(key)) {
        reporter_.error("asl-jsonata-field", entry->key,
                        fmt::format("'{}' {}: {}", key, where_, why));
      }
    };
    if (type != "Task" && type != "Parallel") {
      refuse("Arguments", "only Task and Parallel states take Arguments");
    }
    if (type == "Fail") refuse("Output", "a Fail state has no output");
    if (type == "Fail" || type == "Succeed") {
      refuse("Assign", "a state that ends the execution assigns no variables");
    }
  }

  // Values written literally where an expression may stand must still be of the right kind.
  void check_literals(const Node& state) {
    auto literal = [&](const char* key) -> const Node* {
      const Node* value = state.find(key);
      if (!value || is_expression(*value)) return nullptr;
      if (value->is_string() && asl::is_placeholder(value->text)) return nullptr;
      return value;
    };
    auto whole = [&](const char* key, std::int64_t minimum) {
      const Node* value = literal(key);
      if (!value) return;
      if (value->kind != Node::Kind::Integer || value->integer < minimum) {
        reporter_.error("asl-jsonata-value", *value,
                        fmt::format("{} {} must be {} integer or a {{% %}} expression", key, where_,
                                    minimum > 0 ? "a positive" : "a non-negative"));
      }
    };
    whole("Seconds", 0);
    whole("TimeoutSeconds", 1);
    whole("HeartbeatSeconds", 1);
    whole("MaxConcurrency", 0);
    whole("ToleratedFailureCount", 0);
    if (const Node* value = literal("ToleratedFailurePercentage");
        value && (!value->is_number() || (value->kind == Node::Kind::Integer
                                              ? value->integer < 0 || value->integer > 100
                                              : value->number < 0 || value->number > 100))) {
      reporter_.error("asl-jsonata-value", *value,
                      fmt::format("ToleratedFailurePercentage {} must be a number from 0 to 100 "
                                  "or a {{% %}} expression",
                                  where_));
    }
    if (const Node* value = literal("Timestamp");
        value && !(value->is_string() && asl::parse_timestamp(value->text))) {
      reporter_.error("asl-jsonata-value", *value,
                      fmt::format("Timestamp {} must be an RFC 3339 timestamp or a {{% %}} "
                                  "expression",
                                  where_));
    }
    if (const Node* value = literal("Items"); value && !value->is_sequence()) {
      reporter_.error("asl-jsonata-value", *value,
                      fmt::format("Items {} must be a list or a {{% %}} expression", where_));
    }
    for (const char* key : {"Error", "Cause"}) {
      if (const Node* value = literal(key); value && !value->is_string()) {
        reporter_.error("asl-jsonata-value", *value,
                        fmt::format("{} {} must be a string or a {{% %}} expression", key, where_));
      }
    }
  }

  // Every `{% %}` string in `node` must parse; `.$` keys belong to JSONPath.
  void check_expressions(const Node& node, const std::string& what, int depth) {
    if (depth > kMaxDepth) return;
    if (node.is_sequence()) {
      for (const Node& item : node.items) check_expressions(item, what, depth + 1);
    } else if (node.is_mapping()) {
      for (const auto& entry : node.entries) {
        const std::string& key = entry.key.text;
        if (key.size() > 2 && key.compare(key.size() - 2, 2, ".$") == 0) {
          reporter_.error("asl-jsonata-field", entry.key,
                          fmt::format("'{}' in {} ends in '.$', which JSONata states do not use; "
                                      "write \"{}\": \"{{% ... %}}\"",
                                      key, what, key.substr(0, key.size() - 2)));
        }
        check_expressions(entry.value, what, depth + 1);
      }
    } else if (is_expression(node)) {
      check_syntax(node, what);
    }
  }

  void check_syntax(const Node& value, const std::string& what) {
    if (reporter_.skip_placeholder(value, what)) return;
    std::string_view text = *asl::jsonata_expression_text(value.text);
    try {
      check_states_members(jsonata::Expression::compile(text), value, what);
    } catch (const jsonata::Error& error) {
      reporter_.error_at("asl-invalid-jsonata", value, 2 + byte_offset(text, error.position()),
                         fmt::format("{} is not a valid JSONata expression: {} ({})", what,
                                     error.what(), error.code()));
    }
  }

  // Step Functions refuses a definition that reads `$states.result` or `$states.errorOutput`
  // where it does not set them (developer guide, "Reserved variable $states").
  void check_states_members(const jsonata::Expression& expression, const Node& value,
                            const std::string& what) {
    auto refuse = [&](const char* member, const char* where_set) {
      for (std::size_t at : expression.find_member_reads("states", member)) {
        reporter_.error_at("asl-jsonata-states-field", value,
                           2 + byte_offset(expression.text(), at),
                           fmt::format("{} reads $states.{}, which Step Functions sets only in {}",
                                       what, member, where_set));
      }
    };
    if (!members_.result)
      refuse("result", "the Output and Assign of a Task, Parallel or Map state");
    if (!members_.error_output) refuse("errorOutput", "a Catcher's Output and Assign");
  }

  void forbid_expressions(const Node& node, const std::string& what, int depth) {
    if (depth > kMaxDepth) return;
    if (node.is_sequence()) {
      for (const Node& item : node.items) forbid_expressions(item, what, depth + 1);
    } else if (node.is_mapping()) {
      for (const auto& entry : node.entries) forbid_expressions(entry.value, what, depth + 1);
    } else if (is_expression(node)) {
      reporter_.error("asl-jsonata-value", node,
                      fmt::format("{} must be written literally; it cannot be a {{% %}} "
                                  "expression",
                                  what));
    }
  }

  // The specification reserves the variable `states`.
  void check_assign(const Node& assign, const std::string& where) {
    if (!assign.is_mapping()) {
      if (!is_expression(assign)) {
        reporter_.error("asl-jsonata-value", assign,
                        fmt::format("Assign {} must be a mapping of variable names", where));
      }
      return;
    }
    for (const auto& entry : assign.entries) {
      if (entry.key.text == "states") {
        reporter_.error("asl-invalid-template", entry.key,
                        fmt::format("Assign {} sets the reserved variable 'states'", where));
      }
    }
  }

  void check_rules(const Node& state) {
    const Node* rules = state.find("Choices");
    if (!rules || !rules->is_sequence()) return;
    for (std::size_t i = 0; i < rules->items.size(); ++i) {
      const Node& rule = rules->items[i];
      if (!rule.is_mapping()) continue;
      std::string what = fmt::format("Choice rule {} {}", i + 1, where_);
      members_ = {};
      for (const auto& entry : rule.entries) {
        const std::string& key = entry.key.text;
        if (is_one_of(key, {"Condition", "Output", "Assign"})) {
          check_expressions(entry.value, fmt::format("{} of {}", key, what), 0);
        } else if (key == "Next") {
          forbid_expressions(entry.value, fmt::format("Next of {}", what), 0);
        } else if (key != "Comment") {
          reporter_.error("asl-jsonata-field", entry.key,
                          fmt::format("'{}' in {} is a JSONPath rule field; a JSONata rule "
                                      "tests a Condition",
                                      key, what));
        }
      }
      const Node* condition = rule.find("Condition");
      if (!condition) {
        reporter_.error("asl-choice-rule", rule, fmt::format("{} has no 'Condition'", what));
      } else if (!is_expression(*condition) && condition->kind != Node::Kind::Bool &&
                 !(condition->is_string() && asl::is_placeholder(condition->text))) {
        reporter_.error("asl-jsonata-value", *condition,
                        fmt::format("the Condition of {} must be a {{% %}} expression", what));
      }
      if (const Node* assign = rule.find("Assign")) check_assign(*assign, "of " + what);
    }
  }

  // A Catcher's Output and Assign see the error output. `$states.result` is not checked there:
  // the guide does not say whether a catcher sees it.
  void check_catcher(const Node& catcher, const std::string& what) {
    if (!catcher.is_mapping()) return;
    members_ = {true, true};
    for (const auto& entry : catcher.entries) {
      const std::string& key = entry.key.text;
      if (key == "Output" || key == "Assign") {
        check_expressions(entry.value, fmt::format("{} {}", key, what), 0);
      } else if (key == "ResultPath") {
        reporter_.error("asl-jsonata-field", entry.key,
                        fmt::format("'ResultPath' {} is a JSONPath field; a JSONata catcher uses "
                                    "Output (and Assign)",
                                    what));
      } else {
        forbid_expressions(entry.value, fmt::format("{} {}", key, what), 0);
      }
    }
    if (const Node* assign = catcher.find("Assign")) check_assign(*assign, what);
  }

  // Which optional members of `$states` the field being checked may read.
  struct StatesMembers {
    bool result = false;
    bool error_output = false;
  };

  std::string where_;
  AslDataReporter& reporter_;
  StatesMembers members_;
};

}  // namespace

void check_jsonata_state(const Node& state, const std::string& name, AslDataReporter& reporter) {
  JsonataChecker(name, reporter).check_state(state);
}

void check_jsonpath_state_fields(const Node& state, const std::string& name,
                                 AslDataReporter& reporter) {
  for (const char* key : {"Arguments", "Output", "Items"}) {
    if (const Node::Entry* entry = state.find_entry(key)) {
      reporter.error("asl-jsonata-field", entry->key,
                     fmt::format("'{}' of state '{}' is a JSONata field; set \"QueryLanguage\": "
                                 "\"JSONata\" on the state or the state machine",
                                 key, name));
    }
  }
  const Node* rules = state.find("Choices");
  if (!rules || !rules->is_sequence()) return;
  for (std::size_t i = 0; i < rules->items.size(); ++i) {
    if (const Node::Entry* entry = rules->items[i].find_entry("Condition")) {
      reporter.error("asl-jsonata-field", entry->key,
                     fmt::format("'Condition' in Choice rule {} of state '{}' is a JSONata "
                                 "field; set \"QueryLanguage\": \"JSONata\"",
                                 i + 1, name));
    }
  }
}

void check_query_language(const Node& node, const std::string& what, bool top_is_jsonata,
                          AslDataReporter& reporter) {
  const Node* language = node.find("QueryLanguage");
  if (!language) return;
  if (!language->is_string() || (language->text != "JSONPath" && language->text != "JSONata")) {
    reporter.error("asl-query-language", *language,
                   fmt::format("QueryLanguage of {} must be \"JSONPath\" or \"JSONata\"", what));
  } else if (language->text == "JSONPath" && top_is_jsonata) {
    reporter.error("asl-query-language", *language,
                   fmt::format("{} says JSONPath inside a state machine whose QueryLanguage is "
                               "JSONata; only the other way round is allowed",
                               what));
  }
}

}  // namespace flowrun
