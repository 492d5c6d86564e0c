#include "core/expr/value.hpp"

#include <locale.h>
#include <wctype.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/util/text.hpp"

namespace flowrun::expr {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Decodes one UTF-8 sequence at `i`; invalid bytes come back as themselves (width 1).
char32_t decode_at(std::string_view text, std::size_t& i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  if (c < 0x80 || i + extra >= text.size() + (extra == 0 ? 1 : 0)) {
    ++i;
    return c;
  }
  char32_t code = c & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    unsigned char next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) {
      ++i;
      return c;
    }
    code = (code << 6) | (next & 0x3F);
  }
  i += extra + 1;
  return code;
}

locale_t unicode_locale() {
  static locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return locale;
}

template <typename Map>
std::string fold(std::string_view text, Map map) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += static_cast<char>(map(static_cast<char32_t>(c)));
      ++i;
      continue;
    }
    std::size_t start = i;
    char32_t code = decode_at(text, i);
    if (i - start == 1) {
      out += static_cast<char>(c);  // an invalid byte stays as it is
    } else {
      append_utf8(out, map(code));
    }
  }
  return out;
}

char32_t upper(char32_t code) {
  if (code < 0x80) return code >= 'a' && code <= 'z' ? code - 32 : code;
  if (code == 0x131) return code;  // the dotless i stays, as in GitHub's evaluator
  locale_t locale = unicode_locale();
  return locale ? static_cast<char32_t>(towupper_l(static_cast<wint_t>(code), locale)) : code;
}

char32_t lower(char32_t code) {
  if (code < 0x80) return code >= 'A' && code <= 'Z' ? code + 32 : code;
  locale_t locale = unicode_locale();
  return locale ? static_cast<char32_t>(towlower_l(static_cast<wint_t>(code), locale)) : code;
}

bool is_js_space(char32_t code) {
  switch (code) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
      return true;
    default:
      return code >= 0x2000 && code <= 0x200A;
  }
}

std::string_view trim_js_space(std::string_view text) {
  while (!text.empty()) {
    std::size_t i = 0;
    if (!is_js_space(decode_at(text, i))) break;
    text.remove_prefix(i);
  }
  while (!text.empty()) {
    // Step back to the start of the last sequence.
    std::size_t start = text.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    std::size_t i = start;
    if (!is_js_space(decode_at(text, i))) break;
    text.remove_suffix(text.size() - start);
  }
  return text;
}

double parse_radix(std::string_view digits, int radix) {
  if (digits.empty()) return kNaN;
  double value = 0;
  for (char c : digits) {
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'z' ? c - 'a' + 10
                : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                       : 99;
    if (digit >= radix) return kNaN;
    value = value * radix + digit;
  }
  return value;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A decimal literal: digits, an optional fraction, an optional exponent; no sign.
bool is_decimal(std::string_view text) {
  std::size_t i = 0;
  std::size_t digits = 0;
  while (i < text.size() && is_digit(text[i])) ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    std::size_t exponent = 0;
    while (i < text.size() && is_digit(text[i])) ++i, ++exponent;
    if (exponent == 0) return false;
  }
  return i == text.size();
}

