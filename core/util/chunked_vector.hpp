#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

namespace flowrun {

/// A sequence that grows in fixed chunks of kChunk elements: appending never moves the
/// elements already in it, and its memory is touched once. A long execution appends one
/// element per state; a std::vector would copy them all at every doubling and fault in
/// fresh pages each time, which cost more than the states themselves.
template <class T, std::size_t kChunk = 256>
class ChunkedVector {
 public:
  using value_type = T;

  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector& other) { *this = other; }
  ChunkedVector(ChunkedVector&&) noexcept = default;
  ChunkedVector& operator=(ChunkedVector&&) noexcept = default;
  ChunkedVector& operator=(const ChunkedVector& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  explicit ChunkedVector(const std::vector<T>& items) { assign(items.begin(), items.end()); }

  template <class Iterator>
  void assign(Iterator first, Iterator last) {
    clear();
    for (; first != last; ++first) push_back(*first);
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  T& operator[](std::size_t i) { return chunks_[i / kChunk][i % kChunk]; }
  const T& operator[](std::size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  template <class... Args>
  T& emplace_back(Args&&... args) {
    if (size_ == chunks_.size() * kChunk) chunks_.push_back(std::make_unique<T[]>(kChunk));
    T& slot = (*this)[size_];
    // Slots are never reused (clear frees the chunks): an empty one is already T().
    if constexpr (sizeof...(Args) > 0) slot = T(std::forward<Args>(args)...);
    ++size_;
    return slot;
  }
  void push_back(const T& item) { emplace_back(item); }
  void push_back(T&& item) { emplace_back(std::move(item)); }

  void clear() {
    chunks_.clear();
    size_ = 0;
  }

  template <bool kConst>
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = std::conditional_t<kConst, const T*, T*>;
    using reference = std::conditional_t<kConst, const T&, T&>;
    using Owner = std::conditional_t<kConst, const ChunkedVector, ChunkedVector>;

    Iterator() = default;
    Iterator(Owner* owner, std::size_t index) : owner_(owner), index_(index) {}
    reference operator*() const { return (*owner_)[index_]; }
    pointer operator->() const { return &(*owner_)[index_]; }
    Iterator& operator++() {
      ++index_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++index_;
      return before;
    }
    bool operator==(const Iterator& other) const { return index_ == other.index_; }

   private:
    Owner* owner_ = nullptr;
    std::size_t index_ = 0;
  };

  Iterator<false> begin() { return {this, 0}; }
  Iterator<false> end() { return {this, size_}; }
  Iterator<true> begin() const { return {this, 0}; }
  Iterator<true> end() const { return {this, size_}; }

 private:
  // Elements are default-constructed with their chunk, so a chunk is one allocation;
  // emplace_back assigns into the next slot.
  std::vector<std::unique_ptr<T[]>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace flowrun
