// Turns SIGINT/SIGTERM/SIGHUP into requests the sampling loop reads between snapshots, without
// a global flag: the signals are blocked in every thread and read from a signalfd by one
// watcher thread. The first SIGINT/SIGTERM asks for a clean stop (finish the snapshot, flush,
// close); a second one exits at once. SIGHUP asks to reopen the output (logrotate).
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace netsnap {

class SignalWatcher {
 public:
  // Blocks the signals in the calling thread (call it before starting any other thread).
  SignalWatcher();
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  bool stop_requested() const { return stop_.load(); }
  // True once per SIGHUP received.
  bool take_reopen_request() { return reopen_.exchange(false); }
  // Sleeps until `deadline_mono_ns` or until a signal arrives, whichever is first.
  void sleep_until(int64_t deadline_mono_ns);

 private:
  void watch();
  int signal_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: the watcher wakes the sleeping loop
  int quit_fd_ = -1;  // eventfd: the destructor stops the watcher
  std::atomic<bool> stop_{false};
  std::atomic<bool> reopen_{false};
  std::thread thread_;
};

int64_t monotonic_ns();
int64_t realtime_ns();

}  // namespace netsnap
