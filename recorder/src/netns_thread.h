// The one thread of the recorder that changes network namespace (setns() moves only the
// calling thread). --all-netns hands it each snapshot's capture and waits: the main thread, and
// so /proc/net, the counters, the settings and the output, never leave the recorder's own
// namespace. Created after the signal watcher blocked the signals, so it inherits the mask and
// never takes SIGINT/SIGTERM/SIGHUP itself.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace netsnap {

class NetnsThread {
 public:
  NetnsThread();
  ~NetnsThread();  // finishes the job in progress, then joins
  NetnsThread(const NetnsThread&) = delete;
  NetnsThread& operator=(const NetnsThread&) = delete;

  // Runs `job` on the thread and returns when it is done.
  void run(const std::function<void()>& job);

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable changed_;
  const std::function<void()>* job_ = nullptr;  // set by run(), cleared by the thread when done
  bool stop_ = false;
  std::thread thread_;  // last: starts once everything above is initialized
};

}  // namespace netsnap
