#include "core/jsonata/signature.hpp"

#include "core/jsonata/errors.hpp"

namespace flowrun::jsonata {
namespace {

std::size_t find_closing(std::string_view text, std::size_t start, char open, char close) {
  int depth = 1;
  std::size_t at = start;
  while (++at < text.size()) {
    if (text[at] == close && --depth == 0) break;
    if (text[at] == open) ++depth;
  }
  return at;
}

bool accepts(const SignatureParam& param, char symbol) {
  return param.symbols.find(symbol) != std::string::npos;
}

// Greedy with backtracking, as the regular expression ^(p1)(p2)...$ would match.
bool match_from(const Signature& signature, std::string_view symbols, std::size_t param,
                std::size_t at, std::vector<std::size_t>& counts, std::size_t& best) {
  if (at > best) best = at;
  if (param == signature.params.size()) return at == symbols.size();
  const SignatureParam& p = signature.params[param];
  std::size_t max = 0;
  while (at + max < symbols.size() && accepts(p, symbols[at + max])) ++max;
  std::size_t min = 1;
  if (p.quantifier == '?' || p.use_context) min = 0;
  if (p.quantifier != '+' && max > 1) max = 1;
  for (std::size_t n = max + 1; n-- > min;) {
    counts[param] = n;
    if (match_from(signature, symbols, param + 1, at + n, counts, best)) return true;
  }
  return false;
}

}  // namespace

Signature parse_signature(std::string_view text, std::size_t position) {
  Signature signature;
  signature.text = std::string(text);
  std::size_t at = text.empty() || text[0] != '<' ? 0 : 1;
  for (; at < text.size(); ++at) {
    char symbol = text[at];
    if (symbol == ':' || symbol == '>') break;
    SignatureParam param;
    switch (symbol) {
      case 's':
      case 'n':
      case 'b':
      case 'l':
      case 'o':
        param.type = symbol;
        param.symbols = std::string(1, symbol) + "m";
        signature.params.push_back(param);
        break;
      case 'a':
        param.type = 'a';
        param.symbols = "asnblfom";
        signature.params.push_back(param);
        break;
      case 'f':
        param.type = 'f';
        param.symbols = "f";
        signature.params.push_back(param);
        break;
      case 'j':
        param.type = 'j';
        param.symbols = "asnblom";
        signature.params.push_back(param);
        break;
      case 'x':
        param.type = 'x';
        param.symbols = "asnblfom";
        signature.params.push_back(param);
        break;
      case '-':
        if (!signature.params.empty()) signature.params.back().use_context = true;
        break;
      case '?':
      case '+':
        if (!signature.params.empty()) signature.params.back().quantifier = symbol;
        break;
      case '(': {
        std::size_t end = find_closing(text, at, '(', ')');
        std::string choice(text.substr(at + 1, end - at - 1));
        if (choice.find('<') != std::string::npos) {
          throw_error("S0402", position + at, {.value = choice});
        }
        param.type = '(';
        param.symbols = choice + "m";
        signature.params.push_back(param);
        at = end;
        break;
      }
      case '<': {
        if (signature.params.empty() ||
            (signature.params.back().type != 'a' && signature.params.back().type != 'f')) {
          throw_error("S0401", position + at,
                      {.value = signature.params.empty() ? nlohmann::json()
                                                         : nlohmann::json(std::string(
                                                               1, signature.params.back().type))});
        }
        std::size_t end = find_closing(text, at, '<', '>');
        signature.params.back().subtype = std::string(text.substr(at + 1, end - at - 1));
        at = end;
        break;
      }
      default:
        break;
    }
  }
  return signature;
}

bool match_signature(const Signature& signature, std::string_view symbols,
                     std::vector<std::size_t>& counts, std::size_t& good_to) {
  counts.assign(signature.params.size(), 0);
  std::size_t best = 0;
  bool matched = match_from(signature, symbols, 0, 0, counts, best);
  good_to = best;
  return matched;
}

}  // namespace flowrun::jsonata
