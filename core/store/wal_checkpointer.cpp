#include "core/store/wal_checkpointer.hpp"

#include <sqlite3.h>

#include <memory>

#include "core/store/database.hpp"

namespace flowrun {

WalCheckpointer::WalCheckpointer(std::string database_path) : path_(std::move(database_path)) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

bool WalCheckpointer::log_grew(int pages) {
  // A passive checkpoint never restarts the log: only a writer does, when it begins after
  // a checkpoint that copied every page, and a writer that commits while each checkpoint
  // syncs never finds one. Past kRestartFrames the writer restarts it, and waits for that.
  if (pages >= kRestartFrames) return true;
  if (pages < kFrames) return false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    requested_ = true;
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }
  wake_.notify_one();
  return false;
}

void WalCheckpointer::checkpoint(Database& connection) {
  sqlite3_wal_checkpoint_v2(connection.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                            nullptr);
}

void WalCheckpointer::run() {
  std::unique_ptr<Database> connection;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    lock.unlock();
    try {
      if (!connection) {
        connection = std::make_unique<Database>(path_);
        // A connection opens the file, and finds it is in WAL mode, only when it first reads.
        connection->query_int("PRAGMA schema_version");
      }
      checkpoint(*connection);
    } catch (const Error&) {  // the database could not be opened: the next request retries
      connection.reset();
    }
    lock.lock();
  }
}

}  // namespace flowrun
