// The writer keeps the last snapshot it stored (in stored order, updated in place) to encode
// the next one as a delta, and the index entries since its last TimeIndex record.
#include "netsnap/recording_writer.h"

#include <capnp/message.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "file_scan.h"
#include "netsnap.capnp.h"
#include "record_codec.h"
#include "snapshot_delta.h"
#include "wire_codec.h"

namespace netsnap {

struct RecordingWriter::State {
  std::string path;
  FileHeader header;
  WriterOptions options;
  int fd = -1;
  uint32_t format_version = FORMAT_VERSION;  // an appended file keeps its own
  uint64_t end = 0;  // file size: where the next frame goes
  uint64_t seq = 0;
  uint64_t since_key = 0;
  bool need_key = true;
  Snapshot previous;  // the last snapshot written, as a reader rebuilds it
  uint64_t last_index_offset = 0;
  std::vector<SnapshotEntry> pending;  // not yet in a TimeIndex record
  uint64_t bytes = 0, snapshots = 0;
  RecordEncoder encoder;
  DeltaEncoder delta;
  std::vector<uint8_t> frame;

  ~State() {
    if (fd >= 0) ::close(fd);
  }

  Error io_error(const char* what) const {
    return Error{path + ": " + what + ": " + std::strerror(errno)};
  }

