#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// JSONPath as the Amazon States Language uses it (the Jayway dialect AWS runs): `$`, `$$`,
// `.name`, `['name']`, `[n]`, `[*]`, `..`, slices, unions and filters. A path is parsed once
// into segments (`compile_path` caches by text) and evaluated into a list of node pointers,
// so selecting never copies the document.

namespace flowrun::asl {

/// A syntax error in a path; `offset` is the 0-based byte offset in the path text.
class PathSyntaxError : public std::runtime_error {
 public:
  PathSyntaxError(const std::string& message, std::size_t offset)
      : std::runtime_error(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

struct FilterExpr;

/// One step of a path.
struct PathSegment {
  enum class Kind {
    Name,      ///< `.name` or `['name']`
    Index,     ///< `[n]` (negative counts from the end)
    Wildcard,  ///< `.*` or `[*]`
    Union,     ///< `['a','b']` or `[0,2]`
    Slice,     ///< `[start:end:step]`
    Filter,    ///< `[?(...)]`
  };
  Kind kind = Kind::Name;
  bool descendant = false;  ///< preceded by `..`: applies to the node and all its descendants
  std::string name;
  std::int64_t index = 0;
  std::vector<std::string> names;            ///< Union of names
  std::vector<std::int64_t> indices;         ///< Union of indices
  std::optional<std::int64_t> slice[3];      ///< start, end, step
  std::shared_ptr<const FilterExpr> filter;  ///< Filter
};

/// A parsed path. `$$` paths read the context object instead of the input, `$name` paths
/// the state machine variable `name`.
class JsonPath {
 public:
  /// Parses `text`; throws PathSyntaxError naming the offending offset.
  static JsonPath parse(std::string_view text);

  const std::string& text() const { return text_; }
  bool is_context() const { return context_; }
  /// The variable a `$name...` path reads, or "" for the input and the context object.
  const std::string& variable() const { return variable_; }
  /// The node the segments apply to: the context object, the variable (nullptr when it has
  /// no value) or `input`.
  const nlohmann::json* root(const nlohmann::json& input, const nlohmann::json& context) const;
  /// What root() reads, for messages: "input", "context object" or "variable 'name'".
  std::string root_name() const;
  /// True when the path can select at most one node (names and indices only): a definite
  /// path yields that node, an indefinite one an array of every match.
  bool is_definite() const { return definite_; }
  /// True when the path is a Reference Path of the spec: definite, no `..`, filters, slices.
  bool is_reference() const { return definite_; }
  const std::vector<PathSegment>& segments() const { return segments_; }

  /// Appends every node `root` has at this path to `out`, in document order.
  void select(const nlohmann::json& root, std::vector<const nlohmann::json*>& out) const;
  /// The single node of a definite path, or nullptr when it does not exist.
  const nlohmann::json* find(const nlohmann::json& root) const;

 private:
  friend class PathParser;
  std::string text_;
  bool context_ = false;
  std::string variable_;
  bool definite_ = true;
  std::vector<PathSegment> segments_;
};

/// The parsed form of `text`, from a per-thread cache (paths repeat on every transition).
/// Throws PathSyntaxError.
std::shared_ptr<const JsonPath> compile_path(std::string_view text);

/// Applies `segments` (from a parsed path) to `nodes`, replacing them with the matches.
void apply_segments(const std::vector<PathSegment>& segments, const nlohmann::json& root,
                    std::vector<const nlohmann::json*>& nodes);

/// The message of the first syntax problem of `text` as a Path (or Reference Path when
/// `reference`), or nullopt when it is valid; `offset` receives the byte offset.
std::optional<std::string> check_path_syntax(std::string_view text, bool reference,
                                             std::size_t& offset);

}  // namespace flowrun::asl
