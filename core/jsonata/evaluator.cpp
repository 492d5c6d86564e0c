#include "core/jsonata/evaluator.hpp"

#include "core/jsonata/errors.hpp"
#include "core/jsonata/sequence_ops.hpp"

namespace flowrun::jsonata {
namespace {

// Deep recursion in a lambda must end in an error, not a stack overflow: limit the nesting
// of evaluate() calls and the stack they use (sanitizer builds have much larger frames).
constexpr int kMaxDepth = 2000;
constexpr std::ptrdiff_t kMaxStackBytes = 3 * 1024 * 1024;
constexpr std::uint32_t kGuardsPerClockRead = 4096;

}  // namespace

DepthGuard::DepthGuard(Evaluator& evaluator, std::size_t position) : evaluator_(evaluator) {
  char marker = 0;
  if (evaluator.stack_base_ == nullptr) evaluator.stack_base_ = &marker;
  ++evaluator.depth_;
  std::ptrdiff_t used = evaluator.stack_base_ - &marker;
  if (evaluator.depth_ > kMaxDepth || used > kMaxStackBytes || used < -kMaxStackBytes) {
    --evaluator.depth_;
    throw_error("U1001", position);
  }
  // Tail calls do not nest, so a tail-recursive loop is stopped by time (jsonata-js's own
  // test harness does the same, with the same code and message).
  if (++evaluator.guards_ % kGuardsPerClockRead == 0 &&
      std::chrono::steady_clock::now() > evaluator.deadline_) {
    --evaluator.depth_;
    throw Error("U1001", position, "Expression evaluation timeout: Check for infinite loop");
  }
}

Evaluator::Evaluator(const Environment& environment, std::chrono::steady_clock::time_point deadline)
    : environment_(environment), now_(std::chrono::system_clock::now()), deadline_(deadline) {}

Evaluator::~Evaluator() {
  // No function outlives the evaluation (results are plain JSON), so the cycles through
  // captured frames can be cut here.
  for (const std::shared_ptr<Function>& closure : closures_) {
    closure->frame.reset();
    closure->input = Value();
  }
}

Value Evaluator::keep_closure(std::shared_ptr<Function> closure) {
  closures_.push_back(closure);
  return Value::function(std::move(closure));
}

std::mt19937_64& Evaluator::random() {
  if (!random_) random_.emplace(std::random_device{}());
  return *random_;
}

Value Evaluator::evaluate(const Node& node, const Value& input, const FramePtr& frame) {
  DepthGuard guard(*this, node.position);
  Value result = evaluate_node(node, input, frame);
  for (const Stage& predicate : node.predicates) {
    result = evaluate_filter(*predicate.filter, result, frame);
  }
  if (node.type != NodeType::Path && node.group) {
    result = evaluate_group(node.group->pairs, node.group->position, group_items(result), frame);
  }
  if (result.is_sequence() && result.sequence().is_sequence) {
    if (node.keep_array) result.sequence().keep_singleton = true;
    result = normalize(std::move(result));
  }
  return result;
}

Value Evaluator::evaluate_node(const Node& node, const Value& input, const FramePtr& frame) {
  switch (node.type) {
    case NodeType::Path:
      return evaluate_path(node, input, frame);
    case NodeType::Binary:
      return evaluate_binary(node, input, frame);
    case NodeType::Negate:
      return evaluate_negate(node, input, frame);
    case NodeType::ArrayConstructor:
      return evaluate_array(node, input, frame);
    case NodeType::ObjectConstructor:
      return evaluate_group(node.pairs, node.position, group_items(input), frame);
    case NodeType::Name:
      return lookup_field(input, node.value);
    case NodeType::String:
    case NodeType::Value:
    case NodeType::Number:  // stored as JSONata's number: an integral value as an integer
      return Value::borrow(node.literal);
    case NodeType::Wildcard:
      return evaluate_wildcard(input);
    case NodeType::Descendant:
      return evaluate_descendants(input);
    case NodeType::Condition:
      return evaluate_condition(node, input, frame);
    case NodeType::Block:
      return evaluate_block(node, input, frame);
    case NodeType::Bind: {
      Value value = evaluate(*node.lhs, input, frame);
      frame->bind(node.value, value);
      return value;
    }
    case NodeType::Regex: {
      auto function = std::make_shared<Function>(Function::Kind::Regex);
      function->regex = node.regex;
      return Value::function(std::move(function));
    }
    case NodeType::Function:
      if (node.thunk) {
        auto thunk = std::make_shared<Function>(Function::Kind::Thunk);
        thunk->node = &node;
        thunk->input = input;
        thunk->frame = frame;
        return Value::function(std::move(thunk));
      }
      return evaluate_function(node, input, frame, nullptr);
    case NodeType::Partial:
      return evaluate_partial(node, input, frame);
    case NodeType::Variable:
      if (node.value.empty()) {
        if (input.is_sequence() && input.sequence().outer_wrapper &&
            !input.sequence().items.empty()) {
          return input.sequence().items[0];
        }
        return input;
      }
      return lookup_variable(node.value, frame);
    case NodeType::Lambda:
      return evaluate_lambda(node, input, frame);
    case NodeType::Apply:
      return evaluate_apply(node, input, frame);
    case NodeType::Transform:
      return evaluate_transform(node, frame);
    case NodeType::Parent:
      return lookup_variable(node.slot->label, frame);
    default:
      throw_error("S0206", node.position, {.token = node.value});
  }
}

Value Evaluator::lookup_variable(std::string_view name, const FramePtr& frame) const {
  if (const Value* bound = frame->lookup(name)) return *bound;
  if (const nlohmann::json* value = environment_.lookup(name)) return Value::borrow(*value);
  if (const Value* builtin = find_builtin(name)) return *builtin;
  return Value();
}

Value Evaluator::evaluate_condition(const Node& node, const Value& input, const FramePtr& frame) {
  Value condition = evaluate(*node.lhs, input, frame);
  if (node.value == "??") {
    return condition.is_undefined() ? evaluate(*node.third, input, frame) : condition;
  }
  if (node.value == "?:") {
    return to_boolean(condition).value_or(false) ? condition : evaluate(*node.third, input, frame);
  }
  if (to_boolean(condition).value_or(false)) return evaluate(*node.rhs, input, frame);
  if (node.third) return evaluate(*node.third, input, frame);
  return Value();
}

Value Evaluator::evaluate_block(const Node& node, const Value& input, const FramePtr& frame) {
  // A block is a scope: its `:=` bindings end with it.
  auto scope = std::make_shared<Frame>(frame);
  Value result;
  for (const NodePtr& item : node.items) result = evaluate(*item, input, scope);
  return result;
}

}  // namespace flowrun::jsonata
