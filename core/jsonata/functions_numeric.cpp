#include <cmath>
#include <cstdlib>

#include "core/jsonata/builtins.hpp"
#include "core/jsonata/errors.hpp"
#include "core/jsonata/evaluator.hpp"
#include "core/jsonata/stringify.hpp"
#include "core/util/regex.hpp"

// Numeric functions (docs.jsonata.org/numeric-functions).

namespace flowrun::jsonata {
namespace {

Value fn_number(Call& call) {
  const Value& arg = call.arg(0);
  if (arg.is_undefined()) return Value();
  if (arg.is_number()) return arg;
  if (arg.is_boolean()) return Value::number(arg.data().get<bool>() ? 1 : 0);
  if (arg.is_string()) {
    // jsonata-js's two tests, the second with its unanchored alternatives as they are.
    static const Regex kDecimal("-?[0-9]+(\\.[0-9]+)?([Ee][-+]?[0-9]+)?");
    static const Regex kPrefixed("^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$");
    const std::string& text = arg.as_string();
    if (kDecimal.match_whole(text)) {
      double value = std::strtod(text.c_str(), nullptr);
      if (std::isfinite(value)) return Value::number(value);
    } else if (kPrefixed.is_found_in(text) && text.size() > 2) {
      int base = text[1] == 'x' || text[1] == 'X' ? 16 : text[1] == 'o' || text[1] == 'O' ? 8 : 2;
      return Value::number(static_cast<double>(std::strtoull(text.c_str() + 2, nullptr, base)));
    }
  }
  call.fail("D3030", to_json(arg).value_or(json()));
}

template <double (*Operation)(double)>
Value unary_math(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  return Value::number(Operation(call.arg(0).as_number()));
}

double absolute(double x) { return std::fabs(x); }
double floor_of(double x) { return std::floor(x); }
double ceiling_of(double x) { return std::ceil(x); }

// Shifts the decimal point by `places` through the number's text, as jsonata-js does, so
// that 3.45 rounds at one place as the decimal 34.5 rather than the binary 34.4999...
double shift_decimal(double value, int places) {
  std::string text = format_number(value);
  std::size_t e = text.find('e');
  int exponent = places;
  if (e != std::string::npos) {
    exponent += std::atoi(text.c_str() + e + 1);
    text.resize(e);
  }
  return std::strtod((text + "e" + std::to_string(exponent)).c_str(), nullptr);
}

}  // namespace

double round_half_even(double value, int precision) {
  if (precision != 0) value = shift_decimal(value, precision);
  double result = std::floor(value + 0.5);  // Math.round
  double diff = result - value;
  if (std::fabs(diff) == 0.5 && std::fabs(std::fmod(result, 2)) == 1) result -= 1;
  if (precision != 0) result = shift_decimal(result, -precision);
  return result == 0 ? 0 : result;
}

namespace {

Value fn_round(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  int precision = call.arg(1).is_undefined() ? 0 : static_cast<int>(call.arg(1).as_number());
  return Value::number(round_half_even(call.arg(0).as_number(), precision));
}

Value fn_power(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  double base = call.arg(0).as_number();
  double exponent = call.arg(1).as_number();
  double result = std::pow(base, exponent);
  if (!std::isfinite(result)) {
    ErrorInserts inserts;
    inserts.token = std::string(call.name);
    inserts.value = base;
    inserts.value2 = exponent;
    throw make_error("D3061", call.position, inserts);
  }
  return Value::number(result);
}

Value fn_sqrt(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  double value = call.arg(0).as_number();
  if (value < 0) call.fail("D3060", value);
  return Value::number(std::sqrt(value));
}

Value fn_random(Call& call) {
  std::uniform_real_distribution<double> distribution(0.0, 1.0);
  return Value::number(distribution(call.evaluator.random()));
}

Value fn_format_base(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  double value = round_half_even(call.arg(0).as_number(), 0);
  double radix = call.arg(1).is_undefined() ? 10 : round_half_even(call.arg(1).as_number(), 0);
  if (radix < 2 || radix > 36) call.fail("D3100", radix);
  auto base = static_cast<unsigned long long>(radix);
  bool negative = value < 0;
  auto magnitude = static_cast<unsigned long long>(std::fabs(value));
  std::string digits;
  do {
    digits.insert(digits.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[magnitude % base]);
    magnitude /= base;
  } while (magnitude > 0);
  return Value::string(negative ? "-" + digits : digits);
}

}  // namespace

void add_numeric_functions(BuiltinTable& table) {
  table.add("number", "<(nsb)-:n>", fn_number);
  table.add("abs", "<n-:n>", unary_math<absolute>);
  table.add("floor", "<n-:n>", unary_math<floor_of>);
  table.add("ceil", "<n-:n>", unary_math<ceiling_of>);
  table.add("round", "<n-n?:n>", fn_round);
  table.add("power", "<n-n:n>", fn_power);
  table.add("sqrt", "<n-:n>", fn_sqrt);
  table.add("random", "<:n>", fn_random);
  table.add("formatBase", "<n-n?:s>", fn_format_base);
}

}  // namespace flowrun::jsonata
