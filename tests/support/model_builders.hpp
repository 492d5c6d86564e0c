#pragma once

#include <string>
#include <vector>

#include "core/model/workflow.hpp"

namespace flowrun::test {

/// `needs` naming these ids, as if written where nothing points (positions unknown).
inline std::vector<Need> needs_of(std::vector<std::string> ids) {
  std::vector<Need> needs;
  for (std::string& id : ids) needs.push_back({std::move(id), {}});
  return needs;
}

}  // namespace flowrun::test
