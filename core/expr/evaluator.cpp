#include "core/expr/evaluator.hpp"

#include <cmath>

#include "core/expr/datum.hpp"

namespace flowrun::expr {

Datum own(Value value, bool filtered) {
  return Datum{std::make_shared<const Value>(std::move(value)), filtered};
}

Datum member_of(const Datum& parent, const Value& value) {
  return Datum{std::shared_ptr<const Value>(parent.ptr, &value), false};
}

Datum borrow(const Value& value) {
  return Datum{std::shared_ptr<const Value>(std::shared_ptr<const Value>(), &value), false};
}

namespace {

// An index as GitHub reads it: a string form for objects and a whole number for arrays.
struct IndexKey {
  bool star = false;
  std::optional<std::string> text;
  std::optional<std::size_t> position;
};

IndexKey make_key(const Value& index) {
  IndexKey key;
  if (is_primitive(index)) key.text = to_string(index);
  double number = to_number(index);
  if (std::isfinite(number) && number >= 0) {
    key.position = static_cast<std::size_t>(std::floor(number));
  }
  return key;
}

Datum access_filtered(const Datum& array, const IndexKey& key) {
  Value result = Value::array();
  for (const Value& item : array.get()) {
    if (item.is_object()) {
      if (key.star) {
        for (const auto& member : item) result.push_back(member);
      } else if (key.text) {
        if (const Value* found = find_member(item, *key.text)) result.push_back(*found);
      }
    } else if (item.is_array()) {
      if (key.star) {
        for (const auto& member : item) result.push_back(member);
      } else if (key.position && *key.position < item.size()) {
        result.push_back(item[*key.position]);
      }
    }
  }
  return own(std::move(result), true);
}

Datum access(const Datum& target, const IndexKey& key) {
  const Value& value = target.get();
  if (value.is_array()) {
    if (target.filtered) return access_filtered(target, key);
    if (key.star) return own(value, true);
    if (key.position && *key.position < value.size()) {
      return member_of(target, value[*key.position]);
    }
    return own(nullptr);
  }
  if (value.is_object()) {
    if (key.star) {
      Value result = Value::array();
      for (const auto& member : value) result.push_back(member);
      return own(std::move(result), true);
    }
    if (key.text) {
      if (const Value* found = find_member(value, *key.text)) return member_of(target, *found);
    }
    return own(nullptr);
  }
  return key.star ? own(Value::array(), true) : own(nullptr);
}

class Evaluator {
 public:
  explicit Evaluator(const EvalContext& context) : context_(context) {}

  Datum eval(const Node& node) {
    switch (node.kind) {
      case NodeKind::Literal:
        return borrow(node.literal);
      case NodeKind::Context:
        return context(node.name);
      case NodeKind::Group:
        return eval(*node.children[0]);
      case NodeKind::Not:
        return own(!is_truthy(eval(*node.children[0]).get()));
      case NodeKind::Compare:
        return own(compare(node));
      case NodeKind::And:
      case NodeKind::Or:
        return logical(node);
      case NodeKind::Index:
        return index(node);
      case NodeKind::Call: {
        std::vector<Datum> args;
        args.reserve(node.children.size());
        for (const auto& child : node.children) args.push_back(eval(*child));
        return call_function(node.name, args, context_);
      }
    }
    return own(nullptr);
  }

 private:
  Datum context(const std::string& name) {
    if (context_.contexts) {
      if (const Value* found = find_member(*context_.contexts, name)) return borrow(*found);
    }
    return own(nullptr);
  }

  bool compare(const Node& node) {
    Datum left = eval(*node.children[0]);
    Datum right = eval(*node.children[1]);
    const Value& l = left.get();
    const Value& r = right.get();
    bool same = left.ptr.get() == right.ptr.get();
    switch (node.op) {
      case CompareOp::Equal:
        return loose_equals(l, r, same);
      case CompareOp::NotEqual:
        return !loose_equals(l, r, same);
      case CompareOp::Less:
        return loose_less(l, r);
      case CompareOp::LessEqual:
        return loose_equals(l, r, same) || loose_less(l, r);
      case CompareOp::Greater:
        return loose_greater(l, r);
      case CompareOp::GreaterEqual:
        return loose_equals(l, r, same) || loose_greater(l, r);
    }
    return false;
  }

  // Returns the operand that decided, as GitHub does (`'' || 'x'` is 'x').
  Datum logical(const Node& node) {
    bool is_and = node.kind == NodeKind::And;
    Datum result;
    for (const auto& child : node.children) {
      result = eval(*child);
      bool truthy = is_truthy(result.get());
      if (is_and ? !truthy : truthy) break;
    }
    return result;
  }

  Datum index(const Node& node) {
    IndexKey key;
    if (node.star) {
      key.star = true;
    } else {
      key = make_key(eval(*node.children[1]).get());
    }
    return access(eval(*node.children[0]), key);
  }

  const EvalContext& context_;
};

}  // namespace

Evaluated evaluate(const Node* root, const EvalContext& context) {
  Evaluated result;
  if (!root) return result;
  try {
    Datum value = Evaluator(context).eval(*root);
    result.value = value.get();
  } catch (const EvalError& error) {
    result.error = error.message;
  } catch (const nlohmann::json::exception& error) {
    result.error = error.what();
  }
  return result;
}

}  // namespace flowrun::expr
