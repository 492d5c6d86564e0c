#include "core/engine/run_folder.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>

#include "core/util/error.hpp"

namespace flowrun {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw Error(fmt::format("cannot {} '{}': {}", what, path, std::strerror(errno)));
}

// Step ids are plain words after validation; anything else is made safe for a file name.
void append_safe_name(std::string& out, std::string_view name) {
  if (!name.empty() && name.front() == '.') out += '_';
  for (char c : name) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.';
    out += safe ? c : '_';
  }
}

// Marks `runs/` as the top of directory hierarchies (chattr +T), so that ext4's Orlov
// allocator places each new run folder in a block group with room, as it does for folders
// at the root of the file system, rather than beside `runs/`. It matters for the logs: ext4
// without a journal does not reuse an inode freed in the last minutes, and scans past every
// such inode of the group for each new file, so that in a group just emptied by `rm -rf` or
// `flowrun prune` creating one log file takes milliseconds instead of microseconds. Best
// effort: file systems without the flag ignore or refuse it.
void mark_top_directory(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  int flags = 0;
  if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 && !(flags & FS_TOPDIR_FL)) {
    flags |= FS_TOPDIR_FL;
    [[maybe_unused]] int ignored = ioctl(fd, FS_IOC_SETFLAGS, &flags);
  }
  close(fd);
}

}  // namespace

std::string make_run_id() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::random_device random;
  std::uint32_t suffix = random() & 0xffffff;
  return fmt::format("{:04}{:02}{:02}-{:02}{:02}{:02}-{:06x}", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, suffix);
}

void create_private_directories(const std::string& path) {
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string partial = path.substr(0, slash);
    if (!partial.empty() && mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      fail("create folder", partial);
    }
    if (slash == std::string::npos) break;
  }
}

RunFolder RunFolder::create(const std::string& state_dir, const std::string& run_id) {
  std::string root = std::filesystem::absolute(state_dir).lexically_normal().string();
  if (root.size() > 1 && root.back() == '/') root.pop_back();
  std::string runs = root + "/runs";
  create_private_directories(runs);
  mark_top_directory(runs);
  if (!run_id.empty() && (run_id.find('/') != std::string::npos || run_id.front() == '.')) {
    throw Error("'" + run_id + "' cannot be a run id");
  }
  for (int tries = 0; tries < 100; ++tries) {
    std::string id = run_id.empty() ? make_run_id() : run_id;
    std::string path = runs + "/" + id;
    if (mkdir(path.c_str(), 0700) != 0) {
      if (errno == EEXIST && !run_id.empty()) throw Error("run id '" + run_id + "' is taken");
      if (errno == EEXIST) continue;
      fail("create run folder", path);
    }
    std::string steps = path + "/steps";
    if (mkdir(steps.c_str(), 0700) != 0) fail("create folder", steps);
    return RunFolder(std::move(id), std::move(path));
  }
  throw Error("cannot find a free run id under '" + runs + "'");
}

void RunFolder::write_definition(std::string_view source_path, std::string_view text) const {
  std::string extension = std::filesystem::path(source_path).extension().string();
  if (extension.empty()) extension = ".yaml";
  write_file("definition" + extension, text);
}

void RunFolder::write_file(std::string_view name, std::string_view content) const {
  AtomicFile file(path_ + "/" + std::string(name));
  file.write(content);
  file.commit();
}

void attempt_file_path(std::string_view run_dir, std::string_view step_id, int attempt,
                       std::string_view suffix, std::string& out) {
  out.assign(run_dir);
  out += "/steps/";
  append_safe_name(out, step_id);
  out += ".attempt-";
  out += std::to_string(attempt);
  out += suffix;
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), temporary_(path_ + ".tmp") {
  fd_ = open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) fail("create", temporary_);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    close(fd_);
    unlink(temporary_.c_str());
  }
}

void AtomicFile::write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write", temporary_);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void AtomicFile::commit() {
  int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) fail("write", temporary_);
  if (rename(temporary_.c_str(), path_.c_str()) != 0) fail("replace", path_);
}

void RunFolder::attempt_log_path(std::string_view step_id, int attempt, std::string& out) const {
  attempt_file_path(path_, step_id, attempt, ".log", out);
}

void RunFolder::attempt_output_path(std::string_view step_id, int attempt, std::string& out) const {
  attempt_file_path(path_, step_id, attempt, ".output", out);
}

}  // namespace flowrun
