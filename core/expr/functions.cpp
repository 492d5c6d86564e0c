#include "core/expr/functions.hpp"

#include "core/expr/dates.hpp"
#include "core/expr/datum.hpp"
#include "core/expr/evaluator.hpp"

namespace flowrun::expr {
namespace {

constexpr int kMany = 1 << 20;

std::string argument_string(const Datum& datum) { return to_string(datum.get()); }

Datum contains(const std::vector<Datum>& args) {
  const Value& search = args[0].get();
  const Value& item = args[1].get();
  if (is_primitive(search)) {
    if (!is_primitive(item)) return own(false);
    return own(fold_lower(to_string(search)).find(fold_lower(to_string(item))) !=
               std::string::npos);
  }
  if (search.is_array()) {
    for (const Value& element : search) {
      if (loose_equals(item, element, &item == &element)) return own(true);
    }
  }
  return own(false);
}

Datum starts_or_ends(const std::vector<Datum>& args, bool at_start) {
  if (!is_primitive(args[0].get()) || !is_primitive(args[1].get())) return own(false);
  std::string text = fold_upper(argument_string(args[0]));
  std::string part = fold_upper(argument_string(args[1]));
  if (part.size() > text.size()) return own(false);
  return own(at_start ? text.compare(0, part.size(), part) == 0
                      : text.compare(text.size() - part.size(), part.size(), part) == 0);
}

// Reads the digits of `{N}` starting at `start`; false when there are none.
bool read_index(const std::string& text, std::size_t start, std::size_t end, std::size_t& index) {
  if (start >= end) return false;
  index = 0;
  for (std::size_t i = start; i < end; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    index = index * 10 + static_cast<std::size_t>(text[i] - '0');
    if (index > 1000000) return false;
  }
  return true;
}

Datum format(const std::vector<Datum>& args) {
  const std::string text = argument_string(args[0]);
  std::string out;
  std::size_t i = 0;
  auto invalid = [&] { return EvalError{"The following format string is invalid: " + text}; };
  while (i < text.size()) {
    std::size_t left = text.find('{', i);
    std::size_t right = text.find('}', i);
    if (left != std::string::npos && (right == std::string::npos || right > left)) {
      if (left + 1 < text.size() && text[left + 1] == '{') {
        out.append(text, i, left - i + 1);
        i = left + 2;
        continue;
      }
      std::size_t index = 0;
      if (right == std::string::npos || !read_index(text, left + 1, right, index)) throw invalid();
      if (index + 1 > args.size() - 1) {
        throw EvalError{
            "The following format string references more arguments than were "
            "supplied: " +
            text};
      }
      out.append(text, i, left - i);
      out += argument_string(args[index + 1]);
      i = right + 1;
    } else if (right != std::string::npos) {
      if (right + 1 >= text.size() || text[right + 1] != '}') throw invalid();
      out.append(text, i, right - i + 1);
      i = right + 2;
    } else {
      out.append(text, i, std::string::npos);
      break;
    }
  }
  return own(std::move(out));
}

Datum join(const std::vector<Datum>& args) {
  const Value& items = args[0].get();
  if (is_primitive(items)) return own(to_string(items));
  if (!items.is_array()) return own(std::string());
  std::string separator = ",";
  if (args.size() > 1 && is_primitive(args[1].get())) separator = argument_string(args[1]);
  std::string out;
  bool first = true;
  for (const Value& item : items) {
    if (!first) out += separator;
    first = false;
    out += to_string(item);
  }
  return own(std::move(out));
}

Datum from_json(const std::vector<Datum>& args) {
  std::string text = argument_string(args[0]);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) throw EvalError{"empty input"};
  Value parsed = Value::parse(text, nullptr, false);
  if (parsed.is_discarded()) throw EvalError{"Error parsing JSON when evaluating fromJson"};
  return own(std::move(parsed));
}

Datum choose_case(const std::vector<Datum>& args) {
  for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
    if (!args[i].get().is_boolean()) {
      throw EvalError{"case predicate must evaluate to a boolean value"};
    }
    if (args[i].get().get<bool>()) return args[i + 1];
  }
  return args.back();
}

DateValue date_argument(const Datum& datum, std::string_view function) {
  std::string text = argument_string(datum);
  std::optional<DateValue> date = parse_date(text);
  if (!date) {
    throw EvalError{std::string(function) + "(): '" + text +
                    "' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"};
  }
  return *date;
}

Datum date_add(const std::vector<Datum>& args) {
  DateValue date = date_argument(args[0], "dateAdd");
  std::string error;
  std::optional<DateValue> moved = add_to_date(date, argument_string(args[1]), error);
  if (!moved) throw EvalError{"dateAdd(): " + error};
  return own(format_iso(*moved));
}

}  // namespace

const std::vector<FunctionInfo>& builtin_functions() {
  static const std::vector<FunctionInfo> kFunctions = {
      {"contains", 2, 2},      {"startsWith", 2, 2},   {"endsWith", 2, 2},
      {"format", 1, 255},      {"join", 1, 2},         {"toJSON", 1, 1},
      {"fromJSON", 1, 1},      {"case", 3, kMany},     {"success", 0, 0, true},
      {"failure", 0, 0, true}, {"always", 0, 0, true}, {"cancelled", 0, 0, true},
      {"today", 0, 0},         {"now", 0, 0},          {"dateAdd", 2, 2},
      {"formatDate", 2, 2}};
  return kFunctions;
}

const FunctionInfo* find_function(std::string_view name) {
  for (const FunctionInfo& info : builtin_functions()) {
    if (equals_ignore_case(info.name, name)) return &info;
  }
  return nullptr;
}

Datum call_function(std::string_view name, const std::vector<Datum>& args,
                    const EvalContext& context) {
  const FunctionInfo* info = find_function(name);
  std::string_view f = info ? info->name : std::string_view();
  if (f == "contains") return contains(args);
  if (f == "startsWith") return starts_or_ends(args, true);
  if (f == "endsWith") return starts_or_ends(args, false);
  if (f == "format") return format(args);
  if (f == "join") return join(args);
  if (f == "toJSON") return own(to_json_text(args[0].get()));
  if (f == "fromJSON") return from_json(args);
  if (f == "case") return choose_case(args);
  if (f == "success") return own(context.status.success);
  if (f == "failure") return own(context.status.failure);
  if (f == "always") return own(true);
  if (f == "cancelled") return own(context.status.cancelled);
  if (f == "today") return own(format_today(context.now_ms));
  if (f == "now") return own(format_now(context.now_ms));
  if (f == "dateAdd") return date_add(args);
  if (f == "formatDate") {
    return own(format_date(date_argument(args[0], "formatDate"), argument_string(args[1])));
  }
  throw EvalError{"Unrecognized function: '" + std::string(name) + "'"};
}

}  // namespace flowrun::expr