void append_json_string(std::string& out, const std::string& text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_json(std::string& out, const Value& value, int indent) {
  std::string pad(static_cast<std::size_t>(indent) + 2, ' ');
  switch (kind_of(value)) {
    case Kind::Null:
      out += "null";
      return;
    case Kind::Boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case Kind::Number: {
      double number = to_number(value);
      out += std::isfinite(number) ? format_js_number(number) : "null";
      return;
    }
    case Kind::String:
      append_json_string(out, value.get_ref<const std::string&>());
      return;
    case Kind::Array: {
      if (value.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      bool first = true;
      for (const Value& item : value) {
        if (!first) out += ",\n";
        first = false;
        out += pad;
        append_json(out, item, indent + 2);
      }
      out += "\n" + std::string(static_cast<std::size_t>(indent), ' ') + "]";
      return;
    }
    case Kind::Object: {
      if (value.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ",\n";
        first = false;
        out += pad;
        append_json_string(out, key);
        out += ": ";
        append_json(out, item, indent + 2);
      }
      out += "\n" + std::string(static_cast<std::size_t>(indent), ' ') + "}";
      return;
    }
  }
}

// Brings two values to comparable kinds, as GitHub's coerceTypes does: null and booleans
// become numbers, and a string compared with a number becomes a number.
struct Coerced {
  Kind kind = Kind::Null;
  double number = 0;
};

void coerce(const Value& left, const Value& right, Coerced& l, Coerced& r) {
  l = {kind_of(left), 0};
  r = {kind_of(right), 0};
  if (l.kind == Kind::Number) l.number = to_number(left);
  if (r.kind == Kind::Number) r.number = to_number(right);
  auto to_num = [](Coerced& c, const Value& value) { c = {Kind::Number, to_number(value)}; };
  while (l.kind != r.kind) {
    if (l.kind == Kind::Number && r.kind == Kind::String) {
      to_num(r, right);
    } else if (l.kind == Kind::String && r.kind == Kind::Number) {
      to_num(l, left);
    } else if (l.kind == Kind::Null || l.kind == Kind::Boolean) {
      to_num(l, left);
    } else if (r.kind == Kind::Null || r.kind == Kind::Boolean) {
      to_num(r, right);
    } else {
      return;
    }
  }
}

}  // namespace

Kind kind_of(const Value& value) {
  switch (value.type()) {
    case Value::value_t::boolean:
      return Kind::Boolean;
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
    case Value::value_t::number_float:
      return Kind::Number;
    case Value::value_t::string:
      return Kind::String;
    case Value::value_t::array:
      return Kind::Array;
    case Value::value_t::object:
      return Kind::Object;
    default:
      return Kind::Null;
  }
}

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::Null:
      return "Null";
    case Kind::Boolean:
      return "Boolean";
    case Kind::Number:
      return "Number";
    case Kind::String:
      return "String";
    case Kind::Array:
      return "Array";
    case Kind::Object:
      return "Object";
  }
  return "Null";
}

bool is_primitive(const Value& value) {
  Kind kind = kind_of(value);
  return kind != Kind::Array && kind != Kind::Object;
}

Value make_number(double number) {
  constexpr double kMaxExact = 9007199254740992.0;  // 2^53
  if (number == 0) return 0;
  if (std::isfinite(number) && std::trunc(number) == number && std::fabs(number) <= kMaxExact) {
    return static_cast<std::int64_t>(number);
  }
  return number;
}

double parse_number(std::string_view text) {
  text = trim_js_space(text);
  if (text.empty()) return 0;
  if (text.size() > 2 && text[0] == '0') {
    switch (text[1]) {
      case 'x':
      case 'X':
        return parse_radix(text.substr(2), 16);
      case 'o':
      case 'O':
        return parse_radix(text.substr(2), 8);
      case 'b':
      case 'B':
        return parse_radix(text.substr(2), 2);
      default:
        break;
    }
  }
  bool negative = false;
  if (text[0] == '+' || text[0] == '-') {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "Infinity") return negative ? -kInfinity : kInfinity;
  if (!is_decimal(text)) return kNaN;
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return negative ? -value : value;
}

double to_number(const Value& value) {
  switch (value.type()) {
    case Value::value_t::null:
      return 0;
    case Value::value_t::boolean:
      return value.get<bool>() ? 1 : 0;
    case Value::value_t::number_integer:
      return static_cast<double>(value.get<std::int64_t>());
    case Value::value_t::number_unsigned:
      return static_cast<double>(value.get<std::uint64_t>());
    case Value::value_t::number_float:
      return value.get<double>();
    case Value::value_t::string:
      return parse_number(value.get_ref<const std::string&>());
    default:
      return kNaN;
  }
}

std::string format_js_number(double number) {
  if (std::isnan(number)) return "NaN";
  if (std::isinf(number)) return number > 0 ? "Infinity" : "-Infinity";
  if (number == 0) return "0";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, std::fabs(number),
                              std::chars_format::scientific);
  std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  std::size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exp_text = text.substr(e + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  std::string out = number < 0 ? "-" : "";
  if (k <= n && n <= 21) {
    out += digits + std::string(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<std::size_t>(n)) + "." +
           digits.substr(static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
  } else {
    out += digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += (n - 1 < 0 ? "e-" : "e+") + std::to_string(std::abs(n - 1));
  }
  return out;
}

std::string format_number(double number) {
  if (number == 0 || !std::isfinite(number) || std::fabs(number) >= 1e21) {
    return format_js_number(number);
  }
  // JavaScript's (+n.toFixed(15)).toString(): at most 15 decimals, no trailing zeros.
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, "%.15f", number);
  double rounded = 0;
  std::string_view text(buffer);
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  std::from_chars(text.data(), text.data() + text.size(), rounded);
  return format_js_number(negative ? -rounded : rounded);
}

