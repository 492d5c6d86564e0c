#include "core/validate/render_diagnostics.hpp"

#include <fmt/format.h>

namespace flowrun {
namespace {

constexpr const char* kBold = "\033[1m";
constexpr const char* kRed = "\033[1;31m";
constexpr const char* kMagenta = "\033[1;35m";
constexpr const char* kCyan = "\033[1;36m";
constexpr const char* kGreen = "\033[1;32m";
constexpr const char* kReset = "\033[0m";

std::string location(const std::string& file, SourcePos pos) {
  if (!pos.is_known()) return file;
  return fmt::format("{}:{}:{}", file, pos.line, pos.column);
}

std::string paint(const RenderOptions& options, const char* colour, std::string_view text) {
  if (!options.colour) return std::string(text);
  return fmt::format("{}{}{}", colour, text, kReset);
}

const char* severity_colour(Severity severity) {
  switch (severity) {
    case Severity::Error: return kRed;
    case Severity::Warning: return kMagenta;
    case Severity::Note: return kCyan;
  }
  return kRed;
}

// Tabs are shown as single spaces so the caret lines up with the column yaml-cpp reports.
std::string quote_line(const SourceFile& source, SourcePos pos, std::uint32_t length,
                       const RenderOptions& options) {
  std::string_view line = source.line(pos.line);
  if (line.empty() && pos.line > 1) return {};
  std::string text(line.substr(0, 300));
  for (char& c : text) {
    if (c == '\t') c = ' ';
  }
  std::string number = std::to_string(pos.line);
  std::string gutter(number.size(), ' ');
  std::uint32_t column = std::max<std::uint32_t>(1, pos.column);
  std::uint32_t room = text.size() >= column ? static_cast<std::uint32_t>(text.size()) - column + 1 : 1;
  std::uint32_t underline = std::max<std::uint32_t>(1, std::min(length, room));
  std::string caret(underline, '~');
  caret[0] = '^';
  std::string marker = std::string(column - 1, ' ') + paint(options, kGreen, caret);
  return fmt::format(" {} | {}\n {} | {}\n", number, text, gutter, marker);
}

}  // namespace

std::string render_text(const Diagnostic& d, const Diagnostics& context,
                        const RenderOptions& options) {
  std::string out = fmt::format(
      "{} {} {}\n", paint(options, kBold, location(d.file, d.pos) + ":"),
      paint(options, severity_colour(d.severity), std::string(to_string(d.severity)) + ":"),
      paint(options, kBold, d.message));
  if (d.pos.is_known()) {
    if (const SourceFile* source = context.source(d.file)) {
      out += quote_line(*source, d.pos, d.length, options);
    }
  }
  for (const auto& note : d.notes) {
    std::string where = note.pos.is_known() ? location(note.file, note.pos) : location(d.file, d.pos);
    out += fmt::format("{} {} {}\n", paint(options, kBold, where + ":"),
                       paint(options, kCyan, "note:"), note.message);
    if (note.pos.is_known()) {
      if (const SourceFile* source = context.source(note.file)) {
        out += quote_line(*source, note.pos, 1, options);
      }
    }
  }
  return out;
}

std::string render_text(const Diagnostics& diagnostics, const RenderOptions& options) {
  std::string out;
  for (const auto& d : diagnostics.items()) out += render_text(d, diagnostics, options);
  std::size_t errors = diagnostics.error_count();
  std::size_t warnings = diagnostics.warning_count();
  if (errors > 0 || warnings > 0) {
    std::vector<std::string> parts;
    if (warnings > 0) parts.push_back(fmt::format("{} warning{}", warnings, warnings == 1 ? "" : "s"));
    if (errors > 0) parts.push_back(fmt::format("{} error{}", errors, errors == 1 ? "" : "s"));
    out += fmt::format("{} generated.\n", fmt::join(parts, " and "));
  }
  return out;
}

nlohmann::json render_json(const Diagnostics& diagnostics) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& d : diagnostics.items()) {
    nlohmann::json notes = nlohmann::json::array();
    for (const auto& note : d.notes) {
      nlohmann::json item = {{"message", note.message}};
      if (note.pos.is_known()) {
        item["file"] = note.file;
        item["line"] = note.pos.line;
        item["column"] = note.pos.column;
      }
      notes.push_back(std::move(item));
    }
    array.push_back({{"file", d.file},
                     {"line", d.pos.line},
                     {"column", d.pos.column},
                     {"severity", to_string(d.severity)},
                     {"code", d.code},
                     {"message", d.message},
                     {"notes", std::move(notes)}});
  }
  return array;
}

}  // namespace flowrun
