#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/store/database.hpp"

namespace flowrun {

/// What an ASL execution changed in the history since its last hand-over: the text of
/// EventBatch rows (event_batch.hpp) and the Task attempts that started or ended.
struct AslChanges {
  struct Attempt {
    bool finished = false;
    std::int64_t step = 0;
    std::int64_t item_index = -1;
    std::int64_t attempt = 0;
    std::string state;
    std::string status;
    std::int64_t exit_code = -1;
    std::int64_t at_ms = 0;
    std::int64_t pgid = 0;
    std::string log_path;
  };

  /// How the run ended: its row, written with the last events.
  struct Ending {
    std::string status;
    std::int64_t ended_ms = 0;
    std::optional<std::string> error;
    std::optional<std::string> cause;
    std::string output;  // JSON text
    std::int64_t stop_signal = 0;
    std::optional<std::string> failed_state;
  };

  std::string events;  // whole batch lines; the first one carries its time
  std::int64_t events_at_ms = 0;
  std::vector<Attempt> attempts;
  std::optional<Ending> ending;

  bool empty() const { return events.empty() && attempts.empty() && !ending; }
};

/// Writes an ASL execution's changes to the history on a thread of its own, one write
/// transaction per hand-over, so that the execution never waits for SQLite or the disk: a
/// run of Pass states spent a third of its time in those commits. It shares the
/// execution's connection, which the caller must not use between the first hand_over and
/// drain(). Throws flowrun::Error (the writer's failure) from hand_over and drain.
class AslHistoryWriter {
 public:
  AslHistoryWriter(Database& db, std::int64_t run_key);
  /// Writes what was handed over, then stops the thread.
  ~AslHistoryWriter();
  AslHistoryWriter(const AslHistoryWriter&) = delete;
  AslHistoryWriter& operator=(const AslHistoryWriter&) = delete;

  /// Takes `changes` for the writer, leaving them empty (often with an earlier buffer's
  /// capacity).
  /// Waits while more than kMaxWaitingBytes are still unwritten, so memory stays bounded
  /// when the disk is slower than the execution.
  void hand_over(AslChanges& changes);
  /// Returns once everything handed over is written; the caller may then use the
  /// connection until the next hand_over.
  void drain();

  static constexpr std::size_t kMaxWaitingBytes = 8u << 20;

 private:
  void writer_loop();
  void write(const AslChanges& changes);
  void rethrow_failure();  // with mutex_ held

  Database& db_;
  std::int64_t run_key_;
  Statement insert_event_;
  Statement insert_attempt_;
  Statement finish_attempt_;
  Statement finish_run_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable written_;
  AslChanges handed_;  // waiting for the writer
  bool writing_ = false;
  bool stopping_ = false;
  std::exception_ptr failure_;
};

}  // namespace flowrun
