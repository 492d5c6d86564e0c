#include "core/asl/bindings.hpp"

#include <filesystem>

namespace flowrun::asl {
namespace {

constexpr const char* kCode = "asl-bindings";
constexpr std::string_view kTokenSuffix = ".waitForTaskToken";

void read_env(const std::string& file, const Node& node, TaskAction& action,
              Diagnostics& diagnostics) {
  if (!node.is_mapping()) {
    diagnostics.error(kCode, file, node.pos, "'env' must be a mapping of NAME: value");
    return;
  }
  for (const Node::Entry& entry : node.entries) {
    if (!entry.value.is_scalar() || entry.value.is_null()) {
      diagnostics.error(kCode, file, entry.value.pos,
                        "env '" + entry.key.text + "' must be a string, number or boolean");
      continue;
    }
    action.env.emplace_back(entry.key.text, entry.value.text);
  }
}

void read_cmd(const std::string& file, const Node& node, TaskAction& action,
              Diagnostics& diagnostics) {
  if (!node.is_sequence() || node.items.empty()) {
    diagnostics.error(kCode, file, node.pos, "'cmd' must be a non-empty list of arguments");
    return;
  }
  for (const Node& item : node.items) {
    if (!item.is_scalar() || item.is_null()) {
      diagnostics.error(kCode, file, item.pos, "each 'cmd' argument must be a string");
      return;
    }
    action.argv.push_back(item.text);
  }
}

void read_string(const std::string& file, const Node& node, std::string_view key, std::string& out,
                 Diagnostics& diagnostics) {
  if (!node.is_string()) {
    diagnostics.error(kCode, file, node.pos, "'" + std::string(key) + "' must be a string");
    return;
  }
  out = node.text;
}

void read_action(const std::string& file, const Node::Entry& entry, Bindings& bindings,
                 Diagnostics& diagnostics) {
  TaskAction action;
  action.pattern = entry.key.text;
  action.pos = entry.key.pos;
  const Node& body = entry.value;
  if (body.is_string()) {  // `ARN: script` is short for `ARN: {run: script}`
    action.script = body.text;
    bindings.actions.push_back(std::move(action));
    return;
  }
  if (!body.is_mapping()) {
    diagnostics.error(
        kCode, file, body.pos,
        "the binding of '" + action.pattern + "' must be a mapping with 'run', 'cmd' or 'uses'");
    return;
  }
  int kinds = 0;
  const Node::Entry* with = nullptr;
  for (const Node::Entry& field : body.entries) {
    const std::string& key = field.key.text;
    if (key == "run") {
      ++kinds;
      read_string(file, field.value, key, action.script, diagnostics);
    } else if (key == "cmd") {
      ++kinds;
      read_cmd(file, field.value, action, diagnostics);
    } else if (key == "env") {
      read_env(file, field.value, action, diagnostics);
    } else if (key == "working_dir") {
      read_string(file, field.value, key, action.working_dir, diagnostics);
    } else if (key == "shell") {
      read_string(file, field.value, key, action.shell, diagnostics);
    } else if (key == "uses") {
      ++kinds;
      read_string(file, field.value, key, action.plugin, diagnostics);
    } else if (key == "with") {
      if (field.value.is_mapping()) {
        action.with = to_json(field.value);
      } else {
        diagnostics.error(kCode, file, field.value.pos,
                          "'with' must be a mapping of the plugin's inputs");
      }
      with = &field;
    } else {
      diagnostics.error(kCode, file, field.key.pos,
                        "unknown key '" + key + "' in the binding of '" + action.pattern +
                            "' (expected run, cmd, uses, with, env, working_dir, shell)",
                        static_cast<std::uint32_t>(key.size()));
    }
  }
  if (kinds != 1) {
    diagnostics.error(
        kCode, file, entry.key.pos,
        "the binding of '" + action.pattern + "' needs exactly one of 'run', 'cmd' or 'uses'",
        static_cast<std::uint32_t>(action.pattern.size()));
    return;
  }
  if (with && action.plugin.empty()) {
    diagnostics.error(
        kCode, file, with->key.pos,
        "'with' belongs to a plugin: the binding of '" + action.pattern + "' has no 'uses'", 4);
    return;
  }
  bindings.actions.push_back(std::move(action));
}

}  // namespace

bool matches_resource_pattern(std::string_view pattern, std::string_view text) {
  // Iterative glob with backtracking to the last `*`: linear enough for ARNs.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

const TaskAction* Bindings::find(std::string_view resource) const {
  std::string_view bare = resource;
  if (bare.size() > kTokenSuffix.size() && bare.ends_with(kTokenSuffix)) {
    bare.remove_suffix(kTokenSuffix.size());
  }
  for (std::string_view candidate : {resource, bare}) {
    for (const TaskAction& action : actions) {
      if (action.pattern == candidate) return &action;
    }
  }
  for (std::string_view candidate : {resource, bare}) {
    for (const TaskAction& action : actions) {
      if (action.pattern.find('*') != std::string::npos &&
          matches_resource_pattern(action.pattern, candidate)) {
        return &action;
      }
    }
  }
  return nullptr;
}

Bindings read_bindings(const std::string& file, const Node& root, Diagnostics& diagnostics) {
  Bindings bindings;
  bindings.file = file;
  bindings.dir = std::filesystem::absolute(file).parent_path().lexically_normal().string();
  const Node* map = &root;
  // `resources:` as a wrapper is accepted too, so a file can grow other sections later.
  if (root.is_mapping() && root.entries.size() == 1 && root.entries[0].key.text == "resources") {
    map = &root.entries[0].value;
  }
  if (!map->is_mapping()) {
    diagnostics.error(
        kCode, file, map->pos,
        "a bindings file must be a mapping of resource ARN (or pattern) to an action");
    return bindings;
  }
  for (const Node::Entry& entry : map->entries) read_action(file, entry, bindings, diagnostics);
  return bindings;
}

}  // namespace flowrun::asl
