#include "file_scan.h"

#include <capnp/serialize.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "netsnap.capnp.h"
#include "wire_codec.h"

namespace netsnap {

Result<FileBytes> FileBytes::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{path + ": " + std::strerror(errno)};
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error{path + ": not a regular file"};
  }
  return FileBytes(fd, static_cast<uint64_t>(st.st_size), path);
}

FileBytes::FileBytes(FileBytes&& o) noexcept : fd_(o.fd_), size_(o.size_), path_(std::move(o.path_)) {
  o.fd_ = -1;
}
FileBytes& FileBytes::operator=(FileBytes&& o) noexcept {
  std::swap(fd_, o.fd_);
  std::swap(size_, o.size_);
  std::swap(path_, o.path_);
  return *this;
}
FileBytes::~FileBytes() {
  if (fd_ >= 0) ::close(fd_);
}

bool FileBytes::read(uint64_t offset, size_t n, std::vector<uint8_t>& out) const {
  if (offset > size_ || n > size_ - offset) return false;
  out.resize(n);
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd_, out.data() + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += static_cast<size_t>(r);
  }
  return true;
}

std::optional<FrameHeader> FileBytes::frame_at(uint64_t offset) const {
  uint8_t bytes[FRAME_HEADER_SIZE];
  if (offset > size_ || size_ - offset < FRAME_HEADER_SIZE) return std::nullopt;
  if (::pread(fd_, bytes, FRAME_HEADER_SIZE, static_cast<off_t>(offset)) !=
      static_cast<ssize_t>(FRAME_HEADER_SIZE))
    return std::nullopt;
  auto h = decode_frame_header(std::span<const uint8_t>(bytes, FRAME_HEADER_SIZE));
  if (!h || h->stored_len > size_ - offset - FRAME_HEADER_SIZE) return std::nullopt;
  return h;
}

std::string FileBytes::frame_problem(uint64_t offset) const {
  uint8_t bytes[FRAME_HEADER_SIZE];
  if (offset > size_ || size_ - offset < FRAME_HEADER_SIZE) return "";
  if (::pread(fd_, bytes, FRAME_HEADER_SIZE, static_cast<off_t>(offset)) !=
      static_cast<ssize_t>(FRAME_HEADER_SIZE))
    return "";
  return frame_header_limit_problem(std::span<const uint8_t>(bytes, FRAME_HEADER_SIZE),
                                    size_ - offset - FRAME_HEADER_SIZE);
}

Result<kj::ArrayPtr<const capnp::word>> read_record(const FileBytes& file, uint64_t offset,
                                                   RecordDecoder& decoder, FrameHeader& header,
                                                   std::vector<uint8_t>& scratch) {
  auto h = file.frame_at(offset);
  if (!h) return Error{"no intact frame header"};
  header = *h;
  if (!file.read(offset + FRAME_HEADER_SIZE, h->stored_len, scratch))
    return Error{"payload cut short"};
  return decoder.decode(*h, scratch.data());
}

uint64_t find_frame_from(const FileBytes& file, uint64_t from,
                         const std::function<bool(uint64_t)>& accept) {
  std::vector<uint8_t> chunk;
  const size_t step = 1 << 20;
  for (uint64_t base = from; base < file.size(); base += step) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(step + 3, file.size() - base));
    if (!file.read(base, n, chunk)) break;
    for (size_t i = 0; i + 4 <= n; ++i) {
      if (chunk[i] != 0x53 || chunk[i + 1] != 0x4E || chunk[i + 2] != 0x52 || chunk[i + 3] != 0x46)
        continue;
      if (accept(base + i)) return base + i;
    }
  }
  return file.size();
}

namespace {

struct Scanner {
  const FileBytes& file;
  ScanMode mode;
  RecordDecoder& decoder;
  FileScan scan;
  std::vector<uint8_t> scratch;

  Error error(const std::string& what, uint64_t offset) const {
    return Error{file.path() + ": " + what + " at offset " + std::to_string(offset)};
  }

  bool read_header_record(uint64_t offset, FileHeader& out) {
    FrameHeader h;
    auto words = read_record(file, offset, decoder, h, scratch);
    if (!words || h.type != RecordType::header) return false;
    try {
      capnp::FlatArrayMessageReader reader(*words, RecordDecoder::options_for(words->size()));
      out = wire_codec::read_header(reader.getRoot<wire::FileHeader>());
      return true;
    } catch (const kj::Exception&) {
      return false;
    }
  }

  // A frame is accepted when its header is intact and, in full mode, its payload checksum too.
  bool intact(uint64_t offset, FrameHeader& h) {
    auto found = file.frame_at(offset);
    if (!found) return false;
    h = *found;
    if (mode == ScanMode::fast) return true;
    if (!file.read(offset + FRAME_HEADER_SIZE, h.stored_len, scratch)) return false;
    return crc32c(scratch.data(), h.stored_len) == h.payload_crc;
  }

  // The next offset after `from` where an intact frame starts, or the file size.
  uint64_t resync(uint64_t from) {
    return find_frame_from(file, from, [this](uint64_t at) {
      FrameHeader h;
      return intact(at, h);
    });
  }

