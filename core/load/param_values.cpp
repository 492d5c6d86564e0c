#include "core/load/param_values.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "core/util/regex.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

std::string shown(const nlohmann::json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return "'" + text + "'";
}

std::string type_phrase(std::string_view type) {
  if (type == "integer") return "an integer";
  if (type == "array") return "a list";
  if (type == "object") return "an object";
  return fmt::format("a {}", type);
}

// Converts `-p` text by the declared type; nullopt when it does not read as that type.
std::optional<nlohmann::json> from_text(const std::string& text, std::string_view type) {
  if (type == "string") return text;
  if (type == "integer") {
    std::int64_t number = 0;
    const char* begin = text.data() + (text.size() > 1 && text[0] == '+' ? 1 : 0);
    auto [end, error] = std::from_chars(begin, text.data() + text.size(), number);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
      return std::nullopt;
    }
    return number;
  }
  if (type == "number") {
    double number = 0;
    const char* begin = text.data() + (text.size() > 1 && text[0] == '+' ? 1 : 0);
    auto [end, error] = std::from_chars(begin, text.data() + text.size(), number);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(number)) {
      return std::nullopt;
    }
    if (std::trunc(number) == number && std::fabs(number) < 9e15) {
      return static_cast<std::int64_t>(number);
    }
    return number;
  }
  if (type == "boolean") {
    if (text == "true") return true;
    if (text == "false") return false;
    return std::nullopt;
  }
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return std::nullopt;
  if (type == "array" && !parsed.is_array()) return std::nullopt;
  if (type == "object" && !parsed.is_object()) return std::nullopt;
  return parsed;
}

// Checks a structured value (params file, --input) against the type.
std::optional<nlohmann::json> from_data(const nlohmann::json& value, std::string_view type) {
  if (type == "string") {
    if (value.is_string()) return value;
    if (value.is_number() || value.is_boolean()) return value.dump();
    return std::nullopt;
  }
  if (type == "integer") {
    if (value.is_number_integer()) return value;
    if (value.is_number_float() && std::trunc(value.get<double>()) == value.get<double>()) {
      return static_cast<std::int64_t>(value.get<double>());
    }
    return std::nullopt;
  }
  if (type == "number") return value.is_number() ? std::optional(value) : std::nullopt;
  if (type == "boolean") return value.is_boolean() ? std::optional(value) : std::nullopt;
  if (type == "array") return value.is_array() ? std::optional(value) : std::nullopt;
  if (type == "object") return value.is_object() ? std::optional(value) : std::nullopt;
  return value;
}

void check_rules(const Param& param, const nlohmann::json& value, const std::string& origin,
                 std::string_view noun, std::vector<std::string>& errors) {
  if (!param.enum_values.empty()) {
    bool listed = false;
    for (const auto& allowed : param.enum_values) listed = listed || allowed == value;
    if (!listed) {
      std::vector<std::string> names;
      for (const auto& allowed : param.enum_values) names.push_back(shown(allowed));
      errors.push_back(fmt::format("{} '{}' ({}): {} is not one of {}", noun, param.name, origin,
                                   shown(value), join(names, ", ")));
    }
  }
  if (param.pattern && value.is_string()) {
    PatternCheck check = check_pattern(*param.pattern, value.get<std::string>());
    if (!check.failure.empty()) {
      errors.push_back(
          fmt::format("{} '{}' ({}): {} cannot be checked against the pattern '{}': {}", noun,
                      param.name, origin, shown(value), *param.pattern, check.failure));
    } else if (!check.matches) {
      errors.push_back(fmt::format("{} '{}' ({}): {} does not match the pattern '{}'", noun,
                                   param.name, origin, shown(value), *param.pattern));
    }
  }
  if (value.is_number()) {
    double number = value.get<double>();
    if (param.minimum && number < *param.minimum) {
      errors.push_back(fmt::format("{} '{}' ({}): {} is below the minimum {}", noun, param.name,
                                   origin, shown(value), *param.minimum));
    }
    if (param.maximum && number > *param.maximum) {
      errors.push_back(fmt::format("{} '{}' ({}): {} is above the maximum {}", noun, param.name,
                                   origin, shown(value), *param.maximum));
    }
  }
}

}  // namespace

