#include <fmt/format.h>

#include <cmath>
#include <numeric>

#include "core/jsonata/builtins.hpp"
#include "core/jsonata/errors.hpp"
#include "core/jsonata/integer_words.hpp"
#include "core/jsonata/utf8.hpp"

// $formatNumber: the XPath F&O 4.7 decimal format picture (`#,##0.00`, `0.0e0`, `0%`,
// `pos;neg`), ported from jsonata-js's formatNumber; $formatInteger and $parseInteger are in
// integer_words.cpp.

namespace flowrun::jsonata {
namespace {

using Text = std::u32string;

struct Properties {
  char32_t decimal = U'.';
  char32_t grouping = U',';
  char32_t exponent = U'e';
  char32_t minus = U'-';
  char32_t percent = U'%';
  char32_t per_mille = U'\u2030';
  char32_t zero = U'0';
  char32_t digit = U'#';
  char32_t pattern = U';';
};

Text to_text32(const std::string& text) {
  Text out;
  for (std::uint32_t c : decode_utf8(text)) out += static_cast<char32_t>(c);
  return out;
}

std::string to_utf8(const Text& text) {
  std::string out;
  for (char32_t c : text) append_utf8(out, c);
  return out;
}

struct Parts {
  Text prefix, suffix, active, mantissa, integer, fraction, picture;
  bool has_exponent = false;
  Text exponent;
};

struct Picture {
  std::vector<int> grouping_positions;
  int regular_grouping = 0;
  int min_integer = 0;
  int scaling = 0;
  Text prefix, suffix;
  std::vector<int> fraction_grouping;
  int min_fraction = 0;
  int max_fraction = 0;
  int min_exponent = 0;
  Text picture;
};

class NumberFormat {
 public:
  NumberFormat(const Properties& p, std::size_t position) : p_(p), position_(position) {}

  bool is_digit(char32_t c) const { return c >= p_.zero && c < p_.zero + 10; }
  bool is_active(char32_t c) const {
    return is_digit(c) || c == p_.decimal || c == p_.exponent || c == p_.grouping ||
           c == p_.digit || c == p_.pattern;
  }
  int count_if_digit(const Text& text, bool with_optional) const {
    int n = 0;
    for (char32_t c : text) n += is_digit(c) || (with_optional && c == p_.digit) ? 1 : 0;
    return n;
  }

  Parts split(const Text& sub) const {
    Parts parts;
    parts.picture = sub;
    std::size_t first = 0;
    while (first < sub.size() && !(is_active(sub[first]) && sub[first] != p_.exponent)) ++first;
    std::size_t last = sub.size();
    while (last > 0 && !(is_active(sub[last - 1]) && sub[last - 1] != p_.exponent)) --last;
    parts.prefix = sub.substr(0, first);
    parts.suffix = last >= first ? sub.substr(last) : Text();
    parts.active = last >= first ? sub.substr(first, last - first) : Text();
    std::size_t exponent = sub.find(p_.exponent, parts.prefix.size());
    if (exponent == Text::npos || exponent > sub.size() - parts.suffix.size()) {
      parts.mantissa = parts.active;
    } else {
      parts.has_exponent = true;
      parts.mantissa = parts.active.substr(0, exponent);
      parts.exponent = parts.active.substr(std::min(parts.active.size(), exponent + 1));
    }
    std::size_t decimal = parts.mantissa.find(p_.decimal);
    if (decimal == Text::npos) {
      parts.integer = parts.mantissa;
      parts.fraction = parts.suffix;
    } else {
      parts.integer = parts.mantissa.substr(0, decimal);
      parts.fraction = parts.mantissa.substr(decimal + 1);
    }
    return parts;
  }

