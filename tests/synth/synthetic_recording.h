// Realistic recordings without a kernel: a simulated busy server (nginx, java, postgres, sshd,
// systemd...) whose sockets, processes and counters evolve snapshot by snapshot. Tests and
// benchmarks use it to get recordings of any size and shape through the real format library.
//
// Deterministic: the same spec gives the same snapshots on every run of a build (an own PRNG
// seeded from spec.seed; no clocks, no std::random_device).
//
// What it models (see synthetic_recording.cpp for the numbers):
// - A fixed set of services per namespace that never close: TCP listeners (v4/v6, backlog in
//   send_q), bound UDP, UNIX stream/dgram listeners with paths (abstract ones, one with a space).
// - Around them a mix of ESTABLISHED server and client connections (loopback, 10.x, IPv6,
//   IPv4-mapped), TIME_WAIT (inode 0, uid 0, timer 3, no owner), a few CLOSE_WAIT, connected
//   UDP, UNIX stream pairs (adjacent in the list, peers of each other) and UNIX dgram clients.
// - Stable order: a socket keeps its position; new sockets are appended, closed ones removed,
//   as the recorder's own order does. Cookies are unique and never reused.
// - Queues are mostly 0; "active" sockets get skewed values (small byte counts or multiples of
//   the MSS) and most drain back to 0 later. tcp_info and timers follow the queues.
// - ~23 processes owning the sockets (fd counts follow the sockets they own), kernel counter
//   tables that advance with the load, settings and users in the header only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "netsnap/model.h"
#include "netsnap/recording_writer.h"
#include "netsnap/result.h"

namespace netsnap::synth {

struct SyntheticSpec {
  uint32_t sockets = 1000;       // TCP/UDP/UNIX sockets alive at any time (approximately constant)
  uint64_t snapshots = 60;       // how many write_synthetic_recording writes
  double churn = 0.0;            // fraction of sockets replaced by new ones per snapshot
                                 // (closed + opened)
  double queue_activity = 0.05;  // fraction of sockets whose Recv-Q or Send-Q changes per snapshot
  int64_t start_wall_ns = 1'767'225'600'000'000'000;  // 2026-01-01T00:00:00Z
  int64_t interval_ns = 1'000'000'000;
  uint64_t seed = 1;
  bool tcp_info = false;         // fill tcp_info (realistic, slowly changing)
  bool owners = true;            // processes owning sockets
  uint32_t namespaces = 1;       // sockets are split evenly between them; 0 counts as 1
  // Labels of namespaces 1, 2, ... (the first, the host's, has none); "tenant-N" beyond them.
  std::vector<std::string> namespace_labels;
  // Snapshot indices (0-based) after which one interval is skipped (a gap in the recording);
  // repeat an index for a longer gap.
  std::vector<int64_t> gaps_after;
  // Count TIME_WAIT and keepalive timers down every snapshot, replacing expired TIME_WAIT
  // sockets by fresh ones. Realistic, but then every timed socket changes every snapshot, so
  // it is off by default: without it churn and queue_activity alone decide what changes.
  bool timers = false;
};

class SyntheticHost {
 public:
  explicit SyntheticHost(const SyntheticSpec& spec);
  SyntheticHost(SyntheticHost&&) noexcept;
  SyntheticHost& operator=(SyntheticHost&&) noexcept;
  ~SyntheticHost();

  // Host fields, capture options, settings (ip_local_port_range...), users; source synthetic.
  // options.key_interval is the writer's default; write_synthetic_recording sets the real one.
  FileHeader header() const;
  // The next snapshot: the first call gives the initial state at start_wall_ns, each later one
  // the state one interval (plus gaps) on. Valid until the next call; never ends on its own.
  const Snapshot& next();
  uint64_t produced() const;  // snapshots returned by next() so far

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Writes spec.snapshots snapshots of SyntheticHost(spec) to a new recording at `path`.
Status write_synthetic_recording(const std::string& path, const SyntheticSpec& spec,
                                 const WriterOptions& options);

}  // namespace netsnap::synth
