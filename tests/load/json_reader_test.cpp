#include "core/load/json_reader.hpp"

#include <doctest/doctest.h>

#include "core/load/load_document.hpp"

using namespace flowrun;

namespace {

// The JSON reader must give the very tree the YAML parser gives for the same text.
void check_same(const Node& json, const Node& yaml, const std::string& where) {
  INFO(where);
  CHECK(static_cast<int>(json.kind) == static_cast<int>(yaml.kind));
  CHECK(json.pos == yaml.pos);
  CHECK(json.span == yaml.span);
  CHECK(json.text == yaml.text);
  CHECK(json.boolean == yaml.boolean);
  CHECK(json.integer == yaml.integer);
  if (!std::isnan(json.number) || !std::isnan(yaml.number)) CHECK(json.number == yaml.number);
  REQUIRE(json.items.size() == yaml.items.size());
  REQUIRE(json.entries.size() == yaml.entries.size());
  for (std::size_t i = 0; i < json.items.size(); ++i) {
    check_same(json.items[i], yaml.items[i], where + "[" + std::to_string(i) + "]");
  }
  for (std::size_t i = 0; i < json.entries.size(); ++i) {
    check_same(json.entries[i].key, yaml.entries[i].key, where + " key " + std::to_string(i));
    check_same(json.entries[i].value, yaml.entries[i].value,
               where + "." + yaml.entries[i].key.text);
  }
}

void compare_readers(const std::string& text) {
  INFO(text);
  Diagnostics from_json;
  Diagnostics from_yaml;
  std::optional<Node> json = read_json("t.json", text, from_json);
  Node yaml = read_yaml("t.json", text, from_yaml);
  REQUIRE(json);
  check_same(*json, yaml, "$");
  CHECK(from_json.items().size() == from_yaml.items().size());
}

}  // namespace

TEST_CASE("the JSON reader builds the tree the YAML reader builds, positions included") {
  compare_readers(R"({"a": 1, "b": -2.5e3, "c": true, "d": false, "e": null, "f": "x"})");
  compare_readers(
      "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", "
      "\"End\": true}\n  }\n}\n");
  compare_readers(R"([1, [2, [3, {"deep": [[], {}]}]], "", 0, -0, 1E2, 12345678901234567890])");
  compare_readers("\t[\r\n  \"tab\\tand \\\"quotes\\\" \\\\ \\/ \\b\\f\\n\\r\",\n  \"\\u00e9\"]");
  compare_readers(R"({"bmp": "\u20ac", "raw": "h)"
                  "\xc3\xa9"
                  R"(llo", "after": 1})");
  compare_readers("{\"long\": \"" + std::string(300, 'x') + "\", \"next\": 1}");
  compare_readers("\xEF\xBB\xBF{\"bom\": 1}");
  compare_readers("  42  ");
  compare_readers(R"("just a string")");
}

TEST_CASE("escaped surrogate pairs are one character (yaml-cpp refused them)") {
  Diagnostics d;
  auto node = read_json("t.json", R"({"emoji": "\ud83d\ude00!"})", d);
  REQUIRE(node);
  CHECK(node->find("emoji")->text == "\xF0\x9F\x98\x80!");
}

TEST_CASE("the JSON reader reports duplicate keys like the YAML reader") {
  Diagnostics d;
  auto node = read_json("t.json", "{\"a\": 1,\n \"a\": 2}", d);
  REQUIRE(node);
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "duplicate-key");
  CHECK(d.items()[0].pos == SourcePos{2, 2});
  CHECK(node->entries.size() == 1);
  CHECK(node->entries[0].value.integer == 1);
}

TEST_CASE("the JSON reader refuses what strict JSON does not allow") {
  for (const char* bad :
       {"",        "   ",       "{",           "[1, 2",         "{\"a\": 1,}",
        "[1, 2,]", "{'a': 1}",  "{a: 1}",      "// c\n{}",      "[01]",
        "[1.]",    "[.5]",      "[+1]",        "[1e]",          "[-]",
        "[tru]",   "[nul]",     "{\"a\" 1}",   "\"tab\there\"", "\"unterminated",
        "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",   "\"\\ud800\\u0041\"",
        "{} {}",   "[1] x",     "NaN",         "[Infinity]"}) {
    INFO(bad);
    Diagnostics d;
    CHECK_FALSE(read_json("t.json", bad, d));
    CHECK(d.items().empty());
  }
}

TEST_CASE("a JSON file with a syntax error gets nlohmann's message and nothing else") {
  Diagnostics d;
  auto doc = parse_document("w.json", "{\"a\": 1,\n \"a\": 2,\n}", d);
  CHECK_FALSE(doc);
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "syntax");
  CHECK(d.items()[0].pos.line == 3);
}

TEST_CASE("JSON nested deeper than the limit is too-deep, one level less is read") {
  LoadLimits limits;
  limits.reader.max_depth = 8;
  Diagnostics ok;
  CHECK(parse_document("w.json", std::string(8, '[') + std::string(8, ']'), ok, limits));
  CHECK_FALSE(ok.has_errors());
  Diagnostics deep;
  CHECK_FALSE(parse_document("w.json", std::string(9, '[') + std::string(9, ']'), deep, limits));
  REQUIRE(deep.items().size() == 1);
  CHECK(deep.items()[0].code == "too-deep");
}
