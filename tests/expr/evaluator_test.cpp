#include <doctest/doctest.h>

#include "expr/expr_support.hpp"

using namespace flowrun;
using namespace flowrun::test;

namespace {

struct Case {
  const char* expr;
  const char* kind;
  const char* json;
  const char* contexts = "{}";
};

void check_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    CAPTURE(c.expr);
    ExprOutcome outcome = run_expression(c.expr, c.contexts);
    CHECK(outcome.error == "");
    CHECK(outcome.kind == c.kind);
    CHECK(outcome.json == c.json);
  }
}

}  // namespace

TEST_CASE("literals: null, booleans, numbers in every JavaScript spelling, quoted strings") {
  check_cases({
      {"null", "Null", "null"},
      {"true", "Boolean", "true"},
      {"false", "Boolean", "false"},
      {"1", "Number", "1"},
      {"-1", "Number", "-1"},
      {"+1", "Number", "1"},
      {".5", "Number", "0.5"},
      {"-.5", "Number", "-0.5"},
      {"1.", "Number", "1"},
      {"0xff", "Number", "255"},
      {"0xFF", "Number", "255"},
      {"0o10", "Number", "8"},
      {"0b101", "Number", "5"},
      {"1.2e2", "Number", "120"},
      {"1.2E-2", "Number", "0.012"},
      {"1.2e+2", "Number", "120"},
      {"Infinity", "Number", "Infinity"},
      {"-Infinity", "Number", "-Infinity"},
      {"NaN", "Number", "NaN"},
      {"'abc'", "String", "\"abc\""},
      {"'it''s'", "String", "\"it's\""},
      {"'a''b''c'", "String", "\"a'b'c\""},
      {"''", "String", "\"\""},
  });
}

TEST_CASE("numbers become strings as GitHub writes them: at most 15 decimals, no exponent") {
  check_cases({
      {"format('{0}', 1)", "String", "\"1\""},
      {"format('{0}', -0)", "String", "\"0\""},
      {"format('{0}', -0.0)", "String", "\"0\""},
      {"format('{0}', -2.0)", "String", "\"-2\""},
      {"format('{0}', 123456.789)", "String", "\"123456.789\""},
      {"format('{0}', 0.84551240822557006)", "String", "\"0.84551240822557\""},
      {"format('{0}', 1.9)", "String", "\"1.9\""},
      {"format('{0}', 0.1)", "String", "\"0.1\""},
      {"format('{0}', 1e21)", "String", "\"1e+21\""},
      {"format('{0}', 1e20)", "String", "\"100000000000000000000\""},
      {"format('{0}', 1e-7)", "String", "\"1e-7\""},
      {"format('{0}', 1e-16)", "String", "\"0\""},
      {"format('{0}', Infinity)", "String", "\"Infinity\""},
      {"format('{0}', NaN)", "String", "\"NaN\""},
      {"format('{0}', null)", "String", "\"\""},
      {"format('{0}', true)", "String", "\"true\""},
      {"format('{0}', c)", "String", "\"Array\"", R"({"c": [1]})"},
      {"format('{0}', c)", "String", "\"Object\"", R"({"c": {}})"},
  });
}

TEST_CASE("loose equality coerces mismatched kinds to numbers and ignores case") {
  check_cases({
      {"1 == '1'", "Boolean", "true"},
      {"'1' == 1", "Boolean", "true"},
      {"' 1 ' == 1", "Boolean", "true"},
      {"'0x10' == 16", "Boolean", "true"},
      {"'1e2' == 100", "Boolean", "true"},
      {"'' == 0", "Boolean", "true"},
      {"'abc' == 0", "Boolean", "false"},
      {"null == 0", "Boolean", "true"},
      {"null == ''", "Boolean", "true"},
      {"null == false", "Boolean", "true"},
      {"null == null", "Boolean", "true"},
      {"true == 1", "Boolean", "true"},
      {"true == '1'", "Boolean", "true"},
      {"true == 'true'", "Boolean", "false"},
      {"false == ''", "Boolean", "true"},
      {"NaN == NaN", "Boolean", "false"},
      {"NaN != NaN", "Boolean", "true"},
      {"'abc' == 'ABC'", "Boolean", "true"},
      {"'ς' == 'Σ'", "Boolean", "true"},
      {"'ü' == 'Ü'", "Boolean", "true"},
      {"'ı' == 'I'", "Boolean", "false"},
      {"'i' == 'İ'", "Boolean", "false"},
      {"c == c", "Boolean", "true", R"({"c": [1]})"},
      {"c == d", "Boolean", "false", R"({"c": [1], "d": [1]})"},
      {"fromJSON('[]') == fromJSON('[]')", "Boolean", "false"},
      {"c == 0", "Boolean", "false", R"({"c": {}})"},
      {"c.a == c.a", "Boolean", "true", R"({"c": {"a": {}}})"},
  });
}

