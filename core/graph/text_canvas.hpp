#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace flowrun::graph {

/// Directions a line leaves a cell in; a cell's glyph is chosen from their union.
enum LineDirection : unsigned char { LineUp = 1, LineDown = 2, LineLeft = 4, LineRight = 8 };

/// The characters of a text drawing: box-drawing Unicode or plain ASCII.
struct Glyphs {
  bool unicode = true;
  std::string arrow;      ///< arrowhead into a node: `▼` or `v`
  std::string separator;  ///< between a node's label and its kind: ` · ` or ` : `
  std::string to;         ///< `→` or `->`
  std::string from;       ///< `←` or `<-`
  std::string loop;       ///< marks an edge that closes a cycle: `↺` or `(loop)`
  std::string rail;       ///< left rail of a group section: `│  ` or `|  `
  std::string open;       ///< first line of a group section: `╭─ ` or `+- `
  std::string close;      ///< last line of a group section: `╰─` or `+-`

  /// The glyph of a cell whose lines leave in `directions` (a LineDirection mask).
  std::string_view line(unsigned directions) const;
  /// `text` as shown: in ASCII mode the few non-ASCII symbols flowrun itself writes
  /// (· × → … ↻) are replaced; other characters are the user's and are kept.
  std::string shown(std::string_view text) const;
};

/// The glyph set for `unicode` or ASCII drawings.
const Glyphs& glyphs_for(bool unicode);

/// Terminal columns `text` takes: one per code point, two for East Asian wide characters.
int display_width(std::string_view text);

/// One line of a drawing, cell by cell, so that lines and labels can be placed by column.
class CanvasRow {
 public:
  explicit CanvasRow(int width);

  /// Writes `text` from column `column` on; wide characters take two cells.
  void put(int column, std::string_view text);
  /// The line without trailing spaces.
  std::string str() const;

 private:
  std::vector<std::string> cells_;  ///< one glyph per cell; empty after a wide character
};

/// Greedy word wrap of `words` joined by `separator` into lines of at most `width` columns;
/// every line after the first starts with `indent`.
std::vector<std::string> wrap_words(const std::string& first, const std::vector<std::string>& words,
                                    std::string_view separator, const std::string& indent,
                                    int width);

}  // namespace flowrun::graph
