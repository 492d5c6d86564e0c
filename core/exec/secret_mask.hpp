#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flowrun {

/// Hides secrets in a stream of output as `***`, even when a secret arrives split across
/// reads: a tail that could be the start of a secret is held back until the next bytes (or
/// the end) show whether it is one.
class SecretMasker {
 public:
  /// `secrets` must outlive the masker; longer ones should come first (mask_values does so).
  explicit SecretMasker(const std::vector<std::string>& secrets);

  /// Takes the next bytes; returns what is safe to write now (valid until the next call).
  std::string_view feed(std::string_view bytes);
  /// The end of the stream: returns what was held back, masked.
  std::string_view finish();

 private:
  std::string_view scan(bool at_end);

  const std::vector<std::string>& secrets_;
  std::string pending_;
  std::string out_;
};

/// True when `text` holds any of `secrets`.
bool contains_secret(std::string_view text, const std::vector<std::string>& secrets);

}  // namespace flowrun
