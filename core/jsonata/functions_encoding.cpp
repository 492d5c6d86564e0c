#include <cstdint>

#include "core/jsonata/builtins.hpp"
#include "core/jsonata/errors.hpp"
#include "core/jsonata/utf8.hpp"

// $base64encode/$base64decode (a byte per character, as jsonata-js) and the URL
// functions (JavaScript's encodeURIComponent, encodeURI, decodeURIComponent, decodeURI).

namespace flowrun::jsonata {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// jsonata-js encodes each character as one byte (Node's 'binary' encoding): Latin-1 text
// round-trips, characters above U+00FF keep only their low byte.
Value fn_base64encode(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  std::string text;
  for (std::uint32_t c : decode_utf8(call.arg(0).as_string())) text += static_cast<char>(c & 0xFF);
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 3) {
    std::uint32_t chunk = static_cast<std::uint32_t>(static_cast<unsigned char>(text[i])) << 16;
    if (i + 1 < text.size()) chunk |= static_cast<unsigned char>(text[i + 1]) << 8;
    if (i + 2 < text.size()) chunk |= static_cast<unsigned char>(text[i + 2]);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < text.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < text.size() ? kAlphabet[chunk & 63] : '=';
  }
  return Value::string(std::move(out));
}

// Node's decoder skips characters outside the alphabet and stops at padding.
Value fn_base64decode(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : call.arg(0).as_string()) {
    if (c == '=') break;
    int digit = base64_digit(c);
    if (digit < 0) continue;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(digit);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      append_utf8(out, (buffer >> bits) & 0xFF);  // each byte is one character
    }
  }
  return Value::string(std::move(out));
}

bool is_unreserved(unsigned char c, std::string_view keep) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("-_.!~*'()").find(static_cast<char>(c)) != std::string_view::npos ||
         keep.find(static_cast<char>(c)) != std::string_view::npos;
}

std::string percent_encode(const std::string& text, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c, keep)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Bytes that decode to one of `reserved` stay escaped (decodeURI).
std::string percent_decode(const Call& call, const std::string& text, std::string_view reserved) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (high < 0 || low < 0) call.fail("D3140", text);
    char byte = static_cast<char>(high * 16 + low);
    if (static_cast<unsigned char>(byte) < 0x80 && reserved.find(byte) != std::string_view::npos) {
      out.append(text, i, 3);
    } else {
      out += byte;
    }
    i += 2;
  }
  try {
    (void)json(out).dump();
  } catch (const json::type_error&) {
    call.fail("D3140", text);  // not UTF-8: JavaScript's URIError
  }
  return out;
}

Value fn_encode_url_component(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  return Value::string(percent_encode(call.arg(0).as_string(), ""));
}

Value fn_encode_url(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  return Value::string(percent_encode(call.arg(0).as_string(), ";,/?:@&=+$#"));
}

Value fn_decode_url_component(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  return Value::string(percent_decode(call, call.arg(0).as_string(), ""));
}

Value fn_decode_url(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  return Value::string(percent_decode(call, call.arg(0).as_string(), ";,/?:@&=+$#"));
}

}  // namespace

void add_encoding_functions(BuiltinTable& table) {
  table.add("base64encode", "<s-:s>", fn_base64encode);
  table.add("base64decode", "<s-:s>", fn_base64decode);
  table.add("encodeUrlComponent", "<s-:s>", fn_encode_url_component);
  table.add("encodeUrl", "<s-:s>", fn_encode_url);
  table.add("decodeUrlComponent", "<s-:s>", fn_decode_url_component);
  table.add("decodeUrl", "<s-:s>", fn_decode_url);
}

}  // namespace flowrun::jsonata
