#include "sparkline.h"

#include <gtest/gtest.h>

#include <vector>

namespace netsnap::analysis {
namespace {

TEST(Sparkline, LowestToHighestBlock) {
  const std::vector<int64_t> values = {0, 1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(sparkline(values, 80), "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588");
}

TEST(Sparkline, FlatEmptyAndZeroWidth) {
  const std::vector<int64_t> flat = {5, 5, 5};
  EXPECT_EQ(sparkline(flat, 10), "\u2581\u2581\u2581");
  EXPECT_EQ(sparkline(std::vector<int64_t>{}, 10), "");
  EXPECT_EQ(sparkline(flat, 0), "");
}

TEST(Sparkline, ASpikeSurvivesCompression) {
  std::vector<int64_t> values(1000, 1);
  values[777] = 100;
  const std::string line = sparkline(values, 10);
  EXPECT_EQ(line.size(), 10u * 3);  // ten 3-byte blocks
  EXPECT_NE(line.find("\u2588"), std::string::npos);
  // The spike is in the chunk holding index 777 (the 8th of 10), and only there.
  EXPECT_EQ(line.substr(7 * 3, 3), "\u2588");
  EXPECT_EQ(line.substr(0, 3), "\u2581");
}

TEST(Sparkline, HugeValuesDoNotOverflow) {
  const std::vector<int64_t> values = {0, INT64_MAX / 2, INT64_MAX};
  EXPECT_EQ(sparkline(values, 3), "\u2581\u2585\u2588");
}

}  // namespace
}  // namespace netsnap::analysis