TEST_CASE("ordering compares numbers, case-folded strings and booleans; NaN is unordered") {
  check_cases({
      {"1 < 2", "Boolean", "true"},
      {"'a' < 'B'", "Boolean", "true"},
      {"'A' < '['", "Boolean", "true"},
      {"'a' < '['", "Boolean", "true"},
      {"'10' > 9", "Boolean", "true"},
      {"'10' > '9'", "Boolean", "false"},
      {"false < true", "Boolean", "true"},
      {"true > null", "Boolean", "true"},
      {"null > -1", "Boolean", "true"},
      {"1 > NaN", "Boolean", "false"},
      {"1 <= NaN", "Boolean", "false"},
      {"c > c", "Boolean", "false", R"({"c": []})"},
      {"c >= c", "Boolean", "true", R"({"c": []})"},
      {"3 < 2 < 1", "Boolean", "true"},
      {"2 <= 3 == true", "Boolean", "true"},
      {"!2 < 3", "Boolean", "true"},
  });
}

TEST_CASE("&& and || return the operand that decided; ! gives a boolean") {
  check_cases({
      {"0 || 0 || 2 || 3", "Number", "2"},
      {"false || ''", "String", "\"\""},
      {"false || null", "Null", "null"},
      {"'a' && 'b'", "String", "\"b\""},
      {"'' && 'b'", "String", "\"\""},
      {"1 == 1 && 2", "Number", "2"},
      {"false && 0 || null", "Null", "null"},
      {"1 || 2 && 3", "Number", "1"},
      {"(1 || 2) && 3", "Number", "3"},
      {"!0", "Boolean", "true"},
      {"!-0", "Boolean", "true"},
      {"!NaN", "Boolean", "true"},
      {"!''", "Boolean", "true"},
      {"!'0'", "Boolean", "false"},
      {"!c", "Boolean", "false", R"({"c": []})"},
      {"!!null", "Boolean", "false"},
  });
}

TEST_CASE("property access and indexing are case-insensitive and null when absent") {
  const char* data =
      R"({"foo": {"Bar": "baz", "b-ar": 1, "true": "t", "list": [10, 20, 30],
          "nested": {"deep": {"x": 1}}}})";
  check_cases({
      {"foo.bar", "String", "\"baz\"", data},
      {"FOO.BAR", "String", "\"baz\"", data},
      {"foo['BAR']", "String", "\"baz\"", data},
      {"foo.b-ar", "Number", "1", data},
      {"foo.true", "String", "\"t\"", data},
      {"foo.missing", "Null", "null", data},
      {"foo.missing.deeper", "Null", "null", data},
      {"foo.list[1]", "Number", "20", data},
      {"foo.list['1']", "Number", "20", data},
      {"foo.list[1.7]", "Number", "20", data},
      {"foo.list[5]", "Null", "null", data},
      {"foo.list[-1]", "Null", "null", data},
      {"foo.nested.deep.x", "Number", "1", data},
      {"(foo).bar", "String", "\"baz\"", data},
      {"fromJSON('{\"one\": 1}').one", "Number", "1"},
      {"(!foo).bar", "Null", "null", data},
  });
}

TEST_CASE("the * filter collects the members of objects and arrays and flattens one level") {
  const char* data = R"({"steps": {"a": {"status": "succeeded", "outputs": {"n": "1"}},
                                    "b": {"status": "failed", "outputs": {"n": "2"}}},
                         "labels": [{"name": "bug"}, {"name": "help"}, {"other": 1}],
                         "grid": [[1, 2], [3]], "text": "abc"})";
  check_cases({
      {"steps.*.status", "Array", R"(["succeeded","failed"])", data},
      {"steps.*.outputs.n", "Array", R"(["1","2"])", data},
      {"join(labels.*.name, ', ')", "String", "\"bug, help\"", data},
      {"labels[*].name", "Array", R"(["bug","help"])", data},
      {"grid.*", "Array", "[[1,2],[3]]", data},
      {"grid.*.*", "Array", "[1,2,3]", data},
      {"grid.*[0]", "Array", "[1,3]", data},
      {"text.*", "Array", "[]", data},
      {"contains(steps.*.status, 'FAILED')", "Boolean", "true", data},
  });
}

TEST_CASE("contains, startsWith and endsWith ignore case and cast to strings") {
  check_cases({
      {"contains('Hello World', 'WORLD')", "Boolean", "true"},
      {"contains('abc', '')", "Boolean", "true"},
      {"contains(123, 2)", "Boolean", "true"},
      {"contains('true', true)", "Boolean", "true"},
      {"contains(fromJSON('[1, \"two\"]'), 'TWO')", "Boolean", "true"},
      {"contains(fromJSON('[1, 2]'), '1')", "Boolean", "true"},
      {"contains(fromJSON('[]'), 1)", "Boolean", "false"},
      {"contains(fromJSON('{\"a\": 1}'), 'a')", "Boolean", "false"},
      {"contains('abc', fromJSON('[]'))", "Boolean", "false"},
      {"startsWith('Hello', 'he')", "Boolean", "true"},
      {"startsWith('1234', 12)", "Boolean", "true"},
      {"startsWith('abc', null)", "Boolean", "true"},
      {"endsWith('asdf_ς', 'Σ')", "Boolean", "true"},
      {"endsWith('asdf_i', 'İ')", "Boolean", "false"},
      {"endsWith('x', 'longer')", "Boolean", "false"},
  });
}

