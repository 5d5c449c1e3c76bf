// The summary decoder (SummaryDeltaDecoder) must accept exactly the deltas the whole-socket
// decoder (DeltaDecoder) accepts, fail the others with the same reason, and keep for every
// socket the summary of what the whole-socket decoder rebuilds. A damaged record normally fails
// its CRC before decoding; these deltas are mangled after encoding, as a writer bug or a
// collision would leave them, so that the decoders' own checks are what is compared.
#include <capnp/message.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "netsnap/socket_summary.h"
#include "snapshot_delta.h"
#include "synth/synthetic_recording.h"

using namespace netsnap;

namespace {

using SummaryKey = std::tuple<uint8_t, Protocol, uint8_t, uint32_t, uint32_t>;
using SummaryCounts = std::map<SummaryKey, int64_t>;

SummaryKey key_of(const SocketSummary& s) {
  return {s.family, s.protocol, s.state, s.recv_q, s.send_q};
}

SummaryCounts counts_of(const SummarySnapshot& snapshot) {
  SummaryCounts counts;
  for (const auto& sockets : snapshot.sockets)
    for (const SocketSummary& s : sockets) ++counts[key_of(s)];
  std::erase_if(counts, [](const auto& entry) { return entry.second == 0; });
  return counts;
}

// Mangles one Data field of one namespace: flips, sets or drops a byte, or appends one.
void mangle(wire::SnapshotDelta::Builder delta, uint64_t& random) {
  const auto next = [&random](uint64_t below) {
    random = random * 6364136223846793005ull + 1442695040888963407ull;
    return (random >> 33) % below;
  };
  auto ns = delta.getNamespaces()[static_cast<unsigned>(next(delta.getNamespaces().size()))];
  const uint64_t which = next(3);
  auto field = which == 0 ? ns.getRemoved() : which == 1 ? ns.getChanged() : ns.getAdded();
  std::vector<uint8_t> bytes(field.begin(), field.end());
  const uint64_t how = next(4);
  if (how == 3 || bytes.empty()) {
    bytes.push_back(static_cast<uint8_t>(next(256)));
  } else {
    const size_t at = next(bytes.size());
    if (how == 0) bytes[at] ^= static_cast<uint8_t>(1 + next(255));
    if (how == 1) bytes[at] = static_cast<uint8_t>(0x80 | next(128));  // a varint runs on
    if (how == 2) bytes.resize(at);
  }
  const capnp::Data::Reader mangled(bytes.data(), bytes.size());
  if (which == 0) ns.setRemoved(mangled);
  if (which == 1) ns.setChanged(mangled);
  if (which == 2) ns.setAdded(mangled);
}

TEST(SummaryDeltaDecoder, AgreesWithTheWholeSocketDecoderOnIntactAndMangledDeltas) {
  synth::SyntheticSpec spec;
  spec.sockets = 150;
  spec.churn = 0.05;
  spec.queue_activity = 0.3;
  spec.timers = true;
  spec.tcp_info = true;
  spec.namespaces = 2;
  synth::SyntheticHost host(spec);
  Snapshot previous = host.next();
  DeltaEncoder encoder;
  DeltaDecoder whole_decoder;
  SummaryDeltaDecoder summary_decoder;
  uint64_t random = 7;
  int accepted = 0, rejected = 0;
  std::map<std::string, int> reasons;
  for (int step = 0; step < 25; ++step) {
    const Snapshot& current = host.next();
    capnp::MallocMessageBuilder message;
    // The encoder turns its argument into the next snapshot in place: keep the base apart.
    Snapshot stored = previous;
    encoder.encode(stored, current, message.initRoot<wire::SnapshotDelta>());
    for (int attempt = 0; attempt < 60; ++attempt) {
      capnp::MallocMessageBuilder copy;
      copy.setRoot(message.getRoot<wire::SnapshotDelta>().asReader());
      if (attempt > 0) mangle(copy.getRoot<wire::SnapshotDelta>(), random);
      const auto delta = copy.getRoot<wire::SnapshotDelta>().asReader();

      Snapshot whole = previous;
      SnapshotChanges changes;
      std::string whole_why;
      const bool whole_ok = whole_decoder.apply(whole, delta, 1 << 30, changes, whole_why);
      SummarySnapshot summary = summarize(Snapshot(previous));
      const SummaryCounts before = counts_of(summary);
      SummaryChanges summary_changes;
      std::string summary_why;
      const bool summary_ok =
          summary_decoder.apply(summary, delta, 1 << 30, summary_changes, summary_why);

      const std::string where =
          "step " + std::to_string(step) + " attempt " + std::to_string(attempt);
      ASSERT_EQ(summary_ok, whole_ok) << where << ": " << whole_why << " / " << summary_why;
      if (!whole_ok) {
        ASSERT_EQ(summary_why, whole_why) << where;
        ++reasons[whole_why];
        ++rejected;
        continue;
      }
      ++accepted;
      const SummarySnapshot expected = summarize(Snapshot(whole));
      ASSERT_EQ(summary.sockets, expected.sockets) << where;
      ASSERT_EQ(summary.snapshot.wall_ns, whole.wall_ns);
      ASSERT_EQ(summary.snapshot.counters, whole.counters);
      // gone and came turn the previous snapshot's counts into the current one's.
      SummaryCounts counts = before;
      for (const SocketSummary& s : summary_changes.gone) --counts[key_of(s)];
      for (const SocketSummary& s : summary_changes.came) ++counts[key_of(s)];
      std::erase_if(counts, [](const auto& entry) { return entry.second == 0; });
      ASSERT_EQ(counts, counts_of(expected)) << where;
      EXPECT_TRUE(summary_changes.has_previous);
      if (attempt == 0) {
        EXPECT_FALSE(summary_changes.came.empty()) << where;
      }
    }
    previous = std::move(stored);
  }
  // Both outcomes, and many different reasons, were exercised.
  EXPECT_GT(accepted, 100);
  EXPECT_GT(rejected, 300);
  EXPECT_GE(reasons.size(), 8u);
}

}  // namespace
