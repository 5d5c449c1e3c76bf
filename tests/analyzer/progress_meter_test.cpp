// The terminal progress line: its text, drawing at most every 100 ms, and a clean line after.
#include "progress_meter.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <vector>

namespace netsnap::analysis {
namespace {

TEST(ProgressMeter, LineShowsBarShareCountsRateAndTimeLeft) {
  EXPECT_EQ(ProgressMeter::line("timeline", 43200, 86400, 4.0),
            "timeline [##########..........]  50%  43,200/86,400 snapshots  10,800/s  ETA 4s");
  EXPECT_EQ(ProgressMeter::line("report", 86400, 86400, 8.0),
            "report [####################] 100%  86,400/86,400 snapshots  10,800/s");
  EXPECT_EQ(ProgressMeter::line("report", 10, 0, 1.0), "report 10 snapshots  10/s");
  EXPECT_EQ(ProgressMeter::line("report", 0, 5000, 0.0),
            "report [....................]   0%  0/5,000 snapshots");
  const std::string long_wait = ProgressMeter::line("t", 1, 7201, 1.0);
  EXPECT_EQ(long_wait.substr(long_wait.size() - 13), "1/s  ETA 2h0m") << long_wait;
}

TEST(ProgressMeter, DrawsAfterTheFirstDelayAndClearsTheLineAtTheEnd) {
  std::ostringstream out;
  {
    ProgressMeter meter(out, "report", std::chrono::milliseconds(0));
    meter.start(100);
    meter.advance(50);
    EXPECT_NE(out.str().find("report [##########"), std::string::npos) << out.str();
    const size_t drawn = out.str().size();
    meter.advance(1);  // within 100 ms of the last draw: nothing new
    EXPECT_EQ(out.str().size(), drawn);
  }  // the destructor finishes
  EXPECT_EQ(out.str().substr(out.str().size() - 4), "\r\033[K");
}

TEST(ProgressMeter, QuickWorkShowsNothing) {
  std::ostringstream out;
  ProgressMeter meter(out, "timeline");  // half a second before the first draw
  meter.start(10);
  for (int i = 0; i < 10; ++i) meter.advance();
  meter.finish();
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressMeter, ThreadsAdvanceTogether) {
  std::ostringstream out;
  ProgressMeter meter(out, "timeline", std::chrono::milliseconds(0));
  meter.start(20000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) meter.advance();
    });
  for (std::thread& t : threads) t.join();
  meter.finish();
  EXPECT_NE(out.str().find("timeline ["), std::string::npos);
}

}  // namespace
}  // namespace netsnap::analysis
