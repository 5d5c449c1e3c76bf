// Lists the records of one recording file without decoding snapshots: from the chain of time
// index records (fast) or by walking every frame and checking every checksum (full), which
// also finds damaged regions and resynchronizes after them on the next intact frame.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "netsnap/frame.h"
#include "netsnap/recording_reader.h"
#include "netsnap/result.h"
#include "record_codec.h"

namespace netsnap {

// pread-based access to an open file; never maps it (a recorder may still be appending).
class FileBytes {
 public:
  static Result<FileBytes> open(const std::string& path);
  FileBytes(FileBytes&&) noexcept;
  FileBytes& operator=(FileBytes&&) noexcept;
  ~FileBytes();
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Reads exactly n bytes at offset into out (resized); false past the end or on error.
  bool read(uint64_t offset, size_t n, std::vector<uint8_t>& out) const;
  // The frame header at offset, if one is intact there and its payload fits in the file.
  std::optional<FrameHeader> frame_at(uint64_t offset) const;
  // Why the frame at offset, though its header is intact, is refused (a length beyond a limit
  // or beyond the file), or "" when that is not the reason.
  std::string frame_problem(uint64_t offset) const;

 private:
  FileBytes(int fd, uint64_t size, std::string path) : fd_(fd), size_(size), path_(std::move(path)) {}
  int fd_ = -1;
  uint64_t size_ = 0;
  std::string path_;
};

struct FileScan {
  uint32_t format_version = 0;
  FileHeader header;
  std::vector<SnapshotEntry> entries;  // readable snapshot records, in file order
  std::vector<DamagedRegion> damage;
  uint64_t last_index_offset = 0;      // 0: none
  uint64_t last_seq = 0;
  uint64_t end_of_valid = 0;           // just past the last intact frame
};

// Checks the preamble and first header record; errors name the path and what is wrong.
Result<FileScan> scan_file(const FileBytes& file, ScanMode mode, RecordDecoder& decoder);

// The fast path of scan_file: entries from the chain of time index records, then the frame
// headers after the last one. False when there is no usable chain (the caller walks instead).
bool scan_by_index(const FileBytes& file, RecordDecoder& decoder, FileScan& scan);

// The first offset at or after `from` where a sync word starts a frame that `accept(offset)`
// takes, or the file's size: how readers resynchronize after damage.
uint64_t find_frame_from(const FileBytes& file, uint64_t from,
                         const std::function<bool(uint64_t)>& accept);

// Reads, checks and decompresses the record at offset; the message words stay valid until
// the decoder's next use.
Result<kj::ArrayPtr<const capnp::word>> read_record(const FileBytes& file, uint64_t offset,
                                                   RecordDecoder& decoder, FrameHeader& header,
                                                   std::vector<uint8_t>& scratch);

}  // namespace netsnap
