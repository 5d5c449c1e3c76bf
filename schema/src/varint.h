// LEB128 varints and zigzag, the encoding of the delta columns (see NamespaceDelta in
// netsnap.capnp). The reader is bounds-checked: a hostile column ends reading, it never
// reads past its bytes.
#pragma once

#include <cstdint>
#include <string>

namespace netsnap {

inline uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

inline void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

class VarintReader {
 public:
  VarintReader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  // False when the bytes end or a varint is longer than 10 bytes; `failed()` stays true after.
  bool next(uint64_t& v) {
    if (p_ != end_ && *p_ < 0x80) {  // most values are small: one byte
      v = *p_++;
      return true;
    }
    v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p_ == end_) return fail();
      uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return fail();
  }
  // Passes over `count` varints; false exactly when `count` calls of next() would fail.
  bool skip(uint64_t count) {
    for (; count > 0; --count) {
      int length = 1;
      while (true) {
        if (p_ == end_) return fail();
        if (*p_++ < 0x80) break;
        if (++length > 10) return fail();
      }
    }
    return true;
  }
  bool failed() const { return failed_; }
  bool at_end() const { return p_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

 private:
  bool fail() {
    failed_ = true;
    return false;
  }
  const uint8_t* p_;
  const uint8_t* end_;
  bool failed_ = false;
};

}  // namespace netsnap
