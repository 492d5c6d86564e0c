#pragma once

#include <memory>
#include <utility>

namespace flowrun {

/// A value held on the heap with value semantics (copies copy the value): one pointer wide,
/// and no allocation while empty. For rarely set parts of objects kept by the thousand.
template <typename T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(const Boxed& other) : value_(other.value_ ? std::make_unique<T>(*other.value_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& other) {
    if (this != &other) value_ = other.value_ ? std::make_unique<T>(*other.value_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  ~Boxed() = default;

  bool has_value() const { return value_ != nullptr; }
  /// The value, or nullptr when empty.
  const T* get() const { return value_.get(); }
  /// The value, made default-constructed on first use.
  T& ensure() {
    if (!value_) value_ = std::make_unique<T>();
    return *value_;
  }

 private:
  std::unique_ptr<T> value_;
};

}  // namespace flowrun
