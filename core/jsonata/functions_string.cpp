#include <cmath>

#include "core/jsonata/builtins.hpp"
#include "core/jsonata/errors.hpp"
#include "core/jsonata/sequence_ops.hpp"
#include "core/jsonata/stringify.hpp"
#include "core/jsonata/utf8.hpp"

// String functions (docs.jsonata.org/string-functions). Lengths and offsets count Unicode
// characters (code points), as jsonata-js does.

namespace flowrun::jsonata {
namespace {

std::uint32_t map_case(std::uint32_t c, bool upper) {
  // ASCII, Latin-1, Greek and Cyrillic: the letters data usually holds.
  auto in = [&](std::uint32_t lo, std::uint32_t hi) { return c >= lo && c <= hi; };
  if (upper) {
    if (in('a', 'z') || (in(0xE0, 0xFE) && c != 0xF7) || (in(0x3B1, 0x3C9) && c != 0x3C2) ||
        in(0x430, 0x44F)) {
      return c - 0x20;
    }
    if (in(0x450, 0x45F)) return c - 0x50;
  } else {
    if (in('A', 'Z') || (in(0xC0, 0xDE) && c != 0xD7) || (in(0x391, 0x3A9) && c != 0x3A2) ||
        in(0x410, 0x42F)) {
      return c + 0x20;
    }
    if (in(0x400, 0x40F)) return c + 0x50;
  }
  return c;
}

std::string change_case(const std::string& text, bool upper) {
  std::string out;
  out.reserve(text.size());
  for (std::uint32_t c : decode_utf8(text)) append_utf8(out, map_case(c, upper));
  return out;
}

// JavaScript's ToIntegerOrInfinity, then clamped like Array.prototype.slice.
std::size_t slice_index(double index, std::size_t length) {
  double n = std::trunc(index);
  if (n < 0) n = std::max(0.0, static_cast<double>(length) + n);
  return static_cast<std::size_t>(std::min(n, static_cast<double>(length)));
}

std::string join_code_points(const std::vector<std::uint32_t>& cps, std::size_t from,
                             std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to && i < cps.size(); ++i) append_utf8(out, cps[i]);
  return out;
}

Value fn_string(Call& call) {
  const Value& arg = call.arg(0);
  if (arg.is_undefined()) return Value();
  if (arg.is_string()) return arg;
  bool pretty = call.arg(1).is_boolean() && call.arg(1).data().get<bool>();
  return Value::string(to_text(arg, pretty));
}

Value fn_length(Call& call) {
  const Value& arg = call.arg(0);
  if (arg.is_undefined()) return Value();
  return Value::number(static_cast<double>(count_code_points(arg.as_string())));
}

Value fn_substring(Call& call) {
  const Value& str = call.arg(0);
  if (str.is_undefined()) return Value();
  std::vector<std::uint32_t> cps = decode_utf8(str.as_string());
  auto length = static_cast<double>(cps.size());
  double start = call.arg(1).as_number();
  if (length + start < 0) start = 0;
  if (call.arg(2).is_undefined()) {
    return Value::string(join_code_points(cps, slice_index(start, cps.size()), cps.size()));
  }
  double count = call.arg(2).as_number();
  if (count <= 0) return Value::string("");
  double end = start >= 0 ? start + count : length + start + count;
  return Value::string(
      join_code_points(cps, slice_index(start, cps.size()), slice_index(end, cps.size())));
}

Value fn_substring_before(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  const std::string& str = call.arg(0).as_string();
  std::size_t at = str.find(call.arg(1).as_string());
  return at == std::string::npos ? call.arg(0) : Value::string(str.substr(0, at));
}

Value fn_substring_after(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  const std::string& str = call.arg(0).as_string();
  const std::string& chars = call.arg(1).as_string();
  std::size_t at = str.find(chars);
  return at == std::string::npos ? call.arg(0) : Value::string(str.substr(at + chars.size()));
}

Value fn_uppercase(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  return Value::string(change_case(call.arg(0).as_string(), true));
}

Value fn_lowercase(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  return Value::string(change_case(call.arg(0).as_string(), false));
}

Value fn_trim(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  std::string out;
  bool in_space = false;
  for (char c : call.arg(0).as_string()) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!in_space) out += ' ';
      in_space = true;
    } else {
      out += c;
      in_space = false;
    }
  }
  if (!out.empty() && out.front() == ' ') out.erase(0, 1);
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return Value::string(std::move(out));
}

Value fn_pad(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  const std::string& str = call.arg(0).as_string();
  double width = call.arg(1).as_number();
  std::string fill = call.arg(2).is_string() ? call.arg(2).as_string() : "";
  if (fill.empty()) fill = " ";
  double missing = std::fabs(std::trunc(width)) - static_cast<double>(count_code_points(str));
  if (missing <= 0) return call.arg(0);
  auto count = static_cast<std::size_t>(missing);
  std::string padding;
  while (count_code_points(padding) < count) padding += fill;
  padding = padding.substr(0, byte_offset(padding, count));
  return Value::string(width > 0 ? str + padding : padding + str);
}

Value fn_join(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  std::string separator = call.arg(1).is_string() ? call.arg(1).as_string() : "";
  std::string out;
  bool first = true;
  for (const Value& item : to_items(call.arg(0))) {
    if (!first) out += separator;
    first = false;
    out += item.as_string();
  }
  return Value::string(std::move(out));
}

}  // namespace

void add_string_functions(BuiltinTable& table) {
  table.add("string", "<x-b?:s>", fn_string);
  table.add("length", "<s-:n>", fn_length);
  table.add("substring", "<s-nn?:s>", fn_substring);
  table.add("substringBefore", "<s-s:s>", fn_substring_before);
  table.add("substringAfter", "<s-s:s>", fn_substring_after);
  table.add("uppercase", "<s-:s>", fn_uppercase);
  table.add("lowercase", "<s-:s>", fn_lowercase);
  table.add("trim", "<s-:s>", fn_trim);
  table.add("pad", "<s-ns?:s>", fn_pad);
  table.add("join", "<a<s>s?:s>", fn_join);
}

}  // namespace flowrun::jsonata
