#include "netns_thread.h"

namespace netsnap {

NetnsThread::NetnsThread() : thread_([this] { loop(); }) {}

NetnsThread::~NetnsThread() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void NetnsThread::run(const std::function<void()>& job) {
  std::unique_lock lock(mutex_);
  job_ = &job;
  changed_.notify_all();
  changed_.wait(lock, [this] { return job_ == nullptr; });
}

void NetnsThread::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stop_ || job_ != nullptr; });
    if (job_ == nullptr) return;  // stopping, nothing pending
    lock.unlock();
    (*job_)();
    lock.lock();
    job_ = nullptr;
    changed_.notify_all();
  }
}

}  // namespace netsnap
