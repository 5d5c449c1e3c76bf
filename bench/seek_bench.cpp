// Times what `--at TIME` costs a fresh process: opening a (long) recording through its time
// index, finding the snapshot at a random time and rebuilding it (key snapshot + deltas).
// Usage: netsnap-seek-bench FILE [SEEKS]. Prints one line of figures; bench/run-format-bench
// puts them in RESULTS.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "netsnap/recording_reader.h"

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: netsnap-seek-bench FILE [SEEKS]\n");
    return 2;
  }
  int seeks = argc > 2 ? std::atoi(argv[2]) : 50;
  std::mt19937_64 random(42);
  std::vector<double> open_ms, seek_ms, total_ms;
  size_t snapshots = 0, sockets = 0;
  for (int i = 0; i < seeks; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto timeline = netsnap::Timeline::open({argv[1]}, netsnap::ScanMode::fast);
    if (!timeline) {
      std::fprintf(stderr, "netsnap-seek-bench: %s\n", timeline.error().message.c_str());
      return 2;
    }
    double opened = ms_since(t0);
    const auto& entries = timeline->entries();
    snapshots = entries.size();
    int64_t first = entries.front().wall_ns, last = entries.back().wall_ns;
    int64_t target = first + static_cast<int64_t>(random() % static_cast<uint64_t>(last - first + 1));
    auto t1 = std::chrono::steady_clock::now();
    auto at = timeline->index_at_or_before(target);
    auto snapshot = timeline->snapshot_at(*at);
    if (!snapshot) {
      std::fprintf(stderr, "netsnap-seek-bench: %s\n", snapshot.error().message.c_str());
      return 1;
    }
    seek_ms.push_back(ms_since(t1));
    open_ms.push_back(opened);
    total_ms.push_back(ms_since(t0));
    sockets = snapshot->namespaces.empty() ? 0 : snapshot->namespaces[0].sockets.size();
  }
  std::printf("snapshots %zu, sockets %zu, seeks %d: open (lookup) median %.1f ms; rebuild median %.1f ms, "
              "p95 %.1f ms, max %.1f ms; total median %.1f ms, max %.1f ms\n",
              snapshots, sockets, seeks, percentile(open_ms, 0.5), percentile(seek_ms, 0.5),
              percentile(seek_ms, 0.95), percentile(seek_ms, 1.0), percentile(total_ms, 0.5),
              percentile(total_ms, 1.0));
  return 0;
}
