#include <fmt/format.h>

#include <cmath>
#include <random>

#include "core/asl/data_flow.hpp"
#include "core/asl/intrinsic_support.hpp"
#include "core/jsonata/builtins.hpp"
#include "core/jsonata/errors.hpp"
#include "core/jsonata/evaluator.hpp"
#include "core/jsonata/sequence_ops.hpp"

// The functions AWS Step Functions adds to JSONata ("Transforming data with JSONata in Step
// Functions"): $partition, $range, $hash, $random(seed), $uuid, $parse. Their faults are
// reported as D3150 with a sentence naming the function.

namespace flowrun::jsonata {
namespace {

[[noreturn]] void fail(const Call& call, const std::string& message) {
  throw Error("D3150", call.position, fmt::format("${}: {}", call.name, message));
}

bool is_integral(double value) { return std::isfinite(value) && std::floor(value) == value; }

Value fn_partition(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  double size = call.arg(1).as_number();
  if (!is_integral(size) || size < 1) fail(call, "the chunk size must be a positive integer");
  std::vector<Value> items = to_items(call.arg(0));
  auto chunk = static_cast<std::size_t>(size);
  std::vector<Value> chunks;
  for (std::size_t at = 0; at < items.size(); at += chunk) {
    std::size_t end = std::min(items.size(), at + chunk);
    chunks.push_back(
        make_array_value(std::vector<Value>(items.begin() + static_cast<std::ptrdiff_t>(at),
                                            items.begin() + static_cast<std::ptrdiff_t>(end))));
  }
  return make_array_value(std::move(chunks));
}

Value fn_range(Call& call) {
  double start = call.arg(0).as_number();
  double end = call.arg(1).as_number();
  double step = call.arg(2).is_undefined() ? 1 : call.arg(2).as_number();
  if (!is_integral(start) || !is_integral(end) || !is_integral(step)) {
    fail(call, "start, end and step must be integers");
  }
  if (step == 0) fail(call, "the step must not be 0");
  double count = std::floor((end - start) / step) + 1;
  // The same limit as the range operator.
  if (count > 1e7) throw_error("D2014", call.position, {.value = count});
  std::vector<Value> items;
  for (double n = start; step > 0 ? n <= end : n >= end; n += step)
    items.push_back(Value::number(n));
  return make_array_value(std::move(items));
}

Value fn_hash(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  // The States.Hash implementation, so that both query languages hash alike.
  std::vector<json> args{call.arg(0).data(), call.arg(1).data()};
  try {
    return Value::own(asl::intrinsic::hash(args));
  } catch (const asl::AslError& error) {
    fail(call, error.cause());
  }
}

Value fn_random(Call& call) {
  std::uniform_real_distribution<double> distribution(0.0, 1.0);
  if (call.arg(0).is_undefined()) return Value::number(distribution(call.evaluator.random()));
  double seed = call.arg(0).as_number();
  if (!is_integral(seed)) fail(call, "the seed must be an integer");
  std::mt19937_64 seeded(static_cast<std::uint64_t>(static_cast<std::int64_t>(seed)));
  return Value::number(distribution(seeded));
}

Value fn_uuid(Call& call) {
  std::uniform_int_distribution<unsigned> byte(0, 255);
  std::array<unsigned, 16> bytes{};
  for (unsigned& b : bytes) b = byte(call.evaluator.random());
  bytes[6] = (bytes[6] & 0x0F) | 0x40;  // version 4
  bytes[8] = (bytes[8] & 0x3F) | 0x80;  // RFC 4122 variant
  std::string text;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += fmt::format("{:02x}", bytes[i]);
  }
  return Value::string(std::move(text));
}

Value fn_parse(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  try {
    return Value::own(json::parse(call.arg(0).as_string()));
  } catch (const json::parse_error& error) {
    fail(call, fmt::format("the argument is not JSON ({})", error.what()));
  }
}

}  // namespace

void add_step_functions_functions(BuiltinTable& table) {
  table.add("partition", "<an:a>", fn_partition);
  table.add("range", "<nnn?:a>", fn_range);
  table.add("hash", "<s-s:s>", fn_hash);
  table.add("random", "<n?:n>", fn_random);
  table.add("uuid", "<:s>", fn_uuid);
  table.add("parse", "<s-:x>", fn_parse);
}

}  // namespace flowrun::jsonata
