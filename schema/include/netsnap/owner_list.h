// The pids that hold a socket open: almost always one, sometimes a few (a forked server's
// workers share a listener), rarely many. Up to `inline_capacity` pids live inside the Socket,
// so that copying, decoding and replaying sockets never allocates for them (a std::vector
// would allocate once per owned socket, and a day-long replay copies millions of sockets);
// more spill to the heap. The interface is the subset of std::vector that the code uses.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace netsnap {

class OwnerList {
 public:
  static constexpr uint32_t inline_capacity = 3;
  using value_type = int32_t;
  using iterator = int32_t*;
  using const_iterator = const int32_t*;

  OwnerList() = default;
  OwnerList(std::initializer_list<int32_t> pids) { assign(pids.begin(), pids.end()); }
  OwnerList(const std::vector<int32_t>& pids) { assign(pids.begin(), pids.end()); }  // NOLINT
  OwnerList(const OwnerList& other) { assign(other.begin(), other.end()); }
  OwnerList(OwnerList&& other) noexcept { take(other); }
  OwnerList& operator=(const OwnerList& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  OwnerList& operator=(OwnerList&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  ~OwnerList() { release(); }
  OwnerList& operator=(std::initializer_list<int32_t> pids) {
    assign(pids.begin(), pids.end());
    return *this;
  }
  OwnerList& operator=(const std::vector<int32_t>& pids) {
    assign(pids.begin(), pids.end());
    return *this;
  }

  template <class It>
  void assign(It first, It last) {
    resize(static_cast<size_t>(std::distance(first, last)));
    std::copy(first, last, data());
  }
  // New pids (when growing) are 0.
  void resize(size_t n) {
    if (n > capacity_) grow(n);
    int32_t* d = data();
    for (size_t i = size_; i < n; ++i) d[i] = 0;
    size_ = static_cast<uint32_t>(n);
  }
  void push_back(int32_t pid) {
    if (size_ == capacity_) grow(size_t{size_} * 2 + 2);
    data()[size_++] = pid;
  }
  void clear() { size_ = 0; }

  int32_t* data() { return on_heap() ? heap_ : inline_; }
  const int32_t* data() const { return on_heap() ? heap_ : inline_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  iterator begin() { return data(); }
  iterator end() { return data() + size_; }
  const_iterator begin() const { return data(); }
  const_iterator end() const { return data() + size_; }
  int32_t& operator[](size_t i) { return data()[i]; }
  int32_t operator[](size_t i) const { return data()[i]; }
  int32_t front() const { return data()[0]; }
  int32_t back() const { return data()[size_ - 1]; }

  friend bool operator==(const OwnerList& a, const OwnerList& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  bool on_heap() const { return capacity_ > inline_capacity; }
  void release() {
    if (on_heap()) delete[] heap_;
    capacity_ = inline_capacity;
  }
  void grow(size_t n) {
    auto* bigger = new int32_t[n];
    std::copy(data(), data() + size_, bigger);
    release();
    heap_ = bigger;
    capacity_ = static_cast<uint32_t>(n);
  }
  // Leaves `other` empty (and inline). `this` holds nothing on the heap.
  void take(OwnerList& other) {
    size_ = other.size_;
    capacity_ = other.capacity_;
    if (other.on_heap()) heap_ = other.heap_;
    else std::copy(other.inline_, other.inline_ + inline_capacity, inline_);
    other.size_ = 0;
    other.capacity_ = inline_capacity;
  }

  // 24 bytes: a Socket holds one, and 100,000 sockets are held twice by the recorder. Three
  // pids inline, not two: a forked server's master and workers often share three, and replaying
  // a day allocated for each of them (the report took 10% longer).
  uint32_t size_ = 0;
  uint32_t capacity_ = inline_capacity;  // beyond inline_capacity: heap_ is in use
  union {
    int32_t inline_[inline_capacity] = {};
    int32_t* heap_;
  };
};

}  // namespace netsnap
