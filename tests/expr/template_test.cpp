#include "core/expr/template.hpp"

#include <doctest/doctest.h>

using namespace flowrun;
using namespace flowrun::expr;

namespace {

std::string render(const std::string& text, const std::string& contexts_json = "{}") {
  Template tmpl;
  auto error = parse_template(text, tmpl);
  if (error) return "error at " + std::to_string(error->offset) + ": " + error->message;
  Value contexts = Value::parse(contexts_json);
  EvalContext context;
  context.contexts = &contexts;
  Rendered rendered = render_string(tmpl, context);
  return rendered.error ? "error: " + *rendered.error : rendered.text;
}

}  // namespace

TEST_CASE("a template replaces each ${{ }} by its value as a string") {
  CHECK(render("plain text") == "plain text");
  CHECK(render("day=${{ params.day }}!", R"({"params": {"day": "2026-11-24"}})") ==
        "day=2026-11-24!");
  CHECK(render("${{ 1 }}${{ true }}${{ null }}|${{ 0.5 }}") == "1true|0.5");
  CHECK(render("${{ '}}' }}") == "}}");
  CHECK(render("a ${{ format('{{x}}') }} b") == "a {x} b");
  CHECK(render("${{ }}") == "");
}

TEST_CASE("template errors point into the template text") {
  CHECK(render("abc ${{ 1 + }}") == "error at 10: Unexpected symbol: '+'");
  CHECK(render("abc ${{ 1") == "error at 4: Unclosed expression: '${{' without '}}'");
  CHECK(render("x ${{ fromJSON('{') }}") ==
        "error: ${{ fromJSON('{') }}: Error parsing JSON when evaluating fromJson");
}

TEST_CASE("a template that is one expression keeps the expression's type") {
  Template tmpl;
  REQUIRE_FALSE(parse_template(" ${{ fromJSON('[1,2]') }}\n", tmpl));
  EvalContext context;
  CHECK(render_value(tmpl, context).value == Value::parse("[1,2]"));
  REQUIRE_FALSE(parse_template("n=${{ 1 }}", tmpl));
  CHECK(render_value(tmpl, context).value == "n=1");
}

TEST_CASE("a condition is a bare expression or a template") {
  Template tmpl;
  EvalContext context;
  REQUIRE_FALSE(parse_condition("1 == 1", tmpl));
  CHECK(render_value(tmpl, context).value == true);
  REQUIRE_FALSE(parse_condition("${{ 1 == 2 }}", tmpl));
  CHECK(render_value(tmpl, context).value == false);
  auto error = parse_condition("1 ==", tmpl);
  REQUIRE(error);
  CHECK(error->offset == 2);
}

TEST_CASE("status functions are found wherever they are called") {
  Template tmpl;
  REQUIRE_FALSE(parse_condition("failure() || steps", tmpl));
  StatusUse use = find_status_functions(tmpl);
  CHECK(use.any);
  CHECK_FALSE(use.always);
  REQUIRE_FALSE(parse_condition("${{ ALWAYS() }}", tmpl));
  CHECK(find_status_functions(tmpl).always);
  REQUIRE_FALSE(parse_condition("contains(x, 'success()')", tmpl));
  CHECK_FALSE(find_status_functions(tmpl).any);
}
