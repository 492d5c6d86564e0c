// A Map state with an ItemReader reads its items through the action bound to the reader's
// Resource (--resources, as for a Task): the action gets the evaluated Parameters on stdin and
// prints the S3 object (item_reader.hpp reads it per ReaderConfig). The Map state waits, as a
// Task does, without blocking the loop; then MaxItems, ItemSelector, ItemBatcher and the
// iterations follow as for items taken from the input.
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/asl/execution.hpp"
#include "core/asl/item_reader.hpp"
#include "core/exec/output_file.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;

// The most a reader's action may print: an S3 object of items, larger than a Task's result.
constexpr std::size_t kMaxItemsBytes = 256u << 20;

}  // namespace

// A JSONPath Map: the reader's Parameters are a payload template on the effective input.
void Execution::start_item_reader(std::uint32_t id, json input) {
  const json& reader = frames_[id].state->definition["ItemReader"];
  json request = item_reader_request(reader, input, context_);
  begin_item_read(id, std::move(input), reader, request);
}

// Runs the reader's action on `request`; `reader` (JSONata: evaluated) says how to read what
// it prints (items_read).
void Execution::begin_item_read(std::uint32_t id, json input, json reader, const json& request) {
  Frame& frame = frames_[id];
  check_reader_config(reader, frame.state->name);
  ItemRead& read = item_reads_[id];
  read = ItemRead{};
  read.input = std::move(input);
  read.reader = std::move(reader);
  frame.status = FrameStatus::Busy;
  ++frame.generation;
  spawn_item_reader(id, request);
}

// Runs the reader's action with `request` on its stdin. Its files are
// `steps/<state>.items-<n>.attempt-<k>.*`: n is the state execution, k the read.
void Execution::spawn_item_reader(std::uint32_t id, const json& request) {
  Frame& frame = frames_[id];
  const std::string& name = frame.state->name;
  const std::string resource = item_reader_resource(frame.state->definition);
  const TaskAction* action = options_.bindings ? options_.bindings->find(resource) : nullptr;
  auto fail = [&](std::string error, std::string cause) {
    item_reads_.erase(id);
    evaluation_failed(id, std::move(error), std::move(cause));
    if (frames_[id].status == FrameStatus::Ready) ready_.push_back(id);
  };
  if (!action) {
    return fail("States.Runtime", fmt::format("no binding for ItemReader resource '{}' of Map "
                                              "state '{}'",
                                              resource, name));
  }
  if (!action->plugin.empty()) {
    return fail("States.Runtime",
                fmt::format("the ItemReader of Map state '{}' is bound to plugin '{}'; an "
                            "ItemReader needs a run or cmd action that prints the items",
                            name, action->plugin));
  }
  ItemRead& read = item_reads_[id];
  const int number = ++read.reads;
  const std::string files = fmt::format("{}.items-{}", name, frame.step);
  TaskProcess process;
  process.frame = id;
  process.item_reader = true;
  attempt_file_path(folder_.path(), files, number, ".log", process.log_path);
  attempt_file_path(folder_.path(), files, number, ".stdout", process.stdout_path);
  std::string input_path;
  attempt_file_path(folder_.path(), files, number, ".input.json", input_path);
  if (!write_whole_file(input_path, dump(request))) {
    return fail("States.TaskFailed",
                "cannot write the ItemReader input '" + input_path + "': " + std::strerror(errno));
  }
  std::vector<std::string> argv = action_argv(*action);
  std::string program = resolver_.resolve(argv[0]);
  if (program.empty()) {
    return fail("States.TaskFailed", "cannot start '" + argv[0] + "': not found on PATH");
  }
  std::vector<std::string> extra = {"FLOWRUN_RUN_ID=" + run_.run_id,
                                    "FLOWRUN_WORKFLOW=" + run_.workflow, "FLOWRUN_STEP=" + name};
  if (frame.item_index >= 0) {
    extra.push_back("FLOWRUN_ITEM_INDEX=" + std::to_string(frame.item_index));
  }
  process.started_ns = monotonic_ns();
  SpawnResult started = spawn_action(*action, program, argv, extra, process, input_path);
  if (started.error != 0) {
    return fail("States.TaskFailed",
                "cannot start '" + argv[0] + "': " + std::strerror(started.error));
  }
  process.pid = started.pid;
  process.generation = frame.generation;
  process.attempt = number;
  states_[frame.step].log_path = process.log_path;
  processes_.push_back(process);
  recorder_.attempt_started(
      TaskAttempt{frame.step, name, frame.item_index, number, started.pid, process.log_path});
}

