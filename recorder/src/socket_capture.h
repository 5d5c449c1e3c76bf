// One snapshot of a network namespace's sockets: netlink sock_diag by default, the /proc/net
// text tables when netlink is unavailable or asked for. Problems with one source (a dump the
// kernel refuses, a file that cannot be read, malformed rows) become CaptureErrors next to
// the partial result; they never fail the whole capture.
//
// Both sources describe the namespace the capture was opened in: the netlink socket is bound
// to the namespace of the thread that calls open(), and /proc is read from `proc_root`
// ("/proc/PID" reads the tables of PID's namespace).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "netsnap/model.h"
#include "proc_net_reader.h"
#include "socket_capture_merge.h"
#include "sock_diag_client.h"

namespace netsnap {

struct InetTable;  // one (family, protocol) table: a netlink dump or a /proc/net file

struct SocketCaptureOptions {
  bool tcp = true, udp = true, raw = true, unix_ = true;
  bool tcp_info = true;                           // netlink only: /proc has no tcp_info
  CaptureSource source = CaptureSource::netlink;  // netlink (falls back to proc) or proc
  std::string proc_root = "/proc";
  uint32_t clock_ticks_per_second = 0;  // for /proc timer values; 0: sysconf(_SC_CLK_TCK)
};

class SocketCapture {
 public:
  explicit SocketCapture(SocketCaptureOptions options = {});

  // Opens the requested source in the calling thread's network namespace. When the netlink
  // socket cannot be opened, falls back to /proc and appends the reason to `errors`. Returns
  // the source now in use. capture() calls it when it has not been called yet.
  CaptureSource open(std::vector<CaptureError>& errors);

  // Replaces `ns.sockets` (reusing its capacity) with the sockets of this moment, in the
  // order the kernel reported them (per table: TCP, UDP, RAW, UNIX), without duplicates.
  // Appends problems to `errors`.
  void capture(Namespace& ns, std::vector<CaptureError>& errors);

  // The source actually used: netlink, proc, or unknown before open().
  CaptureSource source_used() const { return source_used_; }
  const SocketCaptureOptions& options() const { return options_; }

 private:
  static void fit_capacity(std::vector<Socket>& sockets);
  void reserve_for_first_capture(std::vector<Socket>& sockets);
  bool wants(Protocol protocol) const;
  void capture_netlink(std::vector<Socket>& out, std::vector<CaptureError>& errors);
  void capture_proc(std::vector<Socket>& out, std::vector<CaptureError>& errors);
  void dump_netlink_unix(std::vector<Socket>& out, std::vector<CaptureError>& errors);
  void read_proc_inet(const InetTable& table, std::vector<Socket>& out,
                      std::vector<CaptureError>& errors);
  // Parses /proc/net/unix into `out`; false when the file could not be read.
  bool read_proc_unix(std::vector<Socket>& out, std::vector<CaptureError>& errors);

  SocketCaptureOptions options_;
  CaptureSource source_used_ = CaptureSource::unknown;
  std::optional<SockDiagClient> netlink_;
  // Tables this kernel cannot dump over netlink (ENOENT: no diag handler), read from /proc
  // instead; found once, reported once.
  uint32_t proc_only_tables_ = 0;
  // The one-dump request for TCP over both families failed once: per-family dumps from then on.
  bool tcp_per_family_ = false;
  ProcNetReader proc_;
  std::vector<Socket> proc_unix_rows_;  // reused: /proc/net/unix rows to join with netlink
  std::vector<std::pair<uint64_t, uint32_t>> unix_by_inode_;  // reused by the join
};

}  // namespace netsnap
