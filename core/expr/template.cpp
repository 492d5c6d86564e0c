#include "core/expr/template.hpp"

#include "core/expr/functions.hpp"

namespace flowrun::expr {
namespace {

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The offset of the `}}` that closes an expression starting at `from`, skipping strings.
std::size_t find_close(std::string_view text, std::size_t from) {
  bool in_string = false;
  for (std::size_t i = from; i < text.size(); ++i) {
    if (text[i] == '\'') {
      in_string = !in_string;
    } else if (!in_string && text[i] == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      return i;
    }
  }
  return std::string_view::npos;
}

std::optional<ParseError> add_expression(std::string_view source, std::uint32_t offset,
                                         Template& out, const ParseOptions& options) {
  TemplatePart part;
  part.is_expression = true;
  part.text = std::string(source);
  part.offset = offset;
  Parsed parsed = parse(source, options);
  if (parsed.error) {
    ParseError error = std::move(*parsed.error);
    error.offset += offset;
    out.parts.push_back(std::move(part));
    return error;
  }
  part.root = std::move(parsed.root);
  out.parts.push_back(std::move(part));
  return std::nullopt;
}

}  // namespace

bool Template::has_expressions() const {
  for (const auto& part : parts) {
    if (part.is_expression) return true;
  }
  return false;
}

const TemplatePart* Template::single_expression() const {
  const TemplatePart* found = nullptr;
  for (const auto& part : parts) {
    if (part.is_expression) {
      if (found) return nullptr;
      found = &part;
    } else if (!is_blank(part.text)) {
      return nullptr;
    }
  }
  return found;
}

bool has_expression(std::string_view text) { return text.find("${{") != std::string_view::npos; }

std::optional<ParseError> parse_template(std::string_view text, Template& out,
                                         const ParseOptions& options,
                                         std::vector<ParseError>* more_errors) {
  out.parts.clear();
  std::optional<ParseError> first;
  auto keep = [&](ParseError error) {
    if (!first) {
      first = std::move(error);
    } else {
      more_errors->push_back(std::move(error));
    }
  };
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t open = text.find("${{", i);
    std::size_t literal_end = open == std::string_view::npos ? text.size() : open;
    if (literal_end > i) {
      TemplatePart literal;
      literal.text = std::string(text.substr(i, literal_end - i));
      literal.offset = static_cast<std::uint32_t>(i);
      out.parts.push_back(std::move(literal));
    }
    if (open == std::string_view::npos) break;
    std::size_t close = find_close(text, open + 3);
    if (close == std::string_view::npos) {
      keep({ParseError::Kind::Syntax,
            "Unclosed expression: '${{' without '}}'",
            static_cast<std::uint32_t>(open),
            3,
            {}});
      return first;
    }
    if (auto error = add_expression(text.substr(open + 3, close - open - 3),
                                    static_cast<std::uint32_t>(open + 3), out, options)) {
      if (!more_errors) return error;
      keep(std::move(*error));
    }
    i = close + 2;
  }
  return first;
}

std::optional<ParseError> parse_condition(std::string_view text, Template& out,
                                          const ParseOptions& options) {
  if (has_expression(text)) return parse_template(text, out, options);
  out.parts.clear();
  return add_expression(text, 0, out, options);
}

Rendered render_string(const Template& tmpl, const EvalContext& context) {
  Rendered rendered;
  for (const auto& part : tmpl.parts) {
    if (!part.is_expression) {
      rendered.text += part.text;
      continue;
    }
    Evaluated value = evaluate(part.root.get(), context);
    if (value.error) {
      rendered.error = "${{" + part.text + "}}: " + *value.error;
      return rendered;
    }
    rendered.text += to_string(value.value);
  }
  return rendered;
}

Evaluated render_value(const Template& tmpl, const EvalContext& context) {
  if (const TemplatePart* single = tmpl.single_expression()) {
    Evaluated value = evaluate(single->root.get(), context);
    if (value.error) value.error = "${{" + single->text + "}}: " + *value.error;
    return value;
  }
  Rendered rendered = render_string(tmpl, context);
  Evaluated value;
  value.value = std::move(rendered.text);
  value.error = std::move(rendered.error);
  return value;
}

StatusUse find_status_functions(const Template& tmpl) {
  StatusUse use;
  for (const auto& part : tmpl.parts) {
    if (!part.root) continue;
    walk(*part.root, [&](const Node& node) {
      if (node.kind != NodeKind::Call) return;
      const FunctionInfo* info = find_function(node.name);
      if (!info || !info->status) return;
      use.any = true;
      if (info->name == "always") use.always = true;
      if (info->name == "cancelled") use.cancelled = true;
    });
  }
  return use;
}

}  // namespace flowrun::expr
