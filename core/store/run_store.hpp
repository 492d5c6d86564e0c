#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/run_state.hpp"
#include "core/store/database.hpp"
#include "core/store/process_owner.hpp"

namespace flowrun {

/// One run as the history holds it.
struct RunRow {
  std::int64_t key = 0;
  std::string id;
  std::string workflow;
  std::string file;
  std::string definition_hash;
  std::string run_dir;
  nlohmann::json params = nlohmann::json::object();
  RunStatus status = RunStatus::Running;  ///< as recorded; see effective_status
  std::int64_t started_ms = 0;
  std::int64_t ended_ms = 0;
  std::optional<std::string> error;
  std::optional<std::string> cause;
  nlohmann::json output = nlohmann::json::object();
  int stop_signal = 0;
  std::string failed_step;
  ProcessOwner owner;
  std::string parent_run;
  int redrive_count = 0;
};

/// A run about to start.
struct NewRun {
  std::string id;
  std::string workflow;
  std::string file;
  std::string definition_hash;
  std::string run_dir;
  nlohmann::json params = nlohmann::json::object();
  std::string parent_run;
};

/// The final record of one step (steps that never ended have none).
struct StepRow {
  std::size_t index = 0;
  std::string step_id;
  StepRecord record;
  StepDetails details;
};

/// One attempt of a step.
struct AttemptRow {
  std::size_t index = 0;
  int item_index = -1;  ///< the child of a fan-out step, or -1
  std::string step_id;  ///< `id`, or `id[3]` for a fan-out child
  int attempt = 0;
  std::string status;  ///< `running` until it ends
  int exit_code = -1;
  std::int64_t started_ms = 0;
  std::int64_t ended_ms = 0;
  std::string log_path;
  pid_t pgid = 0;
};

/// One entry of a run's event history.
struct EventRow {
  std::int64_t seq = 0;
  std::int64_t at_ms = 0;
  std::string type;
  std::string step_id;
  int attempt = 0;
  std::string frame;  ///< ASL: the branch or iteration the event belongs to ("" top level)
  std::string detail;
};

/// What `runs` lists.
struct RunFilter {
  std::string workflow;
  std::optional<RunStatus> status;
  int limit = 20;  ///< 0 = all
};

/// The status to show: a `running` run whose owner is gone is `interrupted`. A `waiting`
/// run (stopped for an approval by --no-wait) stays `waiting`.
RunStatus effective_status(const RunRow& run);

/// A 64-bit FNV-1a hash of `text` as 16 hex digits (the definition hash).
std::string hash_text(std::string_view text);

/// The run history of one state directory (`<state-dir>/flowrun.db`). Throws
/// flowrun::Error for every failure, with a message for the user.
class RunStore {
 public:
  /// Opens the history, creating it (and the 0700 state directory) when missing.
  static std::unique_ptr<RunStore> open(const std::string& state_dir);
  /// Opens an existing history; nullptr when the state directory has none yet.
  static std::unique_ptr<RunStore> open_existing(const std::string& state_dir);

  Database& db() { return *db_; }
  const std::string& state_dir() const { return state_dir_; }

  /// Records `run` as running and owned by this process when fewer than `limit` runs of its
  /// workflow are active (0: no limit). Decided in one write transaction. Returns the run's
  /// key, or 0 when no slot was free; `active` gets the number of active runs seen.
  std::int64_t claim_run(const NewRun& run, int limit, int& active);
  /// Takes over an ended or interrupted run for a redrive: running, owned by this process,
  /// one more redrive (unless `count` is false: a waiting run that goes on). False when
  /// another live process owns it.
  bool claim_redrive(const RunRow& run, bool count = true);

  /// The run with this exact id.
  std::optional<RunRow> find_run(std::string_view id);
  /// `last` (the newest run that is not a child run), an id, or a unique id prefix; throws
  /// flowrun::Error (with a suggestion) when nothing or more than one run matches.
  RunRow resolve_run(std::string_view reference);
  /// Newest first.
  std::vector<RunRow> list_runs(const RunFilter& filter);
  std::vector<StepRow> steps_of(std::int64_t run_key);
  /// In step order, then attempt order.
  std::vector<AttemptRow> attempts_of(std::int64_t run_key);
  std::vector<EventRow> events_of(std::int64_t run_key);

  /// Appends an event in its own transaction (for commands other than the run's owner),
  /// about step `step_id` when not empty.
  void append_event(std::int64_t run_key, std::string_view type, std::string_view detail,
                    std::string_view step_id = {});
  /// Marks an ownerless run cancelled (its unfinished attempts too).
  void record_cancel(const RunRow& run, std::string_view cause);
  /// Deletes the rows of these runs (their folders are the caller's).
  void delete_runs(const std::vector<std::int64_t>& keys);

 private:
  RunStore(std::string state_dir, std::unique_ptr<Database> db)
      : state_dir_(std::move(state_dir)), db_(std::move(db)) {}
  int count_active(std::string_view workflow);

  std::string state_dir_;
  std::unique_ptr<Database> db_;
};

}  // namespace flowrun
