#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "core/jsonata/builtins.hpp"
#include "core/jsonata/date_picture.hpp"
#include "core/jsonata/errors.hpp"
#include "core/jsonata/evaluator.hpp"
#include "core/util/regex.hpp"

// Date/time functions: $now, $millis, $fromMillis, $toMillis. Without a picture they read and
// write ISO 8601 in UTC (`2026-11-26T10:00:00.000Z`), as jsonata-js does.

namespace flowrun::jsonata {
namespace {

using namespace std::chrono;

std::string iso_timestamp(std::int64_t millis) {
  sys_time<milliseconds> time{milliseconds(millis)};
  auto days = floor<std::chrono::days>(time);
  year_month_day date{days};
  hh_mm_ss clock{time - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count(),
                     clock.subseconds().count());
}

std::string format_millis(Call& call, std::int64_t millis, const Value& picture,
                          const Value& timezone) {
  if (picture.is_undefined() && timezone.is_undefined()) return iso_timestamp(millis);
  std::string picture_text = picture.is_string()
                                 ? picture.as_string()
                                 : "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";
  std::string zone = timezone.is_string() ? timezone.as_string() : "";
  return format_date_picture(millis, picture_text, zone, call.position);
}

Value fn_now(Call& call) {
  auto millis = duration_cast<milliseconds>(call.evaluator.now().time_since_epoch()).count();
  return Value::string(format_millis(call, millis, call.arg(0), call.arg(1)));
}

Value fn_millis(Call& call) {
  auto millis = duration_cast<milliseconds>(call.evaluator.now().time_since_epoch()).count();
  return Value::number(static_cast<double>(millis));
}

Value fn_from_millis(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  auto millis = static_cast<std::int64_t>(std::floor(call.arg(0).as_number()));
  return Value::string(format_millis(call, millis, call.arg(1), call.arg(2)));
}

// ISO 8601 as jsonata-js accepts it: a date, optionally a time, fraction and zone. A time
// without a zone is read as UTC (JavaScript would read it as local time).
std::optional<std::int64_t> parse_iso(const std::string& text) {
  static const Regex kIso(
      R"((\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?)");
  std::optional<RegexMatch> match = kIso.match_whole(text);
  if (!match) return std::nullopt;
  auto group = [&](std::size_t number) -> const std::optional<std::string>& {
    return match->groups[number - 1];
  };
  auto number = [&](std::size_t index, int fallback) {
    return group(index) ? std::stoi(*group(index)) : fallback;
  };
  year_month_day date{year(number(1, 1970)), month(static_cast<unsigned>(number(2, 1))),
                      day(static_cast<unsigned>(number(3, 1)))};
  if (!date.ok()) return std::nullopt;
  std::int64_t millis = duration_cast<milliseconds>(sys_days(date).time_since_epoch()).count();
  millis += (number(4, 0) * 3600LL + number(5, 0) * 60LL + number(6, 0)) * 1000LL;
  if (group(7)) {
    std::string fraction = (*group(7) + "000").substr(0, 3);
    millis += std::stoi(fraction);
  }
  if (group(8) && *group(8) != "Z") {
    const std::string& zone = *group(8);
    int sign = zone[0] == '-' ? -1 : 1;
    std::string digits;
    for (char c : zone.substr(1)) {
      if (c != ':') digits += c;
    }
    int minutes = std::stoi(digits.substr(0, 2)) * 60 + std::stoi(digits.substr(2, 2));
    millis -= sign * minutes * 60000LL;
  }
  return millis;
}

Value fn_to_millis(Call& call) {
  if (call.arg(0).is_undefined()) return Value();
  const std::string& text = call.arg(0).as_string();
  if (call.arg(1).is_string()) {
    std::optional<std::int64_t> parsed =
        parse_date_picture(text, call.arg(1).as_string(), call.position);
    return parsed ? Value::number(static_cast<double>(*parsed)) : Value();
  }
  std::optional<std::int64_t> millis = parse_iso(text);
  if (!millis) call.fail("D3110", text);
  return Value::number(static_cast<double>(*millis));
}

}  // namespace

void add_date_functions(BuiltinTable& table) {
  table.add("now", "<s?s?:s>", fn_now);
  table.add("millis", "<:n>", fn_millis);
  table.add("fromMillis", "<n-s?s?:s>", fn_from_millis);
  table.add("toMillis", "<s-s?:n>", fn_to_millis);
}

}  // namespace flowrun::jsonata
