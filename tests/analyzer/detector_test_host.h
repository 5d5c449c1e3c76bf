// A tiny scripted host for detector tests: the test edits `state` (sockets, processes,
// counters, settings) and calls snap() for each snapshot; run() writes the snapshots through
// the real RecordingWriter into a temp file, opens it as a Timeline and runs the detectors, so
// the detectors see exactly the changes a Cursor computes from a real recording.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "detectors/run_detectors.h"
#include "netsnap/model.h"
#include "netsnap/recording_writer.h"

namespace netsnap::detector_test {

using analysis::detectors::DetectorOptions;
using analysis::detectors::DetectorReport;
using analysis::detectors::Finding;
using analysis::detectors::Severity;

Endpoint v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port);

// A TCP/IPv4 socket. `cookie` is its identity; inode defaults to the cookie (0 for TIME_WAIT
// and request sockets, as the kernel reports them).
Socket tcp(uint8_t state, Endpoint local, Endpoint remote, uint64_t cookie,
           std::vector<int32_t> owners = {}, uint32_t recv_q = 0, uint32_t send_q = 0);
Socket listener(Endpoint local, uint32_t backlog, uint64_t cookie, std::vector<int32_t> owners = {},
                uint32_t recv_q = 0);
Process process(int32_t pid, std::string argv0, uint32_t fds, uint64_t nofile_soft = 1024);

class TestHost {
 public:
  explicit TestHost(std::string name);
  ~TestHost();

  Snapshot state;         // edited by the test; one namespace (inode 4026531840) at start
  FileHeader header;      // interval 1 s, owners on, ip_local_port_range 32768-60999
  int64_t interval_ns = 1'000'000'000;
  WriterOptions writer;   // key_interval: how often a key snapshot follows damage
  std::vector<size_t> damaged;  // snapshots (0-based) whose record run() corrupts after writing

  std::vector<Socket>& sockets() { return state.namespaces.front().sockets; }
  // Sets (adds) a counter in a table of `state`, e.g. counter("TcpExt", "ListenOverflows", 5).
  void counter(const std::string& table, const std::string& name, int64_t value);
  void setting(const std::string& name, const std::string& value);  // in the header
  // Removes sockets for which pred is true.
  template <class Pred>
  void close_if(Pred pred) {
    std::erase_if(sockets(), pred);
  }

  // Appends the current state as the next snapshot, `skip` intervals after the previous one.
  void snap(int skip = 0);
  size_t snapshots() const { return written_.size(); }

  std::vector<Finding> run(const DetectorOptions& options = {}, DetectorReport* notes = nullptr,
                           std::optional<size_t> first = std::nullopt,
                           std::optional<size_t> last = std::nullopt);

 private:
  std::string path_;
  std::vector<Snapshot> written_;
  int64_t next_wall_ns_;
};

// The findings of one kind.
std::vector<Finding> of_kind(const std::vector<Finding>& findings, const std::string& kind);
// The highest severity among findings (info when there are none).
Severity highest(const std::vector<Finding>& findings);
// The number in a finding's facts, NaN when missing.
double fact(const Finding& finding, const std::string& name);
bool has_not_judged(const DetectorReport& notes, const std::string& kind);
// For failure messages: kind, severity, summary of each finding.
std::string describe(const std::vector<Finding>& findings);

}  // namespace netsnap::detector_test
