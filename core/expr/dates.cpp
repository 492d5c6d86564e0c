#include "core/expr/dates.hpp"

#include <algorithm>
#include <ctime>
#include <vector>

namespace flowrun::expr {
namespace {

bool read_int(std::string_view text, std::size_t& i, int digits, int& out) {
  if (i + static_cast<std::size_t>(digits) > text.size()) return false;
  out = 0;
  for (int k = 0; k < digits; ++k) {
    char c = text[i + static_cast<std::size_t>(k)];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  i += static_cast<std::size_t>(digits);
  return true;
}

bool expect(std::string_view text, std::size_t& i, char c) {
  if (i >= text.size() || text[i] != c) return false;
  ++i;
  return true;
}

int days_in_month(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::tm to_tm(std::int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

std::int64_t from_tm(std::tm tm) { return static_cast<std::int64_t>(timegm(&tm)); }

// Reads the time part after the date: HH:MM[:SS[.fff]] and an optional zone.
bool read_time(std::string_view text, std::size_t& i, std::tm& tm, int& offset_seconds) {
  if (!read_int(text, i, 2, tm.tm_hour) || !expect(text, i, ':') ||
      !read_int(text, i, 2, tm.tm_min)) {
    return false;
  }
  if (i < text.size() && text[i] == ':') {
    ++i;
    if (!read_int(text, i, 2, tm.tm_sec)) return false;
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    }
  }
  if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) {
    ++i;
  } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    int sign = text[i++] == '-' ? -1 : 1;
    int hours = 0, minutes = 0;
    if (!read_int(text, i, 2, hours)) return false;
    expect(text, i, ':');
    if (!read_int(text, i, 2, minutes)) return false;
    offset_seconds = sign * (hours * 3600 + minutes * 60);
  }
  return tm.tm_hour < 24 && tm.tm_min < 60 && tm.tm_sec <= 60;
}

}  // namespace

std::optional<DateValue> parse_date(std::string_view text) {
  std::tm tm{};
  std::size_t i = 0;
  int year = 0, month = 0, day = 0;
  if (!read_int(text, i, 4, year) || !expect(text, i, '-') || !read_int(text, i, 2, month) ||
      !expect(text, i, '-') || !read_int(text, i, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  DateValue date;
  int offset_seconds = 0;
  if (i == text.size()) {
    date.date_only = true;
  } else {
    if (text[i] != 'T' && text[i] != 't' && text[i] != ' ') return std::nullopt;
    ++i;
    if (!read_time(text, i, tm, offset_seconds) || i != text.size()) return std::nullopt;
  }
  date.seconds = from_tm(tm) - offset_seconds;
  return date;
}

std::string format_iso(const DateValue& date) {
  return format_date(date, date.date_only ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ");
}

std::optional<DateValue> add_to_date(DateValue date, std::string_view delta, std::string& error) {
  std::string_view text = delta;
  int sign = 1;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    sign = text[0] == '-' ? -1 : 1;
    text.remove_prefix(1);
  }
  auto bad = [&] {
    error = "'" + std::string(delta) +
            "' is not a date offset such as '-1d', '2w', '1mo', '-1y', '12h', '30m' or '10s'";
    return std::nullopt;
  };
  if (text.empty()) return bad();
  while (!text.empty()) {
    std::int64_t amount = 0;
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9' && digits < 9) {
      amount = amount * 10 + (text[digits] - '0');
      ++digits;
    }
    if (digits == 0) return bad();
    text.remove_prefix(digits);
    amount *= sign;
    std::size_t unit_length = text.rfind("mo", 0) == 0 ? 2 : 1;
    std::string_view unit = text.substr(0, unit_length);
    if (unit.empty()) return bad();
    text.remove_prefix(unit.size());
    if (unit == "mo" || unit == "y") {
      std::tm tm = to_tm(date.seconds);
      std::int64_t months = tm.tm_year * 12LL + tm.tm_mon + (unit == "y" ? amount * 12 : amount);
      int year = static_cast<int>(months / 12), month = static_cast<int>(months % 12);
      if (month < 0) month += 12, --year;
      tm.tm_year = year;
      tm.tm_mon = month;
      tm.tm_mday = std::min(tm.tm_mday, days_in_month(year + 1900, month + 1));
      date.seconds = from_tm(tm);
      continue;
    }
    std::int64_t scale = unit == "w"   ? 604800
                         : unit == "d" ? 86400
                         : unit == "h" ? 3600
                         : unit == "m" ? 60
                         : unit == "s" ? 1
                                       : 0;
    if (scale == 0) return bad();
    date.seconds += amount * scale;
  }
  if (date.date_only && date.seconds % 86400 != 0) date.date_only = false;
  return date;
}

std::string format_date(const DateValue& date, std::string_view format) {
  std::tm tm = to_tm(date.seconds);
  std::string pattern(format);
  if (pattern.empty()) return {};
  std::vector<char> buffer(pattern.size() * 8 + 64);
  for (int tries = 0; tries < 6; ++tries) {
    std::size_t n = std::strftime(buffer.data(), buffer.size(), pattern.c_str(), &tm);
    if (n > 0) return std::string(buffer.data(), n);
    buffer.resize(buffer.size() * 4);
  }
  return {};
}

std::string format_today(std::int64_t epoch_ms) {
  return format_date(DateValue{epoch_ms / 1000, true}, "%Y-%m-%d");
}

std::string format_now(std::int64_t epoch_ms) {
  return format_date(DateValue{epoch_ms / 1000, false}, "%Y-%m-%dT%H:%M:%SZ");
}

}  // namespace flowrun::expr
