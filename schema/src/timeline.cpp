// Several recording files as one timeline, and the Cursor that replays it. A delta is decoded
// against the snapshot the cursor holds when that is its base; otherwise (a seek, or after
// damage) from the key snapshot before it.
#include <capnp/serialize.h>
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "file_scan.h"
#include "record_read_ahead.h"
#include "netsnap.capnp.h"
#include "netsnap/recording_reader.h"
#include "netsnap/socket_summary.h"
#include "snapshot_delta.h"
#include "wire_codec.h"

namespace netsnap {

struct Timeline::State {
  std::vector<FileBytes> files;
  std::vector<RecordingFileInfo> infos;
  std::vector<SnapshotEntry> entries;
  std::vector<DamagedRegion> damage;
  std::vector<uint64_t> reported_offsets;  // runtime damage already reported
  RecordDecoder decoder;
  DeltaDecoder delta;
  SummaryDeltaDecoder summary_delta;
  SocketMatcher matcher;
  std::vector<uint8_t> scratch;
  // Started by the first sequential read (a Cursor); declared last so that it stops before the
  // files and entries it reads are destroyed.
  std::unique_ptr<RecordReadAhead> ahead;

  // Entry i's record: through the read-ahead when a Cursor replays in order, else read here.
  Result<kj::ArrayPtr<const capnp::word>> fetch(size_t i, FrameHeader& h, bool sequential) {
    const SnapshotEntry& e = entries[i];
    if (!sequential) return read_record(files[e.file], e.offset, decoder, h, scratch);
    if (!ahead) ahead = std::make_unique<RecordReadAhead>(files, entries);
    return ahead->record(i, h);
  }

  void report(const SnapshotEntry& e, const std::string& why) {
    if (std::find(reported_offsets.begin(), reported_offsets.end(), e.offset) !=
        reported_offsets.end())
      return;
    reported_offsets.push_back(e.offset);
    damage.push_back({infos[e.file].path, e.offset, 0, 1, why});
  }

  // Decodes entry i as a key snapshot into out.
  bool decode_key(size_t i, Snapshot& out, bool sequential = false) {
    const SnapshotEntry& e = entries[i];
    FrameHeader h;
    auto words = fetch(i, h, sequential);
    if (!words) return report(e, words.error().message), false;
    if (h.type != RecordType::key || h.seq != e.seq) return report(e, "index does not match record"), false;
    try {
      capnp::FlatArrayMessageReader reader(*words, RecordDecoder::options_for(words->size()));
      std::string why;
      if (wire_codec::read_snapshot(reader.getRoot<wire::Snapshot>(), out, why)) return true;
      return report(e, "undecodable snapshot: " + why), false;
    } catch (const kj::Exception& ex) {
      return report(e, std::string("undecodable snapshot: ") + ex.getDescription().cStr()), false;
    }
  }

  // Reads delta entry i and hands it to decode(delta, raw_bytes, why); reports what fails.
  template <class Decode>
  bool read_delta(size_t i, bool sequential, Decode&& decode) {
    const SnapshotEntry& e = entries[i];
    FrameHeader h;
    auto words = fetch(i, h, sequential);
    if (!words) return report(e, words.error().message), false;
    if (h.type != RecordType::delta || h.seq != e.seq) return report(e, "index does not match record"), false;
    std::string why;
    try {
      capnp::FlatArrayMessageReader reader(*words, RecordDecoder::options_for(words->size()));
      if (decode(reader.getRoot<wire::SnapshotDelta>(), h.raw_len, why)) return true;
    } catch (const kj::Exception& ex) {
      why = ex.getDescription().cStr();
    }
    return report(e, "undecodable delta: " + why), false;
  }

  // Applies delta entry i to `snapshot` (its base on entry) in place.
  bool apply_delta(size_t i, Snapshot& snapshot, SnapshotChanges& changes, bool history = true,
                   bool sequential = false) {
    return read_delta(i, sequential,
                      [&](wire::SnapshotDelta::Reader in, size_t raw, std::string& why) {
                        return delta.apply(snapshot, in, raw, changes, why, history);
                      });
  }