  void validate(const Parts& parts) const {
    const Text& sub = parts.picture;
    const char* error = nullptr;
    std::size_t decimal = sub.find(p_.decimal);
    if (decimal != sub.rfind(p_.decimal)) error = "D3081";
    if (sub.find(p_.percent) != sub.rfind(p_.percent)) error = "D3082";
    if (sub.find(p_.per_mille) != sub.rfind(p_.per_mille)) error = "D3083";
    if (sub.find(p_.percent) != Text::npos && sub.find(p_.per_mille) != Text::npos) error = "D3084";
    if (count_if_digit(parts.mantissa, true) == 0) error = "D3085";
    for (char32_t c : parts.active) {
      if (!is_active(c)) error = "D3086";
    }
    if (decimal != Text::npos) {
      if ((decimal > 0 && sub[decimal - 1] == p_.grouping) ||
          (decimal + 1 < sub.size() && sub[decimal + 1] == p_.grouping)) {
        error = "D3087";
      }
    } else if (!parts.integer.empty() && parts.integer.back() == p_.grouping) {
      error = "D3088";
    }
    if (sub.find(Text{p_.grouping, p_.grouping}) != Text::npos) error = "D3089";
    std::size_t optional = parts.integer.find(p_.digit);
    if (optional != Text::npos && count_if_digit(parts.integer.substr(0, optional), false) > 0) {
      error = "D3090";
    }
    optional = parts.fraction.rfind(p_.digit);
    if (optional != Text::npos && count_if_digit(parts.fraction.substr(optional), false) > 0) {
      error = "D3091";
    }
    if (parts.has_exponent && !parts.exponent.empty() &&
        (sub.find(p_.percent) != Text::npos || sub.find(p_.per_mille) != Text::npos)) {
      error = "D3092";
    }
    if (parts.has_exponent &&
        (parts.exponent.empty() ||
         count_if_digit(parts.exponent, false) != static_cast<int>(parts.exponent.size()))) {
      error = "D3093";
    }
    if (error != nullptr) throw_error(error, position_);
  }

  std::vector<int> grouping_positions(const Parts& parts, const Text& part, bool to_left) const {
    std::vector<int> positions;
    std::size_t at = part.find(p_.grouping);
    while (at != Text::npos) {
      positions.push_back(count_if_digit(to_left ? part.substr(0, at) : part.substr(at), true));
      at = parts.integer.find(p_.grouping, at + 1);
    }
    return positions;
  }

  Picture analyse(const Parts& parts) const {
    Picture pic;
    pic.grouping_positions = grouping_positions(parts, parts.integer, false);
    if (!pic.grouping_positions.empty()) {
      int factor = std::accumulate(pic.grouping_positions.begin(), pic.grouping_positions.end(), 0,
                                   [](int a, int b) { return std::gcd(a, b); });
      bool regular = true;
      for (std::size_t i = 1; i <= pic.grouping_positions.size(); ++i) {
        if (std::find(pic.grouping_positions.begin(), pic.grouping_positions.end(),
                      static_cast<int>(i) * factor) == pic.grouping_positions.end()) {
          regular = false;
        }
      }
      pic.regular_grouping = regular ? factor : 0;
    }
    pic.fraction_grouping = grouping_positions(parts, parts.fraction, true);
    pic.min_integer = count_if_digit(parts.integer, false);
    pic.scaling = pic.min_integer;
    pic.min_fraction = count_if_digit(parts.fraction, false);
    pic.max_fraction = count_if_digit(parts.fraction, true);
    if (pic.min_integer == 0 && pic.max_fraction == 0) {
      if (parts.has_exponent) {
        pic.min_fraction = pic.max_fraction = 1;
      } else {
        pic.min_integer = 1;
      }
    }
    if (parts.has_exponent && pic.min_integer == 0 && parts.integer.find(p_.digit) != Text::npos) {
      pic.min_integer = 1;
    }
    if (pic.min_integer == 0 && pic.min_fraction == 0) pic.min_fraction = 1;
    if (parts.has_exponent) pic.min_exponent = count_if_digit(parts.exponent, false);
    pic.prefix = parts.prefix;
    pic.suffix = parts.suffix;
    pic.picture = parts.picture;
    return pic;
  }

  Text digits_of(double value, int decimals) const {
    Text out;
    for (char c : fmt::format("{:.{}f}", std::fabs(value), decimals)) {
      out += c >= '0' && c <= '9' ? static_cast<char32_t>(p_.zero + (c - '0'))
                                  : static_cast<char32_t>(c);
    }
    return out;
  }

  std::string format(double value, const Text& picture_text) const;

