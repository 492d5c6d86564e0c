#include "core/util/duration.hpp"

#include <cctype>
#include <cmath>
#include <limits>

namespace flowrun {
namespace {

std::optional<double> unit_milliseconds(std::string_view unit) {
  if (unit == "ms") return 1.0;
  if (unit == "s") return 1000.0;
  if (unit == "m") return 60'000.0;
  if (unit == "h") return 3'600'000.0;
  if (unit == "d") return 86'400'000.0;
  return std::nullopt;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  std::size_t i = 0;
  bool bare_number = true;
  while (i < text.size()) {
    std::size_t number_start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      ++i;
    if (i == number_start) return std::nullopt;
    std::string number(text.substr(number_start, i - number_start));
    if (number.find('.') != number.rfind('.') || number == ".") return std::nullopt;
    std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    double factor = 1000.0;
    if (!unit.empty()) {
      auto known = unit_milliseconds(unit);
      if (!known) return std::nullopt;
      factor = *known;
      bare_number = false;
    } else if (!bare_number || i != text.size() || number_start != 0) {
      return std::nullopt;  // a unitless number only as the whole text
    }
    total += std::stod(number) * factor;
    if (total > static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2))
      return std::nullopt;
  }
  return Duration{static_cast<std::int64_t>(std::llround(total))};
}

std::string format_duration(Duration duration) {
  std::int64_t ms = duration.milliseconds;
  if (ms == 0) return "0s";
  std::string out;
  const std::pair<std::int64_t, const char*> units[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  for (auto [size, name] : units) {
    if (ms >= size) {
      out += std::to_string(ms / size) + name;
      ms %= size;
    }
  }
  return out;
}

}  // namespace flowrun
