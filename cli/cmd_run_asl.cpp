#include "cli/cmd_run_asl.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "cli/asl_observer.hpp"
#include "cli/history_support.hpp"
#include "cli/state_dir.hpp"
#include "cli/terminal.hpp"
#include "core/asl/interpreter.hpp"
#include "core/asl/item_reader.hpp"
#include "core/load/load_document.hpp"
#include "core/report/asl_summary.hpp"
#include "core/store/asl_recorder.hpp"
#include "core/store/run_store.hpp"
#include "core/util/error.hpp"
#include "core/validate/render_diagnostics.hpp"

namespace flowrun::cli {
namespace {

constexpr int kExitUsage = 2;

bool read_text_file(const std::string& path, std::string& text) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  return true;
}

// --input JSON or @FILE: any JSON value; {} when absent.
std::optional<nlohmann::json> read_execution_input(const std::string& input) {
  if (input.empty()) return nlohmann::json::object();
  std::string text = input;
  if (input[0] == '@' && !read_text_file(input.substr(1), text)) {
    print_error("--input: cannot read '" + input.substr(1) + "'");
    return std::nullopt;
  }
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) {
    print_error(input[0] == '@' ? "--input: '" + input.substr(1) + "' is not valid JSON"
                                : "--input is not valid JSON: " + input);
    return std::nullopt;
  }
  return value;
}

void print_diagnostics(const Diagnostics& diagnostics) {
  if (!diagnostics.items().empty()) {
    write(stderr, render_text(diagnostics, RenderOptions{use_colour(stderr)}));
  }
}

std::optional<asl::Bindings> read_bindings_file(const std::string& path) {
  Diagnostics diagnostics;
  std::optional<Document> document = load_document(path, diagnostics);
  if (!document || diagnostics.has_errors()) {
    print_diagnostics(diagnostics);
    if (!document && diagnostics.items().empty()) print_error("cannot read '" + path + "'");
    return std::nullopt;
  }
  diagnostics.add_source(document->source);
  asl::Bindings bindings = asl::read_bindings(path, document->root, diagnostics);
  diagnostics.sort();
  print_diagnostics(diagnostics);
  if (diagnostics.has_errors()) return std::nullopt;
  return bindings;
}

std::optional<asl::MockTestCase> read_mocks(const AslRunRequest& request,
                                            const std::string& default_machine) {
  if (request.test_case.empty()) {
    print_error("--mock-config needs --test-case NAME");
    return std::nullopt;
  }
  std::string text;
  if (!read_text_file(request.mock_config, text)) {
    print_error("--mock-config: cannot read '" + request.mock_config + "'");
    return std::nullopt;
  }
  nlohmann::json root = nlohmann::json::parse(text, nullptr, false);
  if (root.is_discarded()) {
    print_error("--mock-config: '" + request.mock_config + "' is not valid JSON");
    return std::nullopt;
  }
  std::string error;
  auto mocks = asl::read_mock_config(request.mock_config, root, request.state_machine,
                                     default_machine, request.test_case, error);
  if (!mocks) print_error(error);
  return mocks;
}

// `order_processing.asl.json` -> `order_processing`.
std::string machine_name_of(const std::string& path) {
  std::string stem = std::filesystem::path(path).stem().string();
  if (stem.ends_with(".asl")) stem.resize(stem.size() - 4);
  return stem.empty() || path == "-" ? "state-machine" : stem;
}

constexpr std::string_view kRequestFile = "asl_run.json";

// What `resume` needs to answer the Tasks again: the bindings and mocks, as absolute paths.
void write_run_request(const RunFolder& folder, const AslRunRequest& request) {
  auto absolute = [](const std::string& path) {
    return path.empty() ? path : std::filesystem::absolute(path).lexically_normal().string();
  };
  nlohmann::json saved = {{"resources", absolute(request.resources)},
                          {"mock_config", absolute(request.mock_config)},
                          {"test_case", request.test_case},
                          {"state_machine", request.state_machine}};
  folder.write_file(kRequestFile, saved.dump(2) + "\n");
}

// A run stopped `waiting`: which tokens it waits for and the commands that answer them.
void print_waiting(const asl::ExecutionResult& result, const std::string& state_dir) {
  const std::string option = state_dir_option(state_dir);
  std::string text =
      fmt::format("flowrun: run {} is waiting for {} task token{}\n", result.run.run_id,
                  result.waiting.size(), result.waiting.size() == 1 ? "" : "s");
  for (const asl::WaitingTask& task : result.waiting) {
    text += fmt::format("  state '{}'", task.state);
    if (task.item_index >= 0) text += fmt::format(" (item {})", task.item_index);
    text += fmt::format(
        ": flowrun task-success {} --output JSON{}\n      (or: flowrun task-failure {} --error E "
        "[--cause C]{})\n",
        task.token, option, task.token, option);
  }
  text += fmt::format("then: flowrun resume {}{}\n", result.run.run_id, option);
  write(stderr, text);
}

