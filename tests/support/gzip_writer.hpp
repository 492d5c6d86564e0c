#pragma once

#include <zlib.h>

#include <stdexcept>
#include <string>
#include <string_view>

// Compresses test data to gzip with zlib, so tests need no gzip program.

namespace flowrun::test {

/// `data` as one gzip member (RFC 1952).
inline std::string gzip_compress(std::string_view data) {
  z_stream stream{};
  // 16 + MAX_WBITS: write a gzip header and trailer; memory level 8 is zlib's default.
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (status != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
  return out;
}

}  // namespace flowrun::test
