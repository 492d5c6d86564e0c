#include "core/exec/secret_mask.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace flowrun;

namespace {

// Feeds `pieces` one by one and returns everything the masker let out.
std::string mask_stream(const std::vector<std::string>& secrets,
                        const std::vector<std::string>& pieces) {
  SecretMasker masker(secrets);
  std::string out;
  for (const std::string& piece : pieces) out += masker.feed(piece);
  out += masker.finish();
  return out;
}

}  // namespace

TEST_CASE("a secret is hidden whole, in one piece or split across writes at any byte") {
  const std::vector<std::string> secrets = {"hunter2-xyz"};
  CHECK(mask_stream(secrets, {"pw=hunter2-xyz\n"}) == "pw=***\n");
  const std::string text = "a hunter2-xyz b hunter2-xyz";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    CAPTURE(cut);
    CHECK(mask_stream(secrets, {text.substr(0, cut), text.substr(cut)}) == "a *** b ***");
  }
  std::vector<std::string> bytes;
  for (char c : text) bytes.emplace_back(1, c);
  CHECK(mask_stream(secrets, bytes) == "a *** b ***");
}

TEST_CASE("a held-back prefix that turns out not to be a secret is written unchanged") {
  const std::vector<std::string> secrets = {"hunter2-xyz"};
  SecretMasker masker(secrets);
  CHECK(masker.feed("say hunt") == "say ");  // "hunt" may start the secret
  CHECK(masker.feed("ing\n") == "hunting\n");
  CHECK(masker.feed("hunter") == "");
  CHECK(masker.finish() == "hunter");
}

TEST_CASE("the longest secret wins where secrets overlap, and every one is hidden") {
  const std::vector<std::string> secrets = {"abcdef", "cd", "zz"};
  CHECK(mask_stream(secrets, {"xabcdefx cd zz"}) == "x***x *** ***");
  CHECK(mask_stream(secrets, {"xabc", "dx"}) == "xab***x");
  CHECK(contains_secret("--zz--", secrets));
  CHECK_FALSE(contains_secret("--z--", secrets));
}
