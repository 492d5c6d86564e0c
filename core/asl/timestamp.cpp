#include "core/asl/timestamp.hpp"

namespace flowrun::asl {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}
  bool digits(std::size_t count, int& out) {
    if (pos_ + count > text_.size()) return false;
    out = 0;
    for (std::size_t i = 0; i < count; ++i) {
      char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    pos_ += count;
    return true;
  }
  bool eat(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool at_end() const { return pos_ == text_.size(); }
  void skip() { ++pos_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  Reader in(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!in.digits(4, year) || !in.eat('-') || !in.digits(2, month) || !in.eat('-') ||
      !in.digits(2, day) || !in.eat('T') || !in.digits(2, hour) || !in.eat(':') ||
      !in.digits(2, minute) || !in.eat(':') || !in.digits(2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::int64_t nanos = 0;
  if (in.eat('.')) {
    int count = 0;
    while (in.peek() >= '0' && in.peek() <= '9') {
      if (count < 9) nanos = nanos * 10 + (in.peek() - '0');
      ++count;
      in.skip();
    }
    if (count == 0) return std::nullopt;
    for (int i = count; i < 9; ++i) nanos *= 10;
  }
  int offset_minutes = 0;
  if (!in.eat('Z')) {
    char sign = in.peek();
    if (sign != '+' && sign != '-') return std::nullopt;
    in.skip();
    int offset_hour = 0, offset_minute = 0;
    if (!in.digits(2, offset_hour) || !in.eat(':') || !in.digits(2, offset_minute) ||
        offset_hour > 23 || offset_minute > 59) {
      return std::nullopt;
    }
    offset_minutes = (offset_hour * 60 + offset_minute) * (sign == '-' ? -1 : 1);
  }
  if (!in.at_end()) return std::nullopt;
  // A leap second compares like the first second of the next minute.
  std::int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                         second - offset_minutes * 60;
  return Timestamp{seconds, nanos};
}

}  // namespace flowrun::asl
