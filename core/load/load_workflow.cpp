#include "core/load/load_workflow.hpp"

#include <fmt/format.h>
#include <malloc.h>

#include <filesystem>
#include <sstream>

#include "core/load/field_reader.hpp"
#include "core/load/load_step.hpp"
#include "core/load/step_stream.hpp"

namespace flowrun {
namespace {

const std::vector<std::string> kCronMacros = {"@yearly", "@annually", "@monthly", "@weekly",
                                              "@daily",  "@midnight", "@hourly"};

void check_cron(FieldReader& r, const Node& value, std::string_view name) {
  const std::string& text = value.text;
  if (!text.empty() && text[0] == '@') {
    r.read_choice(value, name, kCronMacros);
    return;
  }
  std::istringstream words(text);
  std::vector<std::string> fields;
  for (std::string field; words >> field;) fields.push_back(field);
  bool ok = fields.size() == 5;
  for (const auto& field : fields) {
    ok = ok && field.find_first_not_of(
                   "0123456789*/,-?ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                   "abcdefghijklmnopqrstuvwxyz") == std::string::npos;
  }
  if (!ok) {
    r.error("bad-schedule", value, fmt::format("'{}' is not a cron expression: '{}'", name, text))
        .note(
            "write five fields, minute hour day-of-month month day-of-week, such as "
            "'0 3 * * *', or a macro such as '@daily'");
  }
}

void read_schedule(FieldReader& r, const Node& value, Workflow& workflow) {
  Schedule schedule;
  schedule.pos = value.pos;
  const Node* cron = &value;
  std::string name = "schedule";
  if (value.is_mapping()) {
    r.check_keys(value, schedule_keys(), "in 'schedule'");
    if (const Node* timezone = value.find("timezone")) {
      schedule.timezone = r.read_string(*timezone, "schedule.timezone").value_or("");
    }
    cron = value.find("cron");
    name = "schedule.cron";
    if (!cron) {
      r.error("missing-key", value, "'schedule' needs 'cron'");
      return;
    }
  }
  if (!r.read_string_list(*cron, name, nullptr)) return;
  if (cron->is_sequence()) {
    for (const auto& item : cron->items) {
      check_cron(r, item, name);
      schedule.cron.push_back(item.text);
    }
  } else {
    check_cron(r, *cron, name);
    schedule.cron.push_back(cron->text);
  }
  workflow.schedule = std::move(schedule);
}

std::vector<Step> read_handler(FieldReader& r, const Node& value, const std::string& key) {
  std::vector<Step> steps;
  if (value.is_mapping()) {
    if (auto step = load_step(r, value, key)) steps.push_back(std::move(*step));
  } else if (value.is_sequence()) {
    for (std::size_t i = 0; i < value.items.size(); ++i) {
      std::string default_id = value.items.size() == 1 ? key : fmt::format("{}_{}", key, i + 1);
      if (auto step = load_step(r, value.items[i], default_id)) steps.push_back(std::move(*step));
    }
  } else {
    r.wrong_type(value, key, "a step or a list of steps");
  }
  return steps;
}

void read_defaults(FieldReader& r, const Node& value, Defaults& defaults) {
  if (!value.is_mapping()) {
    r.wrong_type(value, "defaults", "a mapping");
    return;
  }
  r.check_keys(value, defaults_keys(), "in 'defaults'");
  if (const Node* retry = value.find("retry"))
    defaults.retry = r.read_retry(*retry, "defaults.retry");
  if (const Node* timeout = value.find("timeout")) {
    defaults.timeout = r.read_timeout(*timeout, "defaults.timeout");
  }
  if (const Node* grace = value.find("kill_grace")) {
    defaults.kill_grace = r.read_duration(*grace, "defaults.kill_grace");
  }
  if (const Node* shell = value.find("shell"))
    defaults.shell = r.read_string(*shell, "defaults.shell");
  if (const Node* env = value.find("env")) defaults.env = r.read_env(*env, "defaults.env");
}

void read_outputs(FieldReader& r, const Node& value, Workflow& workflow) {
  if (!value.is_mapping()) {
    r.wrong_type(value, "outputs", "a mapping of output names to expressions");
    return;
  }
  for (const auto& entry : value.entries) {
    if (auto text = r.read_string(entry.value, "outputs." + entry.key.text)) {
      workflow.outputs.emplace_back(entry.key.text, *text);
      workflow.outputs_pos.push_back(entry.value.pos);
    }
  }
}

// Freed tree nodes are small blocks; malloc keeps them resident unless asked to give back
// the pages they free, every so many steps.
constexpr std::size_t kStepsBetweenTrims = 2048;

// `consume`: the tree is not const (consume_workflow), and each step's node is released once
// converted.
void read_steps(FieldReader& r, const Node& value, Workflow& workflow, bool consume) {
  if (!value.is_sequence()) {
    r.wrong_type(value, "steps", "a list of steps");
    return;
  }
  workflow.steps.reserve(value.items.size());
  std::size_t converted = 0;
  for (const auto& item : value.items) {
    if (auto step = load_step(r, item, "")) workflow.steps.push_back(std::move(*step));
    if (!consume) continue;
    const_cast<Node&>(item) = Node{};
    if (++converted % kStepsBetweenTrims == 0) malloc_trim(0);
  }
}

std::vector<Step>* handler_list(Workflow& workflow, std::string_view key) {
  if (key == "on_success") return &workflow.on_success;
  if (key == "on_failure") return &workflow.on_failure;
  if (key == "on_cancel") return &workflow.on_cancel;
  if (key == "on_exit") return &workflow.on_exit;
  if (key == "on_late") return &workflow.on_late;
  return nullptr;
}

void read_scalar_keys(FieldReader& r, const std::string& key, const Node& value,
                      Workflow& workflow) {
  if (key == "name") {
    if (auto name = r.read_string(value, key)) workflow.name = *name;
  } else if (key == "description") {
    workflow.description = r.read_string(value, key).value_or("");
  } else if (key == "working_dir") {
    workflow.working_dir = r.read_string(value, key);
  } else if (key == "shell") {
    workflow.shell = r.read_string(value, key);
  } else if (key == "concurrency") {
    workflow.concurrency = r.read_positive(value, key);
  } else if (key == "max_active_runs") {
    workflow.max_active_runs = r.read_positive(value, key);
  } else if (key == "timeout") {
    workflow.timeout = r.read_timeout(value, key);
  } else if (key == "late_after") {
    workflow.late_after = r.read_timeout(value, key);
  }
}

// `streamed`: the steps converted while the file was parsed, or nullptr.
void read_workflow_keys(FieldReader& r, const Node& root, Workflow& workflow, bool consume,
                        StepStream* streamed) {
  for (const auto& entry : root.entries) {
    const std::string& key = entry.key.text;
    const Node& value = entry.value;
    if (key == "params") {
      workflow.params = load_params(r, value);
    } else if (key == "secrets") {
      workflow.secrets = load_secrets(r, value);
    } else if (key == "env") {
      workflow.env = r.read_env(value, key);
    } else if (key == "defaults") {
      read_defaults(r, value, workflow.defaults);
    } else if (key == "outputs") {
      read_outputs(r, value, workflow);
    } else if (key == "schedule") {
      read_schedule(r, value, workflow);
    } else if (key == "steps" && streamed && streamed->streamed()) {
      streamed->take_steps(workflow.steps, r.diagnostics());
    } else if (key == "steps") {
      read_steps(r, value, workflow, consume);
    } else if (auto* handlers = handler_list(workflow, key)) {
      *handlers = read_handler(r, value, key);
    } else {
      read_scalar_keys(r, key, value, workflow);
    }
  }
}

void set_file_names(const std::string& path, Workflow& workflow) {
  namespace fs = std::filesystem;
  workflow.file = path;
  std::error_code error;
  if (path == "<stdin>") {
    workflow.name = "stdin";
    workflow.dir = fs::current_path(error).string();
    return;
  }
  workflow.name = fs::path(path).stem().string();
  fs::path absolute = fs::absolute(fs::path(path), error);
  workflow.dir = absolute.parent_path().lexically_normal().string();
}

}  // namespace

namespace {

std::optional<Workflow> convert_workflow(const Document& document, Diagnostics& diagnostics,
                                         bool consume, StepStream* streamed) {
  FieldReader r(document.path(), diagnostics);
  const Node& root = document.root;
  if (!root.is_mapping()) {
    r.error("wrong-type", root,
            fmt::format("a workflow file must be a mapping with 'steps', not {}",
                        describe_kind(root.kind)));
    return std::nullopt;
  }
  Workflow workflow;
  set_file_names(document.path(), workflow);
  r.check_keys(root, workflow_keys(), "at the top level");
  read_workflow_keys(r, root, workflow, consume, streamed);
  if (!root.find("steps")) {
    r.error("missing-key", root, "the workflow has no 'steps'")
        .note("add a list of steps, each with an 'id' and an action such as 'run'");
  }
  return workflow;
}

}  // namespace

std::optional<Workflow> load_workflow(const Document& document, Diagnostics& diagnostics) {
  return convert_workflow(document, diagnostics, false, nullptr);
}

std::optional<Workflow> consume_workflow(Document& document, Diagnostics& diagnostics,
                                         StepStream* streamed) {
  std::optional<Workflow> workflow = convert_workflow(document, diagnostics, true, streamed);
  document.root = Node{};
  malloc_trim(0);
  return workflow;
}

}  // namespace flowrun
