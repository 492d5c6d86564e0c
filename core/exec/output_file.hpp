#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flowrun {

/// `key=value` pairs a step wrote to $FLOWRUN_OUTPUT, in the order written.
using StepOutputs = std::vector<std::pair<std::string, std::string>>;

/// Outputs as read, and the first problem found ("" when none).
struct OutputsRead {
  StepOutputs outputs;
  std::string error;
};

/// Most output a step may produce: 1 MiB, per attempt.
constexpr std::size_t kMaxOutputBytes = 1 << 20;

/// Parses the text of a $FLOWRUN_OUTPUT file: `key=value` lines and `key<<DELIM` ... `DELIM`
/// blocks (GitHub Actions' format). Blank lines are ignored; a later key replaces an earlier
/// one. A line that is neither, an empty key or a block without its delimiter is an error
/// naming the line; the lines after it are still read.
OutputsRead parse_outputs(std::string_view text);

/// parse_outputs without the error.
StepOutputs parse_output_text(std::string_view text);

/// Reads and parses the output file at `path` (no file: no outputs); a file larger than
/// `limit` bytes is an error.
OutputsRead read_outputs(const char* path, std::size_t limit = kMaxOutputBytes);

/// read_outputs without the error.
StepOutputs read_output_file(const char* path);

/// Takes a step's stdout as a JSON object (`outputs: json`): string members are kept as they
/// are, other members become their JSON text. Anything else, or more than `limit` bytes, is
/// an error.
OutputsRead parse_json_outputs(std::string_view text, std::size_t limit = kMaxOutputBytes);

/// The whole content of a file, at most `limit` + 1 bytes; "" when it cannot be read.
std::string read_file_prefix(const char* path, std::size_t limit);

/// Appends `flowrun: <text>` as one line to the log at `path` (created 0600): what flowrun
/// itself says in a step's log (a cause, a check, a hook). Failures are ignored: the log is
/// a record, never a reason to stop.
void append_log_line(const std::string& path, const std::string& text);

}  // namespace flowrun
