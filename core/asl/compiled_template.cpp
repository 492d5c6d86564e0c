#include "core/asl/compiled_template.hpp"

#include <fmt/format.h>

#include <optional>

#include "core/asl/intrinsics.hpp"
#include "core/asl/jsonpath.hpp"

namespace flowrun::asl {

using nlohmann::json;

namespace {

constexpr const char* kRuntime = "States.Runtime";
constexpr const char* kParameterPathFailure = "States.ParameterPathFailure";
// Deeper templates are refused when evaluated (the walk that evaluates them recurses).
constexpr int kMaxDepth = 512;

bool is_path_key(const std::string& key) {
  return key.size() >= 2 && key.compare(key.size() - 2, 2, ".$") == 0;
}

}  // namespace

CompiledExpression::CompiledExpression(std::string_view text) : text_(text) {
  // What fails to parse stays text: evaluate_expression then raises the error it always did.
  try {
    if (!text.empty() && text.front() == '$') {
      path_ = compile_path(text);
    } else if (is_intrinsic_call(text)) {
      call_ = compile_intrinsic(text);
    }
  } catch (const PathSyntaxError&) {
  } catch (const IntrinsicSyntaxError&) {
  }
}

json CompiledExpression::evaluate(const json& input, const ContextObject& context,
                                  std::string_view error_name) const {
  if (path_) return select_parsed_path(input, *path_, context, error_name);
  if (call_) return evaluate_intrinsic(*call_, input, context);
  return evaluate_expression(text_, input, context, error_name);
}

bool CompiledExpression::reads_context() const {
  if (path_) return path_->is_context();
  if (call_) return asl::reads_context(*call_);
  return false;
}

/// One value of a template. Object fields that hold no `.$` anywhere below them are merged
/// into the object's `constant` part; the others are evaluated on each visit, in key order
/// (the order the walk over the JSON evaluated them in, so the first failure is the same).
struct CompiledTemplate::Node {
  enum class Kind { Constant, Object, Array, Expression, Failure };
  Kind kind = Kind::Constant;
  std::string name;            ///< an object field's output key (`.$` dropped)
  json constant;               ///< Constant: the value; Object: the constant fields
  std::vector<Node> children;  ///< Object: the computed fields; Array: every item
  std::optional<CompiledExpression> expression;  ///< Expression
  std::string error;                             ///< Failure: the error evaluation raises ...
  std::string cause;                             ///< ... and its cause
};

namespace {

using Node = CompiledTemplate::Node;

Node failure_node(std::string error, std::string cause) {
  Node node;
  node.kind = Node::Kind::Failure;
  node.error = std::move(error);
  node.cause = std::move(cause);
  return node;
}

Node compile_value(const json& value, int depth, bool& reads_context);

Node compile_field(const std::string& key, const json& value, int depth, bool& reads_context) {
  Node node;
  if (!is_path_key(key)) {
    node = compile_value(value, depth + 1, reads_context);
    node.name = key;
    return node;
  }
  if (!value.is_string()) {
    node = failure_node(kParameterPathFailure,
                        fmt::format("the value of '{}' must be a path or an intrinsic function "
                                    "in a string",
                                    key));
  } else {
    node.kind = Node::Kind::Expression;
    node.expression.emplace(value.get_ref<const std::string&>());
    reads_context = reads_context || node.expression->reads_context();
  }
  node.name = key.substr(0, key.size() - 2);
  return node;
}

Node compile_value(const json& value, int depth, bool& reads_context) {
  if (depth > kMaxDepth) return failure_node(kRuntime, "the payload template is nested too deeply");
  Node node;
  if (value.is_object()) {
    node.constant = json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      Node field = compile_field(it.key(), *it, depth, reads_context);
      if (field.kind == Node::Kind::Constant) {
        node.constant[field.name] = std::move(field.constant);
      } else {
        node.children.push_back(std::move(field));
      }
    }
    node.kind = node.children.empty() ? Node::Kind::Constant : Node::Kind::Object;
  } else if (value.is_array()) {
    bool constant = true;
    for (const json& item : value) {
      node.children.push_back(compile_value(item, depth + 1, reads_context));
      constant = constant && node.children.back().kind == Node::Kind::Constant;
    }
    if (constant) {
      node.children.clear();
      node.constant = value;
    } else {
      node.kind = Node::Kind::Array;
    }
  } else {
    node.constant = value;
  }
  return node;
}

json evaluate_node(const Node& node, const json& input, const ContextObject& context) {
  switch (node.kind) {
    case Node::Kind::Constant:
      return node.constant;
    case Node::Kind::Object: {
      // A computed field replaces a constant one of the same output key ("a" and "a.$"),
      // as in the walk, where "a.$" came after "a".
      json out = node.constant;
      for (const Node& field : node.children) {
        out[field.name] = evaluate_node(field, input, context);
      }
      return out;
    }
    case Node::Kind::Array: {
      json out = json::array();
      out.get_ref<json::array_t&>().reserve(node.children.size());
      for (const Node& item : node.children) out.push_back(evaluate_node(item, input, context));
      return out;
    }
    case Node::Kind::Expression:
      return node.expression->evaluate(input, context, kParameterPathFailure);
    case Node::Kind::Failure:
      break;
  }
  throw AslError(node.error, node.cause);
}

}  // namespace

CompiledTemplate::CompiledTemplate(const json& payload_template) {
  bool reads = false;
  root_ = std::make_unique<const Node>(compile_value(payload_template, 0, reads));
  reads_context_ = reads;
}

CompiledTemplate::~CompiledTemplate() = default;
CompiledTemplate::CompiledTemplate(CompiledTemplate&&) noexcept = default;
CompiledTemplate& CompiledTemplate::operator=(CompiledTemplate&&) noexcept = default;

json CompiledTemplate::evaluate(const json& input, const ContextObject& context) const {
  return evaluate_node(*root_, input, context);
}

}  // namespace flowrun::asl
