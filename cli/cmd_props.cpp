#include <fmt/format.h>

#include <cstdlib>
#include <memory>

#include "cli/history_commands.hpp"
#include "cli/state_dir.hpp"
#include "cli/terminal.hpp"
#include "core/store/run_props.hpp"
#include "core/store/run_store.hpp"
#include "core/util/error.hpp"

namespace flowrun::cli {
namespace {

constexpr int kExitMissing = 1;
constexpr int kExitUsage = 2;

struct PropsOptions {
  std::string action;  // get, set, incr, list
  std::string key;
  std::string value;
  std::int64_t by = 1;
  std::string run;
  std::string state_dir;
  bool json = false;
};

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// The state directory: --state-dir, else the one flowrun gave the step, else the default.
std::string props_state_dir(const PropsOptions& options) {
  if (!options.state_dir.empty()) return options.state_dir;
  if (std::string dir = env_or_empty("FLOWRUN_STATE_DIR"); !dir.empty()) return dir;
  return resolve_state_dir("");
}

bool is_active(const RunRow& run) {
  RunStatus status = effective_status(run);
  return status == RunStatus::Running || status == RunStatus::Waiting;
}

int run_props(const PropsOptions& options) {
  const bool writes = options.action == "set" || options.action == "incr";
  std::string run_id = env_or_empty("FLOWRUN_RUN_ID");
  if (!options.run.empty()) {
    if (writes) {
      print_error("props " + options.action +
                  ": --run only reads a run's properties; a step sets them while its run runs");
      return kExitUsage;
    }
    run_id.clear();
  } else if (run_id.empty()) {
    print_error(
        "props: not inside a flowrun step (FLOWRUN_RUN_ID is not set); run it from a "
        "step, or read a run's properties with --run RUN");
    return kExitUsage;
  }
  if (writes) {
    if (std::string problem = check_prop_key(options.key); !problem.empty()) {
      print_error("props " + options.action + ": " + problem);
      return kExitUsage;
    }
    if (options.value.size() > kMaxPropBytes) {
      print_error(fmt::format("props set: the value of '{}' is larger than {} bytes", options.key,
                              kMaxPropBytes));
      return kExitUsage;
    }
  }
  std::string state_dir = props_state_dir(options);
  std::unique_ptr<RunStore> store = RunStore::open_existing(state_dir);
  if (!store) throw Error("no runs are recorded in '" + state_dir + "'");
  RunRow run;
  if (!options.run.empty()) {
    run = store->resolve_run(options.run);
  } else if (auto found = store->find_run(run_id)) {
    run = std::move(*found);
  } else {
    throw Error(
        fmt::format("run '{}' (FLOWRUN_RUN_ID) is not in the run history of '{}'; runs "
                    "started with --no-history have no properties",
                    run_id, store->state_dir()));
  }
  if (writes && !is_active(run)) {
    throw Error(fmt::format("run '{}' is {}; only a running run's properties can be set", run.id,
                            to_string(effective_status(run))));
  }
  RunProps props(store->db(), run.key);
  std::string step = env_or_empty("FLOWRUN_STEP");
  if (options.action == "set") {
    props.set(options.key, options.value, step);
    return 0;
  }
  if (options.action == "incr") {
    std::string current;
    auto value = props.increment(options.key, options.by, step, current);
    if (!value) {
      throw Error(fmt::format("props incr: property '{}' of run '{}' is '{}', not an integer",
                              options.key, run.id, current));
    }
    write(stdout, std::to_string(*value) + "\n");
    return 0;
  }
  if (options.action == "get") {
    std::optional<std::string> value = props.get(options.key);
    if (!value) {
      print_error(fmt::format("run '{}' has no property '{}'", run.id, options.key));
      return kExitMissing;
    }
    write(stdout, *value + "\n");
    return 0;
  }
  nlohmann::json all = props.list();
  if (options.json) {
    write(stdout, all.dump(2) + "\n");
  } else {
    for (const auto& [key, value] : all.items()) {
      write(stdout, key + "=" + value.get<std::string>() + "\n");
    }
  }
  return 0;
}

}  // namespace

void add_props_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<PropsOptions>();
  CLI::App* command = app.add_subcommand(
      "props", "Run properties: run-wide key/values that steps set and read (from a step)");
  command->require_subcommand(1);
  auto common = [&](CLI::App* sub, bool reads) {
    if (reads) {
      sub->add_option("--run", options->run,
                      "Read this run (id, prefix or 'last') instead of $FLOWRUN_RUN_ID");
    }
    sub->add_option("--state-dir", options->state_dir,
                    "Where runs are recorded (default: $FLOWRUN_STATE_DIR in a step)");
  };
  CLI::App* get = command->add_subcommand("get", "Print the value of a property");
  get->add_option("key", options->key, "Property key")->required();
  common(get, true);
  CLI::App* set = command->add_subcommand("set", "Set a property of the running run");
  set->add_option("key", options->key, "Property key (letters, digits, _ and -)")->required();
  set->add_option("value", options->value, "Value (text)")->required();
  common(set, false);
  CLI::App* incr = command->add_subcommand(
      "incr", "Add to an integer property atomically (missing = 0) and print the result");
  incr->add_option("key", options->key, "Property key")->required();
  incr->add_option("by", options->by, "Amount to add (default 1)");
  common(incr, false);
  CLI::App* list = command->add_subcommand("list", "Print every property as KEY=VALUE lines");
  list->add_flag("--json", options->json, "Print one JSON object instead");
  common(list, true);
  for (CLI::App* sub : {get, set, incr, list}) {
    std::string name = sub->get_name();
    sub->callback([options, &exit_code, name] {
      options->action = name;
      exit_code = run_props(*options);
    });
  }
}

}  // namespace flowrun::cli
