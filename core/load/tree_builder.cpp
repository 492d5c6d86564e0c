#include "core/load/tree_builder.hpp"

#include <cmath>
#include <limits>

#include "core/util/regex.hpp"

namespace flowrun {

SourcePos to_pos(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return {static_cast<std::uint32_t>(mark.line + 1), static_cast<std::uint32_t>(mark.column + 1)};
}

namespace {

bool is_one_of(const std::string& value, std::initializer_list<const char*> words) {
  for (const char* word : words) {
    if (value == word) return true;
  }
  return false;
}

bool parse_integer(const std::string& text, std::int64_t& out) {
  static const Regex decimal("[-+]?[0-9]+");
  static const Regex octal("0o[0-7]+");
  static const Regex hex("0x[0-9a-fA-F]+");
  try {
    if (decimal.match_whole(text)) {
      out = std::stoll(text);
    } else if (octal.match_whole(text)) {
      out = std::stoll(text.substr(2), nullptr, 8);
    } else if (hex.match_whole(text)) {
      out = std::stoll(text.substr(2), nullptr, 16);
    } else {
      return false;
    }
  } catch (const std::out_of_range&) {
    return false;  // too big for an integer: read as a float below
  }
  return true;
}

bool parse_float(const std::string& text, double& out) {
  static const Regex number("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (is_one_of(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    out = std::numeric_limits<double>::infinity();
  } else if (is_one_of(text, {"-.inf", "-.Inf", "-.INF"})) {
    out = -std::numeric_limits<double>::infinity();
  } else if (is_one_of(text, {".nan", ".NaN", ".NAN"})) {
    out = std::numeric_limits<double>::quiet_NaN();
  } else if (number.match_whole(text)) {
    out = std::strtod(text.c_str(), nullptr);
  } else {
    return false;
  }
  return true;
}

// Resolves a plain scalar with the YAML 1.2 core schema (so `yes`/`on` stay strings).
void resolve_plain_scalar(Node& node) {
  const std::string& t = node.text;
  // Numbers start with a digit, a sign or a dot: the regexes below are slow, and most plain
  // scalars (ids, commands, state types) are words.
  const char first = t.empty() ? '\0' : t.front();
  const bool may_be_number =
      (first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.';
  if (is_one_of(t, {"", "~", "null", "Null", "NULL"})) {
    node.kind = Node::Kind::Null;
  } else if (is_one_of(t, {"true", "True", "TRUE"})) {
    node.kind = Node::Kind::Bool, node.boolean = true;
  } else if (is_one_of(t, {"false", "False", "FALSE"})) {
    node.kind = Node::Kind::Bool, node.boolean = false;
  } else if (!may_be_number) {
    node.kind = Node::Kind::String;
  } else if (parse_integer(t, node.integer)) {
    node.kind = Node::Kind::Integer, node.number = static_cast<double>(node.integer);
  } else if (parse_float(t, node.number)) {
    node.kind = Node::Kind::Float;
  } else {
    node.kind = Node::Kind::String;
  }
}

std::size_t count_nodes(const Node& node) {
  std::size_t count = 1;
  for (const auto& item : node.items) count += count_nodes(item);
  for (const auto& entry : node.entries) count += 1 + count_nodes(entry.value);
  return count;
}

}  // namespace

void TreeBuilder::OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) {
  Node node;
  node.pos = to_pos(mark);
  finish(std::move(node), anchor);
}

void TreeBuilder::OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) {
  auto it = anchors_.find(anchor);
  if (it == anchors_.end()) {
    Node node;
    node.pos = to_pos(mark);
    finish(std::move(node), 0);
    return;
  }
  count(it->second.second, mark);
  Node copy = it->second.first;
  copy.pos = to_pos(mark);
  finish(std::move(copy), 0);
}

void TreeBuilder::OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                           const std::string& value) {
  count(1, mark);
  Node node;
  node.pos = to_pos(mark);
  node.text = value;
  bool quoted = tag == "!";
  node.span =
      static_cast<std::uint32_t>(std::min<std::size_t>(value.size(), 200)) + (quoted ? 2 : 0);
  if (tag == "?" || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
      tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null") {
    resolve_plain_scalar(node);
  } else {
    node.kind = Node::Kind::String;
  }
  finish(std::move(node), anchor);
}