void Execution::item_reader_ended(TaskProcess process, ExitStatus exit) {
  const std::uint32_t id = process.frame;
  const bool current = !finished_ && !process.stopped &&
                       frames_[id].generation == process.generation &&
                       frames_[id].status == FrameStatus::Busy;
  StepStatus status = exit.exit_code == 0 ? StepStatus::Succeeded : StepStatus::Failed;
  if (process.stopped) status = StepStatus::Cancelled;
  TaskAttempt attempt{
      0, "", -1, process.attempt, process.pid, process.log_path, status, exit.exit_code};
  if (current) {
    const Frame& frame = frames_[id];
    attempt.step = frame.step;
    attempt.state = frame.state->name;
    attempt.item_index = frame.item_index;
    states_[frame.step].exit_code = exit.exit_code;
  }
  recorder_.attempt_finished(attempt);
  if (!current) {
    if (frames_[id].status != FrameStatus::Busy) item_reads_.erase(id);
    return;
  }
  std::string text = read_file_prefix(process.stdout_path.c_str(), kMaxItemsBytes);
  if (exit.exit_code != 0) {
    auto [error, cause] = action_failure(text, log_tail(process.log_path), exit);
    item_reads_.erase(id);
    evaluation_failed(id, std::move(error), std::move(cause));
  } else if (text.size() > kMaxItemsBytes) {
    item_reads_.erase(id);
    evaluation_failed(id, "States.ItemReaderFailed",
                      fmt::format("the ItemReader of Map state '{}' printed more than {} MiB",
                                  frames_[id].state->name, kMaxItemsBytes >> 20));
  } else {
    items_read(id, text);
  }
  if (frames_[id].status == FrameStatus::Ready) ready_.push_back(id);
}

// The action printed `text`: the items (or, for an S3 inventory, the manifest or one of its
// data files); once all are read the Map goes on.
void Execution::items_read(std::uint32_t id, const std::string& text) {
  try {
    ItemRead& read = item_reads_[id];
    const json& reader = read.reader;
    if (!is_manifest_reader(reader)) {
      read.items = read_items(reader, text);
    } else if (!read.manifest_read) {
      InventoryManifest manifest = read_manifest(text);
      read.manifest_read = true;
      read.columns = std::move(manifest.columns);
      read.file_requests = std::move(manifest.file_requests);
      std::reverse(read.file_requests.begin(), read.file_requests.end());  // read in order
    } else {
      for (json& row : read_manifest_rows(text, read.columns)) read.items.push_back(std::move(row));
    }
    if (!read.file_requests.empty()) {
      json request = std::move(read.file_requests.back());
      read.file_requests.pop_back();
      return spawn_item_reader(id, request);
    }
    ItemRead done = std::move(read);
    item_reads_.erase(id);
    prepare_context(frames_[id]);
    limit_items(done.reader, done.items, done.input, context_);
    if (frames_[id].state->jsonata) return start_jsonata_map_items(id, std::move(done.items));
    json items =
        batch_map_items(frames_[id].state->definition, std::move(done.items), done.input, context_);
    start_map_items(id, done.input, std::move(items));
  } catch (const AslError& error) {
    item_reads_.erase(id);
    context_.erase("Map");
    evaluation_failed(id, error.error(), error.cause());
  }
}

}  // namespace flowrun::asl
