// uid -> name resolution: each uid looked up once, new ones reported once, in uid order.
#include "user_names.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace netsnap {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(UserNames, ResolvesEachUidOnceAndReportsOnlyNewOnes) {
  std::vector<uint32_t> looked_up;
  UserNames names([&looked_up](uint32_t uid) -> std::optional<std::string> {
    looked_up.push_back(uid);
    if (uid == 4242) return std::nullopt;
    return "user" + std::to_string(uid);
  });
  std::vector<UserName> added;
  const std::vector<uint32_t> first = {1000, 1000, 0, 4242, 1000, 0};
  names.resolve(first, added);
  EXPECT_THAT(added, ElementsAre(UserName{0, "user0"}, UserName{1000, "user1000"},
                                 UserName{4242, ""}));
  EXPECT_THAT(looked_up, ElementsAre(0, 1000, 4242));

  added.clear();
  const std::vector<uint32_t> second = {1000, 33, 0, 33};
  names.resolve(second, added);
  EXPECT_THAT(added, ElementsAre(UserName{33, "user33"}));
  EXPECT_EQ(looked_up.size(), 4u);
  EXPECT_THAT(names.all(), ElementsAre(UserName{0, "user0"}, UserName{33, "user33"},
                                       UserName{1000, "user1000"}, UserName{4242, ""}));

  added.clear();
  names.resolve(second, added);
  EXPECT_THAT(added, IsEmpty());
}

TEST(UserNames, RealUserDatabaseKnowsRoot) {
  EXPECT_EQ(lookup_user_name(0), "root");
  EXPECT_EQ(lookup_user_name(4000000000u), std::nullopt);
}

}  // namespace
}  // namespace netsnap
