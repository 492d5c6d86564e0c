#pragma once

#include <poll.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace flowrun {

/// One HTTP request for HttpClient.
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  ///< `Name: value`
  std::optional<std::string> body;
  std::int64_t timeout_ms = 30000;  ///< the whole transfer; 0 = none
  bool follow_redirects = true;
  bool insecure = false;  ///< skip TLS certificate and host checks
  /// Proxy settings from the step's environment (curl's own environment lookup is off).
  std::string proxy;
  std::string no_proxy;
  std::size_t body_limit = 1 << 20;  ///< a longer body goes to `spill_path`
  std::string spill_path;
};

/// What came back. `error` is set when no complete response arrived (connection refused,
/// closed, timed out, TLS ...); `status` and `headers` are those of the last response.
struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names in lower case
  std::string body;                                          ///< empty when spilled
  bool spilled = false;  ///< the body is in the request's `spill_path`
  std::uint64_t body_size = 0;
  std::string error;
  bool timed_out = false;
  std::string effective_url;
  std::int64_t duration_ms = 0;

  /// The value of header `name` (lower case), or nullptr.
  const std::string* header(const std::string& name) const;
};

/// Many transfers at once on libcurl's multi interface, driven by the caller's poll: the
/// caller adds `add_pollfds` to its wait, sleeps at most `timeout_ns`, then calls `process`.
/// No threads. Not copyable; one per event loop.
class HttpClient {
 public:
  /// Throws flowrun::Error when libcurl cannot be initialised.
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Starts a transfer under `id` (unique among running ones).
  void start(std::uint64_t id, const HttpRequest& request);
  /// Abandons the transfer `id`, if it runs.
  void cancel(std::uint64_t id);
  bool idle() const { return transfers_.empty(); }

  void add_pollfds(std::vector<pollfd>& fds) const;
  /// ns until curl's next timer, -1 for none.
  std::int64_t timeout_ns() const;
  /// Lets curl act on ready descriptors and due timers; finished transfers are then in
  /// take_finished.
  void process(const std::vector<pollfd>& fds);
  std::vector<std::pair<std::uint64_t, HttpResponse>> take_finished();

  struct Transfer;

 private:
  static int on_socket(void* easy, int fd, int what, void* self, void* socket_data);
  static int on_timer(void* multi, long timeout_ms, void* self);
  void act(int fd, int events);
  void collect();

  void* multi_ = nullptr;
  std::map<int, short> sockets_;    // fd -> poll events curl wants
  std::int64_t timer_due_ns_ = -1;  // monotonic ns, -1 = none
  std::vector<std::unique_ptr<Transfer>> transfers_;
  std::vector<std::pair<std::uint64_t, HttpResponse>> finished_;
};

}  // namespace flowrun
