#include "detectors/run_detectors.h"

#include <algorithm>

#include "detectors/detector_set.h"
#include "detectors/finding_builder.h"

namespace netsnap::analysis::detectors {
namespace {

// What the reader of a report must know about the window before trusting its findings.
void add_caveats(const FeedSummary& feed, const KernelCounterFeed& counters,
                 const BucketClock& clock, DetectorReport& notes) {
  if (feed.gaps > 0)
    notes.caveats.push_back(std::to_string(feed.gaps) + " gaps between snapshots (longest " +
                            format_duration(static_cast<double>(feed.longest_gap_ns) / 1e9) +
                            "): persistence counts snapshots, durations use wall time");
  if (feed.full_recounts > 1)
    notes.caveats.push_back(std::to_string(feed.full_recounts - 1) +
                            " breaks in the replay (damaged records): queue runs restart there; "
                            "CLOSE_WAIT ages continue for sockets found again");
  if (feed.namespaces_seen > 1)
    notes.caveats.push_back(std::to_string(feed.namespaces_seen) +
                            " network namespaces: keys are per namespace; kernel counters and "
                            "sockstat are the recorder's own namespace's");
  if (counters.resets() > 0)
    notes.caveats.push_back(std::to_string(counters.resets()) +
                            " kernel counter resets (a counter went down: reboot or a new "
                            "namespace); those intervals count as no increase");
  if (feed.owners_recorded && !feed.owners_complete)
    notes.caveats.push_back("owners are incomplete (recorded without root): sockets of other "
                            "users have no process");
  if (!feed.owners_seen)
    notes.caveats.push_back("no owning processes recorded: findings name ports and addresses, "
                            "not processes");
  if (clock.snapshots() > 1)
    notes.caveats.push_back("snapshots are not atomic: a socket can change while the kernel "
                            "dumps the table, so single-snapshot oddities are not findings");
}

// Hands every event to two listeners in turn: one replay serving both.
class ListenerPair final : public FeedListener {
 public:
  ListenerPair(FeedListener& first, FeedListener& second) : first_(first), second_(second) {}
  void begin_snapshot(const FeedContext& c, bool full) override {
    first_.begin_snapshot(c, full);
    second_.begin_snapshot(c, full);
  }
  void reset(const FeedContext& c) override {
    first_.reset(c);
    second_.reset(c);
  }
  void added(const FeedContext& c, uint64_t netns, const Socket& socket) override {
    first_.added(c, netns, socket);
    second_.added(c, netns, socket);
  }
  void removed(const FeedContext& c, uint64_t netns, const Socket& socket) override {
    first_.removed(c, netns, socket);
    second_.removed(c, netns, socket);
  }
  void changed(const FeedContext& c, uint64_t netns, const Socket& before,
               const Socket& after) override {
    first_.changed(c, netns, before, after);
    second_.changed(c, netns, before, after);
  }
  void end_snapshot(const FeedContext& c) override {
    first_.end_snapshot(c);
    second_.end_snapshot(c);
  }

 private:
  FeedListener& first_;
  FeedListener& second_;
};

}  // namespace

const std::vector<std::string_view>& detector_kinds() {
  static const std::vector<std::string_view> kinds = {
      "time_wait_buildup",     "ephemeral_port_pressure", "tw_bucket_overflow",
      "close_wait_leak",       "accept_queue_overflow",   "syn_queue_overflow",
      "recv_queue_backlog",    "send_queue_backlog"};
  return kinds;
}

std::vector<Finding> run_detectors(Timeline& timeline, size_t first_entry, size_t last_entry,
                                   const DetectorOptions& options, DetectorReport& notes,
                                   FeedListener* also) {
  notes = DetectorReport{};
  std::vector<Finding> findings;
  const size_t entries = timeline.entries().size();
  if (entries == 0 || first_entry >= entries || first_entry > last_entry) {
    notes.not_judged.push_back({"all", "the window holds no snapshots"});
    return findings;
  }
  last_entry = std::min(last_entry, entries - 1);
  BucketClock clock(first_entry, last_entry, options.series_points);
  KernelCounterFeed counters;
  DetectorSet detectors(options);
  const PortRange assumed{options.default_port_low, options.default_port_high};
  ListenerPair both(detectors, also != nullptr ? *also : detectors);
  FeedListener& listener = also != nullptr ? static_cast<FeedListener&>(both) : detectors;
  const FeedSummary feed = SnapshotFeed(assumed, options.namespaces)
                               .run(timeline, first_entry, last_entry, clock, counters, listener);
  notes.snapshots = feed.snapshots;
  notes.full_recounts = feed.full_recounts;
  notes.socket_changes = feed.socket_changes;
  notes.gaps = feed.gaps;
  notes.interval_ns = feed.interval_ns;
  notes.window_start_ns = clock.start_ns();
  notes.window_end_ns = clock.end_ns();
  if (feed.snapshots == 0) {
    notes.not_judged.push_back({"all", "no snapshot of the window could be read (damaged)"});
    return findings;
  }
  if (feed.snapshots == 1)
    notes.not_judged.push_back({"all", "a single snapshot: persistence, trends and counter "
                                       "increases need at least two"});
  const FinishContext context{clock, options, feed, counters, notes, findings};
  detectors.finish(context);
  add_caveats(feed, counters, clock, notes);
  limit_info_findings(findings, options.max_info_findings_per_kind, notes.findings_omitted);
  rank_findings(findings);
  return findings;
}

}  // namespace netsnap::analysis::detectors
