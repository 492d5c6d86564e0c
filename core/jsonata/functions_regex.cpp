#include <cmath>

#include "core/jsonata/builtins.hpp"
#include "core/jsonata/errors.hpp"
#include "core/jsonata/evaluator.hpp"
#include "core/jsonata/sequence_ops.hpp"
#include "core/jsonata/utf8.hpp"

// $contains, $split, $replace and $match, with a string or a regular expression. Regexes are
// PCRE2 compiled as close to JavaScript as it allows (core/util/regex.hpp): `.` matches a
// code point, lookbehind and named groups work; only the `i` and `m` flags exist, as in
// jsonata-js. A match that runs into PCRE2's backtracking limits is error U1002.

namespace flowrun::jsonata {
namespace {

[[noreturn]] void throw_match_error(const RegexLiteral& regex, const RegexMatchError& error,
                                    std::size_t position) {
  throw_error("U1002", position,
              {.value = "/" + regex.pattern + "/" + regex.flags + ": " + error.what()});
}

std::optional<RegexMatch> search(const RegexLiteral& regex, const std::string& subject,
                                 std::size_t position) {
  try {
    return regex.compiled.search(subject);
  } catch (const RegexMatchError& error) {
    throw_match_error(regex, error, position);
  }
}

// Up to `limit` matches as jsonata-js iterates them: each search starts where the previous
// match ended and none starts at the end of the string; an empty match after the first would
// never progress and is D1004 (also when it is the one past the limit, as in jsonata-js).
std::vector<RegexMatch> find_matches(const RegexLiteral& regex, const std::string& subject,
                                     std::size_t position, std::size_t limit) {
  std::vector<RegexMatch> matches;
  if (limit == 0) return matches;
  try {
    RegexSearch search(regex.compiled, subject);
    std::optional<RegexMatch> match = search.next(0);
    while (match && matches.size() < limit) {
      std::size_t end = match->end;
      matches.push_back(std::move(*match));
      match.reset();
      if (end < subject.size()) match = search.next(end);
      if (match && match->text.empty()) throw_error("D1004", position);
    }
  } catch (const RegexMatchError& error) {
    throw_match_error(regex, error, position);
  }
  return matches;
}

bool is_regex(const Value& value) {
  return value.is_function() && value.function().kind == Function::Kind::Regex;
}

double optional_limit(const Call& call, std::size_t index, std::string_view code) {
  const Value& limit = call.arg(index);
  if (limit.is_undefined()) return -1;
  if (limit.as_number() < 0) call.fail(code, limit.data());
  return std::floor(limit.as_number());
}

Value fn_contains(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  const std::string& str = call.arg(0).as_string();
  const Value& token = call.arg(1);
  if (is_regex(token))
    return Value::boolean(search(*token.function().regex, str, call.position).has_value());
  return Value::boolean(str.find(token.as_string()) != std::string::npos);
}

Value fn_split(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  const std::string& str = call.arg(0).as_string();
  double limit = optional_limit(call, 2, "D3020");
  std::vector<Value> parts;
  auto add = [&](std::string part) {
    if (limit < 0 || static_cast<double>(parts.size()) < limit) {
      parts.push_back(Value::string(std::move(part)));
    }
  };
  const Value& separator = call.arg(1);
  if (is_regex(separator)) {
    std::size_t max = limit < 0 ? std::string::npos : static_cast<std::size_t>(limit);
    std::vector<RegexMatch> matches =
        find_matches(*separator.function().regex, str, call.position, max);
    std::size_t at = 0;
    for (const RegexMatch& match : matches) {
      add(str.substr(at, match.start - at));
      at = match.end;
    }
    add(str.substr(at));
  } else if (separator.as_string().empty()) {
    for (std::uint32_t c : decode_utf8(str)) {
      std::string one;
      append_utf8(one, c);
      add(std::move(one));
    }
  } else {
    const std::string& sep = separator.as_string();
    std::size_t at = 0;
    for (std::size_t found; (found = str.find(sep, at)) != std::string::npos;
         at = found + sep.size()) {
      add(str.substr(at, found - at));
    }
    add(str.substr(at));
  }
  return make_array_value(std::move(parts));
}

// `$0` the match, `$n` the longest group number that exists, `$$` a dollar sign.
std::string expand_replacement(const std::string& replacement, const RegexMatch& match) {
  std::string out;
  for (std::size_t i = 0; i < replacement.size(); ++i) {
    char c = replacement[i];
    if (c != '$' || i + 1 >= replacement.size()) {
      out += c;
      continue;
    }
    char next = replacement[i + 1];
    if (next == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(next))) {
      out += c;
      continue;
    }
    std::size_t digits = i + 1;
    while (digits < replacement.size() &&
           std::isdigit(static_cast<unsigned char>(replacement[digits]))) {
      ++digits;
    }
    std::string number = replacement.substr(i + 1, digits - i - 1);
    // Shorten the number until it names a group; `$10` with one group is `$1` then "0".
    while (number.size() > 1 && std::stoul(number) > match.groups.size()) number.pop_back();
    std::size_t group = std::stoul(number);
    if (group == 0) {
      out += match.text;
    } else if (group <= match.groups.size()) {
      out += match.groups[group - 1].value_or("");
    }
    i += number.size();
  }
  return out;
}

// jsonata-js's offsets are JavaScript string indexes: UTF-16 units, two for a character
// beyond U+FFFF. Matches come in order, so each count carries on from the previous one.
class Utf16Offsets {
 public:
  explicit Utf16Offsets(const std::string& text) : text_(text) {}