TEST_CASE("format, join, toJSON and fromJSON follow GitHub") {
  check_cases({
      {"format('{0} {1} {0}', 'a', 'b')", "String", "\"a b a\""},
      {"format('{{0}} {0}', 'x')", "String", "\"{0} x\""},
      {"format('}}{{')", "String", "\"}{\""},
      {"format(null)", "String", "\"\""},
      {"join(fromJSON('[null, true, 1.5, \"a\", [], {}]'))", "String",
       "\",true,1.5,a,Array,Object\""},
      {"join(fromJSON('[1, 2]'), null)", "String", "\"12\""},
      {"join(fromJSON('[1, 2]'), fromJSON('[]'))", "String", "\"1,2\""},
      {"join('abc')", "String", "\"abc\""},
      {"join(fromJSON('{\"a\": 1}'))", "String", "\"\""},
      {"toJSON(null)", "String", "\"null\""},
      {"toJSON('a\"b')", "String", R"("\"a\\\"b\"")"},
      {"toJSON(fromJSON('[]'))", "String", "\"[]\""},
      {"toJSON(fromJSON('[1, 2]'))", "String", R"("[\n  1,\n  2\n]")"},
      {"toJSON(fromJSON('{\"b\": 1, \"a\": {}}'))", "String",
       R"("{\n  \"b\": 1,\n  \"a\": {}\n}")"},
      {"toJSON(1e21)", "String", "\"1e+21\""},
      {"toJSON(NaN)", "String", "\"null\""},
      {"fromJSON('-0')", "Number", "0"},
      {"fromJSON(' 42 ')", "Number", "42"},
      {"fromJSON('\"x\"')", "String", "\"x\""},
      {"fromJSON('{\"A\": 1}').a", "Number", "1"},
  });
}

TEST_CASE("case() picks the value of the first true predicate") {
  check_cases({
      {"case(true, 'first', 'default')", "String", "\"first\""},
      {"case(false, 'first', true, 'second', 'default')", "String", "\"second\""},
      {"case(false, 1, false, 2, 3)", "Number", "3"},
      {"case(1 == 1, fromJSON('[1]'), 'x')", "Array", "[1]"},
  });
  CHECK(run_expression("case('yes', 1, 2)").error ==
        "case predicate must evaluate to a boolean value");
}

TEST_CASE("status functions answer from the evaluation context") {
  expr::StatusFlags failed{false, true, false};
  CHECK(run_expression("success()").json == "true");
  CHECK(run_expression("failure()").json == "false");
  CHECK(run_expression("success()", "{}", failed).json == "false");
  CHECK(run_expression("failure()", "{}", failed).json == "true");
  CHECK(run_expression("always()", "{}", failed).json == "true");
  CHECK(run_expression("cancelled()", "{}", {false, false, true}).json == "true");
  CHECK(run_expression("SUCCESS()").json == "true");
}

TEST_CASE("date helpers work in UTC from the context's clock") {
  check_cases({
      {"today()", "String", "\"2026-11-28\""},
      {"now()", "String", "\"2026-11-28T03:00:00Z\""},
      {"dateAdd('2026-03-01', '-1d')", "String", "\"2026-02-28\""},
      {"dateAdd('2024-03-01', '-1d')", "String", "\"2024-02-29\""},
      {"dateAdd('2026-01-31', '1mo')", "String", "\"2026-02-28\""},
      {"dateAdd('2026-11-28', '-1y')", "String", "\"2025-11-28\""},
      {"dateAdd('2026-11-28', '2w')", "String", "\"2026-12-12\""},
      {"dateAdd('2026-11-28T23:30:00Z', '1h')", "String", "\"2026-11-29T00:30:00Z\""},
      {"dateAdd('2026-11-28T10:00:00+02:00', '0s')", "String", "\"2026-11-28T08:00:00Z\""},
      {"dateAdd('2026-11-28', '12h')", "String", "\"2026-11-28T12:00:00Z\""},
      {"formatDate('2026-11-28', '%Y%m%d')", "String", "\"20261128\""},
      {"formatDate(dateAdd(today(), '-1d'), '%d/%m/%Y')", "String", "\"27/11/2026\""},
  });
  CHECK(run_expression("dateAdd('yesterday', '1d')").error ==
        "dateAdd(): 'yesterday' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
  CHECK(run_expression("dateAdd('2026-11-28', '1 day')").error ==
        "dateAdd(): '1 day' is not a date offset such as '-1d', '2w', '1mo', '-1y', '12h', "
        "'30m' or '10s'");
}

TEST_CASE("evaluation errors are reported, not thrown") {
  CHECK(run_expression("fromJSON('')").error == "empty input");
  CHECK(run_expression("fromJSON('{')").error == "Error parsing JSON when evaluating fromJson");
  CHECK(run_expression("format(c, 1)", R"({"c": "{0"})").error ==
        "The following format string is invalid: {0");
  CHECK(run_expression("format(c)", R"({"c": "{0}"})").error ==
        "The following format string references more arguments than were supplied: {0}");
}
