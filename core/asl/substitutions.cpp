#include "core/asl/substitutions.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/load/load_document.hpp"
#include "core/util/error.hpp"

namespace flowrun::asl {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == ':';
}

// The length of the placeholder starting at `text[at]` (`${` name `}`), or 0.
std::size_t placeholder_length(std::string_view text, std::size_t at) {
  if (text.substr(at, 2) != "${") return 0;
  std::size_t i = at + 2;
  while (i < text.size() && is_name_char(text[i])) ++i;
  if (i == at + 2 || i >= text.size() || text[i] != '}') return 0;
  return i + 1 - at;
}

std::string json_escaped(const std::string& value) {
  std::string quoted = nlohmann::json(value).dump();
  return quoted.substr(1, quoted.size() - 2);
}

}  // namespace

bool is_placeholder(std::string_view text) {
  return !text.empty() && placeholder_length(text, 0) == text.size();
}

bool has_placeholder(std::string_view text) {
  for (std::size_t i = text.find("${"); i != std::string_view::npos; i = text.find("${", i + 1)) {
    if (placeholder_length(text, i) > 0) return true;
  }
  return false;
}

std::string substitute_placeholders(std::string_view text, const Substitutions& values, bool json) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (json && in_string && c == '\\' && i + 1 < text.size()) {
      out += text.substr(i, 2);
      ++i;
      continue;
    }
    if (json && c == '"') in_string = !in_string;
    std::size_t length = c == '$' ? placeholder_length(text, i) : 0;
    if (length == 0) {
      out.push_back(c);
      continue;
    }
    std::string_view placeholder = text.substr(i, length);
    auto found = values.find(placeholder.substr(2, length - 3));
    if (found != values.end()) {
      out += json && in_string ? json_escaped(found->second) : found->second;
    } else if (json && !in_string) {
      out += fmt::format("\"{}\"", placeholder);
    } else {
      out += placeholder;
    }
    i += length - 1;
  }
  return out;
}

std::optional<std::pair<std::string, std::string>> parse_substitution(std::string_view text) {
  std::size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) return std::nullopt;
  std::string_view name = text.substr(0, equals);
  for (char c : name) {
    if (!is_name_char(c)) return std::nullopt;
  }
  return std::pair{std::string(name), std::string(text.substr(equals + 1))};
}

Substitutions read_substitutions_file(const std::string& path) {
  Diagnostics diagnostics;
  std::optional<Document> document = load_document(path, diagnostics);
  if (!document || diagnostics.has_errors()) {
    std::string why =
        diagnostics.items().empty() ? "it cannot be parsed" : diagnostics.items().front().message;
    throw Error(fmt::format("cannot read substitutions file '{}': {}", path, why));
  }
  const Node* root = &document->root;
  if (root->is_mapping()) {
    if (const Node* inner = root->find("DefinitionSubstitutions")) root = inner;
  }
  if (!root->is_mapping()) {
    throw Error(
        fmt::format("substitutions file '{}' must hold a mapping of names to values", path));
  }
  Substitutions values;
  for (const auto& entry : root->entries) {
    if (!entry.value.is_scalar() || entry.value.is_null()) {
      throw Error(fmt::format("{}:{}:{}: the value of '{}' must be a string, number or boolean",
                              document->path(), entry.value.pos.line, entry.value.pos.column,
                              entry.key.text));
    }
    values[entry.key.text] = entry.value.text;
  }
  return values;
}

}  // namespace flowrun::asl
