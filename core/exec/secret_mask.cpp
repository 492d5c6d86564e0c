#include "core/exec/secret_mask.hpp"

namespace flowrun {

SecretMasker::SecretMasker(const std::vector<std::string>& secrets) : secrets_(secrets) {}

std::string_view SecretMasker::feed(std::string_view bytes) {
  pending_.append(bytes);
  return scan(false);
}

std::string_view SecretMasker::finish() { return scan(true); }

// Copies pending_ to out_ with every whole secret replaced; stops (unless at the end) at a
// tail that is a proper prefix of some secret and keeps it for the next call.
std::string_view SecretMasker::scan(bool at_end) {
  out_.clear();
  const std::size_t size = pending_.size();
  std::size_t i = 0;
  std::size_t copied = 0;
  while (i < size) {
    std::string_view rest(pending_.data() + i, size - i);
    bool masked = false;
    bool held = false;
    for (const std::string& secret : secrets_) {
      if (secret.empty() || rest.front() != secret.front()) continue;
      if (rest.starts_with(secret)) {
        out_.append(pending_, copied, i - copied);
        out_ += "***";
        i += secret.size();
        copied = i;
        masked = true;
        break;
      }
      if (!at_end && rest.size() < secret.size() && secret.starts_with(rest)) held = true;
    }
    if (masked) continue;
    if (held) break;
    ++i;
  }
  out_.append(pending_, copied, i - copied);
  pending_.erase(0, i);
  return out_;
}

bool contains_secret(std::string_view text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (!secret.empty() && text.find(secret) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace flowrun
