#include "core/load/yaml_reader.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <istream>
#include <streambuf>

#include "core/load/libyaml_events.hpp"
#include "core/load/tree_builder.hpp"

namespace flowrun {
namespace {

// Reads a string in place: std::istringstream would copy it, a second file-sized buffer.
class TextBuffer : public std::streambuf {
 public:
  explicit TextBuffer(const std::string& text) {
    char* begin = const_cast<char*>(text.data());  // only read: the get area is never written
    setg(begin, begin, begin + text.size());
  }
};

// Lines whose first non-blank characters are `- ` (or a lone `-`): block-sequence items.
std::size_t count_item_lines(const std::string& text) {
  std::size_t count = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t first = text.find_first_not_of(' ', at);
    if (first != std::string::npos && first + 1 < text.size() && text[first] == '-' &&
        (text[first + 1] == ' ' || text[first + 1] == '\n')) {
      ++count;
    }
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return count;
}

}  // namespace

Node read_yaml(const std::string& file, const std::string& text, Diagnostics& diagnostics,
               const ReaderLimits& limits, ItemStream* items) {
  if (items) items->expected = count_item_lines(text);
  {
    Diagnostics found;
    TreeBuilder builder(file, found, limits, items);
    int documents = 0;
    if (send_libyaml_events(text, builder, documents)) {
      for (const Diagnostic& diagnostic : found.items()) diagnostics.add(diagnostic);
      if (documents > 1) {
        diagnostics.warning("multiple-documents", file, {},
                            "the file holds several YAML documents; only the first is read");
      }
      return builder.has_root() ? builder.take_root() : Node{};
    }
  }
  // A syntax error: yaml-cpp reads the text again, for its messages and their positions.
  if (items) {
    items->streamed = false;
    if (items->restart) items->restart();
  }
  TextBuffer buffer(text);
  std::istream stream(&buffer);
  TreeBuilder builder(file, diagnostics, limits, items);
  try {
    YAML::Parser parser(stream);
    parser.HandleNextDocument(builder);
    if (parser.HandleNextDocument(builder)) {
      diagnostics.warning("multiple-documents", file, {},
                          "the file holds several YAML documents; only the first is read");
    }
  } catch (const YAML::DeepRecursion& e) {
    throw ReaderLimitExceeded{"nesting is too deep", to_pos(e.mark)};
  } catch (const YAML::Exception& e) {
    diagnostics.error("syntax", file, to_pos(e.mark), "syntax error: " + e.msg);
    return Node{};
  }
  return builder.has_root() ? builder.take_root() : Node{};
}

}  // namespace flowrun