 private:
  const Properties& p_;
  std::size_t position_;
};

std::string NumberFormat::format(double value, const Text& picture_text) const {
  std::vector<Text> subs;
  std::size_t start = 0;
  for (std::size_t at; (at = picture_text.find(p_.pattern, start)) != Text::npos; start = at + 1) {
    subs.push_back(picture_text.substr(start, at - start));
  }
  subs.push_back(picture_text.substr(start));
  if (subs.size() > 2) throw_error("D3080", position_);
  std::vector<Picture> pictures;
  for (const Text& sub : subs) {
    Parts parts = split(sub);
    validate(parts);
    pictures.push_back(analyse(parts));
  }
  if (pictures.size() == 1) {
    pictures.push_back(pictures[0]);
    pictures[1].prefix = Text{p_.minus} + pictures[1].prefix;
  }
  const Picture& pic = value >= 0 ? pictures[0] : pictures[1];
  double adjusted = value;
  if (pic.picture.find(p_.percent) != Text::npos) {
    adjusted = value * 100;
  } else if (pic.picture.find(p_.per_mille) != Text::npos) {
    adjusted = value * 1000;
  }
  double mantissa = adjusted;
  std::optional<int> exponent;
  if (pic.min_exponent != 0) {
    double max_mantissa = std::pow(10, pic.scaling);
    double min_mantissa = std::pow(10, pic.scaling - 1);
    exponent = 0;
    while (mantissa != 0 && std::fabs(mantissa) < min_mantissa) {
      mantissa *= 10;
      --*exponent;
    }
    while (std::fabs(mantissa) > max_mantissa) {
      mantissa /= 10;
      ++*exponent;
    }
  }
  double rounded = round_half_even(mantissa, pic.max_fraction);
  Text text = digits_of(rounded, pic.max_fraction);
  std::size_t point = text.find(U'.');
  if (point == Text::npos) {
    text += p_.decimal;
  } else {
    text[point] = p_.decimal;
  }
  while (!text.empty() && text.front() == p_.zero) text.erase(0, 1);
  while (!text.empty() && text.back() == p_.zero) text.pop_back();
  auto decimal_at = static_cast<int>(text.find(p_.decimal));
  int pad_left = pic.min_integer - decimal_at;
  int pad_right = pic.min_fraction - (static_cast<int>(text.size()) - decimal_at - 1);
  if (pad_left > 0) text.insert(0, static_cast<std::size_t>(pad_left), p_.zero);
  if (pad_right > 0) text.append(static_cast<std::size_t>(pad_right), p_.zero);
  decimal_at = static_cast<int>(text.find(p_.decimal));
  if (pic.regular_grouping > 0) {
    int groups = (decimal_at - 1) / pic.regular_grouping;
    for (int group = 1; group <= groups; ++group) {
      text.insert(static_cast<std::size_t>(decimal_at - group * pic.regular_grouping), 1,
                  p_.grouping);
    }
  } else {
    for (int position : pic.grouping_positions) {
      if (decimal_at - position >= 0) {
        text.insert(static_cast<std::size_t>(decimal_at - position), 1, p_.grouping);
      }
      ++decimal_at;
    }
  }
  decimal_at = static_cast<int>(text.find(p_.decimal));
  for (int position : pic.fraction_grouping) {
    std::size_t at = static_cast<std::size_t>(position + decimal_at + 1);
    if (at <= text.size()) text.insert(at, 1, p_.grouping);
  }
  decimal_at = static_cast<int>(text.find(p_.decimal));
  if (pic.picture.find(p_.decimal) == Text::npos ||
      decimal_at == static_cast<int>(text.size()) - 1) {
    text.pop_back();
  }
  if (exponent) {
    Text exponent_text = digits_of(*exponent, 0);
    int pad = pic.min_exponent - static_cast<int>(exponent_text.size());
    if (pad > 0) exponent_text.insert(0, static_cast<std::size_t>(pad), p_.zero);
    text += p_.exponent;
    if (*exponent < 0) text += p_.minus;
    text += exponent_text;
  }
  return to_utf8(pic.prefix + text + pic.suffix);
}

Value fn_format_number(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  Properties properties;
  if (call.arg(2).is_object()) {
    for (auto it = call.arg(2).data().begin(); it != call.arg(2).data().end(); ++it) {
      if (!it.value().is_string() || it.value().get_ref<const std::string&>().empty()) continue;
      char32_t c = to_text32(it.value().get<std::string>())[0];
      const std::string& key = it.key();
      if (key == "decimal-separator") properties.decimal = c;
      if (key == "grouping-separator") properties.grouping = c;
      if (key == "exponent-separator") properties.exponent = c;
      if (key == "minus-sign") properties.minus = c;
      if (key == "percent") properties.percent = c;
      if (key == "per-mille") properties.per_mille = c;
      if (key == "zero-digit") properties.zero = c;
      if (key == "digit") properties.digit = c;
      if (key == "pattern-separator") properties.pattern = c;
    }
  }
  NumberFormat format(properties, call.position);
  return Value::string(format.format(call.arg(0).as_number(), to_text32(call.arg(1).as_string())));
}

}  // namespace

void add_format_functions(BuiltinTable& table) {
  table.add("formatNumber", "<n-so?:s>", fn_format_number);
  add_integer_format_functions(table);
}

}  // namespace flowrun::jsonata