// A Map's ResultWriter (S3) is not used locally: the results stay in the state's output, as
// an inline Map gives them. Said once per state, before the run.
void note_result_writers(const asl::StateMachine& machine) {
  for (const asl::State& state : machine.states) {
    if (state.type == asl::StateType::Map && state.definition.contains("ResultWriter")) {
      write(stderr, fmt::format("flowrun: note: Map state '{}' has a ResultWriter, which is not "
                                "used locally: its results stay in the state's output\n",
                                state.name));
    }
    for (const asl::StateMachine& branch : state.branches) note_result_writers(branch);
    if (state.iterator) note_result_writers(*state.iterator);
  }
}

// Where a Map's ItemReader is written: its key, else the state's name.
SourcePos item_reader_pos(const asl::State& state) {
  for (const asl::FieldKey& field : state.fields) {
    if (field.name == "ItemReader") return field.pos;
  }
  return state.name_pos;
}

// Every Task must be answered by a binding or a mock before anything runs.
bool check_tasks_bound(const Definition& definition, const asl::Bindings* bindings,
                       const asl::MockTestCase* mocks) {
  std::vector<asl::UnboundTask> unbound =
      asl::find_unbound_tasks(*definition.machine, bindings, mocks);
  if (unbound.empty()) return true;
  Diagnostics diagnostics;
  diagnostics.add_source(definition.document.source);
  for (const asl::UnboundTask& task : unbound) {
    const asl::State& state = *task.state;
    if (task.item_reader) {
      diagnostics
          .error("asl-unbound-task", definition.path(), item_reader_pos(state),
                 fmt::format("Map state '{}' reads its items with ItemReader resource '{}', "
                             "which has no binding",
                             state.name, task.resource))
          .note(bindings ? "add it to " + bindings->file + " (its action prints the items)"
                         : "bind it with --resources FILE (its action prints the items)");
      continue;
    }
    Diagnostic& diagnostic = diagnostics.error(
        "asl-unbound-task", definition.path(),
        state.resource_pos.is_known() ? state.resource_pos : state.name_pos,
        fmt::format("Task state '{}' has no binding for resource '{}'", state.name, task.resource));
    diagnostic.note(bindings ? "add it to " + bindings->file + ", or mock the state"
                             : "bind it with --resources FILE, or mock it with --mock-config");
  }
  diagnostics.sort();
  print_diagnostics(diagnostics);
  return false;
}

int print_plan(const Definition& definition, const asl::Bindings* bindings,
               const asl::MockTestCase* mocks, bool json) {
  nlohmann::json tasks = nlohmann::json::array();
  std::string text = fmt::format("plan of '{}' (Amazon States Language; nothing is run):\n",
                                 machine_name_of(definition.path()));
  auto bound_action = [&](const std::string& resource) -> std::string {
    const asl::TaskAction* found = bindings ? bindings->find(resource) : nullptr;
    if (!found) return "(no binding)";
    return found->argv.empty() ? "run: " + found->script
                               : "cmd: " + nlohmann::json(found->argv).dump();
  };
  std::function<void(const asl::StateMachine&)> walk = [&](const asl::StateMachine& machine) {
    for (const asl::State& state : machine.states) {
      if (state.type == asl::StateType::Task) {
        std::string action =
            mocks && mocks->mocks(state.name)
                ? "mocked by " + mocks->states.find(state.name)->second.response_name
                : bound_action(state.resource);
        tasks.push_back({{"state", state.name}, {"resource", state.resource}, {"action", action}});
        text += fmt::format("  {} ({})\n      {}\n", state.name, state.resource, action);
      }
      // A Map's ItemReader is answered by a binding too (never by a mock).
      if (state.type == asl::StateType::Map && state.definition.contains("ItemReader")) {
        std::string resource = asl::item_reader_resource(state.definition);
        std::string action = bound_action(resource);
        tasks.push_back({{"state", state.name},
                         {"resource", resource},
                         {"action", action},
                         {"item_reader", true}});
        text += fmt::format("  {} (ItemReader {})\n      {}\n", state.name, resource, action);
      }
      for (const asl::StateMachine& branch : state.branches) walk(branch);
      if (state.iterator) walk(*state.iterator);
    }
  };
  walk(*definition.machine);
  write(
      stdout,
      json
          ? nlohmann::json{{"workflow", machine_name_of(definition.path())}, {"tasks", tasks}}.dump(
                2) +
                "\n"
          : text);
  return 0;
}

}  // namespace

bool is_asl_run(const std::string& run_dir) {
  std::ifstream file(run_dir + "/summary.json", std::ios::binary);
  nlohmann::json summary = nlohmann::json::parse(file, nullptr, false);
  return summary.is_object() && summary.value("kind", "") == "asl";
}