PatternCheck check_pattern(const std::string& pattern, const std::string& value) {
  try {
    return {.matches = Regex(pattern).is_found_in(value), .failure = {}};
  } catch (const RegexSyntaxError&) {
    return {};
  } catch (const RegexMatchError& error) {
    return {.matches = false, .failure = error.what()};
  }
}

ResolvedParams resolve_params(const std::vector<Param>& declared,
                              const std::vector<ParamInput>& given, const ValueSyntax& syntax) {
  const std::string_view noun = syntax.noun;
  ResolvedParams resolved;
  std::vector<std::string> names;
  for (const Param& param : declared) {
    names.push_back(param.name);
    if (param.default_value) resolved.values[param.name] = *param.default_value;
  }
  for (const ParamInput& input : given) {
    const Param* param = nullptr;
    for (const Param& candidate : declared) {
      if (candidate.name == input.name) param = &candidate;
    }
    if (!param) {
      std::string message = fmt::format("unknown {} '{}' ({}): {} declares ", noun, input.name,
                                        input.origin, syntax.owner);
      if (names.empty()) {
        message += fmt::format("no {}s", noun);
      } else if (auto match = closest_match(input.name, names)) {
        message += fmt::format("'{}'; did you mean '{}'?", join(names, "', '"), *match);
      } else {
        message += fmt::format("'{}'", join(names, "', '"));
      }
      resolved.errors.push_back(std::move(message));
      continue;
    }
    std::optional<nlohmann::json> typed =
        input.is_text ? from_text(input.value.get<std::string>(), param->type)
                      : from_data(input.value, param->type);
    if (!typed) {
      resolved.errors.push_back(fmt::format("{} '{}' ({}): {} is not {} (its type)", noun,
                                            param->name, input.origin, shown(input.value),
                                            type_phrase(param->type)));
      continue;
    }
    check_rules(*param, *typed, input.origin, noun, resolved.errors);
    resolved.values[param->name] = std::move(*typed);
  }
  for (const Param& param : declared) {
    if (param.required && !resolved.values.contains(param.name)) {
      resolved.errors.push_back(
          fmt::format("{} '{}' is required and has no default: give it with {} {}=VALUE", noun,
                      param.name, syntax.flag, param.name));
    }
  }
  return resolved;
}

std::optional<ParamInput> text_input(const std::string& entry, const std::string& origin) {
  std::size_t equals = entry.find('=');
  if (equals == std::string::npos || equals == 0) return std::nullopt;
  return ParamInput{entry.substr(0, equals), entry.substr(equals + 1), true, origin};
}

std::vector<ParamInput> object_inputs(const nlohmann::json& value, const std::string& origin,
                                      std::string& error) {
  std::vector<ParamInput> inputs;
  if (!value.is_object()) {
    error = origin + " must hold an object of param names to values";
    return inputs;
  }
  for (const auto& [name, item] : value.items()) inputs.push_back({name, item, false, origin});
  return inputs;
}

nlohmann::json mask_secret_params(const std::vector<Param>& declared,
                                  const nlohmann::json& params) {
  nlohmann::json masked = params;
  for (const Param& param : declared) {
    if (param.secret && masked.contains(param.name)) masked[param.name] = "***";
  }
  return masked;
}

std::vector<std::string> secret_values(const std::vector<Param>& declared,
                                       const nlohmann::json& params) {
  std::vector<std::string> values;
  for (const Param& param : declared) {
    if (!param.secret || !params.contains(param.name)) continue;
    const nlohmann::json& value = params[param.name];
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (!text.empty()) values.push_back(std::move(text));
  }
  return values;
}

std::string hide_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    for (std::size_t at = 0; (at = text.find(secret, at)) != std::string::npos; at += 3) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

nlohmann::json hide_secrets(const nlohmann::json& value, const std::vector<std::string>& secrets) {
  if (secrets.empty()) return value;
  if (value.is_string()) return hide_secrets(value.get<std::string>(), secrets);
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(hide_secrets(item, secrets));
    return out;
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, item] : value.items()) {
      out[hide_secrets(key, secrets)] = hide_secrets(item, secrets);
    }
    return out;
  }
  return value;
}

}  // namespace flowrun
