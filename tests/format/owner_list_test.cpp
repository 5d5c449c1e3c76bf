// OwnerList: inline up to three pids, heap beyond, and vector semantics either way.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "netsnap/owner_list.h"

namespace netsnap {
namespace {

std::vector<int32_t> as_vector(const OwnerList& list) { return {list.begin(), list.end()}; }

TEST(OwnerList, GrowsPastItsInlineCapacityKeepingOrder) {
  OwnerList list;
  EXPECT_TRUE(list.empty());
  for (int32_t pid = 1; pid <= 7; ++pid) list.push_back(pid);
  EXPECT_EQ(as_vector(list), (std::vector<int32_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(list.front(), 1);
  EXPECT_EQ(list.back(), 7);
  list.resize(2);
  EXPECT_EQ(as_vector(list), (std::vector<int32_t>{1, 2}));
  list.resize(4);
  EXPECT_EQ(as_vector(list), (std::vector<int32_t>{1, 2, 0, 0}));
}

TEST(OwnerList, CopiesAndMovesAreIndependentInlineAndOnTheHeap) {
  for (const std::vector<int32_t>& pids :
       {std::vector<int32_t>{}, std::vector<int32_t>{42}, std::vector<int32_t>{1, 2},
        std::vector<int32_t>{1, 2, 3}, std::vector<int32_t>{1, 2, 3, 4, 5}}) {
    const OwnerList original(pids);
    OwnerList copy = original;
    EXPECT_EQ(copy, original);
    copy.push_back(99);
    EXPECT_EQ(as_vector(original), pids);  // the copy owns its own storage
    OwnerList moved = std::move(copy);
    EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_EQ(moved.size(), pids.size() + 1);
    OwnerList assigned{7, 8, 9, 10};
    assigned = original;
    EXPECT_EQ(as_vector(assigned), pids);
    assigned = std::move(moved);
    EXPECT_EQ(assigned.back(), 99);
  }
}

TEST(OwnerList, EqualityComparesThePids) {
  EXPECT_EQ(OwnerList({1, 2}), OwnerList(std::vector<int32_t>{1, 2}));
  EXPECT_FALSE(OwnerList({1, 2}) == OwnerList({2, 1}));
  EXPECT_FALSE(OwnerList({1}) == OwnerList({1, 1}));
  OwnerList spilled{1, 2, 3, 4};
  spilled.resize(2);
  EXPECT_EQ(spilled, OwnerList({1, 2}));
}

TEST(OwnerList, TwentyFourBytesAndSelfAssignment) {
  static_assert(sizeof(OwnerList) == 24);
  OwnerList list{1, 2, 3, 4};
  const OwnerList& same = list;
  list = same;  // NOLINT: self-assignment keeps the pids
  EXPECT_EQ(as_vector(list), (std::vector<int32_t>{1, 2, 3, 4}));
  OwnerList& alias = list;  // through a reference: compilers rightly warn about a plain x = move(x)
  list = std::move(alias);  // self-move too
  EXPECT_EQ(list.size(), 4u);
  list.clear();
  list.push_back(5);  // cleared: the heap storage is reused
  EXPECT_EQ(as_vector(list), (std::vector<int32_t>{5}));
  OwnerList from_inline{9};
  list = std::move(from_inline);  // heap released, inline taken
  EXPECT_EQ(as_vector(list), (std::vector<int32_t>{9}));
}

}  // namespace
}  // namespace netsnap
