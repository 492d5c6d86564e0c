#include "core/validate/expr_checks.hpp"

#include <fmt/format.h>

#include <unordered_map>

#include "core/expr/functions.hpp"
#include "core/expr/template.hpp"
#include "core/load/scalar_position.hpp"
#include "core/model/branch.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

const std::vector<std::string> kWorkflowContexts = {"params", "run", "workflow", "secrets"};
const std::vector<std::string> kStepFields = {"outputs", "status", "exit_code"};

// Where an expression is written, and what it may read there.
struct Site {
  std::string_view text;
  SourcePos pos;
  bool condition = false;                    ///< `if:`-style: a bare expression is allowed
  const std::vector<std::string>* contexts;  ///< allowed context names
  std::string_view where;                    ///< "in step 'x'" and the like, for messages
  const Step* step = nullptr;                ///< the reading step; null: any step may be read
  bool in_handler = false;
  bool reads_self = false;       ///< `repeat.until` reads the step's own latest outputs
  bool secrets_allowed = false;  ///< env values, `run` scripts and conditions
};

std::string lower(std::string_view text) { return expr::fold_lower(text); }

const std::vector<std::string>& function_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& info : expr::builtin_functions()) out.emplace_back(info.name);
    return out;
  }();
  return names;
}

class ExpressionChecker {
 public:
  ExpressionChecker(const Workflow& workflow, Diagnostics& diagnostics)
      : workflow_(workflow), diagnostics_(diagnostics), source_(diagnostics.source(workflow.file)) {
    for (const auto& param : workflow.params) param_names_.push_back(param.name);
    for (const auto& secret : workflow.secrets) secret_names_.push_back(secret.name);
  }

  void run() {
    for (const auto& var : workflow_.env) check_workflow_env(var);
    for (const auto& var : workflow_.defaults.env) check_workflow_env(var);
    for (std::size_t i = 0; i < workflow_.outputs.size(); ++i) {
      SourcePos pos = i < workflow_.outputs_pos.size() ? workflow_.outputs_pos[i] : SourcePos{};
      check({workflow_.outputs[i].second, pos, false, &step_context_names(),
             "in the workflow's outputs"});
    }
    for (const auto& step : workflow_.steps) check_step(step, false);
    for (const auto* list : {&workflow_.on_success, &workflow_.on_failure, &workflow_.on_cancel,
                             &workflow_.on_exit, &workflow_.on_late}) {
      for (const auto& step : *list) check_step(step, true);
    }
  }

 private:
  void check_workflow_env(const EnvVar& var) {
    Site s{var.value, var.value_pos, false, &kWorkflowContexts, "in the workflow's env"};
    s.secrets_allowed = true;
    check(s);
  }

  void check_step(const Step& step, bool handler) {
    const StepExtras& extra = step.extra();
    std::string where = fmt::format("in step '{}'", step.id);
    auto site = [&](std::string_view text, SourcePos pos, bool condition = false) {
      Site s{text, pos.is_known() ? pos : step.pos, condition, &step_context_names(), where};
      s.step = &step;
      s.in_handler = handler;
      s.secrets_allowed = condition;
      return s;
    };
    auto env_site = [&](std::string_view text, SourcePos pos) {
      Site s = site(text, pos);
      s.secrets_allowed = true;
      return s;
    };
    if (step.action.kind == ActionKind::Run)
      check(env_site(step.action.script, step.action.script_pos));
    for (std::size_t i = 0; i < step.action.argv.size(); ++i) {
      SourcePos pos = i < extra.argv_pos.size() ? extra.argv_pos[i] : step.pos;
      check(site(step.action.argv[i], pos));
    }
    for (const auto& var : step.env) check(env_site(var.value, var.value_pos));
    if (extra.working_dir) check(site(*extra.working_dir, extra.working_dir_pos));
    if (extra.condition) check(site(*extra.condition, extra.condition_pos, true));
    if (extra.foreach && !extra.foreach->expression.empty()) {
      check(site(extra.foreach->expression, extra.foreach->pos));
    }
    if (extra.repeat && !extra.repeat->until.empty()) {
      Site until = site(extra.repeat->until, extra.repeat->until_pos, true);
      until.reads_self = true;
      check(until);
    }
    check_json_strings(extra.with, site("", step.pos));
    if (auto message = extra.type_config.find("message"); message != extra.type_config.end()) {
      check_json_strings(*message, site("", step.pos));  // an approval's message
    }
    for (const BranchRule& rule : branch_rules(step)) {
      if (rule.condition) check(site(*rule.condition, rule.condition_pos, true));
    }
  }

  void check_json_strings(const nlohmann::json& value, Site base) {
    if (value.is_string()) {
      base.text = value.get_ref<const std::string&>();
      check(base);
    } else if (value.is_structured()) {
      for (const auto& item : value) check_json_strings(item, base);
    }
  }

