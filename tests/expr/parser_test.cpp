#include <doctest/doctest.h>

#include "expr/expr_support.hpp"

using namespace flowrun;
using namespace flowrun::test;

TEST_CASE("syntax errors carry GitHub's message and the position of the bad symbol") {
  struct Case {
    const char* expr;
    const char* error;
    const char* contexts = R"({"foo": {}})";
  };
  const Case cases[] = {
      {"foo.b@r", "Unexpected symbol: 'b@r'. Located at position 5 within expression: foo.b@r"},
      {"foo.1", "Unexpected symbol: '1'. Located at position 5 within expression: foo.1"},
      {"foo[1].2", "Unexpected symbol: '2'. Located at position 8 within expression: foo[1].2"},
      {"fromjson('').1",
       "Unexpected symbol: '1'. Located at position 14 within expression: fromjson('').1"},
      {"1 +", "Unexpected symbol: '+'. Located at position 3 within expression: 1 +"},
      {"'abc", "Unexpected symbol: ''abc'. Located at position 1 within expression: 'abc"},
      {"1 = 1", "Unexpected symbol: '='. Located at position 3 within expression: 1 = 1"},
      {"1 &", "Unexpected symbol: '&'. Located at position 3 within expression: 1 &"},
      {"(1", "Unexpected end of expression: '1'. Located at position 2 within expression: (1"},
      {"1 ==", "Unexpected end of expression: '=='. Located at position 3 within expression: 1 =="},
      {"1 2", "Unexpected symbol: '2'. Located at position 3 within expression: 1 2"},
      {"bar.x", "Unrecognized named-value: 'bar'. Located at position 1 within expression: bar.x"},
      {"nope(1)",
       "Unrecognized function: 'nope'. Located at position 1 within expression: nope(1)"},
      {"join()",
       "Too few parameters supplied: 'join'. Located at position 1 within expression: join()"},
      {"join(1, 2, 3)",
       "Too many parameters supplied: 'join'. Located at position 1 within expression: join(1, 2, "
       "3)"},
      {"case(true, 1, false, 2)",
       "Even number of parameters supplied, requires an odd number of parameters: 'case'. Located "
       "at position 1 within expression: case(true, 1, false, 2)"},
      {"format('{0')",
       "Invalid format string. Located at position 8 within expression: format('{0')"},
      {"format('}{0}', '')",
       "Invalid format string. Located at position 8 within expression: format('}{0}', '')"},
      {"format('{0}{1}', 'a')",
       "Format string references {1} but only 1 argument(s) provided. Located at position 8 "
       "within expression: format('{0}{1}', 'a')"},
      {"'a'.length",
       "Unexpected symbol: '.length'. Located at position 4 within expression: 'a'.length"},
      {"-NaN", "Unexpected symbol: '-NaN'. Located at position 1 within expression: -NaN"},
      {"0x", "Unexpected symbol: '0x'. Located at position 1 within expression: 0x"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expr);
    CHECK(run_expression(c.expr, c.contexts).error == c.error);
  }
}

TEST_CASE("names of contexts, functions and keywords: what is case-sensitive and what is not") {
  CHECK(run_expression("FOO.x", R"({"foo": {"x": 1}})").json == "1");
  CHECK(run_expression("TOJSON(1)").json == "\"1\"");
  // Keywords are case-sensitive: `True` is a (here unknown) context name.
  CHECK(run_expression("True").error ==
        "Unrecognized named-value: 'True'. Located at position 1 within expression: True");
}

TEST_CASE("an empty expression is null; a trailing comma in a call is accepted, as in GitHub") {
  CHECK(run_expression("").kind == "Null");
  CHECK(run_expression("   ").kind == "Null");
  CHECK(run_expression("format('{0}', 'a',)").json == "\"a\"");
}

TEST_CASE("deep nesting is refused instead of exhausting the stack") {
  std::string deep(60, '(');
  deep += "1" + std::string(60, ')');
  CHECK(run_expression(deep).error.find("Exceeded max expression depth 50") == 0);
  std::string nots(5000, '!');
  CHECK(run_expression(nots + "1").error.find("Exceeded max expression depth 50") == 0);
}

TEST_CASE("nodes keep the offsets of what they were parsed from") {
  expr::Parsed parsed = expr::parse("  steps.extract.outputs.path == 'x'");
  REQUIRE(parsed.root);
  CHECK(parsed.root->kind == expr::NodeKind::Compare);
  const expr::Node& left = *parsed.root->children[0];
  CHECK(left.offset == 2);
  CHECK(left.length == 26);
  // steps.extract: the property literal points at "extract".
  const expr::Node* node = &left;
  while (node->children[0]->kind == expr::NodeKind::Index) node = node->children[0].get();
  CHECK(node->children[0]->name == "steps");
  CHECK(node->children[1]->literal == "extract");
  CHECK(node->children[1]->offset == 8);
  CHECK(node->children[1]->length == 7);
}
