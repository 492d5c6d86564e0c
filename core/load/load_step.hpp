#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/load/field_reader.hpp"
#include "core/load/node.hpp"
#include "core/model/workflow.hpp"

namespace flowrun {

/// Converts one step mapping, reporting its problems through `reader`. `default_id` is used
/// when the step has no `id` (handlers may omit it); empty means `id` is required. Returns
/// nullopt only when `node` is not a mapping.
std::optional<Step> load_step(FieldReader& reader, const Node& node, const std::string& default_id);

/// Reads the keys of the built-in step types (`message`, `duration`, `for` ...) into
/// `step.extra().type_config`; `type_known` tells whether `step.action.type` is a recognised type.
void read_type_keys(FieldReader& reader, const Node& node, Step& step, bool type_known);

/// How a block of declared values is named in messages and which keys a declaration takes:
/// a workflow's `params`, or the `inputs` of an approval step.
struct FieldSyntax {
  std::string_view noun = "param";
  std::string_view block = "params";
  const std::vector<std::string>* keys = nullptr;  ///< nullptr: param_keys()
};

/// Params (`params:`) and secrets (`secrets:`) blocks of a workflow; with `syntax`, any block
/// declared like params (an approval's `inputs:`).
std::vector<Param> load_params(FieldReader& reader, const Node& node,
                               const FieldSyntax& syntax = {});
std::vector<Secret> load_secrets(FieldReader& reader, const Node& node);

}  // namespace flowrun
