#include "core/util/chunked_vector.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace flowrun::test {

TEST_CASE("chunked vector: elements keep their place while it grows") {
  ChunkedVector<std::string, 4> items;
  CHECK(items.empty());
  std::string& first = items.emplace_back("zero");
  const std::string* where = &first;
  for (int i = 1; i < 10; ++i) items.push_back(std::to_string(i));
  CHECK(items.size() == 10);
  CHECK(&items[0] == where);  // never moved, across three chunks
  CHECK(items[0] == "zero");
  CHECK(items[4] == "4");
  CHECK(items.back() == "9");
  items.emplace_back() = "ten";
  CHECK(items[10] == "ten");

  std::vector<std::string> seen;
  for (const std::string& item : items) seen.push_back(item);
  CHECK(seen.size() == 11);
  CHECK(seen.front() == "zero");
  CHECK(seen.back() == "ten");
}

TEST_CASE("chunked vector: copies and assignment from a std::vector are deep") {
  std::vector<std::string> source = {"a", "b", "c", "d", "e"};
  ChunkedVector<std::string, 2> items(source);
  REQUIRE(items.size() == 5);
  CHECK(std::vector<std::string>(items.begin(), items.end()) == source);
  ChunkedVector<std::string, 2> copy = items;
  copy[0] = "changed";
  CHECK(items[0] == "a");
  items.assign(source.begin(), source.begin() + 2);
  CHECK(items.size() == 2);
  CHECK(items.back() == "b");
  items.clear();
  CHECK(items.empty());
  items.emplace_back();  // a fresh chunk: a default element
  CHECK(items[0].empty());
}

}  // namespace flowrun::test
