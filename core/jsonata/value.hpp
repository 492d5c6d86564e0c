#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

// The values an expression computes. JSON values from the input are borrowed (a pointer
// into the document, with an owner only when the value was computed), so a path such as
// `Account.Order.Product` copies nothing; sequences are JSONata's flat result lists; and
// functions are values too.

namespace flowrun::jsonata {

using nlohmann::json;

class Function;
class Sequence;

class Value {
 public:
  enum class Kind { Undefined, Json, Function, Sequence };

  Value() = default;
  /// Borrows `value`: the caller keeps it alive for as long as this Value is used.
  static Value borrow(const json& value) { return Value(&value, nullptr); }
  /// Borrows a part of a value that `owner` keeps alive.
  static Value borrow(const json& value, std::shared_ptr<const json> owner) {
    return Value(&value, std::move(owner));
  }
  static Value own(json value);
  static Value number(double value);
  static Value string(std::string value) { return own(json(std::move(value))); }
  static Value boolean(bool value);
  static Value function(std::shared_ptr<const Function> function);
  static Value sequence(std::shared_ptr<Sequence> sequence);

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::Undefined; }
  bool is_json() const { return kind_ == Kind::Json; }
  bool is_function() const { return kind_ == Kind::Function; }
  bool is_sequence() const { return kind_ == Kind::Sequence; }

  const json& data() const { return *json_; }
  const std::shared_ptr<const json>& owner() const { return owner_; }
  const Function& function() const { return *function_; }
  const std::shared_ptr<const Function>& function_ptr() const { return function_; }
  Sequence& sequence() const { return *sequence_; }
  const std::shared_ptr<Sequence>& sequence_ptr() const { return sequence_; }

  // JSON type tests (false for the other kinds).
  bool is_number() const { return is_json() && json_->is_number(); }
  bool is_string() const { return is_json() && json_->is_string(); }
  bool is_boolean() const { return is_json() && json_->is_boolean(); }
  bool is_null() const { return is_json() && json_->is_null(); }
  bool is_object() const { return is_json() && json_->is_object(); }
  /// A JSON array, or a sequence (whatever its flags): both are arrays to JSONata.
  bool is_array() const { return is_sequence() || (is_json() && json_->is_array()); }

  double as_number() const { return json_->get<double>(); }
  const std::string& as_string() const { return json_->get_ref<const std::string&>(); }

 private:
  Value(const json* value, std::shared_ptr<const json> owner)
      : kind_(Kind::Json), json_(value), owner_(std::move(owner)) {}

  Kind kind_ = Kind::Undefined;
  const json* json_ = nullptr;
  std::shared_ptr<const json> owner_;
  std::shared_ptr<const Function> function_;
  std::shared_ptr<Sequence> sequence_;
};

/// One item of a tuple stream: the context value `@` and the variables that `@$v`, `#$i` and
/// the parent operator bound along the path.
struct Tuple {
  Value focus;
  std::vector<std::pair<std::string, Value>> bindings;
};

/// JSONata's result lists. A plain `sequence` is flattened into enclosing sequences and
/// unwrapped when it holds one item; a constructed array (`[...]`, `is_sequence` false) is a
/// real array that may hold functions.
class Sequence {
 public:
  std::vector<Value> items;
  bool is_sequence = true;
  bool keep_singleton = false;
  bool cons = false;           // built by an array constructor at a path's first/last step
  bool outer_wrapper = false;  // wraps an input array so that it is one context item
  /// A path carrying ancestry (for `%`) returns its tuples rather than their values.
  bool tuple_stream = false;
  std::vector<Tuple> tuples;
};

std::shared_ptr<Sequence> make_sequence();
/// A constructed (non-sequence) array.
std::shared_ptr<Sequence> make_array();

/// The number of items of an array value (JSON array or sequence).
std::size_t array_size(const Value& value);
/// Item `index` of an array value.
Value array_item(const Value& value, std::size_t index);
/// The items of an array value, or the value itself as one item.
std::vector<Value> to_items(const Value& value);

/// JSONata's number result: integral values within ±2^53 become JSON integers.
json make_number(double value);
/// Copies the value into plain JSON; undefined is std::nullopt, functions become undefined
/// (and are dropped inside arrays and objects, as JSON.stringify drops them).
std::optional<json> to_json(const Value& value);

/// JSONata's truthiness ($boolean); undefined for an undefined value.
std::optional<bool> to_boolean(const Value& value);
/// JSONata's deep equality (`=`); numbers compare as doubles.
bool deep_equal(const Value& left, const Value& right);
bool deep_equal(const json& left, const json& right);

/// "number", "string", "boolean", "null", "array", "object", "function" ($type).
std::string type_name(const Value& value);
/// The signature symbol of a value: s n b l a o f, m for undefined.
char signature_symbol(const Value& value);

/// Unwraps a sequence as JSONata does when an evaluation step returns: empty is undefined,
/// one item is that item unless keep_singleton.
Value normalize(Value value);

}  // namespace flowrun::jsonata
