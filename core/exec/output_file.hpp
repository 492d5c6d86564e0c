#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flowrun {

/// `key=value` pairs a step wrote to $FLOWRUN_OUTPUT, in the order written.
using StepOutputs = std::vector<std::pair<std::string, std::string>>;

/// Parses the text of a $FLOWRUN_OUTPUT file: `key=value` lines and `key<<DELIM` ... `DELIM`
/// blocks (GitHub Actions' format). Blank lines and lines without `=` are ignored; a later
/// key replaces an earlier one.
StepOutputs parse_output_text(std::string_view text);

/// Reads and parses the output file at `path`; empty when it does not exist.
StepOutputs read_output_file(const char* path);

}  // namespace flowrun
