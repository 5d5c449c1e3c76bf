// The kernel's socket counters, recorded whole with every snapshot: /proc/net/netstat
// (TcpExt, IpExt, MPTcpExt...), /proc/net/snmp (Ip, Icmp, Tcp, Udp...), /proc/net/snmp6,
// /proc/net/sockstat and sockstat6, /proc/sys/fs/file-nr. Tables keep the kernel's names and
// order: the set differs across kernels, and the analyzer pairs tables and counters by name.
//
// Parsers take a file's bytes, never a path. A table that does not parse is left out and
// reported; the others are kept (partial results plus a reason).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "netsnap/model.h"
#include "netsnap/result.h"

namespace netsnap {

// Hands out the tables of a vector one after another, reusing the ones already there (and
// their strings' capacity) before growing it: the per-snapshot path stops allocating once
// warm. finish() drops what the previous snapshot had beyond this one.
class CounterTableSink {
 public:
  explicit CounterTableSink(std::vector<CounterTable>& tables) : tables_(tables) {}
  // A new table named `name` with no counters yet.
  CounterTable& add(std::string_view name);
  // Takes back the table add() just handed out (it did not parse).
  void drop_last() { --used_; }
  size_t size() const { return used_; }
  void finish() { tables_.resize(used_); }

 private:
  std::vector<CounterTable>& tables_;
  size_t used_ = 0;
};

// /proc/net/netstat and /proc/net/snmp: pairs of lines "Tcp: RtoAlgorithm RtoMin ..." then
// "Tcp: 1 200 ...". One table per pair, named by the prefix ("TcpExt", "Tcp").
Status parse_snmp_style_counters(std::string_view contents, CounterTableSink& out);

// /proc/net/snmp6: one "Name value" per line ("Udp6InErrors 0"): one table named "snmp6".
Status parse_snmp6_counters(std::string_view contents, CounterTableSink& out);

// /proc/net/sockstat ("TCP: inuse 5 orphan 0 tw 0 alloc 7 mem 1") and sockstat6
// ("TCP6: inuse 2"): one table per line named "<file>.<prefix>", e.g. "sockstat.TCP",
// "sockstat.sockets", "sockstat6.UDP6"; `file` is "sockstat" or "sockstat6".
Status parse_sockstat_counters(std::string_view contents, std::string_view file,
                               CounterTableSink& out);

// /proc/sys/fs/file-nr: "allocated unused max" -> table "fs.file-nr".
Status parse_file_nr_counters(std::string_view contents, CounterTableSink& out);

// Reads every counter file under a /proc root (injectable for tests) into a vector reused
// from snapshot to snapshot. /proc/net is the reading thread's network namespace.
class KernelCounterReader {
 public:
  explicit KernelCounterReader(std::string proc_root = "/proc") : root_(std::move(proc_root)) {}

  // Replaces `tables` with this moment's counters. Each file that cannot be read or parsed
  // appends one CaptureError (source: the file's path); whatever parsed is kept. Files that
  // only exist with IPv6 (snmp6, sockstat6) may be absent without an error.
  void read(std::vector<CounterTable>& tables, std::vector<CaptureError>& errors);

 private:
  template <class Parse>
  void read_one(const char* relative_path, bool optional, std::vector<CaptureError>& errors,
                Parse&& parse);

  std::string root_;
  std::string path_;
  std::string contents_;
};

}  // namespace netsnap
