// The sockets the owner process opens in its private network namespace, and what a recording
// of that namespace must say about each of them. Built in the forked owner before it execs
// (see namespace_owner.h), described to the test over a pipe as text lines.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netsnap/model.h"

namespace netsnap::live {

// One socket, by the role it plays in the scenario ("tcp4-close-wait", "unix-space-listen").
struct ExpectedSocket {
  std::string role;
  Socket fields;                // family, protocol, state, endpoints, inode, cookie, uid, unix
  bool owned = true;            // held by the owner process (false: inode 0, no holder)
  bool check_recv_q = false;    // fields.recv_q is exact
  bool check_send_q = false;    // fields.send_q is exact
  bool recv_q_nonzero = false;  // only "> 0" is known (UDP charges memory, not payload)
  bool send_q_nonzero = false;
};

struct NamespaceSockets {
  std::vector<ExpectedSocket> expected;
  std::vector<int> keep_fds;       // descriptors the owner keeps open through exec
  int tcp_active_opens = 0;        // connect() calls: Tcp ActiveOpens of the fresh namespace
  std::vector<std::string> notes;  // sockets that could not be made here, and why
};

// Every socket state of the issue: TCP LISTEN (v4, v6, dual stack), ESTABLISHED (v4, v6,
// v4-mapped), SYN_SENT (a silent route through a tun device, and a full listener), SYN_RECV,
// CLOSE_WAIT, FIN_WAIT2, TIME_WAIT; Recv-Q and Send-Q; UDP bound and connected; RAW v4/v6; UNIX
// stream, dgram and seqpacket, listening and connected, with a path, a path with spaces and
// an abstract name. A few are created with fsuid 65534 so that two users appear. UNIX paths go
// under `unix_dir`. Runs in the owner after unshare(CLONE_NEWNET); throws std::runtime_error.
void make_every_socket_state(const std::string& unix_dir, NamespaceSockets& out);

// One TCP listener and one UNIX listener: enough for the timing and signal tests.
void make_minimal_sockets(NamespaceSockets& out);

std::string serialize(const ExpectedSocket& socket);
bool deserialize(const std::string& line, ExpectedSocket& socket);

// "127.0.0.1:40001", "[::1]:80", "@abstract", "/path" - for failure messages.
std::string describe(const Socket& socket);

}  // namespace netsnap::live
