#include "core/validate/diagnostics.hpp"

#include <algorithm>

namespace flowrun {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

Diagnostic& Diagnostic::note(std::string message_text, SourcePos at, std::string at_file) {
  notes.push_back({at_file.empty() ? file : std::move(at_file), at, std::move(message_text)});
  return *this;
}

Diagnostic& Diagnostics::error(std::string code, std::string file, SourcePos pos,
                               std::string message, std::uint32_t length) {
  return add({Severity::Error, std::move(file), pos, std::max<std::uint32_t>(1, length),
              std::move(code), std::move(message), {}});
}

Diagnostic& Diagnostics::warning(std::string code, std::string file, SourcePos pos,
                                 std::string message, std::uint32_t length) {
  return add({Severity::Warning, std::move(file), pos, std::max<std::uint32_t>(1, length),
              std::move(code), std::move(message), {}});
}

Diagnostic& Diagnostics::add(Diagnostic diagnostic) {
  file_order_.emplace(diagnostic.file, file_order_.size());
  items_.push_back(std::move(diagnostic));
  return items_.back();
}

void Diagnostics::add_source(std::shared_ptr<const SourceFile> source) {
  file_order_.emplace(source->path(), file_order_.size());
  sources_[source->path()] = std::move(source);
}

const SourceFile* Diagnostics::source(const std::string& file) const {
  auto it = sources_.find(file);
  return it == sources_.end() ? nullptr : it->second.get();
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [this](const Diagnostic& a, const Diagnostic& b) {
    auto order_a = file_order_.at(a.file);
    auto order_b = file_order_.at(b.file);
    if (order_a != order_b) return order_a < order_b;
    return a.pos < b.pos;
  });
}

std::size_t Diagnostics::error_count() const {
  return std::count_if(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

std::size_t Diagnostics::warning_count() const {
  return std::count_if(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Warning; });
}

}  // namespace flowrun
