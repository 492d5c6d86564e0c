#include "core/jsonata/integer_words.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/jsonata/errors.hpp"

namespace flowrun::jsonata {
namespace {

constexpr const char* kFew[] = {"Zero",    "One",     "Two",       "Three",    "Four",
                                "Five",    "Six",     "Seven",     "Eight",    "Nine",
                                "Ten",     "Eleven",  "Twelve",    "Thirteen", "Fourteen",
                                "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"};
constexpr const char* kOrdinals[] = {
    "Zeroth",     "First",     "Second",    "Third",       "Fourth",     "Fifth",     "Sixth",
    "Seventh",    "Eighth",    "Ninth",     "Tenth",       "Eleventh",   "Twelfth",   "Thirteenth",
    "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"};
constexpr const char* kDecades[] = {"Twenty", "Thirty",  "Forty",  "Fifty",
                                    "Sixty",  "Seventy", "Eighty", "Ninety"};
constexpr const char* kMagnitudes[] = {"Thousand", "Million", "Billion", "Trillion"};

// jsonata-js's numberToWords.
std::string words_of(double number, bool previous, bool ordinal) {
  std::string words;
  if (number <= 19) {
    auto n = static_cast<int>(number);
    return (previous ? " and " : "") + std::string(ordinal ? kOrdinals[n] : kFew[n]);
  }
  if (number < 100) {
    int tens = static_cast<int>(number / 10);
    int rest = static_cast<int>(std::fmod(number, 10));
    words = (previous ? " and " : "") + std::string(kDecades[tens - 2]);
    if (rest > 0) {
      words += "-" + words_of(rest, false, ordinal);
    } else if (ordinal) {
      words = words.substr(0, words.size() - 1) + "ieth";
    }
    return words;
  }
  if (number < 1000) {
    int hundreds = static_cast<int>(number / 100);
    double rest = std::fmod(number, 100);
    words = (previous ? ", " : "") + std::string(kFew[hundreds]) + " Hundred";
    if (rest > 0) {
      words += words_of(rest, true, ordinal);
    } else if (ordinal) {
      words += "th";
    }
    return words;
  }
  int magnitude = static_cast<int>(std::floor(std::log10(number) / 3));
  if (magnitude > 4) magnitude = 4;
  double factor = std::pow(10, magnitude * 3);
  double mantissa = std::floor(number / factor);
  double rest = number - mantissa * factor;
  words =
      (previous ? ", " : "") + words_of(mantissa, false, false) + " " + kMagnitudes[magnitude - 1];
  if (rest > 0) {
    words += words_of(rest, true, ordinal);
  } else if (ordinal) {
    words += "th";
  }
  return words;
}

std::string roman_of(long long n, bool upper) {
  static const std::pair<int, const char*> kNumerals[] = {
      {1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
      {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
  std::string out;
  for (auto [value, numeral] : kNumerals) {
    while (n >= value) {
      out += numeral;
      n -= value;
    }
  }
  if (upper) {
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string letters_of(long long n, char base) {
  std::string out;
  while (n > 0) {
    --n;
    out.insert(out.begin(), static_cast<char>(base + n % 26));
    n /= 26;
  }
  return out;
}

struct IntegerPicture {
  std::string primary;
  bool ordinal = false;
};

IntegerPicture split_picture(const std::string& picture) {
  IntegerPicture result;
  std::size_t semicolon = picture.rfind(';');
  result.primary = picture.substr(0, semicolon);
  if (semicolon != std::string::npos) {
    result.ordinal = picture.find('o', semicolon) != std::string::npos;
  }
  return result;
}

bool is_decimal_pattern(const std::string& primary) {
  bool has_digit = false;
  for (char c : primary) {
    if (c >= '0' && c <= '9') {
      has_digit = true;
    } else if (c != '#' && c != ',' && c != '.' && c != ' ') {
      return false;
    }
  }
  return has_digit;
}

std::string format_decimal(long long n, const std::string& primary) {
  std::size_t width = 0;
  for (char c : primary) width += c >= '0' && c <= '9' ? 1 : 0;
  std::string digits = std::to_string(n < 0 ? -n : n);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  // Grouping separators at the picture's positions, counted from the right, repeated when
  // regular (`#,##0` groups by three all along).
  std::vector<std::pair<std::size_t, char>> separators;
  std::size_t from_right = 0;
  for (auto it = primary.rbegin(); it != primary.rend(); ++it) {
    if (*it == '#' || (*it >= '0' && *it <= '9')) {
      ++from_right;
    } else {
      separators.emplace_back(from_right, *it);
    }
  }
  std::map<std::size_t, char> positions(separators.begin(), separators.end());
  if (!separators.empty()) {
    std::size_t interval = separators[0].first;
    bool regular = interval > 0;
    for (std::size_t i = 0; i < separators.size(); ++i) {
      regular = regular && separators[i].first == interval * (i + 1);
    }
    if (regular) {
      for (std::size_t at = interval; at < digits.size(); at += interval) {
        positions[at] = separators[0].second;
      }
    }
  }
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    auto separator = positions.find(i);
    if (i > 0 && separator != positions.end()) out += separator->second;
    out += digits[digits.size() - 1 - i];
  }
  std::reverse(out.begin(), out.end());
  return n < 0 ? "-" + out : out;
}

Value fn_format_integer(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  double value = std::floor(call.arg(0).as_number());
  IntegerPicture picture = split_picture(call.arg(1).as_string());
  const std::string& primary = picture.primary;
  auto n = static_cast<long long>(value);
  std::string text;
  if (is_words_picture(primary)) {
    text = format_words(value, picture.ordinal, primary);
  } else if (primary == "I" || primary == "i") {
    text = roman_of(n, primary == "I");
  } else if (primary == "A" || primary == "a") {
    text = letters_of(n, primary[0]);
  } else if (is_decimal_pattern(primary)) {
    text = format_decimal(n, primary);
    if (picture.ordinal) text += ordinal_suffix(n < 0 ? -n : n);
  } else {
    call.fail("D3130", primary);
  }
  return Value::string(std::move(text));
}

long long parse_words(const std::string& text) {
  static const std::map<std::string, long long> kValues = [] {
    std::map<std::string, long long> values;
    auto lower = [](std::string word) {
      for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return word;
    };
    for (int i = 0; i < 20; ++i) {
      values[lower(kFew[i])] = i;
      values[lower(kOrdinals[i])] = i;
    }
    for (int i = 0; i < 8; ++i) {
      std::string decade = lower(kDecades[i]);
      values[decade] = (i + 2) * 10;
      values[decade.substr(0, decade.size() - 1) + "ieth"] = (i + 2) * 10;
    }
    values["hundred"] = 100;
    values["hundredth"] = 100;
    long long magnitude = 1000;
    for (const char* name : kMagnitudes) {
      values[lower(name)] = magnitude;
      values[lower(name) + "th"] = magnitude;
      magnitude *= 1000;
    }
    return values;
  }();
  long long total = 0;
  long long current = 0;
  std::string word;
  auto flush = [&]() {
    if (word.empty() || word == "and") {
      word.clear();
      return;
    }
    auto found = kValues.find(word);
    word.clear();
    if (found == kValues.end()) return;
    long long v = found->second;
    if (v == 100) {
      current = (current == 0 ? 1 : current) * 100;
    } else if (v >= 1000) {
      total += (current == 0 ? 1 : current) * v;
      current = 0;
    } else {
      current += v;
    }
  };
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      flush();
    }
  }
  flush();
  return total + current;
}

long long parse_roman(const std::string& text) {
  static const std::map<char, int> kDigits = {{'i', 1},   {'v', 5},   {'x', 10},  {'l', 50},
                                              {'c', 100}, {'d', 500}, {'m', 1000}};
  long long total = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto value = kDigits.find(static_cast<char>(std::tolower(static_cast<unsigned char>(text[i]))));
    if (value == kDigits.end()) return 0;
    auto next =
        i + 1 < text.size()
            ? kDigits.find(static_cast<char>(std::tolower(static_cast<unsigned char>(text[i + 1]))))
            : kDigits.end();
    total += next != kDigits.end() && next->second > value->second ? -value->second : value->second;
  }
  return total;
}

Value fn_parse_integer(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  const std::string& text = call.arg(0).as_string();
  IntegerPicture picture = split_picture(call.arg(1).as_string());
  const std::string& primary = picture.primary;
  long long value = 0;
  if (is_words_picture(primary)) {
    value = parse_words(text);
  } else if (primary == "I" || primary == "i") {
    value = parse_roman(text);
  } else if (primary == "A" || primary == "a") {
    for (char c : text) {
      value = value * 26 + (std::tolower(static_cast<unsigned char>(c)) - 'a' + 1);
    }
  } else if (is_decimal_pattern(primary)) {
    bool negative = !text.empty() && text[0] == '-';
    for (char c : text) {
      if (c >= '0' && c <= '9') value = value * 10 + (c - '0');
    }
    if (negative) value = -value;
  } else {
    call.fail("D3130", primary);
  }
  return Value::number(static_cast<double>(value));
}

}  // namespace

bool is_words_picture(const std::string& primary) {
  return primary == "w" || primary == "W" || primary == "Ww";
}

std::string format_words(double value, bool ordinal, const std::string& primary) {
  std::string text = words_of(std::fabs(value), false, ordinal);
  if (primary == "w") {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  } else if (primary == "W") {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  } else {
    // "Two Thousand, Seven Hundred and Eighty-Nine": "and" stays lower case.
    std::size_t at = 0;
    while ((at = text.find(" And ", at)) != std::string::npos) text.replace(at, 5, " and ");
  }
  return value < 0 ? "-" + text : text;
}

std::string ordinal_suffix(long long n) {
  long long tens = n % 100;
  if (tens >= 11 && tens <= 13) return "th";
  switch (n % 10) {
    case 1:
      return "st";
    case 2:
      return "nd";
    case 3:
      return "rd";
    default:
      return "th";
  }
}

void add_integer_format_functions(BuiltinTable& table) {
  table.add("formatInteger", "<n-s:s>", fn_format_integer);
  table.add("parseInteger", "<s-s:n>", fn_parse_integer);
}

}  // namespace flowrun::jsonata
