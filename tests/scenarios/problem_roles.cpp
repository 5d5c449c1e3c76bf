// TEST ONLY: the programs that produce each problem for real, one pair per detector kind. Rates
// are low (tens of connections a second at most) so the scenario stays cheap on a shared
// machine; each rate is chosen so a 30-60 s recording shows a clear trend.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "scenario_roles.h"

namespace netsnap::scenario {
namespace {

using namespace std::chrono_literals;

// Accepts everything pending on `listener` into `kept`; past `cap` a new connection is reset
// so no role can run out of descriptors, however long it is left running.
void accept_pending(int listener, std::vector<int>& kept, size_t cap) {
  for (int fd; (fd = accept_one(listener)) >= 0;) {
    if (kept.size() < cap) {
      kept.push_back(fd);
    } else {
      close_with_reset(fd);
    }
  }
}

// Waits up to `timeout` for a connection on `listener`.
bool wait_readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, int(timeout.count())) > 0;
}

}  // namespace

int run_leaky_server(RoleRun& run) {
  // 10 leaked sockets a second for the longest run the supervisor allows stays below this.
  constexpr size_t kMaxLeaked = 8000;
  raise_fd_limit(kMaxLeaked + 64);
  const int listener = listen_on(run.args().port, 128);
  if (listener < 0) return run.fail(errno_text("listen"));
  run.ready();
  std::vector<int> leaked;  // the bug: accepted, never read, never closed
  while (run.running()) {
    if (wait_readable(listener, 200ms)) accept_pending(listener, leaked, kMaxLeaked);
  }
  return 0;
}

int run_leaky_client(RoleRun& run) {
  // Connect and close at once: the server's end, never closed, stays in CLOSE_WAIT.
  Pacer pacer(100ms);
  while (run.running()) {
    const int fd = connect_to(run.args().port);
    if (fd < 0) {
      run.complain(errno_text("connect"));
    } else {
      ::close(fd);
      run.ready();
    }
    pacer.wait();
  }
  return 0;
}

int run_churn_server(RoleRun& run) {
  // Closes only after reading the client's FIN, so the client always closes first and the
  // TIME_WAIT lands on the client's side, keyed by this destination (as with a real API
  // server behind clients that do not pool).
  constexpr size_t kMaxOpen = 1000;
  const int listener = listen_on(run.args().port, 1024);
  if (listener < 0) return run.fail(errno_text("listen"));
  run.ready();
  std::vector<pollfd> fds{{listener, POLLIN, 0}};
  while (run.running()) {
    if (::poll(fds.data(), fds.size(), 200) <= 0) continue;
    for (size_t i = fds.size(); i-- > 1;) {
      if (fds[i].revents == 0) continue;
      char buffer[512];
      const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0 || (got < 0 && errno == EAGAIN)) continue;
      ::close(fds[i].fd);
      fds[i] = fds.back();  // already visited: the loop runs from the back
      fds.pop_back();
    }
    if (fds[0].revents & POLLIN) {
      std::vector<int> fresh;
      accept_pending(listener, fresh, kMaxOpen - fds.size());
      for (int fd : fresh) fds.push_back({fd, POLLIN, 0});
    }
  }
  return 0;
}

int run_churn_client(RoleRun& run) {
  // 25 short connections a second to one destination. TIME_WAIT lasts 60 s on Linux, so the
  // count rises by ~25/s for the first minute: +1000 over a 40 s recording.
  constexpr auto kEvery = 40ms;
  static const char kRequest[] = "GET /health\n";
  Pacer pacer(kEvery);
  while (run.running()) {
    const int fd = connect_to(run.args().port);
    if (fd < 0) {
      run.complain(errno_text("connect"));
    } else {
      if (::send(fd, kRequest, sizeof kRequest - 1, MSG_NOSIGNAL) < 0)
        run.complain(errno_text("send"));
      ::close(fd);
      run.ready();
    }
    pacer.wait();
  }
  return 0;
}

int run_slow_reader(RoleRun& run) {
  // A fixed 64 KiB receive buffer (no autotuning): Recv-Q fills within seconds and stays.
  constexpr int kReceiveBuffer = 64 * 1024;
  const int listener = listen_on(run.args().port, 16, kReceiveBuffer);
  if (listener < 0) return run.fail(errno_text("listen"));
  run.ready();
  std::vector<int> never_read;
  while (run.running()) {
    if (wait_readable(listener, 200ms)) accept_pending(listener, never_read, 64);
  }
  return 0;
}

int run_steady_sender(RoleRun& run) {
  // 16 KiB/s on each of two connections into slow-reader. Once its Recv-Q is full the window
  // closes and the bytes pile up here: a 1 MiB send buffer takes about a minute to fill, so
  // Send-Q grows through the whole recording instead of hitting its ceiling at once.
  constexpr int kConnections = 2;
  constexpr size_t kChunk = 4096;
  constexpr int kSendBuffer = 512 * 1024;  // the kernel doubles it
  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i) {
    const int fd = connect_to(run.args().port);
    if (fd < 0) return run.fail(errno_text("connect"));
    set_nonblocking(fd);
    force_send_buffer(fd, kSendBuffer);
    fds.push_back(fd);
  }
  run.ready();
  static const std::vector<char> chunk(kChunk, 'x');
  Pacer pacer(250ms);
  while (run.running()) {
    for (int fd : fds) {
      // EAGAIN once the send buffer is full: the queue stays where it is.
      if (::send(fd, chunk.data(), chunk.size(), MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
          errno != EAGAIN) {
        run.complain(errno_text("send"));
      }
    }
    pacer.wait();
  }
  return 0;
}

int run_tiny_backlog(RoleRun& run) {
  // listen(fd, 1) and never accept(): two handshakes fill the queue (it holds backlog + 1),
  // every later SYN is dropped and counted in ListenOverflows and ListenDrops.
  const int listener = listen_on(run.args().port, 1);
  if (listener < 0) return run.fail(errno_text("listen"));
  run.ready();
  while (run.running()) sleep_until(Clock::now() + 200ms);
  return 0;
}

int run_backlog_client(RoleRun& run) {
  // A new nonblocking connect every 250 ms. Attempts stuck in SYN_SENT are given up after
  // 3 s (about three SYNs each, all dropped); the few that completed a handshake are kept
  // open, so the listener's queue holds live connections and no CLOSE_WAIT appears there.
  constexpr auto kGiveUpAfter = 3s;
  constexpr size_t kMaxConnected = 32;
  struct Attempt {
    int fd;
    Clock::time_point started;
  };
  std::vector<Attempt> pending;
  std::vector<int> connected;
  Pacer pacer(250ms);
  while (run.running()) {
    const int fd = connect_to(run.args().port, true);
    if (fd < 0) {
      run.complain(errno_text("connect"));
    } else {
      pending.push_back({fd, Clock::now()});
      run.ready();
    }
    const auto now = Clock::now();
    for (size_t i = pending.size(); i-- > 0;) {
      pollfd p{pending[i].fd, POLLOUT, 0};
      const bool done = ::poll(&p, 1, 0) > 0;
      if (done && socket_error(pending[i].fd) == 0 && connected.size() < kMaxConnected) {
        connected.push_back(pending[i].fd);
      } else if (done || now - pending[i].started > kGiveUpAfter) {
        close_with_reset(pending[i].fd);  // still in SYN_SENT (or refused): nothing left over
      } else {
        continue;
      }
      pending[i] = pending.back();
      pending.pop_back();
    }
    pacer.wait();
  }
  return 0;
}

}  // namespace netsnap::scenario
