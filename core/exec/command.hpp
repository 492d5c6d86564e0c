#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/model/workflow.hpp"

namespace flowrun {

/// Finds programs on a PATH value, remembering each answer (one search per distinct name).
class ProgramResolver {
 public:
  explicit ProgramResolver(std::string path_value) : path_(std::move(path_value)) {}
  /// The executable file `name` resolves to; `name` itself when it holds a '/'; empty when
  /// nothing on PATH matches.
  const std::string& resolve(const std::string& name);

 private:
  std::string path_;
  std::unordered_map<std::string, std::string> cache_;
};

/// True when `script` is one simple command that any POSIX shell would run as plain words:
/// only [A-Za-z0-9_./=:,+-@%] and spaces, and no `NAME=value` prefix.
bool is_simple_script(std::string_view script);

/// The shell a step's `run:` uses as written (step, defaults, workflow), or "" for the default.
const std::string& effective_shell(const Workflow& workflow, const Step& step);

/// What to exec for one attempt: the resolved program and its argv.
struct Command {
  std::string program;
  std::vector<std::string> argv;
};

/// Turns a step's `run:` or `cmd:` into a Command. `run:` goes through the shell, except
/// that a simple script under the default shell is split on spaces and exec'd directly.
class CommandBuilder {
 public:
  /// `path_value` is the PATH of the steps' environment; `workflow` supplies the shells.
  CommandBuilder(const Workflow& workflow, std::string path_value);

  /// Fills `out` for `step`; on failure returns false and sets `cause` (a sentence).
  bool build(const Step& step, Command& out, std::string& cause);
  /// The same with the script or argv given (the step's own with expressions rendered).
  bool build_with(const Step& step, std::string_view script, const std::vector<std::string>& argv,
                  Command& out, std::string& cause);
  /// `script` through the step's shell, as `run:` would run it (a wait's `for.command`).
  bool build_run(const Step& step, std::string_view script, Command& out, std::string& cause);
  /// `argv` exec'd directly, as `cmd:` would run it.
  bool build_cmd(const Step& step, const std::vector<std::string>& argv, Command& out,
                 std::string& cause);

 private:
  bool resolve_into(const std::string& name, Command& out, std::string& cause);

  const Workflow& workflow_;
  ProgramResolver resolver_;
};

}  // namespace flowrun
