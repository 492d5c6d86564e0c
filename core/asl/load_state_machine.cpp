#include "core/asl/load_state_machine.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>

#include "core/asl/jsonata_state.hpp"
#include "core/asl/query_language.hpp"
#include "core/asl/substitutions.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

using asl::StateMachine;

enum class Want { String, Bool, Integer, Number, List, Mapping };

std::string_view describe_want(Want want) {
  switch (want) {
    case Want::String:
      return "a string";
    case Want::Bool:
      return "a boolean";
    case Want::Integer:
      return "an integer";
    case Want::Number:
      return "a number";
    case Want::List:
      return "a list";
    case Want::Mapping:
      return "a mapping";
  }
  return "a value";
}

bool matches(const Node& node, Want want) {
  switch (want) {
    case Want::String:
      return node.is_string();
    case Want::Bool:
      return node.kind == Node::Kind::Bool;
    case Want::Integer:
      return node.kind == Node::Kind::Integer;
    case Want::Number:
      return node.is_number();
    case Want::List:
      return node.is_sequence();
    case Want::Mapping:
      return node.is_mapping();
  }
  return false;
}

// Comparison operators of Choice rules and how a label shows them.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kComparisons{{
    {"GreaterThanEquals", ">="},
    {"LessThanEquals", "<="},
    {"GreaterThan", ">"},
    {"LessThan", "<"},
    {"Equals", "=="},
}};
constexpr std::size_t kMaxLabel = 48;

std::string shorten(std::string text) {
  if (text.size() <= kMaxLabel) return text;
  return text.substr(0, kMaxLabel - 3) + "...";
}

std::string describe_operand(const Node& value, bool is_path) {
  if (value.is_string() && !is_path) return fmt::format("\"{}\"", value.text);
  if (value.is_scalar()) return value.text;
  return "...";
}

std::string describe_comparison(const std::string& variable, std::string_view op,
                                const Node& value) {
  bool is_path = ends_with(op, "Path");
  std::string_view base = is_path ? op.substr(0, op.size() - 4) : op;
  if (starts_with(base, "Is")) {
    bool negated = value.kind == Node::Kind::Bool && !value.boolean;
    std::string what(base.substr(2));
    for (char& c : what) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return fmt::format("{} is {}{}", variable, negated ? "not " : "", what);
  }
  if (base == "StringMatches") {
    return fmt::format("{} matches {}", variable, describe_operand(value, false));
  }
  for (const auto& [suffix, symbol] : kComparisons) {
    if (ends_with(base, suffix)) {
      return fmt::format("{} {} {}", variable, symbol, describe_operand(value, is_path));
    }
  }
  return fmt::format("{} {}", variable, op);
}

std::string describe_rule(const Node& rule);

std::string describe_combination(std::string_view name, const Node& operands) {
  std::vector<std::string> parts;
  if (operands.is_sequence()) {
    for (const Node& item : operands.items) parts.push_back(describe_rule(item));
  } else {
    parts.push_back(describe_rule(operands));
  }
  std::string text = fmt::format("{}({})", name, join(parts, ", "));
  return text.size() <= kMaxLabel ? text : fmt::format("{}(...)", name);
}

std::string describe_rule(const Node& rule) {
  if (!rule.is_mapping()) return "?";
  for (std::string_view combinator : {"And", "Or", "Not"}) {
    if (const Node* operands = rule.find(combinator)) {
      return describe_combination(combinator, *operands);
    }
  }
  if (const Node* condition = rule.find("Condition"); condition && condition->is_string()) {
    // A JSONata rule: the label is its expression without the `{% %}`.
    std::string_view text = asl::jsonata_expression_text(condition->text).value_or(condition->text);
    std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return shorten(condition->text);
    return shorten(std::string(text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1)));
  }
  const Node* variable = rule.find("Variable");
  std::string name = variable && variable->is_string() ? variable->text : "?";
  for (const auto& entry : rule.entries) {
    const std::string& key = entry.key.text;
    if (key == "Variable" || key == "Next" || key == "Comment" || key == "Assign" ||
        key == "Output") {
      continue;
    }
    return shorten(describe_comparison(name, key, entry.value));
  }
  return shorten(name);
}

