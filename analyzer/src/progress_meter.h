// Progress of a long replay on a terminal: one line on stderr, redrawn at most ten times a
// second, with a bar, the share done, snapshots done of the total, the rate and the time left:
//   timeline [##########..........]  51%  44,210/86,400 snapshots  9,870/s  ETA 4s
// main() decides whether there is a terminal (stderr) and passes a meter or none; library code
// takes a `ProgressMeter*` that may be null. advance() may be called from several threads (a
// timeline replays two halves at once); one of them draws. finish() clears the line, so the
// output that follows (or a pipe) never sees it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>

namespace netsnap::analysis {

class ProgressMeter {
 public:
  // Nothing is drawn before `first_draw` has passed since start(): quick work shows no bar.
  ProgressMeter(std::ostream& out, std::string what,
                std::chrono::milliseconds first_draw = std::chrono::milliseconds(500));
  ~ProgressMeter();  // finish()
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;

  // How many snapshots the work covers (0: unknown, no bar or ETA); restarting is allowed.
  void start(uint64_t total);
  void advance(uint64_t done = 1);
  // Clears the line (once drawn).
  void finish();

  // The line for these figures (no carriage return), for tests.
  static std::string line(const std::string& what, uint64_t done, uint64_t total,
                          double elapsed_s);

 private:
  void draw(bool force);

  std::ostream& out_;
  const std::string what_;
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> total_{0};
  std::atomic<int64_t> next_draw_ns_{0};
  std::mutex drawing_;
  const int64_t first_draw_ns_;
  std::chrono::steady_clock::time_point started_;
  bool drawn_ = false;  // guarded by drawing_
};

}  // namespace netsnap::analysis
