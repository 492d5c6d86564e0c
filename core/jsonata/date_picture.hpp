#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

// XPath/XQuery date-time pictures as $fromMillis, $now and $toMillis take them
// (`[Y0001]-[M01]-[D01]`, `[h]:[m01][P]`, `[FNn], [D1o] [MNn]`). Supported: the components
// Y M D d F H h P m s f Z z with decimal widths, names (N, n, Nn, with a `,*-3` abbreviation
// width) and `o` ordinals; not supported (error D3132): week numbers, eras, calendars.

namespace flowrun::jsonata {

/// Formats `millis` (UTC epoch) with `picture`, in `timezone` (`+hhmm`/`-hhmm`, "" for UTC).
std::string format_date_picture(std::int64_t millis, const std::string& picture,
                                const std::string& timezone, std::size_t position);

/// Parses `text` with `picture`; std::nullopt when it does not match.
std::optional<std::int64_t> parse_date_picture(const std::string& text, const std::string& picture,
                                               std::size_t position);

}  // namespace flowrun::jsonata
