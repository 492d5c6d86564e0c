#include "core/exec/sqlite_plugin.hpp"

#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "core/exec/http_plugin.hpp"

namespace flowrun {
namespace {

struct Failure {
  std::string cause;
};

std::string resolve(const std::string& path, const BuiltinContext& context) {
  if (path.empty() || path.front() == '/' || context.working_dir.empty()) return path;
  return context.working_dir + "/" + path;
}

nlohmann::json column_value(sqlite3_stmt* statement, int column) {
  switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(statement, column);
    case SQLITE_FLOAT:
      return sqlite3_column_double(statement, column);
    case SQLITE_NULL:
      return nullptr;
    default: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
      return std::string(text ? text : "",
                         static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
    }
  }
}

void bind_params(sqlite3_stmt* statement, const nlohmann::json& params) {
  for (int i = 1; i <= sqlite3_bind_parameter_count(statement); ++i) {
    const char* name = sqlite3_bind_parameter_name(statement, i);
    if (!name || !params.contains(name + 1)) {
      throw Failure{std::string("no value for parameter '") + (name ? name : "?") +
                    "' in 'params'"};
    }
    const nlohmann::json& value = params[name + 1];
    if (value.is_null()) {
      sqlite3_bind_null(statement, i);
    } else if (value.is_boolean()) {
      sqlite3_bind_int(statement, i, value.get<bool>() ? 1 : 0);
    } else if (value.is_number_integer()) {
      sqlite3_bind_int64(statement, i, value.get<std::int64_t>());
    } else if (value.is_number()) {
      sqlite3_bind_double(statement, i, value.get<double>());
    } else {
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      sqlite3_bind_text(statement, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
  }
}

std::string csv_field(const nlohmann::json& value) {
  std::string text = value.is_null()     ? ""
                     : value.is_string() ? value.get<std::string>()
                                         : value.dump();
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void write_export(const nlohmann::json& spec, const std::vector<std::string>& columns,
                  const std::vector<nlohmann::json>& rows, const std::string& path) {
  std::string format = spec.value("format", "csv");
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw Failure{"cannot write the export file '" + path + "'"};
  if (format == "json") {
    out << nlohmann::json(rows).dump(2) << "\n";
  } else if (format == "csv") {
    for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << csv_field(columns[i]);
    out << "\n";
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < columns.size(); ++i)
        out << (i ? "," : "") << csv_field(row[columns[i]]);
      out << "\n";
    }
  } else {
    throw Failure{"'export.format' must be csv or json, not '" + format + "'"};
  }
  if (!out.flush()) throw Failure{"cannot write the export file '" + path + "'"};
}

std::string read_sql(const nlohmann::json& with, const BuiltinContext& context) {
  if (with.contains("sql") == with.contains("file"))
    throw Failure{"give 'sql' or 'file' (one of them)"};
  if (with.contains("sql")) return with["sql"].get<std::string>();
  std::string path = resolve(with["file"].get<std::string>(), context);
  std::ifstream in(path);
  if (!in) throw Failure{"cannot read the SQL file '" + path + "'"};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Closes the database whatever happens.
struct Database {
  sqlite3* db = nullptr;
  ~Database() { sqlite3_close_v2(db); }
};

}  // namespace

PluginResult run_sqlite_plugin(const nlohmann::json& with, const BuiltinContext& context) {
  PluginResult result;
  try {
    if (!with.is_object() || !with.contains("db") || !with["db"].is_string()) {
      throw Failure{"'with.db' is required (the path of the database file)"};
    }
    const std::string path = resolve(with["db"].get<std::string>(), context);
    const std::string sql = read_sql(with, context);
    const nlohmann::json params = with.value("params", nlohmann::json::object());
    const std::size_t max_rows = with.value("max_rows", std::size_t{1000});
    Database database;
    if (sqlite3_open_v2(path.c_str(), &database.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK) {
      throw Failure{path + ": " + sqlite3_errmsg(database.db)};
    }
    sqlite3_busy_timeout(database.db, 5000);
    const std::int64_t changes_before = sqlite3_total_changes64(database.db);
    std::vector<std::string> columns;
    std::vector<nlohmann::json> rows;
    const char* next = sql.c_str();
    for (int number = 1; *next; ++number) {
      sqlite3_stmt* statement = nullptr;
      if (sqlite3_prepare_v2(database.db, next, -1, &statement, &next) != SQLITE_OK) {
        throw Failure{path + ": statement " + std::to_string(number) + ": " +
                      sqlite3_errmsg(database.db)};
      }
      if (!statement) break;  // only white space or comments were left
      std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned(statement, sqlite3_finalize);
      bind_params(statement, params);
      bool first_row = true;
      int rc;
      while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
        if (first_row) {  // a statement returning rows replaces the previous result
          columns.clear();
          rows.clear();
          for (int c = 0; c < sqlite3_column_count(statement); ++c)
            columns.push_back(sqlite3_column_name(statement, c));
          first_row = false;
        }
        nlohmann::json row = nlohmann::json::object();
        for (int c = 0; c < static_cast<int>(columns.size()); ++c)
          row[columns[c]] = column_value(statement, c);
        rows.push_back(std::move(row));
      }
      if (rc != SQLITE_DONE) {
        throw Failure{path + ": statement " + std::to_string(number) + ": " +
                      sqlite3_errmsg(database.db)};
      }
    }
    nlohmann::json& outputs = result.outputs;
    outputs["changes"] = sqlite3_total_changes64(database.db) - changes_before;
    outputs["columns"] = columns;
    outputs["row_count"] = rows.size();
    outputs["truncated"] = rows.size() > max_rows;
    nlohmann::json shown = nlohmann::json::array();
    for (std::size_t i = 0; i < rows.size() && i < max_rows; ++i) shown.push_back(rows[i]);
    outputs["rows"] = std::move(shown);
    if (with.contains("export")) {
      const nlohmann::json& spec = with["export"];
      if (!spec.is_object() || !spec.contains("path") || !spec["path"].is_string()) {
        throw Failure{"'export' must be a mapping with 'format' (csv or json) and 'path'"};
      }
      std::string out_path = resolve(spec["path"].get<std::string>(), context);
      write_export(spec, columns, rows, out_path);
      outputs["export"] = out_path;
    }
    append_log_line(context.log_path, "sqlite: " + path + ": " + std::to_string(rows.size()) +
                                          " rows, " + outputs["changes"].dump() + " changes");
    result.ok = true;
  } catch (const Failure& failure) {
    result.outputs = nlohmann::json::object();
    result.error = "SqliteError";
    result.cause = "sqlite: " + failure.cause;
  } catch (const nlohmann::json::exception& error) {
    result.outputs = nlohmann::json::object();
    result.error = "SqliteError";
    result.cause = std::string("sqlite: bad 'with': ") + error.what();
  }
  return result;
}

nlohmann::json sqlite_plugin_schema() {
  using json = nlohmann::json;
  return {
      {"description", "Runs SQL against a SQLite file; rows as JSON, export to csv or json"},
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array({"db"})},
      {"properties",
       {{"db", {{"type", "string"}}},
        {"sql", {{"type", "string"}}},
        {"file", {{"type", "string"}}},
        {"params", {{"type", "object"}}},
        {"max_rows", {{"type", "integer"}}},
        {"export",
         {{"type", "object"},
          {"additionalProperties", false},
          {"required", json::array({"path"})},
          {"properties",
           {{"format", {{"enum", json::array({"csv", "json"})}}},
            {"path", {{"type", "string"}}}}}}}}},
  };
}

}  // namespace flowrun
