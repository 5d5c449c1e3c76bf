// Positions of live sockets over a vector that keeps removed ones as tombstones. Rebuilding a
// snapshot from a key and hundreds of deltas would otherwise compact the socket vector once
// per delta (O(sockets) each); with tombstones a delta costs about O(changes) and the vector is
// compacted once at the end. Alive flags are a bitmap (12 KiB for 100,000 slots); a delta's
// positions come sorted, so mapping them to slots is one walk over it with popcounts.
#pragma once

#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "netsnap/model.h"

namespace netsnap {

class SparseSlots {
 public:
  void reset(size_t slots) {
    bits_.assign((slots + 63) / 64, ~0ull);
    if (slots % 64) bits_.back() = (1ull << (slots % 64)) - 1;
    size_ = slots;
    live_ = slots;
  }
  size_t live() const { return live_; }

  // The slots of ascending positions (each < live()), in one walk over the bitmap: a delta's
  // positions come sorted, so this costs O(bitmap words + positions).
  void slots_of(std::span<const uint32_t> positions, std::vector<uint32_t>& out) const {
    out.resize(positions.size());
    size_t word = 0, before = 0;
    for (size_t i = 0; i < positions.size(); ++i) {
      size_t p = positions[i];
      size_t count = word < bits_.size() ? popcount(bits_[word]) : 0;
      while (word < bits_.size() && before + count <= p) {
        before += count;
        ++word;
        count = word < bits_.size() ? popcount(bits_[word]) : 0;
      }
      out[i] = static_cast<uint32_t>(word * 64 + select(bits_[word], p - before));
    }
  }

  void kill(size_t slot) {
    uint64_t bit = 1ull << (slot % 64);
    if (bits_[slot / 64] & bit) --live_;
    bits_[slot / 64] &= ~bit;
  }

  void append(size_t count) {
    for (size_t i = 0; i < count; ++i, ++size_) {
      if (size_ % 64 == 0) bits_.push_back(0);
      bits_.back() |= 1ull << (size_ % 64);
    }
    live_ += count;
  }

  // Removes the tombstones from `sockets` (whose slots these are) once, at the end.
  void compact(std::vector<Socket>& sockets) const {
    size_t write = 0;
    for (size_t s = 0; s < sockets.size() && s < size_; ++s) {
      if (!(bits_[s / 64] >> (s % 64) & 1)) continue;
      if (write != s) sockets[write] = std::move(sockets[s]);
      ++write;
    }
    sockets.resize(write);
  }

 private:
  // The popcnt instruction where the CPU has it (std::popcount compiles to a library call
  // without -mpopcnt, and this is the rebuild's inner loop).
#if defined(__x86_64__)
  __attribute__((target("popcnt"))) static size_t popcount_fast(uint64_t w) { return static_cast<size_t>(__builtin_popcountll(w)); }
  static size_t popcount(uint64_t w) {
    static const bool hardware = __builtin_cpu_supports("popcnt");
    return hardware ? popcount_fast(w) : static_cast<size_t>(std::popcount(w));
  }
#else
  static size_t popcount(uint64_t w) { return static_cast<size_t>(std::popcount(w)); }
#endif
  // The index of the k-th set bit of w (k < popcount(w)).
  static size_t select(uint64_t w, size_t k) {
    size_t base = 0;
    for (unsigned width = 32; width >= 8; width /= 2) {
      uint64_t low = w & ((1ull << width) - 1);
      size_t c = popcount(low);
      if (k >= c) {
        k -= c;
        w >>= width;
        base += width;
      } else {
        w = low;
      }
    }
    for (; k > 0; --k) w &= w - 1;
    return base + static_cast<size_t>(std::countr_zero(w));
  }
  std::vector<uint64_t> bits_;
  size_t size_ = 0;
  size_t live_ = 0;
};

}  // namespace netsnap
