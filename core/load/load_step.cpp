#include "core/load/load_step.hpp"

#include <fmt/format.h>

#include "core/load/load_workflow.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

const std::vector<std::string> kActionKeys = {"run", "cmd", "uses", "type"};

bool is_action_key(std::string_view key) {
  for (const auto& action : kActionKeys) {
    if (key == action) return true;
  }
  return false;
}

std::string step_label(const Step& step) {
  return step.id.empty() ? std::string("step") : fmt::format("step '{}'", step.id);
}

std::string describe_value(const Node& node) {
  if (node.is_string()) return fmt::format("the string '{}'", node.text);
  return std::string(describe_kind(node.kind));
}

void read_id(FieldReader& r, const Node& node, Step& step, const std::string& default_id) {
  const Node* id = node.find("id");
  if (!id) {
    step.id_pos = node.pos;
    if (!default_id.empty()) {
      step.id = default_id;
      return;
    }
    r.error("missing-id", node, "step has no 'id'")
        .note("every step needs a unique 'id', the name other steps use in 'needs'");
    return;
  }
  step.id_pos = id->pos;
  if (auto text = r.read_string(*id, "id")) step.id = *text;
}

void read_type(FieldReader& r, const Node& value, Step& step, bool& type_known) {
  auto text = r.read_string(value, "type");
  if (!text) return;
  if (auto type = parse_step_type(*text)) {
    step.action.type = *type;
    type_known = true;
    return;
  }
  auto& diag = r.error("unknown-type", value, fmt::format("unknown step type '{}'", *text));
  if (auto suggestion = closest_match(*text, step_type_names())) {
    diag.note(fmt::format("did you mean '{}'?", *suggestion));
  } else {
    diag.note("the types are " + quote_alternatives(step_type_names()));
  }
}

void read_cmd(FieldReader& r, const Node& value, Step& step) {
  if (!value.is_sequence()) {
    auto& diag = r.error("wrong-type", value,
                         fmt::format("'cmd' must be a list of arguments such as [make, test], "
                                     "not {}",
                                     describe_kind(value.kind)));
    if (value.is_string()) diag.note("use 'run' for a shell command line");
    return;
  }
  if (value.items.empty()) {
    r.error("bad-value", value, "'cmd' must name at least the program to run");
    return;
  }
  for (const auto& item : value.items) {
    if (!item.is_scalar() || item.is_null()) {
      r.error("wrong-type", item,
              fmt::format("items of 'cmd' must be strings, not {}", describe_kind(item.kind)));
      continue;
    }
    step.action.argv.push_back(item.text);
    step.edit_extra().argv_pos.push_back(item.pos);
  }
}

// Returns whether the step's type is known (so that type-specific keys can be checked).
bool read_action(FieldReader& r, const Node& node, Step& step) {
  std::vector<const Node::Entry*> actions;
  for (const auto& entry : node.entries) {
    if (is_action_key(entry.key.text)) actions.push_back(&entry);
  }
  if (actions.empty()) {
    r.error("no-action", node, fmt::format("{} has no action", step_label(step)))
        .note("give it one of 'run', 'cmd', 'uses' or 'type'");
    return false;
  }
  const Node::Entry& first = *actions[0];
  for (std::size_t i = 1; i < actions.size(); ++i) {
    r.error("several-actions", actions[i]->key,
            fmt::format("{} has more than one action: '{}' and '{}'", step_label(step),
                        first.key.text, actions[i]->key.text))
        .note(fmt::format("'{}' is given here; a step does exactly one thing", first.key.text),
              first.key.pos);
  }
  step.action.pos = first.key.pos;
  const std::string& kind = first.key.text;
  bool type_known = false;
  if (kind == "run") {
    step.action.kind = ActionKind::Run;
    if (auto script = r.read_string(first.value, "run")) step.action.script = *script;
    step.action.script_pos = first.value.pos;
  } else if (kind == "cmd") {
    step.action.kind = ActionKind::Cmd;
    read_cmd(r, first.value, step);
  } else if (kind == "uses") {
    step.action.kind = ActionKind::Uses;
    if (auto plugin = r.read_string(first.value, "uses")) step.edit_extra().plugin = *plugin;
  } else {
    step.action.kind = ActionKind::Type;
    read_type(r, first.value, step, type_known);
  }
  return type_known;
}

void read_needs(FieldReader& r, const Node& value, Step& step) {
  std::vector<SourcePos> positions;
  if (auto ids = r.read_string_list(value, "needs", &positions)) {
    step.needs.reserve(ids->size());
    for (std::size_t i = 0; i < ids->size(); ++i) {
      step.needs.push_back({std::move((*ids)[i]), positions[i]});
    }
  }
}

