#include "core/jsonata/date_picture.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <vector>

#include "core/jsonata/errors.hpp"
#include "core/jsonata/integer_words.hpp"
#include "core/util/regex.hpp"

namespace flowrun::jsonata {
namespace {

using namespace std::chrono;

constexpr std::array<const char*, 12> kMonths = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};
constexpr std::array<const char*, 7> kDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                              "Thursday", "Friday", "Saturday"};

struct Marker {
  char component = 0;
  std::string presentation;  // "0001", "1", "N", "Nn", "n", ...
  bool ordinal = false;
  bool zulu = false;  // `t` on Z: "Z" for a zero offset
  int max_width = -1;
};

// Splits a picture into literal text and [component] markers.
std::vector<std::pair<std::string, std::optional<Marker>>> split_picture(const std::string& picture,
                                                                         std::size_t position) {
  std::vector<std::pair<std::string, std::optional<Marker>>> parts;
  std::string literal;
  for (std::size_t i = 0; i < picture.size(); ++i) {
    char c = picture[i];
    if ((c == '[' || c == ']') && i + 1 < picture.size() && picture[i + 1] == c) {
      literal += c;
      ++i;
      continue;
    }
    if (c != '[') {
      literal += c;
      continue;
    }
    std::size_t close = picture.find(']', i);
    if (close == std::string::npos) throw_error("D3135", position);
    std::string body;
    for (char b : picture.substr(i + 1, close - i - 1)) {
      if (!std::isspace(static_cast<unsigned char>(b))) body += b;
    }
    i = close;
    if (body.empty()) continue;
    Marker marker;
    marker.component = body[0];
    std::string rest = body.substr(1);
    std::size_t comma = rest.find(',');
    if (comma != std::string::npos) {
      std::string width = rest.substr(comma + 1);
      rest.resize(comma);
      // `,min-max`, or `,n` for exactly n; `*` is unbounded.
      std::size_t dash = width.find('-');
      std::string max = dash == std::string::npos ? width : width.substr(dash + 1);
      if (!max.empty() && std::isdigit(static_cast<unsigned char>(max[0]))) {
        marker.max_width = std::stoi(max);
      }
    }
    if (!rest.empty() && rest.back() == 't') {
      marker.zulu = true;
      rest.pop_back();
    }
    if (!rest.empty() && rest.back() == 'o') {
      marker.ordinal = true;
      rest.pop_back();
    }
    marker.presentation = rest;
    parts.emplace_back(literal, marker);
    literal.clear();
  }
  parts.emplace_back(literal, std::nullopt);
  return parts;
}

std::string format_number(long long value, const std::string& presentation, bool ordinal) {
  if (is_words_picture(presentation)) {
    return format_words(static_cast<double>(value), ordinal, presentation);
  }
  std::size_t width = 0;
  for (char c : presentation) width += std::isdigit(static_cast<unsigned char>(c)) ? 1 : 0;
  std::string digits = std::to_string(value < 0 ? -value : value);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  if (value < 0) digits.insert(0, "-");
  if (ordinal) digits += ordinal_suffix(value);
  return digits;
}

std::string format_name(std::string name, const Marker& marker) {
  if (marker.max_width > 0 && name.size() > static_cast<std::size_t>(marker.max_width)) {
    name.resize(static_cast<std::size_t>(marker.max_width));
  }
  if (marker.presentation == "N") {
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  } else if (marker.presentation == "n") {
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name;
}

int parse_offset_minutes(const std::string& timezone) {
  if (timezone.size() < 5) return 0;
  int sign = timezone[0] == '-' ? -1 : 1;
  return sign * (std::stoi(timezone.substr(1, 2)) * 60 + std::stoi(timezone.substr(3, 2)));
}

std::string format_offset(int minutes, const Marker& marker) {
  if (minutes == 0 && marker.zulu) return "Z";
  char sign = minutes < 0 ? '-' : '+';
  int magnitude = std::abs(minutes);
  std::string presentation = marker.presentation.empty() ? "01:01" : marker.presentation;
  bool colon = presentation.find(':') != std::string::npos;
  if (presentation.size() <= 2) return fmt::format("{}{:02}", sign, magnitude / 60);
  return fmt::format("{}{:02}{}{:02}", sign, magnitude / 60, colon ? ":" : "", magnitude % 60);
}

}  // namespace

