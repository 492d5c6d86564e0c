#include "core/asl/data_flow.hpp"

#include <fmt/format.h>

#include "core/asl/compiled_data_flow.hpp"
#include "core/asl/intrinsics.hpp"
#include "core/asl/jsonpath.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;

constexpr const char* kRuntime = "States.Runtime";
constexpr const char* kResultPathMatchFailure = "States.ResultPathMatchFailure";

const json* find_field(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// `document` with `value` placed at the Reference Path `path`, creating missing objects on the
// way; throws States.ResultPathMatchFailure when a step meets a value of the wrong kind.
json place_at(json document, const JsonPath& path, json value) {
  auto failure = [&](const std::string& why) {
    return AslError(kResultPathMatchFailure,
                    fmt::format("unable to apply ResultPath '{}': {}", path.text(), why));
  };
  if (path.is_context()) throw failure("a ResultPath cannot write the context object ($$)");
  if (!path.variable().empty()) throw failure("a ResultPath cannot write a variable");
  if (!path.is_reference()) throw failure("a ResultPath must be a Reference Path");
  if (path.segments().empty()) return value;
  json* node = &document;
  bool created = false;  // `node` was just added, so it may become an object
  for (const PathSegment& segment : path.segments()) {
    if (segment.kind == PathSegment::Kind::Name) {
      if (created) *node = json::object();
      if (!node->is_object()) {
        throw failure(fmt::format("cannot add field '{}' to {}", segment.name, node->type_name()));
      }
      created = !node->contains(segment.name);
      node = &(*node)[segment.name];
    } else {
      if (created || !node->is_array()) {
        throw failure(fmt::format("cannot index [{}] into {}", segment.index,
                                  created ? "a missing value" : node->type_name()));
      }
      std::int64_t size = static_cast<std::int64_t>(node->size());
      std::int64_t i = segment.index < 0 ? size + segment.index : segment.index;
      if (i < 0 || i >= size) {
        throw failure(fmt::format("index [{}] is out of range for {} items", segment.index, size));
      }
      node = &(*node)[static_cast<std::size_t>(i)];
    }
  }
  *node = std::move(value);
  return document;
}

// `Raw` is `const json&` (copied where needed) or `json` (moved), so callers that own the input
// avoid a copy. `field` is the ResultPath as written, `compiled` its compiled form.
template <typename Raw>
json apply_result_path(const json* field, const CompiledPath* compiled, Raw&& raw_input,
                       json result) {
  if (!field) return result;  // default `$`: the result replaces the input
  if (field->is_null()) return json(std::forward<Raw>(raw_input));  // discard the result
  return place_at(json(std::forward<Raw>(raw_input)), compiled->path(), std::move(result));
}

template <typename Raw, typename Result>
json output_of(const DataFields& fields, Raw&& raw_input, Result&& result,
               const ContextObject& context) {
  const CompiledDataFlow& flow = *fields.compiled;
  const CompiledPath* result_path = flow.result_path ? &*flow.result_path : nullptr;
  json combined;
  if (flow.result_selector) {
    combined = apply_result_path(fields.result_path, result_path, std::forward<Raw>(raw_input),
                                 flow.result_selector->evaluate(result, context));
  } else {
    combined = apply_result_path(fields.result_path, result_path, std::forward<Raw>(raw_input),
                                 json(std::forward<Result>(result)));
  }
  if (!fields.output_path) return combined;
  if (fields.output_path->is_null()) return json::object();
  return select_parsed_path(combined, flow.output_path->path(), context, kRuntime);
}

}  // namespace

std::shared_ptr<const JsonPath> parse_path(std::string_view path, std::string_view error_name) {
  try {
    return compile_path(path);
  } catch (const PathSyntaxError& error) {
    throw AslError(std::string(error_name), fmt::format("invalid path '{}': {} (at offset {})",
                                                        path, error.what(), error.offset()));
  }
}

