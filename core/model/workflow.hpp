#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/load/source.hpp"
#include "core/util/boxed.hpp"
#include "core/util/duration.hpp"

namespace flowrun {

/// When a step runs, given how its direct `needs` ended (Airflow's rules plus our `always`).
enum class TriggerRule : std::uint8_t {
  AllSuccess,
  AllDone,
  AllFailed,
  OneSuccess,
  OneFailed,
  NoneFailed,
  Always
};
std::string_view to_string(TriggerRule rule);
std::optional<TriggerRule> parse_trigger_rule(std::string_view text);
/// Every rule's contract word, for suggestions and the schema.
const std::vector<std::string>& trigger_rule_names();

/// The built-in step types of `type:`.
enum class StepType : std::uint8_t { Approval, Wait, Workflow, Pass, Fail, Noop, Branch };
std::string_view to_string(StepType type);
std::optional<StepType> parse_step_type(std::string_view text);
const std::vector<std::string>& step_type_names();

/// The outputs of every answered approval step (approved, approver, comment, answered_at,
/// timed_out); its inputs may not take these names.
bool is_approval_output_name(std::string_view name);

/// An environment variable as written: the value may hold `${{ }}` expressions.
struct EnvVar {
  std::string name;
  std::string value;
  SourcePos pos;
  SourcePos value_pos = {};  ///< where the value is written (for expression diagnostics)
};
using EnvList = std::vector<EnvVar>;

struct RetryPolicy {
  int attempts = 1;  ///< total attempts, including the first
  Duration delay{0};
  double backoff = 1.0;  ///< multiplier applied to the delay after each attempt
  std::optional<Duration> max_delay;
  double jitter = 0.0;             ///< fraction of the delay, 0..1, added or removed at random
  std::vector<int> on_exit_codes;  ///< retry only on these exit codes; empty = any failure
  SourcePos pos;
};

/// What a step does: exactly one of `run`, `cmd`, `uses`, `type`.
enum class ActionKind : std::uint8_t { None, Run, Cmd, Uses, Type };
std::string_view to_string(ActionKind kind);

struct Action {
  ActionKind kind = ActionKind::None;
  StepType type = StepType::Noop;  ///< type: built-in step type
  std::string script;              ///< run: a shell script
  std::vector<std::string> argv;   ///< cmd: executed without a shell
  SourcePos pos;                   ///< position of the action's key
  SourcePos script_pos;            ///< position of the `run` value
};

/// `foreach:` a literal list, or an expression that yields an array at run time.
struct Foreach {
  std::optional<nlohmann::json> items;            ///< literal list
  std::string expression;                         ///< when not literal
  int max_parallel = 0;                           ///< 0 = no limit beyond the run's
  std::optional<std::string> tolerated_failures;  ///< a count "2" or a percentage "10%"
  SourcePos pos;
};

struct Repeat {
  std::string until;  ///< expression; the step repeats until it is true
  SourcePos until_pos;
  int max = 0;  ///< 0 = no limit
  Duration interval{0};
  SourcePos pos;
};

struct Param {
  std::string name;
  std::string type = "string";  ///< string|integer|number|boolean|array|object
  std::optional<nlohmann::json> default_value;
  bool required = false;
  std::string description;
  std::vector<nlohmann::json> enum_values;
  std::optional<std::string> pattern;
  std::optional<double> minimum;
  std::optional<double> maximum;
  bool secret = false;
  SourcePos pos;
};

/// How a step's outputs are taken: `key=value` lines from $FLOWRUN_OUTPUT, or stdout as JSON.
enum class OutputsMode : std::uint8_t { File, Json };

/// The keys of a step that most steps leave out, kept apart so that a plain step stays small
/// (a run may hold 10 000 steps).
struct StepExtras {
  std::string name;
  std::string description;
  std::vector<SourcePos> argv_pos;  ///< positions of the `cmd` items
  std::optional<std::string> working_dir;
  SourcePos working_dir_pos;
  std::optional<std::string> shell;      ///< overrides the workflow's shell
  std::optional<std::string> condition;  ///< `if:`
  SourcePos condition_pos;
  SourcePos trigger_pos;
  std::optional<RetryPolicy> retry;
  std::optional<Duration> timeout;
  std::optional<Duration> kill_grace;
  std::optional<Duration> late_after;
  std::optional<Foreach> foreach;
  std::optional<nlohmann::json> matrix;
  /// Fan-out limits as written, for `foreach` and `matrix` alike (also copied into `foreach`).
  int max_parallel = 0;
  std::optional<std::string> tolerated_failures;
  std::optional<Repeat> repeat;
  /// Keys of `with:` (plugins, sub-workflow params) and of the built-in types (message,
  /// inputs, duration, for, error, cause, ...), as data; strings may hold expressions.
  nlohmann::json with = nlohmann::json::object();
  /// `uses:` the plugin's name. Kept here with its `with:` rather than in Action: few steps
  /// call plugins, and every step pays for Action's size.
  std::string plugin;
  nlohmann::json type_config = nlohmann::json::object();
  /// `type: approval`: the fields the answer may carry, declared like params.
  std::vector<Param> inputs;
  /// Step-level hooks: commands run when the step fails or is retried.
  std::optional<std::string> on_failure_hook;
  std::optional<std::string> on_retry_hook;
};

/// One entry of a step's `needs`: the id it names and where that is written.
struct Need {
  std::string id;
  SourcePos pos;
  friend bool operator==(const Need&, const Need&) = default;
};

struct Step {
  std::string id;
  SourcePos pos;     ///< the step's mapping
  SourcePos id_pos;  ///< the value of `id`
  std::vector<Need> needs;
  Action action;
  EnvList env;
  TriggerRule trigger = TriggerRule::AllSuccess;
  bool continue_on_error = false;
  OutputsMode outputs = OutputsMode::File;

