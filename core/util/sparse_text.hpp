#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace flowrun {

/// A string that is usually empty, in the space of one pointer: the text is allocated only
/// when there is some. A long ASL execution keeps a record per state execution, and three
/// std::string members (96 bytes) that stay empty for every Pass and Choice state were two
/// thirds of it.
class SparseText {
 public:
  SparseText() = default;
  SparseText(std::string_view text) { assign(text); }  // NOLINT: implicit, like std::string
  SparseText(const std::string& text) { assign(text); }
  SparseText(const char* text) { assign(text); }
  SparseText(const SparseText& other) { assign(other.str()); }
  SparseText(SparseText&&) noexcept = default;
  SparseText& operator=(const SparseText& other) {
    if (this != &other) assign(other.str());
    return *this;
  }
  SparseText& operator=(SparseText&&) noexcept = default;
  SparseText& operator=(std::string_view text) {
    assign(text);
    return *this;
  }
  SparseText& operator=(const std::string& text) {
    assign(text);
    return *this;
  }
  SparseText& operator=(const char* text) {
    assign(text);
    return *this;
  }

  bool empty() const { return !text_; }
  void clear() { text_.reset(); }
  const std::string& str() const { return text_ ? *text_ : empty_text(); }
  operator const std::string&() const { return str(); }  // NOLINT: reads like a std::string
  operator std::string_view() const { return str(); }    // NOLINT

  friend bool operator==(const SparseText& a, std::string_view b) { return a.str() == b; }

 private:
  void assign(std::string_view text) {
    if (text.empty()) {
      text_.reset();
    } else {
      text_ = std::make_unique<std::string>(text);
    }
  }
  static const std::string& empty_text() {
    static const std::string empty;
    return empty;
  }

  std::unique_ptr<std::string> text_;
};

}  // namespace flowrun