  // Moves a cursor to the next entry load(i) accepts: what Cursor::next and SummaryCursor::next
  // share. Deltas after an unreadable record in the same file cannot be rebuilt: they are
  // reported and skipped up to the next key.
  template <class Load>
  bool step(size_t& next, size_t& position, bool& started, Load&& load) {
    while (next < entries.size()) {
      size_t i = next++;
      if (load(i)) {
        position = i;
        started = true;
        return true;
      }
      while (next < entries.size() && !entries[next].is_key &&
             entries[next].file == entries[i].file) {
        report(entries[next], "base snapshot damaged");
        ++next;
      }
      started = false;
    }
    return false;
  }

  // Rebuilds entry i from the key snapshot before it in the same file.
  bool rebuild(size_t i, Snapshot& out) {
    size_t k = i;
    while (!entries[k].is_key) {
      if (k == 0 || entries[k - 1].file != entries[i].file) return false;
      --k;
    }
    if (!decode_key(k, out)) return false;
    SnapshotChanges ignored;
    for (size_t j = k + 1; j <= i; ++j)
      if (!apply_delta(j, out, ignored, false)) return false;
    return true;
  }
};

namespace {

Result<std::vector<std::string>> expand(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return Error{path + ": " + std::strerror(errno)};
    if (!S_ISDIR(st.st_mode)) {
      files.push_back(path);
      continue;
    }
    DIR* dir = opendir(path.c_str());
    if (!dir) return Error{path + ": " + std::strerror(errno)};
    std::vector<std::string> found;
    while (dirent* d = readdir(dir)) {
      std::string name = d->d_name;
      if (name.size() > 8 && name.compare(name.size() - 8, 8, ".netsnap") == 0)
        found.push_back(path + "/" + name);
    }
    closedir(dir);
    if (found.empty()) return Error{path + ": directory holds no *.netsnap recordings"};
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace

Timeline::Timeline(std::unique_ptr<State> state) : s_(std::move(state)) {}
Timeline::Timeline(Timeline&&) noexcept = default;
Timeline& Timeline::operator=(Timeline&&) noexcept = default;
Timeline::~Timeline() = default;

Result<Timeline> Timeline::open(const std::vector<std::string>& paths, ScanMode mode) {
  auto files = expand(paths);
  if (!files) return files.error();
  auto s = std::make_unique<State>();
  struct Opened {
    FileBytes bytes;
    FileScan scan;
  };
  std::vector<Opened> opened;
  for (const auto& path : *files) {
    auto bytes = FileBytes::open(path);
    if (!bytes) return bytes.error();
    auto scan = scan_file(*bytes, mode, s->decoder);
    if (!scan) return scan.error();
    opened.push_back({std::move(bytes.value()), std::move(scan.value())});
  }
  // Files in time order (by their first snapshot, else their start), snapshots in file order.
  auto start = [](const Opened& o) {
    return o.scan.entries.empty() ? o.scan.header.started_wall_ns : o.scan.entries.front().wall_ns;
  };
  std::stable_sort(opened.begin(), opened.end(),
                   [&](const Opened& a, const Opened& b) { return start(a) < start(b); });
  for (auto& o : opened) {
    uint32_t index = static_cast<uint32_t>(s->files.size());
    RecordingFileInfo info;
    info.path = o.bytes.path();
    info.size = o.bytes.size();
    info.format_version = o.scan.format_version;
    info.header = o.scan.header;
    info.snapshots = o.scan.entries.size();
    for (auto& e : o.scan.entries) {
      e.file = index;
      info.sockets_stored += e.sockets;
    }
    if (s->entries.empty()) s->entries = std::move(o.scan.entries);
    else s->entries.insert(s->entries.end(), o.scan.entries.begin(), o.scan.entries.end());
    s->damage.insert(s->damage.end(), o.scan.damage.begin(), o.scan.damage.end());
    s->infos.push_back(std::move(info));
    s->files.push_back(std::move(o.bytes));
  }
  return Timeline(std::move(s));
}

const std::vector<RecordingFileInfo>& Timeline::files() const { return s_->infos; }
const FileHeader& Timeline::header() const { return s_->infos.front().header; }
const std::vector<SnapshotEntry>& Timeline::entries() const { return s_->entries; }
std::vector<DamagedRegion> Timeline::damage() const { return s_->damage; }

void Timeline::merge_damage(const Timeline& other) {
  for (const DamagedRegion& region : other.s_->damage) {
    const bool known = std::any_of(s_->damage.begin(), s_->damage.end(), [&](const DamagedRegion& d) {
      return d.file == region.file && d.offset == region.offset;
    });
    if (!known) s_->damage.push_back(region);
  }
}

std::optional<size_t> Timeline::index_at_or_before(int64_t wall_ns) const {
  const auto& e = s_->entries;
  auto it = std::upper_bound(e.begin(), e.end(), wall_ns,
                             [](int64_t t, const SnapshotEntry& x) { return t < x.wall_ns; });
  if (it == e.begin()) return std::nullopt;
  return static_cast<size_t>(it - e.begin() - 1);
}

Result<Snapshot> Timeline::snapshot_at(size_t entry_index) {
  if (entry_index >= s_->entries.size()) return Error{"no such snapshot"};
  Snapshot out;
  if (!s_->rebuild(entry_index, out))
    return Error{s_->infos[s_->entries[entry_index].file].path + ": snapshot " +
                 std::to_string(s_->entries[entry_index].seq) + " is unreadable (damaged)"};
  return out;
}

Cursor Timeline::cursor(size_t start, CursorMode mode) { return Cursor(this, start, mode); }

Cursor::Cursor(Timeline* timeline, size_t start, CursorMode mode)
    : timeline_(timeline), position_(start), next_(start), mode_(mode) {}

bool Cursor::load(size_t i) {
  auto& s = *timeline_->s_;
  const SnapshotEntry& e = s.entries[i];
  bool have_base = started_ && position_ + 1 == i && position_ < s.entries.size() &&
                   s.entries[position_].file == e.file && current_.seq + 1 == e.seq;
  if (!e.is_key && have_base) {
    if (mode_ == CursorMode::with_previous) previous_ = current_;  // reuses previous_'s memory
    return s.apply_delta(i, current_, changes_, true, true);
  }
  Snapshot next;
  if (!(e.is_key ? s.decode_key(i, next, true) : s.rebuild(i, next))) return false;
  bool continuous = started_ && position_ + 1 == i;
  previous_ = std::move(current_);
  current_ = std::move(next);
  if (continuous) {
    compute_changes(previous_, current_, changes_, s.matcher);
  } else {
    changes_ = SnapshotChanges{};
  }
  if (mode_ == CursorMode::changes_only) previous_ = Snapshot{};
  return true;
}

bool Cursor::next() {
  return timeline_->s_->step(next_, position_, started_, [this](size_t i) { return load(i); });
}

SummaryCursor Timeline::summary_cursor(size_t start) { return SummaryCursor(this, start); }

SummaryCursor::SummaryCursor(Timeline* timeline, size_t start)
    : timeline_(timeline), position_(start), next_(start) {}

// As Cursor::load; a key, or a snapshot rebuilt after a jump, is decoded whole and summarized,
// and then counted from scratch (without whole sockets on both sides there is no matching).
bool SummaryCursor::load(size_t i) {
  auto& s = *timeline_->s_;
  const SnapshotEntry& e = s.entries[i];
  bool have_base = started_ && position_ + 1 == i && position_ < s.entries.size() &&
                   s.entries[position_].file == e.file && current_.snapshot.seq + 1 == e.seq;
  if (!e.is_key && have_base) {
    return s.read_delta(i, true, [&](wire::SnapshotDelta::Reader in, size_t raw, std::string& why) {
      return s.summary_delta.apply(current_, in, raw, changes_, why);
    });
  }
  Snapshot next;
  if (!(e.is_key ? s.decode_key(i, next, true) : s.rebuild(i, next))) return false;
  current_ = summarize(std::move(next));
  changes_.has_previous = false;
  changes_.gone.clear();
  changes_.came.clear();
  return true;
}

bool SummaryCursor::next() {
  return timeline_->s_->step(next_, position_, started_, [this](size_t i) { return load(i); });
}

}  // namespace netsnap
