#pragma once

#include <string>
#include <string_view>

namespace flowrun {

/// The folder of one run, `<state-dir>/runs/<run-id>/`, private to the user (0700 folders,
/// 0600 files). It holds `definition.<ext>` (the workflow file as run), `summary.json`, and
/// `steps/<step>.attempt-<N>.log` plus `steps/<step>.attempt-<N>.output` ($FLOWRUN_OUTPUT).
class RunFolder {
 public:
  /// Creates a new run folder with a fresh id under `state_dir` (made if missing), or with
  /// `run_id` when not empty (a child run whose id its parent chose). Throws flowrun::Error
  /// when it cannot be created, or `run_id` is taken or not a plain name.
  static RunFolder create(const std::string& state_dir, const std::string& run_id = {});
  /// The folder of a recorded run, at `path` (for a redrive); nothing is checked or made.
  static RunFolder open(std::string run_id, std::string path) {
    return RunFolder(std::move(run_id), std::move(path));
  }

  const std::string& run_id() const { return run_id_; }
  /// Absolute path of the folder.
  const std::string& path() const { return path_; }

  /// Writes the definition snapshot, named `definition` plus the extension of `source_path`.
  void write_definition(std::string_view source_path, std::string_view text) const;
  /// Replaces `name` in the folder with `content` atomically (temporary file + rename).
  void write_file(std::string_view name, std::string_view content) const;

  /// Writes the absolute log path of an attempt into `out` (a reused buffer).
  void attempt_log_path(std::string_view step_id, int attempt, std::string& out) const;
  /// Writes the absolute $FLOWRUN_OUTPUT path of an attempt into `out`.
  void attempt_output_path(std::string_view step_id, int attempt, std::string& out) const;

 private:
  RunFolder(std::string run_id, std::string path)
      : run_id_(std::move(run_id)), path_(std::move(path)) {}

  std::string run_id_;
  std::string path_;
};

/// Writes `<run_dir>/steps/<step>.attempt-<attempt><suffix>` into `out` (a reused buffer).
void attempt_file_path(std::string_view run_dir, std::string_view step_id, int attempt,
                       std::string_view suffix, std::string& out);

/// A file written under a temporary name (0600) and renamed into place by `commit`.
class AtomicFile {
 public:
  /// Throws flowrun::Error when the temporary file cannot be created.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  /// Appends bytes; throws flowrun::Error on a write failure.
  void write(std::string_view bytes);
  /// Closes and renames into place; throws flowrun::Error on failure.
  void commit();

 private:
  std::string path_;
  std::string temporary_;
  int fd_ = -1;
};

/// A new run id: UTC time and 6 random hex digits, `20261125-190102-a3f9c1` (sorts by time).
std::string make_run_id();

/// Creates `path` and missing parents with mode 0700; throws flowrun::Error on failure.
void create_private_directories(const std::string& path);

}  // namespace flowrun