std::string to_string(const Value& value) {
  switch (kind_of(value)) {
    case Kind::Null:
      return {};
    case Kind::Boolean:
      return value.get<bool>() ? "true" : "false";
    case Kind::Number:
      return format_number(to_number(value));
    case Kind::String:
      return value.get<std::string>();
    case Kind::Array:
    case Kind::Object:
      return std::string(kind_name(kind_of(value)));
  }
  return {};
}

bool is_truthy(const Value& value) {
  switch (kind_of(value)) {
    case Kind::Null:
      return false;
    case Kind::Boolean:
      return value.get<bool>();
    case Kind::Number: {
      double number = to_number(value);
      return !(number == 0 || std::isnan(number));
    }
    case Kind::String:
      return !value.get_ref<const std::string&>().empty();
    default:
      return true;
  }
}

bool loose_equals(const Value& left, const Value& right, bool same_container) {
  Coerced l, r;
  coerce(left, right, l, r);
  if (l.kind != r.kind) return false;
  switch (l.kind) {
    case Kind::Null:
      return true;
    case Kind::Number:
      return !std::isnan(l.number) && !std::isnan(r.number) && l.number == r.number;
    case Kind::String:
      return fold_upper(left.get_ref<const std::string&>()) ==
             fold_upper(right.get_ref<const std::string&>());
    case Kind::Boolean:
      return left.get<bool>() == right.get<bool>();
    default:
      return same_container;
  }
}

namespace {

// -1, 0, 1, or 2 when the two cannot be ordered.
int compare(const Value& left, const Value& right) {
  Coerced l, r;
  coerce(left, right, l, r);
  if (l.kind != r.kind) return 2;
  switch (l.kind) {
    case Kind::Number: {
      if (std::isnan(l.number) || std::isnan(r.number)) return 2;
      return l.number < r.number ? -1 : l.number > r.number ? 1 : 0;
    }
    case Kind::String: {
      int c = fold_upper(left.get_ref<const std::string&>())
                  .compare(fold_upper(right.get_ref<const std::string&>()));
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case Kind::Boolean:
      return static_cast<int>(left.get<bool>()) - static_cast<int>(right.get<bool>());
    default:
      return 2;
  }
}

}  // namespace

bool loose_less(const Value& left, const Value& right) { return compare(left, right) == -1; }
bool loose_greater(const Value& left, const Value& right) { return compare(left, right) == 1; }

std::string fold_upper(std::string_view text) { return fold(text, upper); }
std::string fold_lower(std::string_view text) { return fold(text, lower); }

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() == b.size()) {
    bool ascii_equal = true;
    for (std::size_t i = 0; i < a.size() && ascii_equal; ++i) {
      char x = a[i], y = b[i];
      if (x == y) continue;
      if ((x | 0x20) == (y | 0x20) && (x | 0x20) >= 'a' && (x | 0x20) <= 'z') continue;
      ascii_equal = false;
    }
    if (ascii_equal) return true;
  }
  return fold_lower(a) == fold_lower(b);
}

const Value* find_member(const Value& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  for (const auto& [name, value] : object.items()) {
    if (equals_ignore_case(name, key)) return &value;
  }
  return nullptr;
}

Value to_value(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::array: {
      Value out = Value::array();
      for (const auto& item : json) out.push_back(to_value(item));
      return out;
    }
    case nlohmann::json::value_t::object: {
      Value out = Value::object();
      for (const auto& [key, item] : json.items()) out[key] = to_value(item);
      return out;
    }
    case nlohmann::json::value_t::boolean:
      return json.get<bool>();
    case nlohmann::json::value_t::number_integer:
      return json.get<std::int64_t>();
    case nlohmann::json::value_t::number_unsigned:
      return json.get<std::uint64_t>();
    case nlohmann::json::value_t::number_float:
      return json.get<double>();
    case nlohmann::json::value_t::string:
      return json.get_ref<const std::string&>();
    default:
      return nullptr;
  }
}

nlohmann::json to_plain_json(const Value& value) {
  switch (kind_of(value)) {
    case Kind::Array: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : value) out.push_back(to_plain_json(item));
      return out;
    }
    case Kind::Object: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, item] : value.items()) out[key] = to_plain_json(item);
      return out;
    }
    case Kind::Boolean:
      return value.get<bool>();
    case Kind::Number: {
      Value number = make_number(to_number(value));
      if (number.is_number_integer()) return number.get<std::int64_t>();
      return number.get<double>();
    }
    case Kind::String:
      return value.get_ref<const std::string&>();
    default:
      return nullptr;
  }
}

std::string to_json_text(const Value& value) {
  std::string out;
  append_json(out, value, 0);
  return out;
}

}  // namespace flowrun::expr
