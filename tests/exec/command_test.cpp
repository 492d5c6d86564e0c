#include "core/exec/command.hpp"

#include <doctest/doctest.h>

#include "core/exec/environment.hpp"
#include "core/exec/output_file.hpp"

using namespace flowrun;

namespace {
Step run(std::string script) {
  Step step;
  step.id = "s";
  step.action.kind = ActionKind::Run;
  step.action.script = std::move(script);
  return step;
}
}  // namespace

TEST_CASE("plain word scripts are simple; shell syntax and assignments are not") {
  CHECK(is_simple_script("true"));
  CHECK(is_simple_script("  echo step 42 a=b x,y:z +@%-./_\n"));
  CHECK_FALSE(is_simple_script(""));
  CHECK_FALSE(is_simple_script("A=1 env"));
  CHECK_FALSE(is_simple_script("echo $HOME"));
  CHECK_FALSE(is_simple_script("echo a; echo b"));
  CHECK_FALSE(is_simple_script("echo 'quoted'"));
  CHECK_FALSE(is_simple_script("ls *"));
  CHECK_FALSE(is_simple_script("echo a\necho b"));
  CHECK_FALSE(is_simple_script("cat ~/x"));
}

TEST_CASE("a simple script is exec'd directly; anything else goes through the shell") {
  Workflow workflow;
  CommandBuilder builder(workflow, "/usr/bin:/bin");
  Command command;
  std::string cause;
  REQUIRE(builder.build(run("echo step 1"), command, cause));
  CHECK(command.argv == std::vector<std::string>{"echo", "step", "1"});
  CHECK(command.program.ends_with("/echo"));

  REQUIRE(builder.build(run("echo $HOME"), command, cause));
  CHECK(command.argv == std::vector<std::string>{"/bin/sh", "-c", "echo $HOME"});

  SUBCASE("builtins and unknown names are left to the shell") {
    REQUIRE(builder.build(run("exit 3"), command, cause));
    CHECK(command.argv[0] == "/bin/sh");
  }
  SUBCASE("bash gets -eo pipefail") {
    Step step = run("false | true");
    step.edit_extra().shell = "bash";
    REQUIRE(builder.build(step, command, cause));
    CHECK(command.argv ==
          std::vector<std::string>{"bash", "-eo", "pipefail", "-c", "false | true"});
    CHECK(command.program.ends_with("/bash"));
  }
  SUBCASE("a custom shell is never bypassed") {
    Step step = run("print");
    step.edit_extra().shell = "python3 -c";
    REQUIRE(builder.build(step, command, cause));
    CHECK(command.argv == std::vector<std::string>{"python3", "-c", "print"});
  }
}

TEST_CASE("cmd resolves its program on PATH once and reports a missing one") {
  Workflow workflow;
  CommandBuilder builder(workflow, "/nonexistent:/usr/bin:/bin");
  Step step;
  step.id = "c";
  step.action.kind = ActionKind::Cmd;
  step.action.argv = {"ls", "-l"};
  Command command;
  std::string cause;
  REQUIRE(builder.build(step, command, cause));
  CHECK(command.program.ends_with("/ls"));
  step.action.argv = {"no-such-program-flowrun"};
  CHECK_FALSE(builder.build(step, command, cause));
  CHECK(cause == "program 'no-such-program-flowrun' was not found on PATH");
}

TEST_CASE("the environment block: later definitions replace earlier ones, FLOWRUN_* reserved") {
  Workflow workflow;
  workflow.env = {{"A", "workflow", {}}, {"B", "workflow", {}}};
  workflow.defaults.env = {{"B", "defaults", {}}};
  EnvironmentBuilder builder({"A=parent", "PATH=/bin", "FLOWRUN_STEP=spoof", "C=parent"}, workflow);
  CHECK(builder.base_value("PATH") == "/bin");
  CHECK(builder.base_value("B") == "defaults");
  EnvList step_env{{"C", "step", {}}, {"FLOWRUN_ATTEMPT", "9", {}}};
  std::vector<std::string> extra{"FLOWRUN_STEP=s"};
  char* const* envp = builder.build(step_env, extra);
  std::vector<std::string> entries;
  for (; *envp; ++envp) entries.emplace_back(*envp);
  std::sort(entries.begin(), entries.end());
  CHECK(entries == std::vector<std::string>{"A=workflow", "B=defaults", "C=step", "FLOWRUN_STEP=s",
                                            "PATH=/bin"});
}

TEST_CASE("output files: key=value lines, heredoc blocks, later keys win") {
  StepOutputs outputs =
      parse_output_text("a=1\nempty=\nnot a pair\nb<<END\nline 1\nx=y\nEND\na=2\r\n");
  StepOutputs expected{{"a", "2"}, {"empty", ""}, {"b", "line 1\nx=y"}};
  CHECK(outputs == expected);
  CHECK(read_output_file("/nonexistent/flowrun/output").empty());
}
