#include "core/engine/step_expressions.hpp"

#include <fmt/format.h>

#include "core/engine/fan_out.hpp"
#include "core/exec/command.hpp"
#include "core/exec/script_template.hpp"

namespace flowrun {
namespace {

// Parses `text` as a template when it holds `${{`; nullopt otherwise or on error (`error`).
std::optional<expr::Template> compile(const std::string& text, std::string& error) {
  if (!expr::has_expression(text)) return std::nullopt;
  expr::Template tmpl;
  if (auto problem = expr::parse_template(text, tmpl)) {
    if (error.empty()) error = "invalid expression: " + expr::describe(*problem, text);
    return std::nullopt;
  }
  return tmpl;
}

bool is_context(const expr::Node& node, std::string_view name) {
  return node.kind == expr::NodeKind::Context && expr::equals_ignore_case(node.name, name);
}

// Collects the ids read as `steps.<id>`; any other use of `steps` reads them all.
void collect_reads(const expr::Node& node, std::vector<std::string>& ids, bool& all) {
  if (node.kind == expr::NodeKind::Index && !node.star && node.children.size() == 2 &&
      is_context(*node.children[0], "steps") && node.children[1]->kind == expr::NodeKind::Literal) {
    ids.push_back(expr::to_string(node.children[1]->literal));
    return;
  }
  if (is_context(node, "steps")) all = true;
  for (const auto& child : node.children) {
    if (child) collect_reads(*child, ids, all);
  }
}

void collect_reads(const std::optional<expr::Template>& tmpl, std::vector<std::string>& ids,
                   bool& all) {
  if (!tmpl) return;
  for (const auto& part : tmpl->parts) {
    if (part.root) collect_reads(*part.root, ids, all);
  }
}

bool reads_props(const std::optional<expr::Template>& tmpl) {
  if (!tmpl) return false;
  for (const auto& part : tmpl->parts) {
    if (part.root && reads_run_props(*part.root)) return true;
  }
  return false;
}

// `item`, `item_index` (and `matrix`) of a fan-out child; nothing for other steps.
void add_item(expr::Value& contexts, const ItemScope* item) {
  if (!item) return;
  contexts["item"] = expr::to_value(*item->item);
  contexts["item_index"] = item->index;
  if (item->is_matrix) contexts["matrix"] = contexts["item"];
}

bool render_env(const EnvList& env, const expr::EvalContext& context, EnvList& out,
                std::string& error) {
  out = env;
  for (EnvVar& var : out) {
    std::string problem;
    auto tmpl = compile(var.value, problem);
    if (!problem.empty()) {
      error = fmt::format("env '{}': {}", var.name, problem);
      return false;
    }
    if (!tmpl) continue;
    expr::Rendered rendered = expr::render_string(*tmpl, context);
    if (rendered.error) {
      error = fmt::format("env '{}': {}", var.name, *rendered.error);
      return false;
    }
    var.value = std::move(rendered.text);
  }
  return true;
}

bool json_has_expressions(const nlohmann::json& value) {
  if (value.is_string()) return expr::has_expression(value.get_ref<const std::string&>());
  for (const auto& item : value) {
    if (item.is_structured() || item.is_string()) {
      if (json_has_expressions(item)) return true;
    }
  }
  return false;
}

// Compiles every string of `value` in traversal order (objects iterate in key order).
void compile_json(const nlohmann::json& value, std::vector<std::optional<expr::Template>>& out,
                  std::string& error) {
  if (value.is_string()) {
    out.push_back(compile(value.get_ref<const std::string&>(), error));
  } else if (value.is_structured()) {
    for (const auto& item : value) compile_json(item, out, error);
  }
}

// Replaces the strings of `value` by their rendered values, in the order compile_json saw them.
bool render_json(nlohmann::json& value, const std::vector<std::optional<expr::Template>>& compiled,
                 std::size_t& next, const expr::EvalContext& context, std::string& cause) {
  if (value.is_string()) {
    const auto& tmpl = compiled[next++];
    if (!tmpl) return true;
    expr::Evaluated rendered = expr::render_value(*tmpl, context);
    if (rendered.error) {
      cause = "with: " + value.get<std::string>() + ": " + *rendered.error;
      return false;
    }
    value = expr::to_plain_json(rendered.value);
    return true;
  }
  if (value.is_structured()) {
    for (auto& item : value) {
      if (!render_json(item, compiled, next, context, cause)) return false;
    }
  }
  return true;
}

bool env_has_expressions(const EnvList& env) {
  for (const EnvVar& var : env) {
    if (expr::has_expression(var.value)) return true;
  }
  return false;
}

}  // namespace

bool reads_run_props(const expr::Node& node) {
  if (node.kind == expr::NodeKind::Index && !node.star && node.children.size() == 2 &&
      is_context(*node.children[0], "run") && node.children[1]->kind == expr::NodeKind::Literal) {
    return expr::equals_ignore_case(expr::to_string(node.children[1]->literal), "props");
  }
  if (is_context(node, "run")) return true;
  for (const auto& child : node.children) {
    if (child && reads_run_props(*child)) return true;
  }
  return false;
}

StepExpressions::StepExpressions(const Workflow& workflow, const nlohmann::json& params,
                                 const nlohmann::json& secrets)
    : workflow_(workflow) {
  base_ = expr::Value::object();
  base_["params"] = expr::to_value(params);
  base_["secrets"] = expr::to_value(secrets);
  base_["env"] = expr::Value::object();
  base_["run"] = expr::Value::object();
  base_["workflow"] = {{"name", workflow.name}};
  has_workflow_env_ =
      env_has_expressions(workflow.env) || env_has_expressions(workflow.defaults.env);
  std::vector<std::pair<std::uint32_t, std::string>> named_reads;
  for (std::uint32_t i = 0; i < workflow.steps.size(); ++i) {
    const Step& step = workflow.steps[i];
    const StepExtras& extra = step.extra();
    bool any = extra.condition.has_value() || env_has_expressions(step.env) ||
               expr::has_expression(step.action.script) ||
               (extra.working_dir && expr::has_expression(*extra.working_dir)) ||
               (extra.foreach && !extra.foreach->expression.empty()) ||
               (extra.repeat && !extra.repeat->until.empty());
    for (const auto& arg : step.action.argv) any = any || expr::has_expression(arg);
    const bool with_expressions = json_has_expressions(extra.with);
    any = any || with_expressions;
    if (!any) continue;
    Compiled compiled;
    std::vector<std::string> ids;
    if (extra.condition) {
      expr::Template tmpl;
      if (auto problem = expr::parse_condition(*extra.condition, tmpl)) {
        compiled.error = "invalid 'if': " + expr::describe(*problem, *extra.condition);
      } else {
        compiled.status = expr::find_status_functions(tmpl);
        compiled.condition = std::move(tmpl);
      }
    }
    if (step.action.kind == ActionKind::Run) {
      compiled.script = compile(step.action.script, compiled.error);
      if (compiled.script) {
        bool posix = is_posix_shell_command(effective_shell(workflow, step));
        compiled.rewritten_script = rewrite_script(*compiled.script, posix);
      }
    }
    for (const auto& arg : step.action.argv) compiled.argv.push_back(compile(arg, compiled.error));
    for (const auto& var : step.env) compiled.env.push_back(compile(var.value, compiled.error));
    if (extra.working_dir) compiled.working_dir = compile(*extra.working_dir, compiled.error);
    if (extra.foreach && !extra.foreach->expression.empty()) {
      compiled.items = compile(extra.foreach->expression, compiled.error);
    }
    if (extra.repeat && !extra.repeat->until.empty()) {
      expr::Template tmpl;
      if (auto problem = expr::parse_condition(extra.repeat->until, tmpl)) {
        compiled.error = "invalid 'repeat.until': " + expr::describe(*problem, extra.repeat->until);
      } else {
        compiled.until = std::move(tmpl);
      }
    }
    if (with_expressions) compile_json(extra.with, compiled.with, compiled.error);
    compiled.renders = compiled.script.has_value() || compiled.working_dir.has_value();
    for (const auto& t : compiled.argv) compiled.renders = compiled.renders || t.has_value();
    for (const auto& t : compiled.env) compiled.renders = compiled.renders || t.has_value();
    collect_reads(compiled.condition, ids, compiled.reads_all);
    collect_reads(compiled.script, ids, compiled.reads_all);
    collect_reads(compiled.working_dir, ids, compiled.reads_all);
    collect_reads(compiled.items, ids, compiled.reads_all);
    collect_reads(compiled.until, ids, compiled.reads_all);
    for (const auto& t : compiled.argv) collect_reads(t, ids, compiled.reads_all);
    for (const auto& t : compiled.env) collect_reads(t, ids, compiled.reads_all);
    compiled.reads_props = reads_props(compiled.condition) || reads_props(compiled.script) ||
                           reads_props(compiled.working_dir);
    for (const auto& t : compiled.argv)
      compiled.reads_props = compiled.reads_props || reads_props(t);
    for (const auto& t : compiled.env)
      compiled.reads_props = compiled.reads_props || reads_props(t);
    for (const auto& t : compiled.with) {
      collect_reads(t, ids, compiled.reads_all);
      compiled.reads_props = compiled.reads_props || reads_props(t);
    }
    compiled_.emplace(i, std::move(compiled));
    for (const auto& id : ids) named_reads.push_back({i, id});
  }
  if (named_reads.empty()) return;
  // Only while constructing: a run of 10 000 steps without expressions needs no index.
  std::unordered_map<std::string, std::uint32_t> index;  // lower-case step id -> step
  for (std::uint32_t i = 0; i < workflow.steps.size(); ++i) {
    index.emplace(expr::fold_lower(workflow.steps[i].id), i);
  }
  for (const auto& [step, id] : named_reads) {
    auto found = index.find(expr::fold_lower(id));
    if (found != index.end()) compiled_.at(step).reads.push_back(found->second);
  }
}

void StepExpressions::start(const RunState& state) {
  base_["run"] = {{"id", state.run_id},
                  {"started_at", format_timestamp(state.started_ms)},
                  {"status", "running"},
                  {"failed_steps", expr::Value::array()},
                  {"props", expr::Value::object()}};
  expr::Value contexts = expr::Value::object();
  contexts["params"] = base_["params"];
  contexts["run"] = base_["run"];
  contexts["workflow"] = base_["workflow"];
  contexts["secrets"] = base_["secrets"];
  expr::EvalContext context = eval_context(contexts, {});
  if (has_workflow_env_) {
    if (!render_env(workflow_.env, context, workflow_env_, workflow_env_error_) ||
        !render_env(workflow_.defaults.env, context, defaults_env_, workflow_env_error_)) {
      workflow_env_error_ = "the workflow's " + workflow_env_error_;
    }
  }
  const EnvList& env = has_workflow_env_ ? workflow_env_ : workflow_.env;
  const EnvList& defaults = has_workflow_env_ ? defaults_env_ : workflow_.defaults.env;
  for (const EnvList* list : {&env, &defaults}) {
    for (const EnvVar& var : *list) base_["env"][var.name] = var.value;
  }
}

void StepExpressions::set_run_outcome(RunStatus status,
                                      const std::vector<std::string>& failed_steps) {
  base_["run"]["status"] = std::string(to_string(status));
  base_["run"]["failed_steps"] = expr::Value::array();
  for (const std::string& id : failed_steps) base_["run"]["failed_steps"].push_back(id);
}

StepExpressions::Compiled* StepExpressions::find(std::uint32_t step) {
  auto found = compiled_.find(step);
  return found == compiled_.end() ? nullptr : &found->second;
}

const StepExpressions::Compiled* StepExpressions::find(std::uint32_t step) const {
  auto found = compiled_.find(step);
  return found == compiled_.end() ? nullptr : &found->second;
}

TriggerRule StepExpressions::trigger_of(std::uint32_t step) const {
  const Step& definition = workflow_.steps[step];
  const Compiled* compiled = find(step);
  if (!compiled || !compiled->status.any || definition.extra().trigger_pos.is_known()) {
    return definition.trigger;
  }
  return compiled->status.always || compiled->status.cancelled ? TriggerRule::Always
                                                               : TriggerRule::AllDone;
}

expr::EvalContext StepExpressions::eval_context(const expr::Value& contexts,
                                                const expr::StatusFlags& status) const {
  expr::EvalContext context;
  context.contexts = &contexts;
  context.status = status;
  context.now_ms = now_epoch_ms();
  return context;
}

expr::Value StepExpressions::steps_context(const std::vector<std::uint32_t>& reads, bool all,
                                           const RunState& state) const {
  expr::Value steps = expr::Value::object();
  auto add = [&](std::uint32_t index) {
    const StepRecord& record = state.steps[index];
    expr::Value outputs = expr::Value::object();
    if (const FanOutSpan* span = state.find_fan_out(index)) {
      // A fan-out's outputs are its children's, in item order.
      outputs = expr::Value::array();
      for (std::uint32_t i = 0; i < span->count; ++i) {
        expr::Value child = expr::Value::object();
        if (const StepDetails* details = state.find_details(state.steps.size() + span->first + i)) {
          for (const auto& [key, value] : details->outputs) child[key] = value;
        }
        outputs.push_back(std::move(child));
      }
    } else if (const StepDetails* details = state.find_details(index)) {
      for (const auto& [key, value] : details->outputs) outputs[key] = value;
    }
    expr::Value entry = expr::Value::object();
    entry["outputs"] = std::move(outputs);
    entry["status"] = std::string(to_string(record.status));
    entry["exit_code"] = record.exit_code >= 0 ? expr::Value(record.exit_code) : expr::Value();
    steps[workflow_.steps[index].id] = std::move(entry);
  };
  if (all) {
    for (std::uint32_t i = 0; i < state.steps.size() && i < workflow_.steps.size(); ++i) {
      if (is_final(state.steps[i].status)) add(i);
    }
  } else {
    for (std::uint32_t index : reads) {
      if (index < state.steps.size()) add(index);
    }
  }
  return steps;
}

expr::Value StepExpressions::contexts_for(const Compiled& compiled, const RunState& state) const {
  expr::Value contexts = base_;
  contexts["steps"] = steps_context(compiled.reads, compiled.reads_all, state);
  if (compiled.reads_props && props_reader_)
    contexts["run"]["props"] = expr::to_value(props_reader_());
  return contexts;
}

ConditionResult StepExpressions::check_condition(std::uint32_t step, const RunState& state,
                                                 const expr::StatusFlags& status,
                                                 std::string& cause) {
  Compiled* compiled = find(step);
  if (!compiled) return ConditionResult::Run;
  if (!compiled->error.empty()) {
    cause = compiled->error;
    return ConditionResult::Fail;
  }
  if (!compiled->condition) return ConditionResult::Run;
  expr::Value contexts = contexts_for(*compiled, state);
  expr::Evaluated value = expr::render_value(*compiled->condition, eval_context(contexts, status));
  if (value.error) {
    cause = "if: " + *value.error;
    return ConditionResult::Fail;
  }
  if (expr::is_truthy(value.value)) return ConditionResult::Run;
  cause = "if: '" + *workflow_.steps[step].extra().condition + "' was false";
  return ConditionResult::Skip;
}

std::optional<bool> StepExpressions::evaluate_condition(const std::string& condition,
                                                        const RunState& state,
                                                        std::string& cause) const {
  expr::Template tmpl;
  if (auto problem = expr::parse_condition(condition, tmpl)) {
    cause = "invalid 'if': " + expr::describe(*problem, condition);
    return std::nullopt;
  }
  expr::Value contexts = base_;
  contexts["steps"] = steps_context({}, true, state);
  if (props_reader_) contexts["run"]["props"] = expr::to_value(props_reader_());
  expr::Evaluated value = expr::render_value(tmpl, eval_context(contexts, {}));
  if (value.error) {
    cause = "if: " + *value.error;
    return std::nullopt;
  }
  return expr::is_truthy(value.value);
}

std::optional<std::string> StepExpressions::render_text(const std::string& text,
                                                        const RunState& state,
                                                        std::string& cause) const {
  expr::Template tmpl;
  if (auto problem = expr::parse_template(text, tmpl)) {
    cause = expr::describe(*problem, text);
    return std::nullopt;
  }
  expr::Value contexts = base_;
  contexts["steps"] = steps_context({}, true, state);
  if (props_reader_) contexts["run"]["props"] = expr::to_value(props_reader_());
  expr::Rendered rendered = expr::render_string(tmpl, eval_context(contexts, {}));
  if (rendered.error) {
    cause = *rendered.error;
    return std::nullopt;
  }
  return std::move(rendered.text);
}

bool StepExpressions::renders(std::uint32_t step) const {
  const Compiled* compiled = find(step);
  return compiled && (compiled->renders || !compiled->error.empty());
}

int StepExpressions::check_until(std::uint32_t step, const RunState& state, std::string& cause) {
  Compiled* compiled = find(step);
  if (!compiled || !compiled->error.empty() || !compiled->until) {
    cause = compiled && !compiled->error.empty() ? compiled->error : "repeat: no 'until'";
    return -1;
  }
  expr::Value contexts = contexts_for(*compiled, state);
  expr::Evaluated value = expr::render_value(*compiled->until, eval_context(contexts, {}));
  if (value.error) {
    cause = "repeat.until: " + *value.error;
    return -1;
  }
  return expr::is_truthy(value.value) ? 1 : 0;
}

bool StepExpressions::evaluate_items(std::uint32_t step, const RunState& state,
                                     nlohmann::json& items, std::string& cause) {
  Compiled* compiled = find(step);
  if (!compiled || !compiled->error.empty() || !compiled->items) {
    cause = compiled && !compiled->error.empty() ? compiled->error
                                                 : "foreach: the expression could not be read";
    return false;
  }
  expr::Value contexts = contexts_for(*compiled, state);
  expr::Evaluated value = expr::render_value(*compiled->items, eval_context(contexts, {}));
  if (value.error) {
    cause = "foreach: " + *value.error;
    return false;
  }
  return items_from_value(expr::to_plain_json(value.value), items, cause);
}

bool StepExpressions::render(std::uint32_t step, const RunState& state, RenderedStep& out,
                             std::string& cause, const ItemScope* item) {
  Compiled* compiled = find(step);
  const Step& definition = workflow_.steps[step];
  if (!compiled->error.empty()) {
    cause = compiled->error;
    return false;
  }
  expr::Value contexts = contexts_for(*compiled, state);
  add_item(contexts, item);
  expr::EvalContext context = eval_context(contexts, {});
  out = RenderedStep{};
  if (!render_env(definition.env, context, out.env, cause)) return false;
  for (const EnvVar& var : out.env) contexts["env"][var.name] = var.value;
  auto render_one = [&](const expr::Template& tmpl, std::string_view what, std::string& text) {
    expr::Rendered rendered = expr::render_string(tmpl, context);
    if (rendered.error) {
      cause = std::string(what) + ": " + *rendered.error;
      return false;
    }
    text = std::move(rendered.text);
    return true;
  };
  if (compiled->script) {
    out.script = compiled->rewritten_script;
    std::size_t n = 0;
    for (const auto& part : compiled->script->parts) {
      if (!part.is_expression) continue;
      expr::Evaluated value = expr::evaluate(part.root.get(), context);
      if (value.error) {
        cause = "run: ${{" + part.text + "}}: " + *value.error;
        return false;
      }
      out.values.push_back(script_variable(++n) + "=" + expr::to_string(value.value));
    }
  } else {
    out.script = definition.action.script;
  }
  out.argv = definition.action.argv;
  for (std::size_t i = 0; i < compiled->argv.size(); ++i) {
    if (compiled->argv[i] && !render_one(*compiled->argv[i], "cmd", out.argv[i])) return false;
  }
  out.working_dir = definition.extra().working_dir;
  if (compiled->working_dir &&
      !render_one(*compiled->working_dir, "working_dir", *out.working_dir)) {
    return false;
  }
  return true;
}

bool StepExpressions::render_with(std::uint32_t step, const RunState& state, nlohmann::json& out,
                                  std::string& cause, const ItemScope* item) {
  const Step& definition = workflow_.steps[step];
  out = definition.extra().with;
  Compiled* compiled = find(step);
  if (!compiled) return true;
  if (!compiled->error.empty()) {
    cause = compiled->error;
    return false;
  }
  if (compiled->with.empty()) return true;
  expr::Value contexts = contexts_for(*compiled, state);
  add_item(contexts, item);
  EnvList env;
  if (!render_env(definition.env, eval_context(contexts, {}), env, cause)) return false;
  for (const EnvVar& var : env) contexts["env"][var.name] = var.value;
  std::size_t next = 0;
  return render_json(out, compiled->with, next, eval_context(contexts, {}), cause);
}

nlohmann::json StepExpressions::render_outputs(const RunState& state,
                                               const expr::StatusFlags& status,
                                               std::string& cause) {
  nlohmann::json output = nlohmann::json::object();
  if (workflow_.outputs.empty()) return output;
  expr::Value contexts = base_;
  contexts["steps"] = steps_context({}, true, state);
  contexts["run"]["props"] = expr::to_value(state.props);
  expr::EvalContext context = eval_context(contexts, status);
  for (const auto& [name, text] : workflow_.outputs) {
    expr::Template tmpl;
    if (auto problem = expr::parse_template(text, tmpl)) {
      if (cause.empty())
        cause = fmt::format("output '{}': {}", name, expr::describe(*problem, text));
      output[name] = nullptr;
      continue;
    }
    expr::Evaluated value = expr::render_value(tmpl, context);
    if (value.error && cause.empty()) cause = fmt::format("output '{}': {}", name, *value.error);
    output[name] = value.error ? nlohmann::json() : expr::to_plain_json(value.value);
  }
  return output;
}

}  // namespace flowrun
