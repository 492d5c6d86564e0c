#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "cli/cmd_resume.hpp"
#include "cli/cmd_run_asl.hpp"
#include "cli/history_commands.hpp"
#include "cli/history_support.hpp"
#include "cli/terminal.hpp"
#include "core/asl/task_tokens.hpp"
#include "core/engine/approvals.hpp"
#include "core/load/param_values.hpp"
#include "core/store/approval_store.hpp"
#include "core/store/run_history.hpp"
#include "core/util/text.hpp"

namespace flowrun::cli {
namespace {

constexpr int kExitUsage = 2;

struct ApproveOptions {
  std::string run;
  std::string step;
  bool reject = false;
  std::string comment;
  std::string output;
  std::vector<std::string> inputs;
  bool resume = false;
  std::string state_dir;
};

// $USER, else the name of this process's user.
std::string current_user() {
  if (const char* user = std::getenv("USER"); user && *user) return user;
  if (const passwd* entry = getpwuid(getuid()); entry && entry->pw_name) return entry->pw_name;
  return std::to_string(getuid());
}

// The approval step `id` of the run's workflow; prints why not and returns nullptr.
const Step* find_approval_step(const Workflow& workflow, const RunRow& run, const std::string& id) {
  const Step* step = workflow.find_step(id);
  if (!step) {
    std::vector<std::string> ids;
    for (const Step& candidate : workflow.steps) ids.push_back(candidate.id);
    std::string message = fmt::format("run '{}' has no step '{}'", run.id, id);
    if (auto suggestion = closest_match(id, ids))
      message += "; did you mean '" + *suggestion + "'?";
    print_error(message);
    return nullptr;
  }
  if (step->action.kind != ActionKind::Type || step->action.type != StepType::Approval) {
    print_error(fmt::format("step '{}' of run '{}' is not an approval step", id, run.id));
    return nullptr;
  }
  return step;
}

// The answer's inputs, typed and checked against the step's `inputs`; nullopt after printing
// every problem. A rejection needs no required input.
std::optional<nlohmann::json> read_inputs(const Step& step, const ApproveOptions& options) {
  std::vector<ParamInput> given;
  if (!options.output.empty()) {
    nlohmann::json value = nlohmann::json::parse(options.output, nullptr, false);
    std::string error;
    if (!value.is_discarded()) given = object_inputs(value, "--output", error);
    if (value.is_discarded() || !error.empty()) {
      print_error("--output must be a JSON object of input names to values, not: " +
                  options.output);
      return std::nullopt;
    }
  }
  for (const std::string& entry : options.inputs) {
    std::optional<ParamInput> input = text_input(entry, "-i");
    if (!input) {
      print_error("-i expects NAME=VALUE, got '" + entry + "'");
      return std::nullopt;
    }
    given.push_back(std::move(*input));
  }
  std::vector<Param> declared = step.extra().inputs;
  if (options.reject) {
    for (Param& input : declared) input.required = false;
  }
  const std::string owner = fmt::format("step '{}'", step.id);
  ResolvedParams resolved = resolve_params(declared, given, {"input", owner, "-i"});
  for (const std::string& error : resolved.errors) print_error(owner + ": " + error);
  if (!resolved.errors.empty()) return std::nullopt;
  return std::move(resolved.values);
}

std::string describe(const ApprovalAnswer& answer) {
  if (answer.timed_out) return answer.comment;
  if (answer.approver.empty()) return answer.comment;  // ended by the run stopping
  return fmt::format("{} by {} at {}", answer.approved ? "approved" : "rejected", answer.approver,
                     format_timestamp(answer.answered_ms));
}

// Prints why the answer was refused; returns the exit status.
int refuse(AnswerOutcome outcome, const ApprovalRow& found, const RunRow& run,
           const std::string& step) {
  if (outcome == AnswerOutcome::NotAsked) {
    print_error(fmt::format("step '{}' of run '{}' is not waiting for approval (it has not asked)",
                            step, run.id));
  } else if (outcome == AnswerOutcome::Expired) {
    print_error(fmt::format(
        "the approval of step '{}' of run '{}' timed out at {}; its on_timeout decides when the "
        "run goes on ('flowrun resume {}')",
        step, run.id, format_timestamp(found.deadline_ms), run.id));
  } else if (found.answer) {
    print_error(fmt::format("step '{}' of run '{}' is no longer waiting for approval: {}", step,
                            run.id, describe(*found.answer)));
  } else {
    print_error(
        fmt::format("step '{}' of run '{}' is no longer waiting for approval", step, run.id));
  }
  return kExitUsage;
}

// The run to resume for `run`: itself, or the top-most of the parent runs that wait with it.
RunRow waiting_top(RunStore& store, RunRow run) {
  while (!run.parent_run.empty()) {
    std::optional<RunRow> parent = store.find_run(run.parent_run);
    if (!parent || effective_status(*parent) != RunStatus::Waiting) break;
    run = std::move(*parent);
  }
  return run;
}

int approve(const ApproveOptions& options) {
  if (!options.output.empty() && !options.inputs.empty()) {
    print_error("give the inputs with --output JSON or with -i NAME=VALUE, not both");
    return kExitUsage;
  }
  std::unique_ptr<RunStore> store = open_history(options.state_dir);
  RunRow run = store->resolve_run(options.run);
  RunStatus status = effective_status(run);
  if (status != RunStatus::Running && status != RunStatus::Waiting &&
      status != RunStatus::Interrupted) {
    print_error(
        fmt::format("run '{}' is {}; nothing in it waits for approval", run.id, to_string(status)));
    return kExitUsage;
  }
  if (is_asl_run(run.run_dir)) {
    print_error(
        fmt::format("run '{}' runs an Amazon States Language file; answer its callback "
                    "Tasks with 'flowrun task-success' or 'task-failure'",
                    run.id));
    return kExitUsage;
  }
  Workflow workflow = load_run_workflow(run);
  const Step* step = find_approval_step(workflow, run, options.step);
  if (!step) return kExitUsage;
  std::optional<nlohmann::json> inputs = read_inputs(*step, options);
  if (!inputs) return kExitUsage;
  ApprovalAnswer answer;
  answer.approved = !options.reject;
  answer.approver = current_user();
  answer.comment = options.comment;
  answer.answered_ms = now_epoch_ms();
  answer.inputs = std::move(*inputs);
  ApprovalRow found;
  AnswerOutcome outcome = answer_approval(store->db(), run.key, step->id, answer, found);
  if (outcome != AnswerOutcome::Answered) return refuse(outcome, found, run, step->id);
  // The history holds the answer; this file only wakes a flowrun that waits for it.
  asl::TokenAnswer wake;
  wake.token = approval_token(step->id);
  wake.kind = asl::TokenAnswer::Kind::Success;
  wake.output = to_json(answer);
  asl::write_token_answer(run.run_dir, wake);
  store->append_event(run.key, "ApprovalGiven", to_json(answer).dump(), step->id);
  write(stderr,
        fmt::format("flowrun: step '{}' of run {} {}\n", step->id, run.id, describe(answer)));
  if (status == RunStatus::Running) {
    write(stderr,
          fmt::format("flowrun: the run goes on in its flowrun process {}\n", run.owner.pid));
    return 0;
  }
  // A child run that waits with its parent (--no-wait through a `type: workflow` step) is
  // continued by resuming the parent, which resumes it.
  const RunRow top = waiting_top(*store, run);
  if (!options.resume) {
    write(stderr, fmt::format("flowrun: 'flowrun resume {}' continues the run{}\n", top.id,
                              top.id == run.id ? "" : " through its waiting parent run"));
    return 0;
  }
  ResumeOptions resume;
  resume.run = top.id;
  resume.state_dir = options.state_dir;
  resume.no_wait = true;  // a further approval stops it again rather than block this terminal
  return resume_run(resume);
}

}  // namespace

void add_approve_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ApproveOptions>();
  CLI::App* command =
      app.add_subcommand("approve", "Answer an approval step that waits (approve or reject)");
  command->add_option("run", options->run, "Run id, unique id prefix, or 'last'")->required();
  command->add_option("step", options->step, "The approval step's id")->required();
  command->add_flag("--reject", options->reject, "Reject instead of approve");
  command->add_option("--comment", options->comment, "Why, recorded with the answer");
  command->add_option("--output", options->output,
                      "The step's inputs as a JSON object, such as '{\"ticket\": \"OPS-1\"}'");
  command->add_option("-i,--input", options->inputs,
                      "An input, NAME=VALUE, typed by its declaration (repeatable)");
  command->add_flag("--resume", options->resume,
                    "Then continue the run (when it stopped waiting: run --no-wait)");
  command->add_option("--state-dir", options->state_dir, "Where runs are recorded");
  command->callback([options, &exit_code] { exit_code = approve(*options); });
}

}  // namespace flowrun::cli
