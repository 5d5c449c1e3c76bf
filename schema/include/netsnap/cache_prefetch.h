// Asks the CPU to start loading the cache lines of an object that a loop will touch a few
// iterations later, so that its memory latency overlaps with the work in between.
//
// Not __builtin_prefetch: GCC 12 at -O2 deletes it as dead code in common shapes (the address
// of a vector element reached through an index array; the pattern every replay loop has),
// silently: the objects of an earlier version of the delta decoder held no prefetch
// instruction at all. An asm statement with a memory operand cannot be deleted.
// tests/cli/cache_prefetch_emitted.sh checks that the decoder's are in netsnap-analyze.
#pragma once

#include <cstddef>

namespace netsnap {

namespace detail {
inline void prefetch_line(const char* byte) {
#if defined(__x86_64__) || defined(__i386__)
  asm volatile("prefetcht0 %0" : : "m"(*byte));
#else
  __builtin_prefetch(byte);
#endif
}
}  // namespace detail

// Every cache line of the `size` (> 0) bytes at `object`: one per 64 bytes, and the line of
// its last byte (an object may straddle one line more than size / 64).
inline void prefetch_object(const void* object, size_t size) {
  const char* first = static_cast<const char*>(object);
  for (size_t offset = 0; offset < size; offset += 64) detail::prefetch_line(first + offset);
  detail::prefetch_line(first + size - 1);
}

}  // namespace netsnap
