#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

// Task tokens of `.waitForTaskToken` Tasks travel through files in the run folder: the run
// that owns the token marks it issued, `flowrun task-success|task-failure|task-heartbeat`
// (any process) writes an answer file atomically, and the owner, which watches the folder
// with inotify, takes it. No polling, no socket, and the answer survives a restart.

namespace flowrun::asl {

/// What a `task-*` command says about a token.
struct TokenAnswer {
  enum class Kind { Success, Failure, Heartbeat };
  std::string token;
  Kind kind = Kind::Heartbeat;
  nlohmann::json output;  ///< Success
  std::string error;      ///< Failure
  std::string cause;      ///< Failure
};

/// `<run_dir>/tokens`.
std::string tokens_dir(std::string_view run_dir);

/// The run id a token belongs to (tokens are `<run id>.<n>.<random>`), or "".
std::string run_id_of_token(std::string_view token);

/// True when `token` has the shape of a token (no `/`, not empty).
bool is_token_shaped(std::string_view token);

/// Marks `token` issued (waiting for an answer); throws flowrun::Error when it cannot.
void mark_token_issued(std::string_view run_dir, std::string_view token);
/// Forgets an issued token (answered, timed out or aborted).
void forget_token(std::string_view run_dir, std::string_view token);
/// Forgets every token of a run and the answers not taken (a redrive issues new ones).
void forget_all_tokens(std::string_view run_dir);
/// True while `token` is issued and not answered.
bool is_token_issued(std::string_view run_dir, std::string_view token);

/// Writes an answer for the owner to take; throws flowrun::Error when it cannot.
void write_token_answer(std::string_view run_dir, const TokenAnswer& answer);

/// Reads and removes every answer waiting in the folder, oldest first.
std::vector<TokenAnswer> take_token_answers(std::string_view run_dir);

/// Watches a run's tokens folder with inotify, so that an event loop sleeps until an answer
/// lands (no polling). Used by ASL callback Tasks and native approval steps alike.
class TokenWatch {
 public:
  TokenWatch() = default;
  ~TokenWatch();
  TokenWatch(const TokenWatch&) = delete;
  TokenWatch& operator=(const TokenWatch&) = delete;

  /// Starts watching (making the folder when missing); throws flowrun::Error when it cannot.
  /// Answers written before the watch existed are still in the folder: take them after this.
  void start(std::string_view run_dir, std::string_view run_id);
  bool is_active() const { return fd_ >= 0; }
  /// The descriptor to poll for POLLIN; -1 before start.
  int fd() const { return fd_; }
  /// Reads the pending notifications; then take_token_answers.
  void clear();

 private:
  int fd_ = -1;
};

}  // namespace flowrun::asl
