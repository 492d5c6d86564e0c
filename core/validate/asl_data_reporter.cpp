#include "core/validate/asl_data_reporter.hpp"

#include <fmt/format.h>

#include "core/asl/intrinsics.hpp"
#include "core/asl/jsonpath.hpp"
#include "core/asl/substitutions.hpp"
#include "core/load/scalar_position.hpp"

namespace flowrun {
namespace {

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

}  // namespace

AslDataReporter::AslDataReporter(const std::string& file, Diagnostics& diagnostics)
    : file_(file), diagnostics_(diagnostics), source_(diagnostics.source(file)) {}

void AslDataReporter::error(const char* code, const Node& value, std::string message) {
  diagnostics_.error(code, file_, value.pos, std::move(message), value.span);
}

void AslDataReporter::warning(const char* code, const Node& value, std::string message) {
  diagnostics_.warning(code, file_, value.pos, std::move(message), value.span);
}

void AslDataReporter::error_at(const char* code, const Node& value, std::size_t offset,
                               std::string message) {
  diagnostics_.error(code, file_, position_in_scalar(source_, value.pos, value.text, offset),
                     std::move(message));
}

bool AslDataReporter::skip_placeholder(const Node& value, const std::string& what) {
  if (!value.is_string() || !asl::has_placeholder(value.text)) return false;
  if (!asl::is_placeholder(value.text)) {
    add_placeholder_note(diagnostics_, file_, value,
                         fmt::format("{} holds a ${{...}} placeholder; it was not checked", what));
  }
  return true;
}

void AslDataReporter::check_path(const Node& value, const std::string& what, bool reference) {
  std::size_t offset = 0;
  if (auto problem = asl::check_path_syntax(value.text, false, offset)) {
    error_at("asl-invalid-path", value, offset,
             fmt::format("{} is not a valid path: {}", what, *problem));
    return;
  }
  if (reference && !asl::compile_path(value.text)->is_reference()) {
    error("asl-not-reference-path", value,
          fmt::format("{} must be a Reference Path selecting one node ('..', '*', filters, "
                      "slices and unions are not allowed)",
                      what));
  }
}

void AslDataReporter::check_intrinsic(const Node& value, const std::string& what) {
  std::size_t offset = 0;
  if (auto problem = asl::check_intrinsic_syntax(value.text, offset)) {
    error_at("asl-invalid-intrinsic", value, offset,
             fmt::format("{} is not a valid intrinsic function call: {}", what, *problem));
  }
}

void note_placeholders(const Node& root, const std::string& file, Diagnostics& diagnostics) {
  // Without recursion: documents may nest as deep as the reader allows.
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

}  // namespace flowrun