json select_path(const json& document, std::string_view path, const ContextObject& context,
                 std::string_view error_name) {
  return select_parsed_path(document, *parse_path(path, error_name), context, error_name);
}

json select_parsed_path(const json& document, const JsonPath& path, const ContextObject& context,
                        std::string_view error_name) {
  const json* root = path.root(document, context);
  if (path.is_definite()) {
    const json* node = root ? path.find(*root) : nullptr;
    if (!node) {
      throw AslError(std::string(error_name),
                     fmt::format("the path '{}' does not match anything in the {}", path.text(),
                                 path.root_name()));
    }
    return *node;
  }
  if (!root) {
    throw AslError(std::string(error_name), fmt::format("the path '{}' reads the {}, which has no "
                                                        "value",
                                                        path.text(), path.root_name()));
  }
  std::vector<const json*> nodes;
  path.select(*root, nodes);
  json out = json::array();
  for (const json* node : nodes) out.push_back(*node);
  return out;
}

json select_reference(const json& document, std::string_view path, const ContextObject& context,
                      std::string_view error_name) {
  return select_parsed_reference(document, *parse_path(path, error_name), context, error_name);
}

json select_parsed_reference(const json& document, const JsonPath& path,
                             const ContextObject& context, std::string_view error_name) {
  if (!path.is_reference()) {
    throw AslError(
        std::string(error_name),
        fmt::format("'{}' is not a Reference Path: it must select a single node", path.text()));
  }
  return select_parsed_path(document, path, context, error_name);
}

json evaluate_expression(std::string_view text, const json& input, const ContextObject& context,
                         std::string_view error_name) {
  if (!text.empty() && text.front() == '$') return select_path(input, text, context, error_name);
  if (is_intrinsic_call(text)) return evaluate_intrinsic(text, input, context);
  throw AslError(std::string(error_name),
                 fmt::format("'{}' is neither a path nor an intrinsic function", text));
}

json evaluate_payload_template(const json& payload_template, const json& input,
                               const ContextObject& context) {
  return CompiledTemplate(payload_template).evaluate(input, context);
}

json effective_input(const json& state, const json& raw_input, const ContextObject& context) {
  return effective_input(DataFields::of(state), raw_input, context);
}

json effective_input(const DataFields& fields, const json& raw_input,
                     const ContextObject& context) {
  const CompiledDataFlow& flow = *fields.compiled;
  json selected;
  const json* input = &raw_input;
  if (const json* input_path = fields.input_path) {
    selected = input_path->is_null()
                   ? json::object()
                   : select_parsed_path(raw_input, flow.input_path->path(), context, kRuntime);
    input = &selected;
  }
  // A Map's Parameters is the legacy name of ItemSelector: DataFields leaves it out.
  if (flow.parameters) return flow.parameters->evaluate(*input, context);
  return fields.input_path ? std::move(selected) : raw_input;
}

json state_output(const json& state, const json& raw_input, const json& result,
                  const ContextObject& context) {
  return output_of(DataFields::of(state), raw_input, result, context);
}

json state_output(const json& state, json&& raw_input, json&& result,
                  const ContextObject& context) {
  return output_of(DataFields::of(state), std::move(raw_input), std::move(result), context);
}

json state_output(const DataFields& fields, const json& raw_input, const json& result,
                  const ContextObject& context) {
  return output_of(fields, raw_input, result, context);
}

json state_output(const DataFields& fields, json&& raw_input, json&& result,
                  const ContextObject& context) {
  return output_of(fields, std::move(raw_input), std::move(result), context);
}

json state_output(const DataFields& fields, const json& raw_input, json&& result,
                  const ContextObject& context) {
  return output_of(fields, raw_input, std::move(result), context);
}

json catcher_output(const json& catcher, const json& raw_input, const json& error_output) {
  const json* field = find_field(catcher, "ResultPath");
  auto path = compile_path_field(field, "ResultPath", kResultPathMatchFailure);
  return apply_result_path(field, path ? &*path : nullptr, raw_input, error_output);
}

}  // namespace flowrun::asl
