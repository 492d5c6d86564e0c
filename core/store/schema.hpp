#pragma once

#include <string>

#include "core/store/database.hpp"

namespace flowrun {

/// `PRAGMA application_id` of a flowrun history ("FlRn"): tells ours from other SQLite files.
inline constexpr int kApplicationId = 0x466c526e;

/// The schema version this build writes (`PRAGMA user_version`).
inline constexpr int kSchemaVersion = 6;

/// Refuses, with flowrun::Error and without touching it, a file at `path` that is not a
/// flowrun history: not SQLite at all, another program's SQLite database, or one written by
/// a newer flowrun. A missing or empty file passes.
void check_history_file(const std::string& path);

/// Brings the schema of `db` up to `target` (kSchemaVersion by default) in one write
/// transaction; versions are applied in order, each one once, whoever gets there first.
/// Throws flowrun::Error for a newer schema or a foreign database.
void migrate_schema(Database& db, int target = kSchemaVersion);

}  // namespace flowrun
