#include "core/exec/command.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace flowrun {
namespace {

bool is_word_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '_':
    case '.':
    case '/':
    case '=':
    case ':':
    case ',':
    case '+':
    case '-':
    case '@':
    case '%':
      return true;
    default:
      return false;
  }
}

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_executable_file(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(path.c_str(), X_OK) == 0;
}

// Only the shells whose meaning of a plain word list we know may be bypassed.
bool is_posix_shell(const std::string& shell) {
  return shell.empty() || shell == "sh" || shell == "/bin/sh" || shell == "bash" ||
         shell == "/bin/bash" || shell == "/usr/bin/bash";
}

}  // namespace

const std::string& effective_shell(const Workflow& workflow, const Step& step) {
  static const std::string none;
  if (step.extra().shell) return *step.extra().shell;
  if (workflow.defaults.shell) return *workflow.defaults.shell;
  if (workflow.shell) return *workflow.shell;
  return none;
}

const std::string& ProgramResolver::resolve(const std::string& name) {
  auto found = cache_.find(name);
  if (found != cache_.end()) return found->second;
  std::string result;
  if (name.find('/') != std::string::npos) {
    result = name;
  } else if (!name.empty()) {
    std::string_view dirs = path_;
    while (result.empty()) {
      std::size_t colon = dirs.find(':');
      std::string_view dir = dirs.substr(0, colon);
      std::string candidate = std::string(dir.empty() ? "." : dir) + "/" + name;
      if (is_executable_file(candidate)) result = std::move(candidate);
      if (colon == std::string_view::npos) break;
      dirs.remove_prefix(colon + 1);
    }
  }
  return cache_.emplace(name, std::move(result)).first->second;
}

bool is_simple_script(std::string_view script) {
  script = trim(script);
  if (script.empty()) return false;
  bool first_word = true;
  for (char c : script) {
    if (c == ' ') {
      first_word = false;
    } else if (!is_word_char(c) || (first_word && c == '=')) {
      return false;
    }
  }
  return true;
}

CommandBuilder::CommandBuilder(const Workflow& workflow, std::string path_value)
    : workflow_(workflow), resolver_(std::move(path_value)) {}

bool CommandBuilder::build(const Step& step, Command& out, std::string& cause) {
  return build_with(step, step.action.script, step.action.argv, out, cause);
}

bool CommandBuilder::build_with(const Step& step, std::string_view script,
                                const std::vector<std::string>& argv, Command& out,
                                std::string& cause) {
  out.argv.clear();
  out.program.clear();
  if (step.action.kind == ActionKind::Run) return build_run(step, script, out, cause);
  if (step.action.kind == ActionKind::Cmd) return build_cmd(step, argv, out, cause);
  cause = "step '" + step.id + "' has no command to run";
  return false;
}

bool CommandBuilder::build_run(const Step& step, std::string_view script, Command& out,
                               std::string& cause) {
  const std::string& shell = effective_shell(workflow_, step);
  if (is_posix_shell(shell) && is_simple_script(script)) {
    std::string_view words = trim(script);
    while (!words.empty()) {
      std::size_t space = words.find(' ');
      std::string_view word = words.substr(0, space);
      if (!word.empty()) out.argv.emplace_back(word);
      if (space == std::string_view::npos) break;
      words.remove_prefix(space + 1);
    }
    // Builtins, keywords and unknown names fall through to the shell, which knows them.
    const std::string& program = resolver_.resolve(out.argv[0]);
    if (!program.empty() && out.argv[0].find('/') == std::string::npos) {
      out.program = program;
      return true;
    }
    out.argv.clear();
  }
  out.argv = shell_argv(shell);
  out.argv.emplace_back(script);
  return resolve_into(out.argv[0], out, cause);
}

bool CommandBuilder::build_cmd(const Step& step, const std::vector<std::string>& argv, Command& out,
                               std::string& cause) {
  if (argv.empty() || argv[0].empty()) {
    cause = "step '" + step.id + "' has an empty cmd";
    return false;
  }
  out.argv = argv;
  return resolve_into(out.argv[0], out, cause);
}

bool CommandBuilder::resolve_into(const std::string& name, Command& out, std::string& cause) {
  out.program = resolver_.resolve(name);
  if (out.program.empty()) {
    cause = "program '" + name + "' was not found on PATH";
    return false;
  }
  return true;
}

}  // namespace flowrun
