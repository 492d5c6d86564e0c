#include "core/asl/task_tokens.hpp"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/engine/event_loop.hpp"
#include "core/engine/run_folder.hpp"
#include "core/util/error.hpp"

namespace flowrun::asl {
namespace {

constexpr std::string_view kIssued = ".issued";
constexpr std::string_view kAnswer = ".answer";

std::string_view kind_word(TokenAnswer::Kind kind) {
  switch (kind) {
    case TokenAnswer::Kind::Success:
      return "success";
    case TokenAnswer::Kind::Failure:
      return "failure";
    case TokenAnswer::Kind::Heartbeat:
      return "heartbeat";
  }
  return "heartbeat";
}

}  // namespace

std::string tokens_dir(std::string_view run_dir) { return std::string(run_dir) + "/tokens"; }

std::string run_id_of_token(std::string_view token) {
  std::size_t dot = token.find('.');
  return dot == std::string_view::npos ? "" : std::string(token.substr(0, dot));
}

bool is_token_shaped(std::string_view token) {
  return !token.empty() && token.size() < 200 && token.find('/') == std::string_view::npos &&
         token.front() != '.' && !run_id_of_token(token).empty();
}

void mark_token_issued(std::string_view run_dir, std::string_view token) {
  std::string dir = tokens_dir(run_dir);
  create_private_directories(dir);
  AtomicFile file(dir + "/" + std::string(token) + std::string(kIssued));
  file.commit();
}

void forget_token(std::string_view run_dir, std::string_view token) {
  std::string path = tokens_dir(run_dir) + "/" + std::string(token) + std::string(kIssued);
  unlink(path.c_str());
}

void forget_all_tokens(std::string_view run_dir) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(tokens_dir(run_dir), error)) {
    std::string extension = entry.path().extension().string();
    if (extension == kIssued || extension == kAnswer) std::filesystem::remove(entry.path(), error);
  }
}

bool is_token_issued(std::string_view run_dir, std::string_view token) {
  std::string path = tokens_dir(run_dir) + "/" + std::string(token) + std::string(kIssued);
  struct stat info {};
  return stat(path.c_str(), &info) == 0;
}

void write_token_answer(std::string_view run_dir, const TokenAnswer& answer) {
  nlohmann::json body = {{"token", answer.token}, {"kind", kind_word(answer.kind)}};
  if (answer.kind == TokenAnswer::Kind::Success) body["output"] = answer.output;
  if (answer.kind == TokenAnswer::Kind::Failure) {
    body["error"] = answer.error;
    body["cause"] = answer.cause;
  }
  // The monotonic time in the name orders answers and keeps two heartbeats apart.
  std::string path = tokens_dir(run_dir) + "/" + std::to_string(monotonic_ns()) + "-" +
                     std::to_string(getpid()) + std::string(kAnswer);
  AtomicFile file(path);
  file.write(body.dump());
  file.commit();
}

std::vector<TokenAnswer> take_token_answers(std::string_view run_dir) {
  std::vector<std::string> paths;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(tokens_dir(run_dir), error)) {
    if (entry.path().extension() == kAnswer) paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<TokenAnswer> answers;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    unlink(path.c_str());
    nlohmann::json body = nlohmann::json::parse(text, nullptr, false);
    if (!body.is_object() || !body.contains("token") || !body["token"].is_string()) continue;
    TokenAnswer answer;
    answer.token = body["token"];
    std::string kind = body.value("kind", "");
    if (kind == "success") {
      answer.kind = TokenAnswer::Kind::Success;
      answer.output = body.value("output", nlohmann::json());
    } else if (kind == "failure") {
      answer.kind = TokenAnswer::Kind::Failure;
      answer.error = body.value("error", "");
      answer.cause = body.value("cause", "");
    }
    answers.push_back(std::move(answer));
  }
  return answers;
}

TokenWatch::~TokenWatch() {
  if (fd_ >= 0) close(fd_);
}

void TokenWatch::start(std::string_view run_dir, std::string_view run_id) {
  if (fd_ >= 0) return;
  std::string dir = tokens_dir(run_dir);
  create_private_directories(dir);
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0 || inotify_add_watch(fd_, dir.c_str(), IN_MOVED_TO) < 0) {
    int error = errno;
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    throw Error("cannot watch the task tokens of run " + std::string(run_id) + ": " +
                std::strerror(error));
  }
}

void TokenWatch::clear() {
  char buffer[4096];
  while (fd_ >= 0 && read(fd_, buffer, sizeof buffer) > 0) {
  }
}

}  // namespace flowrun::asl
