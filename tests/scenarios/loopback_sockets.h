// TEST ONLY: the few socket calls the scenario roles make, on 127.0.0.1 inside the private
// network namespace. Each returns a file descriptor or -1 with errno set, so a role can say
// what failed and carry on (a refused connection is part of some scenarios, not a bug).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace netsnap::scenario {

using Clock = std::chrono::steady_clock;

// A listening, nonblocking TCP socket on 127.0.0.1:port. rcvbuf > 0 fixes the receive buffer before
// listen(), so accepted sockets inherit it (a bounded Recv-Q instead of autotuning).
int listen_on(uint16_t port, int backlog, int rcvbuf = 0);

// A TCP socket connected to 127.0.0.1:port. Blocking unless nonblocking (then the connect may
// still be in progress: EINPROGRESS is success). local_port > 0 binds it first, with
// SO_REUSEADDR so a port whose previous connection sits in TIME_WAIT can be taken again.
int connect_to(uint16_t port, bool nonblocking = false, uint16_t local_port = 0);

// Accepts one pending connection without blocking; -1 (EAGAIN) when there is none.
int accept_one(int listener);

void set_nonblocking(int fd);

// Closes with an RST instead of a FIN (SO_LINGER 0): no TIME_WAIT left behind.
void close_with_reset(int fd);

// Asks for a send buffer of `bytes` (SO_SNDBUFFORCE as root, else SO_SNDBUF, capped by
// net.core.wmem_max); returns what the kernel granted.
int force_send_buffer(int fd, int bytes);

// Raises the soft open-file limit towards `wanted` (not above the hard limit).
void raise_fd_limit(long wanted);

// The pending error of a nonblocking connect (0 once connected).
int socket_error(int fd);

// "what: strerror(errno)" for a role's one-line complaints.
std::string errno_text(const std::string& what);

// Sleeps until `when` or until a signal interrupts the sleep.
void sleep_until(Clock::time_point when);

}  // namespace netsnap::scenario