void read_trigger(FieldReader& r, const Node& value, Step& step) {
  auto text = r.read_string(value, "trigger");
  if (!text) return;
  step.edit_extra().trigger_pos = value.pos;
  if (auto rule = parse_trigger_rule(*text)) {
    step.trigger = *rule;
    return;
  }
  auto& diag = r.error("unknown-trigger", value, fmt::format("unknown trigger rule '{}'", *text));
  if (auto suggestion = closest_match(*text, trigger_rule_names())) {
    diag.note(fmt::format("did you mean '{}'?", *suggestion));
  } else {
    diag.note("the rules are " + quote_alternatives(trigger_rule_names()));
  }
}

void read_outputs(FieldReader& r, const Node& value, Step& step, bool is_pass) {
  if (is_pass && value.is_mapping()) {
    step.edit_extra().type_config["outputs"] = to_json(value);
    return;
  }
  if (is_pass) {
    r.wrong_type(value, "outputs", "a mapping of output names to values");
  } else if (!value.is_string()) {
    r.wrong_type(value, "outputs", "'json'");
  } else if (value.text == "json") {
    step.outputs = OutputsMode::Json;
  } else {
    r.error("bad-value", value,
            fmt::format("'outputs' of a step must be 'json' or left out, not '{}'", value.text))
        .note(
            "'json' reads the step's stdout as a JSON object; without it, outputs are the "
            "key=value lines written to $FLOWRUN_OUTPUT");
  }
}

void read_tolerated_failures(FieldReader& r, const Node& value, Step& step) {
  bool ok = false;
  if (value.kind == Node::Kind::Integer) {
    ok = value.integer >= 0;
  } else if (value.is_string() && !value.text.empty()) {
    std::string_view text = value.text;
    bool percent = text.back() == '%';
    if (percent) text.remove_suffix(1);
    ok = !text.empty() && text.size() <= 9 &&
         text.find_first_not_of("0123456789") == std::string_view::npos &&
         (!percent || std::stoi(std::string(text)) <= 100);
  }
  if (!ok) {
    r.error("bad-value", value,
            fmt::format("'tolerated_failures' must be a count such as 2 or a percentage such "
                        "as '10%', not {}",
                        value.is_scalar() ? "'" + value.text + "'" : describe_value(value)));
    return;
  }
  step.edit_extra().tolerated_failures = value.text;
}

void read_matrix(FieldReader& r, const Node& value, Step& step) {
  if (!value.is_mapping()) {
    r.wrong_type(value, "matrix", "a mapping of names to lists of values");
    return;
  }
  bool ok = true;
  for (const auto& entry : value.entries) {
    const std::string& name = entry.key.text;
    const Node& list = entry.value;
    bool combinations = name == "include" || name == "exclude";
    if (!list.is_sequence() || (!combinations && list.items.empty())) {
      r.wrong_type(list, "matrix." + name,
                   combinations ? "a list of mappings" : "a non-empty list of values");
      ok = false;
      continue;
    }
    for (const auto& item : list.items) {
      if (combinations && !item.is_mapping()) {
        r.error("wrong-type", item,
                fmt::format("items of 'matrix.{}' must be mappings, not {}", name,
                            describe_kind(item.kind)));
        ok = false;
      }
    }
  }
  if (ok) step.edit_extra().matrix = to_json(value);
}

void read_fanout(FieldReader& r, const Node& node, Step& step) {
  if (const Node* value = node.find("foreach")) {
    Foreach foreach;
    foreach
      .pos = value->pos;
    if (value->is_sequence()) {
      foreach
        .items = to_json(*value);
      step.edit_extra().foreach = std::move(foreach);
    } else if (value->is_string() && has_expression(value->text)) {
      foreach
        .expression = value->text;
      step.edit_extra().foreach = std::move(foreach);
    } else {
      r.error("bad-foreach", *value,
              "'foreach' must be a list or a '${{ }}' expression that gives one, not " +
                  describe_value(*value));
    }
  }
  if (const Node* value = node.find("matrix")) {
    if (node.find("foreach")) {
      r.error("bad-foreach", node.find_entry("matrix")->key,
              "a step takes 'foreach' or 'matrix', not both");
    } else {
      read_matrix(r, *value, step);
    }
  }
  bool fans_out = node.find("foreach") || node.find("matrix");
  for (const char* key : {"max_parallel", "tolerated_failures"}) {
    const Node::Entry* entry = node.find_entry(key);
    if (!entry) continue;
    if (!fans_out) {
      r.error("misplaced-key", entry->key,
              fmt::format("'{}' only applies to steps with 'foreach' or 'matrix'", key));
    } else if (std::string_view(key) == "max_parallel") {
      if (auto n = r.read_positive(entry->value, key)) step.edit_extra().max_parallel = *n;
    } else {
      read_tolerated_failures(r, entry->value, step);
    }
  }
  if (step.extra().foreach) {
    StepExtras& extra = step.edit_extra();
    extra.foreach->max_parallel = extra.max_parallel;
    extra.foreach->tolerated_failures = extra.tolerated_failures;
  }
}

