#pragma once

#include <string>
#include <string_view>
#include <vector>

// Function signatures as JSONata writes them (`<s-nn?:s>`): one type symbol per parameter,
// `?` optional, `+` one or more, `-` "use the context value when the argument is missing",
// `a<s>` an array of strings, `(sn)` a choice. Arguments are matched against them as
// jsonata-js does, with a regular-expression-like match over one symbol per argument.

namespace flowrun::jsonata {

struct SignatureParam {
  char type = 'x';         // s n b l o a f j x, or '(' for a choice
  std::string symbols;     // the argument symbols it accepts (m = missing, i.e. undefined)
  char quantifier = '\0';  // '?', '+', or none
  bool use_context = false;
  std::string subtype;  // the item type of `a<...>` (or the signature of `f<...>`)
};

struct Signature {
  std::string text;
  std::vector<SignatureParam> params;
};

/// Parses `text`; throws Error S0401/S0402 with `position` + the offset of the fault.
Signature parse_signature(std::string_view text, std::size_t position = 0);

/// The parameter each argument belongs to, or an empty optional-like result: `counts[i]` is
/// the number of arguments that parameter i takes (0 or more). Returns false when the
/// symbols do not match; `good_to` is then the number of arguments that did.
bool match_signature(const Signature& signature, std::string_view symbols,
                     std::vector<std::size_t>& counts, std::size_t& good_to);

}  // namespace flowrun::jsonata
