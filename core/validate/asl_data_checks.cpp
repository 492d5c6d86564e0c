#include "core/validate/asl_data_checks.hpp"

#include <fmt/format.h>

#include <set>

#include "core/asl/choice_rules.hpp"
#include "core/asl/intrinsics.hpp"
#include "core/asl/jsonpath.hpp"
#include "core/asl/substitutions.hpp"
#include "core/asl/timestamp.hpp"
#include "core/load/scalar_position.hpp"

namespace flowrun {
namespace {

enum class PathKind { Path, Reference, ReferenceOrIntrinsic };

// Templates and rules come from a file whose depth the reader already bounds; this guards
// the recursion all the same.
constexpr int kMaxDepth = 256;

struct PathField {
  const char* key;
  PathKind kind;
  bool nullable;
};

constexpr PathField kPathFields[] = {
    {"InputPath", PathKind::Path, true},
    {"OutputPath", PathKind::Path, true},
    {"ResultPath", PathKind::Reference, true},
    {"ItemsPath", PathKind::Reference, false},
    {"TimeoutSecondsPath", PathKind::Reference, false},
    {"HeartbeatSecondsPath", PathKind::Reference, false},
    {"SecondsPath", PathKind::Reference, false},
    {"TimestampPath", PathKind::Reference, false},
    {"MaxConcurrencyPath", PathKind::Reference, false},
    {"ToleratedFailureCountPath", PathKind::Reference, false},
    {"ToleratedFailurePercentagePath", PathKind::Reference, false},
    {"ErrorPath", PathKind::ReferenceOrIntrinsic, false},
    {"CausePath", PathKind::ReferenceOrIntrinsic, false},
};

constexpr const char* kTemplateFields[] = {"Parameters", "ResultSelector", "ItemSelector",
                                           "Credentials"};

void add_placeholder_note(Diagnostics& diagnostics, const std::string& file, const Node& value,
                          std::string message) {
  Diagnostic note;
  note.severity = Severity::Note;
  note.file = file;
  note.pos = value.pos;
  note.length = value.span;
  note.code = "asl-placeholder";
  note.message = std::move(message);
  diagnostics.add(std::move(note));
}

// One note for every value that is exactly a `${Name}` placeholder, wherever it stands
// (`"Seconds": ${Timeout}` included), walking the document without recursion.
void note_placeholders(const Node& root, const std::string& file, Diagnostics& diagnostics) {
  std::vector<std::pair<const Node*, const std::string*>> pending = {{&root, nullptr}};
  while (!pending.empty()) {
    auto [node, key] = pending.back();
    pending.pop_back();
    if (node->is_mapping()) {
      for (auto it = node->entries.rbegin(); it != node->entries.rend(); ++it) {
        pending.emplace_back(&it->value, &it->key.text);
      }
    } else if (node->is_sequence()) {
      for (auto it = node->items.rbegin(); it != node->items.rend(); ++it) {
        pending.emplace_back(&*it, key);
      }
    } else if (node->is_string() && asl::is_placeholder(node->text)) {
      add_placeholder_note(
          diagnostics, file, *node,
          fmt::format("{}holds the placeholder {}; its value was not checked (pass --substitute "
                      "{}=VALUE to check it)",
                      key ? fmt::format("'{}' ", *key) : "", node->text,
                      node->text.substr(2, node->text.size() - 3)));
    }
  }
}

class DataChecker {
 public:
  DataChecker(const std::string& file, Diagnostics& diagnostics)
      : file_(file), diagnostics_(diagnostics), source_(diagnostics.source(file)) {}

  void check_machine(const Node& machine, bool jsonata) {
    if (!machine.is_mapping()) return;
    jsonata = uses_jsonata(machine, jsonata);
    const Node* states = machine.find("States");
    if (!states || !states->is_mapping()) return;
    for (const auto& entry : states->entries) check_state(entry.value, entry.key.text, jsonata);
  }

 private:
  static bool uses_jsonata(const Node& node, bool inherited) {
    const Node* language = node.find("QueryLanguage");
    if (!language || !language->is_string()) return inherited;
    return language->text == "JSONata";
  }

  void check_state(const Node& state, const std::string& name, bool jsonata) {
    if (!state.is_mapping()) return;
    bool state_jsonata = uses_jsonata(state, jsonata);
    if (!state_jsonata) check_state_data(state, name);
    if (const Node* branches = state.find("Branches"); branches && branches->is_sequence()) {
      for (const Node& branch : branches->items) check_machine(branch, state_jsonata);
    }
    for (const char* key : {"ItemProcessor", "Iterator"}) {
      if (const Node* processor = state.find(key)) check_machine(*processor, state_jsonata);
    }
  }

