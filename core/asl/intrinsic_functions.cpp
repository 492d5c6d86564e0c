#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <random>

#include "core/asl/intrinsic_support.hpp"
#include "core/asl/intrinsics.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;
using Args = std::vector<json>;
using intrinsic::fail;
using intrinsic::require_integer;
using intrinsic::require_string;
using intrinsic::round_to_integer;

// ---- strings and JSON ----------------------------------------------------------------------

// The natural string form of a Format argument; arrays and objects are refused by the spec.
std::string format_value(const json& value, std::size_t position) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_structured()) {
    fail(
        fmt::format("States.Format: argument {} is {}; only strings, numbers, booleans and "
                    "null can be interpolated",
                    position, intrinsic::describe(value)));
  }
  return value.dump();
}

// `template_text` as written (escapes still in place): `\x` stands for x, `{}` for the next
// argument.
json call_format(const IntrinsicCall& call, Args& args) {
  std::string template_text;
  if (!call.args.empty() && call.args[0].is_string) {
    template_text = call.args[0].raw;
  } else {
    template_text = require_string(args[0], "States.Format", 1);
  }
  std::string out;
  std::size_t next = 1;
  for (std::size_t i = 0; i < template_text.size(); ++i) {
    char c = template_text[i];
    if (c == '\\' && i + 1 < template_text.size()) {
      out.push_back(template_text[++i]);
    } else if (c == '{' && i + 1 < template_text.size() && template_text[i + 1] == '}') {
      if (next >= args.size()) {
        fail(fmt::format("States.Format: the template has more '{{}}' than the {} value{} given",
                         args.size() - 1, args.size() == 2 ? "" : "s"));
      }
      out += format_value(args[next], next + 1);
      ++next;
      ++i;
    } else {
      out.push_back(c);
    }
  }
  if (next != args.size()) {
    fail(fmt::format("States.Format: {} value{} given but the template has {} '{{}}'",
                     args.size() - 1, args.size() == 2 ? "" : "s", next - 1));
  }
  return out;
}

json call_string_to_json(Args& args) {
  const std::string& text = require_string(args[0], "States.StringToJson", 1);
  json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded()) fail("States.StringToJson: the argument is not valid JSON text");
  return parsed;
}

json call_json_to_string(const IntrinsicCall& call, Args& args) {
  if (call.args[0].kind != IntrinsicArg::Kind::Path) {
    fail("States.JsonToString: the argument must be a path");
  }
  return args[0].dump();
}

json call_string_split(Args& args) {
  const std::string& text = require_string(args[0], "States.StringSplit", 1);
  const std::string& delimiters = require_string(args[1], "States.StringSplit", 2);
  // Every character of the delimiter string splits; empty pieces are dropped (the developer
  // guide splits "This.is+a,test=string" on ".+,=" into five words).
  json out = json::array();
  std::string piece;
  for (char c : text) {
    if (delimiters.find(c) != std::string::npos) {
      if (!piece.empty()) out.push_back(std::move(piece));
      piece.clear();
    } else {
      piece.push_back(c);
    }
  }
  if (!piece.empty()) out.push_back(std::move(piece));
  return out;
}

// `from`'s fields laid over `into`; in deep mode two objects under the same name are merged
// the same way, recursively (specification: "Deep mode repeats this process recursively").
void merge_into(json& into, json&& from, bool deep) {
  for (auto it = from.begin(); it != from.end(); ++it) {
    auto existing = into.find(it.key());
    if (deep && existing != into.end() && existing->is_object() && it->is_object()) {
      merge_into(*existing, std::move(*it), deep);
    } else {
      into[it.key()] = std::move(*it);
    }
  }
}

json call_json_merge(Args& args) {
  if (!args[0].is_object() || !args[1].is_object()) {
    fail("States.JsonMerge: the first two arguments must be JSON objects");
  }
  if (!args[2].is_boolean()) fail("States.JsonMerge: the third argument must be a boolean");
  json out = std::move(args[0]);
  merge_into(out, std::move(args[1]), args[2].get<bool>());
  return out;
}

// ---- math ----------------------------------------------------------------------------------

std::mt19937_64& random_engine() {
  thread_local std::mt19937_64 engine(std::random_device{}());
  return engine;
}

json call_math_random(Args& args) {
  std::int64_t start = round_to_integer(args[0], "States.MathRandom", 1);
  std::int64_t end = round_to_integer(args[1], "States.MathRandom", 2);
  if (start >= end) {
    fail(fmt::format("States.MathRandom: the start {} must be less than the end {}", start, end));
  }
  // The end is exclusive, as in the developer guide.
  std::uniform_int_distribution<std::int64_t> range(start, end - 1);
  if (args.size() == 3) {
    std::mt19937_64 seeded(
        static_cast<std::uint64_t>(require_integer(args[2], "States.MathRandom", 3)));
    return range(seeded);
  }
  return range(random_engine());
}

json call_math_add(Args& args) {
  std::int64_t a = round_to_integer(args[0], "States.MathAdd", 1);
  std::int64_t b = round_to_integer(args[1], "States.MathAdd", 2);
  for (std::int64_t value : {a, b}) {
    if (value < INT32_MIN || value > INT32_MAX) {
      fail(fmt::format("States.MathAdd: {} is outside the 32-bit integer range", value));
    }
  }
  return a + b;
}

json call_uuid() {
  std::uint64_t high = random_engine()();
  std::uint64_t low = random_engine()();
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;    // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xFFFF,
                     high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFFULL);
}

struct Function {
  std::string_view name;
  std::size_t min;
  std::size_t max;
};

constexpr Function kFunctions[] = {
    {"Format", 1, SIZE_MAX}, {"StringToJson", 1, 1},   {"JsonToString", 1, 1},
    {"Array", 0, SIZE_MAX},  {"ArrayPartition", 2, 2}, {"ArrayContains", 2, 2},
    {"ArrayRange", 3, 3},    {"ArrayGetItem", 2, 2},   {"ArrayLength", 1, 1},
    {"ArrayUnique", 1, 1},   {"Base64Encode", 1, 1},   {"Base64Decode", 1, 1},
    {"Hash", 2, 2},          {"JsonMerge", 3, 3},      {"MathRandom", 2, 3},
    {"MathAdd", 2, 2},       {"StringSplit", 2, 2},    {"UUID", 0, 0},
};

}  // namespace

std::optional<std::pair<std::size_t, std::size_t>> intrinsic_arity(std::string_view name) {
  for (const Function& function : kFunctions) {
    if (function.name == name) return std::pair{function.min, function.max};
  }
  return std::nullopt;
}

json call_intrinsic(const IntrinsicCall& call, Args& args) {
  // A view: comparing it to a literal checks the length first, with no strlen per name.
  const std::string_view name = call.name;
  if (name == "Format") return call_format(call, args);
  if (name == "StringToJson") return call_string_to_json(args);
  if (name == "JsonToString") return call_json_to_string(call, args);
  if (name == "Array") return json(std::move(args));
  if (name == "StringSplit") return call_string_split(args);
  if (name == "JsonMerge") return call_json_merge(args);
  if (name == "MathRandom") return call_math_random(args);
  if (name == "MathAdd") return call_math_add(args);
  if (name == "UUID") return call_uuid();
  if (name == "Base64Encode") return intrinsic::base64_encode(args);
  if (name == "Base64Decode") return intrinsic::base64_decode(args);
  if (name == "Hash") return intrinsic::hash(args);
  return intrinsic::call_array_function(name, args);
}

}  // namespace flowrun::asl
