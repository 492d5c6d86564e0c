#include "core/load/node.hpp"

namespace flowrun {

const Node::Entry* Node::find_entry(std::string_view key) const {
  for (const auto& entry : entries) {
    if (entry.key.text == key) return &entry;
  }
  return nullptr;
}

const Node* Node::find(std::string_view key) const {
  const Entry* entry = find_entry(key);
  return entry ? &entry->value : nullptr;
}

std::string_view describe_kind(Node::Kind kind) {
  switch (kind) {
    case Node::Kind::Null: return "null";
    case Node::Kind::Bool: return "a boolean";
    case Node::Kind::Integer: return "an integer";
    case Node::Kind::Float: return "a number";
    case Node::Kind::String: return "a string";
    case Node::Kind::Sequence: return "a list";
    case Node::Kind::Mapping: return "a mapping";
  }
  return "a value";
}

nlohmann::json to_json(const Node& node) {
  switch (node.kind) {
    case Node::Kind::Null: return nullptr;
    case Node::Kind::Bool: return node.boolean;
    case Node::Kind::Integer: return node.integer;
    case Node::Kind::Float: return node.number;
    case Node::Kind::String: return node.text;
    case Node::Kind::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& item : node.items) array.push_back(to_json(item));
      return array;
    }
    case Node::Kind::Mapping: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& entry : node.entries) object[entry.key.text] = to_json(entry.value);
      return object;
    }
  }
  return nullptr;
}

}  // namespace flowrun
