#include "core/util/gzip.hpp"

#include <fmt/format.h>
#include <zlib.h>

namespace flowrun {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

// Frees the zlib stream however the decompression ends.
class Inflater {
 public:
  Inflater() {
    // 16 + MAX_WBITS: a gzip header and trailer around the deflate data.
    ok_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK;
  }
  ~Inflater() {
    if (ok_) inflateEnd(&stream_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  bool ok() const { return ok_; }
  z_stream& stream() { return stream_; }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

}  // namespace

bool is_gzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

Gunzipped gunzip(std::string_view data, std::size_t max_bytes) {
  Gunzipped out;
  Inflater inflater;
  if (!inflater.ok()) return {"", "zlib could not start decompressing"};
  z_stream& stream = inflater.stream();
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  char buffer[kChunk];
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = kChunk;
    int status = inflate(&stream, Z_NO_FLUSH);
    out.data.append(buffer, kChunk - stream.avail_out);
    if (out.data.size() > max_bytes) {
      return {"", fmt::format("it decompresses to more than {} MiB", max_bytes >> 20)};
    }
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0) return out;
      inflateReset(&stream);  // another gzip member follows
      continue;
    }
    if (status == Z_BUF_ERROR && stream.avail_in == 0) {
      return {"", "the gzip data is truncated"};
    }
    if (status != Z_OK) {
      return {"", fmt::format("the gzip data is corrupt ({})",
                              stream.msg ? stream.msg : "zlib error " + std::to_string(status))};
    }
  }
}

}  // namespace flowrun