class Loader {
 public:
  Loader(const std::string& file, Diagnostics& diagnostics)
      : file_(file), diagnostics_(diagnostics) {}

  // `jsonata`: the query language the machine inherits (its own QueryLanguage decides first).
  StateMachine load_machine(const Node& node, bool jsonata = false) {
    jsonata = asl::uses_jsonata(node, jsonata);
    StateMachine machine;
    machine.pos = node.pos;
    machine.fields = collect_fields(node);
    if (const Node* comment = get(node, "Comment", Want::String)) machine.comment = comment->text;
    if (const Node* start = get(node, "StartAt", Want::String)) {
      machine.start_at = start->text;
      machine.start_at_pos = start->pos;
      machine.start_at_length = start->span;
    }
    if (const Node* timeout = get(node, "TimeoutSeconds", Want::Integer)) {
      machine.timeout_seconds = timeout->integer;
    }
    if (const Node* version = get(node, "Version", Want::String)) machine.version = version->text;
    if (const auto* entry = node.find_entry("States")) machine.states_pos = entry->key.pos;
    if (const Node* states = get(node, "States", Want::Mapping)) {
      machine.has_states = true;
      machine.states.reserve(states->entries.size());
      for (const auto& entry : states->entries) {
        machine.index.emplace(entry.key.text, machine.states.size());
        machine.states.push_back(load_state(entry, jsonata));
      }
    }
    return machine;
  }

 private:
  static std::vector<asl::FieldKey> collect_fields(const Node& node) {
    std::vector<asl::FieldKey> fields;
    for (const auto& entry : node.entries) {
      fields.push_back({entry.key.text, entry.key.pos, entry.key.span});
    }
    return fields;
  }

  void report_wrong_type(const Node& value, std::string_view what, Want want) {
    diagnostics_.error(
        "asl-wrong-type", file_, value.pos,
        fmt::format("{} must be {}, not {}", what, describe_want(want), describe_kind(value.kind)),
        value.span);
  }

  // The value of `key` when present and of the wanted kind; a wrong kind is reported.
  const Node* get(const Node& mapping, std::string_view key, Want want) {
    const Node* value = mapping.find(key);
    if (!value) return nullptr;
    if (!matches(*value, want)) {
      // A `${Name}` placeholder (DefinitionSubstitutions) may stand for any value; the data
      // checks note that it was not checked.
      if (!value->is_string() || !asl::is_placeholder(value->text)) {
        report_wrong_type(*value, fmt::format("'{}'", key), want);
      }
      return nullptr;
    }
    return value;
  }

  asl::Target get_target(const Node& mapping, std::string_view key) {
    asl::Target target;
    if (const auto* entry = mapping.find_entry(key)) target.key_pos = entry->key.pos;
    if (const Node* value = get(mapping, key, Want::String)) {
      target.name = value->text;
      target.pos = value->pos;
      target.length = value->span;
    }
    return target;
  }

  bool get_error_equals(const Node& mapping, std::vector<std::string>& out) {
    const Node* list = get(mapping, "ErrorEquals", Want::List);
    if (!list) return false;
    for (const Node& item : list->items) {
      if (item.is_string()) {
        out.push_back(item.text);
      } else {
        report_wrong_type(item, "each entry of 'ErrorEquals'", Want::String);
      }
    }
    return true;
  }

  template <typename Item, typename Build>
  std::vector<Item> load_list(const Node& state, std::string_view key, Build build) {
    std::vector<Item> out;
    const Node* list = get(state, key, Want::List);
    if (!list) return out;
    for (const Node& item : list->items) {
      if (item.is_mapping()) {
        out.push_back(build(item));
      } else {
        report_wrong_type(item, fmt::format("each entry of '{}'", key), Want::Mapping);
      }
    }
    return out;
  }

  asl::ChoiceRule load_choice(const Node& node) {
    return {node.pos, get_target(node, "Next"), describe_rule(node)};
  }

  asl::Catcher load_catcher(const Node& node) {
    asl::Catcher catcher;
    catcher.pos = node.pos;
    catcher.has_error_equals = get_error_equals(node, catcher.error_equals);
    catcher.next = get_target(node, "Next");
    return catcher;
  }