  // Writes the frame in `frame`; on failure rolls the file back to its previous end so it
  // never ends in a torn frame of ours (a full disk must not damage what is there).
  Status write_frame() {
    size_t done = 0;
    while (done < frame.size()) {
      ssize_t n = ::pwrite(fd, frame.data() + done, frame.size() - done,
                           static_cast<off_t>(end + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        Error e = io_error("write failed");
        if (ftruncate(fd, static_cast<off_t>(end)) != 0) { /* nothing more to do */ }
        return e;
      }
      done += static_cast<size_t>(n);
    }
    end += frame.size();
    bytes += frame.size();
    return ok_status();
  }

  Status write_header_record() {
    capnp::MallocMessageBuilder message;
    FileHeader h = header;
    h.format_version = format_version;
    wire_codec::write_header(h, message.initRoot<wire::FileHeader>());
    encoder.encode(RecordType::header, 0, 0, message, [&](size_t) { return options.key_zstd_level; }, frame);
    return write_frame();
  }

  Status write_index() {
    if (pending.empty()) return ok_status();
    capnp::MallocMessageBuilder message;
    auto index = message.initRoot<wire::TimeIndex>();
    index.setPreviousIndexOffset(last_index_offset);
    auto entries = index.initEntries(pending.size());
    for (size_t i = 0; i < pending.size(); ++i) {
      entries[i].setOffset(pending[i].offset);
      entries[i].setSeq(pending[i].seq);
      entries[i].setWallNs(pending[i].wall_ns);
      entries[i].setIsKey(pending[i].is_key);
      entries[i].setSockets(pending[i].sockets);
    }
    encoder.encode(RecordType::index, 0, 0, message, [&](size_t) { return options.key_zstd_level; }, frame);
    uint64_t at = end;
    Status s = write_frame();
    if (!s) return s;
    last_index_offset = at;
    pending.clear();
    return ok_status();
  }
};

namespace {

// `to` = `from`, with a sixteenth of spare capacity in each socket array so that the deltas
// after a key grow it in place rarely: each growth briefly holds two copies (2 x 25 MB at
// 100,000 sockets).
void copy_with_headroom(const Snapshot& from, Snapshot& to) {
  to.seq = from.seq;
  to.wall_ns = from.wall_ns;
  to.mono_ns = from.mono_ns;
  to.capture_ns = from.capture_ns;
  to.source = from.source;
  to.errors = from.errors;
  to.processes = from.processes;
  to.counters = from.counters;
  to.settings_changed = from.settings_changed;
  to.users_added = from.users_added;
  to.namespaces.resize(from.namespaces.size());
  for (size_t n = 0; n < from.namespaces.size(); ++n) {
    const Namespace& f = from.namespaces[n];
    Namespace& t = to.namespaces[n];
    t.inode = f.inode;
    t.name = f.name;
    if (t.sockets.capacity() < f.sockets.size()) {
      std::vector<Socket>().swap(t.sockets);  // free the old array before taking the new one
      t.sockets.reserve(f.sockets.size() + f.sockets.size() / 16);
    }
    t.sockets.assign(f.sockets.begin(), f.sockets.end());
  }
}

// A key needs no base: the previous snapshot's sockets are freed before the key's message
// is built and copied again after it is freed, so the writer never holds the key's message
// and both socket arrays at once (the recorder's peak memory otherwise).
void release_sockets(Snapshot& s) {
  for (Namespace& ns : s.namespaces) std::vector<Socket>().swap(ns.sockets);
}

}  // namespace

RecordingWriter::RecordingWriter(std::unique_ptr<State> state) : s_(std::move(state)) {}
RecordingWriter::RecordingWriter(RecordingWriter&&) noexcept = default;
RecordingWriter& RecordingWriter::operator=(RecordingWriter&&) noexcept = default;
RecordingWriter::~RecordingWriter() {
  if (s_ && s_->fd >= 0) (void)close();
}

Result<RecordingWriter> RecordingWriter::create(const std::string& path, const FileHeader& header,
                                                const WriterOptions& options) {
  auto s = std::make_unique<State>();
  s->path = path;
  s->header = header;
  s->options = options;
  // 0640: sockets, peers and command lines are not for every local user to read.
  s->fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640);
  if (s->fd < 0) return s->io_error("cannot create");
  s->seq = options.start_after_seq;
  s->frame.resize(PREAMBLE_SIZE);
  encode_preamble(std::span<uint8_t, PREAMBLE_SIZE>(s->frame.data(), PREAMBLE_SIZE), FORMAT_VERSION);
  if (Status st = s->write_frame(); !st) return st.error();
  if (Status st = s->write_header_record(); !st) return st.error();
  return RecordingWriter(std::move(s));
}

Result<RecordingWriter> RecordingWriter::append(const std::string& path, const FileHeader& header,
                                                const WriterOptions& options) {
  FileScan scan;
  {
    auto file = FileBytes::open(path);
    if (!file) return file.error();
    RecordDecoder decoder;
    auto scanned = scan_file(*file, ScanMode::full, decoder);
    // A crash while create() wrote the file header record leaves a preamble and a torn
    // record: no frame in it is readable, so starting over loses nothing (refusing would
    // stop a restarted recorder for good).
    if (!scanned && find_frame_from(*file, PREAMBLE_SIZE, [&](uint64_t at) {
          return file->frame_at(at).has_value();
        }) == file->size())
      return create(path, header, options);
    if (!scanned) return scanned.error();
    scan = std::move(scanned.value());
    if (!scan.header.machine_id.empty() && !header.machine_id.empty() &&
        (scan.header.machine_id != header.machine_id || scan.header.host_name != header.host_name))
      return Error{path + ": recorded on another host (" + scan.header.host_name +
                   "); use --force to start over or choose another file"};
  }
  auto s = std::make_unique<State>();
  s->path = path;
  s->header = header;
  s->options = options;
  s->fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (s->fd < 0) return s->io_error("cannot open");
  struct stat st {};
  if (fstat(s->fd, &st) != 0) return s->io_error("cannot stat");
  s->end = static_cast<uint64_t>(st.st_size);
  // A torn last record (a crash mid-write, a full disk) is unreadable by any reader: cut it
  // off so that the file does not stay damaged forever. Damage before intact frames is kept.
  if (!scan.damage.empty()) {
    const DamagedRegion& last = scan.damage.back();
    if (last.offset + last.length == s->end && last.offset >= scan.end_of_valid) {
      if (ftruncate(s->fd, static_cast<off_t>(last.offset)) != 0) return s->io_error("cannot cut torn tail");
      s->end = last.offset;
    }
  }
  s->format_version = std::min(scan.format_version, FORMAT_VERSION);
  s->delta.give_processes_against_previous(s->format_version >= 2);
  s->seq = scan.last_seq;
  s->last_index_offset = scan.last_index_offset;
  // Snapshots written after the last index record (a crash before close) go in our first one.
  for (const auto& e : scan.entries)
    if (e.offset > scan.last_index_offset) s->pending.push_back(e);
  if (Status w = s->write_header_record(); !w) return w.error();
  return RecordingWriter(std::move(s));
}

Status RecordingWriter::write(const Snapshot& snapshot) {
  return write_as(snapshot, s_->seq + 1, false);
}

Status RecordingWriter::write_copy(const Snapshot& snapshot, bool key) {
  if (snapshot.seq <= s_->seq)
    return Error{s_->path + ": snapshot " + std::to_string(snapshot.seq) +
                 " does not follow snapshot " + std::to_string(s_->seq)};
  return write_as(snapshot, snapshot.seq, key || snapshot.seq != s_->seq + 1);
}

Status RecordingWriter::write_as(const Snapshot& snapshot, uint64_t seq, bool force_key) {
  State& s = *s_;
  if (s.fd < 0) return Error{s.path + ": writer is closed"};
  bool key = force_key || s.need_key || s.since_key + 1 >= s.options.key_interval;
  // `previous` becomes this snapshot as a reader will rebuild it, before the write is known
  // to succeed: when it fails, the next snapshot is a key (it needs no base).
  {
    capnp::MallocMessageBuilder message;
    if (key) {
      release_sockets(s.previous);
      auto root = message.initRoot<wire::Snapshot>();
      wire_codec::write_snapshot(snapshot, root);
      root.setSeq(seq);
    } else {
      auto root = message.initRoot<wire::SnapshotDelta>();
      s.delta.encode(s.previous, snapshot, root);
      root.setSeq(seq);
    }
    s.encoder.encode(key ? RecordType::key : RecordType::delta, seq, snapshot.wall_ns, message,
                     [&](size_t raw) {
                       if (key) return s.options.key_zstd_level;
                       return raw < s.options.small_record_bytes
                                  ? s.options.small_record_zstd_level
                                  : s.options.zstd_level;
                     },
                     s.frame);
  }  // the message is freed before a key's copy is taken
  if (key) copy_with_headroom(snapshot, s.previous);
  s.previous.seq = seq;
  uint64_t at = s.end;
  if (Status st = s.write_frame(); !st) {
    s.need_key = true;
    return st;
  }
  if (s.options.fsync_each) fdatasync(s.fd);
  // A key's frame is some MB at 100,000 sockets, the deltas between keys a few KB: kept, that
  // memory would stay resident until the next key.
  if (key) std::vector<uint8_t>().swap(s.frame);
  s.seq = seq;
  s.need_key = false;
  s.since_key = key ? 0 : s.since_key + 1;
  const auto sockets = static_cast<uint32_t>(socket_count(s.previous));
  s.pending.push_back({0, at, seq, snapshot.wall_ns, key, sockets});
  ++s.snapshots;
  // The snapshot is stored: an index that cannot be written now (disk full) stays pending and
  // is tried again with the next one; readers rebuild a missing index from the records.
  if (s.pending.size() >= s.options.index_every) (void)s.write_index();
  return ok_status();
}

Status RecordingWriter::reopen() {
  State& s = *s_;
  if (Status st = s.write_index(); !st) return st;
  if (s.fd >= 0) ::close(s.fd);
  s.fd = -1;
  struct stat st {};
  bool exists = ::stat(s.path.c_str(), &st) == 0 && st.st_size > 0;
  auto next = exists ? append(s.path, s.header, s.options) : create(s.path, s.header, s.options);
  if (!next) return next.error();
  uint64_t bytes = s.bytes, snapshots = s.snapshots, seq = s.seq;
  s_ = std::move(next.value().s_);
  s_->bytes += bytes;
  s_->snapshots = snapshots;
  s_->seq = std::max(s_->seq, seq);  // a new file continues the timeline's numbering
  return ok_status();
}

Status RecordingWriter::close() {
  State& s = *s_;
  if (s.fd < 0) return ok_status();
  Status st = s.write_index();
  if (::close(s.fd) != 0 && st) st = s.io_error("close failed");
  s.fd = -1;
  return st;
}

uint64_t RecordingWriter::bytes_written() const { return s_->bytes; }
uint64_t RecordingWriter::snapshots_written() const { return s_->snapshots; }
uint64_t RecordingWriter::last_seq() const { return s_->seq; }
const std::string& RecordingWriter::path() const { return s_->path; }

}  // namespace netsnap