std::string format_date_picture(std::int64_t millis, const std::string& picture,
                                const std::string& timezone, std::size_t position) {
  int offset = parse_offset_minutes(timezone);
  sys_time<milliseconds> time{milliseconds(millis + offset * 60000LL)};
  auto days = floor<std::chrono::days>(time);
  year_month_day date{days};
  hh_mm_ss clock{time - days};
  weekday week_day{days};
  long long hour = clock.hours().count();
  std::string out;
  for (const auto& [literal, marker] : split_picture(picture, position)) {
    out += literal;
    if (!marker) continue;
    const Marker& m = *marker;
    bool named = !m.presentation.empty() && (m.presentation[0] == 'N' || m.presentation[0] == 'n');
    auto number = [&](long long value, const char* fallback) {
      return format_number(value, m.presentation.empty() ? fallback : m.presentation, m.ordinal);
    };
    switch (m.component) {
      case 'Y': {
        long long year_value = static_cast<int>(date.year());
        std::string text = number(year_value, "1");
        // A two-digit presentation shows the last two digits.
        if (m.presentation.size() == 2 || m.max_width == 2) text = text.substr(text.size() - 2);
        out += text;
        break;
      }
      case 'M':
        out += named ? format_name(kMonths[static_cast<unsigned>(date.month()) - 1], m)
                     : number(static_cast<unsigned>(date.month()), "1");
        break;
      case 'D':
        out += number(static_cast<unsigned>(date.day()), "1");
        break;
      case 'd': {
        auto first = sys_days(year_month_day{date.year(), January, day(1)});
        out += number((days - first).count() + 1, "1");
        break;
      }
      case 'F':
        out += named || m.presentation.empty()
                   ? format_name(kDays[week_day.c_encoding()],
                                 m.presentation.empty() ? Marker{'F', "n"} : m)
                   : number(week_day.iso_encoding(), "1");
        break;
      case 'H':
        out += number(hour, "1");
        break;
      case 'h':
        out += number(hour % 12 == 0 ? 12 : hour % 12, "1");
        break;
      case 'P': {
        std::string text = hour < 12 ? "am" : "pm";
        if (m.presentation == "N") text = hour < 12 ? "AM" : "PM";
        out += text;
        break;
      }
      case 'm':
        out += number(clock.minutes().count(), "01");
        break;
      case 's':
        out += number(clock.seconds().count(), "01");
        break;
      case 'f': {
        std::string text = fmt::format("{:03}", clock.subseconds().count());
        std::size_t width = m.presentation.empty() ? 1 : m.presentation.size();
        text = width <= 3 ? text.substr(0, width) : text + std::string(width - 3, '0');
        out += text;
        break;
      }
      case 'Z':
        out += format_offset(offset, m);
        break;
      case 'z':
        out += "GMT" + format_offset(offset, Marker{'Z', "01:01", false, false, -1});
        break;
      default:
        throw_error("D3132", position, {.value = std::string(1, m.component)});
    }
  }
  return out;
}

namespace {

std::optional<RegexMatch> match_picture(const std::string& pattern, const std::string& text,
                                        std::size_t position) {
  try {
    return Regex(pattern).match_whole(text);
  } catch (const RegexSyntaxError&) {
    return std::nullopt;  // only a picture that is not UTF-8 gets here, and no text matches it
  } catch (const RegexMatchError& error) {
    throw_error("U1002", position, {.value = "/" + pattern + "/: " + error.what()});
  }
}

std::optional<std::int64_t> read_components(const std::vector<Marker>& markers,
                                            const RegexMatch& match) {
  int year_value = 1970, month_value = 1, day_value = 1, offset = 0;
  long long hour = 0, minute = 0, second = 0, fraction = 0;
  bool pm = false, has_period = false;
  for (std::size_t i = 0; i < markers.size(); ++i) {
    std::string value = match.groups[i].value_or("");
    bool digits = !value.empty() && std::isdigit(static_cast<unsigned char>(value[0]));
    switch (markers[i].component) {
      case 'Y':
        year_value = std::stoi(value);
        break;
      case 'M':
        if (digits) {
          month_value = std::stoi(value);
        } else {
          for (std::size_t k = 0; k < kMonths.size(); ++k) {
            std::string name = kMonths[k];
            if (strncasecmp(name.c_str(), value.c_str(), value.size()) == 0)
              month_value = static_cast<int>(k) + 1;
          }
        }
        break;
      case 'D':
        day_value = std::stoi(value);
        break;
      case 'H':
      case 'h':
        hour = std::stoll(value);
        break;
      case 'm':
        minute = std::stoll(value);
        break;
      case 's':
        second = std::stoll(value);
        break;
      case 'f':
        fraction = std::stoll((value + "000").substr(0, 3));
        break;
      case 'P':
        has_period = true;
        pm = value == "pm" || value == "PM";
        break;
      case 'Z':
        if (value != "Z") {
          std::string d;
          for (char c : value.substr(1)) {
            if (c != ':') d += c;
          }
          offset = (value[0] == '-' ? -1 : 1) *
                   (std::stoi(d.substr(0, 2)) * 60 + std::stoi(d.substr(2, 2)));
        }
        break;
      default:
        break;
    }
  }
  if (has_period) hour = hour % 12 + (pm ? 12 : 0);
  year_month_day date{year(year_value), month(static_cast<unsigned>(month_value)),
                      day(static_cast<unsigned>(day_value))};
  if (!date.ok()) return std::nullopt;
  std::int64_t millis = duration_cast<milliseconds>(sys_days(date).time_since_epoch()).count();
  return millis + ((hour * 60 + minute) * 60 + second) * 1000 + fraction - offset * 60000LL;
}

}  // namespace

std::optional<std::int64_t> parse_date_picture(const std::string& text, const std::string& picture,
                                               std::size_t position) {
  // Builds one regular expression from the picture: numbers as digit runs, month names.
  std::string pattern;
  std::vector<Marker> markers;
  auto escape = [](const std::string& literal) {
    std::string out;
    for (char c : literal) {
      if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
    return out;
  };
  for (const auto& [literal, marker] : split_picture(picture, position)) {
    pattern += escape(literal);
    if (!marker) continue;
    bool named = !marker->presentation.empty() &&
                 (marker->presentation[0] == 'N' || marker->presentation[0] == 'n');
    if (marker->component == 'Z') {
      pattern += "(Z|[+-]\\d{2}:?\\d{2})";
    } else if (named || marker->component == 'P') {
      pattern += "([A-Za-z]+)";
    } else {
      std::size_t width = 0;
      for (char c : marker->presentation)
        width += std::isdigit(static_cast<unsigned char>(c)) ? 1 : 0;
      pattern += width > 1 ? fmt::format("(\\d{{{}}})", width) : "(\\d+)";
      if (marker->ordinal) pattern += "(?:st|nd|rd|th)";
    }
    markers.push_back(*marker);
  }
  std::optional<RegexMatch> match = match_picture(pattern, text, position);
  if (!match) return std::nullopt;
  try {
    return read_components(markers, *match);
  } catch (const std::out_of_range&) {
    return std::nullopt;  // a number too long for any date
  }
}

}  // namespace flowrun::jsonata