  void add_entry(uint64_t offset, const FrameHeader& h, uint32_t sockets) {
    scan.entries.push_back({0, offset, h.seq, h.wall_ns, h.type == RecordType::key, sockets});
  }

  // Reads the time index records into a map offset -> socket count (for statistics).
  void note_index(uint64_t offset, std::vector<std::pair<uint64_t, uint32_t>>& counts) {
    FrameHeader h;
    auto words = read_record(file, offset, decoder, h, scratch);
    if (!words) return;
    try {
      capnp::FlatArrayMessageReader reader(*words, RecordDecoder::options_for(words->size()));
      for (auto e : reader.getRoot<wire::TimeIndex>().getEntries())
        counts.emplace_back(e.getOffset(), e.getSockets());
    } catch (const kj::Exception&) {
    }
  }

  void walk(uint64_t offset) {
    std::vector<std::pair<uint64_t, uint32_t>> socket_counts;
    while (offset < file.size()) {
      FrameHeader h;
      if (!intact(offset, h)) {
        uint64_t next = resync(offset + 1);
        std::string why = file.frame_problem(offset);
        if (why.empty()) why = next == file.size() ? "cut short or damaged to the end" : "damaged bytes";
        scan.damage.push_back({file.path(), offset, next - offset, 0, why});
        offset = next;
        continue;
      }
      if (h.type == RecordType::key || h.type == RecordType::delta) add_entry(offset, h, 0);
      if (h.type == RecordType::index) {
        scan.last_index_offset = offset;
        note_index(offset, socket_counts);
      }
      offset += FRAME_HEADER_SIZE + h.stored_len;
      scan.end_of_valid = offset;
    }
    std::sort(socket_counts.begin(), socket_counts.end());
    for (auto& e : scan.entries) {
      auto it = std::lower_bound(socket_counts.begin(), socket_counts.end(),
                                 std::make_pair(e.offset, uint32_t(0)));
      if (it != socket_counts.end() && it->first == e.offset) e.sockets = it->second;
    }
  }

  // Drops deltas whose base is missing and charges them to the damage before them.
  void drop_orphan_deltas() {
    // Records lost inside a damaged region show as sequence numbers skipped across it.
    for (auto& d : scan.damage) {
      uint64_t before = 0, after = 0;
      for (const auto& e : scan.entries) {
        if (e.offset < d.offset) before = e.seq;
        else if (e.offset >= d.offset + d.length) { after = e.seq; break; }
      }
      if (before && after > before + 1) d.snapshots_lost += after - before - 1;
      else if (!after && d.length > 0) d.snapshots_lost += 1;  // a cut-off last record
    }
    // In place: a day-long file has 86,400 entries, not worth a second copy.
    size_t write = 0;
    uint64_t previous_seq = 0;
    bool have_previous = false;
    for (size_t read = 0; read < scan.entries.size(); ++read) {
      const SnapshotEntry e = scan.entries[read];
      bool ok = e.is_key || (have_previous && e.seq == previous_seq + 1);
      if (ok) {
        scan.entries[write++] = e;
        previous_seq = e.seq;
        have_previous = true;
        continue;
      }
      DamagedRegion* region = nullptr;
      for (auto& d : scan.damage)
        if (d.offset < e.offset) region = &d;
      if (region) ++region->snapshots_lost;
      else scan.damage.push_back({file.path(), e.offset, 0, 1, "delta without its base"});
    }
    scan.entries.resize(write);
  }
};

}  // namespace

Result<FileScan> scan_file(const FileBytes& file, ScanMode mode, RecordDecoder& decoder) {
  std::vector<uint8_t> preamble;
  if (!file.read(0, PREAMBLE_SIZE, preamble))
    return Error{file.path() + ": not a netsnap recording (shorter than its preamble)"};
  auto version = decode_preamble(preamble);
  if (!version) return Error{file.path() + ": not a netsnap recording (bad magic at offset 0)"};
  if (*version > FORMAT_VERSION || *version == 0)
    return Error{file.path() + ": newer format version " + std::to_string(*version) +
                 ", this build reads " + std::to_string(FORMAT_VERSION) + "; upgrade netsnap"};
  Scanner s{file, ScanMode::full, decoder, {}, {}};
  s.scan.format_version = *version;
  if (!s.read_header_record(PREAMBLE_SIZE, s.scan.header))
    return s.error("damaged file header record", PREAMBLE_SIZE);
  // The header record repeats the version; one that disagrees with the preamble is a lie.
  if (s.scan.header.format_version != *version)
    return Error{file.path() + ": file header record says format version " +
                 std::to_string(s.scan.header.format_version) + ", the preamble " +
                 std::to_string(*version)};
  bool indexed = mode == ScanMode::fast && scan_by_index(file, decoder, s.scan);
  if (!indexed) {
    s.scan.entries.clear();
    s.walk(PREAMBLE_SIZE);
  }
  s.drop_orphan_deltas();
  if (!s.scan.entries.empty()) s.scan.last_seq = s.scan.entries.back().seq;
  return std::move(s.scan);
}

}  // namespace netsnap