  void check_state_data(const Node& state, const std::string& name) {
    std::string where = fmt::format("of state '{}'", name);
    for (const PathField& field : kPathFields) {
      if (const Node* value = state.find(field.key)) {
        check_path_value(*value, fmt::format("{} {}", field.key, where), field.kind,
                         field.nullable);
      }
    }
    for (const char* key : kTemplateFields) {
      if (const Node* value = state.find(key)) {
        check_template(*value, fmt::format("{} {}", key, where), 0);
      }
    }
    if (const Node* batcher = state.find("ItemBatcher"); batcher && batcher->is_mapping()) {
      for (const char* key : {"MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"}) {
        if (const Node* value = batcher->find(key)) {
          check_path_value(*value, fmt::format("ItemBatcher {} {}", key, where),
                           PathKind::Reference, false);
        }
      }
      if (const Node* input = batcher->find("BatchInput")) {
        check_template(*input, fmt::format("BatchInput {}", where), 0);
      }
    }
    const Node* type = state.find("Type");
    if (type && type->is_string() && type->text == "Choice") {
      if (const Node* choices = state.find("Choices"); choices && choices->is_sequence()) {
        for (std::size_t i = 0; i < choices->items.size(); ++i) {
          check_rule(choices->items[i], fmt::format("Choice rule {} of state '{}'", i + 1, name),
                     0);
        }
      }
    }
  }

  // ---- diagnostics -------------------------------------------------------------------------

  SourcePos position_at(const Node& value, std::size_t offset) const {
    return position_in_scalar(source_, value.pos, value.text, offset);
  }

  void error_at(const char* code, const Node& value, std::size_t offset, std::string message) {
    diagnostics_.error(code, file_, position_at(value, offset), std::move(message));
  }

  // A value holding a `${Name}` placeholder (DefinitionSubstitutions) is accepted instead of
  // checked. A value that is exactly one placeholder was already noted by `note_placeholders`.
  bool skip_placeholder(const Node& value, const std::string& what) {
    if (!value.is_string() || !asl::has_placeholder(value.text)) return false;
    if (!asl::is_placeholder(value.text)) {
      add_placeholder_note(diagnostics_, file_, value,
                           fmt::format("{} holds a ${{...}} placeholder; it was not checked",
                                       what));
    }
    return true;
  }

  // ---- paths and intrinsics ----------------------------------------------------------------

  void check_path_value(const Node& value, const std::string& what, PathKind kind, bool nullable) {
    if (value.is_null() && nullable) return;
    if (skip_placeholder(value, what)) return;
    if (!value.is_string()) {
      diagnostics_.error(
          "asl-invalid-path", file_, value.pos,
          fmt::format("{} must be a path string{}", what, nullable ? " or null" : ""), value.span);
      return;
    }
    if (kind == PathKind::ReferenceOrIntrinsic && asl::is_intrinsic_call(value.text)) {
      check_intrinsic(value, what);
      return;
    }
    check_path(value, what, kind != PathKind::Path);
    if (kind == PathKind::Reference && what.rfind("ResultPath", 0) == 0 &&
        value.text.rfind("$$", 0) == 0) {
      error_at("asl-invalid-path", value, 0,
               fmt::format("{} cannot write into the context object ($$)", what));
    }
  }

  void check_path(const Node& value, const std::string& what, bool reference) {
    std::size_t offset = 0;
    if (auto problem = asl::check_path_syntax(value.text, false, offset)) {
      error_at("asl-invalid-path", value, offset,
               fmt::format("{} is not a valid path: {}", what, *problem));
      return;
    }
    if (reference && !asl::compile_path(value.text)->is_reference()) {
      diagnostics_.error(
          "asl-not-reference-path", file_, value.pos,
          fmt::format("{} must be a Reference Path selecting one node ('..', '*', filters, "
                      "slices and unions are not allowed)",
                      what),
          value.span);
    }
  }

  void check_intrinsic(const Node& value, const std::string& what) {
    std::size_t offset = 0;
    if (auto problem = asl::check_intrinsic_syntax(value.text, offset)) {
      error_at("asl-invalid-intrinsic", value, offset,
               fmt::format("{} is not a valid intrinsic function call: {}", what, *problem));
    }
  }

  // ---- payload templates -------------------------------------------------------------------

