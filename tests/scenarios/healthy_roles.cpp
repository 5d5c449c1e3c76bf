// TEST ONLY: healthy traffic that a detector must leave alone, next to the problems: many idle
// pooled connections, steady request churn whose TIME_WAIT count is flat, and brief queue
// spikes that drain (the server pauses for less than a second now and then, as a garbage
// collector or a slow disk would make it).
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "scenario_roles.h"

namespace netsnap::scenario {
namespace {

using namespace std::chrono_literals;

constexpr size_t kRequestBytes = 1024;
constexpr size_t kReplyBytes = 4096;

// Every 7.3 s the server stops serving for 0.8 s. Requests and new connections queue up
// meanwhile (Recv-Q on pooled sockets, the listener's accept queue) and drain right after: a
// spike that 1 s snapshots see at most once, never as a queue that stays. The period is not a
// whole number of seconds so that successive snapshots catch the stalls at different phases
// (with 10 s they all landed at the same instant of every stall).
constexpr auto kStallEvery = 7300ms;
constexpr auto kStallFor = 800ms;

int poll_timeout_ms(Clock::time_point next) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now());
  return int(std::clamp<long>(left.count(), 1, 100));
}

// One connection of the client: a pooled one is reused, a churn one carries one request.
struct Exchange {
  int fd = -1;
  bool connecting = false;  // a churn connect still in progress
  size_t awaiting = 0;      // reply bytes still to come; 0 while a pooled connection is idle
  Clock::time_point started;
};

// Sends one request; false when the socket refused it.
bool send_request(RoleRun& run, Exchange& exchange) {
  static const std::vector<char> request(kRequestBytes, 'q');
  const ssize_t sent =
      ::send(exchange.fd, request.data(), request.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  if (sent != ssize_t(request.size())) {
    run.complain(sent < 0 ? errno_text("send request") : "send request: short write");
    return false;
  }
  exchange.awaiting = kReplyBytes;
  exchange.started = Clock::now();
  return true;
}

// Reads what has arrived; false when the connection is over (closed by the server or failed).
bool read_reply(RoleRun& run, Exchange& exchange) {
  char buffer[16 * 1024];
  const ssize_t got = ::read(exchange.fd, buffer, sizeof buffer);
  if (got < 0 && errno == EAGAIN) return true;
  if (got <= 0) {
    run.complain(got == 0 ? std::string("the server closed a connection") : errno_text("read"));
    return false;
  }
  exchange.awaiting -= std::min(exchange.awaiting, size_t(got));
  return true;
}

}  // namespace

int run_pool_server(RoleRun& run) {
  constexpr size_t kMaxOpen = 512;
  const int listener = listen_on(run.args().port, 256);
  if (listener < 0) return run.fail(errno_text("listen"));
  run.ready();
  static const std::vector<char> reply(kReplyBytes, 'r');
  std::vector<pollfd> fds{{listener, POLLIN, 0}};
  std::vector<size_t> unanswered{0};  // request bytes read but not yet answered, per entry
  auto next_stall = Clock::now() + kStallEvery;
  while (run.running()) {
    if (Clock::now() >= next_stall) {
      sleep_until(Clock::now() + kStallFor);
      next_stall += kStallEvery;
    }
    if (::poll(fds.data(), fds.size(), poll_timeout_ms(next_stall)) <= 0) continue;
    for (size_t i = fds.size(); i-- > 1;) {
      if (fds[i].revents == 0) continue;
      char buffer[64 * 1024];
      const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      if (got < 0 && errno == EAGAIN) continue;
      if (got <= 0) {  // the client closed (churn) or the connection failed
        ::close(fds[i].fd);
        fds[i] = fds.back();  // already visited: the loop runs from the back
        fds.pop_back();
        unanswered[i] = unanswered.back();
        unanswered.pop_back();
        continue;
      }
      for (unanswered[i] += size_t(got); unanswered[i] >= kRequestBytes;
           unanswered[i] -= kRequestBytes) {
        // 4 KiB always fits the send buffer: the client reads every reply at once.
        if (::send(fds[i].fd, reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL) !=
            ssize_t(reply.size())) {
          run.complain(errno_text("send reply"));
        }
      }
    }
    if (fds[0].revents & POLLIN) {
      for (int fd; (fd = accept_one(listener)) >= 0;) {
        if (fds.size() >= kMaxOpen) {
          close_with_reset(fd);
          continue;
        }
        fds.push_back({fd, POLLIN, 0});
        unanswered.push_back(0);
      }
    }
  }
  return 0;
}

