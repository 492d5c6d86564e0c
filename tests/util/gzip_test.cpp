#include "core/util/gzip.hpp"

#include <doctest/doctest.h>

#include <string>

#include "support/gzip_writer.hpp"

using namespace flowrun;

namespace {

// Inventory rows, long enough that deflate has something to compress.
std::string inventory_rows(int count) {
  std::string rows;
  for (int i = 0; i < count; ++i)
    rows += "\"bucket\",\"in/object-" + std::to_string(i) + ".csv\"\n";
  return rows;
}

}  // namespace

TEST_CASE("gzip data made by zlib decompresses to what was compressed") {
  const std::string rows = inventory_rows(2000);
  const std::string compressed = test::gzip_compress(rows);
  CHECK(is_gzip(compressed));
  CHECK(compressed.size() < rows.size() / 4);
  Gunzipped out = gunzip(compressed, 1 << 20);
  CHECK(out.error == "");
  CHECK(out.data == rows);
}

TEST_CASE("gzip members written one after another decompress as one stream") {
  Gunzipped out = gunzip(test::gzip_compress("a,b\n") + test::gzip_compress("c,d\n"), 1024);
  CHECK(out.error == "");
  CHECK(out.data == "a,b\nc,d\n");
  CHECK(gunzip(test::gzip_compress(""), 16).data == "");
}

TEST_CASE("plain text is not gzip, and corrupt, truncated or too large data fails with a reason") {
  CHECK_FALSE(is_gzip("\"bucket\",\"key\"\n"));
  CHECK_FALSE(is_gzip("\x1f"));
  const std::string compressed = test::gzip_compress(inventory_rows(50));
  CHECK(gunzip(compressed.substr(0, compressed.size() / 2), 1 << 20).error ==
        "the gzip data is truncated");
  std::string corrupt = compressed;
  corrupt[12] = static_cast<char>(corrupt[12] ^ 0x55);
  corrupt[13] = static_cast<char>(corrupt[13] ^ 0x55);
  CHECK(gunzip(corrupt, 1 << 20).error.rfind("the gzip data is corrupt (", 0) == 0);
  CHECK(gunzip(test::gzip_compress(std::string(2 << 20, 'x')), 1 << 20).error ==
        "it decompresses to more than 1 MiB");
}
