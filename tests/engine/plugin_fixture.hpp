#pragma once

#include <string>
#include <vector>

#include "engine/engine_fixture.hpp"

namespace flowrun::test {

/// A `uses:` step.
inline Step plugin_step(std::string id, std::string plugin,
                        nlohmann::json with = nlohmann::json::object(),
                        std::vector<std::string> needs = {}) {
  Step step;
  step.id = std::move(id);
  step.action.kind = ActionKind::Uses;
  step.edit_extra().plugin = std::move(plugin);
  step.edit_extra().with = std::move(with);
  step.needs = needs_of(std::move(needs));
  return step;
}

/// Output `key` of step `id` in the fixture's last run, or a marker when there is none.
inline std::string output_of(const EngineFixture& fx, const std::string& id,
                             const std::string& key) {
  const StepDetails* details = fx.details(id);
  if (!details) return "<no details>";
  for (const auto& [name, value] : details->outputs) {
    if (name == key) return value;
  }
  return "<missing>";
}

/// The cause of step `id`, "" when none.
inline std::string cause_of(const EngineFixture& fx, const std::string& id) {
  const StepDetails* details = fx.details(id);
  return details ? details->cause : "";
}

}  // namespace flowrun::test
