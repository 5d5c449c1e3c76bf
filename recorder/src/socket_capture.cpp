#include "socket_capture.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <string_view>
#include <utility>

#include "proc_net_parser.h"
#include "socket_capture_merge.h"

namespace netsnap {

// One (family, protocol) pair: one netlink dump or one /proc/net file.
struct InetTable {
  uint8_t family;
  Protocol protocol;
  std::string_view proc_name;     // file under <proc_root>/net/
  std::string_view netlink_name;  // CaptureError source for the dump
  bool optional = false;          // a kernel without it has no /proc file either: not an error
};

constexpr InetTable kInetTables[] = {
    {AF_INET, Protocol::tcp, "tcp", "netlink tcp"},
    {AF_INET6, Protocol::tcp, "tcp6", "netlink tcp6"},
    {AF_INET, Protocol::udp, "udp", "netlink udp"},
    {AF_INET6, Protocol::udp, "udp6", "netlink udp6"},
    // UDP-Lite (netstat -U) goes with UDP; it is deprecated and may be compiled out.
    {AF_INET, Protocol::udplite, "udplite", "netlink udplite", true},
    {AF_INET6, Protocol::udplite, "udplite6", "netlink udplite6", true},
    {AF_INET, Protocol::raw, "raw", "netlink raw"},
    {AF_INET6, Protocol::raw, "raw6", "netlink raw6"},
};

namespace {

constexpr std::string_view kNetlinkUnixName = "netlink unix";
// Bit of proc_only_tables_ for UNIX; the bits below it are kInetTables' indices.
constexpr uint32_t kUnixTableBit = 1U << std::size(kInetTables);

uint32_t resolve_ticks_per_second(uint32_t configured) {
  if (configured != 0) return configured;
  const long ticks = ::sysconf(_SC_CLK_TCK);
  return ticks > 0 ? static_cast<uint32_t>(ticks) : 100;
}

void report_dump_problems(std::string_view source, const SockDiagDumpStats& stats,
                          std::vector<CaptureError>& errors) {
  if (stats.inconsistent) {
    errors.push_back({std::string(source),
                      "the socket tables changed during the dump twice in a row "
                      "(NLM_F_DUMP_INTR); kept the second, which may miss or repeat sockets"});
  }
  if (stats.malformed != 0) {
    errors.push_back(
        {std::string(source),
         std::to_string(stats.malformed) + " malformed netlink messages or attributes skipped"});
  }
}

}  // namespace

SocketCapture::SocketCapture(SocketCaptureOptions options)
    : options_(std::move(options)), proc_(options_.proc_root) {
  options_.clock_ticks_per_second = resolve_ticks_per_second(options_.clock_ticks_per_second);
}

bool SocketCapture::wants(Protocol protocol) const {
  switch (protocol) {
    case Protocol::tcp: return options_.tcp;
    case Protocol::udp:
    case Protocol::udplite: return options_.udp;
    case Protocol::raw: return options_.raw;
    case Protocol::unix_: return options_.unix_;
    default: return false;
  }
}

CaptureSource SocketCapture::open(std::vector<CaptureError>& errors) {
  if (options_.source == CaptureSource::proc) {
    source_used_ = CaptureSource::proc;
    return source_used_;
  }
  auto client = SockDiagClient::open();
  if (client) {
    netlink_.emplace(std::move(client).value());
    source_used_ = CaptureSource::netlink;
  } else {
    errors.push_back({"netlink", client.error().message + "; reading /proc/net instead"});
    source_used_ = CaptureSource::proc;
  }
  return source_used_;
}

void SocketCapture::capture(Namespace& ns, std::vector<CaptureError>& errors) {
  if (source_used_ == CaptureSource::unknown) open(errors);
  ns.sockets.clear();  // keeps the capacity: no reallocation once the first snapshots are in
  if (ns.sockets.capacity() == 0) reserve_for_first_capture(ns.sockets);
  if (source_used_ == CaptureSource::netlink) {
    capture_netlink(ns.sockets, errors);
  } else {
    capture_proc(ns.sockets, errors);
  }
  remove_duplicate_sockets(ns.sockets);
  fit_capacity(ns.sockets);
}

void SocketCapture::reserve_for_first_capture(std::vector<Socket>& sockets) {
  const auto sockstat = proc_.read("sockstat");
  if (!sockstat) return;  // only an estimate: the array grows as it fills without one
  const size_t estimate = parse_sockstat_socket_estimate(sockstat.value());
  if (estimate != 0) sockets.reserve(estimate + estimate / 16 + 64);
}

void SocketCapture::fit_capacity(std::vector<Socket>& sockets) {
  // The array lives as long as the recorder: after growth (by a quarter while parsing) or a
  // spike that has passed, keep a sixteenth of headroom, not up to a quarter (or more) unused.
  const size_t n = sockets.size();
  if (sockets.capacity() <= n + n / 8 + 64) return;
  std::vector<Socket> fitted;
  fitted.reserve(n + n / 16);
  std::move(sockets.begin(), sockets.end(), std::back_inserter(fitted));
  sockets.swap(fitted);
}

void SocketCapture::capture_netlink(std::vector<Socket>& out, std::vector<CaptureError>& errors) {
  // TCP over IPv4 and IPv6 in one dump (kInetTables' first two), unless it failed before or
  // either table is read from /proc; a failure falls back to the per-family dumps below.
  bool tcp_done = false;
  if (wants(Protocol::tcp) && !tcp_per_family_ && (proc_only_tables_ & 3U) == 0) {
    const size_t before = out.size();
    const auto dumped = netlink_->dump({AF_UNSPEC, Protocol::tcp, options_.tcp_info}, out);
    if (dumped && !dumped.value().unsupported) {
      report_dump_problems("netlink tcp", dumped.value(), errors);
      tcp_done = true;
    } else {
      out.resize(before);
      tcp_per_family_ = true;
    }
  }
  for (size_t index = 0; index < std::size(kInetTables); ++index) {
    const InetTable& table = kInetTables[index];
    if (!wants(table.protocol)) continue;
    if (tcp_done && table.protocol == Protocol::tcp) continue;
    if (proc_only_tables_ & (1U << index)) {
      read_proc_inet(table, out, errors);
      continue;
    }
    const SockDiagRequest request{table.family, table.protocol, options_.tcp_info};
    const auto dumped = netlink_->dump(request, out);
    if (dumped && !dumped.value().unsupported) {
      report_dump_problems(table.netlink_name, dumped.value(), errors);
      continue;
    }
    // Without this protocol's diag module (no raw_diag is common) or after a refused dump,
    // /proc still has the sockets: one source's problem should not cost the protocol.
    const std::string path = proc_.path_of(table.proc_name);
    if (dumped) {
      proc_only_tables_ |= 1U << index;
      errors.push_back(
          {std::string(table.netlink_name),
           "this kernel cannot dump it (no sock_diag handler); reading " + path + " from now on"});
    } else {
      errors.push_back({std::string(table.netlink_name),
                        dumped.error().message + "; read " + path + " instead"});
    }
    read_proc_inet(table, out, errors);
  }
  if (wants(Protocol::unix_)) dump_netlink_unix(out, errors);
}

void SocketCapture::dump_netlink_unix(std::vector<Socket>& out, std::vector<CaptureError>& errors) {
  if (proc_only_tables_ & kUnixTableBit) {
    read_proc_unix(out, errors);
    return;
  }
  const size_t unix_begin = out.size();
  const auto dumped = netlink_->dump({AF_UNIX, Protocol::unix_, false}, out);
  if (!dumped || dumped.value().unsupported) {
    const std::string path = proc_.path_of("unix");
    if (dumped) {
      proc_only_tables_ |= kUnixTableBit;
      errors.push_back(
          {std::string(kNetlinkUnixName),
           "this kernel cannot dump it (no unix_diag); reading " + path + " from now on"});
    } else {
      errors.push_back(
          {std::string(kNetlinkUnixName), dumped.error().message + "; read " + path + " instead"});
    }
    read_proc_unix(out, errors);
    return;
  }
  report_dump_problems(kNetlinkUnixName, dumped.value(), errors);
  const size_t unix_end = out.size();

  // unix_diag leaves out sockets without an inode and has no RefCount: /proc/net/unix has both.
  proc_unix_rows_.clear();
  if (!read_proc_unix(proc_unix_rows_, errors)) return;
  merge_proc_unix(out, unix_begin, unix_end, proc_unix_rows_, unix_by_inode_);
}

void SocketCapture::capture_proc(std::vector<Socket>& out, std::vector<CaptureError>& errors) {
  for (const InetTable& table : kInetTables) {
    if (!wants(table.protocol)) continue;
    read_proc_inet(table, out, errors);
  }
  if (wants(Protocol::unix_)) read_proc_unix(out, errors);
}

void SocketCapture::read_proc_inet(const InetTable& table, std::vector<Socket>& out,
                                   std::vector<CaptureError>& errors) {
  const auto contents = proc_.read(table.proc_name);
  if (!contents) {
    // A missing raw6/udp6 file just means the kernel lacks that protocol; still say so. A
    // kernel without UDP-Lite is common enough not to be worth a message every snapshot.
    const std::string path = proc_.path_of(table.proc_name);
    if (table.optional && ::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return;
    errors.push_back({path, contents.error().message});
    return;
  }
  const ProcNetParseStats stats = parse_proc_net_inet(contents.value(), table.family,
                                                      table.protocol,
                                                      options_.clock_ticks_per_second, out);
  if (stats.malformed != 0) {
    errors.push_back({proc_.path_of(table.proc_name),
                      std::to_string(stats.malformed) + " malformed lines skipped"});
  }
}

bool SocketCapture::read_proc_unix(std::vector<Socket>& out, std::vector<CaptureError>& errors) {
  const auto contents = proc_.read("unix");
  if (!contents) {
    errors.push_back({proc_.path_of("unix"), contents.error().message});
    return false;
  }
  const ProcNetParseStats stats = parse_proc_net_unix(contents.value(), out);
  if (stats.malformed != 0) {
    errors.push_back(
        {proc_.path_of("unix"), std::to_string(stats.malformed) + " malformed lines skipped"});
  }
  return true;
}

}  // namespace netsnap
