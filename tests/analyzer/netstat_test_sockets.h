// Builders for hand-made sockets in the netstat table tests: each test states only the fields
// it is about, so the expected rows stay readable.
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "netsnap/model.h"

namespace netsnap::netstat_test {

inline Endpoint endpoint(const char* address, uint16_t port) {
  Endpoint e;
  e.port = port;
  if (std::strchr(address, ':') != nullptr) {
    if (inet_pton(AF_INET6, address, e.address.data()) != 1) throw std::invalid_argument(address);
  } else if (inet_pton(AF_INET, address, e.address.data()) != 1) {
    throw std::invalid_argument(address);
  }
  return e;
}

inline Socket inet_socket(Protocol protocol, const char* local, uint16_t local_port,
                          const char* remote, uint16_t remote_port, uint8_t state) {
  Socket s;
  s.protocol = protocol;
  s.family = std::strchr(local, ':') != nullptr ? 10 : 2;
  s.local = endpoint(local, local_port);
  s.remote = endpoint(remote, remote_port);
  s.state = state;
  return s;
}

inline Socket tcp(const char* local, uint16_t local_port, const char* remote,
                  uint16_t remote_port, uint8_t state) {
  return inet_socket(Protocol::tcp, local, local_port, remote, remote_port, state);
}

inline Socket udp(const char* local, uint16_t local_port, const char* remote,
                  uint16_t remote_port, uint8_t state) {
  return inet_socket(Protocol::udp, local, local_port, remote, remote_port, state);
}

inline Socket unix_socket(uint8_t type, uint8_t state, uint32_t flags, uint64_t inode,
                          std::string path, uint32_t ref_count = 2) {
  Socket s;
  s.family = 1;
  s.protocol = Protocol::unix_;
  s.unix_type = type;
  s.state = state;
  s.unix_flags = flags;
  s.inode = inode;
  s.unix_path = std::move(path);
  s.ref_count = ref_count;
  return s;
}

inline Snapshot snapshot_of(std::vector<Socket> sockets, std::vector<Process> processes = {}) {
  Snapshot snapshot;
  Namespace ns;
  ns.inode = 4026531840;
  ns.sockets = std::move(sockets);
  snapshot.namespaces.push_back(std::move(ns));
  snapshot.processes = std::move(processes);
  return snapshot;
}

inline Process process(int32_t pid, std::string argv0) {
  Process p;
  p.pid = pid;
  p.argv0 = std::move(argv0);
  return p;
}

// The two fixed header lines, to keep the expected tables short.
inline const std::string inet_header =
    "Proto Recv-Q Send-Q Local Address           Foreign Address         State      ";
inline const std::string unix_header =
    "Proto RefCnt Flags       Type       State         I-Node  ";

}  // namespace netsnap::netstat_test
