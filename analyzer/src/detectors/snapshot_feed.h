// The series builder's engine: walks a window of a Timeline once with a changes-only Cursor
// and hands a FeedListener the socket events of each step (closed, changed with old and new
// values, opened), so that detectors keep their per-key series incrementally. The cost of a
// step grows with what changed, not with the number of sockets. Every socket is handed over
// again (after reset()) only when a step has no previous snapshot (the window's first, after
// damage), when a namespace vanished (its sockets have no closed events), or when a setting
// that decides how sockets are grouped (ip_local_port_range) changed.
// Only IPv4/IPv6 TCP sockets are passed on: every detector is about TCP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "detectors/bucketed_series.h"
#include "detectors/kernel_counter_feed.h"
#include "detectors/socket_keys.h"
#include "namespace_selection.h"
#include "netsnap/recording_reader.h"
#include "socket_owner.h"

namespace netsnap::analysis::detectors {

// The settings detectors use, from the current file's header plus settings_changed.
struct HostSettings {
  PortRange port_range;            // the default when not recorded
  bool port_range_recorded = false;
  std::optional<int64_t> max_tw_buckets;
};

// pid -> process of the current snapshot, built on the first lookup of a step (most steps
// look nothing up), so a large process table costs nothing on quiet steps.
class ProcessLookup {
 public:
  void set_snapshot(const Snapshot* snapshot) { snapshot_ = snapshot, built_ = false; }
  const Process* find(int32_t pid);
  bool any() const { return snapshot_ && !snapshot_->processes.empty(); }

 private:
  const Snapshot* snapshot_ = nullptr;
  bool built_ = false;
  ProcessIndex index_;
};

// The program name netstat -p shows (argv0, its basename when it is a path), else comm.
std::string program_name(const Process& process);

struct FeedContext {
  const BucketClock& clock;
  Moment moment;
  const Snapshot& snapshot;  // the current one
  const HostSettings& settings;
  const KernelCounterFeed& counters;
  ProcessLookup& processes;
  bool owners_recorded;      // the recording's options asked for owners
  bool owners_complete;      // ...and the recorder could see every process's (root)
};

class FeedListener {
 public:
  virtual ~FeedListener() = default;
  // full: every socket follows as added(), after reset().
  virtual void begin_snapshot(const FeedContext& context, bool full) = 0;
  virtual void reset(const FeedContext& context) = 0;
  virtual void added(const FeedContext& context, uint64_t netns, const Socket& socket) = 0;
  virtual void removed(const FeedContext& context, uint64_t netns, const Socket& socket) = 0;
  virtual void changed(const FeedContext& context, uint64_t netns, const Socket& before,
                       const Socket& after) = 0;
  virtual void end_snapshot(const FeedContext& context) = 0;
};

struct FeedSummary {
  uint64_t snapshots = 0;
  uint64_t full_recounts = 0;
  uint64_t socket_changes = 0;
  uint64_t gaps = 0;              // steps longer than 1.5 x the nominal interval
  int64_t longest_gap_ns = 0;
  int64_t interval_ns = 0;        // nominal (the header's capture interval)
  bool owners_recorded = false;   // the header asked for owners
  bool owners_seen = false;       // some snapshot had a process table
  bool owners_complete = true;    // every header said owners were complete (root)
  bool proc_source = false;       // some snapshot came from /proc (no backlog, no cookies)
  uint64_t namespaces_seen = 0;
  HostSettings settings;          // as of the window's end
  std::unordered_map<uint64_t, std::string> netns_names;
};

class SnapshotFeed {
 public:
  // `assumed_port_range`: used until (and unless) a header or snapshot records the setting.
  // `namespaces` (--netns, which must outlive the feed): the namespaces replayed.
  SnapshotFeed(PortRange assumed_port_range, const NamespaceSelection& namespaces)
      : assumed_port_range_(assumed_port_range), namespaces_(namespaces) {}

  // Replays entries [first_entry, last_entry] (clamped to the timeline) into `listener`.
  // `clock` must have been made for the same window.
  FeedSummary run(Timeline& timeline, size_t first_entry, size_t last_entry, BucketClock& clock,
                  KernelCounterFeed& counters, FeedListener& listener);

 private:
  PortRange assumed_port_range_;
  const NamespaceSelection& namespaces_;
};

}  // namespace netsnap::analysis::detectors
