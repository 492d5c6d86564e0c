#include "core/asl/item_reader.hpp"

#include <fmt/format.h>

#include "core/util/gzip.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;

constexpr const char* kReaderFailed = "States.ItemReaderFailed";
constexpr const char* kRuntime = "States.Runtime";
// The most a gzip-compressed data file may decompress to: what an action may print.
constexpr std::size_t kMaxDecompressedBytes = 256u << 20;

const json* find_field(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

const json& reader_config(const json& reader) {
  static const json empty = json::object();
  const json* config = find_field(reader, "ReaderConfig");
  return config && config->is_object() ? *config : empty;
}

std::string input_type(const json& reader) {
  const json* type = find_field(reader_config(reader), "InputType");
  return type && type->is_string() ? type->get<std::string>() : "";
}

json parse_text(std::string_view text, const std::string& what) {
  json value = json::parse(text, nullptr, false);
  if (value.is_discarded()) {
    throw AslError(kReaderFailed, fmt::format("{} is not JSON: {}", what, text.substr(0, 200)));
  }
  return value;
}

// The array at `ItemsPointer` (a JSON Pointer, RFC 6901) in the JSON object `document`.
json select_items(json document, const json& pointer_text) {
  const std::string& text = pointer_text.get_ref<const std::string&>();
  const json::json_pointer pointer(text);  // its syntax was checked by check_reader_config
  if (!document.contains(pointer)) {
    throw AslError(kReaderFailed,
                   fmt::format("ItemsPointer '{}' selects nothing in the JSON object", text));
  }
  json items = std::move(document[pointer]);
  if (!items.is_array()) {
    throw AslError(kReaderFailed, fmt::format("ItemsPointer '{}' must select an array, not {}",
                                              text, items.is_null() ? "null" : items.type_name()));
  }
  return items;
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

json read_json_lines(std::string_view text) {
  json items = json::array();
  std::size_t line_number = 0;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (is_blank(line)) continue;
    items.push_back(parse_text(line, fmt::format("line {} of the JSONL object", line_number)));
  }
  return items;
}

char csv_delimiter(const json& config) {
  const json* name = find_field(config, "CSVDelimiter");
  if (!name) return ',';
  const std::string text = name->is_string() ? name->get<std::string>() : name->dump();
  if (text == "COMMA") return ',';
  if (text == "PIPE") return '|';
  if (text == "SEMICOLON") return ';';
  if (text == "SPACE") return ' ';
  if (text == "TAB") return '\t';
  throw AslError(kRuntime,
                 "CSVDelimiter must be COMMA, PIPE, SEMICOLON, SPACE or TAB, not " + text);
}

// One object of strings per record, keyed by `header`: missing fields are "", fields beyond
// the header are dropped (developer guide, "CSV file parsing").
json rows_as_objects(const std::vector<std::vector<std::string>>& records, std::size_t first,
                     const std::vector<std::string>& header) {
  json items = json::array();
  for (std::size_t i = first; i < records.size(); ++i) {
    json item = json::object();
    for (std::size_t column = 0; column < header.size(); ++column) {
      item[header[column]] = column < records[i].size() ? records[i][column] : "";
    }
    items.push_back(std::move(item));
  }
  return items;
}

json read_csv(const json& config, std::string_view text) {
  std::vector<std::vector<std::string>> records = parse_csv(text, csv_delimiter(config));
  const json* location = find_field(config, "CSVHeaderLocation");
  const std::string where =
      location && location->is_string() ? location->get<std::string>() : "FIRST_ROW";
  if (where == "FIRST_ROW") {
    if (records.empty()) return json::array();
    return rows_as_objects(records, 1, records.front());
  }
  if (where != "GIVEN") {
    throw AslError(kRuntime, "CSVHeaderLocation must be FIRST_ROW or GIVEN, not " + where);
  }
  const json* given = find_field(config, "CSVHeaders");
  std::vector<std::string> header;
  if (given && given->is_array()) {
    for (const json& name : *given) {
      if (!name.is_string()) break;
      header.push_back(name.get<std::string>());
    }
  }
  if (!given || !given->is_array() || header.size() != given->size() || header.empty()) {
    throw AslError(kRuntime, "CSVHeaderLocation GIVEN needs CSVHeaders, an array of strings");
  }
  return rows_as_objects(records, 0, header);
}

// listObjectsV2: the objects the action listed, as an array or as a ListObjectsV2 response.
json read_listing(std::string_view text) {
  json listing = parse_text(text, "the object listing");
  if (listing.is_array()) return listing;
  if (const json* contents = find_field(listing, "Contents"); contents && contents->is_array()) {
    return *contents;
  }
  throw AslError(kReaderFailed,
                 "the object listing must be a JSON array of objects or a ListObjectsV2 "
                 "response with Contents");
}

std::string trimmed(std::string_view text) {
  std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  std::size_t last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace

std::string item_reader_resource(const json& state) {
  const json* reader = find_field(state, "ItemReader");
  const json* resource = reader ? find_field(*reader, "Resource") : nullptr;
  return resource && resource->is_string() ? resource->get<std::string>() : "";
}

json item_reader_request(const json& reader, const json& input, const ContextObject& context) {
  const json* parameters = find_field(reader, "Parameters");
  if (!parameters) parameters = find_field(reader, "Arguments");
  if (!parameters) return json::object();
  return evaluate_payload_template(*parameters, input, context);
}

bool is_manifest_reader(const json& reader) { return input_type(reader) == "MANIFEST"; }

void check_reader_config(const json& reader, std::string_view state) {
  const std::string type = input_type(reader);
  if (type == "PARQUET") {
    throw AslError(kRuntime, fmt::format("Map state '{}' reads its items as PARQUET, which flowrun "
                                         "does not read; use CSV, JSON, JSONL or MANIFEST",
                                         state));
  }
  if (const json* manifest = find_field(reader_config(reader), "ManifestType");
      manifest && *manifest == "ATHENA_DATA") {
    throw AslError(kRuntime, fmt::format("Map state '{}' reads an Athena data manifest "
                                         "(ManifestType ATHENA_DATA), which flowrun does not "
                                         "read; only S3 inventory manifests are read",
                                         state));
  }
  if (!type.empty() && type != "JSON" && type != "JSONL" && type != "CSV" && type != "MANIFEST") {
    throw AslError(kRuntime, fmt::format("ReaderConfig InputType of Map state '{}' must be CSV, "
                                         "JSON, JSONL, MANIFEST or PARQUET, not {}",
                                         state, type));
  }
  const json* pointer = find_field(reader_config(reader), "ItemsPointer");
  if (!pointer) return;
  if (type != "JSON") {
    throw AslError(kRuntime, fmt::format("ReaderConfig ItemsPointer of Map state '{}' needs "
                                         "InputType JSON",
                                         state));
  }
  if (!pointer->is_string() || !is_json_pointer(pointer->get_ref<const std::string&>())) {
    throw AslError(kRuntime, fmt::format("ReaderConfig ItemsPointer of Map state '{}' must be a "
                                         "JSON Pointer such as /data/items, not {}",
                                         state, pointer->dump()));
  }
}

bool is_json_pointer(const std::string& text) {
  try {
    json::json_pointer pointer(text);
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

json read_items(const json& reader, std::string_view text) {
  const std::string type = input_type(reader);
  if (is_gzip(text)) {
    throw AslError(kReaderFailed,
                   "the object is gzip-compressed data; flowrun decompresses only the data files "
                   "of an S3 inventory (MANIFEST); let the reader's action decompress it "
                   "(gzip -dc)");
  }
  if (type == "JSON") {
    json items = parse_text(text, "the JSON object");
    if (const json* pointer = find_field(reader_config(reader), "ItemsPointer")) {
      return select_items(std::move(items), *pointer);
    }
    if (!items.is_array()) {
      throw AslError(kReaderFailed, fmt::format("the JSON object must be an array, not {}",
                                                items.is_null() ? "null" : items.type_name()));
    }
    return items;
  }
  if (type == "JSONL") return read_json_lines(text);
  if (type == "CSV") return read_csv(reader_config(reader), text);
  if (type.empty()) return read_listing(text);
  throw AslError(kRuntime,
                 "ReaderConfig InputType must be JSON, JSONL, CSV or MANIFEST, not " + type);
}

void limit_items(const json& reader, json& items, const json& input, const ContextObject& context) {
  const json& config = reader_config(reader);
  json limit;
  if (const json* literal = find_field(config, "MaxItems")) {
    limit = *literal;
  } else if (const json* path = find_field(config, "MaxItemsPath"); path && path->is_string()) {
    limit = select_reference(input, path->get<std::string>(), context, kRuntime);
  } else {
    return;
  }
  if (!limit.is_number_integer() || limit.get<std::int64_t>() < 0) {
    throw AslError(kRuntime,
                   "ReaderConfig MaxItems must be a non-negative integer, not " + limit.dump());
  }
  const auto count = static_cast<std::size_t>(limit.get<std::int64_t>());
  if (count > 0 && items.size() > count) items.erase(items.begin() + count, items.end());
}

InventoryManifest read_manifest(std::string_view text) {
  json manifest = parse_text(text, "the inventory manifest");
  const json* format = find_field(manifest, "fileFormat");
  const json* schema = find_field(manifest, "fileSchema");
  const json* files = find_field(manifest, "files");
  const json* bucket = find_field(manifest, "destinationBucket");
  if (!format || *format != "CSV" || !schema || !schema->is_string() || !files ||
      !files->is_array() || !bucket || !bucket->is_string()) {
    throw AslError(kReaderFailed,
                   "the manifest must be an S3 inventory manifest of CSV files (fileFormat CSV, "
                   "fileSchema, files, destinationBucket)");
  }
  InventoryManifest out;
  std::string_view columns = schema->get_ref<const std::string&>();
  while (!columns.empty()) {
    std::size_t comma = columns.find(',');
    out.columns.push_back(trimmed(columns.substr(0, comma)));
    columns.remove_prefix(comma == std::string_view::npos ? columns.size() : comma + 1);
  }
  std::string name = bucket->get<std::string>();
  if (name.starts_with("arn:aws:s3:::")) name.erase(0, 13);
  for (const json& file : *files) {
    const json* key = find_field(file, "key");
    if (!key || !key->is_string()) {
      throw AslError(kReaderFailed, "every entry of the manifest's files needs a key");
    }
    out.file_requests.push_back(json{{"Bucket", name}, {"Key", *key}});
  }
  return out;
}

json read_manifest_rows(std::string_view text, const std::vector<std::string>& columns) {
  if (!is_gzip(text)) return rows_as_objects(parse_csv(text, ','), 0, columns);
  Gunzipped file = gunzip(text, kMaxDecompressedBytes);
  if (!file.error.empty()) {
    throw AslError(kReaderFailed, "an inventory data file cannot be decompressed: " + file.error);
  }
  return rows_as_objects(parse_csv(file.data, ','), 0, columns);
}

std::vector<std::vector<std::string>> parse_csv(std::string_view text, char delimiter) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  const std::size_t size = text.size();
  std::size_t i = 0;
  std::size_t line = 1;
  while (i < size) {
    std::string field;
    bool quoted = false;
    if (text[i] == '"') {
      quoted = true;
      const std::size_t opened_line = line;
      for (++i;; ++i) {
        if (i >= size) {
          throw AslError(
              kReaderFailed,
              fmt::format("the CSV quote opened on line {} is never closed", opened_line));
        }
        if (text[i] == '"') {
          if (i + 1 < size && text[i + 1] == '"') {
            field += '"';
            ++i;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        field += text[i];
      }
    }
    // The unquoted field, or what follows a closing quote, up to the delimiter or line end.
    // `""` stands for one quote there too (the developer guide's `{""MyKey"":""MyValue""}`
    // reads as `{"MyKey":"MyValue"}`); a lone quote is kept.
    while (i < size && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') {
      if (text[i] == '"' && i + 1 < size && text[i + 1] == '"') ++i;
      field += text[i++];
    }
    record.push_back(std::move(field));
    if (i < size && text[i] == delimiter) {
      ++i;
      if (i < size) continue;
      record.emplace_back();  // "a,b," ends with an empty field
    }
    if (i < size && text[i] == '\r') ++i;
    if (i < size && text[i] == '\n') ++i;
    ++line;
    const bool empty_line = record.size() == 1 && record.front().empty() && !quoted;
    if (!empty_line) records.push_back(std::move(record));
    record.clear();
  }
  return records;
}

}  // namespace flowrun::asl
