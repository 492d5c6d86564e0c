#pragma once

#include <cstdio>
#include <string>

namespace flowrun::cli {

/// True when colours may be used on `stream`: a TTY, NO_COLOR unset, TERM not "dumb".
bool use_colour(std::FILE* stream);

/// Writes `text` to a stream as is (no formatting).
void write(std::FILE* stream, const std::string& text);

/// Prints `flowrun: error: MESSAGE` on stderr.
void print_error(const std::string& message);

}  // namespace flowrun::cli
