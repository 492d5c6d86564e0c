#include "core/load/libyaml_events.hpp"

#include <yaml.h>

#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flowrun {
namespace {

// libyaml counts columns in characters, yaml-cpp (and flowrun's diagnostics) in bytes. Marks
// come in document order, so one cursor walks the text once to find where lines start.
class ByteColumns {
 public:
  // A byte order mark is not counted, by either parser.
  explicit ByteColumns(const std::string& text)
      : text_(text), line_start_(text.starts_with("\xEF\xBB\xBF") ? 3 : 0) {}

  YAML::Mark to_mark(const yaml_mark_t& mark) {
    while (line_ < mark.line) {
      std::size_t newline = text_.find('\n', line_start_);
      if (newline == std::string::npos) break;
      line_start_ = newline + 1;
      ++line_;
    }
    std::size_t at = line_start_;
    for (std::size_t characters = 0; characters < mark.column && at < text_.size(); ++characters) {
      ++at;  // past the first byte, then past a UTF-8 sequence's continuation bytes
      while (at < text_.size() && (static_cast<unsigned char>(text_[at]) & 0xC0) == 0x80) ++at;
    }
    YAML::Mark out;
    out.pos = static_cast<int>(at);
    out.line = static_cast<int>(mark.line);
    out.column = static_cast<int>(at - line_start_);
    return out;
  }

 private:
  const std::string& text_;
  std::size_t line_start_;
  std::size_t line_ = 0;
};

bool is_null_text(std::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

YAML::EmitterStyle::value flow_style(bool flow) {
  return flow ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block;
}

// An event freed however its handling ends: the tree builder throws ReaderLimitExceeded.
struct OwnedEvent {
  yaml_event_t event{};
  OwnedEvent() = default;
  OwnedEvent(const OwnedEvent&) = delete;
  OwnedEvent& operator=(const OwnedEvent&) = delete;
  ~OwnedEvent() { yaml_event_delete(&event); }
};

class EventSender {
 public:
  EventSender(const std::string& text, TreeBuilder& builder, int& documents)
      : columns_(text), builder_(builder), documents_(documents) {}
  ~EventSender() { yaml_parser_delete(&parser_); }

  bool send(const std::string& text) {
    if (!yaml_parser_initialize(&parser_)) return false;
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    for (;;) {
      OwnedEvent owned;
      const yaml_event_t& event = owned.event;
      if (!yaml_parser_parse(&parser_, &owned.event)) return false;
      // yaml-cpp's reader looks at two documents: the first, and whether there is another.
      if (event.type == YAML_DOCUMENT_START_EVENT && documents_ == 2) return true;
      if (!handle(event)) return false;
      if (event.type == YAML_STREAM_END_EVENT) return true;
    }
  }

 private:
  // yaml-cpp places an empty value at the token after it: held until that token comes.
  struct HeldNull {
    YAML::anchor_t anchor = 0;
  };

  bool handle(const yaml_event_t& event) {
    const YAML::Mark mark = columns_.to_mark(event.start_mark);
    if (held_null_) {
      builder_.OnNull(mark, held_null_->anchor);
      held_null_.reset();
    }
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT:
        ++documents_;
        builder_.OnDocumentStart(mark);
        return true;
      case YAML_DOCUMENT_END_EVENT:
        builder_.OnDocumentEnd();
        return true;
      case YAML_ALIAS_EVENT: {
        auto found = anchors_.find(std::string(text_of(event.data.alias.anchor)));
        if (found == anchors_.end()) return false;  // yaml-cpp says which anchor is missing
        builder_.OnAlias(mark, found->second);
        return true;
      }
      case YAML_SCALAR_EVENT:
        scalar(event, mark);
        return true;
      case YAML_SEQUENCE_START_EVENT:
        in_sequence_.push_back(true);
        builder_.OnSequenceStart(
            mark, tag_of(event.data.sequence_start.tag, "?"),
            anchor(event.data.sequence_start.anchor),
            flow_style(event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE));
        return true;
      case YAML_SEQUENCE_END_EVENT:
        in_sequence_.pop_back();
        builder_.OnSequenceEnd();
        return true;
      case YAML_MAPPING_START_EVENT:
        in_sequence_.push_back(false);
        builder_.OnMapStart(mark, tag_of(event.data.mapping_start.tag, "?"),
                            anchor(event.data.mapping_start.anchor),
                            flow_style(event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE));
        return true;
      case YAML_MAPPING_END_EVENT:
        in_sequence_.pop_back();
        builder_.OnMapEnd();
        return true;
      default:  // stream start and end, no event
        return true;
    }
  }

  void scalar(const yaml_event_t& event, const YAML::Mark& mark) {
    const auto& scalar = event.data.scalar;
    std::string_view value(reinterpret_cast<const char*>(scalar.value), scalar.length);
    const bool plain = scalar.style == YAML_PLAIN_SCALAR_STYLE;
    YAML::anchor_t id = anchor(scalar.anchor);
    if (plain && !scalar.tag && is_null_text(value)) {
      // An empty list item stays where it is written (yaml-cpp put it at the next item).
      if (value.empty() && (in_sequence_.empty() || !in_sequence_.back())) {
        held_null_ = HeldNull{id};
      } else {
        builder_.OnNull(mark, id);
      }
      return;
    }
    builder_.OnScalar(mark, tag_of(scalar.tag, plain ? "?" : "!"), id, std::string(value));
  }

  static std::string_view text_of(const yaml_char_t* text) {
    return text ? std::string_view(reinterpret_cast<const char*>(text)) : std::string_view();
  }

  static std::string tag_of(const yaml_char_t* tag, const char* implicit) {
    return tag ? std::string(text_of(tag)) : std::string(implicit);
  }

  // A new number for each anchor written; a later anchor of the same name hides the earlier.
  YAML::anchor_t anchor(const yaml_char_t* name) {
    if (!name) return 0;
    YAML::anchor_t id = ++last_anchor_;
    anchors_[std::string(text_of(name))] = id;
    return id;
  }

  ByteColumns columns_;
  TreeBuilder& builder_;
  int& documents_;
  yaml_parser_t parser_{};
  std::optional<HeldNull> held_null_;
  std::vector<bool> in_sequence_;  // per open collection: a sequence, or a mapping
  std::unordered_map<std::string, YAML::anchor_t> anchors_;
  YAML::anchor_t last_anchor_ = 0;
};

}  // namespace

bool send_libyaml_events(const std::string& text, TreeBuilder& builder, int& documents) {
  documents = 0;
  return EventSender(text, builder, documents).send(text);
}

}  // namespace flowrun
