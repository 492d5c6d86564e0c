#pragma once

#include <yaml-cpp/emitterstyle.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>

#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/load/node.hpp"
#include "core/load/yaml_reader.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

SourcePos to_pos(const YAML::Mark& mark);

/// Builds the positioned Node tree from parser events: duplicate keys, merge keys, anchors,
/// the reader's limits and the ItemStream are handled here once, for the YAML parser and for
/// the JSON reader (which sends the events the YAML parser would send for the same text).
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const std::string& file, Diagnostics& diagnostics, const ReaderLimits& limits,
              ItemStream* stream)
      : file_(file), diagnostics_(diagnostics), limits_(limits), stream_(stream) {}

  bool has_root() const { return has_root_; }
  Node take_root() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  /// `tag` "!" marks a quoted scalar (always a string), "?" a plain one (resolved with the
  /// YAML 1.2 core schema).
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override;
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Node::Kind::Sequence, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Node::Kind::Mapping, mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor = 0;
    bool has_pending_key = false;
    bool streams = false;  // a sequence whose items go to the ItemStream
    Node pending_key;
    std::unordered_map<std::string, SourcePos> seen_keys;
  };

  void count(std::size_t nodes, const YAML::Mark& mark);
  void open(Node::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor);
  bool is_streamed_key() const;
  void close();
  void remember_anchor(const Node& node, YAML::anchor_t anchor);
  void finish(Node node, YAML::anchor_t anchor);
  void add_entry(Frame& frame, Node key, Node value);
  void merge(Frame& frame, const Node& value);

  const std::string& file_;
  Diagnostics& diagnostics_;
  const ReaderLimits& limits_;
  ItemStream* stream_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, std::pair<Node, std::size_t>> anchors_;
  std::size_t total_nodes_ = 0;
  Node root_;
  bool has_root_ = false;
};

}  // namespace flowrun
