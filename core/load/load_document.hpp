#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/asl/substitutions.hpp"
#include "core/load/node.hpp"
#include "core/load/source.hpp"
#include "core/load/yaml_reader.hpp"
#include "core/validate/diagnostics.hpp"

namespace flowrun {

/// A parsed workflow file: its text (for diagnostics) and its root node.
struct Document {
  std::shared_ptr<const SourceFile> source;
  Node root;

  const std::string& path() const { return source->path(); }
};

/// What a document describes: a native DAG workflow or an Amazon States Language machine.
enum class DocumentKind { Native, StateMachine };

struct LoadLimits {
  std::size_t max_file_bytes = 16 * 1024 * 1024;
  ReaderLimits reader;
  /// Values for `${Name}` placeholders (ASL DefinitionSubstitutions), replaced before parsing.
  asl::Substitutions substitutions;
};

/// Parses `text` as the content of `path` (.json files must also be strict JSON). Problems
/// go to `diagnostics`; returns nullopt when nothing usable could be read.
/// With `stream`, the items of its top-level sequence are handed over as they are read.
std::optional<Document> parse_document(const std::string& path, std::string text,
                                       Diagnostics& diagnostics, const LoadLimits& limits = {},
                                       ItemStream* stream = nullptr);

/// Reads `path` (`-` is stdin) and parses it. A file that cannot be read, is too large, is
/// binary or not UTF-8 gives one position-less diagnostic and nullopt.
std::optional<Document> load_document(const std::string& path, Diagnostics& diagnostics,
                                      const LoadLimits& limits = {}, ItemStream* stream = nullptr);

/// The name diagnostics give a path: `<stdin>` for `-`.
std::string display_path(const std::string& path);

/// ASL when the top level is a mapping with both `StartAt` and `States`.
DocumentKind detect_kind(const Node& root);

}  // namespace flowrun
