#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/load/source.hpp"

namespace flowrun {

/// One node of a loaded YAML or JSON document. Every node keeps the position where it was
/// written so that any later error can point at it. Only core/load builds nodes.
class Node {
 public:
  enum class Kind { Null, Bool, Integer, Float, String, Sequence, Mapping };
  struct Entry;

  Kind kind = Kind::Null;
  SourcePos pos;
  /// Length of the node's text on its line (for the ~~~ under a diagnostic); 1 for collections.
  std::uint32_t span = 1;
  /// The scalar's text as written (decoded); empty for collections.
  std::string text;
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0;
  std::vector<Node> items;     ///< sequence items
  std::vector<Entry> entries;  ///< mapping entries in file order, keys unique

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind != Kind::Sequence && kind != Kind::Mapping; }
  bool is_string() const { return kind == Kind::String; }
  bool is_number() const { return kind == Kind::Integer || kind == Kind::Float; }
  bool is_sequence() const { return kind == Kind::Sequence; }
  bool is_mapping() const { return kind == Kind::Mapping; }

  /// The value under `key` in a mapping, or nullptr (also for non-mappings).
  const Node* find(std::string_view key) const;
  /// The entry whose key is `key`, or nullptr; gives access to the key's position.
  const Entry* find_entry(std::string_view key) const;
};

struct Node::Entry {
  Node key;
  Node value;
};

/// Word used in messages for a node's kind: "a string", "a list", "a mapping" ...
std::string_view describe_kind(Node::Kind kind);

/// The node as JSON data (positions dropped).
nlohmann::json to_json(const Node& node);

}  // namespace flowrun
