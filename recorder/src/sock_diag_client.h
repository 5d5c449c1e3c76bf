// The thin I/O around sock_diag_parser.h: one NETLINK_SOCK_DIAG socket, dump requests, and
// the receive loop with its retries. A resource type: movable, not copyable.
//
// A netlink socket dumps the network namespace it was created in, for its whole life: to
// capture another namespace, setns() into it before open().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "netsnap/model.h"
#include "netsnap/result.h"

namespace netsnap {

struct SockDiagRequest {
  // AF_INET or AF_INET6; AF_UNIX with Protocol::unix_. AF_UNSPEC with Protocol::tcp: both
  // families in one dump, through the older TCPDIAG_GETSOCK request, whose kernel side walks
  // the TCP hash tables once for both (a v2 request walks them once per family: at 100,000
  // sockets that walk is most of a snapshot's cost).
  uint8_t family = 0;
  Protocol protocol = Protocol::tcp;  // tcp, udp, udplite, raw, or unix_
  bool tcp_info = false;              // TCP only: also ask for INET_DIAG_INFO (struct tcp_info)
};

struct SockDiagDumpStats {
  size_t sockets = 0;         // appended to the output vector
  size_t malformed = 0;       // messages or attributes skipped (see SockDiagBatch)
  size_t stale = 0;           // replies to an earlier request, skipped
  bool inconsistent = false;  // NLM_F_DUMP_INTR on the retry as well: kept, may miss or repeat
  bool unsupported = false;   // the kernel has no sock_diag handler for this family/protocol
                              // (ENOENT, e.g. no raw_diag): nothing appended, use /proc
  unsigned attempts = 0;      // 2 when the first dump was interrupted or hit ENOBUFS
};

class SockDiagClient {
 public:
  // Opens the socket in the calling thread's network namespace. Fails where sock_diag is not
  // available (seccomp, a kernel without CONFIG_INET_DIAG): the caller falls back to /proc.
  static Result<SockDiagClient> open();

  SockDiagClient(SockDiagClient&& other) noexcept;
  SockDiagClient& operator=(SockDiagClient&& other) noexcept;
  SockDiagClient(const SockDiagClient&) = delete;
  SockDiagClient& operator=(const SockDiagClient&) = delete;
  ~SockDiagClient();

  // Dumps every socket of `request`'s family and protocol in every state (TCP: including
  // TIME_WAIT and SYN_RECV request sockets) and appends them to `out`. An interrupted dump
  // (NLM_F_DUMP_INTR) or a lost message (ENOBUFS) is retried once; an interrupted retry is
  // kept and flagged `inconsistent`. A kernel without a handler for the protocol is not a
  // failure but `unsupported`. On failure `out` is left as it was.
  Result<SockDiagDumpStats> dump(const SockDiagRequest& request, std::vector<Socket>& out);

 private:
  struct ReceiveFailure {
    int error = 0;             // errno; 0 when the dump completed
    bool from_kernel = false;  // the kernel answered NLMSG_ERROR (e.g. ENOENT: no diag module)
  };

  explicit SockDiagClient(int fd);
  Status send_request(const SockDiagRequest& request, uint32_t seq);
  ReceiveFailure receive_dump(Protocol protocol, uint32_t seq, std::vector<Socket>& out,
                              SockDiagDumpStats& stats);
  // Reads and drops what is left of dump `seq`: the kernel refuses a new dump (EBUSY) while
  // one is still running on this socket.
  void discard_rest_of_dump(uint32_t seq);

  int fd_ = -1;
  uint32_t next_seq_ = 1;
  std::unique_ptr<uint8_t[]> buffer_;  // reused for every recv
};

}  // namespace netsnap
