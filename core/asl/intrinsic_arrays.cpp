#include <fmt/format.h>

#include <cmath>
#include <set>

#include "core/asl/data_flow.hpp"
#include "core/asl/intrinsic_support.hpp"

namespace flowrun::asl::intrinsic {
namespace {

using nlohmann::json;
using Args = std::vector<json>;

// The developer guide caps States.ArrayRange at 1000 items.
constexpr std::int64_t kMaxRangeItems = 1000;

const json& require_array(const json& value, std::string_view function, std::size_t position) {
  if (!value.is_array()) {
    fail(fmt::format("{}: argument {} must be an array, not {}", function, position,
                     describe(value)));
  }
  return value;
}

json array_partition(Args& args) {
  const json& array = require_array(args[0], "States.ArrayPartition", 1);
  std::int64_t size = round_to_integer(args[1], "States.ArrayPartition", 2);
  if (size <= 0)
    fail(fmt::format("States.ArrayPartition: the chunk size {} must be positive", size));
  json out = json::array();
  for (std::size_t i = 0; i < array.size(); i += static_cast<std::size_t>(size)) {
    json chunk = json::array();
    for (std::size_t j = i; j < array.size() && j < i + static_cast<std::size_t>(size); ++j) {
      chunk.push_back(array[j]);
    }
    out.push_back(std::move(chunk));
  }
  return out;
}

json array_contains(Args& args) {
  const json& array = require_array(args[0], "States.ArrayContains", 1);
  for (const json& item : array) {
    if (item == args[1]) return true;
  }
  return false;
}

json array_range(Args& args) {
  std::int64_t first = round_to_integer(args[0], "States.ArrayRange", 1);
  std::int64_t last = round_to_integer(args[1], "States.ArrayRange", 2);
  std::int64_t step = round_to_integer(args[2], "States.ArrayRange", 3);
  if (step == 0) fail("States.ArrayRange: the step cannot be 0");
  // Both ends are inclusive; a step pointing away from the end gives an empty array.
  std::int64_t count = 0;
  if ((step > 0 && first <= last) || (step < 0 && first >= last)) {
    count = (last - first) / step + 1;
  }
  if (count > kMaxRangeItems) {
    fail(fmt::format("States.ArrayRange: the range has {} items; at most {} are allowed", count,
                     kMaxRangeItems));
  }
  json out = json::array();
  for (std::int64_t i = 0; i < count; ++i) out.push_back(first + i * step);
  return out;
}

json array_get_item(Args& args) {
  const json& array = require_array(args[0], "States.ArrayGetItem", 1);
  std::int64_t index = require_integer(args[1], "States.ArrayGetItem", 2);
  if (index < 0 || index >= static_cast<std::int64_t>(array.size())) {
    fail(fmt::format("States.ArrayGetItem: index {} is out of range for an array of {} items",
                     index, array.size()));
  }
  return array[static_cast<std::size_t>(index)];
}

json array_unique(Args& args) {
  const json& array = require_array(args[0], "States.ArrayUnique", 1);
  json out = json::array();
  std::set<json> seen;
  for (const json& item : array) {
    if (seen.insert(item).second) out.push_back(item);
  }
  return out;
}

}  // namespace

void fail(const std::string& cause) { throw AslError("States.IntrinsicFailure", cause); }

std::string describe(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "a number";
  }
}

const std::string& require_string(const json& value, std::string_view function,
                                  std::size_t position) {
  if (!value.is_string()) {
    fail(fmt::format("{}: argument {} must be a string, not {}", function, position,
                     describe(value)));
  }
  return value.get_ref<const std::string&>();
}

std::int64_t require_integer(const json& value, std::string_view function, std::size_t position) {
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > INT64_MAX) {
      fail(fmt::format("{}: argument {} is too large", function, position));
    }
    return value.get<std::int64_t>();
  }
  if (value.is_number_float()) {
    double number = value.get<double>();
    if (std::isfinite(number) && std::trunc(number) == number && std::fabs(number) < 9e18) {
      return static_cast<std::int64_t>(number);
    }
  }
  fail(fmt::format("{}: argument {} must be an integer, not {}", function, position,
                   value.is_number() ? value.dump() : describe(value)));
}

std::int64_t round_to_integer(const json& value, std::string_view function, std::size_t position) {
  if (value.is_number_float()) {
    double rounded = std::floor(value.get<double>() + 0.5);
    if (std::isfinite(rounded) && std::fabs(rounded) < 9e18) {
      return static_cast<std::int64_t>(rounded);
    }
  }
  return require_integer(value, function, position);
}

json call_array_function(std::string_view name, Args& args) {
  if (name == "ArrayPartition") return array_partition(args);
  if (name == "ArrayContains") return array_contains(args);
  if (name == "ArrayRange") return array_range(args);
  if (name == "ArrayGetItem") return array_get_item(args);
  if (name == "ArrayLength") return require_array(args[0], "States.ArrayLength", 1).size();
  if (name == "ArrayUnique") return array_unique(args);
  fail(fmt::format("unknown intrinsic function 'States.{}'", name));
}

}  // namespace flowrun::asl::intrinsic
