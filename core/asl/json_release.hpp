#pragma once

#include <nlohmann/json.hpp>

namespace flowrun::asl {

/// Replaces `value` with `replacement`, freeing the old value cheaply when it is a flat
/// object or array. nlohmann::json's destructor first moves the members of any object or
/// array into a vector on the heap (so that deep nesting cannot overflow the stack), and for
/// the small flat objects passed from state to state that vector was most of the cost of
/// a transition. A flat container is emptied in place first, which needs no vector and no
/// recursion; anything nested is left to the destructor.
inline void replace_json(nlohmann::json& value, nlohmann::json&& replacement) {
  auto empty_if_flat = [](auto& members, auto member_value) {
    for (auto& member : members) {
      if (member_value(member).is_structured()) return;
    }
    members.clear();
  };
  if (value.is_object()) {
    empty_if_flat(value.get_ref<nlohmann::json::object_t&>(),
                  [](auto& member) -> nlohmann::json& { return member.second; });
  } else if (value.is_array()) {
    empty_if_flat(value.get_ref<nlohmann::json::array_t&>(),
                  [](auto& member) -> nlohmann::json& { return member; });
  }
  value = std::move(replacement);
}

}  // namespace flowrun::asl
