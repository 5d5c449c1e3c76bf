#include "signal_watcher.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace netsnap {

int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

SignalWatcher::SignalWatcher() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  quit_fd_ = eventfd(0, EFD_CLOEXEC);
  thread_ = std::thread([this] { watch(); });
}

SignalWatcher::~SignalWatcher() {
  uint64_t one = 1;
  if (write(quit_fd_, &one, sizeof one) < 0) { /* the watcher ends with the process anyway */ }
  if (thread_.joinable()) thread_.join();
  close(signal_fd_);
  close(wake_fd_);
  close(quit_fd_);
}

void SignalWatcher::watch() {
  for (;;) {
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {quit_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents) return;
    signalfd_siginfo info{};
    if (read(signal_fd_, &info, sizeof info) != sizeof info) continue;
    if (info.ssi_signo == SIGHUP) {
      reopen_ = true;
    } else if (stop_.exchange(true)) {
      _exit(128 + static_cast<int>(info.ssi_signo));  // second stop signal: at once
    }
    uint64_t one = 1;
    if (write(wake_fd_, &one, sizeof one) < 0) { /* a pending wake is enough */ }
  }
}

void SignalWatcher::sleep_until(int64_t deadline_mono_ns) {
  for (;;) {
    if (stop_requested()) return;
    int64_t left = deadline_mono_ns - monotonic_ns();
    if (left <= 0) return;
    timespec timeout{left / 1'000'000'000, left % 1'000'000'000};
    pollfd fd{wake_fd_, POLLIN, 0};
    int n = ppoll(&fd, 1, &timeout, nullptr);
    if (n > 0) {
      uint64_t count;
      if (read(wake_fd_, &count, sizeof count) < 0) { /* drained by another read */ }
      return;  // a signal: let the loop look at the requests
    }
  }
}

}  // namespace netsnap
