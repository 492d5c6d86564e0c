#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/engine/run_state.hpp"
#include "core/expr/evaluator.hpp"
#include "core/expr/template.hpp"
#include "core/model/workflow.hpp"

namespace flowrun {

/// A step's action and settings with their expressions evaluated, for one attempt.
struct RenderedStep {
  std::string script;             ///< run: with ${FLOWRUN_EXPR_n} references
  std::vector<std::string> argv;  ///< cmd: rendered items
  EnvList env;                    ///< the step's env, rendered
  std::optional<std::string> working_dir;
  std::vector<std::string> values;  ///< `FLOWRUN_EXPR_n=value` for the script
};

/// The item a fan-out child runs with: `item`, `item_index`, and `matrix` for a matrix.
struct ItemScope {
  const nlohmann::json* item = nullptr;
  std::uint32_t index = 0;
  bool is_matrix = false;
};
/// True when the expression may read `run.props` (`run.props...`, or `run` as a whole), whose
/// values steps set while the run goes on.
bool reads_run_props(const expr::Node& root);

/// What an `if:` says once the trigger rule lets a step run.
enum class ConditionResult { Run, Skip, Fail };

/// The `${{ }}` expressions of one run, parsed once, and the contexts they read: params,
/// env, steps (outputs, status, exit_code of the steps an expression names), run (id,
/// started_at), workflow (name). Steps without expressions cost nothing.
class StepExpressions {
 public:
  StepExpressions(const Workflow& workflow, const nlohmann::json& params,
                  const nlohmann::json& secrets = nlohmann::json::object());

  /// Fills run.id, run.started_at and workflow.name, and renders the workflow's env (which
  /// may read params, run and workflow). Call once the run's start time is known.
  void start(const RunState& state);
  /// Adds run.status and run.failed_steps, which the workflow's handlers read.
  void set_run_outcome(RunStatus status, const std::vector<std::string>& failed_steps);
  /// Where `run.props` comes from (read again for each step that uses it); none = empty.
  void set_props_reader(std::function<nlohmann::json()> reader) {
    props_reader_ = std::move(reader);
  }
  /// True when the workflow's or defaults' env hold expressions (then use the two below).
  bool has_workflow_env() const { return has_workflow_env_; }
  const EnvList& workflow_env() const { return workflow_env_; }
  const EnvList& defaults_env() const { return defaults_env_; }
  /// Why rendering the workflow's env failed, or "".
  const std::string& workflow_env_error() const { return workflow_env_error_; }

  /// The rule that decides when a step may run: its own, except that an `if:` calling a
  /// status function (success(), failure() ...) and no written `trigger` waits for every
  /// need (`all_done`), or also runs while the run stops for always()/cancelled() (`always`).
  TriggerRule trigger_of(std::uint32_t step) const;

  /// Evaluates the step's `if:` (Run when it has none); on Fail, `cause` says why.
  ConditionResult check_condition(std::uint32_t step, const RunState& state,
                                  const expr::StatusFlags& status, std::string& cause);

  /// Evaluates `condition` (an `if:`-style text) with every finished step readable, for the
  /// rules of a branch step; nullopt with `cause` set when it fails.
  std::optional<bool> evaluate_condition(const std::string& condition, const RunState& state,
                                         std::string& cause) const;

  /// Renders `text` (a template such as a wait's `until: ${{ ... }}`) with params, env, run
  /// and every finished step readable; nullopt with `cause` set when it fails.
  std::optional<std::string> render_text(const std::string& text, const RunState& state,
                                         std::string& cause) const;

  /// True when the step's run, cmd, env or working_dir hold expressions.
  bool renders(std::uint32_t step) const;
  /// Evaluates them into `out`; false with `cause` set when an expression fails. A fan-out
  /// child passes its item.
  bool render(std::uint32_t step, const RunState& state, RenderedStep& out, std::string& cause,
              const ItemScope* item = nullptr);

  /// Evaluates the step's `repeat.until` (which may read the step's own latest outputs and
  /// exit code): 1 when true, 0 when false, -1 with `cause` set when it fails.
  int check_until(std::uint32_t step, const RunState& state, std::string& cause);

  /// The items of a `foreach: ${{ }}` step: false with `cause` set when the expression fails
  /// or gives no list.
  bool evaluate_items(std::uint32_t step, const RunState& state, nlohmann::json& items,
                      std::string& cause);

  /// The step's `with:` with every string that holds `${{ }}` evaluated: a string that is a
  /// single expression keeps the value's JSON type, others become text. False with `cause`
  /// set when one fails. Values stay JSON: nothing passes through a shell.
  bool render_with(std::uint32_t step, const RunState& state, nlohmann::json& out,
                   std::string& cause, const ItemScope* item = nullptr);

  /// The workflow's `outputs:`, evaluated with every step readable; sets `cause` and returns
  /// what could be evaluated when one fails.
  nlohmann::json render_outputs(const RunState& state, const expr::StatusFlags& status,
                                std::string& cause);

 private:
  struct Compiled {
    std::string error;  ///< a parse error (only when the workflow skipped validation)
    std::optional<expr::Template> condition;
    expr::StatusUse status;
    bool renders = false;
    std::optional<expr::Template> script;
    std::string rewritten_script;
    std::vector<std::optional<expr::Template>> argv;
    std::vector<std::optional<expr::Template>> env;
    std::optional<expr::Template> working_dir;
    std::optional<expr::Template> items;              ///< `foreach: ${{ }}`
    std::optional<expr::Template> until;              ///< `repeat.until`
    std::vector<std::optional<expr::Template>> with;  ///< the strings of `with:`, in order
    std::vector<std::uint32_t> reads;                 ///< steps named by `steps.<id>`
    bool reads_all = false;    ///< `steps` used otherwise (`steps.*`, `steps[x]` ...)
    bool reads_props = false;  ///< `run.props` (read from the history each time)
  };

  Compiled* find(std::uint32_t step);
  const Compiled* find(std::uint32_t step) const;
  expr::Value contexts_for(const Compiled& compiled, const RunState& state) const;
  expr::Value steps_context(const std::vector<std::uint32_t>& reads, bool all,
                            const RunState& state) const;
  expr::EvalContext eval_context(const expr::Value& contexts,
                                 const expr::StatusFlags& status) const;

  const Workflow& workflow_;
  expr::Value base_;  ///< params, env, run, workflow
  std::unordered_map<std::uint32_t, Compiled> compiled_;
  bool has_workflow_env_ = false;
  EnvList workflow_env_;
  EnvList defaults_env_;
  std::string workflow_env_error_;
  std::function<nlohmann::json()> props_reader_;
};

}  // namespace flowrun
