#include "core/util/json_text.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

using flowrun::append_compact_json;
using flowrun::compact_json;
using nlohmann::json;

namespace {

std::string nlohmann_text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

void check_same_as_nlohmann(const json& value) {
  const std::string expected = nlohmann_text(value);
  CAPTURE(expected);
  CHECK(compact_json(value) == expected);
}

// Two strings in three are ASCII (the fast path), with many bytes that need escaping; the
// third may hold any byte, valid UTF-8 or not.
std::string random_bytes(std::mt19937& random) {
  const bool any_byte = random() % 3 == 0;
  std::string text(random() % 12, '\0');
  for (char& c : text) {
    switch (random() % 4) {
      case 0:
        c = "\x01\x1f\"\\\n\t\x7f\x00"[random() % 8];
        break;
      case 1:
        c = static_cast<char>(random() % (any_byte ? 256 : 128));
        break;
      default:
        c = static_cast<char>('a' + random() % 26);
    }
  }
  return text;
}

json random_scalar(std::mt19937_64& wide, std::mt19937& random) {
  switch (random() % 8) {
    case 0:
      return nullptr;
    case 1:
      return random() % 2 == 0;
    case 2:
      return static_cast<std::int64_t>(wide());
    case 3:
      return static_cast<std::uint64_t>(wide());
    case 4:
      return std::ldexp(static_cast<double>(static_cast<std::int64_t>(wide())),
                        static_cast<int>(random() % 200) - 100);
    case 5:
      return json::binary({static_cast<std::uint8_t>(random()), 0, 255});
    default:
      return random_bytes(random);
  }
}

json random_value(std::mt19937_64& wide, std::mt19937& random, int depth) {
  const unsigned kind = depth >= 4 ? 2 : random() % 3;
  if (kind == 2) return random_scalar(wide, random);
  const std::size_t size = random() % 5;
  json value = kind == 0 ? json::array() : json::object();
  for (std::size_t i = 0; i < size; ++i) {
    if (kind == 0) {
      value.push_back(random_value(wide, random, depth + 1));
    } else {
      value[random_bytes(random)] = random_value(wide, random, depth + 1);
    }
  }
  return value;
}

}  // namespace

TEST_CASE("every control byte, DEL, quote and backslash is escaped as nlohmann escapes it") {
  for (int byte = 0; byte < 0x80; ++byte) {
    CAPTURE(byte);
    const std::string text = "a" + std::string(1, static_cast<char>(byte)) + "b";
    check_same_as_nlohmann(text);
    check_same_as_nlohmann(json{{text, text}});
  }
  CHECK(compact_json("\x1f\x7f") == "\"\\u001f\x7f\"");
  CHECK(compact_json(std::string("\0\b", 2)) == "\"\\u0000\\b\"");
}

TEST_CASE("empty and nested containers are written without spaces") {
  check_same_as_nlohmann(json::object());
  check_same_as_nlohmann(json::array());
  check_same_as_nlohmann("");
  check_same_as_nlohmann(json{{"", json::object()}});
  const json nested = json::parse(R"({"b":[true,null,{"c":[[],{}]}],"a":1,"z":{"y":"x"}})");
  check_same_as_nlohmann(nested);
  CHECK(compact_json(nested) == R"({"a":1,"b":[true,null,{"c":[[],{}]}],"z":{"y":"x"}})");
}

TEST_CASE("integers at the ends of their ranges are written in full") {
  check_same_as_nlohmann(std::numeric_limits<std::int64_t>::min());
  check_same_as_nlohmann(std::numeric_limits<std::int64_t>::max());
  check_same_as_nlohmann(std::numeric_limits<std::uint64_t>::max());
  check_same_as_nlohmann(0);
  check_same_as_nlohmann(-1);
}

TEST_CASE("floats, binary values and discarded values are written by nlohmann") {
  for (double number :
       {-0.0, 0.0, 1.5, 1e300, -1e-300, 0.1, 3.0, 1e16, std::numeric_limits<double>::quiet_NaN(),
        std::numeric_limits<double>::infinity()}) {
    CAPTURE(number);
    check_same_as_nlohmann(number);
    check_same_as_nlohmann(json{{"n", json::array({number})}});
  }
  check_same_as_nlohmann(json::binary({1, 2, 3}, 7));
  check_same_as_nlohmann(json(json::value_t::discarded));
}

TEST_CASE("non-ASCII strings and keys keep nlohmann's UTF-8 handling") {
  SUBCASE("valid multi-byte UTF-8 is written as it is") {
    const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \"\n";
    check_same_as_nlohmann(text);
    check_same_as_nlohmann(json{{text, json::array({text, 1})}});
    CHECK(compact_json(text) == "\"" + text.substr(0, text.size() - 2) + "\\\"\\n\"");
  }
  SUBCASE("invalid UTF-8 is replaced with U+FFFD") {
    for (const std::string text : {"\xff", "a\xc3", "\xc3(x\n", "\xed\xa0\x80", "\xe2\x82"}) {
      CAPTURE(text);
      check_same_as_nlohmann(text);
      check_same_as_nlohmann(json{{text, text}, {"k", "\x01"}});
    }
  }
}

TEST_CASE("append_compact_json appends to what the string holds") {
  std::string out = "{\"output\":";
  append_compact_json(out, json{{"a", "\t"}});
  CHECK(out == "{\"output\":{\"a\":\"\\t\"}");
}

TEST_CASE("random nested values are written exactly as nlohmann writes them") {
  std::mt19937_64 wide(20261126);
  std::mt19937 random(42);
  for (int round = 0; round < 4000; ++round) {
    const json value = random_value(wide, random, 0);
    const std::string expected = nlohmann_text(value);
    const std::string written = compact_json(value);
    if (written != expected) {
      CAPTURE(round);
      CAPTURE(expected);
      CHECK(written == expected);
      break;
    }
  }
}