  void check(const Site& site) {
    if (!site.condition && !expr::has_expression(site.text)) return;
    expr::Template tmpl;
    std::vector<expr::ParseError> errors;
    auto first = site.condition && !expr::has_expression(site.text)
                     ? expr::parse_condition(site.text, tmpl)
                     : expr::parse_template(site.text, tmpl, {}, &errors);
    if (first) report_parse_error(site, *first);
    for (const auto& error : errors) report_parse_error(site, error);
    for (const auto& part : tmpl.parts) {
      if (part.root) check_node(site, part, *part.root);
    }
  }

  void report_parse_error(const Site& site, const expr::ParseError& error) {
    if (error.kind == expr::ParseError::Kind::UnknownFunction) {
      unknown_function(site, error.offset, error.name);
      return;
    }
    at(site, error.offset, error.length, "expr-syntax",
       fmt::format("invalid expression {}: {}", site.where, error.message));
  }

  void unknown_function(const Site& site, std::uint32_t offset, const std::string& name) {
    auto& diag = at(site, offset, static_cast<std::uint32_t>(name.size()), "expr-unknown-function",
                    fmt::format("unknown function '{}' {}", name, site.where));
    suggest(diag, name, function_names(), "the functions are ");
  }

  void check_node(const Site& site, const expr::TemplatePart& part, const expr::Node& node) {
    if (node.kind == expr::NodeKind::Context) {
      check_context(site, part, node);
    } else if (node.kind == expr::NodeKind::Index) {
      check_access(site, part, node);
    }
    for (const auto& child : node.children) {
      if (child) check_node(site, part, *child);
    }
  }

  void check_context(const Site& site, const expr::TemplatePart& part, const expr::Node& node) {
    for (const auto& name : *site.contexts) {
      if (expr::equals_ignore_case(name, node.name)) {
        bool item = expr::equals_ignore_case(node.name, "item") ||
                    expr::equals_ignore_case(node.name, "item_index");
        bool matrix = expr::equals_ignore_case(node.name, "matrix");
        if (item && site.step && !site.step->extra().foreach && !site.step->extra().matrix) {
          at(site, part.offset + node.offset, node.length, "expr-unknown-context",
             fmt::format("'{}' is only set in a step with 'foreach' or 'matrix' ({})", node.name,
                         site.where));
        } else if (matrix && site.step && !site.step->extra().matrix) {
          at(site, part.offset + node.offset, node.length, "expr-unknown-context",
             fmt::format("'matrix' is only set in a step with 'matrix' ({})", site.where));
        }
        if (expr::equals_ignore_case(node.name, "secrets") && !site.secrets_allowed) {
          at(site, part.offset + node.offset, node.length, "expr-secret-not-allowed",
             fmt::format("secrets reach a step only through its environment: read them in 'env' "
                         "values or a 'run' script, not here ({})",
                         site.where));
        }
        return;
      }
    }
    auto& diag = at(site, part.offset + node.offset, node.length, "expr-unknown-context",
                    fmt::format("unknown context '{}' {}", node.name, site.where));
    suggest(diag, node.name, *site.contexts, "the contexts here are ");
  }

  // `steps.X`, `steps.X.field` and `params.X` with a literal name.
  void check_access(const Site& site, const expr::TemplatePart& part, const expr::Node& node) {
    if (node.star || node.children.size() < 2) return;
    const expr::Node& target = *node.children[0];
    const expr::Node& key = *node.children[1];
    if (key.kind != expr::NodeKind::Literal || !key.literal.is_string()) return;
    const std::string& name = key.literal.get_ref<const std::string&>();
    std::uint32_t offset = part.offset + key.offset;
    if (is_context(target, "params")) {
      check_param(site, offset, key.length, name);
    } else if (is_context(target, "secrets")) {
      check_secret(site, offset, key.length, name);
    } else if (is_context(target, "steps")) {
      check_step_ref(site, offset, key.length, name);
    } else if (target.kind == expr::NodeKind::Index && !target.star &&
               is_context(*target.children[0], "steps") && target.children.size() > 1 &&
               target.children[1]->kind == expr::NodeKind::Literal) {
      if (step_index().count(lower(expr::to_string(target.children[1]->literal))) == 0) return;
      for (const auto& field : kStepFields) {
        if (expr::equals_ignore_case(field, name)) return;
      }
      auto& diag = at(site, offset, key.length, "expr-unknown-field",
                      fmt::format("steps have no field '{}' ({})", name, site.where));
      suggest(diag, name, kStepFields, "a step has ");
    }
  }

  static bool is_context(const expr::Node& node, std::string_view name) {
    return node.kind == expr::NodeKind::Context && expr::equals_ignore_case(node.name, name);
  }

  void check_param(const Site& site, std::uint32_t offset, std::uint32_t length,
                   const std::string& name) {
    for (const auto& param : param_names_) {
      if (expr::equals_ignore_case(param, name)) return;
    }
    auto& diag = at(site, offset, length, "expr-unknown-param",
                    fmt::format("unknown param '{}' {}", name, site.where));
    suggest(diag, name, param_names_, "the params are ");
  }