  void check_template(const Node& node, const std::string& what, int depth) {
    if (depth > kMaxDepth) return;
    if (node.is_sequence()) {
      for (const Node& item : node.items) check_template(item, what, depth + 1);
      return;
    }
    if (!node.is_mapping()) return;
    std::set<std::string, std::less<>> plain;
    for (const auto& entry : node.entries) {
      const std::string& key = entry.key.text;
      if (key.size() < 2 || key.compare(key.size() - 2, 2, ".$") != 0) plain.insert(key);
    }
    for (const auto& entry : node.entries) {
      const std::string& key = entry.key.text;
      if (plain.count(key)) {
        check_template(entry.value, what, depth + 1);
        continue;
      }
      std::string field = fmt::format("'{}' in {}", key, what);
      if (plain.count(std::string_view(key).substr(0, key.size() - 2))) {
        diagnostics_.error(
            "asl-invalid-template", file_, entry.key.pos,
            fmt::format("{} and '{}' name the same field", field, key.substr(0, key.size() - 2)),
            entry.key.span);
      }
      check_expression(entry.value, field);
    }
  }

  void check_expression(const Node& value, const std::string& what) {
    if (skip_placeholder(value, what)) return;
    if (!value.is_string()) {
      diagnostics_.error("asl-invalid-template", file_, value.pos,
                         fmt::format("{} ends in '.$', so its value must be a path or an "
                                     "intrinsic function in a string",
                                     what),
                         value.span);
      return;
    }
    if (!value.text.empty() && value.text.front() == '$') {
      check_path(value, what, false);
    } else if (value.text.rfind("States.", 0) == 0) {
      check_intrinsic(value, what);
    } else {
      diagnostics_.error("asl-invalid-template", file_, value.pos,
                         fmt::format("{} ends in '.$' but '{}' is neither a path ($...) nor an "
                                     "intrinsic function (States....)",
                                     what, value.text),
                         value.span);
    }
  }

  // ---- Choice rules ------------------------------------------------------------------------

  void check_rule(const Node& rule, const std::string& what, int depth) {
    if (!rule.is_mapping() || depth > kMaxDepth) return;
    for (const char* combinator : {"And", "Or"}) {
      if (const Node* list = rule.find(combinator); list && list->is_sequence()) {
        for (std::size_t i = 0; i < list->items.size(); ++i) {
          check_rule(list->items[i], fmt::format("{} ({} {})", what, combinator, i + 1), depth + 1);
        }
        return;
      }
    }
    if (const Node* inner = rule.find("Not")) {
      check_rule(*inner, fmt::format("{} (Not)", what), depth + 1);
      return;
    }
    if (rule.find("Condition")) return;  // a JSONata rule, not ours to check
    for (const auto& entry : rule.entries) {
      if (auto op = asl::parse_choice_operator(entry.key.text)) {
        check_comparison(rule, entry, *op, what);
        return;
      }
    }
  }

  void check_comparison(const Node& rule, const Node::Entry& entry, const asl::ChoiceOperator& op,
                        const std::string& what) {
    const std::string& key = entry.key.text;
    if (const Node* variable = rule.find("Variable")) {
      if (!skip_placeholder(*variable, fmt::format("Variable of {}", what)) &&
          variable->is_string()) {
        check_path(*variable, fmt::format("Variable of {}", what), false);
      }
    }
    const Node& operand = entry.value;
    std::string field = fmt::format("{} of {}", key, what);
    if (skip_placeholder(operand, field)) return;
    if (op.is_path) {
      if (operand.is_string()) {
        check_path(operand, field, false);
      } else {
        operand_error(operand, field, "a path string");
      }
      return;
    }
    if (op.is_type_test()) {
      if (operand.kind != Node::Kind::Bool) operand_error(operand, field, "true or false");
      return;
    }
    switch (op.family) {
      case asl::Family::String:
      case asl::Family::Matches:
        if (!operand.is_string()) operand_error(operand, field, "a string");
        break;
      case asl::Family::Numeric:
        if (!operand.is_number()) operand_error(operand, field, "a number");
        break;
      case asl::Family::Boolean:
        if (operand.kind != Node::Kind::Bool) operand_error(operand, field, "true or false");
        break;
      case asl::Family::Timestamp:
        if (!operand.is_string() || !asl::parse_timestamp(operand.text)) {
          operand_error(operand, field, "an RFC 3339 timestamp such as \"2016-08-18T17:33:00Z\"");
        }
        break;
      default:
        break;
    }
  }

  void operand_error(const Node& operand, const std::string& field, const char* wanted) {
    diagnostics_.error("asl-choice-operand", file_, operand.pos,
                       fmt::format("{} must be {}", field, wanted), operand.span);
  }

  const std::string& file_;
  Diagnostics& diagnostics_;
  const SourceFile* source_;
};

}  // namespace

void check_asl_data(const Node& root, const std::string& file, Diagnostics& diagnostics) {
  note_placeholders(root, file, diagnostics);
  DataChecker(file, diagnostics).check_machine(root, false);
}

}  // namespace flowrun