void TreeBuilder::count(std::size_t nodes, const YAML::Mark& mark) {
  total_nodes_ += nodes;
  if (total_nodes_ > limits_.max_nodes) {
    throw ReaderLimitExceeded{"the document expands to more than " +
                                  std::to_string(limits_.max_nodes) + " nodes (an alias bomb?)",
                              to_pos(mark)};
  }
}

void TreeBuilder::open(Node::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
  count(1, mark);
  if (stack_.size() >= limits_.max_depth) {
    throw ReaderLimitExceeded{
        "nesting is deeper than " + std::to_string(limits_.max_depth) + " levels", to_pos(mark)};
  }
  Frame frame;
  frame.node.kind = kind;
  frame.node.pos = to_pos(mark);
  frame.anchor = anchor;
  // An anchored sequence stays whole: an alias may copy it.
  frame.streams = kind == Node::Kind::Sequence && anchor == 0 && is_streamed_key();
  if (frame.streams) stream_->streamed = true;
  stack_.push_back(std::move(frame));
}

// Whether a collection opened now is the value of the stream's key in the top-level mapping.
bool TreeBuilder::is_streamed_key() const {
  if (!stream_ || stream_->streamed || stack_.size() != 1) return false;
  const Frame& top = stack_.front();
  return top.node.kind == Node::Kind::Mapping && top.has_pending_key &&
         top.pending_key.kind == Node::Kind::String && top.pending_key.text == stream_->key &&
         !top.seen_keys.count(stream_->key);
}

void TreeBuilder::close() {
  Frame frame = std::move(stack_.back());
  stack_.pop_back();
  finish(std::move(frame.node), frame.anchor);
}

void TreeBuilder::remember_anchor(const Node& node, YAML::anchor_t anchor) {
  if (anchor != 0) anchors_[anchor] = {node, count_nodes(node)};
}

void TreeBuilder::finish(Node node, YAML::anchor_t anchor) {
  remember_anchor(node, anchor);
  if (stack_.empty()) {
    if (!has_root_) root_ = std::move(node);
    has_root_ = true;
    return;
  }
  Frame& parent = stack_.back();
  if (parent.streams) {
    stream_->take(std::move(node));
  } else if (parent.node.kind == Node::Kind::Sequence) {
    parent.node.items.push_back(std::move(node));
  } else if (!parent.has_pending_key) {
    parent.pending_key = std::move(node);
    parent.has_pending_key = true;
  } else {
    parent.has_pending_key = false;
    add_entry(parent, std::move(parent.pending_key), std::move(node));
  }
}

void TreeBuilder::add_entry(Frame& frame, Node key, Node value) {
  if (key.kind == Node::Kind::String && key.text == "<<" && key.span == 2) {
    merge(frame, value);
    return;
  }
  if (!key.is_scalar()) {
    diagnostics_.error("complex-key", file_, key.pos, "mapping keys must be plain scalars");
    return;
  }
  auto [it, inserted] = frame.seen_keys.emplace(key.text, key.pos);
  if (!inserted) {
    diagnostics_
        .error("duplicate-key", file_, key.pos, "duplicate key '" + key.text + "'", key.span)
        .note("first defined here", it->second);
    return;
  }
  frame.node.entries.push_back({std::move(key), std::move(value)});
}

// YAML merge keys (`<<: *defaults`): keys already present win.
void TreeBuilder::merge(Frame& frame, const Node& value) {
  if (value.is_sequence()) {
    for (const auto& item : value.items) merge(frame, item);
    return;
  }
  if (!value.is_mapping()) {
    diagnostics_.error("bad-merge", file_, value.pos, "a merge key '<<' needs a mapping");
    return;
  }
  for (const auto& entry : value.entries) {
    if (frame.seen_keys.emplace(entry.key.text, entry.key.pos).second) {
      frame.node.entries.push_back(entry);
    }
  }
}

}  // namespace flowrun
