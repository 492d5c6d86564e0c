#include "core/util/json_text.hpp"

#include <charconv>
#include <string_view>

namespace flowrun {
namespace {

using nlohmann::json;

void append_by_nlohmann(std::string& out, const json& value) {
  out += value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The two-character escape nlohmann writes for `c`, or 0 when it writes \u00XX.
char short_escape(unsigned char c) {
  switch (c) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '\b':
      return 'b';
    case '\f':
      return 'f';
    case '\n':
      return 'n';
    case '\r':
      return 'r';
    case '\t':
      return 't';
    default:
      return 0;
  }
}

void append_escape(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '\\';
  if (char letter = short_escape(c)) {
    out += letter;
    return;
  }
  const char code[5] = {'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
  out.append(code, sizeof code);
}

// Appends `text` quoted and escaped when all its bytes are ASCII; otherwise appends nothing
// and returns false, leaving UTF-8 validation and replacement to nlohmann.
bool append_ascii_string(std::string& out, std::string_view text) {
  const std::size_t start = out.size();
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      out.resize(start);
      return false;
    }
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    append_escape(out, c);
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
  return true;
}

template <typename Integer>
void append_integer(std::string& out, Integer number) {
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, number);
  (void)error;  // 24 bytes hold any 64-bit integer
  out.append(digits, end);
}

// The containers themselves, not json's iterators: those switch on the type at every step.
void append_object(std::string& out, const json::object_t& object) {
  out += '{';
  bool first = true;
  for (const auto& [key, member] : object) {
    if (!first) out += ',';
    first = false;
    if (!append_ascii_string(out, key)) append_by_nlohmann(out, json(key));
    out += ':';
    append_compact_json(out, member);
  }
  out += '}';
}

void append_array(std::string& out, const json::array_t& array) {
  out += '[';
  bool first = true;
  for (const json& element : array) {
    if (!first) out += ',';
    first = false;
    append_compact_json(out, element);
  }
  out += ']';
}

}  // namespace

void append_compact_json(std::string& out, const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      out += "null";
      return;
    case json::value_t::boolean:
      out += value.get_ref<const json::boolean_t&>() ? "true" : "false";
      return;
    case json::value_t::number_integer:
      return append_integer(out, value.get_ref<const json::number_integer_t&>());
    case json::value_t::number_unsigned:
      return append_integer(out, value.get_ref<const json::number_unsigned_t&>());
    case json::value_t::string:
      if (!append_ascii_string(out, value.get_ref<const json::string_t&>())) {
        append_by_nlohmann(out, value);
      }
      return;
    case json::value_t::object:
      return append_object(out, value.get_ref<const json::object_t&>());
    case json::value_t::array:
      return append_array(out, value.get_ref<const json::array_t&>());
    default:  // number_float, binary, discarded: nlohmann's own formats
      return append_by_nlohmann(out, value);
  }
}

std::string compact_json(const json& value) {
  std::string out;
  append_compact_json(out, value);
  return out;
}

}  // namespace flowrun
