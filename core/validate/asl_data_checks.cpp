#include "core/validate/asl_data_checks.hpp"

#include <fmt/format.h>

#include <set>

#include "core/asl/intrinsics.hpp"
#include "core/asl/query_language.hpp"
#include "core/validate/asl_choice_checks.hpp"
#include "core/validate/asl_data_reporter.hpp"
#include "core/validate/asl_jsonata_checks.hpp"
#include "core/validate/asl_reader_config_checks.hpp"

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
                                           "Credentials", "Assign"};

class DataChecker {
 public:
  DataChecker(const std::string& file, Diagnostics& diagnostics) : reporter_(file, diagnostics) {}

  void check_machine(const Node& machine, bool jsonata, bool nested = false) {
    if (!machine.is_mapping()) return;
    if (!nested) top_is_jsonata_ = asl::uses_jsonata(machine, false);
    check_query_language(machine, nested ? "a nested state machine" : "the state machine",
                         nested && top_is_jsonata_, reporter_);
    jsonata = asl::uses_jsonata(machine, jsonata);
    const Node* states = machine.find("States");
    if (!states || !states->is_mapping()) return;
    for (const auto& entry : states->entries) check_state(entry.value, entry.key.text, jsonata);
  }

 private:
  void check_state(const Node& state, const std::string& name, bool jsonata) {
    if (!state.is_mapping()) return;
    check_query_language(state, fmt::format("state '{}'", name), top_is_jsonata_, reporter_);
    bool state_jsonata = asl::uses_jsonata(state, jsonata);
    check_item_reader_config(state, name, reporter_);
    if (state_jsonata) {
      check_jsonata_state(state, name, reporter_);
    } else {
      check_state_data(state, name);
      check_jsonpath_state_fields(state, name, reporter_);
    }
    if (const Node* branches = state.find("Branches"); branches && branches->is_sequence()) {
      for (const Node& branch : branches->items) check_machine(branch, state_jsonata, true);
    }
    for (const char* key : {"ItemProcessor", "Iterator"}) {
      if (const Node* processor = state.find(key)) check_machine(*processor, state_jsonata, true);
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
    check_assign_names(state.find("Assign"), where);
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
    check_distributed_fields(state, where);
    const Node* type = state.find("Type");
    if (type && type->is_string() && type->text == "Choice") {
      check_choice_rules(state, name, reporter_);
    }
  }

  // The specification reserves the variable `states`: no Assign may set it.
  void check_assign_names(const Node* assign, const std::string& where) {
    if (!assign || !assign->is_mapping()) return;
    for (const auto& entry : assign->entries) {
      if (entry.key.text == "states" || entry.key.text == "states.$") {
        reporter_.error("asl-invalid-template", entry.key,
                        fmt::format("Assign {} sets the reserved variable 'states'", where));
      }
    }
  }

  // A distributed Map's ItemReader and ResultWriter take payload templates too.
  void check_distributed_fields(const Node& state, const std::string& where) {
    for (const char* field : {"ItemReader", "ResultWriter"}) {
      const Node* node = state.find(field);
      if (!node || !node->is_mapping()) continue;
      if (const Node* parameters = node->find("Parameters")) {
        check_template(*parameters, fmt::format("{} Parameters {}", field, where), 0);
      }
      const Node* config = node->find("ReaderConfig");
      if (const Node* max =
              config && config->is_mapping() ? config->find("MaxItemsPath") : nullptr) {
        check_path_value(*max, fmt::format("ReaderConfig MaxItemsPath {}", where),
                         PathKind::Reference, false);
      }
    }
  }

  void check_path_value(const Node& value, const std::string& what, PathKind kind, bool nullable) {
    if (value.is_null() && nullable) return;
    if (reporter_.skip_placeholder(value, what)) return;
    if (!value.is_string()) {
      reporter_.error("asl-invalid-path", value,
                      fmt::format("{} must be a path string{}", what, nullable ? " or null" : ""));
      return;
    }
    if (kind == PathKind::ReferenceOrIntrinsic && asl::is_intrinsic_call(value.text)) {
      check_fail_intrinsic(value, what);
      return;
    }
    reporter_.check_path(value, what, kind != PathKind::Path);
    if (kind == PathKind::Reference && what.rfind("ResultPath", 0) == 0 &&
        value.text.rfind("$$", 0) == 0) {
      reporter_.error_at("asl-invalid-path", value, 0,
                         fmt::format("{} cannot write into the context object ($$)", what));
    }
    // `$name` is a variable, which only Assign sets (specification: "ResultPath MUST NOT
    // reference a variable").
    if (kind == PathKind::Reference && what.rfind("ResultPath", 0) == 0 && value.text.size() > 1 &&
        value.text[0] == '$' && value.text[1] != '$' && value.text[1] != '.' &&
        value.text[1] != '[') {
      reporter_.error_at("asl-invalid-path", value, 0,
                         fmt::format("{} cannot write into a variable; use Assign", what));
    }
  }

  // The developer guide lists the intrinsics a Fail state's ErrorPath/CausePath may use: those
  // that give a string.
  void check_fail_intrinsic(const Node& value, const std::string& what) {
    static const std::set<std::string, std::less<>> allowed = {
        "Format", "JsonToString", "ArrayGetItem", "Base64Encode", "Base64Decode", "Hash", "UUID"};
    std::size_t offset = 0;
    if (asl::check_intrinsic_syntax(value.text, offset)) {
      reporter_.check_intrinsic(value, what);
      return;
    }
    const std::string& name = asl::compile_intrinsic(value.text)->name;
    if (!allowed.count(name)) {
      reporter_.error("asl-invalid-intrinsic", value,
                      fmt::format("{} cannot use States.{}: only States.Format, JsonToString, "
                                  "ArrayGetItem, Base64Encode, Base64Decode, Hash and UUID give "
                                  "an error or cause",
                                  what, name));
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
        reporter_.error(
            "asl-invalid-template", entry.key,
            fmt::format("{} and '{}' name the same field", field, key.substr(0, key.size() - 2)));
      }
      check_expression(entry.value, field);
    }
  }

  void check_expression(const Node& value, const std::string& what) {
    if (reporter_.skip_placeholder(value, what)) return;
    if (!value.is_string()) {
      reporter_.error("asl-invalid-template", value,
                      fmt::format("{} ends in '.$', so its value must be a path or an "
                                  "intrinsic function in a string",
                                  what));
      return;
    }
    if (!value.text.empty() && value.text.front() == '$') {
      reporter_.check_path(value, what, false);
    } else if (value.text.rfind("States.", 0) == 0) {
      reporter_.check_intrinsic(value, what);
    } else {
      reporter_.error("asl-invalid-template", value,
                      fmt::format("{} ends in '.$' but '{}' is neither a path ($...) nor an "
                                  "intrinsic function (States....)",
                                  what, value.text));
    }
  }

  AslDataReporter reporter_;
  bool top_is_jsonata_ = false;
};

}  // namespace

void check_asl_data(const Node& root, const std::string& file, Diagnostics& diagnostics) {
  note_placeholders(root, file, diagnostics);
  DataChecker(file, diagnostics).check_machine(root, false);
}

}  // namespace flowrun
