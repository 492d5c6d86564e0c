#include "core/asl/json_release.hpp"

#include <doctest/doctest.h>

namespace flowrun::test {

using nlohmann::json;

TEST_CASE("replace_json: flat and nested values are replaced whole") {
  json flat = {{"i", 1}, {"s", "text"}};
  asl::replace_json(flat, json{{"i", 2}});
  CHECK(flat == json{{"i", 2}});

  json nested = {{"a", {{"b", {1, 2, {{"c", nullptr}}}}}}, {"d", 3}};
  const json before = nested;
  json kept = nested["a"];
  asl::replace_json(nested, json::array({1, 2}));
  CHECK(nested == json::array({1, 2}));
  CHECK(kept == before["a"]);

  json array = json::array({1, "two", nullptr, true});
  asl::replace_json(array, json("scalar"));
  CHECK(array == json("scalar"));

  json scalar = 5;
  asl::replace_json(scalar, json::object());
  CHECK(scalar == json::object());
}

TEST_CASE("replace_json: a deeply nested value is freed without deep recursion") {
  json deep = json::array();
  json* at = &deep;
  for (int i = 0; i < 200000; ++i) {
    at->push_back(json::array());
    at = &(*at)[0];
  }
  asl::replace_json(deep, json(1));
  CHECK(deep == json(1));
}

}  // namespace flowrun::test
