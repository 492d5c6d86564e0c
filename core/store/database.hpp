#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace flowrun {

class Database;
class WalCheckpointer;

/// SQLite answered "database is locked" without waiting through the busy timeout: it does
/// that when waiting could deadlock, e.g. while another connection turns a new history into
/// WAL mode. The whole operation may be retried.
class DatabaseBusy : public Error {
 public:
  using Error::Error;
};

/// A prepared statement, finalized when it goes away. Parameters are 1-based, columns
/// 0-based (as in SQLite). Every failure throws flowrun::Error naming the database.
class Statement {
 public:
  Statement() = default;
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  /// Binds `text` without copying it: it must stay unchanged until the statement is run or
  /// reset (a history batch of a megabyte would otherwise be copied once more).
  Statement& bind_unowned(int index, std::string_view text);
  Statement& bind_null(int index);
  /// Binds `value`, or NULL when it is empty.
  Statement& bind_optional(int index, const std::optional<std::string>& value);

  /// Steps once: true when a row is available, false when done.
  bool step();
  /// Steps to the end (a statement without rows) and resets it for the next use.
  void run();
  /// Resets the statement and clears its bindings, so it can be used again.
  void reset();

  std::int64_t column_int(int column) const;
  std::string column_text(int column) const;
  bool is_null(int column) const;

 private:
  Database* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

/// An open SQLite connection (one per thread), closed when it goes away.
class Database {
 public:
  /// Opens (creating when missing, 0600) the database file at `path`. Throws flowrun::Error.
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Runs one or more statements without results.
  void execute(std::string_view sql);
  /// The single integer a query returns (for PRAGMAs and counts).
  std::int64_t query_int(std::string_view sql);

  /// `BEGIN IMMEDIATE`: takes the write lock now, so the transaction never has to upgrade
  /// (in WAL mode an upgrade can fail with SQLITE_BUSY without waiting).
  void begin_immediate() { execute("BEGIN IMMEDIATE"); }
  void commit() { execute("COMMIT"); }
  /// Rolls back when a transaction is open; never throws.
  void rollback() noexcept;
  bool in_transaction() const;

  /// From now on the write-ahead log is checkpointed by a WalCheckpointer thread rather
  /// than inside this connection's commits.
  void checkpoint_in_background();

  std::int64_t last_insert_rowid() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

  /// Throws flowrun::Error for SQLite result `code` with context `what`.
  [[noreturn]] void fail(int code, std::string_view what) const;

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<WalCheckpointer> checkpointer_;
};

/// Commits on `commit()`, rolls back if destroyed before (an exception went through).
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) { db_.begin_immediate(); }
  ~Transaction() {
    if (!done_) db_.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.commit();
    done_ = true;
  }

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace flowrun