int run_asl_file(const AslRunRequest& request, const Definition& definition) {
  if (request.has_params) {
    print_error(definition.path() +
                ": an Amazon States Language run takes its input with --input, not -p or "
                "--params-file");
    return kExitUsage;
  }
  std::optional<nlohmann::json> input = read_execution_input(request.input);
  if (!input) return kExitUsage;
  if (request.no_wait && request.no_history) {
    print_error(
        "--no-wait needs the run history: a run that waits is answered and resumed "
        "through it (leave out --no-history)");
    return kExitUsage;
  }
  const std::string name =
      request.state_machine.empty() ? machine_name_of(definition.path()) : request.state_machine;
  AslActions actions;
  if (!read_asl_actions(request, name, actions)) return kExitUsage;
  const asl::Bindings* bound = actions.bindings ? &*actions.bindings : nullptr;
  const asl::MockTestCase* mocked = actions.mocks ? &*actions.mocks : nullptr;
  if (!check_tasks_bound(definition, bound, mocked)) return kExitUsage;
  if (request.dry_run) return print_plan(definition, bound, mocked, request.json);
  note_result_writers(*definition.machine);

  std::string state_dir = resolve_state_dir(request.state_dir);
  std::unique_ptr<RunStore> store;
  if (!request.no_history) store = RunStore::open(state_dir);
  RunFolder folder = RunFolder::create(state_dir);
  const std::string& source = definition.document.source->text();
  folder.write_definition(definition.path(), source);
  write_run_request(folder, request);
  RunState run;
  run.run_id = folder.run_id();
  run.workflow = name;
  run.file = definition.path() == "-"
                 ? "-"
                 : std::filesystem::absolute(definition.path()).lexically_normal().string();
  run.run_dir = folder.path();
  run.params = nlohmann::json::object();
  std::unique_ptr<asl::ExecutionRecorder> recorder;
  if (store) {
    NewRun new_run{run.run_id, name, run.file, hash_text(source), run.run_dir, run.params, ""};
    int active = 0;
    std::int64_t key = store->claim_run(new_run, 0, active);
    recorder = std::make_unique<SqliteExecutionRecorder>(store->db(), key, folder);
  } else {
    recorder = std::make_unique<asl::NullRecorder>();
  }
  AslExecution execution{*definition.machine, *input,  std::move(run), folder,
                         *recorder,           request, actions};
  execution.recorded = store != nullptr;
  return execute_asl(execution);
}

bool read_asl_actions(const AslRunRequest& request, const std::string& machine_name,
                      AslActions& actions) {
  if (!request.resources.empty() && !(actions.bindings = read_bindings_file(request.resources))) {
    return false;
  }
  if (!request.mock_config.empty() && !(actions.mocks = read_mocks(request, machine_name))) {
    return false;
  }
  if (request.mock_config.empty() && !request.test_case.empty()) {
    print_error("--test-case needs --mock-config FILE");
    return false;
  }
  return true;
}

AslRunRequest read_asl_run_request(const std::string& run_dir) {
  std::ifstream file(run_dir + "/" + std::string(kRequestFile), std::ios::binary);
  nlohmann::json saved = nlohmann::json::parse(file, nullptr, false);
  AslRunRequest request;
  if (!saved.is_object()) return request;
  request.resources = saved.value("resources", "");
  request.mock_config = saved.value("mock_config", "");
  request.test_case = saved.value("test_case", "");
  request.state_machine = saved.value("state_machine", "");
  return request;
}

int execute_asl(AslExecution& execution) {
  const AslRunRequest& request = execution.request;
  asl::ExecutionOptions options;
  options.machine_name = execution.run.workflow;
  options.environment = current_environment();
  options.bindings = execution.actions.bindings ? &*execution.actions.bindings : nullptr;
  options.mocks = execution.actions.mocks ? &*execution.actions.mocks : nullptr;
  options.no_wait = request.no_wait;
  options.resume = execution.resume;
  AslObserver observer(stderr);
  observer.run_started(execution.run, execution.machine.states.size());
  asl::ExecutionResult result =
      asl::run_state_machine(execution.machine, execution.input, std::move(execution.run), options,
                             execution.folder, execution.recorder, observer);
  if (!execution.recorded) {
    execution.folder.write_file(
        "summary.json",
        render_asl_summary(result.run, result.states, execution.redrive_count) + "\n");
  }
  observer.run_finished(result.run);
  if (result.run.status == RunStatus::Waiting) print_waiting(result, request.state_dir);
  if (request.json) {
    write_asl_summary(
        result.run, result.states,
        [](std::string_view piece) { std::fwrite(piece.data(), 1, piece.size(), stdout); },
        execution.redrive_count);
    write(stdout, "\n");
  }
  if (!request.output.empty()) {
    std::string text =
        result.run.output.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (request.output == "-") {
      write(stdout, text);
    } else {
      std::ofstream out(request.output, std::ios::binary);
      if (!(out << text)) throw Error("cannot write the run output to '" + request.output + "'");
    }
  }
  return exit_code_for(result.run);
}

}  // namespace flowrun::cli
