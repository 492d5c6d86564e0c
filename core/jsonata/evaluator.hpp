#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

#include "core/jsonata/function.hpp"
#include "core/jsonata/jsonata.hpp"

// Evaluation of the expression tree, after jsonata-js's evaluate(): one Evaluator per
// Expression::evaluate call, holding the things that call shares (the environment, the
// timestamp $now() reports, the depth guard).

namespace flowrun::jsonata {

class Evaluator {
 public:
  /// Evaluation past `deadline` fails with U1001.
  Evaluator(const Environment& environment, std::chrono::steady_clock::time_point deadline);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  Value evaluate(const Node& node, const Value& input, const FramePtr& frame);

  /// Calls `function` with `args`; `input` is the context for `-` signature parameters.
  Value apply(const Value& function, std::vector<Value> args, const Value& input,
              std::size_t position, std::string_view name = {});

  /// `$name`: a frame binding, else the environment, else a built-in, else undefined.
  Value lookup_variable(std::string_view name, const FramePtr& frame) const;

  std::chrono::system_clock::time_point now() const { return now_; }
  /// Seeded on first use: most evaluations never need it.
  std::mt19937_64& random();

 private:
  friend class DepthGuard;

  Value evaluate_node(const Node& node, const Value& input, const FramePtr& frame);
  Value evaluate_path(const Node& node, const Value& input, const FramePtr& frame);
  Value evaluate_step(const Node& step, const std::vector<Value>& input, const FramePtr& frame,
                      bool last_step);
  Value evaluate_tuple_path(const Node& node, std::vector<Value> input, const FramePtr& frame);
  std::vector<Tuple> evaluate_tuple_step(const Node& step, const std::vector<Value>& input,
                                         std::optional<std::vector<Tuple>> bindings,
                                         const FramePtr& frame);
  std::vector<Tuple> sort_tuples(const Node& step, std::vector<Tuple> tuples,
                                 const FramePtr& frame);
  std::vector<Tuple> evaluate_tuple_stages(const std::vector<Stage>& stages,
                                           std::vector<Tuple> tuples, const FramePtr& frame);
  std::vector<Tuple> filter_tuples(const Node& predicate, std::vector<Tuple> tuples,
                                   const FramePtr& frame);
  Value evaluate_stages(const std::vector<Stage>& stages, Value result, const FramePtr& frame);
  Value evaluate_filter(const Node& predicate, const Value& input, const FramePtr& frame);
  Value evaluate_binary(const Node& node, const Value& input, const FramePtr& frame);
  Value evaluate_negate(const Node& node, const Value& input, const FramePtr& frame);
  Value evaluate_array(const Node& node, const Value& input, const FramePtr& frame);
  Value evaluate_group(const std::vector<std::pair<NodePtr, NodePtr>>& pairs, std::size_t position,
                       const std::vector<Value>& input, const FramePtr& frame);
  Value evaluate_condition(const Node& node, const Value& input, const FramePtr& frame);
  Value evaluate_block(const Node& node, const Value& input, const FramePtr& frame);
  Value evaluate_function(const Node& node, const Value& input, const FramePtr& frame,
                          const Value* context_arg);
  Value evaluate_partial(const Node& node, const Value& input, const FramePtr& frame);
  Value evaluate_apply(const Node& node, const Value& input, const FramePtr& frame);
  Value evaluate_lambda(const Node& node, const Value& input, const FramePtr& frame);
  Value evaluate_sort(const Node& node, const Value& input, const FramePtr& frame);
  /// Sorts `items` by the step's terms, each evaluated with the item's context and frame.
  std::vector<std::size_t> sort_order(const Node& node, const std::vector<Value>& contexts,
                                      const std::vector<FramePtr>& frames);
  Value evaluate_transform(const Node& node, const FramePtr& frame);
  Value apply_once(const Value& function, std::vector<Value> args, const Value& input,
                   std::size_t position, std::string_view name);
  Value apply_lambda(const Function& lambda, std::vector<Value>& args);
  Value apply_transform(const Function& transform, std::vector<Value>& args);

  /// A function value that captures a frame. The frame may bind the function itself
  /// (`$f := function(){ ... $f() ... }`), a cycle of shared pointers: the evaluator keeps
  /// every such function and cuts its captures when the evaluation ends.
  Value keep_closure(std::shared_ptr<Function> closure);

  const Environment& environment_;
  std::vector<std::shared_ptr<Function>> closures_;
  std::chrono::system_clock::time_point now_;
  std::optional<std::mt19937_64> random_;
  int depth_ = 0;
  const char* stack_base_ = nullptr;
  std::chrono::steady_clock::time_point deadline_;
  std::uint32_t guards_ = 0;  // DepthGuards made: the clock is read every so many
};

/// Counts nesting of evaluate() and function calls; past the limit it throws U1001 rather
/// than overflowing the stack.
class DepthGuard {
 public:
  DepthGuard(Evaluator& evaluator, std::size_t position);
  ~DepthGuard() { --evaluator_.depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  Evaluator& evaluator_;
};

/// A frame binding the tuple's variables over `frame`.
FramePtr frame_from_tuple(const FramePtr& frame, const Tuple& tuple);

/// The built-in named `name` (without `$`), or nullptr.
const Value* find_builtin(std::string_view name);

/// Checks `args` against `signature` as jsonata-js does (T0410, T0411, T0412), inserting the
/// context value for a missing `-` parameter and wrapping single values for `a` parameters.
std::vector<Value> validate_arguments(const Signature& signature, std::vector<Value> args,
                                      const Value& context, std::size_t position,
                                      std::string_view name);

}  // namespace flowrun::jsonata
