#include "core/store/wal_checkpointer.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "core/store/run_store.hpp"
#include "support/cli_runner.hpp"

namespace flowrun::test {
namespace {

std::uintmax_t size_of(const std::filesystem::path& path) {
  std::error_code error;
  std::uintmax_t size = std::filesystem::file_size(path, error);
  return error ? 0 : size;
}

// Commits `rows` rows of 64 KiB (four 16 KiB pages each), one transaction per row.
void write_rows(Database& db, int rows) {
  const std::string blob(64 * 1024, 'x');
  Statement insert(db, "INSERT INTO blobs (data) VALUES (?1)");
  for (int i = 0; i < rows; ++i) {
    db.begin_immediate();
    insert.bind(1, blob);
    insert.run();
    db.commit();
  }
}

}  // namespace

TEST_CASE("wal checkpointer: the history's log is folded into the database by another thread") {
  TempDir dir;
  auto store = RunStore::open((dir.path() / "state").string());
  const auto database = dir.path() / "state" / "flowrun.db";
  const auto log = dir.path() / "state" / "flowrun.db-wal";
  store->db().execute("CREATE TABLE blobs (data BLOB)");
  const std::uintmax_t empty_size = size_of(database);

  // Past kFrames pages the checkpointer copies the log into the database file.
  write_rows(store->db(), WalCheckpointer::kFrames / 4 + 50);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (size_of(database) < empty_size + (8u << 20) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(size_of(database) >= empty_size + (8u << 20));

  // A writer that never pauses still finds its log restarted: it stays bounded, far below
  // the 320 MiB written.
  write_rows(store->db(), 5000);
  CHECK(size_of(log) < std::uintmax_t{WalCheckpointer::kRestartFrames + 2000} * 16384);
  CHECK(store->db().query_int("SELECT count(*) FROM blobs") ==
        WalCheckpointer::kFrames / 4 + 50 + 5000);
}

}  // namespace flowrun::test