  asl::Retrier load_retrier(const Node& node) {
    asl::Retrier retrier;
    retrier.pos = node.pos;
    retrier.has_error_equals = get_error_equals(node, retrier.error_equals);
    if (const Node* v = get(node, "IntervalSeconds", Want::Integer)) {
      retrier.interval_seconds = static_cast<double>(v->integer);
    }
    if (const Node* v = get(node, "MaxAttempts", Want::Integer)) retrier.max_attempts = v->integer;
    if (const Node* v = get(node, "BackoffRate", Want::Number)) {
      retrier.backoff_rate =
          v->kind == Node::Kind::Integer ? static_cast<double>(v->integer) : v->number;
    }
    return retrier;
  }

  void load_nested(asl::State& state, const Node& node, bool jsonata) {
    if (const Node* branches = get(node, "Branches", Want::List)) {
      state.has_branches = true;
      for (const Node& branch : branches->items) {
        if (branch.is_mapping()) {
          state.branches.push_back(load_machine(branch, jsonata));
        } else {
          report_wrong_type(branch, "each entry of 'Branches'", Want::Mapping);
        }
      }
    }
    for (std::string_view key : {"ItemProcessor", "Iterator"}) {
      if (state.iterator) break;
      if (const Node* processor = get(node, key, Want::Mapping)) {
        state.iterator = std::make_unique<StateMachine>(load_machine(*processor, jsonata));
        state.iterator_field = key;
      }
    }
  }

  asl::State load_state(const Node::Entry& entry, bool jsonata) {
    asl::State state;
    state.name = entry.key.text;
    state.name_pos = entry.key.pos;
    state.name_length = entry.key.span;
    const Node& node = entry.value;
    state.definition = to_json(node);
    if (!node.is_mapping()) {
      state.is_mapping = false;
      report_wrong_type(node, fmt::format("state '{}'", state.name), Want::Mapping);
      return state;
    }
    state.fields = collect_fields(node);
    if (const Node* type = get(node, "Type", Want::String)) {
      state.type_name = type->text;
      state.type_pos = type->pos;
      state.type_length = type->span;
      state.type = asl::parse_state_type(type->text);
    }
    if (const Node* comment = get(node, "Comment", Want::String)) state.comment = comment->text;
    state.next = get_target(node, "Next");
    if (const auto* end = node.find_entry("End")) state.end_pos = end->key.pos;
    if (const Node* end = get(node, "End", Want::Bool)) state.end = end->boolean;
    const Node* choices = node.find("Choices");
    state.has_choices = choices && choices->is_sequence();
    state.choices = load_list<asl::ChoiceRule>(
        node, "Choices", [this](const Node& item) { return load_choice(item); });
    state.default_ = get_target(node, "Default");
    state.retriers = load_list<asl::Retrier>(
        node, "Retry", [this](const Node& item) { return load_retrier(item); });
    state.catchers = load_list<asl::Catcher>(
        node, "Catch", [this](const Node& item) { return load_catcher(item); });
    if (const Node* resource = get(node, "Resource", Want::String)) {
      state.resource = resource->text;
      state.resource_pos = resource->pos;
    }
    jsonata = asl::uses_jsonata(node, jsonata);
    // Compiled once here, never per visit; syntax errors are validate's to report.
    if (jsonata) state.jsonata = asl::compile_jsonata_state(state.definition);
    load_nested(state, node, jsonata);
    return state;
  }

  const std::string& file_;
  Diagnostics& diagnostics_;
};

}  // namespace

std::optional<asl::StateMachine> load_state_machine(const Document& document,
                                                    Diagnostics& diagnostics) {
  if (!document.root.is_mapping()) {
    diagnostics.error(
        "asl-wrong-type", document.path(), document.root.pos,
        fmt::format("a state machine must be a mapping, not {}", describe_kind(document.root.kind)),
        document.root.span);
    return std::nullopt;
  }
  Loader loader(document.path(), diagnostics);
  std::optional<asl::StateMachine> machine = loader.load_machine(document.root);
  asl::link_states(*machine);
  return machine;
}

}  // namespace flowrun
