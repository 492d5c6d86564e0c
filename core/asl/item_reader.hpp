#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/asl/data_flow.hpp"

// A Map state's `ItemReader` (Distributed Map): Step Functions reads the items from S3 with
// `arn:aws:states:::s3:getObject` (a JSON, JSONL, CSV or S3 inventory MANIFEST object) or
// `arn:aws:states:::s3:listObjectsV2`. Locally the reader's Resource is bound like a Task's
// (--resources): its action gets the evaluated Parameters on stdin and prints the object,
// which is read here per `ReaderConfig` into the Map's items.

namespace flowrun::asl {

/// The Resource of the ItemReader of Map state `state`, or "" when it reads no items.
std::string item_reader_resource(const nlohmann::json& state);

/// What the reader's action gets on stdin: the ItemReader's `Parameters` (or `Arguments`)
/// evaluated as a payload template on the Map's effective input; `{}` when it has none.
nlohmann::json item_reader_request(const nlohmann::json& reader, const nlohmann::json& input,
                                   const ContextObject& context);

/// True when the reader reads an S3 inventory (`InputType: MANIFEST`): the manifest names the
/// data files, each read with read_manifest_rows.
bool is_manifest_reader(const nlohmann::json& reader);

/// Refuses, before the reader's action runs, a `ReaderConfig` that cannot be read: PARQUET
/// or an Athena data manifest (flowrun reads neither), an unknown InputType, an ItemsPointer that
/// is not a JSON Pointer or not with InputType JSON. Throws AslError `States.Runtime` naming
/// `state`.
void check_reader_config(const nlohmann::json& reader, std::string_view state);

/// True when `text` is a JSON Pointer (RFC 6901): empty, or `/` before each reference token.
bool is_json_pointer(const std::string& text);

/// The items in `text`, what the reader's action printed, per `ReaderConfig.InputType`:
/// JSON (an array, or the array at `ItemsPointer` in an object), JSONL (one value per non-blank
/// line), CSV (objects of strings keyed by the header), none (listObjectsV2: an array, or a
/// ListObjectsV2 response's `Contents`). Throws AslError `States.ItemReaderFailed` when the text
/// does not read that way.
nlohmann::json read_items(const nlohmann::json& reader, std::string_view text);

/// MaxItems / MaxItemsPath of the ReaderConfig applied to `items` (the first N are kept).
/// Throws AslError `States.Runtime` when the limit is not a non-negative integer.
void limit_items(const nlohmann::json& reader, nlohmann::json& items, const nlohmann::json& input,
                 const ContextObject& context);

/// An S3 inventory manifest: the request that reads each of its data files
/// (`{"Bucket", "Key"}`) and the column names of their rows (`fileSchema`).
struct InventoryManifest {
  std::vector<nlohmann::json> file_requests;
  std::vector<std::string> columns;
};

/// Reads the manifest JSON the action printed. Throws AslError `States.ItemReaderFailed` when
/// it is not an inventory manifest of CSV files.
InventoryManifest read_manifest(std::string_view text);

/// The rows of one inventory data file (CSV without a header, gzip-compressed or not) as
/// objects keyed by `columns`. Throws AslError `States.ItemReaderFailed` for corrupt gzip.
nlohmann::json read_manifest_rows(std::string_view text, const std::vector<std::string>& columns);

/// The records of CSV `text`: fields split at `delimiter` and at line ends, `"` quoting
/// fields that hold delimiters, line ends or `""` (one quote). Empty lines are skipped.
/// Throws AslError `States.ItemReaderFailed` for a quote left open.
std::vector<std::vector<std::string>> parse_csv(std::string_view text, char delimiter);

}  // namespace flowrun::asl
