#include "cli/cmd_task_token.hpp"

#include <fmt/format.h>

#include <memory>

#include "cli/history_support.hpp"
#include "cli/terminal.hpp"
#include "core/asl/task_tokens.hpp"
#include "core/store/run_store.hpp"

namespace flowrun::cli {
namespace {

constexpr int kExitUsage = 2;

struct TokenOptions {
  std::string token;
  std::string output;
  std::string error;
  std::string cause;
  std::string state_dir;
};

// Hands `answer` to the run that issued the token and notes it in the run's history.
int answer_token(const TokenOptions& options, asl::TokenAnswer answer, std::string_view event) {
  if (!asl::is_token_shaped(options.token)) {
    print_error("'" + options.token + "' is not a task token");
    return kExitUsage;
  }
  std::unique_ptr<RunStore> store = open_history(options.state_dir);
  std::optional<RunRow> run = store->find_run(asl::run_id_of_token(options.token));
  if (!run) {
    print_error("task token '" + options.token + "' belongs to no recorded run");
    return kExitUsage;
  }
  RunStatus status = effective_status(*run);
  if (status != RunStatus::Running && status != RunStatus::Waiting) {
    print_error(fmt::format("run {} is {}; its task tokens are no longer valid", run->id,
                            to_string(status)));
    return kExitUsage;
  }
  if (!asl::is_token_issued(run->run_dir, options.token)) {
    print_error("task token '" + options.token + "' is unknown or was already used");
    return kExitUsage;
  }
  answer.token = options.token;
  asl::write_token_answer(run->run_dir, answer);
  nlohmann::json detail = {{"token", options.token}};
  if (answer.kind == asl::TokenAnswer::Kind::Success) detail["output"] = answer.output;
  if (answer.kind == asl::TokenAnswer::Kind::Failure) {
    detail["error"] = answer.error;
    detail["cause"] = answer.cause;
  }
  store->append_event(run->key, event, detail.dump());
  return 0;
}

CLI::App* add_token_command(CLI::App& app, const char* name, const char* help,
                            std::shared_ptr<TokenOptions> options) {
  CLI::App* command = app.add_subcommand(name, help);
  command->add_option("token", options->token, "The task token (FLOWRUN_TASK_TOKEN)")->required();
  command->add_option("--state-dir", options->state_dir, "Where runs are recorded");
  return command;
}

}  // namespace

void add_task_token_commands(CLI::App& app, int& exit_code) {
  auto success = std::make_shared<TokenOptions>();
  CLI::App* command =
      add_token_command(app, "task-success", "Complete a waiting ASL Task with an output", success);
  command->add_option("--output", success->output, "The Task's result, JSON")->required();
  command->callback([success, &exit_code] {
    nlohmann::json output = nlohmann::json::parse(success->output, nullptr, false);
    if (output.is_discarded()) {
      print_error("--output is not valid JSON: " + success->output);
      exit_code = kExitUsage;
      return;
    }
    asl::TokenAnswer answer;
    answer.kind = asl::TokenAnswer::Kind::Success;
    answer.output = std::move(output);
    exit_code = answer_token(*success, std::move(answer), "TaskTokenSuccess");
  });

  auto failure = std::make_shared<TokenOptions>();
  command = add_token_command(app, "task-failure", "Fail a waiting ASL Task", failure);
  command->add_option("--error", failure->error, "The error name")->required();
  command->add_option("--cause", failure->cause, "The cause, a human sentence");
  command->callback([failure, &exit_code] {
    asl::TokenAnswer answer;
    answer.kind = asl::TokenAnswer::Kind::Failure;
    answer.error = failure->error;
    answer.cause = failure->cause;
    exit_code = answer_token(*failure, std::move(answer), "TaskTokenFailure");
  });

  auto heartbeat = std::make_shared<TokenOptions>();
  command = add_token_command(app, "task-heartbeat",
                              "Tell a waiting ASL Task that its work is alive", heartbeat);
  command->callback([heartbeat, &exit_code] {
    asl::TokenAnswer answer;
    answer.kind = asl::TokenAnswer::Kind::Heartbeat;
    exit_code = answer_token(*heartbeat, std::move(answer), "TaskTokenHeartbeat");
  });
}

}  // namespace flowrun::cli