  void check_secret(const Site& site, std::uint32_t offset, std::uint32_t length,
                    const std::string& name) {
    for (const auto& secret : secret_names_) {
      if (expr::equals_ignore_case(secret, name)) return;
    }
    auto& diag = at(site, offset, length, "expr-unknown-secret",
                    fmt::format("unknown secret '{}' {}", name, site.where));
    suggest(diag, name, secret_names_, "the secrets are ");
  }

  void check_step_ref(const Site& site, std::uint32_t offset, std::uint32_t length,
                      const std::string& name) {
    auto found = step_index().find(lower(name));
    if (found == index_.end()) {
      auto& diag = at(site, offset, length, "expr-unknown-step",
                      fmt::format("unknown step '{}' {}", name, site.where));
      std::vector<std::string> step_ids;
      for (const Step& step : workflow_.steps) step_ids.push_back(step.id);
      suggest(diag, name, step_ids, "");
      return;
    }
    if (!site.step || site.in_handler) return;
    if (site.contexts == &kWorkflowContexts) return;
    if (site.reads_self && workflow_.steps[found->second].id == site.step->id) return;
    if (is_upstream(*site.step, found->second)) return;
    const std::string& id = workflow_.steps[found->second].id;
    at(site, offset, length, "expr-not-upstream",
       fmt::format("step '{}' reads steps.{}, but '{}' is not upstream of it", site.step->id, id,
                   id))
        .note(fmt::format("add '{}' to its 'needs' (directly or through a step it needs), so "
                          "that it has finished when '{}' starts",
                          id, site.step->id));
  }

  // Whether step `target` is a (transitive) need of `step`: a depth-first walk of `needs`.
  // `visited_` is kept between calls and stamped with a new walk number each time, so that a
  // walk costs what it visits, not the size of the workflow.
  bool is_upstream(const Step& step, std::size_t target) {
    if (visited_.size() != workflow_.steps.size()) visited_.assign(workflow_.steps.size(), 0);
    const std::uint32_t walk = ++walks_;
    std::vector<const Step*> stack = {&step};
    while (!stack.empty()) {
      const Step* current = stack.back();
      stack.pop_back();
      for (const auto& need : current->needs) {
        auto found = step_index().find(lower(need.id));
        if (found == index_.end() || visited_[found->second] == walk) continue;
        if (found->second == target) return true;
        visited_[found->second] = walk;
        stack.push_back(&workflow_.steps[found->second]);
      }
    }
    return false;
  }

  // Step ids (lower case) to their index, built when an expression first names a step: most
  // workflows of thousands of steps have no such expression, and the map was ~1 MiB of the
  // peak memory of such a run.
  const std::unordered_map<std::string, std::size_t>& step_index() {
    if (index_.empty() && !workflow_.steps.empty()) {
      index_.reserve(workflow_.steps.size());
      for (std::size_t i = 0; i < workflow_.steps.size(); ++i) {
        index_.emplace(lower(workflow_.steps[i].id), i);
      }
    }
    return index_;
  }

  Diagnostic& at(const Site& site, std::uint32_t offset, std::uint32_t length, std::string code,
                 std::string message) {
    SourcePos pos = position_in_scalar(source_, site.pos, site.text, offset);
    return diagnostics_.error(std::move(code), workflow_.file, pos, std::move(message),
                              std::max<std::uint32_t>(1, length));
  }

  static void suggest(Diagnostic& diag, const std::string& word,
                      const std::vector<std::string>& candidates, std::string_view list_intro) {
    if (auto match = closest_match(word, candidates)) {
      diag.note(fmt::format("did you mean '{}'?", *match));
    } else if (!list_intro.empty() && !candidates.empty() && candidates.size() <= 16) {
      std::vector<std::string> quoted;
      for (const auto& c : candidates) quoted.push_back("'" + c + "'");
      diag.note(std::string(list_intro) + join(quoted, ", "));
    }
  }

  const Workflow& workflow_;
  Diagnostics& diagnostics_;
  const SourceFile* source_;
  std::unordered_map<std::string, std::size_t> index_;  ///< through step_index()
  std::vector<std::uint32_t> visited_;                  ///< by is_upstream: the walk that saw it
  std::uint32_t walks_ = 0;
  std::vector<std::string> param_names_;
  std::vector<std::string> secret_names_;
};

}  // namespace

const std::vector<std::string>& step_context_names() {
  static const std::vector<std::string> names = {
      "params", "env", "steps", "run", "workflow", "item", "item_index", "matrix", "secrets"};
  return names;
}

void check_expressions(const Workflow& workflow, Diagnostics& diagnostics) {
  ExpressionChecker(workflow, diagnostics).run();
}

}  // namespace flowrun
