#pragma once

#include <string_view>
#include <vector>

namespace flowrun::expr {

/// A built-in function and how many arguments it takes.
struct FunctionInfo {
  std::string_view name;  ///< as documented, e.g. "startsWith"
  int min_args = 0;
  int max_args = 0;
  bool status = false;  ///< success(), failure(), always(), cancelled()
};

/// Every built-in function, in the documented spelling.
const std::vector<FunctionInfo>& builtin_functions();
/// The function named `name` case-insensitively, or nullptr.
const FunctionInfo* find_function(std::string_view name);

}  // namespace flowrun::expr
