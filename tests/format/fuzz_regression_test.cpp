// Every input a fuzz target crashed on (tests/fuzz/regressions/, see tests/fuzz/README.md) is
// read here as a recording, with both scan modes and a whole replay: each must open or fail
// with one line, and replay, without crashing (an integer division by zero traps even without
// sanitizers; the sanitizer build catches the rest).
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "netsnap/recording_reader.h"

using namespace netsnap;

namespace {

const std::string REGRESSIONS = std::string(NETSNAP_SOURCE_DIR) + "/tests/fuzz/regressions/";

std::vector<std::string> regression_files() {
  std::vector<std::string> names;
  if (DIR* dir = opendir(REGRESSIONS.c_str())) {
    while (dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name.size() > 8 && name.compare(name.size() - 8, 8, ".netsnap") == 0)
        names.push_back(name);
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

class FuzzRegression : public ::testing::TestWithParam<std::string> {};

TEST(FuzzRegressions, DirectoryHoldsInputs) { EXPECT_FALSE(regression_files().empty()); }

TEST_P(FuzzRegression, OpensAndReplaysWithoutCrashing) {
  const std::string path = REGRESSIONS + GetParam();
  for (ScanMode mode : {ScanMode::fast, ScanMode::full}) {
    auto timeline = Timeline::open({path}, mode);
    if (!timeline.ok()) {
      EXPECT_NE(timeline.error().message.find(path), std::string::npos) << timeline.error().message;
      continue;
    }
    auto cursor = timeline->cursor();
    size_t replayed = 0;
    while (cursor.next()) ++replayed;
    EXPECT_LE(replayed, timeline->entries().size());
  }
}

INSTANTIATE_TEST_SUITE_P(Inputs, FuzzRegression, ::testing::ValuesIn(regression_files()),
                         [](const auto& info) {
                           std::string name = info.param.substr(0, info.param.size() - 8);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
