#include "core/validate/asl_reader_config_checks.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/validate/load_definition.hpp"

// ReaderConfig of a Map's ItemReader: PARQUET (valid ASL that flowrun cannot read) is a
// warning, an unknown InputType and an ItemsPointer that is not a JSON Pointer into JSON are
// errors; expressions and placeholders wait for run time.

using namespace flowrun;

namespace {

std::vector<std::string> diagnose(const std::string& reader_config) {
  Diagnostics d;
  std::string text = fmt::format(R"(StartAt: M
States:
  M:
    Type: Map
    ItemReader:
      Resource: arn:aws:states:::s3:getObject
      ReaderConfig: {}
      Parameters: {{Bucket: b, Key: k}}
    ItemProcessor: {{StartAt: I, States: {{I: {{Type: Succeed}}}}}}
    End: true
)",
                                 reader_config);
  REQUIRE(load_definition_text("m.yaml", text, d, {}));
  std::vector<std::string> out;
  for (const auto& item : d.items()) {
    if (item.code == "asl-placeholder") continue;
    out.push_back(fmt::format("{}:{}: {} [{}] {}", item.pos.line, item.pos.column,
                              to_string(item.severity), item.code, item.message));
  }
  return out;
}

}  // namespace

TEST_CASE("ReaderConfig with a known InputType and a JSON Pointer into JSON is accepted") {
  CHECK(diagnose("{InputType: JSON, ItemsPointer: /data/items, MaxItems: 10}").empty());
  CHECK(diagnose("{InputType: JSON, ItemsPointer: ''}").empty());
  CHECK(diagnose("{InputType: CSV, CSVHeaderLocation: FIRST_ROW}").empty());
  CHECK(diagnose("{InputType: MANIFEST}").empty());
  CHECK(diagnose("{InputType: JSONL}").empty());
  CHECK(diagnose("{InputType: '${Kind}', ItemsPointer: '${Pointer}'}").empty());
}

TEST_CASE("PARQUET is a warning naming the state, not an error") {
  CHECK(diagnose("{InputType: PARQUET}") ==
        std::vector<std::string>{
            "7:33: warning [asl-item-reader] Map state 'M' reads PARQUET items, which flowrun "
            "does not read: the state fails with States.Runtime when it runs"});
}

TEST_CASE("an Athena data manifest is a warning naming the state, as flowrun does not read it") {
  CHECK(diagnose("{InputType: MANIFEST, ManifestType: S3_INVENTORY}").empty());
  CHECK(diagnose("{InputType: MANIFEST, ManifestType: ATHENA_DATA}") ==
        std::vector<std::string>{
            "7:57: warning [asl-item-reader] Map state 'M' reads an Athena data manifest, which "
            "flowrun does not read: the state fails with States.Runtime when it runs"});
}

TEST_CASE("an unknown InputType and an ItemsPointer that cannot point into JSON are errors") {
  CHECK(diagnose("{InputType: XML}") ==
        std::vector<std::string>{"7:33: error [asl-item-reader] ReaderConfig InputType of Map "
                                 "state 'M' must be CSV, JSON, JSONL, MANIFEST or PARQUET"});
  CHECK(diagnose("{InputType: CSV, ItemsPointer: /rows}") ==
        std::vector<std::string>{"7:38: error [asl-item-reader] ItemsPointer of Map state 'M' "
                                 "reads into a JSON object; it needs InputType JSON, not CSV"});
  CHECK(diagnose("{InputType: JSON, ItemsPointer: data/items}") ==
        std::vector<std::string>{"7:53: error [asl-item-reader] ItemsPointer of Map state 'M' "
                                 "must be a JSON Pointer (RFC 6901) such as /data/items"});
  CHECK(diagnose("{InputType: JSON, ItemsPointer: /a~2}") ==
        std::vector<std::string>{"7:53: error [asl-item-reader] ItemsPointer of Map state 'M' "
                                 "must be a JSON Pointer (RFC 6901) such as /data/items"});
}