int run_pool_client(RoleRun& run) {
  // 48 pooled connections, one request every 100 ms round robin (each connection idles ~5 s
  // between requests), and 10 short connections a second from the reserved local ports.
  constexpr int kPooled = 48;
  constexpr auto kPooledEvery = 100ms;
  constexpr auto kChurnEvery = 100ms;
  constexpr auto kChurnTimeout = 5s;
  std::vector<Exchange> pool(kPooled);
  for (Exchange& pooled : pool) {
    pooled.fd = connect_to(run.args().port);
    if (pooled.fd < 0) return run.fail(errno_text("connect (pool)"));
    set_nonblocking(pooled.fd);
  }
  run.ready();
  std::vector<Exchange> churn;
  size_t next_pooled_index = 0, churn_started = 0;
  auto next_pooled = Clock::now() + kPooledEvery, next_churn = Clock::now() + kChurnEvery;
  std::vector<pollfd> fds;
  while (run.running()) {
    auto now = Clock::now();
    if (now >= next_pooled) {
      next_pooled = std::max(next_pooled + kPooledEvery, now);
      Exchange& pooled = pool[next_pooled_index++ % pool.size()];
      if (pooled.fd >= 0 && pooled.awaiting == 0) send_request(run, pooled);
    }
    if (now >= next_churn) {
      next_churn = std::max(next_churn + kChurnEvery, now);
      const auto local =
          uint16_t(kPoolChurnFirstLocalPort + churn_started++ % kPoolChurnLocalPorts);
      Exchange fresh;
      fresh.fd = connect_to(run.args().port, true, local);
      fresh.connecting = true;
      fresh.started = now;
      if (fresh.fd < 0) {
        run.complain(errno_text("connect from port " + std::to_string(local)));
      } else {
        churn.push_back(fresh);
      }
    }

    fds.clear();
    for (const Exchange& pooled : pool) fds.push_back({pooled.fd, POLLIN, 0});  // -1: skipped
    for (const Exchange& one : churn)
      fds.push_back({one.fd, short(one.connecting ? POLLOUT : POLLIN), 0});
    if (::poll(fds.data(), fds.size(), poll_timeout_ms(std::min(next_pooled, next_churn))) < 0)
      continue;

    for (size_t i = 0; i < pool.size(); ++i) {
      if (fds[i].revents != 0 && !read_reply(run, pool[i])) {
        ::close(pool[i].fd);
        pool[i].fd = -1;  // the pool shrinks; the complaint says why
      }
    }
    now = Clock::now();
    for (size_t i = churn.size(); i-- > 0;) {
      Exchange& one = churn[i];
      const short events = fds[pool.size() + i].revents;
      bool over = false, reset = false;
      if (one.connecting && events != 0) {
        const int error = socket_error(one.fd);
        one.connecting = false;
        if (error != 0) {
          run.complain(std::string("connect: ") + std::strerror(error));
          over = reset = true;
        } else {
          over = reset = !send_request(run, one);
        }
      } else if (events != 0) {
        over = reset = !read_reply(run, one);
        over = over || one.awaiting == 0;  // answered: this side closes first, TIME_WAIT here
      }
      if (!over && now - one.started > kChurnTimeout) {
        run.complain("a request got no reply within 5 s");
        over = reset = true;
      }
      if (!over) continue;
      if (reset) {
        close_with_reset(one.fd);
      } else {
        ::close(one.fd);
      }
      one = churn.back();  // already visited: the loop runs from the back
      churn.pop_back();
    }
  }
  return 0;
}

}  // namespace netsnap::scenario
