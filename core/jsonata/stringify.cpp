#include "core/jsonata/stringify.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/expr/value.hpp"
#include "core/jsonata/function.hpp"

namespace flowrun::jsonata {
namespace {

// nlohmann's escaping is JSON.stringify's: the two-character escapes, \u00xx for other
// control characters, everything else as it is.
void append_string(std::string& out, const std::string& text) {
  out += json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

void newline(std::string& out, bool pretty, int depth) {
  if (!pretty) return;
  out += '\n';
  out.append(static_cast<std::size_t>(depth) * 2, ' ');
}

void append_json(std::string& out, const json& value, bool pretty, int depth);

void append_number(std::string& out, const json& value) {
  if (value.is_number_integer() || value.is_number_unsigned()) {
    double number = value.get<double>();
    if (std::fabs(number) < 1e15) {
      out += value.dump();
      return;
    }
  }
  double number = value.get<double>();
  out += std::isfinite(number) ? format_number(number) : "null";
}

void append_json(std::string& out, const json& value, bool pretty, int depth) {
  switch (value.type()) {
    case json::value_t::string:
      append_string(out, value.get_ref<const std::string&>());
      return;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      append_number(out, value);
      return;
    case json::value_t::array: {
      if (value.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const json& item : value) {
        if (!first) out += ',';
        first = false;
        newline(out, pretty, depth + 1);
        append_json(out, item, pretty, depth + 1);
      }
      newline(out, pretty, depth);
      out += ']';
      return;
    }
    case json::value_t::object: {
      if (value.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ',';
        first = false;
        newline(out, pretty, depth + 1);
        append_string(out, it.key());
        out += pretty ? ": " : ":";
        append_json(out, it.value(), pretty, depth + 1);
      }
      newline(out, pretty, depth);
      out += '}';
      return;
    }
    default:
      out += value.dump();
  }
}

void append_value(std::string& out, const Value& value, bool pretty, int depth) {
  switch (value.kind()) {
    case Value::Kind::Undefined:
      out += "null";
      return;
    case Value::Kind::Function:
      out += "\"\"";
      return;
    case Value::Kind::Json:
      append_json(out, value.data(), pretty, depth);
      return;
    case Value::Kind::Sequence:
      break;
  }
  const auto& items = value.sequence().items;
  if (items.empty()) {
    out += "[]";
    return;
  }
  out += '[';
  bool first = true;
  for (const Value& item : items) {
    if (!first) out += ',';
    first = false;
    newline(out, pretty, depth + 1);
    append_value(out, item, pretty, depth + 1);
  }
  newline(out, pretty, depth);
  out += ']';
}

}  // namespace

std::string format_number(double number) {
  if (!std::isfinite(number) || number == 0) return expr::format_js_number(number);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.14e", number);
  return expr::format_js_number(std::strtod(buffer, nullptr));
}

std::string stringify(const Value& value, bool pretty) {
  std::string out;
  append_value(out, value, pretty, 0);
  return out;
}

std::string to_text(const Value& value, bool pretty) {
  if (value.is_string()) return value.as_string();
  if (value.is_function()) return "";
  return stringify(value, pretty);
}

}  // namespace flowrun::jsonata
