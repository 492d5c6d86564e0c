#include "core/asl/jsonata_value.hpp"

#include <fmt/format.h>

#include "core/asl/data_flow.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;

constexpr const char* kQueryEvaluationError = "States.QueryEvaluationError";
// Definitions come from a reader that bounds their depth; this guards the recursion anyway.
constexpr int kMaxDepth = 512;

std::string_view trim(std::string_view text) {
  const char* blanks = " \t\r\n";
  std::size_t first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

bool contains_expression(const json& value, int depth) {
  if (depth > kMaxDepth) return false;
  if (value.is_string())
    return jsonata_expression_text(value.get_ref<const std::string&>()).has_value();
  if (value.is_structured()) {
    for (const json& item : value) {
      if (contains_expression(item, depth + 1)) return true;
    }
  }
  return false;
}

}  // namespace

std::optional<std::string_view> jsonata_expression_text(std::string_view text) {
  if (text.size() < 4 || text.substr(0, 2) != "{%" || text.substr(text.size() - 2) != "%}") {
    return std::nullopt;
  }
  return text.substr(2, text.size() - 4);
}

std::string query_error_cause(std::string_view state, std::string_view expression,
                              std::string_view field, std::string_view what) {
  return fmt::format(
      "An error occurred while executing the state '{}'. The JSONata expression '{}' specified "
      "for the field '{}' {}",
      state, expression, field, what);
}

JsonataValue JsonataValue::compile(const json& value) {
  JsonataValue out;
  if (!contains_expression(value, 0)) {
    out.literal_ = value;
    return out;
  }
  if (value.is_string()) {
    std::string_view text = *jsonata_expression_text(value.get_ref<const std::string&>());
    out.text_ = std::string(trim(text));
    try {
      out.expression_ = jsonata::Expression::compile(text);
      out.kind_ = Kind::Expression;
    } catch (const jsonata::Error& error) {
      out.kind_ = Kind::Invalid;
      out.problem_ = fmt::format("{}: {}", error.code(), error.what());
    }
    return out;
  }
  if (value.is_object()) {
    out.kind_ = Kind::Object;
    for (auto it = value.begin(); it != value.end(); ++it) {
      out.members_.emplace_back(it.key(), compile(*it));
    }
    return out;
  }
  out.kind_ = Kind::Array;
  for (const json& item : value) out.items_.push_back(compile(item));
  return out;
}

json JsonataValue::evaluate(const json& input, const jsonata::Environment& environment,
                            std::string_view state, std::string_view field) const {
  std::string path(field);
  return evaluate_at(input, environment, state, path);
}

json JsonataValue::evaluate_at(const json& input, const jsonata::Environment& environment,
                               std::string_view state, std::string& field) const {
  switch (kind_) {
    case Kind::Literal:
      return literal_;
    case Kind::Invalid:
      throw AslError(kQueryEvaluationError,
                     query_error_cause(state, text_, field, "does not parse: " + problem_));
    case Kind::Expression: {
      std::optional<json> result;
      try {
        result = expression_->evaluate(input, environment);
      } catch (const jsonata::Error& error) {
        throw AslError(
            kQueryEvaluationError,
            query_error_cause(state, text_, field,
                              fmt::format("threw an error: {}: {} (at character {})", error.code(),
                                          error.what(), error.position())));
      }
      if (!result) {
        throw AslError(kQueryEvaluationError,
                       query_error_cause(state, text_, field, "returned nothing (undefined)."));
      }
      return std::move(*result);
    }
    case Kind::Object: {
      json out = json::object();
      const std::size_t length = field.size();
      for (const auto& [key, member] : members_) {
        field += '/';
        field += key;
        out[key] = member.evaluate_at(input, environment, state, field);
        field.resize(length);
      }
      return out;
    }
    case Kind::Array: {
      json out = json::array();
      const std::size_t length = field.size();
      for (std::size_t i = 0; i < items_.size(); ++i) {
        field += fmt::format("[{}]", i);
        out.push_back(items_[i].evaluate_at(input, environment, state, field));
        field.resize(length);
      }
      return out;
    }
  }
  return literal_;
}

}  // namespace flowrun::asl
