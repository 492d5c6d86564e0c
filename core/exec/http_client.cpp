#include "core/exec/http_client.hpp"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "core/exec/curl_library.hpp"
#include "core/util/error.hpp"

namespace flowrun {
namespace {

std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trim(const std::string& text) {
  std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  std::size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

const std::string* HttpResponse::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

struct HttpClient::Transfer {
  std::uint64_t id = 0;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;  // the request body; curl reads it from here
  HttpResponse response;
  std::size_t body_limit = 0;
  std::string spill_path;
  int spill_fd = -1;
  std::int64_t started_ns = 0;
  char error[CURL_ERROR_SIZE] = {};

  ~Transfer() {
    if (headers) curl_library().slist_free_all(headers);
    if (spill_fd >= 0) close(spill_fd);
  }

  // Keeps the body in memory up to the limit, then moves it to the spill file.
  std::size_t take_body(const char* data, std::size_t size) {
    response.body_size += size;
    if (spill_fd < 0 && response.body.size() + size <= body_limit) {
      response.body.append(data, size);
      return size;
    }
    if (spill_fd < 0) {
      if (spill_path.empty()) return 0;  // aborts the transfer: nowhere to put it
      spill_fd = open(spill_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (spill_fd < 0) return 0;
      response.spilled = true;
      if (!write_all(response.body.data(), response.body.size())) return 0;
      response.body.clear();
    }
    return write_all(data, size) ? size : 0;
  }

  bool write_all(const char* data, std::size_t size) {
    while (size > 0) {
      ssize_t n = write(spill_fd, data, size);
      if (n <= 0) return false;
      data += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self) {
    return static_cast<Transfer*>(self)->take_body(data, size * count);
  }

  // Keeps the headers of the last response only (redirects and 100-continue come first).
  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self) {
    auto* transfer = static_cast<Transfer*>(self);
    std::string line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) {
      transfer->response.headers.clear();
    } else if (std::size_t colon = line.find(':'); colon != std::string::npos) {
      transfer->response.headers.emplace_back(lower(trim(line.substr(0, colon))),
                                              trim(line.substr(colon + 1)));
    }
    return size * count;
  }
};

HttpClient::HttpClient() {
  multi_ = curl_library().multi_init();
  if (!multi_) throw Error("cannot initialise libcurl (multi handle)");
  curl_library().multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &HttpClient::on_socket);
  curl_library().multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_library().multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &HttpClient::on_timer);
  curl_library().multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

HttpClient::~HttpClient() {
  for (auto& transfer : transfers_) {
    curl_library().multi_remove_handle(multi_, transfer->easy);
    curl_library().easy_cleanup(transfer->easy);
  }
  transfers_.clear();
  curl_library().multi_cleanup(multi_);
}

void HttpClient::start(std::uint64_t id, const HttpRequest& request) {
  const CurlLibrary& curl = curl_library();
  auto transfer = std::make_unique<Transfer>();
  Transfer& t = *transfer;
  t.id = id;
  t.body_limit = request.body_limit;
  t.spill_path = request.spill_path;
  t.started_ns = now_ns();
  t.easy = curl.easy_init();
  CURL* easy = t.easy;
  curl.easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(easy, CURLOPT_ERRORBUFFER, t.error);
  curl.easy_setopt(easy, CURLOPT_PRIVATE, &t);
  curl.easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  curl.easy_setopt(easy, CURLOPT_WRITEDATA, &t);
  curl.easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl.easy_setopt(easy, CURLOPT_HEADERDATA, &t);
  curl.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(easy, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl.easy_setopt(easy, CURLOPT_MAXREDIRS, 10L);
  curl.easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl.easy_setopt(easy, CURLOPT_USERAGENT, "flowrun/" FLOWRUN_VERSION);
  if (request.timeout_ms > 0)
    curl.easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout_ms));
  if (request.insecure) {
    curl.easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl.easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  // The step's environment decides the proxy; "" turns off curl's look at flowrun's own.
  curl.easy_setopt(easy, CURLOPT_PROXY, request.proxy.c_str());
  if (!request.no_proxy.empty()) curl.easy_setopt(easy, CURLOPT_NOPROXY, request.no_proxy.c_str());
  for (const auto& header : request.headers)
    t.headers = curl.slist_append(t.headers, header.c_str());
  if (t.headers) curl.easy_setopt(easy, CURLOPT_HTTPHEADER, t.headers);
  if (request.body) {
    t.body = *request.body;
    curl.easy_setopt(easy, CURLOPT_POSTFIELDS, t.body.data());
    curl.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.body.size()));
  }
  if (request.method == "HEAD") {
    curl.easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || request.body) {
    curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  transfers_.push_back(std::move(transfer));
  curl.multi_add_handle(multi_, easy);
}

void HttpClient::cancel(std::uint64_t id) {
  auto found = std::find_if(transfers_.begin(), transfers_.end(),
                            [&](const auto& transfer) { return transfer->id == id; });
  if (found != transfers_.end()) {
    curl_library().multi_remove_handle(multi_, (*found)->easy);
    curl_library().easy_cleanup((*found)->easy);
    transfers_.erase(found);
  }
  std::erase_if(finished_, [&](const auto& done) { return done.first == id; });
}

int HttpClient::on_socket(void*, int fd, int what, void* self, void*) {
  auto* client = static_cast<HttpClient*>(self);
  if (what == CURL_POLL_REMOVE) {
    client->sockets_.erase(fd);
  } else {
    short events = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) events |= POLLIN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) events |= POLLOUT;
    client->sockets_[fd] = events;
  }
  return 0;
}

