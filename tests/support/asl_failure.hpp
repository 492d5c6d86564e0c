#pragma once

#include <functional>
#include <string>
#include <utility>

#include "core/asl/data_flow.hpp"

namespace flowrun::test {

/// The States.* error and the cause that `action` throws as an AslError, or two empty
/// strings when it throws nothing.
inline std::pair<std::string, std::string> asl_failure_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const asl::AslError& error) {
    return {error.error(), error.cause()};
  }
  return {};
}

}  // namespace flowrun::test
