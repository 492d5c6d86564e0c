#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>

#include "core/asl/intrinsic_support.hpp"

namespace flowrun::asl::intrinsic {
namespace {

using nlohmann::json;
using Args = std::vector<json>;

// The developer guide limits both Base64 functions to 10 000 characters of input.
constexpr std::size_t kMaxBase64Input = 10000;
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::size_t count_characters(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

void check_length(std::string_view text, std::string_view function) {
  std::size_t length = count_characters(text);
  if (length > kMaxBase64Input) {
    fail(fmt::format("{}: the input has {} characters; the limit is {}", function, length,
                     kMaxBase64Input));
  }
}

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// nlohmann's own strict decoder, so a string that passes can always be serialized later.
bool is_valid_utf8(const std::string& text) {
  try {
    (void)json(text).dump();
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}

}  // namespace

json base64_encode(Args& args) {
  const std::string& text = require_string(args[0], "States.Base64Encode", 1);
  check_length(text, "States.Base64Encode");
  std::string out;
  out.reserve((text.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < text.size(); i += 3) {
    std::uint32_t chunk = static_cast<unsigned char>(text[i]) << 16;
    if (i + 1 < text.size()) chunk |= static_cast<unsigned char>(text[i + 1]) << 8;
    if (i + 2 < text.size()) chunk |= static_cast<unsigned char>(text[i + 2]);
    out.push_back(kAlphabet[(chunk >> 18) & 63]);
    out.push_back(kAlphabet[(chunk >> 12) & 63]);
    out.push_back(i + 1 < text.size() ? kAlphabet[(chunk >> 6) & 63] : '=');
    out.push_back(i + 2 < text.size() ? kAlphabet[chunk & 63] : '=');
  }
  return out;
}

json base64_decode(Args& args) {
  const std::string& text = require_string(args[0], "States.Base64Decode", 1);
  check_length(text, "States.Base64Decode");
  std::string_view body = text;
  std::size_t padding = 0;
  while (!body.empty() && body.back() == '=' && padding < 2) {
    body.remove_suffix(1);
    ++padding;
  }
  // Padding is optional, as in Java's decoder; when present it must complete the last group.
  if (body.size() % 4 == 1 || (padding > 0 && (body.size() + padding) % 4 != 0)) {
    fail("States.Base64Decode: the argument is not valid Base64 (wrong length)");
  }
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : body) {
    int value = decode_char(c);
    if (value < 0) fail(fmt::format("States.Base64Decode: '{}' is not a Base64 character", c));
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  if (!is_valid_utf8(out)) fail("States.Base64Decode: the decoded bytes are not UTF-8 text");
  return out;
}

json hash(Args& args) {
  const std::string& data = require_string(args[0], "States.Hash", 1);
  const std::string& algorithm = require_string(args[1], "States.Hash", 2);
  const EVP_MD* md = algorithm == "MD5"       ? EVP_md5()
                     : algorithm == "SHA-1"   ? EVP_sha1()
                     : algorithm == "SHA-256" ? EVP_sha256()
                     : algorithm == "SHA-384" ? EVP_sha384()
                     : algorithm == "SHA-512" ? EVP_sha512()
                                              : nullptr;
  if (!md) {
    fail(
        fmt::format("States.Hash: unknown algorithm '{}' (MD5, SHA-1, SHA-256, SHA-384, "
                    "SHA-512)",
                    algorithm));
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &size, md, nullptr) != 1) {
    fail(fmt::format("States.Hash: {} failed", algorithm));
  }
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

}  // namespace flowrun::asl::intrinsic
