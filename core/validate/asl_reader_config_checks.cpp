#include "core/validate/asl_reader_config_checks.hpp"

#include <fmt/format.h>

#include "core/asl/item_reader.hpp"
#include "core/asl/jsonata_value.hpp"
#include "core/asl/substitutions.hpp"

namespace flowrun {
namespace {

// A literal string: not an expression or placeholder, whose value is only known at run time.
const Node* literal_string(const Node* value) {
  if (!value || !value->is_string()) return nullptr;
  if (asl::jsonata_expression_text(value->text) || asl::has_placeholder(value->text)) {
    return nullptr;
  }
  return value;
}

}  // namespace

void check_item_reader_config(const Node& state, const std::string& name,
                              AslDataReporter& reporter) {
  const Node* reader = state.find("ItemReader");
  const Node* config = reader && reader->is_mapping() ? reader->find("ReaderConfig") : nullptr;
  if (!config || !config->is_mapping()) return;
  const Node* type = literal_string(config->find("InputType"));
  if (type && type->text == "PARQUET") {
    // Valid for Step Functions, so not an error: `validate` must pass what AWS accepts.
    reporter.warning("asl-item-reader", *type,
                     fmt::format("Map state '{}' reads PARQUET items, which flowrun does not "
                                 "read: the state fails with States.Runtime when it runs",
                                 name));
  } else if (type && type->text != "CSV" && type->text != "JSON" && type->text != "JSONL" &&
             type->text != "MANIFEST") {
    reporter.error("asl-item-reader", *type,
                   fmt::format("ReaderConfig InputType of Map state '{}' must be CSV, JSON, "
                               "JSONL, MANIFEST or PARQUET",
                               name));
  }
  if (const Node* manifest = literal_string(config->find("ManifestType"));
      manifest && manifest->text == "ATHENA_DATA") {
    reporter.warning("asl-item-reader", *manifest,
                     fmt::format("Map state '{}' reads an Athena data manifest, which flowrun "
                                 "does not read: the state fails with States.Runtime when it runs",
                                 name));
  }
  const Node::Entry* pointer = config->find_entry("ItemsPointer");
  if (!pointer) return;
  if (type && type->text != "JSON") {
    reporter.error("asl-item-reader", pointer->key,
                   fmt::format("ItemsPointer of Map state '{}' reads into a JSON object; it "
                               "needs InputType JSON, not {}",
                               name, type->text));
  }
  if (const Node* text = literal_string(&pointer->value); !text && !pointer->value.is_string()) {
    reporter.error(
        "asl-item-reader", pointer->value,
        fmt::format("ItemsPointer of Map state '{}' must be a JSON Pointer string", name));
  } else if (text && !asl::is_json_pointer(text->text)) {
    reporter.error("asl-item-reader", *text,
                   fmt::format("ItemsPointer of Map state '{}' must be a JSON Pointer (RFC "
                               "6901) such as /data/items",
                               name));
  }
}

}  // namespace flowrun
