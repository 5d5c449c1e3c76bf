// The fast way to list a long recording: follow the chain of TimeIndex records backwards
// from the last one instead of reading every frame (a day at 1 s is 86,400 frames but only
// 1,350 index records). Any inconsistency makes the caller fall back to the full walk.
#include <capnp/serialize.h>

#include <algorithm>

#include "file_scan.h"
#include "netsnap.capnp.h"

namespace netsnap {
namespace {

constexpr uint64_t BACKWARD_SEARCH_LIMIT = 256ull << 20;

// The offset of the last intact index record, searching backwards from the end.
std::optional<uint64_t> find_last_index(const FileBytes& file) {
  std::vector<uint8_t> chunk;
  const uint64_t step = 1 << 20;
  uint64_t end = file.size();
  uint64_t floor = file.size() > BACKWARD_SEARCH_LIMIT ? file.size() - BACKWARD_SEARCH_LIMIT : 0;
  while (end > floor + PREAMBLE_SIZE) {
    uint64_t begin = std::max<uint64_t>(end > step ? end - step : 0, floor);
    size_t n = static_cast<size_t>(std::min<uint64_t>(end + 3, file.size()) - begin);
    if (!file.read(begin, n, chunk)) return std::nullopt;
    for (size_t i = std::min<size_t>(n, end - begin); i-- > 0;) {
      if (i + 4 > n || chunk[i] != 0x53 || chunk[i + 1] != 0x4E || chunk[i + 2] != 0x52 ||
          chunk[i + 3] != 0x46)
        continue;
      auto h = file.frame_at(begin + i);
      if (h && h->type == RecordType::index) return begin + i;
    }
    end = begin;
  }
  return std::nullopt;
}

}  // namespace

bool scan_by_index(const FileBytes& file, RecordDecoder& decoder, FileScan& scan) {
  auto last = find_last_index(file);
  if (!last) return false;
  // Index records are read newest first; their entries go into one flat vector and are put
  // in time order at the end (a day is ~700 records: no per-record allocations).
  std::vector<SnapshotEntry> flat;
  std::vector<std::pair<size_t, size_t>> chunks;  // (start in flat, count), newest first
  std::vector<uint8_t> scratch;
  uint64_t offset = *last;
  for (;;) {
    FrameHeader h;
    auto words = read_record(file, offset, decoder, h, scratch);
    if (!words || h.type != RecordType::index) return false;
    uint64_t previous = 0;
    try {
      capnp::FlatArrayMessageReader reader(*words, RecordDecoder::options_for(words->size()));
      auto index = reader.getRoot<wire::TimeIndex>();
      previous = index.getPreviousIndexOffset();
      // Checked before it sizes anything: a chain that does not run backwards (a previous at or
      // past this record) would also make the size guess below divide by zero.
      if (previous != 0 && (previous >= offset || previous < PREAMBLE_SIZE)) return false;
      auto entries = index.getEntries();
      // A guess at the whole chain's size, capped: no file holds more frames than this, and a
      // crafted index (valid CRC, nonsense offsets) must not make it a huge allocation.
      if (flat.empty())
        flat.reserve(std::min<uint64_t>(entries.size() * (file.size() / (offset - previous + 1) + 2),
                                        file.size() / FRAME_HEADER_SIZE + 1));
      chunks.emplace_back(flat.size(), entries.size());
      uint64_t floor = previous;
      for (auto e : entries) {
        // Entries must lie between the previous index record and this one, in order.
        if (e.getOffset() <= floor || e.getOffset() >= offset) return false;
        floor = e.getOffset();
        flat.push_back({0, e.getOffset(), e.getSeq(), e.getWallNs(), e.getIsKey(), e.getSockets()});
      }
    } catch (const kj::Exception&) {
      return false;
    }
    if (previous == 0) break;
    offset = previous;
  }
  scan.entries.clear();
  scan.entries.reserve(flat.size() + 1024);
  for (auto it = chunks.rbegin(); it != chunks.rend(); ++it)
    scan.entries.insert(scan.entries.end(), flat.begin() + it->first, flat.begin() + it->first + it->second);
  scan.last_index_offset = *last;

  // Frames written after the last index record: walk their headers.
  auto h = file.frame_at(*last);
  uint64_t at = *last + FRAME_HEADER_SIZE + h->stored_len;
  scan.end_of_valid = at;
  while (at < file.size()) {
    auto f = file.frame_at(at);
    if (!f) {
      // Resynchronize as the full walk does: the snapshots after a damaged frame here (a
      // crashed run's unindexed tail, or an index record itself) are as readable as any.
      uint64_t next = find_frame_from(file, at + 1, [&](uint64_t o) { return file.frame_at(o).has_value(); });
      scan.damage.push_back({file.path(), at, next - at, 0,
                             next == file.size() ? "cut short or damaged after the last index record"
                                                 : "damaged bytes after the last index record"});
      at = next;
      continue;
    }
    if (f->type == RecordType::key || f->type == RecordType::delta)
      scan.entries.push_back({0, at, f->seq, f->wall_ns, f->type == RecordType::key, 0});
    at += FRAME_HEADER_SIZE + f->stored_len;
    scan.end_of_valid = at;
  }
  return true;
}

}  // namespace netsnap
