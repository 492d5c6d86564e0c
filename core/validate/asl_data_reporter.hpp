#pragma once

#include <string>

#include "core/load/node.hpp"
#include "core/validate/diagnostics.hpp"

// Shared by the ASL data checks (paths and templates, Choice rules): diagnostics placed at a
// character inside a scalar, `${Name}` placeholder handling, and path/intrinsic syntax checks
// with the interpreter's own parsers.

namespace flowrun {

class AslDataReporter {
 public:
  AslDataReporter(const std::string& file, Diagnostics& diagnostics);

  /// An error underlining the whole of `value`.
  void error(const char* code, const Node& value, std::string message);
  /// A warning underlining the whole of `value`: valid ASL that flowrun cannot run.
  void warning(const char* code, const Node& value, std::string message);
  /// An error at byte `offset` of the decoded text of the scalar `value`.
  void error_at(const char* code, const Node& value, std::size_t offset, std::string message);
  /// True when `value` holds a `${Name}` placeholder and must not be checked; a value that is
  /// only partly a placeholder gets a note here (whole ones were noted by note_placeholders).
  bool skip_placeholder(const Node& value, const std::string& what);
  /// Checks the string `value` as a Path (or Reference Path when `reference`).
  void check_path(const Node& value, const std::string& what, bool reference);
  /// Checks the string `value` as an intrinsic call.
  void check_intrinsic(const Node& value, const std::string& what);

 private:
  const std::string& file_;
  Diagnostics& diagnostics_;
  const SourceFile* source_;
};

/// One `asl-placeholder` note for every scalar that is exactly a `${Name}` placeholder,
/// wherever it stands (`"Seconds": ${Timeout}` included).
void note_placeholders(const Node& root, const std::string& file, Diagnostics& diagnostics);

}  // namespace flowrun
