// SplitU64: TcpInfo's byte counters as two 32-bit halves (4-byte alignment, model.h), with the
// values and arithmetic of a uint64_t.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "netsnap/model.h"

namespace netsnap {
namespace {

TEST(SplitU64, HoldsEveryValueOfAUint64) {
  static_assert(alignof(SplitU64) == 4 && sizeof(SplitU64) == 8);
  static_assert(sizeof(TcpInfo) == 60);
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{UINT32_MAX}, uint64_t{1} << 32,
                     uint64_t{123456789012}, std::numeric_limits<uint64_t>::max()}) {
    const SplitU64 split = v;
    EXPECT_EQ(uint64_t{split}, v);
    EXPECT_EQ(split, v);
  }
}

TEST(SplitU64, AddsWithACarryIntoTheHighHalf) {
  SplitU64 counter = UINT32_MAX;
  counter += 2;
  EXPECT_EQ(counter, (uint64_t{1} << 32) + 1);
  counter += std::numeric_limits<uint64_t>::max();  // wraps like a uint64_t
  EXPECT_EQ(counter, uint64_t{1} << 32);
}

TEST(SplitU64, TcpInfoComparesItsCountersByValue) {
  TcpInfo a, b;
  a.bytes_acked = uint64_t{5} << 32;
  b.bytes_acked = 5;
  EXPECT_FALSE(a == b);  // equal low halves, different high ones
  b.bytes_acked = a.bytes_acked;
  EXPECT_EQ(a, b);
  b.bytes_received = uint64_t{1} << 40;
  EXPECT_FALSE(a == b);
}

}  // namespace
}  // namespace netsnap
