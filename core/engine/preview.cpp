#include "core/engine/preview.hpp"

#include "core/engine/run_state.hpp"
#include "core/engine/step_expressions.hpp"
#include "core/expr/functions.hpp"
#include "core/expr/template.hpp"
#include "core/load/param_values.hpp"
#include "core/load/secrets.hpp"
#include "core/model/branch.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

// True when the expression reads `run` beyond `run.id` and `run.started_at`.
bool reads_run_state(const expr::Node& node) {
  if (node.kind == expr::NodeKind::Index && !node.star && node.children.size() == 2 &&
      node.children[0]->kind == expr::NodeKind::Context &&
      expr::equals_ignore_case(node.children[0]->name, "run") &&
      node.children[1]->kind == expr::NodeKind::Literal) {
    std::string key = expr::to_string(node.children[1]->literal);
    return !expr::equals_ignore_case(key, "id") && !expr::equals_ignore_case(key, "started_at");
  }
  if (node.kind == expr::NodeKind::Context && expr::equals_ignore_case(node.name, "run")) {
    return true;
  }
  for (const auto& child : node.children) {
    if (child && reads_run_state(*child)) return true;
  }
  return false;
}

// True when the expression reads something only the run knows.
bool needs_run(const expr::Node& root) {
  bool unknown = false;
  expr::walk(root, [&](const expr::Node& node) {
    if (node.kind == expr::NodeKind::Context) {
      for (const char* name : {"steps", "item", "item_index", "matrix"}) {
        if (expr::equals_ignore_case(node.name, name)) unknown = true;
      }
    } else if (node.kind == expr::NodeKind::Call) {
      const expr::FunctionInfo* info = expr::find_function(node.name);
      if (info && (info->status || info->name == "now" || info->name == "today")) unknown = true;
    }
  });
  // run.id and run.started_at are those of the dry run; the rest of `run` waits for the run.
  return unknown || reads_run_state(root);
}

std::string trim(const std::string& text) {
  std::size_t begin = text.find_first_not_of(" \t\n");
  std::size_t end = text.find_last_not_of(" \t\n");
  return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
}

class Previewer {
 public:
  Previewer(const Workflow& workflow, const nlohmann::json& params, const PreviewRun& run)
      : secrets_(mask_values(workflow.params, params, run.secrets)) {
    contexts_ = expr::Value::object();
    contexts_["params"] = expr::to_value(params);
    contexts_["run"] = {{"id", run.run_id}, {"started_at", format_timestamp(run.started_ms)}};
    contexts_["secrets"] = expr::to_value(run.secrets);
    contexts_["workflow"] = {{"name", workflow.name}};
    contexts_["env"] = expr::Value::object();
    for (const EnvList* list : {&workflow.env, &workflow.defaults.env}) {
      for (const EnvVar& var : *list) contexts_["env"][var.name] = render(var.value);
    }
  }

  // The text with known expressions evaluated and the others as <placeholders>.
  std::string render(const std::string& text) const {
    if (!expr::has_expression(text)) return text;
    expr::Template tmpl;
    if (expr::parse_template(text, tmpl)) return text;
    std::string out;
    for (const auto& part : tmpl.parts) {
      if (!part.is_expression) {
        out += part.text;
      } else if (part.root && needs_run(*part.root)) {
        out += "<" + trim(part.text) + ">";
      } else {
        expr::Evaluated value = expr::evaluate(part.root.get(), context());
        out += value.error ? "<error: " + *value.error + ">" : expr::to_string(value.value);
      }
    }
    return hide_secrets(out, secrets_);
  }

  std::string condition(const std::string& text) const {
    expr::Template tmpl;
    if (expr::parse_condition(text, tmpl)) return "unknown until the run";
    for (const auto& part : tmpl.parts) {
      if (part.root && needs_run(*part.root)) return "unknown until the run";
    }
    expr::Evaluated value = expr::render_value(tmpl, context());
    if (value.error) return "error: " + *value.error;
    return expr::is_truthy(value.value) ? "true" : "false";
  }

 private:
  expr::EvalContext context() const {
    expr::EvalContext context;
    context.contexts = &contexts_;
    return context;
  }

  std::vector<std::string> secrets_;
  expr::Value contexts_;
};

}  // namespace

// A branch step's rules, one per line: `if <condition> -> <targets>  (<value>)`.
std::string branch_action(const Step& step, const Previewer& previewer) {
  std::string text = "type: branch";
  for (const BranchRule& rule : branch_rules(step)) {
    std::string targets = join(rule.targets, ", ");
    if (rule.condition) {
      text += "\nif " + *rule.condition + " -> " + targets + "  (" +
              previewer.condition(*rule.condition) + ")";
    } else {
      text += "\ndefault -> " + targets;
    }
  }
  return text;
}

std::vector<StepPreview> preview_steps(const Workflow& workflow, const nlohmann::json& params,
                                       const PreviewRun& run) {
  Previewer previewer(workflow, params, run);
  std::vector<StepPreview> previews;
  previews.reserve(workflow.steps.size());
  for (const Step& step : workflow.steps) {
    StepPreview preview;
    switch (step.action.kind) {
      case ActionKind::Run:
        preview.action = "run: " + previewer.render(step.action.script);
        break;
      case ActionKind::Cmd: {
        nlohmann::json argv = nlohmann::json::array();
        for (const auto& arg : step.action.argv) argv.push_back(previewer.render(arg));
        preview.action = "cmd: " + argv.dump();
        break;
      }
      case ActionKind::Uses:
        preview.action = "uses: " + step.extra().plugin;
        break;
      case ActionKind::Type: {
        preview.action = step.action.type == StepType::Branch
                             ? branch_action(step, previewer)
                             : "type: " + std::string(to_string(step.action.type));
        const nlohmann::json& config = step.extra().type_config;
        if (step.action.type == StepType::Approval && config.contains("message")) {
          preview.action += ": " + previewer.render(config["message"].get<std::string>());
        }
        break;
      }
      case ActionKind::None:
        preview.action = "(no action)";
        break;
    }
    for (const EnvVar& var : step.env) {
      preview.env.push_back({var.name, previewer.render(var.value), var.pos, var.value_pos});
    }
    if (step.extra().working_dir) preview.working_dir = previewer.render(*step.extra().working_dir);
    if (step.extra().condition) {
      preview.condition = *step.extra().condition;
      preview.condition_value = previewer.condition(*step.extra().condition);
    }
    previews.push_back(std::move(preview));
  }
  return previews;
}

}  // namespace flowrun
