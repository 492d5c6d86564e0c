#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/store/database.hpp"

namespace flowrun {

/// Folds a history's write-ahead log into the database file on a thread of its own, with a
/// connection of its own, once the log has grown past kFrames pages. SQLite's automatic
/// checkpoint does this inside the commit that crosses the limit, and its two fdatasyncs
/// stopped a fast run for ~20 ms every 16 MiB of history; a PASSIVE checkpoint on another
/// connection waits for nobody and lets the writer go on. Failures are left for the next
/// checkpoint to retry: until then the log only grows.
class WalCheckpointer {
 public:
  explicit WalCheckpointer(std::string database_path);
  /// Finishes a checkpoint under way (never starts one), then stops.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  /// From SQLite's WAL hook, called after each commit with the log's length in pages. True
  /// when the log is so long that the committing connection must restart it itself
  /// (SQLITE_CHECKPOINT_RESTART), waiting for that.
  bool log_grew(int pages);

  /// As SQLite's default (wal_autocheckpoint).
  static constexpr int kFrames = 1000;
  /// The length at which the writer restarts the log even though it has to wait for it.
  static constexpr int kRestartFrames = 4 * kFrames;

 private:
  void run();
  static void checkpoint(Database& connection);

  std::string path_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
};

}  // namespace flowrun