void read_repeat(FieldReader& r, const Node& value, Step& step) {
  if (!value.is_mapping()) {
    r.wrong_type(value, "repeat", "a mapping with 'until', 'max' and 'interval'");
    return;
  }
  r.check_keys(value, repeat_keys(), "in 'repeat'");
  Repeat repeat;
  repeat.pos = value.pos;
  bool ok = true;
  if (const Node* until = value.find("until")) {
    auto text = r.read_string(*until, "repeat.until");
    ok = ok && text.has_value();
    if (text) repeat.until = *text;
    repeat.until_pos = until->pos;
  } else {
    r.error("missing-key", value, "'repeat' needs 'until', the condition that ends the loop");
    ok = false;
  }
  if (const Node* max = value.find("max")) {
    auto n = r.read_positive(*max, "repeat.max");
    ok = ok && n.has_value();
    if (n) repeat.max = *n;
  }
  if (const Node* interval = value.find("interval")) {
    auto d = r.read_duration(*interval, "repeat.interval");
    ok = ok && d.has_value();
    if (d) repeat.interval = *d;
  }
  if (ok) step.edit_extra().repeat = repeat;
}

void read_general_keys(FieldReader& r, const Node& node, Step& step) {
  for (const auto& entry : node.entries) {
    const std::string& key = entry.key.text;
    const Node& value = entry.value;
    if (key == "name") {
      step.edit_extra().name = r.read_string(value, key).value_or("");
    } else if (key == "description") {
      step.edit_extra().description = r.read_string(value, key).value_or("");
    } else if (key == "needs") {
      read_needs(r, value, step);
    } else if (key == "env") {
      step.env = r.read_env(value, key);
    } else if (key == "working_dir") {
      step.edit_extra().working_dir = r.read_string(value, key);
      step.edit_extra().working_dir_pos = value.pos;
    } else if (key == "shell") {
      step.edit_extra().shell = r.read_string(value, key);
    } else if (key == "if") {
      step.edit_extra().condition = r.read_string(value, key);
      step.edit_extra().condition_pos = value.pos;
    } else if (key == "trigger") {
      read_trigger(r, value, step);
    } else if (key == "retry") {
      step.edit_extra().retry = r.read_retry(value, key);
    } else if (key == "timeout") {
      step.edit_extra().timeout = r.read_timeout(value, key);
    } else if (key == "kill_grace") {
      step.edit_extra().kill_grace = r.read_duration(value, key);
    } else if (key == "late_after") {
      step.edit_extra().late_after = r.read_timeout(value, key);
    } else if (key == "continue_on_error") {
      step.continue_on_error = r.read_bool(value, key).value_or(false);
    } else if (key == "on_failure") {
      step.edit_extra().on_failure_hook = r.read_string(value, key);
    } else if (key == "on_retry") {
      step.edit_extra().on_retry_hook = r.read_string(value, key);
    } else if (key == "repeat") {
      read_repeat(r, value, step);
    }
  }
}

}  // namespace

std::optional<Step> load_step(FieldReader& r, const Node& node, const std::string& default_id) {
  if (!node.is_mapping()) {
    r.error("wrong-type", node,
            fmt::format("a step must be a mapping with an 'id' and an action such as 'run', "
                        "not {}",
                        describe_kind(node.kind)));
    return std::nullopt;
  }
  Step step;
  step.pos = node.pos;
  read_id(r, node, step, default_id);
  r.check_keys(node, step_keys(), step.id.empty() ? "in a step" : "in " + step_label(step));
  bool type_known = read_action(r, node, step);
  read_general_keys(r, node, step);
  bool is_pass = type_known && step.action.type == StepType::Pass;
  if (const Node* outputs = node.find("outputs")) read_outputs(r, *outputs, step, is_pass);
  read_fanout(r, node, step);
  if (const Node::Entry* with = node.find_entry("with")) {
    bool takes_with = step.action.kind == ActionKind::Uses ||
                      (type_known && step.action.type == StepType::Workflow);
    if (!takes_with) {
      r.error("misplaced-key", with->key,
              "'with' only applies to steps with 'uses' or of type 'workflow'");
    } else if (!with->value.is_mapping()) {
      r.wrong_type(with->value, "with", "a mapping of names to values");
    } else {
      step.edit_extra().with = to_json(with->value);
    }
  }
  read_type_keys(r, node, step, type_known);
  return step;
}

}  // namespace flowrun
