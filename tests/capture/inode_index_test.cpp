// InodeIndex (the owner map's lookups) against a plain search, on colliding and repeated inodes.
#include "inode_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace netsnap {
namespace {

uint32_t first_position(const std::vector<uint64_t>& inodes, uint64_t inode) {
  if (inode == 0) return InodeIndex::none;
  const auto it = std::find(inodes.begin(), inodes.end(), inode);
  return it == inodes.end() ? InodeIndex::none : static_cast<uint32_t>(it - inodes.begin());
}

TEST(InodeIndex, FindsTheFirstPositionOfEveryInodeAndNothingElse) {
  // Sorted with runs (the owner list: one entry per owning process) and zeros, then unsorted.
  std::vector<uint64_t> inodes = {0, 0, 5, 5, 5, 9, 12, 12, 4026531840ULL};
  for (uint64_t i = 0; i < 50000; ++i) inodes.push_back(100000 + 3 * i);
  for (int pass = 0; pass < 2; ++pass) {
    InodeIndex index;
    index.build(inodes);
    for (uint64_t probe : {0ULL, 1ULL, 5ULL, 9ULL, 12ULL, 13ULL, 4026531840ULL, 100000ULL,
                           100001ULL, 100003ULL, 249997ULL, 250000ULL})
      EXPECT_EQ(index.find(probe), first_position(inodes, probe)) << probe;
    for (size_t i = 0; i < inodes.size(); i += 7)
      EXPECT_EQ(index.find(inodes[i]), first_position(inodes, inodes[i])) << inodes[i];
    std::reverse(inodes.begin(), inodes.end());
  }
}

TEST(InodeIndex, EmptyAndRebuilt) {
  InodeIndex index;
  EXPECT_EQ(index.find(7), InodeIndex::none);  // never built
  std::vector<uint64_t> first = {7, 8};
  index.build(first);
  EXPECT_EQ(index.find(8), 1u);
  std::vector<uint64_t> second = {9};
  index.build(second);  // the next snapshot: nothing of the last one is left
  EXPECT_EQ(index.find(7), InodeIndex::none);
  EXPECT_EQ(index.find(9), 0u);
  index.build({});
  EXPECT_EQ(index.find(9), InodeIndex::none);
}

TEST(SortInodes, AgreesWithStdSortSmallLargeAndWide) {
  std::mt19937_64 random(7);
  std::vector<uint64_t> scratch;
  for (size_t count : {0, 5, 255, 256, 100000}) {
    for (bool wide : {false, true}) {
      std::vector<uint64_t> inodes(count);
      for (uint64_t& v : inodes) v = wide ? random() : random() & 0xffffffff;
      if (count > 10) inodes[3] = inodes[9];  // duplicates stay
      std::vector<uint64_t> expected = inodes;
      std::sort(expected.begin(), expected.end());
      sort_inodes(inodes, scratch);
      EXPECT_EQ(inodes, expected) << count << (wide ? " wide" : "");
    }
  }
}

}  // namespace
}  // namespace netsnap
