#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/engine/run_state.hpp"
#include "core/model/workflow.hpp"

namespace flowrun {

/// True when the step runs one child per `foreach` item or `matrix` combination.
inline bool is_fan_out(const Step& step) { return step.extra().foreach || step.extra().matrix; }

/// The name a unit goes by in logs, status and history: the step id, or `id[3]` for a child.
std::string unit_label(const Workflow& workflow, const RunState& state, std::size_t unit);

/// Splits a child label `id[3]` into the step id and the index; nullopt for a plain id.
std::optional<std::pair<std::string_view, std::uint32_t>> split_child_label(std::string_view label);

/// The combinations of a `matrix:` (name -> list) as GitHub Actions makes them: the cross
/// product of the lists, less the `exclude` entries (matching on the keys they name), then
/// each `include` entry merged into every combination whose original values it does not
/// change, or added as a combination of its own when it fits none. An array of objects.
nlohmann::json expand_matrix(const nlohmann::json& matrix);

/// Whether `failed` failures of `total` children are more than `tolerated_failures` (a count
/// "2" or a percentage "10%") allows; with no setting, any failure is too many.
bool exceeds_tolerance(const std::optional<std::string>& tolerated_failures, std::size_t failed,
                       std::size_t total);

/// `FLOWRUN_ITEM`'s value: a string item as it is, anything else as compact JSON.
std::string item_env_value(const nlohmann::json& item);

/// The items of a `foreach` from the value of its expression: an array, or a string holding
/// a JSON array (step outputs are strings). False with `cause` set otherwise.
bool items_from_value(const nlohmann::json& value, nlohmann::json& items, std::string& cause);

}  // namespace flowrun
