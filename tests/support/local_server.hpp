#pragma once

#include <sys/types.h>

#include <string>

namespace flowrun::test {

/// scripts/local_server.py running in a subprocess on 127.0.0.1 (a real HTTP server, no
/// mocks inside the test process); stopped when the object goes away.
class LocalServer {
 public:
  /// Starts it and waits for its port; throws std::runtime_error when it does not start.
  LocalServer();
  ~LocalServer();
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  int port() const { return port_; }
  /// `http://127.0.0.1:<port><path>`.
  std::string url(const std::string& path) const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace flowrun::test
