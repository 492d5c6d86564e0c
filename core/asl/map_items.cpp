#include <fmt/format.h>

#include "core/asl/compiled_data_flow.hpp"
#include "core/asl/data_flow.hpp"
#include "core/asl/jsonpath.hpp"

namespace flowrun::asl {
namespace {

using nlohmann::json;

constexpr const char* kRuntime = "States.Runtime";
// The service's payload quota, the most MaxInputBytesPerBatch may ask for.
constexpr std::int64_t kMaxBatchBytes = 256 * 1024;

const json* find_field(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// A positive integer batching limit given directly or through a `...Path` field; 0 when
// neither is set.
std::int64_t batch_limit(const json& batcher, const char* field, const json& input,
                         const ContextObject& context) {
  json value;
  std::string path_field = std::string(field) + "Path";
  if (const json* direct = find_field(batcher, field)) {
    value = *direct;
  } else if (const json* path = find_field(batcher, path_field.c_str())) {
    if (!path->is_string()) throw AslError(kRuntime, fmt::format("{} must be a path", path_field));
    value = select_reference(input, path->get_ref<const std::string&>(), context, kRuntime);
  } else {
    return 0;
  }
  if (!value.is_number_integer() || value.get<std::int64_t>() <= 0) {
    throw AslError(kRuntime, fmt::format("ItemBatcher {} must be a positive integer, not {}", field,
                                         value.dump()));
  }
  return value.get<std::int64_t>();
}

json item_context(const ContextObject& context, std::size_t index, const json& item) {
  json out = context.is_object() ? context : json::object();
  out["Map"]["Item"] = {{"Index", index}, {"Value", item}};
  return out;
}

// The Map fields of a state given as JSON, compiled for one call.
CompiledDataFlow map_fields(const json& state) {
  CompiledDataFlow flow;
  compile_map_fields(state, flow);
  return flow;
}

// Groups the (selected) items into `{"Items": [...], "BatchInput": ...}` objects that respect
// MaxItemsPerBatch and MaxInputBytesPerBatch.
json make_batches(const CompiledDataFlow& flow, const json& batcher, const json& items,
                  const json& input, const ContextObject& context) {
  std::int64_t max_items = batch_limit(batcher, "MaxItemsPerBatch", input, context);
  std::int64_t max_bytes = batch_limit(batcher, "MaxInputBytesPerBatch", input, context);
  if (max_bytes > kMaxBatchBytes) {
    throw AslError(kRuntime, fmt::format("MaxInputBytesPerBatch {} exceeds the limit of {} bytes",
                                         max_bytes, kMaxBatchBytes));
  }
  json batch_input;
  bool has_batch_input = false;
  if (const json* given = find_field(batcher, "BatchInput")) {
    batch_input = evaluate_payload_template(*given, input, context);
    has_batch_input = true;
  }
  auto empty_batch = [&] {
    json batch = {{"Items", json::array()}};
    if (has_batch_input) batch["BatchInput"] = batch_input;
    return batch;
  };
  const std::optional<CompiledTemplate>& selector = flow.item_selector;
  // The context with the item is copied for each item only when the selector reads it.
  const bool item_in_context = selector && selector->reads_context();
  json batches = json::array();
  json batch = empty_batch();
  std::size_t batch_bytes = batch.dump().size();
  for (std::size_t i = 0; i < items.size(); ++i) {
    json item = !selector         ? items[i]
                : item_in_context ? selector->evaluate(input, item_context(context, i, items[i]))
                                  : selector->evaluate(input, context);
    std::size_t item_bytes = item.dump().size() + 1;
    bool full = (max_items > 0 && static_cast<std::int64_t>(batch["Items"].size()) >= max_items) ||
                (max_bytes > 0 && !batch["Items"].empty() &&
                 static_cast<std::int64_t>(batch_bytes + item_bytes) > max_bytes);
    if (full) {
      batches.push_back(std::move(batch));
      batch = empty_batch();
      batch_bytes = batch.dump().size();
    }
    if (max_bytes > 0 && static_cast<std::int64_t>(batch_bytes + item_bytes) > max_bytes) {
      throw AslError(kRuntime,
                     fmt::format("item {} alone is larger than MaxInputBytesPerBatch", i));
    }
    batch["Items"].push_back(std::move(item));
    batch_bytes += item_bytes;
  }
  if (!batch["Items"].empty()) batches.push_back(std::move(batch));
  return batches;
}

}  // namespace

json map_items(const json& state, const json& input, const ContextObject& context) {
  return map_items(state, map_fields(state), input, context);
}

json map_items(const json& state, const CompiledDataFlow& flow, const json& input,
               const ContextObject& context) {
  json items = flow.items_path
                   ? select_parsed_reference(input, flow.items_path->path(), context, kRuntime)
                   : input;
  if (!items.is_array()) {
    throw AslError(kRuntime, fmt::format("the Map items must be an array, not {}",
                                         items.is_null() ? "null" : items.type_name()));
  }
  return batch_map_items(state, flow, std::move(items), input, context);
}

json batch_map_items(const json& state, json items, const json& input,
                     const ContextObject& context) {
  return batch_map_items(state, map_fields(state), std::move(items), input, context);
}

json batch_map_items(const json& state, const CompiledDataFlow& flow, json items, const json& input,
                     const ContextObject& context) {
  if (const json* batcher = find_field(state, "ItemBatcher")) {
    return make_batches(flow, *batcher, items, input, context);
  }
  return items;
}

json map_item_input(const json& state, const json& input, const ContextObject& context) {
  return map_item_input(state, map_fields(state), input, context);
}

json map_item_input(const json& state, const CompiledDataFlow& flow, const json& input,
                    const ContextObject& context) {
  // With ItemBatcher the selector already ran per item in map_items; the batch is the input.
  if (flow.item_selector && !find_field(state, "ItemBatcher")) {
    return flow.item_selector->evaluate(input, context);
  }
  const json* value = nullptr;
  if (context.is_object()) {
    auto map = context.find("Map");
    if (map != context.end() && map->is_object()) {
      auto item = map->find("Item");
      if (item != map->end() && item->is_object()) {
        auto found = item->find("Value");
        if (found != item->end()) value = &*found;
      }
    }
  }
  if (!value) throw AslError(kRuntime, "the context object has no Map.Item.Value");
  return *value;
}

}  // namespace flowrun::asl
