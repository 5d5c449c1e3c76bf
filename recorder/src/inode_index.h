// InodeIndex: finds an inode in an array of inodes (sorted or not) through one flat
// open-addressing table of 4-byte positions, rebuilt every snapshot. The owner map asks about
// 200,000 times per snapshot at 100,000 sockets (is this fd's inode live? where are this
// socket's owners?): a binary search over the sorted inodes cost ~17 dependent cache misses
// per question, this table about two, for 1 MB.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "netsnap/cache_prefetch.h"

namespace netsnap {

class InodeIndex {
 public:
  static constexpr uint32_t none = UINT32_MAX;
  static constexpr size_t lookahead = 16;  // how far ahead loops over inodes call prefetch()

  // Indexes `inodes` (which must stay unchanged while find() is used); for an inode present
  // several times, find() gives its first position. Zeros are not indexed. Keeps its memory.
  void build(std::span<const uint64_t> inodes) {
    inodes_ = inodes;
    const size_t size = std::bit_ceil(inodes.size() * 2 + 2);  // at most half full
    slots_.assign(size, 0);
    mask_ = size - 1;
    for (size_t i = 0; i < inodes.size(); ++i) {
      if (i + lookahead < inodes.size()) prefetch(inodes[i + lookahead]);
      if (inodes[i] == 0) continue;
      for (size_t slot = start(inodes[i]);; slot = (slot + 1) & mask_) {
        if (slots_[slot] == 0) {
          slots_[slot] = static_cast<uint32_t>(i + 1);
          break;
        }
        if (inodes_[slots_[slot] - 1] == inodes[i]) break;  // the first one stays
      }
    }
  }
  // Frees the table until the next build(); find() finds nothing meanwhile.
  void release() {
    std::vector<uint32_t>().swap(slots_);
    inodes_ = {};
    mask_ = 0;
  }
  // Starts loading the slot where find(inode) begins: loops over many inodes call it some
  // places ahead, as the table outgrows the caches on a large host.
  void prefetch(uint64_t inode) const {
    if (inode != 0 && !slots_.empty()) prefetch_object(&slots_[start(inode)], sizeof(uint32_t));
  }
  // The first position of `inode` in the indexed array, or `none`.
  uint32_t find(uint64_t inode) const {
    if (inode == 0 || slots_.empty()) return none;
    for (size_t slot = start(inode);; slot = (slot + 1) & mask_) {
      const uint32_t at = slots_[slot];
      if (at == 0) return none;
      if (inodes_[at - 1] == inode) return at - 1;
    }
  }

 private:
  size_t start(uint64_t inode) const {
    // Inodes come from a counter: a multiplicative hash spreads neighbours over the table.
    return static_cast<size_t>((inode * 0x9E3779B97F4A7C15ULL) >> 32) & mask_;
  }
  std::span<const uint64_t> inodes_;
  std::vector<uint32_t> slots_;  // position + 1; 0 = empty
  size_t mask_ = 0;
};

// Sorts `inodes` ascending. Socket inodes are 32-bit (get_next_ino()): a radix sort of the
// low 32 bits in three 11-bit passes, linear in the count; anything wider falls back to
// std::sort. `scratch` is reused between calls.
inline void sort_inodes(std::vector<uint64_t>& inodes, std::vector<uint64_t>& scratch) {
  if (inodes.size() < 256 ||
      std::any_of(inodes.begin(), inodes.end(), [](uint64_t v) { return v >> 32; })) {
    std::sort(inodes.begin(), inodes.end());
    return;
  }
  scratch.resize(inodes.size());
  std::array<uint32_t, 2048> counts;
  for (int shift : {0, 11, 22}) {
    counts.fill(0);
    for (uint64_t v : inodes) ++counts[(v >> shift) & 2047];
    uint32_t total = 0;
    for (uint32_t& count : counts) total += std::exchange(count, total);
    for (uint64_t v : inodes) scratch[counts[(v >> shift) & 2047]++] = v;
    inodes.swap(scratch);
  }
}

}  // namespace netsnap
