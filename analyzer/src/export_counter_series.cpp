#include "export_counter_series.h"

#include <algorithm>
#include <array>

namespace netsnap::analysis {
namespace {

constexpr uint32_t unknown_id = UINT32_MAX;

void append_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

uint64_t zigzag(uint64_t delta) {
  // The delta as a signed number, small magnitudes to small codes: 0, -1, 1, -2... -> 0, 1, 2, 3.
  return (delta << 1) ^ (static_cast<int64_t>(delta) < 0 ? UINT64_MAX : 0);
}

}  // namespace

bool is_kernel_gauge(std::string_view table, std::string_view counter) {
  if (table.starts_with("sockstat") || table == "fs.file-nr") return true;
  static constexpr std::array<std::string_view, 5> tcp_gauges = {"RtoAlgorithm", "RtoMin", "RtoMax",
                                                                 "MaxConn", "CurrEstab"};
  if (table == "Tcp") {
    for (const std::string_view name : tcp_gauges)
      if (counter == name) return true;
  }
  return table == "Ip" && (counter == "Forwarding" || counter == "DefaultTTL");
}

void CounterSeriesBuffer::add(const Snapshot& snapshot) {
  times_.push_back(snapshot.wall_ns);
  ids_by_position_.resize(snapshot.counters.size());
  for (size_t t = 0; t < snapshot.counters.size(); ++t) {
    const CounterTable& table = snapshot.counters[t];
    const size_t count = std::min(table.names.size(), table.values.size());
    ids_by_position_[t].resize(count, unknown_id);
    for (size_t v = 0; v < count; ++v) append(series_[id_of(table, t, v)], table.values[v]);
  }
}

uint32_t CounterSeriesBuffer::id_of(const CounterTable& table, size_t position, size_t index) {
  uint32_t& cached = ids_by_position_[position][index];
  if (cached != unknown_id && names_[cached].table == table.name &&
      names_[cached].counter == table.names[index])
    return cached;
  std::string key = table.name;
  key.push_back('\0');
  key.append(table.names[index]);
  const auto [found, added] =
      ids_.try_emplace(std::move(key), static_cast<uint32_t>(names_.size()));
  if (added) {
    names_.push_back({table.name, table.names[index]});
    series_.emplace_back();
  }
  cached = found->second;
  return cached;
}

void CounterSeriesBuffer::append(Series& series, int64_t value) {
  const uint64_t ordinal = times_.size() - 1;
  // A table listing one name twice would give one ordinal two samples: keep the first.
  if (series.last_ordinal == ordinal) return;
  const uint64_t delta = static_cast<uint64_t>(value) - series.last_value;
  // The tag: how many snapshots since the last sample (minus one) and whether the value
  // changed; the changed value's delta follows.
  append_varint(series.encoded, ((ordinal - series.last_ordinal - 1) << 1) | (delta != 0));
  if (delta != 0) append_varint(series.encoded, zigzag(delta));
  series.last_ordinal = ordinal;
  series.last_value = static_cast<uint64_t>(value);
}

uint64_t CounterSeriesBuffer::read_varint(const std::string& bytes, size_t& at) {
  uint64_t value = 0;
  for (int shift = 0; at < bytes.size() && shift < 64; shift += 7) {
    const auto byte = static_cast<uint8_t>(bytes[at++]);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) break;
  }
  return value;
}

size_t CounterSeriesBuffer::sample_bytes() const {
  size_t bytes = 0;
  for (const Series& series : series_) bytes += series.encoded.size();
  return bytes;
}

}  // namespace netsnap::analysis
