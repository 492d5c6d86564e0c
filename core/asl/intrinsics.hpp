#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/asl/data_flow.hpp"
#include "core/asl/jsonpath.hpp"

// Intrinsic functions (`States.Format('{}', $.x)` ...): parsed once into a call tree
// (`compile_intrinsic` caches by text), evaluated against the input and the context object.
// Every failure at run time is States.IntrinsicFailure.

namespace flowrun::asl {

/// A syntax error in an intrinsic call; `offset` is the 0-based byte offset in the text.
class IntrinsicSyntaxError : public std::runtime_error {
 public:
  IntrinsicSyntaxError(const std::string& message, std::size_t offset)
      : std::runtime_error(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

struct IntrinsicCall;

/// One argument: a literal (string, number, boolean, null), a Path or a nested call.
struct IntrinsicArg {
  enum class Kind { Literal, Path, Call };
  Kind kind = Kind::Literal;
  nlohmann::json literal;  ///< the value, escapes decoded
  std::string raw;         ///< a string literal as written between the quotes (for Format)
  bool is_string = false;  ///< a quoted string literal
  /// A backslash before a character other than ' { } \ (an "open escape"): the
  /// specification makes it a runtime error, so evaluation fails with IntrinsicFailure.
  bool has_open_escape = false;
  std::shared_ptr<const JsonPath> path;
  std::shared_ptr<const IntrinsicCall> call;
  std::size_t offset = 0;  ///< where the argument starts in the text
};

struct IntrinsicCall {
  std::string name;  ///< without the `States.` prefix: "Format", "Array" ...
  std::vector<IntrinsicArg> args;
  std::size_t offset = 0;
};

/// True when `text` has the form of an intrinsic call (`States.` then a name and `(`).
bool is_intrinsic_call(std::string_view text);

/// Parses `text` and checks function names and argument counts; throws
/// IntrinsicSyntaxError. Cached per thread.
std::shared_ptr<const IntrinsicCall> compile_intrinsic(std::string_view text);

/// Evaluates the intrinsic call `text`; throws AslError States.IntrinsicFailure.
nlohmann::json evaluate_intrinsic(std::string_view text, const nlohmann::json& input,
                                  const ContextObject& context);

/// Evaluates a call parsed by compile_intrinsic; throws AslError States.IntrinsicFailure.
nlohmann::json evaluate_intrinsic(const IntrinsicCall& call, const nlohmann::json& input,
                                  const ContextObject& context);

/// True when `call` or a call nested in its arguments has a `$$` path argument.
bool reads_context(const IntrinsicCall& call);

/// Evaluates a parsed call whose arguments were already evaluated into `args`.
nlohmann::json call_intrinsic(const IntrinsicCall& call, std::vector<nlohmann::json>& args);

/// The message of the first syntax problem of `text`, or nullopt; `offset` receives where.
std::optional<std::string> check_intrinsic_syntax(std::string_view text, std::size_t& offset);

/// The allowed argument counts of the function `name` (without `States.`), or nullopt when
/// there is no such function. `max` is SIZE_MAX for variadic functions.
std::optional<std::pair<std::size_t, std::size_t>> intrinsic_arity(std::string_view name);

}  // namespace flowrun::asl
