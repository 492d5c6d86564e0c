#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expr/ast.hpp"
#include "core/expr/evaluator.hpp"
#include "core/expr/parser.hpp"

namespace flowrun::expr {

/// A piece of a template: literal text, or one `${{ }}` expression.
struct TemplatePart {
  bool is_expression = false;
  std::string text;          ///< the literal text, or the expression's source between the braces
  std::uint32_t offset = 0;  ///< byte offset of `text` in the template string
  NodePtr root;              ///< the parsed expression (null for an empty one)
};

/// A string that may hold `${{ }}` expressions, split into parts.
struct Template {
  std::vector<TemplatePart> parts;

  bool has_expressions() const;
  /// The one expression when the template is nothing else (white space aside), else nullptr.
  const TemplatePart* single_expression() const;
};

/// True when `text` holds `${{`.
bool has_expression(std::string_view text);

/// Splits `text` into parts and parses each expression. A `}}` inside a 'string literal' does
/// not end an expression. Error offsets are bytes into `text`. Stops at the first error,
/// unless `more_errors` is given: then every expression is parsed (a bad one gets a null
/// root), the first error is returned and the others are appended to `more_errors`.
std::optional<ParseError> parse_template(std::string_view text, Template& out,
                                         const ParseOptions& options = {},
                                         std::vector<ParseError>* more_errors = nullptr);

/// Parses an `if:` condition: a bare expression, or a template (`${{ x }}` alone is the
/// same as `x`). Error offsets are bytes into `text`.
std::optional<ParseError> parse_condition(std::string_view text, Template& out,
                                          const ParseOptions& options = {});

/// The text with every expression replaced by its value as a string.
struct Rendered {
  std::string text;
  std::optional<std::string> error;
};
Rendered render_string(const Template& tmpl, const EvalContext& context);

/// The value of a template: an expression's own value when it is a single expression,
/// otherwise the rendered string.
Evaluated render_value(const Template& tmpl, const EvalContext& context);

/// Which status functions the template's expressions call.
struct StatusUse {
  bool any = false;        ///< success(), failure(), always() or cancelled()
  bool always = false;     ///< always()
  bool cancelled = false;  ///< cancelled()
};
StatusUse find_status_functions(const Template& tmpl);

}  // namespace flowrun::expr
