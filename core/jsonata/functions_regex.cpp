#include <cmath>

#include "core/jsonata/builtins.hpp"
#include "core/jsonata/errors.hpp"
#include "core/jsonata/evaluator.hpp"
#include "core/jsonata/sequence_ops.hpp"
#include "core/jsonata/utf8.hpp"

// $contains, $split, $replace and $match, with a string or a regular expression. Regexes are
// std::regex ECMAScript over UTF-8 bytes: `.` matches one byte of a multi-byte character, and
// lookbehind, named groups and the `s`/`u` flags are not available.

namespace flowrun::jsonata {
namespace {

struct RegexMatch {
  std::size_t start = 0;  // bytes
  std::size_t end = 0;
  std::string text;
  std::vector<std::string> groups;
  std::vector<bool> matched;  // per group: false when it took no part in the match
};

std::vector<RegexMatch> find_matches(const RegexLiteral& regex, const std::string& subject,
                                     std::size_t limit = std::string::npos) {
  std::vector<RegexMatch> matches;
  auto begin = std::sregex_iterator(subject.begin(), subject.end(), regex.compiled);
  for (auto it = begin; it != std::sregex_iterator() && matches.size() < limit; ++it) {
    const std::smatch& m = *it;
    RegexMatch match;
    match.start = static_cast<std::size_t>(m.position(0));
    match.end = match.start + static_cast<std::size_t>(m.length(0));
    match.text = m.str(0);
    for (std::size_t g = 1; g < m.size(); ++g) {
      match.groups.push_back(m.str(g));
      match.matched.push_back(m[g].matched);
    }
    matches.push_back(std::move(match));
  }
  return matches;
}

void reject_empty_match(const Call& call, const std::vector<RegexMatch>& matches) {
  for (const RegexMatch& match : matches) {
    if (match.text.empty()) call.fail("D1004");
  }
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
    return Value::boolean(!find_matches(*token.function().regex, str, 1).empty());
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
    std::vector<RegexMatch> matches = find_matches(*separator.function().regex, str);
    reject_empty_match(call, matches);
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
      out += match.groups[group - 1];
    }
    i += number.size();
  }
  return out;
}

Value match_object(const RegexMatch& match, const std::string& subject, bool with_end) {
  json object = json::object();
  object["match"] = match.text;
  auto start = static_cast<std::int64_t>(
      count_code_points(std::string_view(subject).substr(0, match.start)));
  if (with_end) {
    object["start"] = start;
    object["end"] = start + static_cast<std::int64_t>(count_code_points(match.text));
  } else {
    object["index"] = start;
  }
  // A group that took no part is undefined in JavaScript: null in JSON.
  json groups = json::array();
  for (std::size_t g = 0; g < match.groups.size(); ++g) {
    groups.push_back(g < match.matched.size() && !match.matched[g] ? json()
                                                                   : json(match.groups[g]));
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
    matches = find_matches(*pattern.function().regex, str, max);
    reject_empty_match(call, matches);
  } else {
    const std::string& needle = pattern.as_string();
    for (std::size_t at = str.find(needle); at != std::string::npos && matches.size() < max;
         at = str.find(needle, at + needle.size())) {
      matches.push_back({at, at + needle.size(), needle, {}, {}});
    }
  }
  std::string out;
  std::size_t at = 0;
  for (const RegexMatch& match : matches) {
    out += str.substr(at, match.start - at);
    if (replacement.is_string()) {
      out += is_regex(pattern) ? expand_replacement(replacement.as_string(), match)
                               : replacement.as_string();
    } else {
      Value replaced = call.evaluator.apply(replacement, {match_object(match, str, false)}, Value(),
                                            call.position);
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
  std::vector<RegexMatch> matches = find_matches(*call.arg(1).function().regex, str, max);
  reject_empty_match(call, matches);
  std::vector<Value> results;
  for (const RegexMatch& match : matches) results.push_back(match_object(match, str, false));
  return make_sequence_value(std::move(results));
}

}  // namespace

Value call_regex(const RegexLiteral& regex, const Value& subject) {
  if (!subject.is_string()) return Value();
  std::vector<RegexMatch> matches = find_matches(regex, subject.as_string(), 1);
  if (matches.empty()) return Value();
  return match_object(matches[0], subject.as_string(), true);
}

void add_regex_functions(BuiltinTable& table) {
  table.add("contains", "<s-(sf):b>", fn_contains);
  table.add("split", "<s-(sf)n?:a<s>>", fn_split);
  table.add("replace", "<s-(sf)(sf)n?:s>", fn_replace);
  table.add("match", "<s-f<s:o>n?:a<o>>", fn_match);
}

}  // namespace flowrun::jsonata
