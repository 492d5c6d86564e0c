#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace flowrun::test {

/// What a finished process left behind.
struct ProcessResult {
  int exit_code = -1;  ///< 128+N when killed by signal N
  std::string out;
  std::string err;
};

/// Runs the built flowrun binary with `args`, feeding `stdin_text`, and waits for it.
ProcessResult run_flowrun(const std::vector<std::string>& args, const std::string& stdin_text = "",
                          const std::map<std::string, std::string>& extra_env = {});

/// Runs any program (argv[0] looked up on PATH) the same way.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdin_text = "",
                          const std::map<std::string, std::string>& extra_env = {});

/// Path of the built flowrun binary.
std::string flowrun_binary();
/// Root of the source tree (for workflows/ and tests/fixtures/).
std::filesystem::path source_dir();

/// A fresh temporary folder, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  /// Writes `content` to `name` inside the folder and returns its full path.
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

/// The whole content of a file ("" when missing).
std::string read_text(const std::filesystem::path& path);

}  // namespace flowrun::test
