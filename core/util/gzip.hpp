#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// gzip (RFC 1952) data, e.g. the data files of an S3 Inventory, decompressed with zlib.

namespace flowrun {

/// True when `data` starts with the gzip magic bytes (1f 8b).
bool is_gzip(std::string_view data);

/// What gunzip gives: the decompressed bytes, or a sentence saying why they could not be had.
struct Gunzipped {
  std::string data;
  std::string error;  ///< empty on success
};

/// Decompresses every gzip member of `data` (members written one after another read as one
/// stream, as gzip -d does). Fails, with `error` set, on corrupt or truncated data and when
/// the output would pass `max_bytes`.
Gunzipped gunzip(std::string_view data, std::size_t max_bytes);

}  // namespace flowrun
