#include "core/jsonata/errors.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace flowrun::jsonata {
namespace {

struct Template {
  std::string_view code;
  std::string_view text;
};

// jsonata-js's catalog (src/jsonata.js, errorCodes), in its order; U1001 is jsonata 1.x's
// stack-overflow code, kept for flowrun's depth guard. U1002 is flowrun's own: a regular
// expression match that could not be decided, as it ran into PCRE2's backtracking limits
// (jsonata-js has none) or the text is not UTF-8.
constexpr Template kCatalog[] = {
    {"S0101", R"(String literal must be terminated by a matching quote)"},
    {"S0102", R"(Number out of range: {{token}})"},
    {"S0103", R"(Unsupported escape sequence: \{{token}})"},
    {"S0104", R"(The escape sequence \\u must be followed by 4 hex digits)"},
    {"S0105", R"(Quoted property name must be terminated with a backquote (`))"},
    {"S0106", R"(Comment has no closing tag)"},
    {"S0201", R"(Syntax error: {{token}})"},
    {"S0202", R"(Expected {{value}}, got {{token}})"},
    {"S0203", R"(Expected {{value}} before end of expression)"},
    {"S0204", R"(Unknown operator: {{token}})"},
    {"S0205", R"(Unexpected token: {{token}})"},
    {"S0206", R"(Unknown expression type: {{token}})"},
    {"S0207", R"(Unexpected end of expression)"},
    {"S0208",
     R"(Parameter {{value}} of function definition must be a variable name (start with $))"},
    {"S0209", R"(A predicate cannot follow a grouping expression in a step)"},
    {"S0210", R"(Each step can only have one grouping expression)"},
    {"S0211", R"(The symbol {{token}} cannot be used as a unary operator)"},
    {"S0212", R"(The left side of := must be a variable name (start with $))"},
    {"S0213", R"(The literal value {{value}} cannot be used as a step within a path expression)"},
    {"S0214", R"(The right side of {{token}} must be a variable name (start with $))"},
    {"S0215", R"(A context variable binding must precede any predicates on a step)"},
    {"S0216", R"(A context variable binding must precede the 'order-by' clause on a step)"},
    {"S0217", R"(The object representing the 'parent' cannot be derived from this expression)"},
    {"S0301", R"(Empty regular expressions are not allowed)"},
    {"S0302", R"(No terminating / in regular expression)"},
    {"S0402", R"(Choice groups containing parameterized types are not supported)"},
    {"S0401", R"(Type parameters can only be applied to functions and arrays)"},
    {"S0500", R"(Attempted to evaluate an expression containing syntax error(s))"},
    {"T0410", R"(Argument {{index}} of function {{token}} does not match function signature)"},
    {"T0411",
     R"(Context value is not a compatible type with argument {{index}} of function {{token}})"},
    {"T0412", R"(Argument {{index}} of function {{token}} must be an array of {{type}})"},
    {"D1001", R"(Number out of range: {{value}})"},
    {"D1002", R"(Cannot negate a non-numeric value: {{value}})"},
    {"T1003", R"(Key in object structure must evaluate to a string; got: {{value}})"},
    {"D1004", R"(Regular expression matches zero length string)"},
    {"T1005", R"(Attempted to invoke a non-function. Did you mean ${{{token}}}?)"},
    {"T1006", R"(Attempted to invoke a non-function)"},
    {"T1007", R"(Attempted to partially apply a non-function. Did you mean ${{{token}}}?)"},
    {"T1008", R"(Attempted to partially apply a non-function)"},
    {"D1009", R"(Multiple key definitions evaluate to same key: {{value}})"},
    {"D1010", R"(Attempted to access the Javascript object prototype)"},
    {"T1010",
     R"(The matcher function argument passed to function {{token}} does not return the correct object structure)"},
    {"T2001", R"(The left side of the {{token}} operator must evaluate to a number)"},
    {"T2002", R"(The right side of the {{token}} operator must evaluate to a number)"},
    {"T2003", R"(The left side of the range operator (..) must evaluate to an integer)"},
    {"T2004", R"(The right side of the range operator (..) must evaluate to an integer)"},
    {"D2005", R"(The left side of := must be a variable name (start with $))"},
    {"T2006", R"(The right side of the function application operator ~> must be a function)"},
    {"T2007", R"(Type mismatch when comparing values {{value}} and {{value2}} in order-by clause)"},
    {"T2008",
     R"(The expressions within an order-by clause must evaluate to numeric or string values)"},
    {"T2009",
     R"(The values {{value}} and {{value2}} either side of operator {{token}} must be of the same data type)"},
    {"T2010",
     R"(The expressions either side of operator {{token}} must evaluate to numeric or string values)"},
    {"T2011",
     R"(The insert/update clause of the transform expression must evaluate to an object: {{value}})"},
    {"T2012",
     R"(The delete clause of the transform expression must evaluate to a string or array of strings: {{value}})"},
    {"T2013",
     R"(The transform expression clones the input object using the $clone() function.  This has been overridden in the current scope by a non-function.)"},
    {"D2014",
     R"(The size of the sequence allocated by the range operator (..) must not exceed 1e6.  Attempted to allocate {{value}}.)"},
    {"D3001", R"(Attempting to invoke string function on Infinity or NaN)"},
    {"D3010", R"(Second argument of replace function cannot be an empty string)"},
    {"D3011", R"(Fourth argument of replace function must evaluate to a positive number)"},
    {"D3012", R"(Attempted to replace a matched string with a non-string value)"},
    {"D3020", R"(Third argument of split function must evaluate to a positive number)"},
    {"D3030", R"(Unable to cast value to a number: {{value}})"},
    {"D3040", R"(Third argument of match function must evaluate to a positive number)"},
    {"D3050",
     R"(The second argument of reduce function must be a function with at least two arguments)"},
    {"D3060", R"(The sqrt function cannot be applied to a negative number: {{value}})"},
    {"D3061",
     R"(The power function has resulted in a value that cannot be represented as a JSON number: base={{value}}, exponent={{exp}})"},
    {"D3070",
     R"(The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function)"},
    {"D3080", R"(The picture string must only contain a maximum of two sub-pictures)"},
    {"D3081",
     R"(The sub-picture must not contain more than one instance of the 'decimal-separator' character)"},
    {"D3082",
     R"(The sub-picture must not contain more than one instance of the 'percent' character)"},
    {"D3083",
     R"(The sub-picture must not contain more than one instance of the 'per-mille' character)"},
    {"D3084", R"(The sub-picture must not contain both a 'percent' and a 'per-mille' character)"},
    {"D3085",
     R"(The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family')"},
    {"D3086",
     R"(The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character)"},
    {"D3087",
     R"(The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character)"},
    {"D3088",
     R"(The sub-picture must not contain a 'grouping-separator' at the end of the integer part)"},
    {"D3089",
     R"(The sub-picture must not contain two adjacent instances of the 'grouping-separator' character)"},
    {"D3090",
     R"(The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character')"},
    {"D3091",
     R"(The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family')"},
    {"D3092",
     R"(A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator')"},
    {"D3093",
     R"(The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family')"},
    {"D3100",
     R"(The radix of the formatBase function must be between 2 and 36.  It was given {{value}})"},
    {"D3110",
     R"(The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {{value}})"},
    {"D3120", R"(Syntax error in expression passed to function eval: {{value}})"},
    {"D3121", R"(Dynamic error evaluating the expression passed to function eval: {{value}})"},
    {"D3130",
     R"(Formatting or parsing an integer as a sequence starting with {{value}} is not supported by this implementation)"},
    {"D3131", R"(In a decimal digit pattern, all digits must be from the same decimal group)"},
    {"D3132", R"(Unknown component specifier {{value}} in date/time picture string)"},
    {"D3133",
     R"(The 'name' modifier can only be applied to months and days in the date/time picture string, not {{value}})"},
    {"D3134", R"(The timezone integer format specifier cannot have more than four digits)"},
    {"D3135", R"(No matching closing bracket ']' in date/time picture string)"},
    {"D3136",
     R"(The date/time picture string is missing specifiers required to parse the timestamp)"},
    {"D3137", R"({{{message}}})"},
    {"D3138",
     R"(The $single() function expected exactly 1 matching result.  Instead it matched more.)"},
    {"D3139",
     R"(The $single() function expected exactly 1 matching result.  Instead it matched 0.)"},
    {"D3140", R"(Malformed URL passed to ${{{functionName}}}(): {{value}})"},
    {"D3141", R"({{{message}}})"},
    {"U1001",
     R"(Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.)"},
    {"U1002", R"(Regular expression {{{message}}})"},
};

const nlohmann::json* insert_named(const ErrorInserts& inserts, std::string_view name) {
  if (name == "token" || name == "functionName") return &inserts.token;
  if (name == "message") return &inserts.value;
  if (name == "value") return &inserts.value;
  if (name == "value2") return &inserts.value2;
  if (name == "index") return &inserts.index;
  if (name == "type") return &inserts.type;
  return nullptr;
}

// {{{name}}} inserts the text as it is, {{name}} its JSON form (JSON.stringify in jsonata-js).
std::string fill_template(std::string_view text, const ErrorInserts& inserts) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) break;
    bool raw = text.substr(open, 3) == "{{{";
    std::size_t name_start = open + (raw ? 3 : 2);
    std::size_t close = text.find(raw ? "}}}" : "}}", name_start);
    if (close == std::string_view::npos) break;
    out.append(text.substr(at, open - at));
    const nlohmann::json* value =
        insert_named(inserts, text.substr(name_start, close - name_start));
    if (value == nullptr || value->is_discarded()) {
      out += "undefined";
    } else if (raw && value->is_string()) {
      out += value->get<std::string>();
    } else {
      out += value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    at = close + (raw ? 3 : 2);
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace

Error make_error(std::string_view code, std::size_t position, const ErrorInserts& inserts) {
  auto found = std::find_if(std::begin(kCatalog), std::end(kCatalog),
                            [&](const Template& entry) { return entry.code == code; });
  std::string message =
      found == std::end(kCatalog) ? std::string(code) : fill_template(found->text, inserts);
  return Error(std::string(code), position, message);
}

void throw_error(std::string_view code, std::size_t position, const ErrorInserts& inserts) {
  throw make_error(code, position, inserts);
}

}  // namespace flowrun::jsonata
