#include <utility>

#include "core/asl/choice_rules.hpp"

namespace flowrun::asl {

std::optional<ChoiceOperator> parse_choice_operator(std::string_view key) {
  static const std::pair<std::string_view, Family> type_tests[] = {
      {"IsNull", Family::IsNull},       {"IsPresent", Family::IsPresent},
      {"IsNumeric", Family::IsNumeric}, {"IsString", Family::IsString},
      {"IsBoolean", Family::IsBoolean}, {"IsTimestamp", Family::IsTimestamp}};
  for (const auto& [name, family] : type_tests) {
    if (key == name) return ChoiceOperator{family, Comparison::Equals, false};
  }
  ChoiceOperator op;
  if (key.size() > 4 && key.substr(key.size() - 4) == "Path") {
    op.is_path = true;
    key.remove_suffix(4);
  }
  if (key == "StringMatches") {
    if (op.is_path) return std::nullopt;  // the spec has no StringMatchesPath
    op.family = Family::Matches;
    return op;
  }
  static const std::pair<std::string_view, Family> families[] = {{"String", Family::String},
                                                                 {"Numeric", Family::Numeric},
                                                                 {"Boolean", Family::Boolean},
                                                                 {"Timestamp", Family::Timestamp}};
  static const std::pair<std::string_view, Comparison> comparisons[] = {
      {"Equals", Comparison::Equals},
      {"LessThan", Comparison::LessThan},
      {"GreaterThan", Comparison::GreaterThan},
      {"LessThanEquals", Comparison::LessThanEquals},
      {"GreaterThanEquals", Comparison::GreaterThanEquals}};
  for (const auto& [prefix, family] : families) {
    if (key.substr(0, prefix.size()) != prefix) continue;
    std::string_view rest = key.substr(prefix.size());
    for (const auto& [suffix, comparison] : comparisons) {
      if (rest != suffix) continue;
      if (family == Family::Boolean && comparison != Comparison::Equals) return std::nullopt;
      op.family = family;
      op.comparison = comparison;
      return op;
    }
  }
  return std::nullopt;
}

}  // namespace flowrun::asl