  /// The ids of `needs`, in order.
  std::vector<std::string> need_ids() const;

  /// The rarer keys: the step's own, or defaults (empty, absent) when it sets none.
  const StepExtras& extra() const;
  /// Whether the step stores any of the rarer keys (a plain step does not allocate them).
  bool has_extra() const { return extras_.has_value(); }
  /// The rarer keys for writing; stored from the first call on.
  StepExtras& edit_extra() { return extras_.ensure(); }

 private:
  Boxed<StepExtras> extras_;
};

struct Secret {
  std::string name;
  std::optional<std::string> from_env;
  std::optional<std::string> from_file;
  SourcePos pos;
};

struct Defaults {
  std::optional<RetryPolicy> retry;
  std::optional<Duration> timeout;
  std::optional<Duration> kill_grace;
  std::optional<std::string> shell;
  EnvList env;
};

struct Schedule {
  std::vector<std::string> cron;  ///< five-field cron expressions
  std::string timezone;
  SourcePos pos;
};

/// A native workflow as loaded from one file. Holds no YAML types: core/load builds it.
struct Workflow {
  std::string file;  ///< path as given by the user
  std::string dir;   ///< folder of the file: the default working directory
  std::string name;  ///< defaults to the file's stem
  std::string description;
  std::vector<Param> params;
  std::vector<Secret> secrets;
  EnvList env;
  std::optional<std::string> working_dir;
  std::optional<std::string> shell;
  std::optional<int> concurrency;
  std::optional<int> max_active_runs;
  std::optional<Duration> timeout;
  std::optional<Duration> late_after;
  Defaults defaults;
  std::vector<std::pair<std::string, std::string>> outputs;  ///< name -> expression
  std::vector<SourcePos> outputs_pos;  ///< parallel to `outputs`: where each value is written
  std::vector<Step> steps;
  std::vector<Step> on_success;
  std::vector<Step> on_failure;
  std::vector<Step> on_cancel;
  std::vector<Step> on_exit;
  std::vector<Step> on_late;
  std::optional<Schedule> schedule;

  /// The main-graph step with this id, or nullptr.
  const Step* find_step(std::string_view id) const;
};

/// The shell a `run:` step uses, as argv before the script: `/bin/sh -c` by default, `bash`
/// gets `-eo pipefail -c`. `shell` is the written value (a command line) or empty.
std::vector<std::string> shell_argv(const std::string& shell);

}  // namespace flowrun
