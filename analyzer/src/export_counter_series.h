// The kernel counters of a whole export window, held compactly until they can be written one
// series after another, which OpenMetrics requires (a series' samples may not be interleaved
// with another's, and one family's series must be contiguous), while a replay yields them one
// snapshot at a time.
//
// Why buffer rather than replay once per series: a kernel has about 400 counters, and decoding
// a day-long recording once takes seconds; 400 replays would take an hour. Raw int64 values of
// 400 counters x 86,400 snapshots would take 276 MB; each sample is kept instead as a delta
// from the previous one in a variable-length code: an unchanged value (most of them, most of
// the time) costs 1 byte, a small increase 2, so that day costs about 35-70 MB. The sockets,
// the bulk of a recording, are never buffered (they are skipped after decoding).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "netsnap/model.h"

namespace netsnap::analysis {

// Whether a recorded kernel value is a level rather than a count since boot: every value of
// the /proc/net/sockstat* and /proc/sys/fs/file-nr tables, and the snmp values that RFC 1213
// and RFC 4022 define as gauges or constants (Tcp CurrEstab, RtoAlgorithm, RtoMin, RtoMax,
// MaxConn; Ip Forwarding, DefaultTTL). Everything else is a counter.
bool is_kernel_gauge(std::string_view table, std::string_view counter);

class CounterSeriesBuffer {
 public:
  struct SeriesName {
    std::string table, counter;
  };

  // Appends every counter value of the snapshot (the next in time order).
  void add(const Snapshot& snapshot);

  // Series in the order first met, and how many.
  const std::vector<SeriesName>& names() const { return names_; }

  // Calls visit(wall_ns, value) for each sample of series `id`, in time order. A series absent
  // from some snapshots (a kernel change between files) has no samples there.
  template <class Visit>
  void for_each_sample(size_t id, Visit&& visit) const {
    const Series& series = series_[id];
    size_t at = 0;
    uint64_t ordinal = UINT64_MAX, value = 0;
    while (at < series.encoded.size()) {
      const uint64_t tag = read_varint(series.encoded, at);
      ordinal += (tag >> 1) + 1;
      if (tag & 1) value += unzigzag(read_varint(series.encoded, at));
      visit(times_[ordinal], static_cast<int64_t>(value));
    }
  }

  // Bytes held by the samples (for tests and the comment above).
  size_t sample_bytes() const;

 private:
  struct Series {
    std::string encoded;                 // per sample: tag varint, then the delta when it changed
    uint64_t last_ordinal = UINT64_MAX;  // none yet: the first sample's ordinal step is +1 from it
    uint64_t last_value = 0;             // as unsigned, so that deltas wrap instead of overflowing
  };

  uint32_t id_of(const CounterTable& table, size_t position, size_t index);
  void append(Series& series, int64_t value);
  static uint64_t read_varint(const std::string& bytes, size_t& at);
  static uint64_t unzigzag(uint64_t z) { return (z >> 1) ^ (~(z & 1) + 1); }

  std::vector<int64_t> times_;  // by snapshot ordinal
  std::vector<SeriesName> names_;
  std::vector<Series> series_;
  std::unordered_map<std::string, uint32_t> ids_;  // "table\0counter" -> id
  // The ids of the previous snapshot's tables by position: a kernel keeps its tables and their
  // order, so the lookup above is needed only when a name at a position changed.
  std::vector<std::vector<uint32_t>> ids_by_position_;
};

}  // namespace netsnap::analysis
