#pragma once

#include <poll.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/exec/plugin_protocol.hpp"

namespace flowrun {

class HttpClient;

/// A plugin compiled into flowrun: its name, one line of description and the JSON Schema of
/// its `with:`.
struct BuiltinPluginInfo {
  std::string name;
  std::string description;
  nlohmann::json schema;
};

/// The built-in plugins (`http`, `llm`, `sqlite`), in name order.
const std::vector<BuiltinPluginInfo>& builtin_plugins();
/// The built-in plugin called `name`, or nullptr.
const BuiltinPluginInfo* find_builtin_plugin(std::string_view name);

/// What a built-in call may read besides its `with:`.
struct BuiltinContext {
  std::string working_dir;               ///< relative paths in `with:` are taken from here
  std::string log_path;                  ///< the attempt's log: built-ins write what they did here
  std::string spill_path;                ///< where a body too large for an output goes
  std::vector<std::string> environment;  ///< the step's environment, `NAME=value`
};

/// Runs built-in plugin calls inside the caller's event loop: HTTP transfers are driven by
/// the loop's poll (no thread per request); sqlite runs at once. One call per key at a time.
class BuiltinRunner {
 public:
  BuiltinRunner();
  ~BuiltinRunner();
  BuiltinRunner(const BuiltinRunner&) = delete;
  BuiltinRunner& operator=(const BuiltinRunner&) = delete;

  /// Starts `call`; its result comes out of take_finished, possibly on the next turn.
  void start(std::uint64_t key, const PluginCall& call, const BuiltinContext& context);
  /// Abandons the call under `key` (a timeout or cancel); no result will come for it.
  void cancel(std::uint64_t key);

  /// Appends the descriptors the loop must watch.
  void add_pollfds(std::vector<pollfd>& fds) const;
  /// How long the loop may sleep, in ns: 0 when results are waiting, -1 for no limit.
  std::int64_t timeout_ns() const;
  /// Does the work the ready descriptors (their `revents`) and due timers allow.
  void process(const std::vector<pollfd>& fds);
  /// The calls that ended since the last time.
  std::vector<std::pair<std::uint64_t, PluginResult>> take_finished();

  struct Call;

 private:
  HttpClient& http();
  void start_call(std::uint64_t key, const PluginCall& call, const BuiltinContext& context);
  void finish(std::uint64_t key, PluginResult result);

  std::unique_ptr<HttpClient> http_;
  std::vector<std::unique_ptr<Call>> calls_;
  std::vector<std::pair<std::uint64_t, PluginResult>> finished_;
};

/// The value of `name` in an environment of `NAME=value` strings, or "" when unset.
std::string env_value(const std::vector<std::string>& environment, std::string_view name);

}  // namespace flowrun