int HttpClient::on_timer(void*, long timeout_ms, void* self) {
  auto* client = static_cast<HttpClient*>(self);
  client->timer_due_ns_ = timeout_ms < 0 ? -1 : now_ns() + timeout_ms * 1000000;
  return 0;
}

void HttpClient::add_pollfds(std::vector<pollfd>& fds) const {
  for (const auto& [fd, events] : sockets_) fds.push_back({fd, events, 0});
}

std::int64_t HttpClient::timeout_ns() const {
  if (!finished_.empty()) return 0;
  if (timer_due_ns_ < 0) return -1;
  return std::max<std::int64_t>(0, timer_due_ns_ - now_ns());
}

void HttpClient::act(int fd, int events) {
  int running = 0;
  curl_library().multi_socket_action(multi_, fd, events, &running);
}

void HttpClient::process(const std::vector<pollfd>& fds) {
  for (const pollfd& ready : fds) {
    if (ready.revents == 0 || !sockets_.count(ready.fd)) continue;
    int events = 0;
    if (ready.revents & POLLIN) events |= CURL_CSELECT_IN;
    if (ready.revents & POLLOUT) events |= CURL_CSELECT_OUT;
    if (ready.revents & (POLLERR | POLLHUP)) events |= CURL_CSELECT_ERR;
    act(ready.fd, events);
  }
  if (timer_due_ns_ >= 0 && timer_due_ns_ <= now_ns()) {
    timer_due_ns_ = -1;
    act(CURL_SOCKET_TIMEOUT, 0);
  }
  collect();
}

void HttpClient::collect() {
  int left = 0;
  while (CURLMsg* message = curl_library().multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    Transfer* t = nullptr;
    curl_library().easy_getinfo(easy, CURLINFO_PRIVATE, &t);
    CURLcode code = message->data.result;
    curl_library().easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &t->response.status);
    char* url = nullptr;
    curl_library().easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &url);
    if (url) t->response.effective_url = url;
    if (code != CURLE_OK) {
      t->response.error = t->error[0] ? t->error : curl_library().easy_strerror(code);
      t->response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
    }
    t->response.duration_ms = (now_ns() - t->started_ns) / 1000000;
    finished_.emplace_back(t->id, std::move(t->response));
    curl_library().multi_remove_handle(multi_, easy);
    curl_library().easy_cleanup(easy);
    std::erase_if(transfers_, [&](const auto& transfer) { return transfer.get() == t; });
  }
}

std::vector<std::pair<std::uint64_t, HttpResponse>> HttpClient::take_finished() {
  std::vector<std::pair<std::uint64_t, HttpResponse>> done;
  done.swap(finished_);
  return done;
}

}  // namespace flowrun
