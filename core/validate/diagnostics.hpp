#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/load/source.hpp"

namespace flowrun {

enum class Severity { Error, Warning, Note };
std::string_view to_string(Severity severity);

struct DiagnosticNote {
  std::string file;
  SourcePos pos;
  std::string message;
};

/// One problem found in a file. `code` is a stable identifier (documented in the README),
/// `length` the number of columns to underline.
struct Diagnostic {
  Severity severity = Severity::Error;
  std::string file;
  SourcePos pos;
  std::uint32_t length = 1;
  std::string code;
  std::string message;
  std::vector<DiagnosticNote> notes;

  /// Adds a note at a position (or none) and returns *this for chaining.
  Diagnostic& note(std::string message_text, SourcePos at = {}, std::string at_file = "");
};

/// Collects every diagnostic of a load/validate pass, with the sources they point into.
class Diagnostics {
 public:
  Diagnostic& error(std::string code, std::string file, SourcePos pos, std::string message,
                    std::uint32_t length = 1);
  Diagnostic& warning(std::string code, std::string file, SourcePos pos, std::string message,
                      std::uint32_t length = 1);
  Diagnostic& add(Diagnostic diagnostic);

  void add_source(std::shared_ptr<const SourceFile> source);
  /// The registered source of `file`, or nullptr.
  const SourceFile* source(const std::string& file) const;

  /// Sorts by file (in order of registration), line, column; stable for equal positions.
  void sort();

  const std::vector<Diagnostic>& items() const { return items_; }
  std::size_t error_count() const;
  std::size_t warning_count() const;
  bool has_errors() const { return error_count() > 0; }

 private:
  std::vector<Diagnostic> items_;
  std::map<std::string, std::shared_ptr<const SourceFile>> sources_;
  std::map<std::string, std::size_t> file_order_;
};

}  // namespace flowrun
