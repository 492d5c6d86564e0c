#include "core/exec/builtin_plugins.hpp"

#include <algorithm>

namespace flowrun {

const std::vector<BuiltinPluginInfo>& builtin_plugins() {
  static const std::vector<BuiltinPluginInfo> plugins = {};
  return plugins;
}

const BuiltinPluginInfo* find_builtin_plugin(std::string_view name) {
  for (const auto& plugin : builtin_plugins()) {
    if (plugin.name == name) return &plugin;
  }
  return nullptr;
}

std::string env_value(const std::vector<std::string>& environment, std::string_view name) {
  for (const auto& entry : environment) {
    if (entry.size() > name.size() && entry[name.size()] == '=' && entry.starts_with(name)) {
      return entry.substr(name.size() + 1);
    }
  }
  return {};
}

struct BuiltinRunner::Call {
  std::uint64_t key = 0;
};

BuiltinRunner::BuiltinRunner() = default;
BuiltinRunner::~BuiltinRunner() = default;

void BuiltinRunner::start(std::uint64_t key, const PluginCall& call, const BuiltinContext&) {
  PluginResult result;
  result.error = "PluginNotFound";
  result.cause = "plugin '" + call.plugin + "' is not built in";
  finish(key, std::move(result));
}

void BuiltinRunner::cancel(std::uint64_t key) {
  std::erase_if(calls_, [&](const auto& call) { return call->key == key; });
  std::erase_if(finished_, [&](const auto& done) { return done.first == key; });
}

void BuiltinRunner::add_pollfds(std::vector<pollfd>&) const {}

std::int64_t BuiltinRunner::timeout_ns() const { return finished_.empty() ? -1 : 0; }

void BuiltinRunner::process(const std::vector<pollfd>&) {}

std::vector<std::pair<std::uint64_t, PluginResult>> BuiltinRunner::take_finished() {
  std::vector<std::pair<std::uint64_t, PluginResult>> done;
  done.swap(finished_);
  return done;
}

void BuiltinRunner::finish(std::uint64_t key, PluginResult result) {
  std::erase_if(calls_, [&](const auto& call) { return call->key == key; });
  finished_.emplace_back(key, std::move(result));
}

}  // namespace flowrun
