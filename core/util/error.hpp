#pragma once

#include <stdexcept>
#include <string>

namespace flowrun {

/// A failure of the environment (a file that cannot be read, a database, a spawn). The
/// message is already a sentence for the user; cli/main.cpp prints it as one line.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace flowrun
