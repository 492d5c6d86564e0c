#include <map>

#include "core/jsonata/errors.hpp"
#include "core/jsonata/evaluator.hpp"
#include "core/jsonata/sequence_ops.hpp"

// Function calls, lambdas, partial application and `~>` (jsonata-js's evaluateFunction,
// apply with its tail-call trampoline, evaluateLambda, evaluatePartialApplication).

namespace flowrun::jsonata {
namespace {

std::string procedure_name(const Node& procedure) {
  if (procedure.type == NodeType::Path && !procedure.items.empty()) {
    return procedure.items.front()->value;
  }
  return procedure.value;
}

}  // namespace

void Frame::bind(std::string name, Value value) {
  for (auto& [bound, existing] : bindings_) {
    if (bound == name) {
      existing = std::move(value);
      return;
    }
  }
  bindings_.emplace_back(std::move(name), std::move(value));
}

const Value* Frame::lookup(std::string_view name) const {
  for (const Frame* frame = this; frame != nullptr; frame = frame->parent_.get()) {
    for (const auto& [bound, value] : frame->bindings_) {
      if (bound == name) return &value;
    }
  }
  return nullptr;
}

const Value& Call::arg(std::size_t index) const {
  static const Value kUndefined;
  return index < args.size() ? args[index] : kUndefined;
}

void Call::fail(std::string_view code, nlohmann::json value) const {
  ErrorInserts inserts;
  inserts.token = std::string(name);
  inserts.value = std::move(value);
  throw_error(code, position, inserts);
}

std::size_t Function::arity() const {
  switch (kind) {
    case Kind::Builtin:
      return builtin->signature.params.size();
    case Kind::Lambda:
      return params.size();
    case Kind::Partial: {
      std::size_t count = 0;
      for (const auto& bound_arg : bound) count += bound_arg.has_value() ? 0 : 1;
      return count;
    }
    default:
      return 1;
  }
}

std::vector<Value> validate_arguments(const Signature& signature, std::vector<Value> args,
                                      const Value& context, std::size_t position,
                                      std::string_view name) {
  std::string symbols;
  for (const Value& arg : args) symbols += signature_symbol(arg);
  std::vector<std::size_t> counts;
  std::size_t good_to = 0;
  auto fail = [&](std::string_view code, std::size_t index, const Value& value,
                  json type = json(json::value_t::discarded)) {
    ErrorInserts inserts;
    inserts.token = std::string(name);
    inserts.index = index + 1;
    std::optional<json> converted = to_json(value);
    if (converted) inserts.value = *converted;
    inserts.type = std::move(type);
    throw_error(code, position, inserts);
  };
  if (!match_signature(signature, symbols, counts, good_to)) {
    fail("T0410", good_to, good_to < args.size() ? args[good_to] : Value());
  }
  std::vector<Value> validated;
  std::size_t next = 0;
  for (std::size_t p = 0; p < signature.params.size(); ++p) {
    const SignatureParam& param = signature.params[p];
    if (counts[p] == 0) {
      if (param.use_context) {
        if (param.symbols.find(signature_symbol(context)) == std::string::npos) {
          fail("T0411", next, context);
        }
        validated.push_back(context);
      } else {
        validated.push_back(next < args.size() ? args[next] : Value());
        ++next;
      }
      continue;
    }
    for (std::size_t n = 0; n < counts[p]; ++n, ++next) {
      Value arg = args[next];
      if (param.type == 'a' && !arg.is_undefined()) {
        if (!param.subtype.empty()) {
          char item_type = param.subtype[0];
          bool ok = true;
          if (!arg.is_array()) {
            ok = signature_symbol(arg) == item_type;
          } else {
            for (std::size_t k = 0; k < array_size(arg) && ok; ++k) {
              ok = signature_symbol(array_item(arg, k)) == item_type;
            }
          }
          if (!ok) {
            static const std::map<char, std::string> kNames = {
                {'a', "arrays"},  {'b', "booleans"}, {'f', "functions"},
                {'n', "numbers"}, {'o', "objects"},  {'s', "strings"}};
            auto found = kNames.find(item_type);
            fail("T0412", next, arg, found == kNames.end() ? json() : json(found->second));
          }
        }
        if (!arg.is_array()) {
          auto array = make_array();
          array->items.push_back(std::move(arg));
          arg = Value::sequence(std::move(array));
        }
      }
      validated.push_back(std::move(arg));
    }
  }
  return validated;
}

Value Evaluator::evaluate_function(const Node& node, const Value& input, const FramePtr& frame,
                                   const Value* context_arg) {
  Value procedure = evaluate(*node.lhs, input, frame);
  const Node& callee = *node.lhs;
  if (procedure.is_undefined() && callee.type == NodeType::Path &&
      !lookup_variable(callee.items.front()->value, frame).is_undefined()) {
    throw_error("T1005", node.position, {.token = callee.items.front()->value});
  }
  std::vector<Value> args;
  args.reserve(node.items.size() + 1);
  if (context_arg != nullptr) args.push_back(*context_arg);
  for (const NodePtr& arg : node.items) args.push_back(evaluate(*arg, input, frame));
  return apply(procedure, std::move(args), input, node.position, procedure_name(callee));
}

Value Evaluator::apply(const Value& function, std::vector<Value> args, const Value& input,
                       std::size_t position, std::string_view name) {
  Value result = apply_once(function, std::move(args), input, position, name);
  // The trampoline: a lambda whose body ends in a call returns that call unevaluated.
  while (result.is_function() && result.function().kind == Function::Kind::Thunk) {
    const Function& thunk = result.function();
    const Node& call = *thunk.node;
    Value next = evaluate(*call.lhs, thunk.input, thunk.frame);
    std::vector<Value> next_args;
    next_args.reserve(call.items.size());
    for (const NodePtr& arg : call.items)
      next_args.push_back(evaluate(*arg, thunk.input, thunk.frame));
    Value keep = result;  // the thunk owns the frame the arguments were evaluated in
    result =
        apply_once(next, std::move(next_args), input, call.position, procedure_name(*call.lhs));
  }
  return result;
}

Value Evaluator::apply_once(const Value& function, std::vector<Value> args, const Value& input,
                            std::size_t position, std::string_view name) {
  if (!function.is_function()) throw_error("T1006", position, {.token = std::string(name)});
  DepthGuard guard(*this, position);
  const Function& f = function.function();
  switch (f.kind) {
    case Function::Kind::Builtin: {
      std::string_view builtin_name = f.builtin->name;
      std::vector<Value> validated =
          validate_arguments(f.builtin->signature, std::move(args), input, position, builtin_name);
      Call call{*this, validated, input, position, builtin_name};
      return f.builtin->implementation(call);
    }
    case Function::Kind::Lambda: {
      if (f.signature) {
        args = validate_arguments(*f.signature, std::move(args), input, position, name);
      }
      return apply_lambda(f, args);
    }
    case Function::Kind::Partial: {
      std::vector<Value> full;
      std::size_t next = 0;
      for (const auto& bound : f.bound) {
        if (bound) {
          full.push_back(*bound);
        } else {
          full.push_back(next < args.size() ? args[next] : Value());
          ++next;
        }
      }
      auto builtin = std::make_shared<Function>(Function::Kind::Builtin);
      builtin->builtin = f.builtin;
      return apply_once(Value::function(builtin), std::move(full), input, position, name);
    }
    case Function::Kind::Chain: {
      Value first = apply(f.first, std::move(args), input, position, name);
      return apply(f.second, {first}, input, position, name);
    }
    case Function::Kind::Regex:
      return call_regex(*f.regex, args.empty() ? Value() : args[0], position);
    case Function::Kind::Transform:
      return apply_transform(f, args);
    case Function::Kind::Thunk:
      break;
  }
  throw_error("T1006", position, {.token = std::string(name)});
}

Value Evaluator::apply_lambda(const Function& lambda, std::vector<Value>& args) {
  auto frame = std::make_shared<Frame>(lambda.frame);
  for (std::size_t i = 0; i < lambda.params.size(); ++i) {
    frame->bind(lambda.params[i], i < args.size() ? args[i] : Value());
  }
  return evaluate(*lambda.body, lambda.input, frame);
}

Value Evaluator::evaluate_lambda(const Node& node, const Value& input, const FramePtr& frame) {
  auto lambda = std::make_shared<Function>(Function::Kind::Lambda);
  lambda->params = node.params;
  lambda->body = node.rhs.get();
  lambda->signature = node.signature;
  lambda->frame = frame;
  lambda->input = input;
  return keep_closure(std::move(lambda));
}

Value Evaluator::evaluate_partial(const Node& node, const Value& input, const FramePtr& frame) {
  std::vector<std::optional<Value>> args;
  for (const NodePtr& arg : node.items) {
    if (arg->type == NodeType::Placeholder) {
      args.emplace_back(std::nullopt);
    } else {
      args.emplace_back(evaluate(*arg, input, frame));
    }
  }
  Value procedure = evaluate(*node.lhs, input, frame);
  const Node& callee = *node.lhs;
  if (procedure.is_undefined() && callee.type == NodeType::Path &&
      !lookup_variable(callee.items.front()->value, frame).is_undefined()) {
    throw_error("T1007", node.position, {.token = callee.items.front()->value});
  }
  if (!procedure.is_function() || (procedure.function().kind != Function::Kind::Lambda &&
                                   procedure.function().kind != Function::Kind::Builtin)) {
    throw_error("T1008", node.position, {.token = procedure_name(callee)});
  }
  const Function& f = procedure.function();
  if (f.kind == Function::Kind::Builtin) {
    auto partial = std::make_shared<Function>(Function::Kind::Partial);
    partial->builtin = f.builtin;
    partial->bound = std::move(args);
    return Value::function(std::move(partial));
  }
  auto lambda = std::make_shared<Function>(Function::Kind::Lambda);
  lambda->frame = std::make_shared<Frame>(f.frame);
  lambda->body = f.body;
  lambda->input = f.input;
  for (std::size_t i = 0; i < f.params.size(); ++i) {
    if (i < args.size() && args[i]) {
      lambda->frame->bind(f.params[i], *args[i]);
    } else {
      lambda->params.push_back(f.params[i]);
    }
  }
  return keep_closure(std::move(lambda));
}

Value Evaluator::evaluate_apply(const Node& node, const Value& input, const FramePtr& frame) {
  Value lhs = evaluate(*node.lhs, input, frame);
  if (node.rhs->type == NodeType::Function) {
    return evaluate_function(*node.rhs, input, frame, &lhs);
  }
  Value function = evaluate(*node.rhs, input, frame);
  if (!function.is_function()) {
    std::optional<json> value = to_json(function);
    throw_error("T2006", node.position, {.value = value ? *value : json(json::value_t::discarded)});
  }
  if (lhs.is_function()) {
    auto chain = std::make_shared<Function>(Function::Kind::Chain);
    chain->first = lhs;
    chain->second = function;
    return Value::function(std::move(chain));
  }
  return apply(function, {lhs}, Value(), node.position);
}

}  // namespace flowrun::jsonata