  std::int64_t at(std::size_t byte) {
    if (byte < byte_) byte_ = units_ = 0;
    for (; byte_ < byte && byte_ < text_.size(); ++byte_) {
      auto c = static_cast<unsigned char>(text_[byte_]);
      if ((c & 0xC0) != 0x80) units_ += c >= 0xF0 ? 2 : 1;
    }
    return static_cast<std::int64_t>(units_);
  }

 private:
  const std::string& text_;
  std::size_t byte_ = 0;
  std::size_t units_ = 0;
};

Value match_object(const RegexMatch& match, Utf16Offsets& offsets, bool with_end) {
  json object = json::object();
  object["match"] = match.text;
  if (with_end) {
    object["start"] = offsets.at(match.start);
    object["end"] = offsets.at(match.end);
  } else {
    object["index"] = offsets.at(match.start);
  }
  // A group that took no part is undefined in JavaScript: null in JSON.
  json groups = json::array();
  for (const std::optional<std::string>& group : match.groups) {
    groups.push_back(group ? json(*group) : json());
  }
  object["groups"] = std::move(groups);
  return Value::own(std::move(object));
}

Value fn_replace(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  const std::string& str = call.arg(0).as_string();
  const Value& pattern = call.arg(1);
  const Value& replacement = call.arg(2);
  if (pattern.is_string() && pattern.as_string().empty()) call.fail("D3010");
  double limit = optional_limit(call, 3, "D3011");
  std::size_t max = limit < 0 ? std::string::npos : static_cast<std::size_t>(limit);
  std::vector<RegexMatch> matches;
  if (is_regex(pattern)) {
    matches = find_matches(*pattern.function().regex, str, call.position, max);
  } else {
    const std::string& needle = pattern.as_string();
    for (std::size_t at = str.find(needle); at != std::string::npos && matches.size() < max;
         at = str.find(needle, at + needle.size())) {
      matches.push_back({at, at + needle.size(), needle, {}});
    }
  }
  std::string out;
  std::size_t at = 0;
  Utf16Offsets offsets(str);
  for (const RegexMatch& match : matches) {
    out.append(str, at, match.start - at);
    if (replacement.is_string()) {
      out += is_regex(pattern) ? expand_replacement(replacement.as_string(), match)
                               : replacement.as_string();
    } else {
      Value replaced = call.evaluator.apply(replacement, {match_object(match, offsets, false)},
                                            Value(), call.position);
      if (!replaced.is_string()) call.fail("D3012", to_json_or_null(replaced));
      out += replaced.as_string();
    }
    at = match.end;
  }
  out += str.substr(at);
  return Value::string(std::move(out));
}

Value fn_match(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  const std::string& str = call.arg(0).as_string();
  double limit = optional_limit(call, 2, "D3040");
  std::size_t max = limit < 0 ? std::string::npos : static_cast<std::size_t>(limit);
  std::vector<RegexMatch> matches =
      find_matches(*call.arg(1).function().regex, str, call.position, max);
  std::vector<Value> results;
  Utf16Offsets offsets(str);
  for (const RegexMatch& match : matches) results.push_back(match_object(match, offsets, false));
  return make_sequence_value(std::move(results));
}

}  // namespace

Value call_regex(const RegexLiteral& regex, const Value& subject, std::size_t position) {
  if (!subject.is_string()) return Value();
  std::optional<RegexMatch> match = search(regex, subject.as_string(), position);
  if (!match) return Value();
  Utf16Offsets offsets(subject.as_string());
  return match_object(*match, offsets, true);
}

void add_regex_functions(BuiltinTable& table) {
  table.add("contains", "<s-(sf):b>", fn_contains);
  table.add("split", "<s-(sf)n?:a<s>>", fn_split);
  table.add("replace", "<s-(sf)(sf)n?:s>", fn_replace);
  table.add("match", "<s-f<s:o>n?:a<o>>", fn_match);
}

}  // namespace flowrun::jsonata
